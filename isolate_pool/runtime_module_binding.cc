#include "isolate_pool/runtime_module_binding.h"

#include <v8-container.h>
#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-primitive.h>
#include <v8-script.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "isolate_pool/native_bindings.h"
#include "sdk/runtime/runtime_modules.h"

namespace hearth {
namespace {

// The module's bytes, owned by the binary: V8 must not free them when the string dies.
class StaticSource final : public v8::String::ExternalOneByteStringResource {
 public:
  explicit StaticSource(std::string_view source) : source_(source) {}
  const char* data() const override { return source_.data(); }
  size_t length() const override { return source_.size(); }
  void Dispose() override {}

 private:
  std::string_view source_;
};

// One resource per module for the life of the process, shared by every isolate (V8 only
// reads it).
const StaticSource& SourceOf(size_t index) {
  static const std::vector<std::unique_ptr<StaticSource>>* const sources = [] {
    auto* list = new std::vector<std::unique_ptr<StaticSource>>();
    for (const RuntimeModuleSource& module : RuntimeModules()) {
      list->push_back(std::make_unique<StaticSource>(module.source));
    }
    return list;
  }();
  return *(*sources)[index];
}

// A V8 code cache per module, for the whole process: made by the first isolate that loads
// the module (right after its top level ran), used by every later load, so that a module's
// source is parsed once per process rather than once per isolate (the streams module:
// ~2.5 ms of a cold start that touches it). V8 checks that a cache matches the source and
// its flags, and compiles from source when it does not.
class ModuleCodeCaches {
 public:
  std::shared_ptr<const std::string> Get(size_t index) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return index < caches_.size() ? caches_[index] : nullptr;
  }
  void Put(size_t index, std::string data) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (caches_.size() <= index) caches_.resize(index + 1);
    if (caches_[index] == nullptr)
      caches_[index] = std::make_shared<const std::string>(std::move(data));
  }

 private:
  absl::Mutex mu_;
  std::vector<std::shared_ptr<const std::string>> caches_ ABSL_GUARDED_BY(mu_);
};

ModuleCodeCaches& CodeCaches() {
  static ModuleCodeCaches* const caches = new ModuleCodeCaches();
  return *caches;
}

}  // namespace

void LoadRuntimeModule(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  const std::string name =
      info.Length() > 0 && info[0]->IsString() ? *v8::String::Utf8Value(isolate, info[0]) : "";
  const auto modules = RuntimeModules();
  for (size_t i = 0; i < modules.size(); ++i) {
    if (modules[i].name != name) continue;
    v8::Local<v8::String> source;
    // The resource is const only to us; V8's API takes it mutable but never writes it.
    if (!v8::String::NewExternalOneByte(isolate, const_cast<StaticSource*>(&SourceOf(i)))
             .ToLocal(&source)) {
      return;  // an exception is pending
    }
    v8::ScriptOrigin origin(isolate, V8String(isolate, "hearth:modules/" + name + ".js"));
    // Held until the compile is done: the CachedData only borrows its bytes.
    const std::shared_ptr<const std::string> cache = CodeCaches().Get(i);
    v8::ScriptCompiler::Source compile_source(
        source, origin,
        cache == nullptr
            ? nullptr
            : new v8::ScriptCompiler::CachedData(reinterpret_cast<const uint8_t*>(cache->data()),
                                                 static_cast<int>(cache->size()),
                                                 v8::ScriptCompiler::CachedData::BufferNotOwned));
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> factory;
    if (!v8::ScriptCompiler::Compile(context, &compile_source,
                                     cache != nullptr ? v8::ScriptCompiler::kConsumeCodeCache
                                                      : v8::ScriptCompiler::kNoCompileOptions)
             .ToLocal(&script) ||
        !script->Run(context).ToLocal(&factory)) {
      return;  // an exception is pending
    }
    if (cache == nullptr) {
      std::unique_ptr<v8::ScriptCompiler::CachedData> made(
          v8::ScriptCompiler::CreateCodeCache(script->GetUnboundScript()));
      if (made != nullptr) {
        CodeCaches().Put(i, std::string(reinterpret_cast<const char*>(made->data),
                                        static_cast<size_t>(made->length)));
      }
    }
    info.GetReturnValue().Set(factory);
    return;
  }
  isolate->ThrowException(
      v8::Exception::TypeError(V8String(isolate, "no runtime module named '" + name + "'")));
}

void RuntimeModuleGlobals(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  const auto modules = RuntimeModules();
  v8::Local<v8::Array> result = v8::Array::New(isolate, static_cast<int>(modules.size()));
  for (size_t i = 0; i < modules.size(); ++i) {
    std::vector<v8::Local<v8::Value>> globals;
    std::string_view rest = modules[i].globals;
    while (!rest.empty()) {
      const size_t space = rest.find(' ');
      const std::string_view global = rest.substr(0, space);
      if (!global.empty()) globals.push_back(V8String(isolate, global));
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    v8::Local<v8::Value> pair[] = {V8String(isolate, modules[i].name),
                                   v8::Array::New(isolate, globals.data(), globals.size())};
    result->Set(context, static_cast<uint32_t>(i), v8::Array::New(isolate, pair, 2)).Check();
  }
  info.GetReturnValue().Set(result);
}

}  // namespace hearth
