// PoolPolicy: the pool's rules in one place — when an idle isolate has outlived its
// function's idle_ttl_ms, which isolates a worker may keep idle, which the memory budget may
// take and in what order of preference, when a function is below its min_warm or at its
// max_isolates, and whether another isolate fits. Workers apply them to the isolates they
// hold; none decides on its own.
//
// Thread: immutable after construction; any thread (it reads the functions' atomics).
#ifndef HEARTH_ISOLATE_POOL_POOL_POLICY_H_
#define HEARTH_ISOLATE_POOL_POOL_POLICY_H_

#include <cstddef>
#include <cstdint>

#include "isolate_pool/function_spec.h"
#include "isolate_pool/isolate_pool_options.h"

namespace hearth {

// Which idle isolates the memory budget may take, in order: first those their function
// can spare (above its min_warm), then those kept only by the agent's default min_warm.
// Never below a min_warm the deploy asked for: such a deploy was refused if it could not
// fit, and a cold start that does not fit is refused (HasRoomFor).
enum class EvictionPass { kSpareOnly, kDefaultMinWarmToo };

class PoolPolicy {
 public:
  explicit PoolPolicy(const IsolatePoolOptions* options) : options_(options) {}

  // Idle (or primed) since `last_used_us` for longer than the function's idle_ttl_ms.
  static bool IdleTooLong(const FunctionSpec& spec, int64_t last_used_us, int64_t now_us);
  // Whether a worker holding `idle_here` idle isolates of `spec` may keep one more: under
  // the per-worker cap, or past it while the function is below its min_warm (the pool keeps
  // what the deploy asked for, wherever those isolates are).
  bool MayKeepIdle(const FunctionSpec& spec, size_t idle_here) const;
  // Takes one of `spec`'s warm isolates off its count if it has more than min_warm (other
  // workers sweep the same counter): true when the caller may retire one.
  static bool ClaimIdleAboveMinWarm(const FunctionSpec& spec);
  static bool MayEvict(const FunctionSpec& spec, EvictionPass pass);
  // Fewer isolates than min_warm (and still the current version): replenish.
  static bool BelowMinWarm(const FunctionSpec& spec);
  // max_isolates: no other isolate of `spec` now.
  static bool AtIsolateCap(const FunctionSpec& spec);

  // Each worker's share of the pool's memory budget; 0: no budget.
  int64_t WorkerBudgetBytes() const;
  // Whether another isolate fits a worker whose functions' isolates hold `function_bytes`.
  bool HasRoomFor(int64_t function_bytes) const;

 private:
  const IsolatePoolOptions* options_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_POOL_POLICY_H_
