// FunctionIsolate: one V8 isolate booted from the runtime snapshot and, once loaded, holding
// one version of one function: the evaluated module and its handler. It runs one
// invocation at a time, under the function's CPU, memory and wall-clock limits, and says
// when it is free again and whether it may be reused (after any limit violation it may not).
//
// An invocation is answered as soon as its response is ready, and ends (the isolate is free
// again) when the work it registered with ctx.waitUntil has settled too. Until it ends its
// timers fire on the worker's loop, each batch one more guarded entry under what is left of
// its CPU limit and before its deadline; when it ends, every timer it left is cancelled.
//
// Every entry into user code (top level, handler, microtasks, V8's platform tasks such as
// FinalizationRegistry cleanups) goes through RunGuarded, the one place that arms the
// watchdog, notes the function for crash attribution and checks memory afterwards. What
// the limits are comes from LimitEnforcer; memory is kept by MemoryGuard; what leaves the
// isolate is read by ReadHandlerResult and ConsoleCapture, capped before it is copied.
//
// Boot and load are in function_isolate_boot.cc; guarded entry and the invocation's life in
// function_isolate.cc.
//
// Thread: owned by its worker's loop thread, the only thread that runs invocations in it.
// The reserve booter may boot a blank one and dispose of a retired one; every entry holds
// the isolate's v8::Locker, so the isolate is never entered by two threads at once.
#ifndef HEARTH_ISOLATE_POOL_FUNCTION_ISOLATE_H_
#define HEARTH_ISOLATE_POOL_FUNCTION_ISOLATE_H_

#include <v8-context.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-persistent-handle.h>
#include <v8-script.h>
#include <v8-snapshot.h>
#include <v8-statistics.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "isolate_pool/console_capture.h"
#include "isolate_pool/invocation.h"
#include "isolate_pool/limit_enforcer.h"
#include "isolate_pool/memory_guard.h"
#include "isolate_pool/performance_binding.h"
#include "isolate_pool/timer_queue.h"
#include "isolate_pool/worker_context.h"

namespace hearth {

class FunctionIsolate final {
 public:
  // Called when an invocation is complete (its `done` has been called). `reusable` is
  // false after a limit violation or when the isolate reached its invocation quota; the
  // callback may destroy the isolate.
  using FinishedCallback = absl::AnyInvocable<void(FunctionIsolate* isolate, bool reusable)>;

  // Boots an isolate and loads the function into it (BootBlank, then Load).
  static absl::StatusOr<std::unique_ptr<FunctionIsolate>> Create(
      std::shared_ptr<const FunctionSpec> spec, const WorkerContext& worker, int64_t deadline_us);

  // Boots an isolate from the runtime snapshot with no function in it yet, sized for
  // functions with a `memory_mb` limit: the pre-booted reserve a cold start draws from.
  // `warm_up` also runs a built-in module and invocation through it, so that a later Load
  // and first invocation do not pay V8's first-use costs (worth it off the invoke path).
  static absl::StatusOr<std::unique_ptr<FunctionIsolate>> BootBlank(const WorkerContext& worker,
                                                                    uint32_t memory_mb,
                                                                    bool warm_up);

  // Boots an isolate of `spec` from the function's own snapshot (spec->snapshot): its
  // module was evaluated when the snapshot was built, so no top-level code runs here.
  // Same as PrimeFromFunctionSnapshot, then CompleteBoot.
  static absl::StatusOr<std::unique_ptr<FunctionIsolate>> BootFromFunctionSnapshot(
      std::shared_ptr<const FunctionSpec> spec, const WorkerContext& worker);

  // The first part of BootFromFunctionSnapshot, which the reserve booter does ahead of a
  // cold start: the isolate (V8's isolate-wide state from the function's blob), without
  // the context that holds the function's state and handler. For a top level that built
  // a 5 MB object graph it is about a third of the boot (docs/BENCHMARKS.md).
  static absl::StatusOr<std::unique_ptr<FunctionIsolate>> PrimeFromFunctionSnapshot(
      std::shared_ptr<const FunctionSpec> spec, const WorkerContext& worker);
  // The rest of a primed isolate's boot, on the worker that runs it: deserializes the
  // function's context (its module, handler and the state its top level built).
  absl::Status CompleteBoot();

  // Loads `spec` into this blank isolate: evaluates its module (the top-level code) under
  // the boot budgets and `deadline_us` (monotonic). An isolate holds one function for its
  // whole life. Failures say whose fault it was, by status code:
  //   kInvalidArgument   the source does not compile, its top level threw, or its default
  //                      export is not a handler (the message names line and column);
  //   kOutOfRange        top-level code exceeded the CPU budget;
  //   kDeadlineExceeded  top-level code exceeded the wall-clock budget or `deadline_us`;
  //   kResourceExhausted top-level code exceeded the memory limit.
  absl::Status Load(std::shared_ptr<const FunctionSpec> spec, int64_t deadline_us);

  ~FunctionIsolate();
  FunctionIsolate(const FunctionIsolate&) = delete;
  FunctionIsolate& operator=(const FunctionIsolate&) = delete;

  // Runs `invocation`. `on_finished` is called once it is complete, possibly before Start
  // returns. Must not be called while another invocation runs.
  void Start(std::unique_ptr<Invocation> invocation, bool cold, int64_t boot_us,
             FinishedCallback on_finished);

  // Whether the invocation running here (not yet answered) is the one holding `token`.
  bool Runs(const CancelToken* token) const {
    return current_ != nullptr && current_->cancel.get() == token;
  }
  // Ends the running invocation, whose caller has gone: answered CANCELLED, its timers
  // cancelled, and the isolate not reused (its JavaScript may have been stopped half-way).
  void Cancel();

  // Closes the isolate's libuv handles; afterwards it may be destroyed on another thread
  // (see ReserveBooter::Retire). Call on the worker thread, with no invocation running.
  void DetachFromLoop();

  const std::shared_ptr<const FunctionSpec>& spec() const { return spec_; }
  uint32_t memory_mb() const { return memory_mb_; }
  uint64_t invocations() const { return invocations_; }
  int64_t last_used_us() const { return last_used_us_; }
  // Memory the isolate held after boot or after its last invocation (for the pool budget).
  int64_t memory_bytes() const { return memory_bytes_; }

 private:
  FunctionIsolate(const WorkerContext& worker, uint32_t memory_mb);
  // An isolate of `spec` created from its snapshot, without its context yet.
  static std::unique_ptr<FunctionIsolate> IsolateOfFunctionSnapshot(
      std::shared_ptr<const FunctionSpec> spec, const WorkerContext& worker);
  // Creates the isolate from `blob` (the runtime snapshot, or a function's, which must
  // outlive the isolate).
  void CreateIsolate(v8::StartupData* blob);
  // The context from the isolate's snapshot; for a function's snapshot, takes the handler
  // and env from it.
  absl::Status CreateContext(bool warm_up);
  absl::Status LoadRuntime(v8::Local<v8::Context> context);
  absl::Status LoadModule(v8::Local<v8::Context> context);
  void WarmUp(v8::Local<v8::Context> context);
  // Calls the runtime's invoke(); false if it threw (it catches the handler's own errors).
  bool CallInvoke(v8::Local<v8::Context> context, v8::Local<v8::Value> handler,
                  const v1::HttpRequest& request, v8::Local<v8::Value> env);

  // Enters the isolate and runs `fn` (and the microtasks it queued) with the watchdog
  // armed for `budget`, then checks memory. Any limit hit leaves the isolate broken.
  LimitHit RunGuarded(const EntryBudget& budget,
                      absl::FunctionRef<void(v8::Local<v8::Context>)> fn);
  // Runs the tasks V8 posted for this isolate, under the function's limits again.
  void RunPlatformTasksGuarded();
  // Called by the MemoryGuard, on this isolate's thread inside V8, just before that thread
  // stops for good: answers the invocation in progress without calling into V8 and tells
  // the watchdog this worker will not come back.
  void AnswerStuck();
  void CallHandler(v8::Local<v8::Context> context);
  // Runs the timers due now, in order, each followed by its microtasks.
  void RunDueTimers();
  // What follows an entry into the invocation's code: answer, end, or wait for its timers.
  void AfterJs(LimitHit hit);
  // Sends the invocation's answer (once); the invocation may go on with background work.
  void Answer(v1::Outcome outcome, absl::string_view error);
  // Ends the answered invocation: cancels its timers, runs V8's tasks and frees the isolate.
  void End();
  // Sets the running invocation's cancel hook: stop its JavaScript (through the watchdog)
  // and have the worker end it.
  void WatchForCancel();
  // Makes the version's code cache from module_ when `served` and no other isolate has,
  // then lets module_ go.
  void MakeCodeCacheOnce(bool served);
  void StartDeadlineTimer();

  static void OnDone(const v8::FunctionCallbackInfo<v8::Value>& info);
  // What the isolate holds in memory now (MemoryGuard::ResidentBytes).
  int64_t MeasureMemory();
  // Updates memory_bytes_ and the function's total.
  void SetMemoryBytes(int64_t bytes);

  std::shared_ptr<const FunctionSpec> spec_;  // Null until Load().
  const WorkerContext worker_;
  const uint32_t memory_mb_;
  const LimitEnforcer limits_;
  MemoryGuard memory_;  // Outlives isolate_: its allocator and callbacks serve V8.
  ConsoleCapture console_;
  // The time origin of `performance`: the isolate's creation, then the moment it starts
  // serving its function (Load, or CompleteBoot from the function's snapshot).
  IsolateClock clock_;
  v8::StartupData function_blob_{};  // V8 keeps a pointer to it for the isolate's life.
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Context> context_;
  v8::Global<v8::Function> invoke_fn_;  // internals.invoke of runtime.js
  v8::Global<v8::Function> check_handler_fn_;
  v8::Global<v8::Function> done_fn_;          // OnDone, handed to every invoke
  v8::Global<v8::Function> run_timer_fn_;     // internals.runTimer
  v8::Global<v8::Function> clear_timers_fn_;  // internals.clearTimers
  v8::Global<v8::Value> handler_;             // The module's default export.
  v8::Global<v8::Module> module_;             // Loaded from source, until its first invocation.
  v8::Global<v8::Object> env_;

  TimerQueue timers_;  // The running invocation's timers.

  // The invocation in progress, if any (null once answered: `running_` says until it ends).
  std::unique_ptr<Invocation> current_;
  bool running_ = false;
  FinishedCallback on_finished_;
  bool result_ready_ = false;        // `done` was called for current_.
  bool background_settled_ = false;  // Its ctx.waitUntil work has all settled.
  bool answered_ok_ = false;         // It was answered OUTCOME_OK.
  int64_t deadline_us_ = 0;          // The running invocation's.
  bool broken_ = false;              // A limit was hit: never reuse.
  bool cold_ = false;
  int64_t boot_us_ = 0;
  int64_t run_start_us_ = 0;
  int64_t cpu_used_us_ = 0;
  // cpu_used_us_ when the invocation started (its cold start's top level): what the
  // invocation's own entries used is the rest, limited by cpu_ms.
  int64_t cpu_at_start_us_ = 0;
  // CPU of the top level run by Load(); part of the cost of the cold start that loaded it.
  int64_t top_level_cpu_us_ = 0;
  uv_timer_t* deadline_timer_ = nullptr;  // Freed in its close callback.

  uint64_t invocations_ = 0;
  int64_t last_used_us_ = 0;
  int64_t memory_bytes_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_FUNCTION_ISOLATE_H_
