#include "isolate_pool/execution_watchdog.h"

#include <pthread.h>
#include <v8-isolate.h>

#include <algorithm>
#include <limits>

#include "absl/time/time.h"
#include "common/clock.h"
#include "spdlog/spdlog.h"

namespace hearth {
namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// How often a terminated slot that is still armed is terminated again.
constexpr int64_t kRepeatTerminationUs = 10'000;
}  // namespace

ExecutionWatchdog::ExecutionWatchdog(int slots, int64_t wedge_grace_us)
    : slots_(slots),
      next_check_us_(kNever),
      wedge_grace_us_(wedge_grace_us),
      wedged_(new std::atomic<bool>[slots]) {
  for (int i = 0; i < slots; ++i) wedged_[i].store(false, std::memory_order_relaxed);
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
      Slot{true, isolate, cpu_clock, cpu_deadline_us, wall_deadline_us, WatchdogVerdict::kNone, 0};
  // Wake the watchdog only if it would otherwise look too late: on a busy agent most arms
  // cost a mutex and no context switch.
  if (first_check_us < next_check_us_) {
    next_check_us_ = first_check_us;
    wake_.Signal();
  }
}

WatchdogVerdict ExecutionWatchdog::Disarm(int slot) {
  WatchdogVerdict verdict;
  bool was_wedged;
  {
    absl::MutexLock lock(&mu_);
    Slot& s = slots_[slot];
    s.armed = false;
    s.isolate = nullptr;
    verdict = s.verdict;
    // Under the lock, so the watchdog never marks a slot wedged after its worker came back.
    was_wedged = wedged_[slot].exchange(false, std::memory_order_acq_rel);
  }
  if (was_wedged) Report(slot, false);
  return verdict;
}

void ExecutionWatchdog::Interrupt(int slot, v8::Isolate* isolate) {
  absl::MutexLock lock(&mu_);
  Slot& s = slots_[slot];
  if (!s.armed || s.isolate != isolate || s.verdict != WatchdogVerdict::kNone) return;
  s.verdict = WatchdogVerdict::kInterrupted;
  s.terminated_us = MonotonicMicros();
  isolate->TerminateExecution();
  // The watchdog repeats the termination and watches for a wedge from now on.
  next_check_us_ = s.terminated_us;
  wake_.Signal();
}

void ExecutionWatchdog::Abandon(int slot) {
  bool was_wedged;
  {
    absl::MutexLock lock(&mu_);
    was_wedged = wedged_[slot].exchange(true, std::memory_order_acq_rel);
  }
  if (!was_wedged) Report(slot, true);
}

void ExecutionWatchdog::Report(int slot, bool wedged) {
  if (wedged) {
    spdlog::error(
        "worker {} did not stop running a function within {} ms of its termination (a native "
        "loop that does not look for termination); no new work goes to it until it does",
        slot, wedge_grace_us_ / 1000);
  } else {
    spdlog::warn("worker {} stopped the function it was wedged in; it takes work again", slot);
  }
  if (listener_) listener_();
}

int64_t ExecutionWatchdog::CheckSlots(int64_t now_us, std::vector<int>* wedged) {
  int64_t next = kNever;
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    if (!s.armed) continue;
    if (s.verdict != WatchdogVerdict::kNone) {
      // Terminated, still armed: its worker has not come back yet. Terminate again: V8
      // clears a termination that reaches the top of a task's stack, and some tasks then
      // call into JavaScript again (a FinalizationRegistry cleanup calls its callback once
      // per collected object).
      s.isolate->TerminateExecution();
      const int64_t wedged_at = s.terminated_us + wedge_grace_us_;
      if (now_us >= wedged_at) {
        if (!wedged_[i].exchange(true, std::memory_order_acq_rel)) {
          wedged->push_back(static_cast<int>(i));
        }
        next = std::min(next, now_us + kRepeatTerminationUs);
      } else {
        next = std::min({next, wedged_at, now_us + kRepeatTerminationUs});
      }
      continue;
    }
    const int64_t cpu_left_us = s.cpu_deadline_us - ClockMicros(s.cpu_clock);
    if (cpu_left_us <= 0 || now_us >= s.wall_deadline_us) {
      s.verdict = cpu_left_us <= 0 ? WatchdogVerdict::kCpuLimit : WatchdogVerdict::kTimeout;
      s.terminated_us = now_us;
      s.isolate->TerminateExecution();
      next = std::min(next, now_us + kRepeatTerminationUs);
      continue;
    }
    next = std::min({next, s.wall_deadline_us, now_us + cpu_left_us});
  }
  return next;
}

void ExecutionWatchdog::Run() {
  absl::MutexLock lock(&mu_);
  std::vector<int> wedged;
  while (!stop_) {
    const int64_t now = MonotonicMicros();
    next_check_us_ = CheckSlots(now, &wedged);
    if (!wedged.empty()) {
      mu_.Unlock();  // The listener takes locks of its own.
      for (int slot : wedged) Report(slot, true);
      wedged.clear();
      mu_.Lock();
      continue;
    }
    if (next_check_us_ == kNever) {
      wake_.Wait(&mu_);
    } else {
      wake_.WaitWithTimeout(&mu_, absl::Microseconds(next_check_us_ - MonotonicMicros()));
    }
  }
}

}  // namespace hearth
