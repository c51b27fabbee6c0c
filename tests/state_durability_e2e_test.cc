// End to end: what the state dir promises across crashes. The real hearth-agent is killed
// (SIGKILL during deploys, SIGSEGV on the thread running a function) and restarted on the
// same state dir; the tests then look at it the way a control plane would.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_process.h"

namespace hearth::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// The thread named `name` ("hearth-w0") of process `pid`; 0 if none.
pid_t FindThread(pid_t pid, const std::string& name) {
  for (const fs::directory_entry& task :
       fs::directory_iterator(absl::StrCat("/proc/", pid, "/task"))) {
    std::ifstream comm(task.path() / "comm");
    std::string line;
    std::getline(comm, line);
    if (line == name) return std::stoi(task.path().filename().string());
  }
  return 0;
}

// CPU time (user + system) the thread has used, in clock ticks.
long ThreadCpuTicks(pid_t pid, pid_t tid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/task/", tid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command (which is in parentheses and may hold spaces): state is field 3,
  // utime field 14, stime field 15.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::vector<std::string> values((std::istream_iterator<std::string>(fields)),
                                  std::istream_iterator<std::string>());
  if (values.size() < 13) return -1;
  return std::stol(values[11]) + std::stol(values[12]);
}

class StateDurabilityTest : public ::testing::Test {
 protected:
  void StartAgent(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--state-dir", state_dir_.path() + "/state"});
    auto agent = AgentProcess::Start(extra, log_file_);
    ASSERT_TRUE(agent.ok()) << agent.status() << "\nagent log:\n" << Log();
    agent_ = *std::move(agent);
    stub_ = v1::Agent::NewStub(
        grpc::CreateChannel(agent_->grpc_target(), grpc::InsecureChannelCredentials()));
  }

  std::string FunctionsDir() const { return state_dir_.path() + "/state/functions"; }

  std::string Log() const {
    std::ifstream in(log_file_);
    std::stringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

  CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), HearthctlBinary());
    args.insert(args.end(), {"--agent", agent_->grpc_target()});
    return RunCommand(args);
  }

  // Sum of the samples of `metric` whose labels include `labels` ("a=\"x\"").
  double Scrape(const std::string& metric, const std::string& labels) {
    absl::StatusOr<double> sum = ScrapeSum(agent_->metrics_port(), metric, labels);
    EXPECT_TRUE(sum.ok()) << sum.status();
    return sum.value_or(-1);
  }

  static v1::DeployRequest Request(const std::string& name, const std::string& source) {
    v1::DeployRequest request;
    request.set_name(name);
    request.set_source(source);
    return request;
  }

  grpc::Status Deploy(const v1::DeployRequest& request) {
    v1::DeployResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->Deploy(&context, request, &response);
  }

  grpc::Status Invoke(const std::string& name, std::string* body = nullptr) {
    v1::InvokeRequest request;
    request.set_function(name);
    v1::InvokeResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = stub_->Invoke(&context, request, &response);
    if (body != nullptr) *body = response.response().body();
    return status;
  }

  absl::StatusOr<v1::FunctionInfo> Describe(const std::string& name) {
    v1::GetFunctionRequest request;
    request.set_name(name);
    v1::FunctionInfo info;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = stub_->GetFunction(&context, request, &info);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return info;
  }

  // Deploys `name` as a function that spins, invokes it, and sends SIGSEGV to the worker
  // thread running it, as a bug in native code would fault there. The agent must run with
  // --workers 1, so that the thread is known: hearth-w0.
  void CrashTheAgentWhileItRuns(const std::string& name) {
    v1::DeployRequest spin = Request(name, "export default () => { for (;;) {} };");
    spin.mutable_limits()->set_cpu_ms(30'000);
    spin.mutable_limits()->set_timeout_ms(60'000);
    ASSERT_TRUE(Deploy(spin).ok());
    const pid_t pid = agent_->pid();
    const pid_t worker = FindThread(pid, "hearth-w0");
    ASSERT_NE(worker, 0);
    std::thread invoker([this, name] { Invoke(name); });  // Never answered: the agent dies.
    // Polling for the event, with a deadline: the function's isolate is busy...
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    const std::string busy = absl::StrCat("function=\"", name, "\",state=\"busy\"");
    while (Scrape("hearth_isolates", busy) < 1 && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    // ...and the worker burns CPU (100 ms more): it is in the function's loop.
    const long busy_ticks = ThreadCpuTicks(pid, worker);
    while (ThreadCpuTicks(pid, worker) < busy_ticks + sysconf(_SC_CLK_TCK) / 10 &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_EQ(syscall(SYS_tgkill, pid, worker, SIGSEGV), 0);
    absl::StatusOr<int> exit_code = agent_->WaitForExit(std::chrono::seconds(30));
    invoker.join();
    // The process still dies of the signal (for supervisors and core dumps).
    EXPECT_EQ(exit_code.value_or(-1), 128 + SIGSEGV);
  }

  TempDir state_dir_;
  const std::string log_file_ = state_dir_.path() + "/agent.log";
  std::unique_ptr<AgentProcess> agent_;
  std::unique_ptr<v1::Agent::Stub> stub_;
};

int ModeOf(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return -1;
  return info.st_mode & 0777;
}

TEST_F(StateDurabilityTest, StateFilesArePrivateAndADamagedOneIsSkippedWithTheOthersRestored) {
  StartAgent();
  for (const char* name : {"alpha", "bravo", "charlie"}) {
    v1::DeployRequest request = Request(name, absl::StrCat("export default () => '", name, "';"));
    (*request.mutable_env())["API_KEY"] = "do-not-leak";
    ASSERT_TRUE(Deploy(request).ok()) << name;
  }
  EXPECT_EQ(ModeOf(FunctionsDir()), 0700);
  for (const char* name : {"alpha", "bravo", "charlie"}) {
    EXPECT_EQ(ModeOf(absl::StrCat(FunctionsDir(), "/", name, ".deploy")), 0600) << name;
  }
  ASSERT_EQ(agent_->Stop(), 0);

  // A file cut short (a disk that lost its tail) and a leftover of a write cut by a crash.
  const std::string bravo = FunctionsDir() + "/bravo.deploy";
  fs::resize_file(bravo, fs::file_size(bravo) / 2);
  const std::string leftover = FunctionsDir() + "/.tmp-charlie.deploy-x1Y2z3";
  std::ofstream(leftover) << "half";

  StartAgent();
  EXPECT_THAT(agent_->ready_line(), HasSubstr("functions=2"));
  std::string body;
  ASSERT_TRUE(Invoke("alpha", &body).ok());
  EXPECT_EQ(body, "alpha");
  ASSERT_TRUE(Invoke("charlie", &body).ok());
  EXPECT_EQ(body, "charlie");
  EXPECT_EQ(Invoke("bravo").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(Log(), HasSubstr("bravo.deploy: truncated"));
  EXPECT_FALSE(fs::exists(leftover));

  // Deploying the name again replaces the damaged file.
  ASSERT_TRUE(Deploy(Request("bravo", "export default () => 'bravo again';")).ok());
  ASSERT_EQ(agent_->Stop(), 0);
  StartAgent();
  EXPECT_THAT(agent_->ready_line(), HasSubstr("functions=3"));
  ASSERT_TRUE(Invoke("bravo", &body).ok());
  EXPECT_EQ(body, "bravo again");
}

TEST_F(StateDurabilityTest, KillNineDuringDeploysLeavesEveryFunctionWholeOrAbsent) {
  constexpr int kRounds = 10;
  constexpr int kNames = 5;
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937 random(seed);

  // Per name: the tag a restart must show (nullopt: absent), and tags of deploys that were
  // in flight at the kill, which may or may not have landed.
  std::vector<std::optional<std::string>> confirmed(kNames);
  std::vector<std::set<std::string>> in_flight(kNames);

  auto check_after_restart = [&](int round) {
    for (int i = 0; i < kNames; ++i) {
      const std::string name = absl::StrCat("f", i);
      std::string body;
      grpc::Status status = Invoke(name, &body);
      SCOPED_TRACE(absl::StrCat("round ", round, ", ", name));
      if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
        // Absent is allowed only if no deploy of it was ever acknowledged.
        EXPECT_FALSE(confirmed[i].has_value()) << "an acknowledged deploy was lost";
        in_flight[i].clear();  // Those deploys died with their agent.
        continue;
      }
      ASSERT_TRUE(status.ok()) << status.error_message();
      const bool expected = (confirmed[i] && body == *confirmed[i]) || in_flight[i].count(body);
      EXPECT_TRUE(expected) << "got '" << body << "'";

      confirmed[i] = body;
      in_flight[i].clear();
    }
  };

  for (int round = 0; round < kRounds; ++round) {
    StartAgent();
    if (round > 0) check_after_restart(round);
    // Each name gets two deploys in a row, with sources of different sizes (a large one takes
    // longer to write, which widens the window the kill can hit).
    std::vector<std::thread> deployers;
    absl::Mutex mu;
    std::vector<std::optional<std::string>> acknowledged(kNames);  // Guarded by mu.
    int acknowledged_count = 0;                                    // Guarded by mu.
    for (int i = 0; i < kNames; ++i) {
      std::vector<std::string> tags;
      std::vector<v1::DeployRequest> requests;
      for (int step = 0; step < 2; ++step) {
        const std::string tag = absl::StrCat("f", i, " round ", round, " step ", step);
        const std::string padding(std::uniform_int_distribution<int>(0, 256 << 10)(random), ' ');
        v1::DeployRequest request =
            Request(absl::StrCat("f", i),
                    absl::StrCat("export default () => '", tag, "';/*", padding, "*/"));
        (*request.mutable_env())["TAG"] = tag;
        requests.push_back(std::move(request));
        in_flight[i].insert(tag);
        tags.push_back(tag);
      }
      deployers.emplace_back([&, i, tags, requests = std::move(requests)] {
        for (size_t step = 0; step < requests.size(); ++step) {
          if (!Deploy(requests[step]).ok()) return;  // Killed.
          absl::MutexLock lock(&mu);
          acknowledged[i] = tags[step];
          ++acknowledged_count;
        }
      });
    }
    // The kill comes at a random point of the deploys: after a random number of them were
    // acknowledged (none to all), plus a random few milliseconds.
    const int wait_for = std::uniform_int_distribution<int>(0, 2 * kNames)(random);
    {
      absl::MutexLock lock(&mu);
      const auto enough = [&] { return acknowledged_count >= wait_for; };
      mu.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(60));
    }
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(0, 50)(random)));
    EXPECT_EQ(agent_->Kill(SIGKILL), 128 + SIGKILL);
    for (std::thread& deployer : deployers) deployer.join();
    for (int i = 0; i < kNames; ++i) {
      if (acknowledged[i]) {
        // Acknowledged means saved: the restart must show this one, or a later one that was
        // still in flight.
        confirmed[i] = acknowledged[i];
        in_flight[i].erase(*acknowledged[i]);
        if (acknowledged[i]->find("step 1") != std::string::npos) in_flight[i].clear();
      }
    }
  }
  StartAgent();
  check_after_restart(kRounds);
  // No temporary file outlives a restart.
  for (const fs::directory_entry& entry : fs::directory_iterator(FunctionsDir())) {
    EXPECT_THAT(entry.path().filename().string(), ::testing::Not(::testing::StartsWith(".tmp")));
  }
}

TEST_F(StateDurabilityTest, AFunctionThatCrashedTheAgentIsQuarantinedUntilRedeployed) {
  // One worker, so the thread that runs the spinning function is known: hearth-w0.
  StartAgent({"--workers", "1"});
  ASSERT_TRUE(Deploy(Request("steady", "export default () => 'steady';")).ok());
  ASSERT_TRUE(Invoke("steady").ok());
  CrashTheAgentWhileItRuns("spin");
  ASSERT_FALSE(HasFailure());

  const std::string reason = "the agent crashed (SIGSEGV) while it ran on worker 0";
  const std::string refusal = absl::StrCat("function 'spin' is quarantined: ", reason,
                                           "; deploy it again to lift the quarantine");
  for (int restart = 0; restart < 2; ++restart) {
    SCOPED_TRACE(absl::StrCat("restart ", restart));
    StartAgent({"--workers", "1"});
    EXPECT_THAT(agent_->ready_line(), HasSubstr("functions=1"));
    absl::StatusOr<v1::FunctionInfo> info = Describe("spin");
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_TRUE(info->quarantined());
    EXPECT_EQ(info->quarantine_reason(), reason);
    EXPECT_EQ(info->limits().cpu_ms(), 30'000u);

    grpc::Status refused = Invoke("spin");
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(refused.error_message(), refusal);
    std::string body;
    ASSERT_TRUE(Invoke("steady", &body).ok());
    EXPECT_EQ(body, "steady");

    CommandResult listed = Ctl({"list", "--output", "json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    nlohmann::json functions = nlohmann::json::parse(listed.out);
    ASSERT_EQ(functions.size(), 2u);
    EXPECT_EQ(functions[0]["name"], "spin");
    EXPECT_EQ(functions[0]["quarantined"], true);
    EXPECT_EQ(functions[0]["quarantine_reason"], reason);
    EXPECT_EQ(functions[1]["quarantined"], false);
    EXPECT_THAT(Ctl({"list"}).out, HasSubstr("quarantined"));
    EXPECT_THAT(Ctl({"describe", "spin"}).out, HasSubstr(absl::StrCat("quarantined: ", reason)));
    CommandResult invoked = Ctl({"invoke", "spin"});
    EXPECT_EQ(invoked.exit_code, 1);
    EXPECT_THAT(invoked.err, HasSubstr("quarantined"));
    ASSERT_EQ(agent_->Stop(), 0);
  }
  EXPECT_THAT(Log(), HasSubstr("function 'spin' is quarantined"));

  // A successful deploy lifts it, for good.
  StartAgent({"--workers", "1"});
  ASSERT_TRUE(Deploy(Request("spin", "export default () => 'fixed';")).ok());
  std::string body;
  ASSERT_TRUE(Invoke("spin", &body).ok());
  EXPECT_EQ(body, "fixed");
  ASSERT_EQ(agent_->Stop(), 0);
  StartAgent({"--workers", "1"});
  EXPECT_THAT(agent_->ready_line(), HasSubstr("functions=2"));
  absl::StatusOr<v1::FunctionInfo> info = Describe("spin");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_FALSE(info->quarantined());
  ASSERT_TRUE(Invoke("spin", &body).ok());
  EXPECT_EQ(body, "fixed");
}

TEST_F(StateDurabilityTest, ACrashOnAThreadRunningNoFunctionQuarantinesNothing) {
  StartAgent();
  ASSERT_TRUE(Deploy(Request("steady", "export default () => 'steady';")).ok());
  const pid_t pid = agent_->pid();
  ASSERT_EQ(syscall(SYS_tgkill, pid, pid, SIGABRT), 0);  // The main thread.
  ASSERT_EQ(agent_->WaitForExit(std::chrono::seconds(30)).value_or(-1), 128 + SIGABRT);

  StartAgent();
  EXPECT_THAT(agent_->ready_line(), HasSubstr("functions=1"));
  std::string body;
  ASSERT_TRUE(Invoke("steady", &body).ok());
  EXPECT_EQ(body, "steady");
  EXPECT_THAT(Log(), HasSubstr("died of SIGABRT on a thread that ran no function"));
}

TEST_F(StateDurabilityTest, UndeployRemovesAQuarantinedFunction) {
  StartAgent({"--workers", "1"});
  CrashTheAgentWhileItRuns("doomed");
  ASSERT_FALSE(HasFailure());

  StartAgent({"--workers", "1"});
  EXPECT_EQ(Invoke("doomed").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  CommandResult removed = Ctl({"rm", "doomed"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(Invoke("doomed").error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_EQ(agent_->Stop(), 0);
  StartAgent({"--workers", "1"});
  EXPECT_EQ(Invoke("doomed").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(nlohmann::json::parse(Ctl({"list", "--output", "json"}).out).size(), 0u);
}

}  // namespace
}  // namespace hearth::testing
