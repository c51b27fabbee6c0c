// The snapshot builder child's confinement, seen from outside, on real builder processes
// started by a real pool: what it can reach while a top level runs (/proc/<pid>/), what
// happens when it reaches further (testing/builder_test_hook.h stands in for a top level
// that escaped into native code), and the limits that end a build that runs away.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "isolate_pool/builder_sandbox.h"
#include "isolate_pool/snapshot_builder_child.h"
#include "isolate_pool/testing/builder_test_hook.h"
#include "isolate_pool/testing/pool_test_base.h"

namespace hearth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The value of "Field:" in /proc/<pid>/status, trimmed.
std::string StatusField(const std::string& status, const std::string& field) {
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (absl::StartsWith(line, field + ":")) {
      line.remove_prefix(field.size() + 1);
      return std::string(absl::StripAsciiWhitespace(line));
    }
  }
  return "";
}

// A snapshot builder started by this process, once it is locked down (its top level runs).
pid_t FindLockedDownBuilder() {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
    const std::string dir = entry.path().string();
    const std::string status = ReadFile(dir + "/status");
    if (StatusField(status, "PPid") != std::to_string(getpid())) continue;
    if (!absl::StrContains(ReadFile(dir + "/cmdline"), kSnapshotBuilderArg)) continue;
    if (StatusField(status, "Seccomp") == "2") return pid;
  }
  return 0;
}

class SnapshotBuilderSandboxTest : public PoolTestBase {
 protected:
  static IsolatePoolOptions Options() {
    IsolatePoolOptions options = PoolTestBase::Options();
    options.default_limits = {.cpu_ms = 500, .memory_mb = 64, .timeout_ms = 5000};
    options.boot_cpu_ms = 1000;
    options.boot_timeout_ms = 3000;
    return options;
  }
  SnapshotBuilderSandboxTest() : PoolTestBase(Options()) {}

  absl::Status DeployAs(const std::string& name, const std::string& source,
                        SnapshotPolicy policy = SnapshotPolicy::kAlways) {
    auto spec = Spec(name, source);
    spec->snapshot_policy = policy;
    return Deploy(spec);
  }
};

TEST_F(SnapshotBuilderSandboxTest, BuilderReachesOnlyItsPipesWithNoEnvironmentOrPrivileges) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "a builder is not dumpable: only root reads its /proc/<pid>/fd and environ";
  }
  setenv("HEARTH_TEST_SECRET", "must-not-reach-the-builder", 1);
  // A descriptor of the agent's that is not close-on-exec (as a careless library's would be).
  const int leaked = dup(STDOUT_FILENO);
  ASSERT_GE(leaked, 0);

  absl::Status deployed;
  std::thread deploy([&] {
    // Busy for a while in its top level, so that it can be looked at from outside.
    deployed = DeployAs("slow", R"(
      const until = Date.now() + 1500;
      while (Date.now() < until) {}
      export default () => 'ok';)");
  });
  pid_t builder = 0;
  for (int tries = 0; builder == 0 && tries < 2000; ++tries) {
    builder = FindLockedDownBuilder();
    if (builder == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_NE(builder, 0) << "no builder ran its top level";
  const std::string proc = absl::StrCat("/proc/", builder);

  // Its time zone and nothing else.
  const std::string environment = ReadFile(proc + "/environ");
  EXPECT_TRUE(absl::StartsWith(environment, "TZ=")) << environment;
  EXPECT_EQ(std::count(environment.begin(), environment.end(), '\0'), 1) << environment;
  EXPECT_THAT(environment, Not(HasSubstr("HEARTH_TEST_SECRET")));
  std::set<std::string> descriptors;
  for (const auto& fd : std::filesystem::directory_iterator(proc + "/fd")) {
    const std::string target = std::filesystem::read_symlink(fd.path()).string();
    descriptors.insert(fd.path().filename().string());
    EXPECT_TRUE(absl::StartsWith(target, "pipe:")) << fd.path() << " -> " << target;
  }
  EXPECT_EQ(descriptors, (std::set<std::string>{"0", "1", "2"}));

  const std::string status = ReadFile(proc + "/status");
  EXPECT_EQ(StatusField(status, "NoNewPrivs"), "1");
  EXPECT_EQ(StatusField(status, "Seccomp"), "2");
  EXPECT_EQ(StatusField(status, "CapEff"), "0000000000000000");
  EXPECT_EQ(StatusField(status, "CapPrm"), "0000000000000000");
  // Dropped to nobody (the default snapshot_builder_user), and no way back.
  EXPECT_THAT(StatusField(status, "Uid"), Not(::testing::StartsWith("0")));
  EXPECT_THAT(StatusField(status, "Gid"), Not(::testing::StartsWith("0")));
  EXPECT_EQ(StatusField(status, "Groups"), "");
  EXPECT_EQ(StatusField(status, "CapBnd"), "0000000000000000");
  const std::string limits = ReadFile(proc + "/limits");
  EXPECT_THAT(limits, ::testing::ContainsRegex("Max file size +0 +0"));
  EXPECT_THAT(limits, ::testing::ContainsRegex("Max core file size +0 +0"));
  EXPECT_THAT(limits, ::testing::ContainsRegex("Max open files +16 +16"));
  EXPECT_THAT(limits, ::testing::ContainsRegex("Max cpu time +[0-9]+ +[0-9]+ +seconds"));
#if !defined(__SANITIZE_ADDRESS__)
  // Not under AddressSanitizer: its shadow memory counts against the limit, so the sandbox
  // leaves the address space unlimited there (builder_sandbox.cc).
  EXPECT_THAT(limits, ::testing::ContainsRegex("Max address space +[0-9]+ +[0-9]+ +bytes"));
#endif

  deploy.join();
  close(leaked);
  unsetenv("HEARTH_TEST_SECRET");
  EXPECT_TRUE(deployed.ok()) << deployed;
}

TEST_F(SnapshotBuilderSandboxTest, ForbiddenSystemCallsFailTheDeployClearly) {
  for (const char* name : {testing_hooks::kOpensASocket, testing_hooks::kForks,
                           testing_hooks::kExecs, testing_hooks::kPtraces}) {
    // Under AUTO too: falling back to generic isolates would run the same code in the agent.
    for (SnapshotPolicy policy : {SnapshotPolicy::kAlways, SnapshotPolicy::kAuto}) {
      SCOPED_TRACE(absl::StrCat(name, " policy ", static_cast<int>(policy)));
      const int64_t start = MonotonicMicros();
      absl::Status status = DeployAs(name, "export default () => 'ok';", policy);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      EXPECT_THAT(status.message(), HasSubstr("killed by SIGSYS"));
      EXPECT_THAT(status.message(), HasSubstr("forbidden system call"));
      EXPECT_LT(MonotonicMicros() - start, 5'000'000);  // at once, not at a deadline
    }
  }
  // Files do not open (the hook aborts if one does), without killing the build.
  const absl::Status no_file = DeployAs(testing_hooks::kOpensAFile, "export default () => 'ok';");
  EXPECT_TRUE(no_file.ok()) << no_file;
  // The same builders serve well-behaved functions afterwards.
  const absl::Status fine = DeployAs("fine", "export default () => 'ok';");
  EXPECT_TRUE(fine.ok()) << fine;
}

TEST_F(SnapshotBuilderSandboxTest, DatesAndIntlWorkInAConfinedBuilder) {
  // What reaches libc and ICU from JavaScript at top level must not need a file.
  absl::Status status = DeployAs("dates", R"(
    const now = new Date();
    const text = [now.toString(), now.getHours(), now.toLocaleString('de-DE'),
                  new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York' }).format(now),
                  new Intl.NumberFormat('fr-FR').format(1234.5), 'é'.normalize('NFD'),
                  new Intl.Collator('sv').compare('a', 'ä'), /\p{L}+/u.test('añb')].join('|');
    export default () => text;)");
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(SnapshotBuilderSandboxTest, TopLevelRunningForeverIsStoppedByItsBudget) {
  const int64_t start = MonotonicMicros();
  absl::Status status = DeployAs("forever", "for (;;) {} export default () => 1;");
  // The CPU budget, or the wall-clock one on a machine too loaded to give it that CPU.
  EXPECT_THAT(status.code(),
              ::testing::AnyOf(absl::StatusCode::kOutOfRange, absl::StatusCode::kDeadlineExceeded))
      << status;
  EXPECT_LT(MonotonicMicros() - start, 30'000'000);
}

TEST(BuilderSandbox, CpuLimitEndsNativeCodeTheWatchdogCannotStop) {
  // The builder's RLIMIT_CPU, for a process spinning outside JavaScript (which V8's
  // TerminateExecution cannot interrupt); as the real builder applies it.
  BuilderLimits limits = BuilderLimitsFor(/*memory_mb=*/64, /*cpu_budget_ms=*/0);
  limits.cpu_seconds = 1;
  const int64_t start = MonotonicMicros();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (!ApplyBuilderLimits(limits).ok()) _exit(3);
    testing_hooks::MisbehaveAsNamed(testing_hooks::kSpinsOutsideJavaScript);
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGXCPU);
  EXPECT_LT(MonotonicMicros() - start, 10'000'000);
  std::optional<absl::Status> verdict = DescribeBuilderDeath(status);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_EQ(verdict->code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(verdict->message(), HasSubstr("CPU limit"));
}

TEST(BuilderSandbox, UnknownBuilderUserIsNamed) {
  absl::StatusOr<std::optional<BuilderIdentity>> identity =
      ResolveBuilderIdentity("no-such-user-hearth");
  EXPECT_EQ(identity.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(identity.status().message(), HasSubstr("no-such-user-hearth"));
  identity = ResolveBuilderIdentity("");
  ASSERT_TRUE(identity.ok());
  EXPECT_FALSE(identity->has_value());
  identity = ResolveBuilderIdentity("4242");
  ASSERT_TRUE(identity.ok() && identity->has_value());
  EXPECT_EQ((*identity)->uid, 4242u);
}

}  // namespace
}  // namespace hearth
