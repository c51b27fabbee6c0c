// native.timerSchedule and native.timerCancel: how modules/timers.js reaches the TimerQueue
// of the invocation running in its isolate. Private to isolate_pool/.
//
// Thread: called only from JavaScript, on the thread that owns the isolate.
#ifndef HEARTH_ISOLATE_POOL_TIMER_BINDING_H_
#define HEARTH_ISOLATE_POOL_TIMER_BINDING_H_

#include <v8-function-callback.h>

#include <cstdint>

#include "isolate_pool/isolate_slots.h"

namespace hearth {

// kTimerQueueSlot: isolate_pool/isolate_slots.h.

// timerSchedule(id, delayMs): (re)schedules timer `id`. Throws when no invocation runs or
// when the invocation has too many timers pending.
void TimerSchedule(const v8::FunctionCallbackInfo<v8::Value>& info);
// timerCancel(id)
void TimerCancel(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_TIMER_BINDING_H_
