// Reads what a function's handler answered (handed by runtime.js to the `done` callback)
// into an InvokeResponse, with the agent's caps applied before anything is copied out of
// the isolate: a 1 GB header or error message costs the agent a length check, not a copy.
//
// Thread: the thread inside the isolate (it reads V8 values).
#ifndef HEARTH_ISOLATE_POOL_RESULT_READER_H_
#define HEARTH_ISOLATE_POOL_RESULT_READER_H_

#include <v8-function-callback.h>

#include "hearth/v1/agent.pb.h"
#include "isolate_pool/isolate_pool_options.h"

namespace hearth {

// `info` is runtime.js's done(kind, ...): kind 0 = a response (status, flat header
// name/value array, Uint8Array body), 1 = the handler threw (message), 2 = the handler
// returned something that is not a response (message). Sets the outcome, and the response
// or error, of `response`.
void ReadHandlerResult(const v8::FunctionCallbackInfo<v8::Value>& info,
                       const IsolatePoolOptions& caps, v1::InvokeResponse* response);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_RESULT_READER_H_
