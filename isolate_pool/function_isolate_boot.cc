// FunctionIsolate's boot paths: an isolate from the runtime snapshot (blank, for the
// reserve) or from a function's own snapshot (whole, or primed then completed), and the
// load of a function into a blank one (its top level, under the boot budgets). The
// invocation side is in function_isolate.cc.
#include <v8-container.h>
#include <v8-external.h>
#include <v8-locker.h>
#include <v8-primitive.h>
#include <v8-script.h>
#include <v8-statistics.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/status_macros.h"
#include "isolate_pool/function_isolate.h"
#include "isolate_pool/module_loader.h"
#include "isolate_pool/native_bindings.h"
#include "isolate_pool/runtime_snapshot.h"
#include "isolate_pool/snapshot_data.h"
#include "isolate_pool/warm_up.h"

namespace hearth {

absl::StatusOr<std::unique_ptr<FunctionIsolate>> FunctionIsolate::Create(
    std::shared_ptr<const FunctionSpec> spec, const WorkerContext& worker, int64_t deadline_us) {
  HEARTH_ASSIGN_OR_RETURN(std::unique_ptr<FunctionIsolate> self,
                          BootBlank(worker, spec->limits.memory_mb, /*warm_up=*/false));
  HEARTH_RETURN_IF_ERROR(self->Load(std::move(spec), deadline_us));
  return self;
}

absl::StatusOr<std::unique_ptr<FunctionIsolate>> FunctionIsolate::BootBlank(
    const WorkerContext& worker, uint32_t memory_mb, bool warm_up) {
  std::unique_ptr<FunctionIsolate> self(new FunctionIsolate(worker, memory_mb));
  self->CreateIsolate(RuntimeSnapshot());
  HEARTH_RETURN_IF_ERROR(self->CreateContext(warm_up));
  self->SetMemoryBytes(self->MeasureMemory());
  return self;
}

absl::StatusOr<std::unique_ptr<FunctionIsolate>> FunctionIsolate::BootFromFunctionSnapshot(
    std::shared_ptr<const FunctionSpec> spec, const WorkerContext& worker) {
  std::unique_ptr<FunctionIsolate> self = IsolateOfFunctionSnapshot(std::move(spec), worker);
  HEARTH_RETURN_IF_ERROR(self->CompleteBoot());
  return self;
}

absl::StatusOr<std::unique_ptr<FunctionIsolate>> FunctionIsolate::PrimeFromFunctionSnapshot(
    std::shared_ptr<const FunctionSpec> spec, const WorkerContext& worker) {
  std::unique_ptr<FunctionIsolate> self = IsolateOfFunctionSnapshot(std::move(spec), worker);
  self->SetMemoryBytes(self->MeasureMemory());  // Counted to the function from now on.
  self->last_used_us_ = MonotonicMicros();
  return self;
}

std::unique_ptr<FunctionIsolate> FunctionIsolate::IsolateOfFunctionSnapshot(
    std::shared_ptr<const FunctionSpec> spec, const WorkerContext& worker) {
  std::unique_ptr<FunctionIsolate> self(new FunctionIsolate(worker, spec->limits.memory_mb));
  const std::string& blob = spec->snapshot->blob;
  self->function_blob_ = {blob.data(), static_cast<int>(blob.size())};
  self->spec_ = std::move(spec);  // Keeps the blob alive as long as the isolate.
  self->CreateIsolate(&self->function_blob_);
  return self;
}

absl::Status FunctionIsolate::CompleteBoot() {
  StartIsolateClock(clock_);
  HEARTH_RETURN_IF_ERROR(CreateContext(/*warm_up=*/false));
  SetMemoryBytes(MeasureMemory());
  last_used_us_ = MonotonicMicros();
  return absl::OkStatus();
}

int64_t FunctionIsolate::MeasureMemory() {
  v8::Locker locker(isolate_);
  v8::HeapStatistics heap;
  isolate_->GetHeapStatistics(&heap);
  return memory_.ResidentBytes(heap);
}

void FunctionIsolate::CreateIsolate(v8::StartupData* blob) {
  v8::Isolate::CreateParams params;
  params.snapshot_blob = blob;
  params.external_references = NativeExternalReferences();
  params.array_buffer_allocator = memory_.allocator();
  memory_.ConfigureHeap(&params.constraints);
  isolate_ = v8::Isolate::New(params);
  // Every entry holds the isolate's Locker: an isolate may be booted (or primed) on the
  // reserve booter's thread and then handed to its worker, and the Locker is what makes V8
  // switch its per-thread state (stack limits and the like) over to the new thread.
  v8::Locker locker(isolate_);
  isolate_->SetData(kConsoleSinkSlot, static_cast<ConsoleSink*>(&console_));
  StartIsolateClock(clock_);
  isolate_->SetData(kIsolateClockSlot, &clock_);
  if (worker_.options != nullptr) {
    // Read by native.responseBodyLimit (body_binding.h); the options outlive the isolate.
    isolate_->SetData(kResponseBodyLimitSlot,
                      const_cast<size_t*>(&worker_.options->max_response_body_bytes));
  }
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  // A worker thread serves many functions, as a browser's main thread serves a page's
  // tasks: blocking it is not for one function to do (Atomics.wait throws a TypeError).
  isolate_->SetAllowAtomicsWait(false);
  memory_.Attach(isolate_, [this] { AnswerStuck(); });
}

absl::Status FunctionIsolate::CreateContext(bool warm_up) {
  v8::Locker locker(isolate_);
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = v8::Context::New(isolate_);
  context_.Reset(isolate_, context);
  v8::Context::Scope context_scope(context);
  HEARTH_RETURN_IF_ERROR(LoadRuntime(context));
  if (spec_ != nullptr) {
    v8::Local<v8::Value> handler;
    v8::Local<v8::Object> env;
    if (!context->GetDataFromSnapshotOnce<v8::Value>(kFunctionHandlerIndex).ToLocal(&handler) ||
        !context->GetDataFromSnapshotOnce<v8::Object>(kFunctionEnvIndex).ToLocal(&env)) {
      return absl::InternalError("the function's snapshot holds no handler");
    }
    handler_.Reset(isolate_, handler);
    env_.Reset(isolate_, env);
  }
  if (warm_up) WarmUp(context);
  return absl::OkStatus();
}

absl::Status FunctionIsolate::Load(std::shared_ptr<const FunctionSpec> spec, int64_t deadline_us) {
  if (spec_ != nullptr || spec->limits.memory_mb != memory_mb_) {
    return absl::InternalError("an isolate holds one function, booted for its memory limit");
  }
  spec_ = std::move(spec);
  last_used_us_ = MonotonicMicros();  // Idle time counts from the load.
  StartIsolateClock(clock_);
  absl::Status status;
  cpu_used_us_ = 0;
  const LimitHit hit =
      RunGuarded(limits_.ForTopLevel(MonotonicMicros(), deadline_us),
                 [&](v8::Local<v8::Context> context) { status = LoadModule(context); });
  top_level_cpu_us_ = cpu_used_us_;
  // From here on the function's stats carry this isolate's memory (until it is destroyed).
  spec_->stats->memory_bytes.fetch_add(memory_bytes_, std::memory_order_relaxed);
  const std::string why = limits_.DescribeTopLevelHit(hit, memory_mb_);
  switch (hit) {
    case LimitHit::kNone:
      return status;
    case LimitHit::kCpu:
      return absl::OutOfRangeError(why);
    case LimitHit::kTimeout:
      return absl::DeadlineExceededError(why);
    case LimitHit::kMemory:
      return absl::ResourceExhaustedError(why);
  }
  return status;
}

absl::Status FunctionIsolate::LoadRuntime(v8::Local<v8::Context> context) {
  // The context came from the runtime snapshot: runtime.js has run; fetch its internals.
  v8::Local<v8::Object> internals;
  if (!context->GetDataFromSnapshotOnce<v8::Object>(kRuntimeInternalsIndex).ToLocal(&internals)) {
    return absl::InternalError("the runtime snapshot holds no runtime internals");
  }
  v8::Local<v8::Value> invoke, check_handler, run_timer, clear_timers;
  if (!internals->Get(context, V8String(isolate_, "invoke")).ToLocal(&invoke) ||
      !internals->Get(context, V8String(isolate_, "checkHandler")).ToLocal(&check_handler) ||
      !internals->Get(context, V8String(isolate_, "runTimer")).ToLocal(&run_timer) ||
      !internals->Get(context, V8String(isolate_, "clearTimers")).ToLocal(&clear_timers) ||
      !invoke->IsFunction() || !check_handler->IsFunction() || !run_timer->IsFunction() ||
      !clear_timers->IsFunction()) {
    return absl::InternalError("the runtime lacks one of its internals");
  }
  invoke_fn_.Reset(isolate_, invoke.As<v8::Function>());
  check_handler_fn_.Reset(isolate_, check_handler.As<v8::Function>());
  run_timer_fn_.Reset(isolate_, run_timer.As<v8::Function>());
  clear_timers_fn_.Reset(isolate_, clear_timers.As<v8::Function>());
  done_fn_.Reset(isolate_, v8::Function::New(context, &FunctionIsolate::OnDone,
                                             v8::External::New(isolate_, this), 2,
                                             v8::ConstructorBehavior::kThrow)
                               .ToLocalChecked());

  // From here on only a function's code runs: no strings compiled as code.
  context->AllowCodeGenerationFromStrings(false);
  return absl::OkStatus();
}

absl::Status FunctionIsolate::LoadModule(v8::Local<v8::Context> context) {
  v8::Local<v8::Object> env = v8::Object::New(isolate_);
  for (const auto& [key, value] : spec_->env) {
    env->Set(context, V8String(isolate_, key), V8String(isolate_, value)).Check();
  }
  env_.Reset(isolate_, env);
  // Every module gets one, however small: with it, a hello.js cold start loads and runs
  // ~0.14 ms sooner (the module's compile, and its handler's lazy compile at the first
  // call). Making it grows the heap of the one isolate that makes it, per version, by
  // ~74 KiB (V8 collects the source positions it lazily skipped): 1,185 against 1,111 KiB
  // per warm hello.js isolate where every isolate is its version's maker
  // (tools/bench/isolate_rss.sh; docs/BENCHMARKS.md).
  const bool use_cache = worker_.options->code_cache;
  const std::shared_ptr<const std::string> cache = use_cache ? spec_->code_cache->Get() : nullptr;
  ModuleCodeCache code_cache;
  code_cache.consume = cache.get();
  HEARTH_ASSIGN_OR_RETURN(
      v8::Local<v8::Value> handler,
      EvaluateFunctionModule(context, check_handler_fn_.Get(isolate_),
                             absl::StrCat(spec_->name, ".js"), spec_->source, &code_cache));
  if (cache != nullptr) spec_->code_cache->NoteUsed(cache, code_cache.rejected);
  // Without a cache that worked: kept until this isolate has served an invocation, to make
  // the cache from then.
  if (use_cache && (cache == nullptr || code_cache.rejected)) {
    module_.Reset(isolate_, code_cache.module);
  }
  if (!handler.IsEmpty()) handler_.Reset(isolate_, handler);
  return absl::OkStatus();
}

void FunctionIsolate::WarmUp(v8::Local<v8::Context> context) {
  // Exercises, once, everything a cold start's load and first invocation go through, so
  // that V8's first-use costs in this isolate (parser and compiler set-up, module
  // namespaces, the runtime's feedback vectors and inline caches) are paid here, off the
  // invoke path. Leaves nothing user code can see: a module of its own, objects that die.
  const std::string module = "export default " + std::string(warm_up::kHandler) + ";";
  absl::StatusOr<v8::Local<v8::Value>> handler =
      EvaluateFunctionModule(context, check_handler_fn_.Get(isolate_), "hearth:warm-up.js", module);
  if (!handler.ok() || handler->IsEmpty()) return;
  v1::HttpRequest request;
  request.set_method(std::string(warm_up::kMethod));
  request.set_url(std::string(warm_up::kUrl));
  v1::Header* header = request.add_headers();
  header->set_name(std::string(warm_up::kHeaderName));
  header->set_value(std::string(warm_up::kHeaderValue));
  request.set_body(std::string(warm_up::kBody));
  CallInvoke(context, *handler, request, v8::Object::New(isolate_));
  isolate_->PerformMicrotaskCheckpoint();  // Its result reaches OnDone and is dropped.
}

}  // namespace hearth
