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
#include <tuple>
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

  // "slow": one isolate at most (max_isolates 1); each invocation holds it ~300 ms.
  grpc::Status DeploySlow() {
    v1::DeployRequest slow = Function("slow", R"(
        export default () => {
          const until = Date.now() + 300;
          while (Date.now() < until) {}
          return new Response('done');
        };)");
    slow.mutable_pool()->set_max_isolates(1);
    slow.mutable_limits()->set_cpu_ms(5000);
    return Deploy(slow);
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
  ASSERT_TRUE(DeploySlow().ok());

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
  ASSERT_TRUE(DeploySlow().ok());

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

// The runtime runs a few Array and String methods as JavaScript past 2^20 indexes (so that
// the CPU limit stops them): they must answer exactly what the built-ins answer. The
// expected strings are Node 20's output for the same code.
TEST_F(ContainmentTest, LongArrayMethodsInJavaScriptKeepTheBuiltInsMeaning) {
  StartAgent({"--workers", "1"});
  const std::string kSemantics = R"JS(export default () => {
  const out = [];
  const big = (n) => { const a = []; a.length = n; return a; };
  // Small arrays: built-ins; large: the JS versions. Same answers either way.
  for (const n of [10, (1 << 20) + 10]) {
    const a = big(n); a[3] = 'x'; a[n - 2] = 'y'; a[5] = 'x';
    out.push(a.indexOf('x'), a.indexOf('x', 4), a.lastIndexOf('x'), a.lastIndexOf('y'), a.indexOf('z'));
    const r = big(n); r[0] = 1; r[2] = 3; r.reverse();
    out.push(r[n - 1], r[n - 3], 0 in r, (n - 2) in r);
    const s = big(n); s[1] = 'a'; s[n - 1] = 'b';
    const sl = s.slice(1, 3); out.push(sl.length, sl[0], 1 in sl);
    const sl2 = s.slice(-1); out.push(sl2.length, sl2[0]);
    const c = big(n); c[0] = 'p'; c[1] = 'q'; c.copyWithin(2, 0, 2); out.push(c[2], c[3], 4 in c);
    const so = big(n); so[0] = 3; so[7] = 1; so[8] = undefined; so[9] = 2; so.sort();
    out.push(so[0], so[1], so[2], so[3], 4 in so, 9 in so);
    const sc = big(n); sc[0] = 'b'; sc[1] = 'a'; sc[2] = 'c'; sc.sort((x, y) => (x < y ? 1 : -1));
    out.push(sc.slice(0, 3).join(''));
  }
  out.push([].indexOf.length, [].lastIndexOf.length, [].slice.length, [].copyWithin.length, [].sort.length, ''.split.length);
  return out.join(',');
};
)JS";
  const std::string kSplice = R"JS(export default () => {
  const out = [];
  const big = (n) => { const a = []; a.length = n; return a; };
  for (const n of [10, (1 << 20) + 10]) {
    const a = big(n); a[0] = 'a'; a[1] = 'b'; a[2] = 'c'; a[n - 1] = 'z';
    const r1 = a.splice(1, 1); out.push(r1.length, r1[0], a.length, a[1], a[n - 2], (n - 1) in a);
    const r2 = a.splice(1, 0, 'x', 'y'); out.push(r2.length, a.length, a[1], a[2], a[3], a[n]);
    const r3 = a.splice(-1); out.push(r3.length, r3[0], a.length);
    const r4 = a.splice(2); out.push(r4.length, a.length, a.join('').length);
  }
  out.push([].splice.length);
  return out.join(',');
};
)JS";
  for (const auto& [name, source, expected] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"semantics", kSemantics,
            "3,5,5,8,-1,1,3,false,false,2,a,false,1,b,p,q,false,1,2,3,,false,false,cba,3,5,5,"
            "1048584,-1,1,3,false,false,2,a,false,1,b,p,q,false,1,2,3,,false,false,cba,1,1,2,2,1,"
            "2"},
           {"splice", kSplice,
            "1,b,9,c,z,false,0,11,x,y,c,z,1,z,10,8,2,2,1,b,1048585,c,z,false,0,1048587,x,y,c,z,1,"
            "z,1048586,1048584,2,2,2"}}) {
    v1::DeployRequest request = Function(name, source);
    request.mutable_limits()->set_memory_mb(256);
    request.mutable_limits()->set_cpu_ms(20000);
    request.mutable_limits()->set_timeout_ms(60000);
    ASSERT_TRUE(Deploy(request).ok()) << name;
    v1::InvokeResponse response;
    ASSERT_TRUE(Invoke(name, std::chrono::seconds(60), &response).ok()) << name;
    EXPECT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
    EXPECT_EQ(response.response().body(), expected) << name;
  }
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
