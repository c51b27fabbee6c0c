#include "isolate_pool/function_isolate.h"

#include <v8-array-buffer.h>
#include <v8-container.h>
#include <v8-exception.h>
#include <v8-external.h>
#include <v8-locker.h>
#include <v8-message.h>
#include <v8-microtask-queue.h>
#include <v8-primitive.h>
#include <v8-promise.h>
#include <v8-script.h>
#include <v8-statistics.h>
#include <v8-typed-array.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/crash_attribution.h"
#include "common/status_macros.h"
#include "common/thread_pool_work.h"
#include "isolate_pool/body_binding.h"
#include "isolate_pool/module_loader.h"
#include "isolate_pool/native_bindings.h"
#include "isolate_pool/result_reader.h"
#include "isolate_pool/runtime_snapshot.h"
#include "isolate_pool/snapshot_data.h"
#include "isolate_pool/v8_platform.h"
#include "isolate_pool/warm_up.h"

namespace hearth {
namespace {

constexpr int64_t kMicrosPerMs = 1000;
// Tasks run after one invocation; more wait for the next (GC finalisation comes in a few).
constexpr int kMaxPlatformTasks = 64;

// Request.url is absolute in the function, as on the web: a bare path is resolved against
// the Host header, or http://localhost.
std::string AbsoluteUrl(const v1::HttpRequest& request) {
  const std::string& url = request.url();
  if (!url.empty() && url.front() != '/') return url;
  absl::string_view host = "localhost";
  for (const v1::Header& header : request.headers()) {
    if (absl::EqualsIgnoreCase(header.name(), "host") && !header.value().empty()) {
      host = header.value();
      break;
    }
  }
  return absl::StrCat("http://", host, url.empty() ? "/" : url);
}

}  // namespace

void FunctionIsolate::SetMemoryBytes(int64_t bytes) {
  if (spec_ != nullptr) {
    spec_->stats->memory_bytes.fetch_add(bytes - memory_bytes_, std::memory_order_relaxed);
  }
  memory_bytes_ = bytes;
}

FunctionIsolate::FunctionIsolate(const WorkerContext& worker, uint32_t memory_mb)
    : worker_(worker),
      memory_mb_(memory_mb),
      limits_(worker.options),
      memory_(memory_mb),
      console_(worker.options) {}

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
  v8::Local<v8::Value> invoke, check_handler;
  if (!internals->Get(context, V8String(isolate_, "invoke")).ToLocal(&invoke) ||
      !internals->Get(context, V8String(isolate_, "checkHandler")).ToLocal(&check_handler) ||
      !invoke->IsFunction() || !check_handler->IsFunction()) {
    return absl::InternalError("the runtime lacks invoke() or checkHandler()");
  }
  invoke_fn_.Reset(isolate_, invoke.As<v8::Function>());
  check_handler_fn_.Reset(isolate_, check_handler.As<v8::Function>());
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

void FunctionIsolate::DetachFromLoop() {
  if (deadline_timer_ == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(deadline_timer_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
  deadline_timer_ = nullptr;
}

FunctionIsolate::~FunctionIsolate() {
  DetachFromLoop();
  if (current_ != nullptr) {
    // Only reachable when the worker shuts down with an invocation in flight.
    std::move(current_->done)(
        absl::UnavailableError("the agent shut down before the invocation finished"));
  }
  if (spec_ != nullptr) {
    spec_->stats->memory_bytes.fetch_sub(memory_bytes_, std::memory_order_relaxed);
  }
  if (isolate_ == nullptr) return;
  {
    v8::Locker locker(isolate_);
    handler_.Reset();
    module_.Reset();
    env_.Reset();
    done_fn_.Reset();
    check_handler_fn_.Reset();
    invoke_fn_.Reset();
    context_.Reset();
  }
  isolate_->Dispose();
  ForgetDisposedIsolate(isolate_);
}

LimitHit FunctionIsolate::RunGuarded(const EntryBudget& budget,
                                     absl::FunctionRef<void(v8::Local<v8::Context>)> fn) {
  v8::Locker locker(isolate_);
  // If the process dies in here (a crash in V8 or in native code), the agent's signal
  // handler names this function, and the next start quarantines it.
  crash_attribution::EnterFunction(worker_.worker_index,
                                   spec_ != nullptr ? std::string_view(spec_->name) : "");
  const int64_t cpu_start = ThisThreadCpuMicros();
  worker_.watchdog->Arm(worker_.worker_index, isolate_, worker_.cpu_clock,
                        cpu_start + std::max<int64_t>(budget.cpu_us, 0), budget.wall_deadline_us);
  {
    v8::Isolate::Scope isolate_scope(isolate_);
    v8::HandleScope handle_scope(isolate_);
    v8::Local<v8::Context> context = context_.Get(isolate_);
    v8::Context::Scope context_scope(context);
    fn(context);
    if (!isolate_->IsExecutionTerminating()) isolate_->PerformMicrotaskCheckpoint();
    if (!isolate_->IsExecutionTerminating()) memory_.CheckAfterRun();
  }
  const WatchdogVerdict verdict = worker_.watchdog->Disarm(worker_.worker_index);
  crash_attribution::LeaveFunction();
  cpu_used_us_ += ThisThreadCpuMicros() - cpu_start;

  LimitHit hit = LimitHit::kNone;
  if (memory_.exceeded()) {
    hit = LimitHit::kMemory;
  } else if (verdict == WatchdogVerdict::kCpuLimit) {
    hit = LimitHit::kCpu;
  } else if (verdict == WatchdogVerdict::kTimeout) {
    hit = LimitHit::kTimeout;
  }
  if (hit != LimitHit::kNone || isolate_->IsExecutionTerminating()) {
    isolate_->CancelTerminateExecution();
    broken_ = true;
  }
  return hit;
}

void FunctionIsolate::Start(std::unique_ptr<Invocation> invocation, bool cold, int64_t boot_us,
                            FinishedCallback on_finished) {
  current_ = std::move(invocation);
  on_finished_ = std::move(on_finished);
  result_ready_ = false;
  cold_ = cold;
  boot_us_ = boot_us;
  // A cold start that ran the top level here counts its CPU (PRODUCT.md section 6).
  cpu_used_us_ = cold ? top_level_cpu_us_ : 0;
  top_level_cpu_us_ = 0;
  console_.Begin(current_->response->mutable_report());
  ++invocations_;
  run_start_us_ = MonotonicMicros();
  const LimitHit hit = RunGuarded(limits_.ForInvocation(*spec_, current_->deadline_us),
                                  [this](v8::Local<v8::Context> context) { CallHandler(context); });
  AfterJs(hit);
}

bool FunctionIsolate::CallInvoke(v8::Local<v8::Context> context, v8::Local<v8::Value> handler,
                                 const v1::HttpRequest& request, v8::Local<v8::Value> env) {
  v8::Local<v8::Value> headers_flat;
  {
    const int count = request.headers_size();
    std::vector<v8::Local<v8::Value>> items;
    items.reserve(size_t(count) * 2);
    for (const v1::Header& header : request.headers()) {
      items.push_back(V8String(isolate_, header.name()));
      items.push_back(V8String(isolate_, header.value()));
    }
    headers_flat = v8::Array::New(isolate_, items.data(), items.size());
  }
  v8::Local<v8::Value> body = v8::Null(isolate_);
  if (!request.body().empty()) {
    const std::string& bytes = request.body();
    char* data = nullptr;
    v8::TryCatch refused(isolate_);
    v8::Local<v8::Uint8Array> array;
    // Refused: the request body alone passes the memory limit (the allocator noted it).
    if (!NewUint8Array(isolate_, bytes.size(), &data).ToLocal(&array)) return true;
    std::memcpy(data, bytes.data(), bytes.size());
    body = array;
  }
  const std::string url = AbsoluteUrl(request);
  v8::Local<v8::Value> args[] = {
      handler,
      V8String(isolate_, request.method().empty() ? std::string_view("GET") : request.method()),
      V8String(isolate_, url),
      headers_flat,
      body,
      env,
      done_fn_.Get(isolate_),
  };
  return !invoke_fn_.Get(isolate_)
              ->Call(context, v8::Undefined(isolate_), std::size(args), args)
              .IsEmpty();
}

void FunctionIsolate::CallHandler(v8::Local<v8::Context> context) {
  v8::TryCatch try_catch(isolate_);
  if (!CallInvoke(context, handler_.Get(isolate_), current_->request->request(),
                  env_.Get(isolate_)) &&
      !isolate_->IsExecutionTerminating() && !result_ready_) {
    // invoke() catches the handler's exceptions itself; this is a stack overflow or
    // similar inside the runtime. Still the function's doing.
    result_ready_ = true;
    current_->response->set_outcome(v1::OUTCOME_USER_ERROR);
    current_->response->set_error(
        DescribeException(isolate_, context, try_catch, absl::StrCat(spec_->name, ".js")));
  }
}

void FunctionIsolate::AfterJs(LimitHit hit) {
  if (hit != LimitHit::kNone) {
    return Finish(LimitEnforcer::OutcomeOf(hit), LimitEnforcer::DescribeInvocationHit(hit, *spec_));
  }
  if (result_ready_) return Finish(current_->response->outcome(), current_->response->error());
  // The handler is waiting for something (a promise, later a timer or fetch): the loop
  // keeps running; the deadline timer bounds the wait.
  StartDeadlineTimer();
}

void FunctionIsolate::StartDeadlineTimer() {
  if (deadline_timer_ == nullptr) {
    deadline_timer_ = new uv_timer_t;
    uv_timer_init(worker_.loop, deadline_timer_);
    deadline_timer_->data = this;
  }
  const int64_t wait_us = std::max<int64_t>(current_->deadline_us - MonotonicMicros(), 0);
  uv_timer_start(
      deadline_timer_,
      [](uv_timer_t* timer) {
        auto* self = static_cast<FunctionIsolate*>(timer->data);
        // Its promise never settled: the isolate may hold half-done work; replace it.
        self->broken_ = true;
        self->Finish(v1::OUTCOME_TIMEOUT, "the handler's response did not arrive in time");
      },
      static_cast<uint64_t>((wait_us + kMicrosPerMs - 1) / kMicrosPerMs), 0);
}

void FunctionIsolate::Finish(v1::Outcome outcome, absl::string_view error) {
  if (deadline_timer_ != nullptr) uv_timer_stop(deadline_timer_);
  const int64_t now = MonotonicMicros();
  std::unique_ptr<Invocation> invocation = std::move(current_);
  v1::InvokeResponse& response = *invocation->response;
  response.set_outcome(outcome);
  if (outcome != v1::OUTCOME_OK) {
    response.clear_response();
    if (response.error().data() != error.data()) response.set_error(std::string(error));
  }

  v8::HeapStatistics heap;
  {
    v8::Locker locker(isolate_);
    isolate_->GetHeapStatistics(&heap);
  }
  SetMemoryBytes(memory_.ResidentBytes(heap));
  v1::ExecutionReport& report = *response.mutable_report();
  report.set_cold(cold_);
  report.set_queue_us(static_cast<uint64_t>(
      std::max<int64_t>(run_start_us_ - boot_us_ - invocation->accepted_us, 0)));
  report.set_boot_us(static_cast<uint64_t>(boot_us_));
  report.set_run_us(static_cast<uint64_t>(now - run_start_us_));
  report.set_cpu_us(static_cast<uint64_t>(cpu_used_us_));
  report.set_heap_bytes(memory_.UsedBytes(heap));
  report.set_worker(static_cast<uint32_t>(worker_.worker_index));

  console_.End();
  spec_->observer->OnInvocationDone(response, now - invocation->accepted_us);
  last_used_us_ = now;
  std::move(invocation->done)(absl::OkStatus());
  // Now that the caller has its answer: the tasks V8 posted for this isolate, so they
  // never wait behind an invocation.
  if (!broken_) RunPlatformTasksGuarded();
  if (!module_.IsEmpty()) MakeCodeCacheOnce(/*served=*/outcome == v1::OUTCOME_OK && !broken_);
  // After the code cache, which may break the isolate too.
  const uint32_t quota = spec_->pool.max_invocations_per_isolate;
  const bool reusable = !broken_ && (quota == 0 || invocations_ < quota);
  // Last, and from a local: the callback may destroy this isolate.
  FinishedCallback on_finished = std::move(on_finished_);
  std::move(on_finished)(this, reusable);
}

void FunctionIsolate::MakeCodeCacheOnce(bool served) {
  // After the answer went out, once per version: the first isolate to serve an invocation
  // makes it (the others find it claimed or made), with the functions that ran compiled.
  v8::Locker locker(isolate_);
  if (served && spec_->code_cache->Claim()) {
    v8::Isolate::Scope isolate_scope(isolate_);
    v8::HandleScope handle_scope(isolate_);
    absl::AnyInvocable<void()&&> persist =
        spec_->code_cache->Publish(MakeModuleCodeCache(module_.Get(isolate_)));
    if (persist) RunOnThreadPool(worker_.loop, std::move(persist));
    // Making it allocates on the heap (source positions, line ends): at the memory limit,
    // OnNearHeapLimit has asked for termination. Nothing runs to be terminated now; the
    // isolate is done for all the same.
    if (memory_.exceeded() || isolate_->IsExecutionTerminating()) {
      isolate_->CancelTerminateExecution();
      broken_ = true;
    }
  }
  module_.Reset();
}

void FunctionIsolate::OnDone(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* self = static_cast<FunctionIsolate*>(info.Data().As<v8::External>()->Value());
  if (self->current_ == nullptr || self->result_ready_) return;  // Late or repeated: ignore.
  self->result_ready_ = true;
  ReadHandlerResult(info, *self->worker_.options, self->current_->response);
}

void FunctionIsolate::RunPlatformTasksGuarded() {
  // FinalizationRegistry cleanups are user code V8 runs as such a task: they get the
  // function's limits, and an isolate whose task passes them is not reused.
  RunGuarded(limits_.ForPlatformTasks(*spec_, MonotonicMicros()),
             [this](v8::Local<v8::Context>) { RunPlatformTasks(isolate_, kMaxPlatformTasks); });
}

void FunctionIsolate::AnswerStuck() {
  worker_.watchdog->Abandon(worker_.worker_index);
  crash_attribution::LeaveFunction();
  if (current_ == nullptr) return;  // Top-level code at a deploy: its caller waits in vain.
  std::unique_ptr<Invocation> invocation = std::move(current_);
  v1::InvokeResponse& response = *invocation->response;
  response.clear_response();
  response.set_outcome(v1::OUTCOME_MEMORY_LIMIT);
  response.set_error(absl::StrCat(
      "exceeded the memory limit of ", memory_mb_,
      " MB inside a built-in that does not stop when told; its worker is lost until the agent "
      "restarts"));
  const int64_t now = MonotonicMicros();
  v1::ExecutionReport& report = *response.mutable_report();
  report.set_cold(cold_);
  report.set_boot_us(static_cast<uint64_t>(boot_us_));
  report.set_run_us(static_cast<uint64_t>(now - run_start_us_));
  report.set_worker(static_cast<uint32_t>(worker_.worker_index));
  spec_->observer->OnInvocationDone(response, now - invocation->accepted_us);
  std::move(invocation->done)(absl::OkStatus());
}

}  // namespace hearth
