// Worker: one thread with one libuv loop, and the isolates placed on it. Invocations and
// deploys reach it through its LoopThread; isolates never leave it.
//
// Thread: Invoke/Prepare/Remove/inflight may be called from any thread; all other state
// belongs to the worker's loop thread.
#ifndef HEARTH_ISOLATE_POOL_WORKER_H_
#define HEARTH_ISOLATE_POOL_WORKER_H_

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "common/loop_service.h"
#include "common/loop_thread.h"
#include "isolate_pool/function_isolate.h"
#include "isolate_pool/invocation.h"
#include "isolate_pool/parking_queue.h"
#include "isolate_pool/pool_policy.h"
#include "isolate_pool/reserve_booter.h"
#include "isolate_pool/worker_context.h"

namespace hearth {

class Worker {
 public:
  using PreparedCallback = absl::AnyInvocable<void(absl::Status) &&>;

  // `booter` (may be null: no reserve) must outlive the worker's use of it: the pool
  // destroys it before its workers.
  Worker(int index, ExecutionWatchdog* watchdog, ReserveBooter* booter,
         const IsolatePoolOptions* options);
  ~Worker();  // Finishes queued work, disposes every isolate, joins the thread.

  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Invoke(std::unique_ptr<Invocation> invocation);
  // Boots an isolate of `spec` and keeps it warm; `done` reports whether the function
  // could be loaded (see FunctionIsolate::Create for the status codes).
  void Prepare(std::shared_ptr<const FunctionSpec> spec, PreparedCallback done);
  // Discards the idle isolates of `name`, except those of `keep_version` when it is not
  // empty (busy ones finish first, then go when they are next taken).
  void Remove(std::string name, std::string keep_version = "");

  // Starts the service `factory` makes on this worker's loop (see loop_service.h); it is
  // stopped on the loop as the worker stops. At most once per worker.
  void StartService(LoopServiceFactory factory);

  // Invocations handed to this worker and not yet finished.
  int inflight() const { return inflight_.load(std::memory_order_relaxed); }
  int index() const { return context_.worker_index; }

 private:
  // `resumed`: it waited in parked_ already (and keeps its place if it must wait again).
  void RunInvocation(std::unique_ptr<Invocation> invocation, bool resumed = false);
  // An idle isolate holding exactly `spec`'s version, or null.
  std::unique_ptr<FunctionIsolate> TakeIdle(const FunctionSpec& spec);
  // A fresh isolate holding `spec`: for a function with a snapshot, the one primed for it
  // when there is one, completed, else one booted from the snapshot; for others, a reserve
  // isolate with the function loaded into it when one fits, else one booted for it.
  // Failures as FunctionIsolate::Load. `cold_start`: for an invocation (not a deploy or a
  // min_warm replacement), which has the next isolate of a function with a snapshot primed.
  absl::StatusOr<std::unique_ptr<FunctionIsolate>> NewIsolateFor(
      std::shared_ptr<const FunctionSpec> spec, int64_t deadline_us, bool cold_start = false);
  // Asks the booter for blank isolates until the reserve (with those on their way) is
  // back at its target size.
  void ScheduleRefill();
  // The isolate primed for `spec`'s version here, or null (one primed for another version
  // is retired).
  std::unique_ptr<FunctionIsolate> TakePrimed(const FunctionSpec& spec);
  // Asks the booter to prime an isolate of `spec` (which has a snapshot) for its next cold
  // start here, unless one is here or on its way.
  void SchedulePrime(std::shared_ptr<const FunctionSpec> spec);
  // Retires isolates idle past their function's idle_ttl_ms, keeping min_warm per function.
  void SweepIdle();
  static void OnSweepTimer(uv_timer_t* timer);
  void KeepIdle(std::unique_ptr<FunctionIsolate> isolate);
  void OnIsolateFinished(FunctionIsolate* isolate, bool reusable);
  // Ends the running invocation holding `token`, if it still runs here.
  void CancelRunning(const CancelToken* token);
  bool BusyHere(const std::string& name) const;
  // Holds an invocation until one of its function's isolates here is free, or refuses it
  // (RESOURCE_EXHAUSTED) when none will come free here or too many are waiting.
  void Park(std::unique_ptr<Invocation> invocation, bool at_front);
  void ResumeParked(const std::string& name);
  // Answers an invocation that will not run here: its outcome and why, reported and counted
  // like any other.
  void AnswerUnrun(std::unique_ptr<Invocation> invocation, v1::Outcome outcome, std::string error);
  // After an isolate of `spec` was retired: boots a replacement in a task of its own when
  // the function is below its min_warm and `spec` is still its current version.
  void MaybeReplenish(std::shared_ptr<const FunctionSpec> spec);
  // Keeps the memory of this worker's isolates within its share of the pool's budget by
  // retiring least recently used idle isolates their function can spare (above min_warm).
  void EnforceMemoryBudget();
  // Memory of the isolates holding functions here, busy or idle (not the pool's own
  // reserve and primed isolates, which the budget evicts first).
  int64_t FunctionMemory() const;
  // Whether another isolate fits this worker's share of the budget, once spare idle ones
  // are retired. No: a cold start is refused (RESOURCE_EXHAUSTED) rather than booted.
  bool HasRoomForAnotherIsolate();
  // Disposes of `isolate` off the loop when a booter exists, else here.
  void Retire(std::unique_ptr<FunctionIsolate> isolate);

  WorkerContext context_;
  const PoolPolicy policy_;
  std::atomic<int> inflight_{0};

  // Loop-thread state.
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<FunctionIsolate>>> idle_;
  absl::flat_hash_map<FunctionIsolate*, std::unique_ptr<FunctionIsolate>> busy_;
  // Invocations waiting for their function to drop below max_isolates, in arrival order.
  ParkingQueue parked_;
  ReserveBooter* const booter_;
  std::vector<std::unique_ptr<FunctionIsolate>> reserve_;  // Blank, default memory limit.
  // By function name: at most one isolate primed from the function's snapshot, for
  // functions with a snapshot that had a cold start here; and those asked of the booter.
  absl::flat_hash_map<std::string, std::unique_ptr<FunctionIsolate>> primed_;
  absl::flat_hash_set<std::string> priming_;
  std::atomic<size_t> reserve_size_{0};  // reserve_.size(), for the booter to read.
  size_t reserve_requested_ = 0;         // Asked of the booter, not here yet.
  uv_timer_t sweep_timer_;               // Closed by the LoopThread when it stops.
  // Reaches this loop from other threads while it runs (given to the service).
  std::shared_ptr<LoopMailbox> mailbox_;
  // Destroyed after the thread has stopped, i.e. after its handles' close callbacks ran.
  std::unique_ptr<LoopService> service_;

  // Last member: its thread must stop before the state above is destroyed.
  std::unique_ptr<LoopThread> thread_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_WORKER_H_
