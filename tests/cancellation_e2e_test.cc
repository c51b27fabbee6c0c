// A caller that goes away takes its invocation with it: a unary call or a stream cancelled
// while its function runs stops that function's JavaScript, so the worker serves the next
// caller at once instead of after the function's own limits (10 s of CPU here). One worker,
// so that a function that kept running would hold up the healthy call behind it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_client.h"

namespace hearth::testing {
namespace {

constexpr auto kHealthyDeadline = std::chrono::seconds(3);

class CancellationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto agent = AgentProcess::Start({"--workers", "1"});
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = *std::move(agent);
    client_ = std::make_unique<AgentClient>(*agent_);
    stub_ = &client_->stub();
    ASSERT_TRUE(Deploy("healthy", "export default () => 'still here';").ok());
  }

  grpc::Status Deploy(const std::string& name, const std::string& source) {
    v1::DeployRequest request = DeployOf(name, source);
    request.mutable_limits()->set_cpu_ms(10000);
    request.mutable_limits()->set_timeout_ms(30000);
    return client_->Deploy(request);
  }

  // Waits (with a deadline) until `function` has an invocation running, as /metrics says.
  void WaitUntilRunning(const std::string& function) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    const std::string labels = absl::StrCat("function=\"", function, "\",state=\"busy\"");
    while (std::chrono::steady_clock::now() < deadline) {
      absl::StatusOr<double> busy = ScrapeSum(agent_->metrics_port(), "hearth_isolates", labels);
      if (busy.ok() && *busy >= 1) return;
      std::this_thread::yield();
    }
    FAIL() << function << " never started running";
  }

  void ExpectHealthyServedPromptly() {
    v1::InvokeResponse response;
    const grpc::Status status = client_->Invoke("healthy", &response, kHealthyDeadline);
    ASSERT_TRUE(status.ok()) << "the healthy function was not served: " << status.error_message();
    EXPECT_EQ(response.response().body(), "still here");
  }

  std::unique_ptr<AgentProcess> agent_;
  std::unique_ptr<AgentClient> client_;
  v1::Agent::Stub* stub_ = nullptr;  // For calls a test cancels itself.
};

TEST_F(CancellationTest, ACancelledUnaryCallStopsItsRunningFunction) {
  ASSERT_TRUE(Deploy("spin", "export default () => { for (;;) {} };").ok());
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::InvokeRequest request;
    request.set_function("spin");
    v1::InvokeResponse response;
    grpc::Status status;
    std::thread caller([&] { status = stub_->Invoke(&context, request, &response); });
    WaitUntilRunning("spin");
    context.TryCancel();
    caller.join();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
    ExpectHealthyServedPromptly();
  }
  EXPECT_EQ(agent_->Stop(), 0);
}

TEST_F(CancellationTest, ACancelledCallWaitingOnATimerEndsAndItsIsolateIsFreed) {
  // max_isolates 1: the second call can only run once the first call's isolate is free.
  v1::DeployRequest deploy = DeployOf("sleeper", R"js(
    export default (request) => (request.url.endsWith('/sleep')
        ? new Promise((resolve) => setTimeout(() => resolve('woke'), 60000))
        : 'served');
  )js");
  deploy.mutable_limits()->set_timeout_ms(30000);
  deploy.mutable_pool()->set_max_isolates(1);
  ASSERT_TRUE(client_->Deploy(deploy).ok());

  grpc::ClientContext context;
  v1::InvokeRequest request;
  request.set_function("sleeper");
  request.mutable_request()->set_url("/sleep");
  v1::InvokeResponse response;
  grpc::Status status;
  std::thread caller([&] { status = stub_->Invoke(&context, request, &response); });
  WaitUntilRunning("sleeper");
  context.TryCancel();
  caller.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);

  v1::InvokeResponse second;
  request.mutable_request()->set_url("/");
  const grpc::Status served = client_->Invoke(request, &second, kHealthyDeadline);
  ASSERT_TRUE(served.ok()) << served.error_message();
  EXPECT_EQ(second.response().body(), "served");
}

TEST_F(CancellationTest, ACancelledStreamStopsEveryFunctionItHasRunning) {
  ASSERT_TRUE(Deploy("spin", "export default () => { for (;;) {} };").ok());
  grpc::ClientContext context;
  auto stream = stub_->InvokeStream(&context);
  for (int i = 0; i < 3; ++i) {
    v1::InvokeRequest request;
    request.set_id(absl::StrCat("spin-", i));
    request.set_function("spin");
    ASSERT_TRUE(stream->Write(request));
  }
  WaitUntilRunning("spin");
  context.TryCancel();
  v1::InvokeResponse ignored;
  while (stream->Read(&ignored)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ExpectHealthyServedPromptly();
  EXPECT_EQ(agent_->Stop(), 0);
}

}  // namespace
}  // namespace hearth::testing
