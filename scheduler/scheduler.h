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
  // thread. Unavailable (via `done`) while draining.
  void Deploy(std::shared_ptr<FunctionSpec> spec, absl::AnyInvocable<void(absl::Status) &&> done)
      ABSL_LOCKS_EXCLUDED(mu_);
  // NotFound if no such function; Unavailable while draining.
  absl::Status Undeploy(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

  // Accepts `invocation` for function `name` or refuses it at once: NotFound (unknown
  // function), ResourceExhausted (every worker full), Unavailable (draining). Accepted:
  // `invocation->done` will be called exactly once, on a worker thread. Refused: it is not.
  absl::Status Submit(const std::string& name, std::unique_ptr<Invocation> invocation)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Refuse new work from now on; running work finishes. When it returns, no caller is
  // inside the pool through this scheduler any more, so the pool may be destroyed once
  // the work in flight is done.
  void StopAccepting() ABSL_LOCKS_EXCLUDED(mu_);
  bool draining() const ABSL_LOCKS_EXCLUDED(mu_);
  // Invocations accepted and not finished, on all workers.
  int Inflight() const;

 private:
  void PrepareAndPublish(std::shared_ptr<const FunctionSpec> spec,
                         absl::AnyInvocable<void(absl::Status) &&> done) ABSL_LOCKS_EXCLUDED(mu_);
  // The function's home worker, or the least loaded after it; -1 when every worker is
  // wedged.
  int PickWorker(const std::string& name) const;

  IsolatePool* const pool_;
  FunctionRegistry* const registry_;
  const SchedulerOptions options_;
  // Readers: calls that reach into the pool. The writer: StopAccepting.
  mutable absl::Mutex mu_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<unsigned> next_prepare_worker_{0};
};

}  // namespace hearth

#endif  // HEARTH_SCHEDULER_SCHEDULER_H_
