// native.performanceNow and native.performanceTimeOrigin: the clock behind `performance`
// (sdk/runtime/modules/performance.js) and Event.timeStamp. Private to isolate_pool/.
//
// Each isolate has its own time origin, kept natively (an IsolateClock in an isolate data
// slot), never in the JavaScript heap: a function's snapshot would otherwise carry the origin
// of the isolate it was made in to every isolate booted from it. Both values are coarsened
// to kPerformanceResolutionMicros, as browsers coarsen them without cross-origin isolation.
//
// Thread: the callbacks run on the thread inside the isolate; an IsolateClock is written by
// its isolate's owner, between entries into the isolate.
#ifndef HEARTH_ISOLATE_POOL_PERFORMANCE_BINDING_H_
#define HEARTH_ISOLATE_POOL_PERFORMANCE_BINDING_H_

#include <v8-function-callback.h>
#include <v8-isolate.h>

#include <cstdint>

#include "isolate_pool/isolate_slots.h"

namespace hearth {

// kIsolateClockSlot: isolate_pool/isolate_slots.h.

inline constexpr int64_t kPerformanceResolutionMicros = 100;

// When an isolate's time begins: a monotonic instant and the wall-clock time it was.
struct IsolateClock {
  int64_t origin_monotonic_us = 0;
  int64_t origin_unix_us = 0;
};

// Sets `clock`'s origin to now.
void StartIsolateClock(IsolateClock& clock);

// performanceNow() -> milliseconds since the isolate's time origin.
void PerformanceNow(const v8::FunctionCallbackInfo<v8::Value>& info);

// performanceTimeOrigin() -> the time origin, in milliseconds since the Unix epoch.
void PerformanceTimeOrigin(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_PERFORMANCE_BINDING_H_
