// CrashJournal: remembers which function the agent was running when it died of a fatal
// signal, so that the next start can quarantine that function (PRODUCT.md section 6)
// instead of restoring it into a crash loop.
//
// At start-up the agent opens the journal in its state dir and reads what the last run left
// (previous_crashes()); once those crashes are persisted as quarantines it clears the journal
// and installs the handlers. A handler appends one record (crash_record.h) naming the signal
// and the dying thread's function and worker (common/crash_attribution.h), fsyncs it, and
// re-raises the signal with its default action: the process still dies of the same signal,
// with a core dump where those are enabled.
//
// Alternate signal stacks: threads that run JavaScript get one on their first entry
// (crash_attribution), the thread that installs the handlers gets one here. gRPC's, libuv's
// and V8's own helper threads do not (we do not create them); a stack overflow there runs
// the handler on the overflowed stack, which kills the process without a record. Those
// threads run no function, so such a record would quarantine nothing anyway.
//
// Thread: Open, Clear and InstallHandlers on the main thread at start-up; the handler runs on
// whichever thread dies; the destructor (main thread) uninstalls the handlers.
#ifndef HEARTH_AGENT_CRASH_JOURNAL_H_
#define HEARTH_AGENT_CRASH_JOURNAL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/crash_record.h"
#include "agent/unique_fd.h"

namespace hearth {

class CrashJournal {
 public:
  // Opens (creating, mode 0600) the journal at `path` and reads the records in it. Torn or
  // damaged records are logged and dropped.
  static absl::StatusOr<std::unique_ptr<CrashJournal>> Open(const std::string& path);
  ~CrashJournal();

  CrashJournal(const CrashJournal&) = delete;
  CrashJournal& operator=(const CrashJournal&) = delete;

  // The crashes of earlier runs, oldest first, as found by Open().
  const std::vector<CrashRecord>& previous_crashes() const { return previous_crashes_; }

  // Empties the journal durably. Call once previous_crashes() are persisted elsewhere.
  absl::Status Clear();

  // Installs the fatal-signal handlers for the whole process (one journal at a time).
  absl::Status InstallHandlers();

 private:
  CrashJournal(std::string path, UniqueFd fd, std::vector<CrashRecord> previous)
      : path_(std::move(path)), fd_(std::move(fd)), previous_crashes_(std::move(previous)) {}

  std::string path_;
  UniqueFd fd_;  // O_APPEND; the handler writes to it through a global copy of the number.
  std::vector<CrashRecord> previous_crashes_;
  bool installed_ = false;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_CRASH_JOURNAL_H_
