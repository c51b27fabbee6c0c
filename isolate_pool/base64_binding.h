// native.base64Encode and native.base64Decode: the loops of atob and btoa
// (sdk/runtime/modules/base64.js), in C++ for speed. Private to isolate_pool/.
//
// Their scratch memory comes from the isolate's ArrayBuffer allocator, so that it counts
// against the function's memory limit like any buffer.
//
// Thread: the callbacks run on the thread inside the isolate.
#ifndef HEARTH_ISOLATE_POOL_BASE64_BINDING_H_
#define HEARTH_ISOLATE_POOL_BASE64_BINDING_H_

#include <v8-function-callback.h>

namespace hearth {

// base64Encode(string) -> base64 of its code units as bytes, or null when one is past
// U+00FF (btoa's InvalidCharacterError, which the caller throws).
void Base64Encode(const v8::FunctionCallbackInfo<v8::Value>& info);

// base64Decode(string) -> the bytes that forgiving-base64 decodes it to, as a string of
// code units U+0000 to U+00FF, or null when it is not forgiving-base64 (atob's
// InvalidCharacterError).
void Base64Decode(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_BASE64_BINDING_H_
