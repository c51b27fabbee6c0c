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
#include <v8-script.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hearth {

// UTF-8 of `value` (or "<unprintable>").
std::string ToStdString(v8::Isolate* isolate, v8::Local<v8::Value> value);

// The most error text (an exception's message or stack) copied out of an isolate.
inline constexpr size_t kMaxExceptionTextBytes = 16 << 10;

// "hello.js:3:14: SyntaxError: Unexpected token '}'" for errors with a location, otherwise
// the stack (or the message) of the exception; at most kMaxExceptionTextBytes of either.
std::string DescribeException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              const v8::TryCatch& try_catch, absl::string_view resource);

// A code cache for EvaluateFunctionModule to compile from, and what became of it.
struct ModuleCodeCache {
  const std::string* consume = nullptr;  // In: V8 code cache bytes of the same source.
  bool rejected = false;                 // Out: V8 refused them (it compiled the source).
  v8::Local<v8::Module> module;          // Out: the compiled module, to make a cache from.
};

// Compiles, instantiates and evaluates `text` as an ES module named `resource`, settles its
// top-level await, and returns its default export once the runtime's `check_handler`
// accepts it. Empty (with OK) when execution was terminated: the caller knows why.
// kInvalidArgument when the source does not compile, its top level threw or the export is
// not a handler. With `code_cache`, compiles from its bytes when it has some and hands
// back the module.
absl::StatusOr<v8::Local<v8::Value>> EvaluateFunctionModule(v8::Local<v8::Context> context,
                                                            v8::Local<v8::Function> check_handler,
                                                            const std::string& resource,
                                                            std::string_view text,
                                                            ModuleCodeCache* code_cache = nullptr);

// V8's code cache of `module` (compiled by EvaluateFunctionModule): made after the module
// has served an invocation, it holds the functions that ran too. Empty if V8 made none.
std::string MakeModuleCodeCache(v8::Local<v8::Module> module);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_MODULE_LOADER_H_
