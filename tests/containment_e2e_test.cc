// Containment of the whole agent, end to end: pool settings honored or refused, parked
// invocations answered by their deadlines, and a long soak of limit violations beside a
// healthy function (every invocation answered, the agent's memory levels off).
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_process.h"

namespace hearth::testing {
namespace {

using ::testing::HasSubstr;

class ContainmentTest : public ::testing::Test {
 protected:
  void StartAgent(std::vector<std::string> args) {
    auto agent = AgentProcess::Start(args);
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = *std::move(agent);
    stub_ = v1::Agent::NewStub(
        grpc::CreateChannel(agent_->grpc_target(), grpc::InsecureChannelCredentials()));
  }

  grpc::Status Deploy(v1::DeployRequest request) {
    v1::DeployResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    return stub_->Deploy(&context, request, &response);
  }

  static v1::DeployRequest Function(const std::string& name, const std::string& source) {
    v1::DeployRequest request;
    request.set_name(name);
    request.set_source(source);
    return request;
  }

  grpc::Status Invoke(const std::string& name, std::chrono::milliseconds deadline,
                      v1::InvokeResponse* response) {
    v1::InvokeRequest request;
    request.set_function(name);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    return stub_->Invoke(&context, request, response);
  }

  // Sum of the samples of `metric` whose labels contain `labels`.
  double Scrape(const std::string& metric, const std::string& labels) {
    absl::StatusOr<double> sum = ScrapeSum(agent_->metrics_port(), metric, labels);
    EXPECT_TRUE(sum.ok()) << sum.status();
    return sum.value_or(-1);
  }

  int64_t AgentRssKib() const {
    std::ifstream status(absl::StrCat("/proc/", agent_->pid(), "/status"));
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
    }
    return -1;
  }

  std::unique_ptr<AgentProcess> agent_;
  std::unique_ptr<v1::Agent::Stub> stub_;
};

constexpr char kHello[] = "export default () => new Response('hi');";

TEST_F(ContainmentTest, MinWarmIsKeptAsAskedOrRefusedNamingTheField) {
  StartAgent({"--workers", "2"});
  v1::DeployRequest many = Function("many", kHello);
  many.mutable_pool()->set_min_warm(200);
  const grpc::Status deployed = Deploy(many);
  ASSERT_TRUE(deployed.ok()) << deployed.error_message();
  EXPECT_EQ(Scrape("hearth_isolates", "function=\"many\",state=\"warm\""), 200);
  // Invocations take one and give it back: still 200 afterwards.
  for (int i = 0; i < 20; ++i) {
    v1::InvokeResponse response;
    ASSERT_TRUE(Invoke("many", std::chrono::seconds(10), &response).ok());
    EXPECT_EQ(response.outcome(), v1::OUTCOME_OK);
  }
  EXPECT_EQ(Scrape("hearth_isolates", "function=\"many\",state=\"warm\""), 200);

  v1::DeployRequest too_many = Function("too-many", kHello);
  too_many.mutable_pool()->set_min_warm(1'000'000);
  const grpc::Status refused = Deploy(too_many);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("pool.min_warm"));
  EXPECT_THAT(refused.error_message(), HasSubstr("at most"));

  v1::DeployRequest contradictory = Function("contradictory", kHello);
  contradictory.mutable_pool()->set_min_warm(10);
  contradictory.mutable_pool()->set_max_isolates(5);
  const grpc::Status refused_too = Deploy(contradictory);
  EXPECT_EQ(refused_too.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused_too.error_message(), HasSubstr("pool.max_isolates"));
}

TEST_F(ContainmentTest, ParkedInvocationsEndByTheirDeadlinesAndTheOnesBehindStillRun) {
  StartAgent({"--workers", "1"});
  // One isolate at most; each invocation holds it for ~300 ms of CPU.
  v1::DeployRequest slow = Function("slow", R"(
      export default () => {
        const until = Date.now() + 300;
        while (Date.now() < until) {}
        return new Response('done');
      };)");
  slow.mutable_pool()->set_max_isolates(1);
  slow.mutable_limits()->set_cpu_ms(5000);
  ASSERT_TRUE(Deploy(slow).ok());

  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    v1::InvokeResponse first, expiring, behind;
    grpc::Status first_status, expiring_status, behind_status;
    std::thread holder([&] { first_status = Invoke("slow", std::chrono::seconds(30), &first); });
    // Wait (with a deadline) until the first one holds the isolate.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (Scrape("hearth_isolates", "function=\"slow\",state=\"busy\"") < 1 &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    // Parked behind it: one whose deadline passes while it waits, then one without.
    std::thread expirer(
        [&] { expiring_status = Invoke("slow", std::chrono::milliseconds(100), &expiring); });
    std::thread waiter([&] { behind_status = Invoke("slow", std::chrono::seconds(30), &behind); });
    holder.join();
    expirer.join();
    waiter.join();
    ASSERT_TRUE(first_status.ok()) << first_status.error_message();
    EXPECT_EQ(first.outcome(), v1::OUTCOME_OK);
    // Answered by its deadline: the agent's TIMEOUT, or the client's own deadline first.
    if (expiring_status.ok()) {
      EXPECT_EQ(expiring.outcome(), v1::OUTCOME_TIMEOUT) << expiring.error();
    } else {
      EXPECT_EQ(expiring_status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    }
    // The one behind the expired one still gets its turn.
    ASSERT_TRUE(behind_status.ok()) << behind_status.error_message();
    EXPECT_EQ(behind.outcome(), v1::OUTCOME_OK) << behind.error();
    EXPECT_EQ(behind.response().body(), "done");
  }
}

TEST_F(ContainmentTest, AParkedInvocationItsCallerCancelledIsNeverRun) {
  StartAgent({"--workers", "1"});
  v1::DeployRequest slow = Function("slow", R"(
      export default () => {
        const until = Date.now() + 300;
        while (Date.now() < until) {}
        return new Response('done');
      };)");
  slow.mutable_pool()->set_max_isolates(1);
  slow.mutable_limits()->set_cpu_ms(5000);
  ASSERT_TRUE(Deploy(slow).ok());

  v1::InvokeResponse first, cancelled, behind;
  grpc::Status first_status, cancelled_status, behind_status;
  std::thread holder([&] { first_status = Invoke("slow", std::chrono::seconds(30), &first); });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Scrape("hearth_isolates", "function=\"slow\",state=\"busy\"") < 1 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  grpc::ClientContext cancelled_context;
  cancelled_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::InvokeRequest request;
  request.set_function("slow");
  std::thread canceller(
      [&] { cancelled_status = stub_->Invoke(&cancelled_context, request, &cancelled); });
  // Parked behind the first (the agent's queue depth shows it), then cancelled.
  while (Scrape("hearth_worker_queue_depth", "worker=\"0\"") < 2 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  cancelled_context.TryCancel();
  canceller.join();
  std::thread waiter([&] { behind_status = Invoke("slow", std::chrono::seconds(30), &behind); });
  holder.join();
  waiter.join();
  EXPECT_EQ(cancelled_status.error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(first_status.ok() && behind_status.ok());
  EXPECT_EQ(first.outcome(), v1::OUTCOME_OK);
  EXPECT_EQ(behind.outcome(), v1::OUTCOME_OK);
  // Two ran; the cancelled one never did (it would have been counted with its outcome).
  EXPECT_EQ(Scrape("hearth_invocations_total", "function=\"slow\",outcome=\"ok\""), 2);
}

TEST_F(ContainmentTest, ASoakOfViolationsLeavesEveryInvocationAnsweredAndMemoryLevel) {
  StartAgent({"--workers", "1"});
  ASSERT_TRUE(Deploy(Function("healthy", kHello)).ok());
  // Three kinds of violation, each ending its isolate: CPU, memory, and a top level that
  // the agent must replace at every invocation.
  v1::DeployRequest spin = Function("spin", "export default () => { for (;;) {} };");
  spin.mutable_limits()->set_cpu_ms(5);
  ASSERT_TRUE(Deploy(spin).ok());
  v1::DeployRequest hog = Function("hog", R"(
      export default () => { const keep = []; for (;;) keep.push(new Array(4096).fill(1.5)); };)");
  hog.mutable_limits()->set_memory_mb(16);
  hog.mutable_limits()->set_cpu_ms(5000);
  ASSERT_TRUE(Deploy(hog).ok());

  constexpr int kViolations = 1000;
  std::atomic<bool> attacking{true};
  std::atomic<int> healthy_ok{0}, healthy_bad{0};
  std::thread healthy([&] {
    while (attacking.load()) {
      v1::InvokeResponse response;
      const grpc::Status status = Invoke("healthy", std::chrono::seconds(10), &response);
      if (status.ok() && response.outcome() == v1::OUTCOME_OK) {
        ++healthy_ok;
      } else {
        ++healthy_bad;
      }
    }
  });
  int answered = 0, wrong = 0;
  int64_t rss_at_half = 0;
  for (int i = 0; i < kViolations; ++i) {
    const bool memory = i % 10 == 0;  // Memory violations cost more: one in ten.
    v1::InvokeResponse response;
    const grpc::Status status =
        Invoke(memory ? "hog" : "spin", std::chrono::seconds(30), &response);
    if (status.ok()) ++answered;
    if (response.outcome() != (memory ? v1::OUTCOME_MEMORY_LIMIT : v1::OUTCOME_CPU_LIMIT)) {
      ++wrong;
    }
    if (i == kViolations / 2) rss_at_half = AgentRssKib();
  }
  attacking = false;
  healthy.join();
  EXPECT_EQ(answered, kViolations);
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(healthy_ok.load(), 0);
  EXPECT_EQ(healthy_bad.load(), 0);
  // Levels off: the second half of the soak adds no more than a little to the agent's RSS
  // (a leak of one isolate per violation would add ~500 MB here).
  const int64_t rss_at_end = AgentRssKib();
  EXPECT_LT(rss_at_end - rss_at_half, 64 * 1024)
      << "RSS " << rss_at_half << " KiB at half, " << rss_at_end << " KiB at the end";
  EXPECT_EQ(Scrape("hearth_invocations_total", "function=\"spin\",outcome=\"cpu_limit\"") +
                Scrape("hearth_invocations_total", "function=\"hog\",outcome=\"memory_limit\""),
            kViolations);
  EXPECT_EQ(agent_->Stop(), 0);
}

}  // namespace
}  // namespace hearth::testing
