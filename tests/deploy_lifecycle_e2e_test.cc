// End to end: deploys and undeploys of one name take effect in the order they were
// requested (the state dir included), and SIGTERM drains deploys in flight. The real
// hearth-agent binary, driven over gRPC as a control plane drives it.
//
// To act while a deploy is in flight the tests deploy a top level that spins for a while
// and wait for it to be seen running: in the snapshot builder (a child process of the
// agent) or, for SNAPSHOT_NEVER, on a worker thread (its CPU time grows). Each test repeats
// its scenario with fresh sources, so the snapshot cache never answers for the builder.
#include <dirent.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_process.h"

namespace hearth::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr auto kEventDeadline = std::chrono::seconds(30);

// Top level spinning `ms` of wall time, then a handler answering `body`.
std::string SlowSource(const std::string& body, int ms) {
  return absl::StrCat("const until = Date.now() + ", ms, "; while (Date.now() < until) {}\n",
                      "export default () => '", body, "';\n");
}

std::string FastSource(const std::string& body) {
  return absl::StrCat("export default () => '", body, "';\n");
}

// Everything after the ")" that ends the command name in /proc/.../stat, split on spaces;
// [0] is field 3 (state).
std::vector<std::string> StatFields(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> fields;
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return fields;
  std::istringstream rest(text.substr(close + 1));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// Names of the numeric entries of a /proc directory.
std::vector<std::string> NumericEntries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] >= '0' && entry->d_name[0] <= '9') names.push_back(entry->d_name);
  }
  closedir(d);
  return names;
}

// Whether `pid` has a child process (the snapshot builder running a top level).
bool HasChildProcess(pid_t pid) {
  const std::string parent = std::to_string(pid);
  for (const std::string& other : NumericEntries("/proc")) {
    std::vector<std::string> fields = StatFields("/proc/" + other + "/stat");
    // [0]: state (a zombie is a build already over), [1]: ppid.
    if (fields.size() > 1 && fields[0] != "Z" && fields[1] == parent) return true;
  }
  return false;
}

// CPU time (clock ticks) of the agent's worker threads ("hearth-w<N>").
long WorkerCpuTicks(pid_t pid) {
  const std::string tasks = absl::StrCat("/proc/", pid, "/task/");
  long ticks = 0;
  for (const std::string& tid : NumericEntries(tasks)) {
    std::ifstream comm(tasks + tid + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("hearth-w", 0) != 0) continue;
    std::vector<std::string> fields = StatFields(tasks + tid + "/stat");
    if (fields.size() > 12) ticks += std::stol(fields[11]) + std::stol(fields[12]);  // utime, stime
  }
  return ticks;
}

// Waits (bounded) for `condition`, checking it every few milliseconds.
bool WaitFor(const std::function<bool()>& condition) {
  const auto give_up = Clock::now() + kEventDeadline;
  while (!condition()) {
    if (Clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A Deploy sent without waiting for its answer. The destructor waits for the answer, so
// the call never outlives the memory it writes to.
class PendingDeploy {
 public:
  PendingDeploy(v1::Agent::Stub& stub, const std::string& name, const std::string& source,
                v1::SnapshotPolicy snapshot) {
    request_.set_name(name);
    request_.set_source(source);
    request_.set_snapshot(snapshot);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    stub.async()->Deploy(&context_, &request_, &response_, [this](grpc::Status status) {
      absl::MutexLock lock(&mu_);
      ++answers_;
      status_ = std::move(status);
    });
  }
  ~PendingDeploy() { Wait(); }

  // The answer (bounded wait); Unknown if none came.
  grpc::Status Wait() {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](int* answers) { return *answers > 0; }, &answers_),
                         absl::Seconds(90));
    return answers_ > 0 ? status_ : grpc::Status(grpc::StatusCode::UNKNOWN, "no answer");
  }
  int answers() {
    absl::MutexLock lock(&mu_);
    return answers_;
  }
  const v1::DeployResponse& response() const { return response_; }

 private:
  grpc::ClientContext context_;
  v1::DeployRequest request_;
  v1::DeployResponse response_;
  absl::Mutex mu_;
  int answers_ ABSL_GUARDED_BY(mu_) = 0;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

class DeployLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { StartAgent(); }

  void StartAgent(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--state-dir", state_dir_.path()});
    auto agent = AgentProcess::Start(extra);
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = *std::move(agent);
    stub_ = v1::Agent::NewStub(
        grpc::CreateChannel(agent_->grpc_target(), grpc::InsecureChannelCredentials()));
  }

  void RestartAgent(std::vector<std::string> extra = {}) {
    ASSERT_EQ(agent_->Stop(), 0);
    StartAgent(std::move(extra));
  }

  grpc::Status Deploy(const std::string& name, const std::string& source,
                      v1::SnapshotPolicy snapshot = v1::SNAPSHOT_AUTO) {
    v1::DeployRequest request;
    request.set_name(name);
    request.set_source(source);
    request.set_snapshot(snapshot);
    v1::DeployResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return stub_->Deploy(&context, request, &response);
  }

  grpc::Status Undeploy(const std::string& name) {
    v1::UndeployRequest request;
    request.set_name(name);
    v1::UndeployResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return stub_->Undeploy(&context, request, &response);
  }

  // The body `name` answers with, or the gRPC error as "<code>: <message>".
  std::string InvokeBody(const std::string& name) {
    v1::InvokeRequest request;
    request.set_function(name);
    v1::InvokeResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = stub_->Invoke(&context, request, &response);
    if (!status.ok()) return absl::StrCat(status.error_code(), ": ", status.error_message());
    return response.response().body();
  }

  // Waits until a deploy is running its top level: in the snapshot builder, or on a
  // worker (SNAPSHOT_NEVER; `worker_ticks_before` read before the deploy was sent).
  bool WaitUntilTopLevelRuns(v1::SnapshotPolicy snapshot, long worker_ticks_before) {
    const pid_t pid = agent_->pid();
    if (snapshot != v1::SNAPSHOT_NEVER) return WaitFor([&] { return HasChildProcess(pid); });
    // 20 ticks: 200 ms at the usual 100 Hz, more than an idle agent's workers use.
    return WaitFor([&] { return WorkerCpuTicks(pid) >= worker_ticks_before + 20; });
  }

  TempDir state_dir_;
  std::unique_ptr<AgentProcess> agent_;
  std::unique_ptr<v1::Agent::Stub> stub_;
};

const std::string kNotFound = absl::StrCat(grpc::StatusCode::NOT_FOUND, ": function 'gone'");

TEST_F(DeployLifecycleTest, TheLastRequestedDeployWinsOverAnEarlierSlowerOne) {
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string slow = absl::StrCat("slow-", round), fast = absl::StrCat("fast-", round);
    PendingDeploy first(*stub_, "f", SlowSource(slow, 300), v1::SNAPSHOT_AUTO);
    ASSERT_TRUE(WaitUntilTopLevelRuns(v1::SNAPSHOT_AUTO, 0));
    // Requested while the slow one runs: it must be what stays.
    ASSERT_TRUE(Deploy("f", FastSource(fast)).ok());
    EXPECT_TRUE(first.Wait().ok()) << first.Wait().error_message();
    EXPECT_EQ(first.answers(), 1);
    EXPECT_EQ(InvokeBody("f"), fast);
  }
  RestartAgent();
  EXPECT_EQ(InvokeBody("f"), "fast-2");  // The state dir holds the last one too.
}

TEST_F(DeployLifecycleTest, AnUndeployRequestedDuringASlowDeployLeavesTheNameAbsent) {
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    PendingDeploy deploy(*stub_, "gone", SlowSource(absl::StrCat("slow-", round), 300),
                         v1::SNAPSHOT_AUTO);
    ASSERT_TRUE(WaitUntilTopLevelRuns(v1::SNAPSHOT_AUTO, 0));
    // Waits for the deploy, then removes what it published.
    EXPECT_TRUE(Undeploy("gone").ok());
    EXPECT_TRUE(deploy.Wait().ok()) << deploy.Wait().error_message();
    EXPECT_THAT(InvokeBody("gone"), ::testing::StartsWith(kNotFound));
  }
  RestartAgent();
  EXPECT_THAT(agent_->ready_line(), HasSubstr("functions=0"));
  EXPECT_THAT(InvokeBody("gone"), ::testing::StartsWith(kNotFound));
}

TEST_F(DeployLifecycleTest, ACallerThatGivesUpDoesNotStopItsDeployNorTheDrain) {
  v1::DeployRequest request;
  request.set_name("impatient");
  request.set_source(SlowSource("done anyway", 300));
  v1::DeployResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(50));
  EXPECT_EQ(stub_->Deploy(&context, request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  // The deploy goes on and takes effect (cancelling is no undeploy).
  EXPECT_TRUE(WaitFor([&] { return InvokeBody("impatient") == "done anyway"; }));
  // Its reactor was finished exactly once: the drain has nothing left to wait for.
  agent_->Terminate();
  EXPECT_EQ(agent_->WaitForExit(std::chrono::seconds(10)).value_or(-1), 0);
}

// SIGTERM while a deploy runs, for both places a top level runs at deploy.
class DrainTest : public DeployLifecycleTest,
                  public ::testing::WithParamInterface<v1::SnapshotPolicy> {};

TEST_P(DrainTest, SigtermLetsADeployInFlightFinishWithinTheGraceAndExitsZero) {
  const v1::SnapshotPolicy snapshot = GetParam();
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    // A redeploy: publishing it retires the previous version's isolates and snapshot.
    ASSERT_TRUE(Deploy("f", FastSource("before"), snapshot).ok());
    const std::string body = absl::StrCat("drained-", round);
    const long ticks = WorkerCpuTicks(agent_->pid());
    auto deploy = std::make_unique<PendingDeploy>(*stub_, "f", SlowSource(body, 1000), snapshot);
    ASSERT_TRUE(WaitUntilTopLevelRuns(snapshot, ticks));
    agent_->Terminate();
    // Default grace: 10 s, far more than the deploy needs.
    absl::StatusOr<int> exit_code = agent_->WaitForExit(std::chrono::seconds(10));
    ASSERT_TRUE(exit_code.ok()) << exit_code.status();
    EXPECT_EQ(*exit_code, 0);
    grpc::Status answer = deploy->Wait();
    EXPECT_TRUE(answer.ok()) << answer.error_code() << ": " << answer.error_message();
    EXPECT_EQ(deploy->answers(), 1);
    deploy.reset();
    StartAgent();
    EXPECT_EQ(InvokeBody("f"), body);  // Finished, hence saved.
  }
}

TEST_P(DrainTest, SigtermWithNoGraceAbandonsDeploysInFlightCleanly) {
  const v1::SnapshotPolicy snapshot = GetParam();
  RestartAgent({"--drain-grace-ms", "0"});
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    ASSERT_TRUE(Deploy("f", FastSource("before"), snapshot).ok());
    const long ticks = WorkerCpuTicks(agent_->pid());
    const std::string body = absl::StrCat("abandoned-", round);
    auto running = std::make_unique<PendingDeploy>(*stub_, "f", SlowSource(body, 1000), snapshot);
    ASSERT_TRUE(WaitUntilTopLevelRuns(snapshot, ticks));
    // Requested after it: waits for its turn, which never comes.
    auto waiting = std::make_unique<PendingDeploy>(*stub_, "f", FastSource("never"), snapshot);
    agent_->Terminate();
    absl::StatusOr<int> exit_code = agent_->WaitForExit(std::chrono::seconds(15));
    ASSERT_TRUE(exit_code.ok()) << exit_code.status();
    EXPECT_EQ(*exit_code, 0);
    // One answer each; what a caller was told is what a restart shows.
    const grpc::Status ran = running->Wait(), queued = waiting->Wait();
    EXPECT_EQ(running->answers(), 1);
    EXPECT_EQ(waiting->answers(), 1);
    EXPECT_THAT(ran.error_code(),
                ::testing::AnyOf(grpc::StatusCode::OK, grpc::StatusCode::UNAVAILABLE))
        << ran.error_message();
    EXPECT_FALSE(queued.ok());
    running.reset();
    waiting.reset();
    StartAgent({"--drain-grace-ms", "0"});
    EXPECT_EQ(InvokeBody("f"), ran.ok() ? body : "before");
  }
}

INSTANTIATE_TEST_SUITE_P(TopLevelInTheBuilderOrOnAWorker, DrainTest,
                         ::testing::Values(v1::SNAPSHOT_AUTO, v1::SNAPSHOT_NEVER),
                         [](const ::testing::TestParamInfo<v1::SnapshotPolicy>& info) {
                           return info.param == v1::SNAPSHOT_NEVER ? std::string("OnAWorker")
                                                                   : std::string("InTheBuilder");
                         });

}  // namespace
}  // namespace hearth::testing
