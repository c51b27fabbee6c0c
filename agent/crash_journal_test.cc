#include "agent/crash_journal.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>

#include "common/crash_attribution.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

class CrashJournalTest : public ::testing::Test {
 protected:
  CrashJournalTest() {
    std::string pattern = (fs::temp_directory_path() / "crash-journal-test-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    path_ = dir_ + "/crash.journal";
  }
  ~CrashJournalTest() override { fs::remove_all(dir_); }

  // In a child process: installs the handlers, notes `function` (unless null), dies of
  // `signal`.
  void DieOf(int signal, const char* function) {
    EXPECT_EXIT(
        {
          absl::StatusOr<std::unique_ptr<CrashJournal>> journal = CrashJournal::Open(path_);
          if (!journal.ok() || !(*journal)->InstallHandlers().ok()) _exit(1);
          if (function != nullptr) crash_attribution::EnterFunction(1, function);
          raise(signal);
          _exit(2);
        },
        ::testing::KilledBySignal(signal), "");
  }

  std::string dir_;
  std::string path_;
};

TEST_F(CrashJournalTest, RecordsTheFunctionOfTheDyingThreadAndStillDiesOfTheSignal) {
  DieOf(SIGSEGV, "resize");
  DieOf(SIGABRT, nullptr);
  absl::StatusOr<std::unique_ptr<CrashJournal>> journal = CrashJournal::Open(path_);
  ASSERT_TRUE(journal.ok()) << journal.status();
  const std::vector<CrashRecord>& crashes = (*journal)->previous_crashes();
  ASSERT_EQ(crashes.size(), 2u);
  EXPECT_EQ(crashes[0].signal, SIGSEGV);
  EXPECT_EQ(crashes[0].worker, 1);
  EXPECT_EQ(crashes[0].function, "resize");
  EXPECT_EQ(crashes[1].signal, SIGABRT);
  EXPECT_EQ(crashes[1].function, "");

  ASSERT_TRUE((*journal)->Clear().ok());
  journal = CrashJournal::Open(path_);
  ASSERT_TRUE(journal.ok()) << journal.status();
  EXPECT_TRUE((*journal)->previous_crashes().empty());
}

TEST_F(CrashJournalTest, ThreadsThatRunFunctionsGetAnAlternateSignalStack) {
  crash_attribution::EnterFunction(0, "f");
  crash_attribution::LeaveFunction();
  stack_t stack;
  ASSERT_EQ(sigaltstack(nullptr, &stack), 0);
  EXPECT_FALSE(stack.ss_flags & SS_DISABLE);
#if !defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer gives every thread an alternate stack of its own first (smaller), which
  // crash_attribution keeps.
  EXPECT_GE(stack.ss_size, 64u * 1024);
#endif
}

}  // namespace
}  // namespace hearth
