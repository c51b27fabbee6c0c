#include "isolate_pool/structured_clone_binding.h"

#include <v8-array-buffer.h>
#include <v8-container.h>
#include <v8-context.h>
#include <v8-exception.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-persistent-handle.h>
#include <v8-primitive.h>
#include <v8-template.h>
#include <v8-value-serializer.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "isolate_pool/native_bindings.h"

namespace hearth {
namespace {

// Internal fields of a DOMException host object.
constexpr int kNameField = 0;
constexpr int kMessageField = 1;
constexpr int kDOMExceptionFields = 2;
// What a host object's serialization starts with (one kind so far).
constexpr uint32_t kDOMExceptionTag = 1;

bool IsDOMException(v8::Local<v8::Object> object) {
  // The base's instances are the only objects with internal fields in a function's isolate.
  return object->InternalFieldCount() == kDOMExceptionFields &&
         object->GetInternalField(kNameField)->IsString() &&
         object->GetInternalField(kMessageField)->IsString();
}

// Throws `new DOMException(message, 'DataCloneError')`. If that cannot be made (the isolate
// is being terminated, for passing its memory limit say), whatever is pending stays.
void ThrowDataCloneError(v8::Isolate* isolate, v8::Local<v8::Function> dom_exception,
                         v8::Local<v8::String> message) {
  v8::Local<v8::Value> args[] = {message, V8String(isolate, "DataCloneError")};
  v8::Local<v8::Object> error;
  if (dom_exception->NewInstance(isolate->GetCurrentContext(), 2, args).ToLocal(&error)) {
    isolate->ThrowException(error);
  }
}

class Serializer final : public v8::ValueSerializer::Delegate {
 public:
  Serializer(v8::Isolate* isolate, v8::Local<v8::Function> dom_exception)
      : isolate_(isolate),
        allocator_(isolate->GetArrayBufferAllocator()),
        dom_exception_(dom_exception),
        serializer_(isolate, this) {}
  ~Serializer() override = default;

  v8::ValueSerializer& serializer() { return serializer_; }

  // The serialized bytes, owned by the caller from now on: free them with FreeReleased.
  std::pair<uint8_t*, size_t> Release() {
    auto released = serializer_.Release();
    released_capacity_ = capacity_;
    capacity_ = 0;
    return released;
  }
  void FreeReleased(uint8_t* data) {
    if (data != nullptr) allocator_->Free(data, released_capacity_);
  }

  void ThrowDataCloneError(v8::Local<v8::String> message) override {
    hearth::ThrowDataCloneError(isolate_, dom_exception_, message);
  }

  v8::Maybe<bool> WriteHostObject(v8::Isolate* isolate, v8::Local<v8::Object> object) override {
    if (!IsDOMException(object)) {
      ThrowDataCloneError(V8String(isolate, "A host object could not be cloned."));
      return v8::Nothing<bool>();
    }
    // HTML: name and message; and, as its "interesting accompanying data", the stack.
    v8::Local<v8::Value> stack;
    if (!object->Get(isolate->GetCurrentContext(), V8String(isolate, "stack")).ToLocal(&stack)) {
      return v8::Nothing<bool>();
    }
    serializer_.WriteUint32(kDOMExceptionTag);
    WriteString(object->GetInternalField(kNameField).As<v8::String>());
    WriteString(object->GetInternalField(kMessageField).As<v8::String>());
    serializer_.WriteUint32(stack->IsString() ? 1 : 0);
    if (stack->IsString()) WriteString(stack.As<v8::String>());
    return v8::Just(true);
  }

  // Not cross-origin isolated: shared memory does not cross a structured clone.
  v8::Maybe<uint32_t> GetSharedArrayBufferId(v8::Isolate* isolate,
                                             v8::Local<v8::SharedArrayBuffer>) override {
    ThrowDataCloneError(V8String(isolate, "A SharedArrayBuffer could not be cloned."));
    return v8::Nothing<uint32_t>();
  }

  v8::Maybe<uint32_t> GetWasmModuleTransferId(v8::Isolate* isolate,
                                              v8::Local<v8::WasmModuleObject>) override {
    ThrowDataCloneError(V8String(isolate, "A WebAssembly.Module could not be cloned."));
    return v8::Nothing<uint32_t>();
  }

  // The buffer grows through the isolate's allocator: counted with the function's other
  // buffers, refused (nullptr: the serializer throws DataCloneError) past the limit, where
  // the allocator also ends the invocation.
  void* ReallocateBufferMemory(void* old_buffer, size_t size, size_t* actual_size) override {
    void* buffer = allocator_->AllocateUninitialized(size);
    if (buffer == nullptr) return nullptr;
    if (old_buffer != nullptr) {
      std::memcpy(buffer, old_buffer, std::min(capacity_, size));
      allocator_->Free(old_buffer, capacity_);
    }
    capacity_ = size;
    *actual_size = size;
    return buffer;
  }

  void FreeBufferMemory(void* buffer) override {
    allocator_->Free(buffer, capacity_);
    capacity_ = 0;
  }

 private:
  // A string as its UTF-16 code units: exact for any string, lone surrogates included.
  void WriteString(v8::Local<v8::String> string) {
    const int length = string->Length();
    std::vector<uint16_t> units(static_cast<size_t>(length));
    string->Write(isolate_, units.data(), 0, length, v8::String::NO_NULL_TERMINATION);
    serializer_.WriteUint32(static_cast<uint32_t>(length));
    serializer_.WriteRawBytes(units.data(), units.size() * sizeof(uint16_t));
  }

  v8::Isolate* const isolate_;
  v8::ArrayBuffer::Allocator* const allocator_;
  const v8::Local<v8::Function> dom_exception_;
  size_t capacity_ = 0;             // of the buffer the serializer holds
  size_t released_capacity_ = 0;    // of the buffer Release handed out
  v8::ValueSerializer serializer_;  // Last: its destructor frees through this delegate.
};

// V8 runs no JavaScript while it deserializes (it aborts the process if asked to), so a
// DOMException is made in two steps: here, an object with the base's internal fields and
// DOMException.prototype; after the whole value is read, `adopt` (domexception.js) gives
// it the fields JavaScript reads.
class Deserializer final : public v8::ValueDeserializer::Delegate {
 public:
  Deserializer(v8::Isolate* isolate, v8::Local<v8::Value> dom_exception_prototype,
               std::pair<uint8_t*, size_t> data)
      : isolate_(isolate),
        prototype_(dom_exception_prototype),
        deserializer_(isolate, data.first, data.second, this) {}

  v8::ValueDeserializer& deserializer() { return deserializer_; }
  // The DOMExceptions made, as Globals: V8 calls ReadHostObject inside handle scopes of its
  // own, which close before ReadValue returns.
  std::vector<v8::Global<v8::Object>>& adoptions() { return adoptions_; }

  // Failing without an exception, V8 throws its own ("Unable to deserialize cloned data").
  v8::MaybeLocal<v8::Object> ReadHostObject(v8::Isolate* isolate) override {
    uint32_t tag = 0, has_stack = 0;
    v8::Local<v8::String> name, message, stack;
    if (!deserializer_.ReadUint32(&tag) || tag != kDOMExceptionTag || !ReadString(&name) ||
        !ReadString(&message) || !deserializer_.ReadUint32(&has_stack) ||
        (has_stack != 0 && !ReadString(&stack))) {
      return {};
    }
    v8::Local<v8::Context> context = isolate->GetCurrentContext();
    if (template_.IsEmpty()) {
      v8::Local<v8::ObjectTemplate> object_template = v8::ObjectTemplate::New(isolate);
      object_template->SetInternalFieldCount(kDOMExceptionFields);
      template_.Reset(isolate, object_template);
    }
    v8::Local<v8::Object> clone;
    if (!template_.Get(isolate)->NewInstance(context).ToLocal(&clone) ||
        clone->SetPrototype(context, prototype_).IsNothing()) {
      return {};
    }
    clone->SetInternalField(kNameField, name);
    clone->SetInternalField(kMessageField, message);
    if (!stack.IsEmpty() &&
        clone->DefineOwnProperty(context, V8String(isolate, "stack"), stack, v8::DontEnum)
            .IsNothing()) {
      return {};
    }
    adoptions_.emplace_back(isolate, clone);
    return clone;
  }

 private:
  bool ReadString(v8::Local<v8::String>* out) {
    uint32_t length = 0;
    const void* data = nullptr;
    if (!deserializer_.ReadUint32(&length) ||
        length > static_cast<uint32_t>(v8::String::kMaxLength) ||
        !deserializer_.ReadRawBytes(size_t{length} * sizeof(uint16_t), &data)) {
      return false;
    }
    // The raw bytes need not be aligned for uint16_t: copied first.
    std::vector<uint16_t> units(length);
    std::memcpy(units.data(), data, units.size() * sizeof(uint16_t));
    return v8::String::NewFromTwoByte(isolate_, units.data(), v8::NewStringType::kNormal,
                                      static_cast<int>(length))
        .ToLocal(out);
  }

  v8::Isolate* const isolate_;
  const v8::Local<v8::Value> prototype_;
  v8::Global<v8::ObjectTemplate> template_;
  std::vector<v8::Global<v8::Object>> adoptions_;
  v8::ValueDeserializer deserializer_;
};

}  // namespace

void StructuredClone(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (info.Length() < 4 || !(info[1]->IsNull() || info[1]->IsArray()) || !info[2]->IsFunction() ||
      !info[3]->IsFunction()) {
    isolate->ThrowException(
        v8::Exception::TypeError(V8String(isolate, "structuredClone: bad native arguments")));
    return;
  }
  v8::Local<v8::Function> dom_exception = info[2].As<v8::Function>();
  v8::Local<v8::Function> adopt = info[3].As<v8::Function>();
  v8::Local<v8::Value> dom_exception_prototype;
  if (!dom_exception->Get(context, V8String(isolate, "prototype"))
           .ToLocal(&dom_exception_prototype)) {
    return;
  }
  auto data_clone_error = [&](std::string_view message) {
    ThrowDataCloneError(isolate, dom_exception, V8String(isolate, message));
  };

  // The transfer list: distinct, detachable ArrayBuffers (HTML StructuredSerializeWithTransfer).
  std::vector<v8::Local<v8::ArrayBuffer>> transfers;
  if (info[1]->IsArray()) {
    v8::Local<v8::Array> list = info[1].As<v8::Array>();
    for (uint32_t i = 0; i < list->Length(); ++i) {
      v8::Local<v8::Value> item;
      if (!list->Get(context, i).ToLocal(&item)) return;
      if (!item->IsArrayBuffer()) {
        return data_clone_error("Value at index " + std::to_string(i) +
                                " of the transfer list does not have a transferable type.");
      }
      v8::Local<v8::ArrayBuffer> buffer = item.As<v8::ArrayBuffer>();
      for (const auto& seen : transfers) {
        if (seen == buffer) {
          return data_clone_error("An ArrayBuffer is listed twice in the transfer list.");
        }
      }
      if (!buffer->IsDetachable()) {
        return data_clone_error("An ArrayBuffer in the transfer list cannot be detached.");
      }
      transfers.push_back(buffer);
    }
  }

  auto serializer = std::make_unique<Serializer>(isolate, dom_exception);
  v8::ValueSerializer& writer = serializer->serializer();
  for (size_t i = 0; i < transfers.size(); ++i) {
    writer.TransferArrayBuffer(static_cast<uint32_t>(i), transfers[i]);
  }
  writer.WriteHeader();
  if (writer.WriteValue(context, info[0]).IsNothing()) return;  // an exception is pending
  // Serializing ran user code (getters), which may have detached a buffer to transfer.
  for (const auto& buffer : transfers) {
    if (buffer->WasDetached()) {
      return data_clone_error("An ArrayBuffer in the transfer list is detached.");
    }
  }
  std::vector<v8::Local<v8::ArrayBuffer>> moved;
  moved.reserve(transfers.size());
  for (const auto& buffer : transfers) {
    std::shared_ptr<v8::BackingStore> store = buffer->GetBackingStore();
    buffer->Detach();
    moved.push_back(v8::ArrayBuffer::New(isolate, std::move(store)));
  }

  const std::pair<uint8_t*, size_t> bytes = serializer->Release();
  v8::Local<v8::Value> clone;
  bool ok = false;
  bool thrown = false;
  std::vector<v8::Global<v8::Object>> adoptions;
  {
    v8::TryCatch try_catch(isolate);
    Deserializer deserializer(isolate, dom_exception_prototype, bytes);
    v8::ValueDeserializer& reader = deserializer.deserializer();
    for (size_t i = 0; i < moved.size(); ++i) {
      reader.TransferArrayBuffer(static_cast<uint32_t>(i), moved[i]);
    }
    ok = reader.ReadHeader(context).FromMaybe(false) && reader.ReadValue(context).ToLocal(&clone);
    if (!ok && try_catch.HasCaught()) {
      try_catch.ReThrow();  // what the deserializer ran into (a termination, say)
      thrown = true;
    }
    adoptions = std::move(deserializer.adoptions());
  }
  serializer->FreeReleased(bytes.first);
  if (!ok) {
    if (!thrown) data_clone_error("The value could not be deserialized.");
    return;
  }
  for (const v8::Global<v8::Object>& adoption : adoptions) {
    v8::Local<v8::Object> object = adoption.Get(isolate);
    v8::Local<v8::Value> args[] = {object, object->GetInternalField(kNameField),
                                   object->GetInternalField(kMessageField)};
    if (adopt->Call(context, v8::Undefined(isolate), 3, args).IsEmpty()) return;
  }
  info.GetReturnValue().Set(clone);
}

void DOMExceptionBaseConstruct(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (!info.IsConstructCall() || info.Length() < 2 || !info[0]->IsString() ||
      !info[1]->IsString()) {
    isolate->ThrowException(v8::Exception::TypeError(V8String(isolate, "Illegal constructor")));
    return;
  }
  info.This()->SetInternalField(kNameField, info[0]);
  info.This()->SetInternalField(kMessageField, info[1]);
}

void DOMExceptionBase(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::FunctionTemplate> base =
      v8::FunctionTemplate::New(isolate, &DOMExceptionBaseConstruct);
  base->InstanceTemplate()->SetInternalFieldCount(kDOMExceptionFields);
  v8::Local<v8::Function> constructor;
  if (base->GetFunction(isolate->GetCurrentContext()).ToLocal(&constructor)) {
    info.GetReturnValue().Set(constructor);
  }
}

}  // namespace hearth
