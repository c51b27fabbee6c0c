#include "isolate_pool/execution_watchdog.h"

#include <pthread.h>
#include <v8-isolate.h>

#include <algorithm>
#include <limits>

#include "absl/time/time.h"
#include "common/clock.h"

namespace hearth {
namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
}  // namespace

ExecutionWatchdog::ExecutionWatchdog(int slots) : slots_(slots), next_check_us_(kNever) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hearth-watchdog");
    Run();
  });
}

ExecutionWatchdog::~ExecutionWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    wake_.Signal();
  }
  thread_.join();
}

void ExecutionWatchdog::Arm(int slot, v8::Isolate* isolate, clockid_t cpu_clock,
                            int64_t cpu_deadline_us, int64_t wall_deadline_us) {
  const int64_t cpu_left_us = cpu_deadline_us - ClockMicros(cpu_clock);
  const int64_t first_check_us =
      std::min(wall_deadline_us, MonotonicMicros() + std::max<int64_t>(cpu_left_us, 0));
  absl::MutexLock lock(&mu_);
  slots_[slot] =
      Slot{true, isolate, cpu_clock, cpu_deadline_us, wall_deadline_us, WatchdogVerdict::kNone};
  // Wake the watchdog only if it would otherwise look too late: on a busy agent most arms
  // cost a mutex and no context switch.
  if (first_check_us < next_check_us_) {
    next_check_us_ = first_check_us;
    wake_.Signal();
  }
}

WatchdogVerdict ExecutionWatchdog::Disarm(int slot) {
  absl::MutexLock lock(&mu_);
  Slot& s = slots_[slot];
  s.armed = false;
  s.isolate = nullptr;
  return s.verdict;
}

int64_t ExecutionWatchdog::CheckSlots(int64_t now_us) {
  int64_t next = kNever;
  for (Slot& s : slots_) {
    if (!s.armed || s.verdict != WatchdogVerdict::kNone) continue;
    const int64_t cpu_left_us = s.cpu_deadline_us - ClockMicros(s.cpu_clock);
    if (cpu_left_us <= 0 || now_us >= s.wall_deadline_us) {
      s.verdict = cpu_left_us <= 0 ? WatchdogVerdict::kCpuLimit : WatchdogVerdict::kTimeout;
      s.isolate->TerminateExecution();
      continue;
    }
    next = std::min({next, s.wall_deadline_us, now_us + cpu_left_us});
  }
  return next;
}

void ExecutionWatchdog::Run() {
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    const int64_t now = MonotonicMicros();
    next_check_us_ = CheckSlots(now);
    if (next_check_us_ == kNever) {
      wake_.Wait(&mu_);
    } else {
      wake_.WaitWithTimeout(&mu_, absl::Microseconds(next_check_us_ - MonotonicMicros()));
    }
  }
}

}  // namespace hearth
