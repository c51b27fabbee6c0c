// FunctionSpec: one deployed version of a function, as the isolate pool needs it.
// Immutable once built and shared (std::shared_ptr<const FunctionSpec>) by the registry
// and every invocation in flight, so a redeploy never changes a version under a running
// invocation.
#ifndef HEARTH_ISOLATE_POOL_FUNCTION_SPEC_H_
#define HEARTH_ISOLATE_POOL_FUNCTION_SPEC_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "isolate_pool/function_code_cache.h"
#include "isolate_pool/observer.h"

namespace hearth {

struct FunctionLimits {
  uint32_t cpu_ms = 0;
  uint32_t memory_mb = 0;
  uint32_t timeout_ms = 0;
};

struct FunctionPoolSettings {
  uint32_t min_warm = 0;
  // Whether the deploy asked for min_warm itself: then those isolates are kept whatever the
  // memory budget says (the deploy was refused if they could not fit). The agent's default
  // is best effort: the budget may take a function's last idle isolate.
  bool min_warm_pinned = false;
  uint32_t max_isolates = 0;
  uint32_t idle_ttl_ms = 0;
  uint32_t max_invocations_per_isolate = 0;
};

// Whether a function's isolates boot from a snapshot of its own (its top level already run),
// or load it into a generic pre-booted isolate (its top level runs at that load).
enum class SnapshotPolicy {
  kAuto,    // A snapshot when the top level costs more CPU than the agent's threshold.
  kAlways,  // Always a snapshot; a top level that cannot be snapshotted fails the deploy.
  kNever,   // Never: every cold start runs the top level.
};

// A V8 startup blob: the runtime snapshot plus the function's module, evaluated at deploy.
struct FunctionSnapshot {
  std::string blob;  // V8 reads it while booting each isolate: never changed once built.
  int64_t top_level_cpu_us = 0;  // What evaluating the module cost when it was built.
};

// Counters of a function across its versions.
struct FunctionStats {
  std::atomic<uint64_t> invocations{0};  // Accepted since the agent started.
  // Isolates holding the function (any version), kept by the workers as they move.
  std::atomic<int64_t> warm_isolates{0};  // Idle, ready for an invocation.
  std::atomic<int64_t> busy_isolates{0};  // Running an invocation.
  // Memory those isolates hold (heap pages, V8 mallocs, ArrayBuffers), as last measured.
  std::atomic<int64_t> memory_bytes{0};
};

struct FunctionSpec {
  std::string name;
  std::string version;  // Content hash of everything below.
  std::string source;
  FunctionLimits limits;                                 // Defaults already applied.
  FunctionPoolSettings pool;                             // Defaults already applied.
  std::vector<std::pair<std::string, std::string>> env;  // Sorted by key.
  SnapshotPolicy snapshot_policy = SnapshotPolicy::kAuto;
  // Set while the deploy prepares the function (before publication) when its isolates
  // boot from its own snapshot; null when they load it into generic isolates.
  std::shared_ptr<const FunctionSnapshot> snapshot;
  int64_t deployed_at_ms = 0;  // Unix time.
  // Shared by all versions of one function: the function's metrics outlive a version.
  std::shared_ptr<FunctionObserver> observer = std::make_shared<FunctionObserver>();
  std::shared_ptr<FunctionStats> stats = std::make_shared<FunctionStats>();
  // Set (once, by the registry) when a newer version is published or the function is
  // removed. Workers then stop booting isolates for this version in the background.
  mutable std::atomic<bool> superseded{false};
  // This version's code cache, made after its first invocation in a generic isolate
  // (internally synchronised: with `superseded`, all that changes after publication).
  std::shared_ptr<FunctionCodeCache> code_cache = std::make_shared<FunctionCodeCache>();
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_FUNCTION_SPEC_H_
