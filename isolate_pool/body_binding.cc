#include "isolate_pool/body_binding.h"

#include <v8-array-buffer.h>
#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-primitive.h>

#include <limits>
#include <memory>
#include <utility>

#include "isolate_pool/isolate_slots.h"
#include "isolate_pool/native_bindings.h"

namespace hearth {

void TransferArrayBuffer(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsArrayBuffer()) {
    isolate->ThrowException(
        v8::Exception::TypeError(V8String(isolate, "transfer needs an ArrayBuffer")));
    return;
  }
  v8::Local<v8::ArrayBuffer> buffer = info[0].As<v8::ArrayBuffer>();
  if (buffer->WasDetached() || !buffer->IsDetachable()) {
    isolate->ThrowException(v8::Exception::TypeError(
        V8String(isolate, "the ArrayBuffer is detached or cannot be transferred")));
    return;
  }
  // The backing store (and with it the allocator's accounting of its bytes) moves to the
  // new buffer as it is: nothing is allocated but the buffer object.
  std::shared_ptr<v8::BackingStore> store = buffer->GetBackingStore();
  buffer->Detach();
  info.GetReturnValue().Set(v8::ArrayBuffer::New(isolate, std::move(store)));
}

void IsDetachedBuffer(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(info.Length() > 0 && info[0]->IsArrayBuffer() &&
                            info[0].As<v8::ArrayBuffer>()->WasDetached());
}

void ResponseBodyLimit(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const auto* limit =
      static_cast<const size_t*>(info.GetIsolate()->GetData(kResponseBodyLimitSlot));
  // No slot: an isolate that serves no invocations (one making a snapshot).
  info.GetReturnValue().Set(limit != nullptr ? static_cast<double>(*limit)
                                             : std::numeric_limits<double>::infinity());
}

}  // namespace hearth
