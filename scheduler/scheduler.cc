#include "scheduler/scheduler.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace hearth {

Scheduler::Scheduler(IsolatePool* pool, FunctionRegistry* registry, const SchedulerOptions& options)
    : pool_(pool), registry_(registry), options_(options) {}

void Scheduler::StopAccepting() {
  absl::WriterMutexLock lock(&mu_);
  draining_ = true;
}

bool Scheduler::draining() const {
  absl::ReaderMutexLock lock(&mu_);
  return draining_;
}

void Scheduler::Close() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
  closed_ = true;
  // Held as writer once the condition holds: no Submit or Undeploy is inside either.
  mu_.Await(absl::Condition(
      +[](int* users) { return *users == 0; }, &pool_users_));
}

bool Scheduler::EnterPool() {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  ++pool_users_;
  return true;
}

void Scheduler::LeavePool() {
  absl::MutexLock lock(&mu_);
  --pool_users_;
}

void Scheduler::Deploy(std::shared_ptr<FunctionSpec> spec,
                       absl::AnyInvocable<void(absl::Status) &&> done) {
  if (!EnterPool()) return std::move(done)(absl::UnavailableError("the agent is shutting down"));
  // First the top level runs in the snapshot builder (the verdict on the source), then the
  // function's first isolates are prepared, from its snapshot if it got one.
  pool_->MakeSnapshot(spec, [this, spec, done = std::move(done)](absl::Status status) mutable {
    if (!status.ok()) return std::move(done)(std::move(status));
    PrepareAndPublish(std::move(spec), std::move(done));
  });
  LeavePool();
}

void Scheduler::PrepareAndPublish(std::shared_ptr<const FunctionSpec> spec,
                                  absl::AnyInvocable<void(absl::Status) &&> done) {
  if (!EnterPool()) {
    return std::move(done)(absl::UnavailableError(
        absl::StrCat("the agent shut down before function '", spec->name, "' was deployed")));
  }
  // min_warm isolates (at least one: it proves the function boots), the first on the
  // function's home worker, where its first invocations go, the rest spread over the others.
  // Published once all are up; the first failure is the answer.
  struct Pending {
    std::shared_ptr<const FunctionSpec> spec;
    absl::AnyInvocable<void(absl::Status) &&> done;
    absl::Mutex mu;
    int left ABSL_GUARDED_BY(mu);
    absl::Status status ABSL_GUARDED_BY(mu);
  };
  const int count = std::max<int>(1, static_cast<int>(spec->pool.min_warm));
  auto pending = std::make_shared<Pending>();  // Shared by the workers that boot them.
  pending->spec = spec;
  pending->done = std::move(done);
  pending->left = count;
  const int home = PickWorker(spec->name);
  std::vector<int> healthy;  // From the home worker on; a wedged worker prepares nothing.
  for (int i = 0; home >= 0 && i < pool_->workers(); ++i) {
    if (!pool_->Wedged((home + i) % pool_->workers()))
      healthy.push_back((home + i) % pool_->workers());
  }
  if (healthy.empty()) {
    LeavePool();
    return std::move(pending->done)(absl::UnavailableError(
        "every worker is wedged in a function that does not stop; retry on another node"));
  }
  for (int i = 0; i < count; ++i) {
    pool_->Prepare(healthy[i % healthy.size()], spec, [this, pending](absl::Status status) {
      {
        absl::MutexLock lock(&pending->mu);
        if (pending->status.ok()) pending->status = std::move(status);
        if (--pending->left > 0) return;
      }
      // The last one: no other thread touches `pending` any more.
      absl::Status result = [&] {
        absl::MutexLock lock(&pending->mu);
        return pending->status;
      }();
      if (result.ok()) result = CheckWarmIsolatesFit(*pending->spec);
      if (result.ok()) result = Publish(pending->spec);
      std::move(pending->done)(std::move(result));
    });
  }
  LeavePool();
}

absl::Status Scheduler::CheckWarmIsolatesFit(const FunctionSpec& spec) {
  if (!spec.pool.min_warm_pinned || spec.pool.min_warm <= 1) return absl::OkStatus();
  // The isolates just booted tell what one of this function takes; what other functions'
  // isolates hold is not available to it.
  const int64_t isolates = spec.stats->warm_isolates.load(std::memory_order_relaxed) +
                           spec.stats->busy_isolates.load(std::memory_order_relaxed);
  const int64_t mine = spec.stats->memory_bytes.load(std::memory_order_relaxed);
  int64_t others = 0;
  for (const auto& other : registry_->List()) {
    if (other->name != spec.name)
      others += other->stats->memory_bytes.load(std::memory_order_relaxed);
  }
  const int64_t each = isolates > 0 ? mine / isolates : 0;
  const uint64_t most = pool_->MostWarmIsolates(each, others);
  if (spec.pool.min_warm <= most) return absl::OkStatus();
  // Not published: the isolates booted for it go (a previous version, if any, stays).
  std::shared_ptr<const FunctionSpec> previous = registry_->Find(spec.name);
  if (previous != nullptr) {
    pool_->RetireOtherVersions(spec.name, previous->version);
  } else {
    pool_->Remove(spec.name);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "pool.min_warm (", spec.pool.min_warm, ") is more than this agent can keep warm of '",
      spec.name, "': its isolates take ", each >> 10, " KiB each, and at most ", most,
      " of them fit the isolate memory budget of ", pool_->options().isolate_memory_budget_mb,
      " MB beside the other functions' isolates"));
}

absl::Status Scheduler::Publish(const std::shared_ptr<const FunctionSpec>& spec) {
  if (!EnterPool()) {
    // Booted, but the drain's grace ran out and the pool may be going away under us: not
    // published (and not answered OK, so not persisted either).
    return absl::UnavailableError(
        absl::StrCat("the agent shut down before function '", spec->name, "' was deployed"));
  }
  std::shared_ptr<const FunctionSpec> previous = registry_->Find(spec->name);
  registry_->Publish(spec);
  pool_->RetireOtherVersions(spec->name, spec->version);
  if (previous != nullptr && previous->version != spec->version) pool_->ForgetSnapshot(*previous);
  LeavePool();
  return absl::OkStatus();
}

absl::Status Scheduler::Undeploy(const std::string& name) {
  absl::ReaderMutexLock lock(&mu_);
  if (closed_) return absl::UnavailableError("the agent is shutting down");
  std::shared_ptr<const FunctionSpec> removed = registry_->Find(name);
  if (removed == nullptr || !registry_->Remove(name)) {
    return absl::NotFoundError(absl::StrCat("function '", name, "' not found"));
  }
  pool_->Remove(name);
  pool_->ForgetSnapshot(*removed);
  return absl::OkStatus();
}

absl::Status Scheduler::Submit(const std::string& name, std::unique_ptr<Invocation> invocation) {
  absl::ReaderMutexLock lock(&mu_);
  if (draining_) return absl::UnavailableError("the agent is draining; retry on another node");
  invocation->function = registry_->Find(name);
  if (invocation->function == nullptr) {
    return absl::NotFoundError(absl::StrCat("function '", name, "' not found"));
  }
  const int worker = PickWorker(name);
  if (worker < 0) {
    return absl::UnavailableError(
        "every worker is wedged in a function that does not stop; retry on another node");
  }
  if (pool_->Inflight(worker) >= options_.max_inflight_per_worker) {
    return absl::ResourceExhaustedError(absl::StrCat("overloaded: every worker has ",
                                                     options_.max_inflight_per_worker,
                                                     " invocations in flight"));
  }
  const FunctionSpec& spec = *invocation->function;
  spec.stats->invocations.fetch_add(1, std::memory_order_relaxed);
  invocation->deadline_us = std::min(
      invocation->deadline_us, invocation->accepted_us + int64_t{spec.limits.timeout_ms} * 1000);
  pool_->Invoke(worker, std::move(invocation));
  return absl::OkStatus();
}

int Scheduler::Inflight() const {
  int total = 0;
  for (int i = 0; i < pool_->workers(); ++i) total += pool_->Inflight(i);
  return total;
}

int Scheduler::PickWorker(const std::string& name) const {
  // Start at the function's home worker and take the first with the least work: an idle
  // agent always picks the home worker, where the function's warm isolates are.
  // A wedged worker (ExecutionWatchdog) gets nothing new.
  const int workers = pool_->workers();
  const int home = static_cast<int>(absl::Hash<std::string>{}(name) % workers);
  int best = -1;
  int best_load = INT32_MAX;
  for (int step = 0; step < workers && best_load > 0; ++step) {
    const int candidate = (home + step) % workers;
    if (pool_->Wedged(candidate)) continue;
    const int load = pool_->Inflight(candidate);
    if (load < best_load) best = candidate, best_load = load;
  }
  return best;
}

}  // namespace hearth
