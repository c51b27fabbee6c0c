// The Web API, checked inside real isolates of a real agent: every tests/web/*.test.js is
// deployed (after tests/web/harness.js) as one function and invoked over gRPC; the function
// runs its cases and answers which failed. Cases follow the specifications (WHATWG, WebIDL,
// W3C), each file saying which.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_process.h"

namespace hearth::testing {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// tests/web/*.test.js, as CMake found them.
std::vector<std::string> TestFiles() {
  std::vector<std::string> files = absl::StrSplit(HEARTH_WEB_TESTS, ',', absl::SkipEmpty());
  std::sort(files.begin(), files.end());
  return files;
}

class WebApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    auto agent = AgentProcess::Start({"--workers", "1"});
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = std::move(agent).value().release();
    stub_ = v1::Agent::NewStub(
                grpc::CreateChannel(agent_->grpc_target(), grpc::InsecureChannelCredentials()))
                .release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    if (agent_ != nullptr) {
      EXPECT_EQ(agent_->Stop(), 0);
    }
    delete agent_;
  }

  static AgentProcess* agent_;
  static v1::Agent::Stub* stub_;
};
AgentProcess* WebApiTest::agent_ = nullptr;
v1::Agent::Stub* WebApiTest::stub_ = nullptr;

TEST_P(WebApiTest, EveryCasePasses) {
  ASSERT_NE(stub_, nullptr);
  const std::filesystem::path dir = std::filesystem::path(HEARTH_SOURCE_DIR) / "tests/web";
  std::string name = GetParam().substr(0, GetParam().size() - 8);
  std::replace(name.begin(), name.end(), '_', '-');

  v1::DeployRequest deploy;
  deploy.set_name(name);
  deploy.set_source(ReadFile(dir / "harness.js") + ReadFile(dir / GetParam()));
  deploy.mutable_limits()->set_cpu_ms(10000);
  deploy.mutable_limits()->set_memory_mb(128);
  deploy.mutable_limits()->set_timeout_ms(30000);
  v1::DeployResponse deployed;
  grpc::ClientContext deploy_context;
  deploy_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  const grpc::Status deploy_status = stub_->Deploy(&deploy_context, deploy, &deployed);
  ASSERT_TRUE(deploy_status.ok()) << deploy_status.error_message();

  v1::InvokeRequest request;
  request.set_function(name);
  v1::InvokeResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  const grpc::Status status = stub_->Invoke(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();

  const auto result = nlohmann::json::parse(response.response().body(), nullptr, false);
  ASSERT_TRUE(result.is_object()) << response.response().body();
  for (const auto& failure : result["failed"]) {
    ADD_FAILURE() << failure["name"].get<std::string>() << "\n  "
                  << failure["error"].get<std::string>();
  }
  EXPECT_GT(result["passed"].get<int>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Files, WebApiTest, ::testing::ValuesIn(TestFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 8);
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace hearth::testing
