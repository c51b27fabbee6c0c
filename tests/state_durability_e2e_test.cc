// End to end: what the state dir promises across crashes. The real hearth-agent is killed
// (SIGKILL during deploys) and restarted on the same state dir; the tests then look at it the
// way a control plane would.
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

}  // namespace
}  // namespace hearth::testing
