#include "isolate_pool/pool_policy.h"

#include <atomic>

#include "isolate_pool/limit_enforcer.h"

namespace hearth {

bool PoolPolicy::IdleTooLong(const FunctionSpec& spec, int64_t last_used_us, int64_t now_us) {
  const uint32_t ttl_ms = spec.pool.idle_ttl_ms;
  return ttl_ms != 0 && now_us - last_used_us >= int64_t{ttl_ms} * 1000;
}

bool PoolPolicy::MayKeepIdle(const FunctionSpec& spec, size_t idle_here) const {
  return idle_here < options_->max_idle_per_function_per_worker ||
         spec.stats->warm_isolates.load(std::memory_order_relaxed) < int64_t{spec.pool.min_warm};
}

bool PoolPolicy::ClaimIdleAboveMinWarm(const FunctionSpec& spec) {
  std::atomic<int64_t>& warm = spec.stats->warm_isolates;
  int64_t current = warm.load(std::memory_order_relaxed);
  while (current > int64_t{spec.pool.min_warm}) {
    if (warm.compare_exchange_weak(current, current - 1, std::memory_order_relaxed)) return true;
  }
  return false;
}

bool PoolPolicy::MayEvict(const FunctionSpec& spec, EvictionPass pass) {
  const bool at_min_warm =
      spec.stats->warm_isolates.load(std::memory_order_relaxed) <= int64_t{spec.pool.min_warm};
  return !at_min_warm || (pass == EvictionPass::kDefaultMinWarmToo && !spec.pool.min_warm_pinned);
}

bool PoolPolicy::BelowMinWarm(const FunctionSpec& spec) {
  return !spec.superseded.load(std::memory_order_relaxed) && spec.pool.min_warm > 0 &&
         spec.stats->warm_isolates.load(std::memory_order_relaxed) +
                 spec.stats->busy_isolates.load(std::memory_order_relaxed) <
             int64_t{spec.pool.min_warm};
}

bool PoolPolicy::AtIsolateCap(const FunctionSpec& spec) {
  const uint32_t cap = spec.pool.max_isolates;
  return cap > 0 && spec.stats->warm_isolates.load(std::memory_order_relaxed) +
                            spec.stats->busy_isolates.load(std::memory_order_relaxed) >=
                        int64_t{cap};
}

int64_t PoolPolicy::WorkerBudgetBytes() const {
  return static_cast<int64_t>((options_->isolate_memory_budget_mb << 20) / options_->workers);
}

bool PoolPolicy::HasRoomFor(int64_t function_bytes) const {
  const int64_t budget = WorkerBudgetBytes();
  return budget == 0 || function_bytes + LimitEnforcer::kSmallestIsolateBytes <= budget;
}

}  // namespace hearth
