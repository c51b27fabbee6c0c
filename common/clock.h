// Clocks used for execution reports and limits. Monotonic wall time in microseconds, and
// the CPU time of a thread (readable from any thread through its clock id).
#ifndef HEARTH_COMMON_CLOCK_H_
#define HEARTH_COMMON_CLOCK_H_

#include <pthread.h>
#include <time.h>

#include <cstdint>

namespace hearth {

inline int64_t ClockMicros(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1'000;
}

// Monotonic time, for durations.
inline int64_t MonotonicMicros() { return ClockMicros(CLOCK_MONOTONIC); }

// CPU time consumed so far by the calling thread.
inline int64_t ThisThreadCpuMicros() { return ClockMicros(CLOCK_THREAD_CPUTIME_ID); }

// The clock id of the calling thread's CPU time, readable from other threads
// (the execution watchdog reads workers' CPU time this way).
inline clockid_t ThisThreadCpuClock() {
  clockid_t clock = CLOCK_THREAD_CPUTIME_ID;
  pthread_getcpuclockid(pthread_self(), &clock);
  return clock;
}

}  // namespace hearth

#endif  // HEARTH_COMMON_CLOCK_H_
