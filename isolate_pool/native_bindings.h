// The native half of the in-isolate runtime: the `native` object handed to
// sdk/runtime/runtime.js (UTF-8 coding and console capture). Private to isolate_pool/.
//
// Thread: used only on the thread that owns the isolate.
#ifndef HEARTH_ISOLATE_POOL_NATIVE_BINDINGS_H_
#define HEARTH_ISOLATE_POOL_NATIVE_BINDINGS_H_

#include <v8-context.h>
#include <v8-local-handle.h>
#include <v8-object.h>
#include <v8-typed-array.h>

#include <string>
#include <string_view>

#include "isolate_pool/isolate_slots.h"

namespace hearth {

// Receives console output of the JavaScript running in one isolate.
class ConsoleSink {
 public:
  virtual ~ConsoleSink() = default;
  // Bytes of console text the sink still keeps for the JavaScript running now: the binding
  // copies no more than this out of the isolate (0: only a note of what was cut).
  virtual size_t ConsoleRoom() const = 0;
  virtual void OnConsole(std::string_view level, std::string_view message) = 0;
};

// kConsoleSinkSlot: isolate_pool/isolate_slots.h.

// Builds the `native` object. It holds no per-isolate pointers, so it can live in a
// snapshot; its callbacks find their isolate's state through isolate data slots.
v8::Local<v8::Object> NewNativeBindings(v8::Local<v8::Context> context);

// Every native callback a snapshot may refer to, null-terminated. The snapshot builder and
// every isolate booted from a snapshot must pass this same table.
const intptr_t* NativeExternalReferences();

// A Uint8Array of `length` uninitialised bytes from the isolate's ArrayBuffer allocator, or
// empty with a RangeError thrown when the allocator refuses (the memory limit). V8's own
// NewBackingStore(isolate, n) would abort the process instead.
v8::MaybeLocal<v8::Uint8Array> NewUint8Array(v8::Isolate* isolate, size_t length, char** data);

// A V8 string of UTF-8 `text` (which must be shorter than v8::String::kMaxLength).
v8::Local<v8::String> V8String(v8::Isolate* isolate, std::string_view text);

// UTF-8 of `value`, at most `max_bytes` of it copied out of the isolate (never more: a
// function's 100 MB error message costs the agent `max_bytes`), followed by a note of what
// was cut. Non-strings are converted with ToString, which may run the function's code: call
// it only where the watchdog guards the isolate.
std::string ToStdStringCapped(v8::Isolate* isolate, v8::Local<v8::Value> value, size_t max_bytes);

// True if `data` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view data);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_NATIVE_BINDINGS_H_
