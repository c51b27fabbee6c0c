// Crash attribution: which function a thread is running, readable from a signal handler.
//
// A worker notes the function before it enters user JavaScript and clears the note when it
// leaves. If the process dies of a fatal signal meanwhile (V8's fatal OOM aborts, a crash in
// native code), the agent's signal handler reads the dying thread's note and records it, so
// that the next start can quarantine that function instead of restoring it into a crash loop.
//
// A thread's first EnterFunction also gives it an alternate signal stack (unless it has one),
// so that a crash handler still runs when the thread dies of a stack overflow; the stack is
// released when the thread exits.
//
// Thread: EnterFunction/LeaveFunction write the calling thread's own note (thread-local, no
// locks); CurrentFunction reads it and is async-signal-safe.
#ifndef HEARTH_COMMON_CRASH_ATTRIBUTION_H_
#define HEARTH_COMMON_CRASH_ATTRIBUTION_H_

#include <cstddef>
#include <string_view>

namespace hearth::crash_attribution {

// Longest function name kept (longer ones are cut; names are validated shorter than this).
inline constexpr size_t kMaxNameBytes = 255;

// Notes that the calling thread (worker `worker`) runs `function`'s JavaScript from now on.
void EnterFunction(int worker, std::string_view function);
// Clears the calling thread's note.
void LeaveFunction();

// The calling thread's note: the function's name (NUL-terminated) and worker, or null when
// it runs no function. Async-signal-safe.
const char* CurrentFunction(int* worker);

// Gives the calling thread an alternate signal stack if it has none (handlers installed with
// SA_ONSTACK run there). For threads that never enter a function, e.g. the main thread; false
// if the stack could not be made.
bool EnsureAlternateSignalStack();

}  // namespace hearth::crash_attribution

#endif  // HEARTH_COMMON_CRASH_ATTRIBUTION_H_
