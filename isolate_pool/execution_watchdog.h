// ExecutionWatchdog: stops JavaScript that runs past its CPU or wall-clock budget.
//
// A worker arms its slot before it enters an isolate and disarms it when it leaves. One
// watchdog thread sleeps until the earliest moment any armed slot could be over budget
// (CPU time cannot grow faster than wall time, so `now + remaining CPU` is a safe wake-up)
// and then calls Isolate::TerminateExecution, the one V8 call that is safe from another
// thread. Nothing polls while nothing is about to expire.
//
// Termination only takes effect where V8 looks for it (function entries, loop back-edges).
// A native loop that never looks (a built-in on a pathological input) keeps its worker
// busy: a slot still armed `wedge_grace` after its termination is reported as wedged
// (Wedged(), the listener, a log line) so that no new work is placed on that worker, and
// as recovered once its worker disarms it.
//
// Thread: Arm/Disarm are called by the worker owning `slot`; the watchdog thread is private.
#ifndef HEARTH_ISOLATE_POOL_EXECUTION_WATCHDOG_H_
#define HEARTH_ISOLATE_POOL_EXECUTION_WATCHDOG_H_

#include <time.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace v8 {
class Isolate;
}

namespace hearth {

// kInterrupted: stopped on request (Interrupt), not by a limit.
enum class WatchdogVerdict { kNone, kCpuLimit, kTimeout, kInterrupted };

class ExecutionWatchdog {
 public:
  // Called on the watchdog thread (wedged) or the slot's worker (recovered), with no lock
  // held, after a slot's state changed: it reads the states with Wedged() (calls may
  // arrive out of order; the states are always current).
  using WedgeListener = std::function<void()>;

  explicit ExecutionWatchdog(int slots, int64_t wedge_grace_us = 1'000'000);
  ~ExecutionWatchdog();

  ExecutionWatchdog(const ExecutionWatchdog&) = delete;
  ExecutionWatchdog& operator=(const ExecutionWatchdog&) = delete;

  // `cpu_clock` is the worker thread's CPU clock; `cpu_deadline_us` is in that clock's
  // time, `wall_deadline_us` in MonotonicMicros().
  void Arm(int slot, v8::Isolate* isolate, clockid_t cpu_clock, int64_t cpu_deadline_us,
           int64_t wall_deadline_us) ABSL_LOCKS_EXCLUDED(mu_);

  // Returns what the watchdog did while the slot was armed. After it returns, the
  // watchdog no longer touches the isolate, so a kNone slot needs no clean-up and a
  // terminated one can call CancelTerminateExecution safely.
  WatchdogVerdict Disarm(int slot) ABSL_LOCKS_EXCLUDED(mu_);

  // Stops the JavaScript running in `isolate` now, if `slot` is armed for it (any thread:
  // a caller that cancelled). Like a limit's termination, it is repeated until the worker
  // disarms, and a worker that does not come back is reported wedged.
  void Interrupt(int slot, v8::Isolate* isolate) ABSL_LOCKS_EXCLUDED(mu_);

  // Called by a worker that will not come back (its thread stops for good, e.g.
  // MemoryGuard::ParkForever): wedged from now on.
  void Abandon(int slot) ABSL_LOCKS_EXCLUDED(mu_);

  // Whether `slot`'s worker is wedged now (any thread).
  bool Wedged(int slot) const { return wedged_[slot].load(std::memory_order_acquire); }
  // Set once, before any slot is armed.
  void SetWedgeListener(WedgeListener listener) { listener_ = std::move(listener); }

 private:
  struct Slot {
    bool armed = false;
    v8::Isolate* isolate = nullptr;
    clockid_t cpu_clock = 0;
    int64_t cpu_deadline_us = 0;
    int64_t wall_deadline_us = 0;
    WatchdogVerdict verdict = WatchdogVerdict::kNone;
    int64_t terminated_us = 0;  // When the verdict was given (MonotonicMicros()).
  };

  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // Terminates expired slots and finds wedged ones (appended to `wedged`); returns the next
  // time (monotonic µs) to look again.
  int64_t CheckSlots(int64_t now_us, std::vector<int>* wedged) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Logs a change of `slot`'s state and tells the listener (no lock held).
  void Report(int slot, bool wedged);

  absl::Mutex mu_;
  absl::CondVar wake_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  int64_t next_check_us_ ABSL_GUARDED_BY(mu_);  // When the watchdog thread will look next.
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  const int64_t wedge_grace_us_;
  std::unique_ptr<std::atomic<bool>[]> wedged_;  // By slot.
  WedgeListener listener_;
  std::thread thread_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_EXECUTION_WATCHDOG_H_
