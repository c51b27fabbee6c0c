// Evaluating a function's source as an ES module and checking its default export: shared by
// isolates that load a function and by the snapshot builder, so both accept and refuse the
// same sources with the same messages. Private to isolate_pool/.
//
// Thread: the isolate's owner, inside its isolate, handle and context scopes.
#ifndef HEARTH_ISOLATE_POOL_MODULE_LOADER_H_
#define HEARTH_ISOLATE_POOL_MODULE_LOADER_H_

#include <v8-context.h>
#include <v8-exception.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-local-handle.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hearth {

// UTF-8 of `value` (or "<unprintable>").
std::string ToStdString(v8::Isolate* isolate, v8::Local<v8::Value> value);

// "hello.js:3:14: SyntaxError: Unexpected token '}'" for errors with a location, otherwise
// the stack (or the message) of the exception.
std::string DescribeException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              const v8::TryCatch& try_catch, absl::string_view resource);

// Compiles, instantiates and evaluates `text` as an ES module named `resource`, settles its
// top-level await, and returns its default export once the runtime's `check_handler`
// accepts it. Empty (with OK) when execution was terminated: the caller knows why.
// kInvalidArgument when the source does not compile, its top level threw or the export is
// not a handler.
absl::StatusOr<v8::Local<v8::Value>> EvaluateFunctionModule(v8::Local<v8::Context> context,
                                                            v8::Local<v8::Function> check_handler,
                                                            const std::string& resource,
                                                            std::string_view text);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_MODULE_LOADER_H_
