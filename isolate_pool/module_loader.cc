#include "isolate_pool/module_loader.h"

#include <v8-container.h>
#include <v8-message.h>
#include <v8-microtask-queue.h>
#include <v8-primitive.h>
#include <v8-promise.h>
#include <v8-script.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "isolate_pool/native_bindings.h"

namespace hearth {
namespace {

v8::MaybeLocal<v8::Module> RefuseImports(v8::Local<v8::Context> context,
                                         v8::Local<v8::String> specifier,
                                         v8::Local<v8::FixedArray> /*import_assertions*/,
                                         v8::Local<v8::Module> /*referrer*/) {
  v8::Isolate* isolate = context->GetIsolate();
  isolate->ThrowException(v8::Exception::Error(
      V8String(isolate, absl::StrCat("cannot import '", ToStdString(isolate, specifier),
                                     "': a function is one self-contained ES module"))));
  return {};
}

}  // namespace

std::string ToStdString(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 == nullptr ? std::string("<unprintable>") : std::string(*utf8, utf8.length());
}

std::string DescribeException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              const v8::TryCatch& try_catch, absl::string_view resource) {
  v8::Local<v8::Message> message = try_catch.Message();
  std::string text = ToStdStringCapped(isolate, try_catch.Exception(), kMaxExceptionTextBytes);
  v8::Local<v8::Value> stack;
  if (try_catch.StackTrace(context).ToLocal(&stack) && stack->IsString()) {
    std::string stack_text = ToStdStringCapped(isolate, stack, kMaxExceptionTextBytes);
    if (stack_text.find(text) != std::string::npos) text = std::move(stack_text);
  }
  if (message.IsEmpty()) return text;
  const int line = message->GetLineNumber(context).FromMaybe(0);
  const int column = message->GetStartColumn(context).FromMaybe(0) + 1;
  return absl::StrCat(resource, ":", line, ":", column, ": ", text);
}

absl::StatusOr<v8::Local<v8::Value>> EvaluateFunctionModule(v8::Local<v8::Context> context,
                                                            v8::Local<v8::Function> check_handler,
                                                            const std::string& resource,
                                                            std::string_view text,
                                                            ModuleCodeCache* code_cache) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::TryCatch try_catch(isolate);
  v8::ScriptOrigin origin(isolate, V8String(isolate, resource), 0, 0, false, -1,
                          v8::Local<v8::Value>(), false, false, /*is_module=*/true);
  const bool consume = code_cache != nullptr && code_cache->consume != nullptr;
  // The source owns the CachedData object, not the bytes (they outlive the compile).
  v8::ScriptCompiler::Source source(
      V8String(isolate, text), origin,
      consume ? new v8::ScriptCompiler::CachedData(
                    reinterpret_cast<const uint8_t*>(code_cache->consume->data()),
                    static_cast<int>(code_cache->consume->size()),
                    v8::ScriptCompiler::CachedData::BufferNotOwned)
              : nullptr);
  v8::Local<v8::Module> module;
  if (!v8::ScriptCompiler::CompileModule(
           isolate, &source,
           consume ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
           .ToLocal(&module)) {
    return absl::InvalidArgumentError(DescribeException(isolate, context, try_catch, resource));
  }
  if (code_cache != nullptr) {
    code_cache->rejected = consume && source.GetCachedData()->rejected;
    code_cache->module = module;
  }
  if (!module->InstantiateModule(context, &RefuseImports).FromMaybe(false)) {
    return absl::InvalidArgumentError(DescribeException(isolate, context, try_catch, resource));
  }
  // Below, an empty result with OK status means "terminated": the caller reports why.
  v8::Local<v8::Value> evaluation;
  if (!module->Evaluate(context).ToLocal(&evaluation)) {
    if (isolate->IsExecutionTerminating()) return v8::Local<v8::Value>();
    return absl::InvalidArgumentError(absl::StrCat(
        "top-level code threw: ", DescribeException(isolate, context, try_catch, resource)));
  }
  // Top-level await: settle what the module awaited before deciding.
  isolate->PerformMicrotaskCheckpoint();
  if (isolate->IsExecutionTerminating()) return v8::Local<v8::Value>();
  if (module->GetStatus() == v8::Module::kErrored) {
    return absl::InvalidArgumentError(
        absl::StrCat("top-level code threw: ",
                     ToStdStringCapped(isolate, module->GetException(), kMaxExceptionTextBytes)));
  }
  if (evaluation->IsPromise() && evaluation.As<v8::Promise>()->State() == v8::Promise::kPending) {
    return absl::InvalidArgumentError("top-level await did not settle while loading");
  }

  v8::Local<v8::Value> handler;
  if (!module->GetModuleNamespace()
           .As<v8::Object>()
           ->Get(context, V8String(isolate, "default"))
           .ToLocal(&handler)) {
    if (isolate->IsExecutionTerminating()) return v8::Local<v8::Value>();
    return absl::InvalidArgumentError(DescribeException(isolate, context, try_catch, resource));
  }
  v8::Local<v8::Value> problem;
  if (!check_handler->Call(context, v8::Undefined(isolate), 1, &handler).ToLocal(&problem)) {
    if (isolate->IsExecutionTerminating()) return v8::Local<v8::Value>();
    return absl::InternalError("the runtime's checkHandler() threw");
  }
  if (!problem->IsNullOrUndefined()) {
    return absl::InvalidArgumentError(
        absl::StrCat(resource, ": ", ToStdStringCapped(isolate, problem, kMaxExceptionTextBytes)));
  }
  return handler;
}

std::string MakeModuleCodeCache(v8::Local<v8::Module> module) {
  std::unique_ptr<v8::ScriptCompiler::CachedData> data(
      v8::ScriptCompiler::CreateCodeCache(module->GetUnboundModuleScript()));
  if (data == nullptr || data->length <= 0) return std::string();
  return std::string(reinterpret_cast<const char*>(data->data), static_cast<size_t>(data->length));
}

}  // namespace hearth
