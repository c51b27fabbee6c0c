// The natives behind the runtime's streams and bodies (sdk/runtime/modules/streams.js,
// body.js): moving an ArrayBuffer's bytes to a new buffer, which BYOB reads need and
// JavaScript cannot do in V8 10.2, and the response-size cap, which the runtime enforces
// while it reads a stream body. Private to isolate_pool/.
//
// Thread: called only from JavaScript, on the thread that owns the isolate.
#ifndef HEARTH_ISOLATE_POOL_BODY_BINDING_H_
#define HEARTH_ISOLATE_POOL_BODY_BINDING_H_

#include <v8-function-callback.h>

namespace hearth {

// transferArrayBuffer(buffer) -> a new ArrayBuffer over `buffer`'s bytes, `buffer` left
// detached (ECMAScript's DetachArrayBuffer): the Streams Standard's TransferArrayBuffer.
// No copy and no allocation of bytes. TypeError for anything but an ArrayBuffer that can
// be detached and is not.
void TransferArrayBuffer(const v8::FunctionCallbackInfo<v8::Value>& info);

// isDetachedBuffer(buffer) -> whether `buffer` is an ArrayBuffer that was detached.
void IsDetachedBuffer(const v8::FunctionCallbackInfo<v8::Value>& info);

// responseBodyLimit() -> the response-size cap in bytes, a number (Infinity without one).
void ResponseBodyLimit(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_BODY_BINDING_H_
