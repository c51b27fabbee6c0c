#include "agent/crash_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "agent/durable_file.h"
#include "common/crash_attribution.h"

namespace hearth {
namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};

// The journal's fd for the handler; -1 when no journal is installed. A lock-free atomic int
// is safe to read from a signal handler.
std::atomic<int> journal_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

void OnFatalSignal(int signal) {
  const int saved_errno = errno;
  const int fd = journal_fd.load(std::memory_order_acquire);
  if (fd >= 0) {
    int worker = -1;
    const char* function = crash_attribution::CurrentFunction(&worker);
    char record[kMaxCrashRecordBytes];
    const size_t length = FormatCrashRecord(record, sizeof record, signal, worker, function);
    // Only write, fsync and raise from here on: they are async-signal-safe.
    for (size_t written = 0; written < length;) {
      const ssize_t n = write(fd, record + written, length - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    fsync(fd);
  }
  errno = saved_errno;
  // SA_RESETHAND put the default action back. The signal stays blocked until the handler
  // returns; then it is delivered and the process dies of it, as it would have without us.
  // (A fault that recurs when its instruction re-runs ends the same way.)
  raise(signal);
}

}  // namespace

absl::StatusOr<std::unique_ptr<CrashJournal>> CrashJournal::Open(const std::string& path) {
  const bool existed = std::filesystem::exists(path);
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the crash journal ", path, ": ", std::strerror(errno)));
  }
  if (!existed) {
    // The journal's own directory entry must survive a power loss with the first record.
    const std::string dir = std::filesystem::path(path).parent_path().string();
    if (absl::Status synced = SyncDirectory(dir.empty() ? "." : dir); !synced.ok()) {
      return synced;
    }
  }
  absl::StatusOr<std::string> contents = ReadWholeFile(path);
  if (!contents.ok()) return contents.status();
  int damaged = 0;
  std::vector<CrashRecord> previous = ParseCrashRecords(*contents, &damaged);
  if (damaged > 0) {
    spdlog::warn("crash journal {}: {} torn or damaged record(s) ignored", path, damaged);
  }
  return std::unique_ptr<CrashJournal>(new CrashJournal(path, std::move(fd), std::move(previous)));
}

absl::Status CrashJournal::Clear() {
  if (ftruncate(fd_.get(), 0) != 0 || fsync(fd_.get()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot clear the crash journal ", path_, ": ", std::strerror(errno)));
  }
  previous_crashes_.clear();
  return absl::OkStatus();
}

absl::Status CrashJournal::InstallHandlers() {
  int expected = -1;
  if (!journal_fd.compare_exchange_strong(expected, fd_.get(), std::memory_order_release)) {
    return absl::FailedPreconditionError("another crash journal is installed");
  }
  installed_ = true;
  if (!crash_attribution::EnsureAlternateSignalStack()) {
    spdlog::warn("crash journal: no alternate signal stack for the main thread");
  }
  struct sigaction action = {};
  action.sa_handler = OnFatalSignal;
  // SA_ONSTACK: run on the alternate stack where the thread has one (stack overflows).
  // SA_RESETHAND: the handler runs once; re-raising then takes the default action.
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  // Another fatal signal on the same thread waits until its record is out. Other threads may
  // record their own crashes meanwhile: each record is one O_APPEND write, which does not
  // interleave with another, and brings its own newlines.
  for (int signal : kFatalSignals) sigaddset(&action.sa_mask, signal);
  for (int signal : kFatalSignals) {
    if (sigaction(signal, &action, nullptr) != 0) {
      return absl::InternalError(absl::StrCat("cannot install the handler of ", SignalName(signal),
                                              ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

CrashJournal::~CrashJournal() {
  if (!installed_) return;
  struct sigaction action = {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int signal : kFatalSignals) sigaction(signal, &action, nullptr);
  journal_fd.store(-1, std::memory_order_release);
}

}  // namespace hearth
