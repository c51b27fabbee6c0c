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
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/crash_attribution.h"
#include "common/thread_pool_work.h"
#include "isolate_pool/module_loader.h"
#include "isolate_pool/native_bindings.h"
#include "isolate_pool/result_reader.h"
#include "isolate_pool/timer_binding.h"
#include "isolate_pool/v8_platform.h"

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
      console_(worker.options),
      timers_(worker.loop, [this] { RunDueTimers(); }) {}

void FunctionIsolate::DetachFromLoop() {
  timers_.Detach();
  if (deadline_timer_ == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(deadline_timer_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
  deadline_timer_ = nullptr;
}

FunctionIsolate::~FunctionIsolate() {
  DetachFromLoop();
  if (current_ != nullptr) {
    if (current_->cancel != nullptr) current_->cancel->ClearHook();
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
    run_timer_fn_.Reset();
    clear_timers_fn_.Reset();
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
  // Stopped on request (its caller cancelled), perhaps just after it finished: a
  // termination may still be pending, which must not reach the next entry.
  if (hit != LimitHit::kNone || isolate_->IsExecutionTerminating() ||
      verdict == WatchdogVerdict::kInterrupted) {
    isolate_->CancelTerminateExecution();
    broken_ = true;
  }
  return hit;
}

void FunctionIsolate::Start(std::unique_ptr<Invocation> invocation, bool cold, int64_t boot_us,
                            FinishedCallback on_finished) {
  current_ = std::move(invocation);
  running_ = true;
  deadline_us_ = current_->deadline_us;
  on_finished_ = std::move(on_finished);
  result_ready_ = false;
  background_settled_ = false;
  cold_ = cold;
  boot_us_ = boot_us;
  // A cold start that ran the top level here counts its CPU (PRODUCT.md section 6).
  cpu_used_us_ = cold ? top_level_cpu_us_ : 0;
  cpu_at_start_us_ = cpu_used_us_;
  top_level_cpu_us_ = 0;
  console_.Begin(current_->response->mutable_report());
  ++invocations_;
  run_start_us_ = MonotonicMicros();
  isolate_->SetData(kTimerQueueSlot, &timers_);  // Timers may be set from now on.
  WatchForCancel();
  const LimitHit hit =
      RunGuarded(limits_.ForInvocation(*spec_, deadline_us_, cpu_used_us_ - cpu_at_start_us_),
                 [this](v8::Local<v8::Context> context) { CallHandler(context); });
  AfterJs(hit);
}

void FunctionIsolate::WatchForCancel() {
  if (current_->cancel == nullptr || !worker_.cancel_running) return;
  // Set until the answer (Answer, Cancel and the destructor clear it), so `this` is alive
  // and its slot and isolate are this invocation's whenever the hook runs. It reads only
  // what never changes after boot; capturing no more than `this` keeps it off the heap on
  // the invoke path.
  current_->cancel->SetHook([this](CancelToken& token) {
    worker_.watchdog->Interrupt(worker_.worker_index, isolate_);
    worker_.cancel_running(token.shared_from_this());
  });
}

void FunctionIsolate::Cancel() {
  broken_ = true;
  std::unique_ptr<Invocation> invocation = std::move(current_);
  invocation->cancel->ClearHook();
  console_.End();
  last_used_us_ = MonotonicMicros();
  std::move(invocation->done)(absl::CancelledError("the caller cancelled the invocation"));
  End();
}

void FunctionIsolate::RunDueTimers() {
  if (!running_) return;
  // The timers due now, taken before any runs: what their callbacks set (even for 0 ms)
  // waits for the next turn of the loop, as in a browser, so other work on the worker
  // gets its turn in between.
  std::vector<uint32_t> due;
  uint32_t id;
  while (timers_.PopDue(uv_now(worker_.loop), &id)) due.push_back(id);
  if (due.empty()) return timers_.Rearm();
  const LimitHit hit =
      RunGuarded(limits_.ForInvocation(*spec_, deadline_us_, cpu_used_us_ - cpu_at_start_us_),
                 [&](v8::Local<v8::Context> context) {
                   v8::Local<v8::Function> run = run_timer_fn_.Get(isolate_);
                   for (uint32_t timer : due) {
                     v8::Local<v8::Value> arg = v8::Integer::NewFromUnsigned(isolate_, timer);
                     // runTimer reports the callback's own exceptions; an empty result here
                     // is a termination.
                     if (run->Call(context, v8::Undefined(isolate_), 1, &arg).IsEmpty()) break;
                     isolate_->PerformMicrotaskCheckpoint();
                     if (isolate_->IsExecutionTerminating()) break;
                   }
                 });
  timers_.Rearm();
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
    // Before the answer this is the invocation's outcome; after it, its background work is
    // cut short (the isolate is broken and will not be reused either way).
    if (current_ != nullptr) {
      Answer(LimitEnforcer::OutcomeOf(hit), LimitEnforcer::DescribeInvocationHit(hit, *spec_));
    }
    return End();
  }
  if (current_ != nullptr && result_ready_) {
    Answer(current_->response->outcome(), current_->response->error());
  }
  // Nothing can happen for an invocation that has no timer pending but its timers (there
  // is no other source of events yet: an outbound fetch will be one), so background work
  // that waits on nothing ends now rather than at the deadline.
  if (current_ == nullptr && (background_settled_ || timers_.pending() == 0)) return End();
  // The handler (or its waitUntil work) waits for its timers; the deadline bounds the wait.
  StartDeadlineTimer();
}

void FunctionIsolate::StartDeadlineTimer() {
  if (deadline_timer_ == nullptr) {
    deadline_timer_ = new uv_timer_t;
    uv_timer_init(worker_.loop, deadline_timer_);
    deadline_timer_->data = this;
  }
  if (uv_is_active(reinterpret_cast<uv_handle_t*>(deadline_timer_))) return;
  const int64_t wait_us = std::max<int64_t>(deadline_us_ - MonotonicMicros(), 0);
  uv_timer_start(
      deadline_timer_,
      [](uv_timer_t* timer) {
        auto* self = static_cast<FunctionIsolate*>(timer->data);
        if (self->current_ != nullptr) {
          // Its promise never settled: the isolate may hold half-done work; replace it.
          self->broken_ = true;
          self->Answer(v1::OUTCOME_TIMEOUT, "the handler's response did not arrive in time");
        }
        // Answered before: what its ctx.waitUntil work had left undone is cancelled.
        self->End();
      },
      static_cast<uint64_t>((wait_us + kMicrosPerMs - 1) / kMicrosPerMs), 0);
}

void FunctionIsolate::Answer(v1::Outcome outcome, absl::string_view error) {
  const int64_t now = MonotonicMicros();
  std::unique_ptr<Invocation> invocation = std::move(current_);
  if (invocation->cancel != nullptr) invocation->cancel->ClearHook();
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
  answered_ok_ = outcome == v1::OUTCOME_OK;
  spec_->observer->OnInvocationDone(response, invocation->via, now - invocation->accepted_us);
  last_used_us_ = now;
  std::move(invocation->done)(absl::OkStatus());
}

void FunctionIsolate::End() {
  if (deadline_timer_ != nullptr) uv_timer_stop(deadline_timer_);
  isolate_->SetData(kTimerQueueSlot, nullptr);
  running_ = false;
  // The callbacks of the timers it left go too, so that they hold no memory (a runtime
  // call, bounded by the number of timers, which TimerQueue caps).
  if (timers_.CancelAll() && !broken_) {
    RunGuarded(limits_.ForPlatformTasks(*spec_, MonotonicMicros()), [this](v8::Local<v8::Context>
                                                                               context) {
      // Empty only when terminated, which the guard reports.
      clear_timers_fn_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 0, nullptr).IsEmpty();
    });
  }
  last_used_us_ = MonotonicMicros();
  // Now that the caller has its answer: the tasks V8 posted for this isolate, so they
  // never wait behind an invocation.
  if (!broken_) RunPlatformTasksGuarded();
  if (!module_.IsEmpty()) {
    MakeCodeCacheOnce(/*served=*/answered_ok_ && !broken_);
  }
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
  // done(3): the invocation's ctx.waitUntil work has all settled (after its response).
  if (info.Length() > 0 && info[0]->IsInt32() && info[0].As<v8::Int32>()->Value() == 3) {
    self->background_settled_ = true;
    return;
  }
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
  if (invocation->cancel != nullptr) invocation->cancel->ClearHook();
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
  spec_->observer->OnInvocationDone(response, invocation->via, now - invocation->accepted_us);
  std::move(invocation->done)(absl::OkStatus());
}

}  // namespace hearth
