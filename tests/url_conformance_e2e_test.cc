// URL and URLSearchParams against web-platform-tests' URL data files, inside real isolates of
// a real agent: tests/conformance/url_wpt.js is deployed as a function and each data file is
// sent to it as invocation bodies (sliced when a file exceeds the agent's request body
// limit). The function runs the cases as WPT's own test files do and answers how many
// passed and which failed.
//
// A ratchet, not a pass/fail list: tests/conformance/url_ratchet.json holds each file's
// floor, the number of cases that passed when it was last raised. Fewer than the floor
// fails the test; more asks for the floor to be raised. Every failing case is printed.
//
// The data is not in this repository: it is read from HEARTH_CONFORMANCE_DIR, or else from
// the shared/ folder beside the checkout (../shared/conformance/wpt/url, with its SOURCE.md).
// Without it the test is skipped.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_process.h"

namespace hearth::testing {
namespace {

using nlohmann::json;

// The agent's request body limit (--max-request-bytes, its default), passed to the agent
// explicitly so that the slicing below and the agent agree.
constexpr size_t kMaxRequestBodyBytes = 16u << 20;

const char* const kDataFiles[] = {
    "urltestdata.json",      "setters_tests.json", "toascii.json", "urlencoded-parser-data.json",
    "percent-encoding.json",
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path DataDir() {
  if (const char* dir = std::getenv("HEARTH_CONFORMANCE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return std::filesystem::path(HEARTH_SOURCE_DIR) / "../shared/conformance/wpt/url";
}

// The invocation bodies for one data file, {"file": name, "data": slice}, each at most
// `limit` bytes: a file's array (or, for setters_tests.json, each of its arrays) is cut
// between cases.
std::vector<std::string> Bodies(const std::string& file, const json& data, size_t limit) {
  std::vector<std::string> bodies;
  const size_t envelope = json({{"file", file}, {"data", nullptr}}).dump().size() + 16;
  json slice = data.is_array() ? json::array() : json::object();
  size_t size = envelope;
  auto flush = [&] {
    if (!slice.empty()) bodies.push_back(json({{"file", file}, {"data", slice}}).dump());
    slice = data.is_array() ? json::array() : json::object();
    size = envelope;
  };
  auto add = [&](const std::string* key, const json& item) {
    const size_t item_size = item.dump().size() + (key != nullptr ? key->size() + 8 : 0) + 2;
    if (size + item_size > limit) flush();
    size += item_size;
    if (key == nullptr) {
      slice.push_back(item);
    } else {
      slice[*key].push_back(item);
    }
  };
  if (data.is_array()) {
    for (const json& item : data) add(nullptr, item);
  } else {
    for (const auto& [key, value] : data.items()) {
      if (!value.is_array()) continue;  // "comment"
      for (const json& item : value) add(&key, item);
    }
  }
  flush();
  return bodies;
}

TEST(UrlConformance, NoDataFileFallsBelowItsFloor) {
  const std::filesystem::path dir = DataDir();
  for (const char* file : kDataFiles) {
    if (!std::filesystem::exists(dir / file)) {
      GTEST_SKIP() << "no web-platform-tests URL data at " << dir << " (" << file
                   << " is missing): set HEARTH_CONFORMANCE_DIR to a folder holding "
                      "url/resources/*.json from web-platform-tests to run this test";
    }
  }
  const std::filesystem::path source_dir = std::filesystem::path(HEARTH_SOURCE_DIR);
  const json ratchet =
      json::parse(ReadFile(source_dir / "tests/conformance/url_ratchet.json"), nullptr, false);
  ASSERT_TRUE(ratchet.is_object()) << "tests/conformance/url_ratchet.json is not a JSON object";

  auto agent = AgentProcess::Start(
      {"--workers", "1", "--max-request-bytes", std::to_string(kMaxRequestBodyBytes)});
  ASSERT_TRUE(agent.ok()) << agent.status();
  auto stub = v1::Agent::NewStub(
      grpc::CreateChannel((*agent)->grpc_target(), grpc::InsecureChannelCredentials()));

  v1::DeployRequest deploy;
  deploy.set_name("url-conformance");
  deploy.set_source(ReadFile(source_dir / "tests/conformance/url_wpt.js"));
  deploy.mutable_limits()->set_cpu_ms(10000);
  deploy.mutable_limits()->set_memory_mb(256);
  deploy.mutable_limits()->set_timeout_ms(30000);
  v1::DeployResponse deployed;
  grpc::ClientContext deploy_context;
  deploy_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  const grpc::Status deploy_status = stub->Deploy(&deploy_context, deploy, &deployed);
  ASSERT_TRUE(deploy_status.ok()) << deploy_status.error_message();

  int all_passed = 0, all_cases = 0;
  std::string raise;
  json all_data = json::object();
  json passed_by_file = json::object();
  for (const char* file : kDataFiles) {
    const json data = json::parse(ReadFile(dir / file), nullptr, false);
    ASSERT_FALSE(data.is_discarded()) << dir / file << " is not JSON";
    all_data[file] = data;
    int passed = 0, skipped = 0;
    std::vector<json> failed;
    for (const std::string& body : Bodies(file, data, kMaxRequestBodyBytes)) {
      v1::InvokeRequest request;
      request.set_function("url-conformance");
      request.mutable_request()->set_method("POST");
      request.mutable_request()->set_body(body);
      v1::InvokeResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      const grpc::Status status = stub->Invoke(&context, request, &response);
      ASSERT_TRUE(status.ok()) << file << ": " << status.error_message();
      ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << file << ": " << response.error();
      const json result = json::parse(response.response().body(), nullptr, false);
      ASSERT_TRUE(result.is_object()) << file << ": " << response.response().body();
      passed += result["passed"].get<int>();
      skipped += result["skipped"].get<int>();
      for (const json& failure : result["failed"]) failed.push_back(failure);
    }

    const int cases = passed + static_cast<int>(failed.size());
    passed_by_file[file] = passed;
    all_passed += passed;
    all_cases += cases;
    std::printf("%-28s %5d / %5d passed (%6.2f%%), %d skipped\n", file, passed, cases,
                cases == 0 ? 0.0 : 100.0 * passed / cases, skipped);
    for (const json& failure : failed) {
      std::printf("  FAIL %s\n       %s\n", failure["name"].get<std::string>().c_str(),
                  failure["error"].get<std::string>().c_str());
    }

    const json& entry = ratchet.contains(file) ? ratchet[file] : json();
    ASSERT_TRUE(entry.is_object() && entry["floor"].is_number_integer())
        << "tests/conformance/url_ratchet.json has no floor for " << file;
    const int floor = entry["floor"].get<int>();
    EXPECT_GE(passed, floor) << file << ": " << passed << " cases pass, the floor is " << floor
                             << " (the failing cases are printed above)";
    if (passed > floor) absl::StrAppend(&raise, "  \"", file, "\": floor ", passed, "\n");
  }
  std::printf("%-28s %5d / %5d passed (%6.2f%%)\n", "all files", all_passed, all_cases,
              all_cases == 0 ? 0.0 : 100.0 * all_passed / all_cases);
  if (!raise.empty()) {
    std::printf(
        "More cases pass than tests/conformance/url_ratchet.json says: raise its "
        "floors to\n%s",
        raise.c_str());
  }
  std::fflush(stdout);

  // The same cases at the top level of a function that gets a snapshot: the URL module and
  // everything the cases left in the heap go through V8's serializer and deserializer, and
  // the isolate booted from the snapshot answers what they found.
  v1::DeployRequest snapshotted = deploy;
  snapshotted.set_name("url-conformance-snapshot");
  snapshotted.set_source(
      absl::StrCat("const hearthTopLevelData = ", all_data.dump(), ";\n", deploy.source()));
  snapshotted.set_snapshot(v1::SNAPSHOT_ALWAYS);
  grpc::ClientContext snapshot_context;
  snapshot_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  const grpc::Status snapshot_status = stub->Deploy(&snapshot_context, snapshotted, &deployed);
  ASSERT_TRUE(snapshot_status.ok()) << snapshot_status.error_message();
  EXPECT_GT(deployed.snapshot_bytes(), 0u);
  v1::InvokeRequest request;
  request.set_function("url-conformance-snapshot");
  request.set_force_cold(true);
  v1::InvokeResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  const grpc::Status status = stub->Invoke(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  const json top_level = json::parse(response.response().body(), nullptr, false);
  ASSERT_TRUE(top_level.is_object()) << response.response().body();
  for (const char* file : kDataFiles) {
    EXPECT_EQ(top_level[file]["passed"], passed_by_file[file])
        << file << ": cases run at the top level (then snapshotted) and invoked disagree";
  }
  EXPECT_EQ((*agent)->Stop(), 0);
}

// Not WPT, but what only a real agent shows: a function that uses URL at its top level
// carries the loaded module (and the native IDNA binding it calls) in its own snapshot, made
// in the sandboxed builder, and every isolate booted from it parses on.
TEST(UrlConformance, UrlAtTopLevelLivesInTheFunctionSnapshot) {
  auto agent = AgentProcess::Start({"--workers", "1"});
  ASSERT_TRUE(agent.ok()) << agent.status();
  auto stub = v1::Agent::NewStub(
      grpc::CreateChannel((*agent)->grpc_target(), grpc::InsecureChannelCredentials()));
  v1::DeployRequest deploy;
  deploy.set_name("url-snapshot");
  deploy.set_source(
      "const base = new URL('https://b\\u00fccher.example/a/?q=1');\n"
      "base.searchParams.append('r', '2');\n"
      "export default () => ({ base: base.href, size: base.searchParams.size,\n"
      "  next: new URL('../fa\\u00df', base).href, idna: new URL('https://fa\\u00df.de').host "
      "});\n");
  deploy.set_snapshot(v1::SNAPSHOT_ALWAYS);
  v1::DeployResponse deployed;
  grpc::ClientContext deploy_context;
  deploy_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  const grpc::Status deploy_status = stub->Deploy(&deploy_context, deploy, &deployed);
  ASSERT_TRUE(deploy_status.ok()) << deploy_status.error_message();
  EXPECT_GT(deployed.snapshot_bytes(), 0u);

  for (const bool cold : {true, false, true}) {
    v1::InvokeRequest request;
    request.set_function("url-snapshot");
    request.set_force_cold(cold);
    v1::InvokeResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    const grpc::Status status = stub->Invoke(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
    EXPECT_EQ(json::parse(response.response().body(), nullptr, false),
              json({{"base", "https://xn--bcher-kva.example/a/?q=1&r=2"},
                    {"size", 2},
                    {"next", "https://xn--bcher-kva.example/fa%C3%9F"},
                    {"idna", "xn--fa-hia.de"}}))
        << response.response().body();
  }
  EXPECT_EQ((*agent)->Stop(), 0);
}

}  // namespace
}  // namespace hearth::testing
