// Worker: one thread with one libuv loop, and the isolates placed on it. Invocations and
// deploys reach it through its LoopThread; isolates never leave it.
//
// Thread: Invoke/Prepare/Remove/inflight may be called from any thread; all other state
// belongs to the worker's loop thread.
#ifndef HEARTH_ISOLATE_POOL_WORKER_H_
#define HEARTH_ISOLATE_POOL_WORKER_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "common/loop_thread.h"
#include "isolate_pool/function_isolate.h"
#include "isolate_pool/invocation.h"
#include "isolate_pool/worker_context.h"

namespace hearth {

class Worker {
 public:
  using PreparedCallback = absl::AnyInvocable<void(absl::Status) &&>;

  Worker(int index, ExecutionWatchdog* watchdog, const IsolatePoolOptions* options);
  ~Worker();  // Finishes queued work, disposes every isolate, joins the thread.

  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Invoke(std::unique_ptr<Invocation> invocation);
  // Boots an isolate of `spec` and keeps it warm; `done` reports whether the function
  // could be loaded (see FunctionIsolate::Create for the status codes).
  void Prepare(std::shared_ptr<const FunctionSpec> spec, PreparedCallback done);
  // Discards the idle isolates of `name` (busy ones finish first, then go).
  void Remove(std::string name);

  // Invocations handed to this worker and not yet finished.
  int inflight() const { return inflight_.load(std::memory_order_relaxed); }
  int index() const { return context_.worker_index; }

 private:
  void RunInvocation(std::unique_ptr<Invocation> invocation);
  // An idle isolate holding exactly `spec`'s version, or null.
  std::unique_ptr<FunctionIsolate> TakeIdle(const FunctionSpec& spec);
  void KeepIdle(std::unique_ptr<FunctionIsolate> isolate);
  void OnIsolateFinished(FunctionIsolate* isolate, bool reusable);

  WorkerContext context_;
  std::atomic<int> inflight_{0};

  // Loop-thread state.
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<FunctionIsolate>>> idle_;
  absl::flat_hash_map<FunctionIsolate*, std::unique_ptr<FunctionIsolate>> busy_;

  // Last member: its thread must stop before the state above is destroyed.
  std::unique_ptr<LoopThread> thread_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_WORKER_H_
