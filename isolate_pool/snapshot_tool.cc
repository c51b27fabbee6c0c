// hearth-snapshot-tool: builds the base runtime snapshot at build time.
//
//   hearth-snapshot-tool OUTPUT.cc
//
// Evaluates sdk/runtime/runtime.js in a fresh context inside a v8::SnapshotCreator, hands
// it the native bindings, runs one warm-up invocation so the runtime's functions are
// compiled (kept in the blob: the first call in a new isolate skips lazy compilation), and
// writes the blob as a C++ source defining hearth::kRuntimeSnapshotBlob.
#include <v8-array-buffer.h>
#include <v8-container.h>
#include <v8-context.h>
#include <v8-exception.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-local-handle.h>
#include <v8-microtask-queue.h>
#include <v8-primitive.h>
#include <v8-script.h>
#include <v8-snapshot.h>
#include <v8-typed-array.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "isolate_pool/native_bindings.h"
#include "isolate_pool/runtime_snapshot.h"
#include "isolate_pool/v8_platform.h"
#include "isolate_pool/warm_up.h"
#include "sdk/runtime/runtime_js.h"

namespace hearth {
namespace {

int Fail(v8::Isolate* isolate, const v8::TryCatch& try_catch, const char* step) {
  v8::String::Utf8Value error(isolate, try_catch.Exception());
  std::fprintf(stderr, "hearth-snapshot-tool: %s: %s\n", step,
               *error != nullptr ? *error : "(no exception)");
  return 1;
}

// Runs the warm-up invocation (warm_up.h) through internals, as FunctionIsolate::WarmUp
// does in every reserve isolate, so that the runtime code on a cold start's path is
// compiled in the blob rather than lazily in each isolate.
bool WarmUp(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Object> internals) {
  v8::Local<v8::Value> invoke, check_handler;
  if (!internals->Get(context, V8String(isolate, "invoke")).ToLocal(&invoke) ||
      !invoke->IsFunction() ||
      !internals->Get(context, V8String(isolate, "checkHandler")).ToLocal(&check_handler) ||
      !check_handler->IsFunction()) {
    return false;
  }
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> handler, done, problem;
  const std::string handler_script = "(" + std::string(warm_up::kHandler) + ")";
  if (!v8::Script::Compile(context, V8String(isolate, handler_script)).ToLocal(&script) ||
      !script->Run(context).ToLocal(&handler) ||
      !check_handler.As<v8::Function>()
           ->Call(context, v8::Undefined(isolate), 1, &handler)
           .ToLocal(&problem) ||
      !problem->IsNull() ||
      !v8::Script::Compile(context, V8String(isolate, "(function done() {})")).ToLocal(&script) ||
      !script->Run(context).ToLocal(&done)) {
    return false;
  }
  const std::string_view body = warm_up::kBody;
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, body.size());
  std::memcpy(buffer->GetBackingStore()->Data(), body.data(), body.size());
  v8::Local<v8::Value> headers_items[] = {V8String(isolate, warm_up::kHeaderName),
                                          V8String(isolate, warm_up::kHeaderValue)};
  v8::Local<v8::Value> args[] = {
      handler,
      V8String(isolate, warm_up::kMethod),
      V8String(isolate, warm_up::kUrl),
      v8::Array::New(isolate, headers_items, 2),
      v8::Uint8Array::New(buffer, 0, body.size()),
      v8::Object::New(isolate),
      done,
  };
  if (invoke.As<v8::Function>()->Call(context, v8::Undefined(isolate), 7, args).IsEmpty()) {
    return false;
  }
  isolate->PerformMicrotaskCheckpoint();
  return true;
}

// A function snapshot made after its top level used one of V8 10.2's one-character strings
// as a property key (`o[String.fromCharCode(97)]`; String.fromCodePoint(97) alone too, and
// URL parsing does both) took the agent down when an isolate booted from it: SIGSEGV in
// String::ComputeAndSetHash under SharedHeapDeserializer::DeserializeStringTable, as if
// those strings' hashes were computed only on first use. Using each of them as a key here,
// in the runtime snapshot that every isolate and every function snapshot starts from,
// avoids it (FunctionSnapshotTest.OneCharacterStringsAsKeysAtTheTopLevel).
bool HashOneCharacterStrings(v8::Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Script> script;
  return v8::Script::Compile(
             context,
             V8String(isolate,
                      "{ const keys = {};\n"
                      "  for (let i = 0; i < 256; i++) keys[String.fromCharCode(i)] = i; }"))
             .ToLocal(&script) &&
         !script->Run(context).IsEmpty();
}

int Build(const char* output_path) {
  DisableIsolatePageReuse();  // one isolate: nothing to reuse
  EnsureV8Initialized();
  v8::StartupData blob;
  {
    v8::SnapshotCreator creator(NativeExternalReferences());
    v8::Isolate* isolate = creator.GetIsolate();
    {
      v8::HandleScope handle_scope(isolate);
      v8::Local<v8::Context> context = v8::Context::New(isolate);
      v8::Context::Scope context_scope(context);
      v8::TryCatch try_catch(isolate);
      v8::ScriptOrigin origin(isolate, V8String(isolate, "hearth:runtime.js"));
      v8::Local<v8::Script> script;
      v8::Local<v8::Value> factory, internals;
      v8::Local<v8::Value> native = NewNativeBindings(context);
      if (!v8::Script::Compile(context, V8String(isolate, kRuntimeJs), &origin).ToLocal(&script) ||
          !script->Run(context).ToLocal(&factory) || !factory->IsFunction()) {
        return Fail(isolate, try_catch, "evaluating runtime.js");
      }
      if (!factory.As<v8::Function>()
               ->Call(context, v8::Undefined(isolate), 1, &native)
               .ToLocal(&internals) ||
          !internals->IsObject()) {
        return Fail(isolate, try_catch, "calling runtime.js's factory");
      }
      if (!WarmUp(isolate, context, internals.As<v8::Object>())) {
        return Fail(isolate, try_catch, "warm-up invocation");
      }
      if (!HashOneCharacterStrings(context)) {
        return Fail(isolate, try_catch, "hashing one-character strings");
      }
      if (creator.AddData(context, internals.As<v8::Object>()) != kRuntimeInternalsIndex) {
        std::fprintf(stderr, "hearth-snapshot-tool: unexpected snapshot data index\n");
        return 1;
      }
      creator.SetDefaultContext(context);
    }
    blob = creator.CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
  }
  if (blob.data == nullptr || blob.raw_size <= 0) {
    std::fprintf(stderr, "hearth-snapshot-tool: CreateBlob failed\n");
    return 1;
  }

  const std::string temporary = std::string(output_path) + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "// Generated by hearth-snapshot-tool from sdk/runtime/runtime.js. Do not edit.\n"
           "#include <string_view>\n"
           "namespace hearth {\n"
           "namespace {\n"
           "alignas(16) constexpr unsigned char kBlob[] = {\n";
    for (int i = 0; i < blob.raw_size; ++i) {
      out << static_cast<unsigned>(static_cast<unsigned char>(blob.data[i]))
          << ((i % 32 == 31) ? ",\n" : ",");
    }
    out << "};\n}  // namespace\n"
           "extern const std::string_view kRuntimeSnapshotBlob;\n"
           "const std::string_view kRuntimeSnapshotBlob(reinterpret_cast<const char*>(kBlob), "
        << blob.raw_size << ");\n}  // namespace hearth\n";
    if (!out.flush()) {
      std::fprintf(stderr, "hearth-snapshot-tool: cannot write %s\n", temporary.c_str());
      return 1;
    }
  }
  delete[] blob.data;
  if (std::rename(temporary.c_str(), output_path) != 0) {
    std::fprintf(stderr, "hearth-snapshot-tool: cannot write %s\n", output_path);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace hearth

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: hearth-snapshot-tool OUTPUT.cc\n");
    return 2;
  }
  return hearth::Build(argv[1]);
}
