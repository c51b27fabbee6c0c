// scheduler/: decides where and whether work runs. The Scheduler places invocations on
// workers (a function's "home" worker while it has room, so warm isolates get reused; the
// least loaded worker otherwise), refuses work fast when every worker's queue is full or
// the agent is draining, and publishes deploys once their first isolate has booted.
//
// Thread: thread-safe; every method may be called from any thread.
#ifndef HEARTH_SCHEDULER_SCHEDULER_H_
#define HEARTH_SCHEDULER_SCHEDULER_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "isolate_pool/invocation.h"
#include "isolate_pool/isolate_pool.h"
#include "scheduler/function_registry.h"

namespace hearth {

struct SchedulerOptions {
  // Invocations one worker may hold (queued + running) before new ones are refused.
  int max_inflight_per_worker = 256;
};

class Scheduler {
 public:
  Scheduler(IsolatePool* pool, FunctionRegistry* registry, const SchedulerOptions& options);

  // Runs the function's top level in the snapshot builder (IsolatePool::MakeSnapshot, which
  // may give `spec` its snapshot), then boots it in max(1, min_warm) fresh isolates spread
  // over the workers; on success publishes it as the current version of its name (new
  // invocations use it, running ones finish on theirs). `done` runs once, on another
  // thread (or inline when refused). Unavailable (via `done`) once Close() has begun, also
  // for a deploy that was in flight then: it is not published. Deploys of one name must
  // not overlap (the agent's DeploySequencer orders them); a drain lets those in flight
  // finish (StopAccepting does not refuse them).
  void Deploy(std::shared_ptr<FunctionSpec> spec, absl::AnyInvocable<void(absl::Status) &&> done)
      ABSL_LOCKS_EXCLUDED(mu_);
  // NotFound if no such function; Unavailable once Close() has begun.
  absl::Status Undeploy(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

  // Accepts `invocation` for function `name` or refuses it at once: NotFound (unknown
  // function), ResourceExhausted (every worker full), Unavailable (draining). Accepted:
  // `invocation->done` will be called exactly once, on a worker thread. Refused: it is not.
  absl::Status Submit(const std::string& name, std::unique_ptr<Invocation> invocation)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Refuse new invocations from now on (Unavailable); running ones finish, and so do
  // deploys and undeploys already handed over.
  void StopAccepting() ABSL_LOCKS_EXCLUDED(mu_);
  bool draining() const ABSL_LOCKS_EXCLUDED(mu_);
  // The last step of a drain, before the pool is destroyed: refuses everything, and returns
  // once no caller is inside the pool through this scheduler. Deploys still in flight then
  // (in the snapshot builder or booting) get Unavailable when their step comes back, without
  // touching the pool again, so their callbacks may run while the pool is being destroyed.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);
  // Invocations accepted and not finished, on all workers.
  int Inflight() const;

 private:
  void PrepareAndPublish(std::shared_ptr<const FunctionSpec> spec,
                         absl::AnyInvocable<void(absl::Status) &&> done) ABSL_LOCKS_EXCLUDED(mu_);
  // Whether the warm isolates `spec` asks for (min_warm), measured now that they are booted,
  // fit the pool's memory budget; if not, retires them and says why (INVALID_ARGUMENT).
  absl::Status CheckWarmIsolatesFit(const FunctionSpec& spec) ABSL_LOCKS_EXCLUDED(mu_);
  // Makes a booted `spec` the current version of its name; Unavailable once closed.
  absl::Status Publish(const std::shared_ptr<const FunctionSpec>& spec) ABSL_LOCKS_EXCLUDED(mu_);
  // The function's home worker, or the least loaded after it; -1 when every worker is
  // wedged.
  int PickWorker(const std::string& name) const;
  // A deploy's steps enter the pool counted in `pool_users_` rather than under a reader
  // lock: a step's callback may run inline (MakeSnapshot for SNAPSHOT_NEVER) and enter
  // again, which a held absl::Mutex must not. False once Close() has begun.
  bool EnterPool() ABSL_LOCKS_EXCLUDED(mu_);
  void LeavePool() ABSL_LOCKS_EXCLUDED(mu_);

  IsolatePool* const pool_;
  FunctionRegistry* const registry_;
  const SchedulerOptions options_;
  // Readers: Submit and Undeploy while inside the pool. Writers: StopAccepting, Close, and
  // the deploy steps' EnterPool/LeavePool (brief).
  mutable absl::Mutex mu_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;  // New invocations refused.
  bool closed_ ABSL_GUARDED_BY(mu_) = false;    // Nothing may enter the pool any more.
  int pool_users_ ABSL_GUARDED_BY(mu_) = 0;     // Deploy steps inside the pool now.
  std::atomic<unsigned> next_prepare_worker_{0};
};

}  // namespace hearth

#endif  // HEARTH_SCHEDULER_SCHEDULER_H_
