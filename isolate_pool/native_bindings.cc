#include "isolate_pool/native_bindings.h"

#include <v8-array-buffer.h>
#include <v8-exception.h>
#include <v8-external.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-primitive.h>
#include <v8-template.h>
#include <v8-typed-array.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>

#include "isolate_pool/base64_binding.h"
#include "isolate_pool/body_binding.h"
#include "isolate_pool/crypto_binding.h"
#include "isolate_pool/idna_binding.h"
#include "isolate_pool/performance_binding.h"
#include "isolate_pool/runtime_module_binding.h"
#include "isolate_pool/structured_clone_binding.h"
#include "isolate_pool/timer_binding.h"

// V8 10.2 leaves the accessors of module namespace objects out of its own table of external
// references, so serializing any heap holding a namespace (and every evaluated module gets
// one: it is how the default export is read) aborts CreateBlob with "Unknown external
// reference". libnode exports both; they are listed here under their mangled names (their
// class is V8-internal) so that function snapshots can hold evaluated modules.
extern "C" void V8ModuleNamespaceEntryGetter() __asm__(
    "_ZN2v88internal9Accessors26ModuleNamespaceEntryGetterENS_5LocalINS_4NameEEERKNS_"
    "20PropertyCallbackInfoINS_5ValueEEE");
extern "C" void V8ModuleNamespaceEntrySetter() __asm__(
    "_ZN2v88internal9Accessors26ModuleNamespaceEntrySetterENS_5LocalINS_4NameEEENS2_INS_"
    "5ValueEEERKNS_20PropertyCallbackInfoINS_7BooleanEEE");

namespace hearth {
namespace {

// Each binding that keeps per-isolate state finds it in an isolate data slot of its own.
static_assert(kConsoleSinkSlot != kTimerQueueSlot && kConsoleSinkSlot != kIsolateClockSlot &&
                  kTimerQueueSlot != kIsolateClockSlot,
              "two bindings share an isolate data slot");
static_assert(kIsolateClockSlot < v8::internal::Internals::kNumIsolateDataSlots &&
                  kTimerQueueSlot < v8::internal::Internals::kNumIsolateDataSlots,
              "V8 has fewer isolate data slots");

void ThrowTypeError(v8::Isolate* isolate, const char* message) {
  isolate->ThrowException(
      v8::Exception::TypeError(v8::String::NewFromUtf8(isolate, message).ToLocalChecked()));
}

// utf8Encode(string) -> Uint8Array. Lone surrogates become U+FFFD (WHATWG encode).
void Utf8Encode(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsString())
    return ThrowTypeError(isolate, "expected a string");
  v8::Local<v8::String> text = info[0].As<v8::String>();
  const int length = text->Utf8Length(isolate);
  char* data = nullptr;
  v8::Local<v8::Uint8Array> bytes;
  if (!NewUint8Array(isolate, length, &data).ToLocal(&bytes)) return;
  text->WriteUtf8(isolate, data, length, nullptr,
                  v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  info.GetReturnValue().Set(bytes);
}

// utf8Decode(Uint8Array, fatal) -> string. Malformed input becomes U+FFFD, or a TypeError
// when `fatal`. The BOM is the caller's business.
void Utf8Decode(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsUint8Array()) {
    return ThrowTypeError(isolate, "expected a Uint8Array");
  }
  v8::Local<v8::Uint8Array> view = info[0].As<v8::Uint8Array>();
  const size_t length = view->ByteLength();
  const char* data =
      length == 0 ? "" : static_cast<const char*>(view->Buffer()->Data()) + view->ByteOffset();
  const bool fatal = info.Length() > 1 && info[1]->BooleanValue(isolate);
  if (fatal && !IsValidUtf8(std::string_view(data, length))) {
    return ThrowTypeError(isolate, "The encoded data was not valid for encoding utf-8");
  }
  if (length > static_cast<size_t>(v8::String::kMaxLength)) {
    isolate->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8Literal(isolate, "string too long to decode")));
    return;
  }
  v8::Local<v8::String> result;
  if (v8::String::NewFromUtf8(isolate, data, v8::NewStringType::kNormal, static_cast<int>(length))
          .ToLocal(&result)) {
    info.GetReturnValue().Set(result);
  }
}

// The kinds brand() tells apart: the same numbers as runtime.js's kBrand* constants.
enum Brand : int {
  kBrandNone = 0,
  kBrandPromise = 1,
  kBrandArrayBuffer = 2,
  kBrandSharedArrayBuffer = 3,
  kBrandDate = 4,
  kBrandRegExp = 5,
  kBrandNumber = 6,
  kBrandString = 7,
  kBrandBoolean = 8,
  kBrandMap = 9,
  kBrandSet = 10,
};

Brand BrandOf(v8::Local<v8::Value> value) {
  // An if-chain: a table of member-function pointers indexed in a loop made GCC's UBSan
  // report an out-of-bounds index (an address as the index) under the asan preset.
  if (!value->IsObject()) return kBrandNone;
  if (value->IsPromise()) return kBrandPromise;
  if (value->IsArrayBuffer()) return kBrandArrayBuffer;
  if (value->IsSharedArrayBuffer()) return kBrandSharedArrayBuffer;
  if (value->IsDate()) return kBrandDate;
  if (value->IsRegExp()) return kBrandRegExp;
  if (value->IsNumberObject()) return kBrandNumber;
  if (value->IsStringObject()) return kBrandString;
  if (value->IsBooleanObject()) return kBrandBoolean;
  if (value->IsMap()) return kBrandMap;
  if (value->IsSet()) return kBrandSet;
  return kBrandNone;
}

// brand(value) -> the kind of built-in object `value` really is, or 0. Unlike a brand check
// through an intrinsic that throws on foreign receivers, it costs no exception: the runtime
// asks it on every invocation.
void NativeBrand(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(
      static_cast<int32_t>(info.Length() > 0 ? BrandOf(info[0]) : kBrandNone));
}

// log(level, message): console output, handed to the isolate's ConsoleSink.
void Log(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 2 || !info[0]->IsString() || !info[1]->IsString()) return;
  auto* sink = static_cast<ConsoleSink*>(isolate->GetData(kConsoleSinkSlot));
  if (sink == nullptr) return;
  v8::String::Utf8Value level(isolate, info[0]);
  const std::string message = ToStdStringCapped(isolate, info[1], sink->ConsoleRoom());
  sink->OnConsole(std::string_view(*level, level.length()), message);
}

struct NativeMethod {
  const char* name;
  v8::FunctionCallback callback;
};

// Every method of `native`: the object and the snapshot's external references are both made
// from this one table, so a binding cannot be in one and missing from the other.
constexpr NativeMethod kNativeMethods[] = {
    {"utf8Encode", &Utf8Encode},
    {"utf8Decode", &Utf8Decode},
    {"log", &Log},
    {"brand", &NativeBrand},
    {"loadModule", &LoadRuntimeModule},
    {"moduleGlobals", &RuntimeModuleGlobals},
    {"timerSchedule", &TimerSchedule},
    {"timerCancel", &TimerCancel},
    {"domainToASCII", &DomainToASCIIBinding},
    {"performanceNow", &PerformanceNow},
    {"performanceTimeOrigin", &PerformanceTimeOrigin},
    {"randomFill", &CryptoRandomFill},
    {"randomUUID", &CryptoRandomUUID},
    {"digest", &CryptoDigest},
    {"hmac", &CryptoHmac},
    {"hmacVerify", &CryptoHmacVerify},
    {"structuredClone", &StructuredClone},
    {"domExceptionBase", &DOMExceptionBase},
    {"base64Encode", &Base64Encode},
    {"base64Decode", &Base64Decode},
    {"transferArrayBuffer", &TransferArrayBuffer},
    {"isDetachedBuffer", &IsDetachedBuffer},
    {"responseBodyLimit", &ResponseBodyLimit},
};

// Callbacks the methods above put into the heap themselves (function templates), which a
// snapshot refers to as well.
constexpr v8::FunctionCallback kInnerCallbacks[] = {
    &DOMExceptionBaseConstruct,
};

}  // namespace

v8::Local<v8::Object> NewNativeBindings(v8::Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Object> native = v8::Object::New(isolate);
  for (const NativeMethod& method : kNativeMethods) {
    v8::Local<v8::Function> fn =
        v8::Function::New(context, method.callback, {}, 0, v8::ConstructorBehavior::kThrow)
            .ToLocalChecked();
    v8::Local<v8::String> key = V8String(isolate, method.name);
    fn->SetName(key);
    native->Set(context, key, fn).Check();
  }
  return native;
}

const intptr_t* NativeExternalReferences() {
  static const intptr_t* const kReferences = [] {
    auto* references = new intptr_t[std::size(kNativeMethods) + std::size(kInnerCallbacks) + 3];
    size_t count = 0;
    for (const NativeMethod& method : kNativeMethods) {
      references[count++] = reinterpret_cast<intptr_t>(method.callback);
    }
    for (v8::FunctionCallback callback : kInnerCallbacks) {
      references[count++] = reinterpret_cast<intptr_t>(callback);
    }
    references[count++] = reinterpret_cast<intptr_t>(&V8ModuleNamespaceEntryGetter);
    references[count++] = reinterpret_cast<intptr_t>(&V8ModuleNamespaceEntrySetter);
    references[count] = 0;
    return references;
  }();
  return kReferences;
}

v8::MaybeLocal<v8::Uint8Array> NewUint8Array(v8::Isolate* isolate, size_t length, char** data) {
  v8::ArrayBuffer::Allocator* allocator = isolate->GetArrayBufferAllocator();
  void* memory = allocator->AllocateUninitialized(length);
  if (memory == nullptr) {
    isolate->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8Literal(isolate, "Array buffer allocation failed")));
    return {};
  }
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
      memory, length,
      [](void* bytes, size_t size, void* allocator) {
        static_cast<v8::ArrayBuffer::Allocator*>(allocator)->Free(bytes, size);
      },
      allocator);
  *data = static_cast<char*>(memory);
  return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, std::move(store)), 0, length);
}

v8::Local<v8::String> V8String(v8::Isolate* isolate, std::string_view text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()))
      .ToLocalChecked();
}

bool IsValidUtf8(std::string_view data) {
  const auto* s = reinterpret_cast<const uint8_t*>(data.data());
  const size_t n = data.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra;
    uint32_t min, cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= n) return false;  // Truncated sequence.
    for (size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::string ToStdStringCapped(v8::Isolate* isolate, v8::Local<v8::Value> value, size_t max_bytes) {
  v8::Local<v8::String> string;
  if (value.IsEmpty() || !value->ToString(isolate->GetCurrentContext()).ToLocal(&string)) {
    return "<unprintable>";
  }
  // Length() counts UTF-16 units; each is at most 3 UTF-8 bytes.
  const size_t units = static_cast<size_t>(string->Length());
  if (units * 3 <= max_bytes) {
    v8::String::Utf8Value utf8(isolate, string);
    return std::string(*utf8, utf8.length());
  }
  std::string out(max_bytes, '\0');
  int units_read = 0;
  const int written =
      string->WriteUtf8(isolate, out.data(), static_cast<int>(max_bytes), &units_read,
                        v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  out.resize(static_cast<size_t>(std::max(written, 0)));
  if (static_cast<size_t>(units_read) < units) {
    out += "... [" + std::to_string(units - static_cast<size_t>(units_read)) +
           " more characters cut by the agent]";
  }
  return out;
}

}  // namespace hearth
