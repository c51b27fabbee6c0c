// Timers and ctx.waitUntil against the real agent: a timer belongs to the invocation that
// set it, runs under what is left of its CPU limit, goes on after the response only for
// waitUntil work, and is cancelled when the invocation ends. One worker, so that every
// call of a function lands on the same isolate and what one left behind is visible to the
// next.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_client.h"

namespace hearth::testing {
namespace {

class TimersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto agent = AgentProcess::Start({"--workers", "1"});
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = *std::move(agent);
    client_ = std::make_unique<AgentClient>(*agent_);
  }

  grpc::Status Deploy(const std::string& name, const std::string& source, uint32_t cpu_ms = 1000,
                      uint32_t timeout_ms = 5000) {
    v1::DeployRequest request = DeployOf(name, source);
    request.mutable_limits()->set_cpu_ms(cpu_ms);
    request.mutable_limits()->set_timeout_ms(timeout_ms);
    // One isolate: a call waits for the one before it to end, background work included,
    // and finds what that call left in the isolate.
    request.mutable_pool()->set_min_warm(1);
    request.mutable_pool()->set_max_isolates(1);
    return client_->Deploy(request);
  }

  v1::InvokeResponse Invoke(const std::string& name) {
    v1::InvokeResponse response;
    const grpc::Status status = client_->Invoke(name, &response, std::chrono::seconds(30));
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::unique_ptr<AgentProcess> agent_;
  std::unique_ptr<AgentClient> client_;
};

TEST_F(TimersTest, WaitUntilWorkGoesOnAfterTheResponseAndOtherTimersAreCancelled) {
  // Each call reports what the calls before it left behind, then leaves background work
  // its waitUntil waits for (it must run) which, as its last act, sets a 0 ms timer nobody
  // waits for: the invocation ends as that work settles, so the timer must never run. The
  // next call waits 50 ms itself, in which a surviving timer would fire.
  ASSERT_TRUE(Deploy("background", R"js(
    globalThis.log ??= [];
    export default async (request, env, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const seen = log.join(',');
      const call = log.length;
      ctx.waitUntil(new Promise((resolve) => setTimeout(() => {
        log.push(`background ${call}`);
        setTimeout(() => log.push(`stray ${call}`), 0);
        resolve();
      }, 5)));
      return seen;
    };
  )js")
                  .ok());
  EXPECT_EQ(Invoke("background").response().body(), "");
  EXPECT_EQ(Invoke("background").response().body(), "background 0");
  EXPECT_EQ(Invoke("background").response().body(), "background 0,background 1");
}

TEST_F(TimersTest, TimersShareTheInvocationsCpuLimit) {
  // Five timers, one after the other, each spinning 40 ms of wall time: none passes a 50 ms
  // limit alone, together they do (even on a machine loaded enough to give each half of
  // its wall time as CPU).
  ASSERT_TRUE(Deploy("spinner", R"js(
    const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end) {} };
    export default async () => {
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(() => { spin(40); resolve(); }, 1));
      }
      return 'not reached';
    };
  )js",
                     /*cpu_ms=*/50)
                  .ok());
  const v1::InvokeResponse response = Invoke("spinner");
  EXPECT_EQ(response.outcome(), v1::OUTCOME_CPU_LIMIT) << response.error();
  EXPECT_GE(response.report().cpu_us(), 50'000u);
  // The isolate that hit the limit is replaced; the function still serves.
  ASSERT_TRUE(
      Deploy("light", "export default () => new Promise((r) => setTimeout(() => r('ok'), 1));")
          .ok());
  EXPECT_EQ(Invoke("light").response().body(), "ok");
}

TEST_F(TimersTest, AHandlerWaitingOnATimerPastItsDeadlineTimesOut) {
  ASSERT_TRUE(Deploy("late", R"js(
    export default () => new Promise((resolve) => setTimeout(() => resolve('too late'), 60000));
  )js",
                     /*cpu_ms=*/1000, /*timeout_ms=*/200)
                  .ok());
  const v1::InvokeResponse response = Invoke("late");
  EXPECT_EQ(response.outcome(), v1::OUTCOME_TIMEOUT);
  EXPECT_LT(response.report().run_us(), 10'000'000u);
}

TEST_F(TimersTest, WaitUntilCannotOutliveTheDeadlineAndTheIsolateServesOn) {
  ASSERT_TRUE(Deploy("endless", R"js(
    let calls = 0;
    export default (request, env, ctx) => {
      ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 60000)));
      return `call ${++calls}`;
    };
  )js",
                     /*cpu_ms=*/1000, /*timeout_ms=*/300)
                  .ok());
  EXPECT_EQ(Invoke("endless").response().body(), "call 1");
  // Served once the first call's background work was cut at its deadline, by the same
  // isolate (the count goes on): cutting background work is no reason to replace it.
  const v1::InvokeResponse second = Invoke("endless");
  EXPECT_EQ(second.outcome(), v1::OUTCOME_OK) << second.error();
  EXPECT_EQ(second.response().body(), "call 2");
}

TEST_F(TimersTest, TimersCannotBeSetAtTheTopLevel) {
  const grpc::Status status = Deploy("eager", "setTimeout(() => {}, 1); export default () => 1;");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("top level"), std::string::npos) << status.error_message();
}

TEST_F(TimersTest, PendingTimersAreCapped) {
  ASSERT_TRUE(Deploy("hoarder", R"js(
    export default () => {
      try {
        for (let i = 0; i < 200000; i++) setTimeout(() => {}, 60000);
      } catch (error) {
        return `${error.name}: ${error.message}`;
      }
      return 'no cap';
    };
  )js",
                     /*cpu_ms=*/5000)
                  .ok());
  const v1::InvokeResponse response = Invoke("hoarder");
  EXPECT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  EXPECT_EQ(response.response().body(), "RangeError: too many timers pending: at most 100000");
}

}  // namespace
}  // namespace hearth::testing
