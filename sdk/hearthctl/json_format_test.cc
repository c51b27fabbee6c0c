#include "sdk/hearthctl/json_format.h"

#include <string>

#include "gtest/gtest.h"

namespace hearth::ctl {
namespace {

TEST(IsValidUtf8, AcceptsAsciiAndWellFormedSequences) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello"));
  EXPECT_TRUE(IsValidUtf8("µs, 日本, 🔥"));
}

TEST(IsValidUtf8, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // Truncated.
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // Overlong '/'.
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // Surrogate U+D800.
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // Above U+10FFFF.
}

TEST(InvokeResponseToJson, GivesATextBodyAsAString) {
  v1::InvokeResponse response;
  response.set_id("a1");
  response.set_outcome(v1::OUTCOME_OK);
  response.mutable_response()->set_status(201);
  v1::Header* header = response.mutable_response()->add_headers();
  header->set_name("content-type");
  header->set_value("text/plain");
  response.mutable_response()->set_body("hi");
  response.mutable_report()->set_cold(true);
  response.mutable_report()->set_boot_us(900);
  response.mutable_report()->add_logs("log: hello");

  const nlohmann::ordered_json json = InvokeResponseToJson(response);
  EXPECT_EQ(json["id"], "a1");
  EXPECT_EQ(json["outcome"], "OUTCOME_OK");
  EXPECT_EQ(json["status"], 201);
  EXPECT_EQ(json["headers"][0]["name"], "content-type");
  EXPECT_EQ(json["headers"][0]["value"], "text/plain");
  EXPECT_EQ(json["body"], "hi");
  EXPECT_FALSE(json.contains("body_base64"));
  EXPECT_EQ(json["error"], "");
  EXPECT_EQ(json["report"]["cold"], true);
  EXPECT_EQ(json["report"]["boot_us"], 900);
  EXPECT_EQ(json["report"]["logs"][0], "log: hello");
}

TEST(InvokeResponseToJson, GivesABinaryBodyAsBase64) {
  v1::InvokeResponse response;
  response.mutable_response()->set_body(std::string("\x00\xff", 2));
  const nlohmann::ordered_json json = InvokeResponseToJson(response);
  EXPECT_FALSE(json.contains("body"));
  EXPECT_EQ(json["body_base64"], "AP8=");
}

TEST(InvokeResponseToJson, NamesTheOutcomeAndKeepsTheError) {
  v1::InvokeResponse response;
  response.set_outcome(v1::OUTCOME_CPU_LIMIT);
  response.set_error("CPU limit of 50 ms exceeded");
  const nlohmann::ordered_json json = InvokeResponseToJson(response);
  EXPECT_EQ(json["outcome"], "OUTCOME_CPU_LIMIT");
  EXPECT_EQ(json["error"], "CPU limit of 50 ms exceeded");
}

TEST(FunctionInfoToJson, WritesLargeCountersAsNumbers) {
  v1::FunctionInfo info;
  info.set_name("hello");
  info.set_invocations(uint64_t{1} << 40);
  info.mutable_limits()->set_cpu_ms(50);
  info.mutable_pool()->set_max_isolates(8);
  info.add_env_keys("REGION");
  const nlohmann::ordered_json json = FunctionInfoToJson(info);
  EXPECT_EQ(json["invocations"], uint64_t{1} << 40);
  EXPECT_EQ(json["limits"]["cpu_ms"], 50);
  EXPECT_EQ(json["pool"]["max_isolates"], 8);
  EXPECT_EQ(json["env_keys"], nlohmann::ordered_json::array({"REGION"}));
}

TEST(FunctionInfoToJson, ShowsTheQuarantine) {
  v1::FunctionInfo info;
  info.set_name("spin");
  EXPECT_EQ(FunctionInfoToJson(info)["quarantined"], false);
  info.set_quarantined(true);
  info.set_quarantine_reason("the agent crashed (SIGABRT) while it ran on worker 1");
  const nlohmann::ordered_json json = FunctionInfoToJson(info);
  EXPECT_EQ(json["quarantined"], true);
  EXPECT_EQ(json["quarantine_reason"], "the agent crashed (SIGABRT) while it ran on worker 1");
}

TEST(DeployResponseToJson, HasTheDocumentedKeys) {
  v1::DeployResponse response;
  response.set_version("abc");
  response.set_build_ms(4.25);
  const nlohmann::ordered_json json = DeployResponseToJson("hello", response);
  EXPECT_EQ(json, nlohmann::ordered_json::parse(
                      R"({"name":"hello","version":"abc","snapshot_bytes":0,"build_ms":4.25})"));
}

}  // namespace
}  // namespace hearth::ctl
