// isolate_pool/: the V8 side of Hearth. IsolatePool owns the workers (one thread and one
// libuv loop each, one per core), the isolates pinned to them, and the watchdog that
// enforces CPU and wall-clock limits. Modules above it hand it FunctionSpecs and
// Invocations; nothing above this module includes v8.h.
//
// Thread: every method may be called from any thread. Callbacks run on worker threads.
#ifndef HEARTH_ISOLATE_POOL_ISOLATE_POOL_H_
#define HEARTH_ISOLATE_POOL_ISOLATE_POOL_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/loop_service.h"
#include "isolate_pool/function_spec.h"
#include "isolate_pool/invocation.h"
#include "isolate_pool/isolate_pool_options.h"

namespace hearth {

class ExecutionWatchdog;
class ReserveBooter;
class SnapshotMaker;
class Worker;

class IsolatePool {
 public:
  explicit IsolatePool(const IsolatePoolOptions& options);
  // Answers every invocation still in flight ("agent shut down") and disposes every
  // isolate. Callers stop submitting work first.
  ~IsolatePool();

  IsolatePool(const IsolatePool&) = delete;
  IsolatePool& operator=(const IsolatePool&) = delete;

  const IsolatePoolOptions& options() const { return options_; }
  // Workers placement sees (options().workers). A worker wedged in a function that never
  // stops is replaced in its place by a fresh one, so each index keeps serving; the wedged
  // thread is kept (it cannot be joined) and still reported.
  int workers() const { return options_.workers; }

  // First step of a deploy, before Prepare: runs the function's top level in a snapshot
  // builder and, by its SnapshotPolicy, sets `spec->snapshot` so that its isolates boot from
  // it (see snapshot_maker.h). `spec` is not published yet. `done` runs on another thread
  // with OK or, when the top level fails, with Prepare's codes (kFailedPrecondition: a
  // kAlways function whose state V8 cannot serialize).
  void MakeSnapshot(std::shared_ptr<FunctionSpec> spec,
                    absl::AnyInvocable<void(absl::Status) &&> done);
  // Drops the cached snapshot of a version that is no longer deployed.
  void ForgetSnapshot(const FunctionSpec& spec);

  // Loads `spec` into a fresh isolate on `worker` and keeps it warm. `done` runs on that
  // worker's thread with OK, or the reason the function cannot be loaded: kInvalidArgument
  // (compile error with line and column, top level threw, no handler), kOutOfRange /
  // kDeadlineExceeded / kResourceExhausted (top level over its CPU / time / memory budget).
  void Prepare(int worker, std::shared_ptr<const FunctionSpec> spec,
               absl::AnyInvocable<void(absl::Status) &&> done);

  // Runs `invocation` on `worker`. Its `done` is called exactly once, on that worker.
  void Invoke(int worker, std::unique_ptr<Invocation> invocation);

  // Drops the warm isolates of a removed function on every worker.
  void Remove(const std::string& name);
  // Drops the warm isolates of `name` that hold a version other than `version` (after a
  // redeploy), on every worker.
  void RetireOtherVersions(const std::string& name, const std::string& version);

  // Invocations handed to `worker` and not finished yet (for placement and admission).
  int Inflight(int worker) const;

  // Whether `worker` is wedged: its JavaScript was terminated and has not come back within
  // options().wedge_grace_ms (see ExecutionWatchdog). Placement skips it. Any thread.
  bool Wedged(int worker) const;
  // Every worker thread ever started, replacements included, by id (the `worker` of
  // reports and metrics): how many, and whether one is wedged now.
  int WorkerThreads() const;
  bool ThreadWedged(int id) const;
  // Worker threads wedged now (replaced or not): the agent is not healthy while any is.
  int WedgedWorkers() const;
  // For tests: `worker`'s thread is reported wedged as if its function had not stopped
  // (no real JavaScript wedges V8 10.2 on demand). The pool then leaks that worker.
  void MarkWedgedForTesting(int worker);
  // Told (on some thread, no lock held) whenever a worker becomes wedged or comes back.
  // Set once, before any invocation.
  void SetWedgeListener(std::function<void()> listener);

  // Starts a service made by `factory` on every worker's loop, and on each worker that later
  // replaces a wedged one; each is stopped on its loop as its worker stops. Once.
  void StartLoopServices(LoopServiceFactory factory) ABSL_LOCKS_EXCLUDED(replace_mu_);

  // Memory of disposed isolates kept for the next ones (process-wide; any thread).
  struct MemoryReuse {
    uint64_t retained_bytes = 0;   // resident, waiting for an isolate
    uint64_t reused_regions = 0;   // heap regions an isolate got from that memory
    uint64_t fresh_regions = 0;    // heap regions mapped anew, on a boot's path
    uint64_t stocked_regions = 0;  // heap regions mapped ahead of need, off it
    uint64_t zeroed_bytes = 0;     // of that memory, zeroed before another isolate used it
    uint64_t mprotect_calls = 0;   // mprotects the allocator made for isolates' memory
  };
  static MemoryReuse memory_reuse();

  // Fills zero limits with the agent's defaults and refuses limits above its caps.
  absl::StatusOr<FunctionLimits> ResolveLimits(const FunctionLimits& requested) const;
  // Fills zero pool settings with the agent's defaults (max_isolates: at least min_warm)
  // and refuses settings it could not honor (INVALID_ARGUMENT naming the field).
  absl::StatusOr<FunctionPoolSettings> ResolvePool(const FunctionPoolSettings& requested) const;
  // How many warm isolates of `isolate_bytes` each fit the isolate memory budget beside
  // `other_bytes` held by other isolates (UINT64_MAX: no budget).
  uint64_t MostWarmIsolates(int64_t isolate_bytes, int64_t other_bytes = 0) const;

  // "10.2.154.26-node.36"
  static std::string V8Version();

 private:
  const IsolatePoolOptions options_;
  std::unique_ptr<ExecutionWatchdog> watchdog_;
  std::unique_ptr<ReserveBooter> booter_;
  // Replaces the workers found wedged by fresh ones, while spare ids last (on the
  // watchdog's thread, from its listener).
  void ReplaceWedgedWorkers() ABSL_LOCKS_EXCLUDED(replace_mu_);
  Worker* At(int worker) const { return serving_[worker].load(std::memory_order_acquire); }

  // Ids a replacement may take: as many as there are workers.
  int max_threads() const { return 2 * options_.workers; }

  std::function<void()> wedge_listener_;  // The agent's; set before any invocation.
  mutable absl::Mutex replace_mu_;
  bool closing_ ABSL_GUARDED_BY(replace_mu_) = false;
  LoopServiceFactory loop_services_ ABSL_GUARDED_BY(replace_mu_);
  // Every worker started, indexed by id; the owner of each.
  std::vector<std::unique_ptr<Worker>> threads_ ABSL_GUARDED_BY(replace_mu_);
  std::atomic<int> thread_count_{0};
  // By placement index: the worker serving it now.
  std::unique_ptr<std::atomic<Worker*>[]> serving_;
  std::unique_ptr<SnapshotMaker> snapshots_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_ISOLATE_POOL_H_
