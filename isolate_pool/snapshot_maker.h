// SnapshotMaker: decides at deploy whether a function's isolates boot from a snapshot of
// their own, and makes it: from the disk cache, or by running the function's top level in
// a builder child process (see snapshot_builder_child.h). The builder's verdict on the top
// level (compile errors, exceptions, budgets) is the deploy's.
//
// A function that loads into generic isolates gets its V8 code cache kept in the same
// store (function_code_cache.h), so a restart does not compile it from source again.
//
// Per function, by its SnapshotPolicy: kNever loads it into generic pre-booted isolates;
// kAlways snapshots it; kAuto snapshots it when its top level costs at least
// `snapshot_threshold_ms` of CPU, below which loading it into a pre-booted isolate is the
// cheaper cold start (see docs/ARCHITECTURE.md). Under kAuto, a top level V8 cannot
// serialize falls back to generic isolates; under kAlways it fails the deploy.
//
// Thread: Make() and Forget() from any thread. Builds run on the maker's own threads, one
// per worker (each build is a child process busy on one core), each request on the least
// busy one, where `done` is called (inline for kNever).
#ifndef HEARTH_ISOLATE_POOL_SNAPSHOT_MAKER_H_
#define HEARTH_ISOLATE_POOL_SNAPSHOT_MAKER_H_

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "common/loop_thread.h"
#include "isolate_pool/builder_sandbox.h"
#include "isolate_pool/function_spec.h"
#include "isolate_pool/isolate_pool_options.h"
#include "isolate_pool/snapshot_cache.h"

namespace hearth {

class SnapshotMaker {
 public:
  explicit SnapshotMaker(const IsolatePoolOptions& options);
  ~SnapshotMaker();  // Finishes the builds in progress; later ones are answered UNAVAILABLE.

  SnapshotMaker(const SnapshotMaker&) = delete;
  SnapshotMaker& operator=(const SnapshotMaker&) = delete;

  // Sets `spec->snapshot` when the function is to boot from its own snapshot. `spec` is not
  // published yet: nothing else reads it until `done` has run. Fails with
  // FunctionIsolate::Load's codes when the top level fails.
  void Make(std::shared_ptr<FunctionSpec> spec, absl::AnyInvocable<void(absl::Status) &&> done);

  // Drops the cache entry of a version that is no longer deployed.
  void Forget(const FunctionSpec& spec);

 private:
  absl::Status MakeNow(FunctionSpec& spec);
  // For a function that loads into generic isolates: gives it the code cache kept from an
  // earlier run, and has the one made later kept on disk.
  void KeepCodeCache(FunctionSpec& spec) const;
  bool Wanted(SnapshotPolicy policy, int64_t top_level_cpu_us) const;

  struct Builder {
    explicit Builder(int index);
    std::atomic<int> pending{0};  // Requests posted to it and not done.
    LoopThread thread;
  };

  // The cap on a function's blob from the builder or the disk cache.
  uint64_t MaxBlobBytes(const FunctionSpec& spec) const;

  const IsolatePoolOptions& options_;
  const SnapshotCache cache_;
  // Who builders run as when the agent is root (resolved once: builder_sandbox.h).
  std::optional<BuilderIdentity> builder_identity_;
  std::vector<std::unique_ptr<Builder>> builders_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_SNAPSHOT_MAKER_H_
