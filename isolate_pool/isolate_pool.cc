#include "isolate_pool/isolate_pool.h"

#include <v8-initialization.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "isolate_pool/execution_watchdog.h"
#include "isolate_pool/limit_enforcer.h"
#include "isolate_pool/reserve_booter.h"
#include "isolate_pool/snapshot_cache.h"
#include "isolate_pool/snapshot_maker.h"
#include "isolate_pool/v8_platform.h"
#include "isolate_pool/worker.h"
#include "spdlog/spdlog.h"

namespace hearth {

namespace {
IsolatePoolOptions Normalized(IsolatePoolOptions options) {
  options.workers = std::max(options.workers, 1);  // Placement divides by it.
  // Blobs cached on disk are usable only with the seed they were made with. Takes effect
  // for the first pool of a process (V8 is initialised once).
  if (!options.snapshot_cache_dir.empty()) {
    SetV8HashSeed(SnapshotCache(options.snapshot_cache_dir).LoadOrCreateHashSeed());
  }
  SetIsolatePageProtection(options.isolate_page_protection);  // Also before V8 starts.
  return options;
}
}  // namespace

IsolatePool::IsolatePool(const IsolatePoolOptions& options)
    : options_(Normalized(options)),
      watchdog_(std::make_unique<ExecutionWatchdog>(max_threads(),
                                                    int64_t{options_.wedge_grace_ms} * 1000)),
      booter_(options_.reserve_per_worker > 0
                  ? std::make_unique<ReserveBooter>(size_t{options_.isolate_page_stock_mb} << 20)
                  : nullptr),
      serving_(new std::atomic<Worker*>[options_.workers]),
      snapshots_(std::make_unique<SnapshotMaker>(options_)) {
  SetIsolatePageRetainLimit(static_cast<size_t>(options_.isolate_page_retain_mb) << 20);
  absl::MutexLock lock(&replace_mu_);
  threads_.reserve(max_threads());
  for (int i = 0; i < options_.workers; ++i) {
    threads_.push_back(std::make_unique<Worker>(i, watchdog_.get(), booter_.get(), &options_));
    serving_[i].store(threads_.back().get(), std::memory_order_release);
  }
  thread_count_.store(options_.workers, std::memory_order_release);
  watchdog_->SetWedgeListener([this] {
    ReplaceWedgedWorkers();
    if (wedge_listener_) wedge_listener_();
  });
}

IsolatePool::~IsolatePool() {
  std::vector<std::unique_ptr<Worker>> threads;
  {
    absl::MutexLock lock(&replace_mu_);
    closing_ = true;  // No replacement from here on.
    threads = std::move(threads_);
  }
  // A deploy's snapshot build hands the function on to the workers: it goes first.
  snapshots_.reset();
  // Then the booter's thread: its deliveries post to workers. Then the workers (their
  // isolates may still be armed in the watchdog); they may still call the stopped booter.
  if (booter_ != nullptr) booter_->Stop();
  // A wedged worker's thread is still inside V8 and cannot be joined: it is left to the
  // process's exit, with what it may still touch (the booter, the watchdog).
  bool left_wedged = false;
  for (auto& worker : threads) {
    if (watchdog_->Wedged(worker->index())) {
      (void)worker.release();
      left_wedged = true;
    }
  }
  threads.clear();
  if (left_wedged) {
    (void)booter_.release();
    (void)watchdog_.release();
    return;
  }
  booter_.reset();
  watchdog_.reset();
}

void IsolatePool::ReplaceWedgedWorkers() {
  absl::MutexLock lock(&replace_mu_);
  if (closing_) return;
  for (int i = 0; i < options_.workers; ++i) {
    Worker* wedged = At(i);
    if (!watchdog_->Wedged(wedged->index())) continue;
    const int id = static_cast<int>(threads_.size());
    if (id >= max_threads()) {
      spdlog::error("worker {} is wedged and no spare worker is left to take its place", i);
      continue;
    }
    // What the wedged worker held (warm isolates, queued invocations) stays with it; the
    // fresh one cold-starts functions as they come. The wedged one may still come back:
    // it then serves nothing new, and goes with the pool.
    threads_.push_back(std::make_unique<Worker>(id, watchdog_.get(), booter_.get(), &options_));
    if (loop_services_) threads_.back()->StartService(loop_services_);
    serving_[i].store(threads_.back().get(), std::memory_order_release);
    thread_count_.store(id + 1, std::memory_order_release);
    spdlog::warn("worker {} is wedged; worker {} takes its place", wedged->index(), id);
  }
}

void IsolatePool::StartLoopServices(LoopServiceFactory factory) {
  absl::MutexLock lock(&replace_mu_);
  loop_services_ = std::move(factory);
  // Wedged threads too: their loop may come back, and a service that never runs costs
  // nothing (its share of a shared listening socket is taken by the others).
  for (auto& worker : threads_) worker->StartService(loop_services_);
}

bool IsolatePool::Wedged(int worker) const { return watchdog_->Wedged(At(worker)->index()); }

int IsolatePool::WorkerThreads() const { return thread_count_.load(std::memory_order_acquire); }

bool IsolatePool::ThreadWedged(int id) const { return watchdog_->Wedged(id); }

int IsolatePool::WedgedWorkers() const {
  int wedged = 0;
  for (int id = 0; id < WorkerThreads(); ++id) wedged += watchdog_->Wedged(id) ? 1 : 0;
  return wedged;
}

void IsolatePool::MarkWedgedForTesting(int worker) { watchdog_->Abandon(At(worker)->index()); }

void IsolatePool::SetWedgeListener(std::function<void()> listener) {
  wedge_listener_ = std::move(listener);
}

void IsolatePool::Prepare(int worker, std::shared_ptr<const FunctionSpec> spec,
                          absl::AnyInvocable<void(absl::Status) &&> done) {
  At(worker)->Prepare(std::move(spec), std::move(done));
}

void IsolatePool::MakeSnapshot(std::shared_ptr<FunctionSpec> spec,
                               absl::AnyInvocable<void(absl::Status) &&> done) {
  snapshots_->Make(std::move(spec), std::move(done));
}

void IsolatePool::ForgetSnapshot(const FunctionSpec& spec) { snapshots_->Forget(spec); }

void IsolatePool::Invoke(int worker, std::unique_ptr<Invocation> invocation) {
  At(worker)->Invoke(std::move(invocation));
}

void IsolatePool::Remove(const std::string& name) {
  for (int i = 0; i < workers(); ++i) At(i)->Remove(name);
}

void IsolatePool::RetireOtherVersions(const std::string& name, const std::string& version) {
  for (int i = 0; i < workers(); ++i) At(i)->Remove(name, version);
}

IsolatePool::MemoryReuse IsolatePool::memory_reuse() {
  const ReusingPageAllocator::Stats stats = IsolatePageStats();
  return {.retained_bytes = stats.retained_bytes,
          .reused_regions = stats.reused_regions,
          .fresh_regions = stats.fresh_regions,
          .stocked_regions = stats.stocked_regions,
          .zeroed_bytes = stats.zeroed_bytes,
          .mprotect_calls = stats.mprotect_calls};
}

int IsolatePool::Inflight(int worker) const { return At(worker)->inflight(); }

absl::StatusOr<FunctionLimits> IsolatePool::ResolveLimits(const FunctionLimits& requested) const {
  FunctionLimits resolved;
  const FunctionLimits& defaults = options_.default_limits;
  const FunctionLimits& caps = options_.max_limits;
  auto resolve = [](uint32_t value, uint32_t fallback, uint32_t cap, const char* name,
                    uint32_t* out) -> absl::Status {
    if (value > cap) {
      return absl::InvalidArgumentError(
          absl::StrCat("limits.", name, " = ", value, " exceeds the agent's cap of ", cap));
    }
    *out = value == 0 ? fallback : value;
    return absl::OkStatus();
  };
  for (absl::Status status : {
           resolve(requested.cpu_ms, defaults.cpu_ms, caps.cpu_ms, "cpu_ms", &resolved.cpu_ms),
           resolve(requested.memory_mb, defaults.memory_mb, caps.memory_mb, "memory_mb",
                   &resolved.memory_mb),
           resolve(requested.timeout_ms, defaults.timeout_ms, caps.timeout_ms, "timeout_ms",
                   &resolved.timeout_ms),
       }) {
    if (!status.ok()) return status;
  }
  return resolved;
}

absl::StatusOr<FunctionPoolSettings> IsolatePool::ResolvePool(
    const FunctionPoolSettings& requested) const {
  const FunctionPoolSettings& defaults = options_.default_pool;
  auto pick = [](uint32_t value, uint32_t fallback) { return value == 0 ? fallback : value; };
  FunctionPoolSettings pool{
      .min_warm = pick(requested.min_warm, defaults.min_warm),
      .min_warm_pinned = requested.min_warm != 0,
      // Unset: room for the warm ones asked for, at least.
      .max_isolates = requested.max_isolates != 0
                          ? requested.max_isolates
                          : std::max(defaults.max_isolates, requested.min_warm),
      .idle_ttl_ms = pick(requested.idle_ttl_ms, defaults.idle_ttl_ms),
      .max_invocations_per_isolate =
          pick(requested.max_invocations_per_isolate, defaults.max_invocations_per_isolate),
  };
  if (pool.min_warm > pool.max_isolates) {
    return absl::InvalidArgumentError(absl::StrCat("pool.min_warm (", pool.min_warm,
                                                   ") is more than pool.max_isolates (",
                                                   pool.max_isolates, ")"));
  }
  // No isolate takes less than V8's floor: past budget / floor, min_warm cannot be kept
  // whatever the function (the deploy then measures its real isolates; see the scheduler).
  const uint64_t most = MostWarmIsolates(LimitEnforcer::kSmallestIsolateBytes);
  if (pool.min_warm_pinned && pool.min_warm > most) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pool.min_warm (", pool.min_warm, ") is more than this agent can keep warm: at most ", most,
        " isolates fit its isolate memory budget of ", options_.isolate_memory_budget_mb, " MB"));
  }
  return pool;
}

uint64_t IsolatePool::MostWarmIsolates(int64_t isolate_bytes, int64_t other_bytes) const {
  const int64_t budget = static_cast<int64_t>(options_.isolate_memory_budget_mb << 20);
  if (budget == 0) return UINT64_MAX;
  // Each worker keeps its share of the budget, and its reserve isolates take part of it.
  const int64_t reserve = static_cast<int64_t>(options_.reserve_per_worker) * workers() *
                          LimitEnforcer::kSmallestIsolateBytes;
  const int64_t room = budget - reserve - other_bytes;
  return room <= 0 ? 0 : static_cast<uint64_t>(room / std::max<int64_t>(isolate_bytes, 1));
}

std::string IsolatePool::V8Version() { return v8::V8::GetVersion(); }

}  // namespace hearth
