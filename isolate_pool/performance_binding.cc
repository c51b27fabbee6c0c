#include "isolate_pool/performance_binding.h"

#include <time.h>

#include "common/clock.h"

namespace hearth {
namespace {

// Whole steps of the resolution, as milliseconds: floor, so that now() never goes back.
// One division of exact integers: 1234.5, not 1234.5000000000002.
double CoarsenedMillis(int64_t micros) {
  const int64_t coarse = micros / kPerformanceResolutionMicros * kPerformanceResolutionMicros;
  return static_cast<double>(coarse) / 1000.0;
}

const IsolateClock& ClockOf(v8::Isolate* isolate) {
  if (const auto* clock = static_cast<const IsolateClock*>(isolate->GetData(kIsolateClockSlot))) {
    return *clock;
  }
  static const IsolateClock process_clock = [] {
    IsolateClock clock;
    StartIsolateClock(clock);
    return clock;
  }();
  return process_clock;
}

}  // namespace

void StartIsolateClock(IsolateClock& clock) {
  clock.origin_monotonic_us = MonotonicMicros();
  clock.origin_unix_us = ClockMicros(CLOCK_REALTIME);
}

void PerformanceNow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const IsolateClock& clock = ClockOf(info.GetIsolate());
  info.GetReturnValue().Set(CoarsenedMillis(MonotonicMicros() - clock.origin_monotonic_us));
}

void PerformanceTimeOrigin(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(CoarsenedMillis(ClockOf(info.GetIsolate()).origin_unix_us));
}

}  // namespace hearth
