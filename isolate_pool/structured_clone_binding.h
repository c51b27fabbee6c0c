// native.structuredClone and native.domExceptionBase: HTML's structured clone, for
// sdk/runtime/modules/structured_clone.js, over V8's ValueSerializer. Private to
// isolate_pool/.
//
// The serializer's buffer is taken from the isolate's ArrayBuffer allocator, so it counts
// against the function's memory limit like any buffer: growth past the limit is refused
// (the invocation ends with OUTCOME_MEMORY_LIMIT) instead of growing the process.
//
// Compiled with -fno-rtti (it subclasses V8's delegates). Thread: the callbacks run on the
// thread inside the isolate.
#ifndef HEARTH_ISOLATE_POOL_STRUCTURED_CLONE_BINDING_H_
#define HEARTH_ISOLATE_POOL_STRUCTURED_CLONE_BINDING_H_

#include <v8-function-callback.h>

namespace hearth {

// structuredClone(value, transferList or null, DOMException, adopt) -> the clone.
// transferList holds objects (ArrayBuffers are the only transferable ones: they are
// detached, their memory moves to the clone); DOMException makes the DataCloneErrors, and
// adopt(object, name, message) completes each DOMException of the clone (made with
// DOMException.prototype and the base's internal fields, without running JavaScript, which
// V8 forbids while it deserializes).
void StructuredClone(const v8::FunctionCallbackInfo<v8::Value>& info);

// domExceptionBase() -> a constructor whose instances are host objects holding
// (name, message) in two internal fields: what DOMException instances are made as, through
// Reflect.construct, so that the serializer recognises them.
void DOMExceptionBase(const v8::FunctionCallbackInfo<v8::Value>& info);

// The base's construct callback (for the snapshots' external references).
void DOMExceptionBaseConstruct(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_STRUCTURED_CLONE_BINDING_H_
