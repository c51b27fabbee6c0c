// ExecutionWatchdog: stops JavaScript that runs past its CPU or wall-clock budget.
//
// A worker arms its slot before it enters an isolate and disarms it when it leaves. One
// watchdog thread sleeps until the earliest moment any armed slot could be over budget
// (CPU time cannot grow faster than wall time, so `now + remaining CPU` is a safe wake-up)
// and then calls Isolate::TerminateExecution, the one V8 call that is safe from another
// thread. Nothing polls while nothing is about to expire.
//
// Thread: Arm/Disarm are called by the worker owning `slot`; the watchdog thread is private.
#ifndef HEARTH_ISOLATE_POOL_EXECUTION_WATCHDOG_H_
#define HEARTH_ISOLATE_POOL_EXECUTION_WATCHDOG_H_

#include <time.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace v8 {
class Isolate;
}

namespace hearth {

enum class WatchdogVerdict { kNone, kCpuLimit, kTimeout };

class ExecutionWatchdog {
 public:
  explicit ExecutionWatchdog(int slots);
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

 private:
  struct Slot {
    bool armed = false;
    v8::Isolate* isolate = nullptr;
    clockid_t cpu_clock = 0;
    int64_t cpu_deadline_us = 0;
    int64_t wall_deadline_us = 0;
    WatchdogVerdict verdict = WatchdogVerdict::kNone;
  };

  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // Terminates expired slots; returns the next time (monotonic µs) to look again.
  int64_t CheckSlots(int64_t now_us) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  absl::CondVar wake_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  int64_t next_check_us_ ABSL_GUARDED_BY(mu_);  // When the watchdog thread will look next.
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_EXECUTION_WATCHDOG_H_
