// The crash journal's record: one line per fatal signal, written from a signal handler.
//
//   hearth-crash v1 signal=11 worker=0 function=resize check=1a2b3c4d
//
// `check` is FNV-1a (32 bits, hex) of everything before " check=". Each record is written
// with a newline before and after it, so a record torn by a second crash or a power loss
// never swallows the next one: a line that is not complete and intact is skipped.
//
// Thread: pure functions; FormatCrashRecord is async-signal-safe (no allocation, no locale,
// no libc formatting).
#ifndef HEARTH_AGENT_CRASH_RECORD_H_
#define HEARTH_AGENT_CRASH_RECORD_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hearth {

struct CrashRecord {
  int signal = 0;
  int worker = -1;       // -1: the dying thread had no note.
  std::string function;  // Empty: the dying thread was running no function.
};

// Room for any record (a name is cut to 255 bytes by crash_attribution).
inline constexpr size_t kMaxCrashRecordBytes = 400;

// Writes the record (with its surrounding newlines) into `buffer`; returns its length, or 0
// if it does not fit. `function` may be null. Async-signal-safe.
size_t FormatCrashRecord(char* buffer, size_t size, int signal, int worker, const char* function);

// Every intact record of a journal, in order. `damaged` (if not null) gets the number of
// non-empty lines that were not intact records (a torn last write, garbage).
std::vector<CrashRecord> ParseCrashRecords(absl::string_view journal, int* damaged);

// "SIGSEGV"; "signal 42" for a number without a name.
std::string SignalName(int signal);

}  // namespace hearth

#endif  // HEARTH_AGENT_CRASH_RECORD_H_
