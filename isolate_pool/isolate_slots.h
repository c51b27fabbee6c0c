// The isolate data slots (v8::Isolate::SetData) and what each holds: one list, so that no
// two bindings share a slot. A native callback in a snapshot cannot carry per-isolate
// pointers; it finds its isolate's state here. V8 10.2 has 4 slots.
#ifndef HEARTH_ISOLATE_POOL_ISOLATE_SLOTS_H_
#define HEARTH_ISOLATE_POOL_ISOLATE_SLOTS_H_

#include <cstdint>

namespace hearth {

// ConsoleSink* (native_bindings.h); null: console output dropped (the build-time snapshot).
inline constexpr uint32_t kConsoleSinkSlot = 0;
// const IsolateClock* (performance_binding.h): when the isolate started, for performance.
inline constexpr uint32_t kIsolateClockSlot = 1;
// TimerQueue* of the invocation running now (timer_binding.h); null when none runs.
inline constexpr uint32_t kTimerQueueSlot = 2;
// const size_t* (body_binding.h): the most bytes a response body may have, which the
// runtime enforces while it reads a stream body; null in isolates that serve no invocations.
inline constexpr uint32_t kResponseBodyLimitSlot = 3;

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_ISOLATE_SLOTS_H_
