#include "isolate_pool/timer_binding.h"

#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-primitive.h>

#include <string>

#include "isolate_pool/native_bindings.h"
#include "isolate_pool/timer_queue.h"

namespace hearth {
namespace {

TimerQueue* QueueOf(v8::Isolate* isolate) {
  return static_cast<TimerQueue*>(isolate->GetData(kTimerQueueSlot));
}

}  // namespace

void TimerSchedule(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  TimerQueue* queue = QueueOf(isolate);
  if (queue == nullptr) {
    // As on Workers: a timer belongs to a request, and the top level serves none (at a
    // deploy it runs in another process, whose heap becomes a snapshot).
    isolate->ThrowException(v8::Exception::Error(
        V8String(isolate,
                 "timers cannot be set at the top level of a function, only while it handles "
                 "a request")));
    return;
  }
  if (info.Length() < 2 || !info[0]->IsUint32() || !info[1]->IsNumber()) return;
  const double delay = info[1].As<v8::Number>()->Value();
  // HTML clamps to a 32-bit signed count of milliseconds; timeout_ms ends it long before.
  const uint64_t delay_ms = delay > 0 && delay <= 2147483647.0 ? static_cast<uint64_t>(delay) : 0;
  if (!queue->Schedule(info[0].As<v8::Uint32>()->Value(), delay_ms)) {
    isolate->ThrowException(v8::Exception::RangeError(V8String(
        isolate, "too many timers pending: at most " + std::to_string(TimerQueue::kMaxPending))));
  }
}

void TimerCancel(const v8::FunctionCallbackInfo<v8::Value>& info) {
  TimerQueue* queue = QueueOf(info.GetIsolate());
  if (queue == nullptr || info.Length() < 1 || !info[0]->IsUint32()) return;
  queue->Cancel(info[0].As<v8::Uint32>()->Value());
}

}  // namespace hearth
