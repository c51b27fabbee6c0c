// FunctionCodeCache: V8's code cache for one version of a function that loads into generic
// isolates (no snapshot of its own). It is made once, by the first isolate that has loaded
// the module *and* served an invocation, so it holds the bytecode of the functions that
// ran, not only of the top level (V8 compiles functions lazily, on first call); every later
// load of that version compiles from it and skips parsing and compiling what it holds.
//
// Thread: any. One per FunctionSpec, shared by the workers; the bytes are immutable once
// published (readers keep them alive with the shared_ptr they got).
#ifndef HEARTH_ISOLATE_POOL_FUNCTION_CODE_CACHE_H_
#define HEARTH_ISOLATE_POOL_FUNCTION_CODE_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace hearth {

class FunctionCodeCache {
 public:
  // Process-wide counts, for /metrics.
  struct Totals {
    uint64_t made = 0;      // caches made after an invocation
    uint64_t used = 0;      // loads that compiled from a cache
    uint64_t rejected = 0;  // loads whose cache V8 refused (they compiled from source)
    uint64_t loaded = 0;    // caches read back from disk at a deploy or restart
  };
  // Called with a cache once it is made, on the thread that made it (a worker, after the
  // invocation's answer went out): to keep it on disk.
  using Persist = absl::AnyInvocable<void(const std::string& bytes)>;
  static Totals totals();

  // The cache, or null while there is none.
  std::shared_ptr<const std::string> Get() const ABSL_LOCKS_EXCLUDED(mu_);

  // True for one caller at a time while there is no cache (and fewer than
  // kMaxRejections attempts failed): that caller makes one and calls Publish (with the
  // bytes, or empty if V8 made none, which counts as a failed attempt).
  bool Claim() ABSL_LOCKS_EXCLUDED(mu_);
  // Returns the writing of the cache to the state dir when this is the version's first
  // (null otherwise), for the caller to run off its loop: it is disk I/O.
  absl::AnyInvocable<void() &&> Publish(std::string bytes) ABSL_LOCKS_EXCLUDED(mu_);

  // While the version is being deployed (before any isolate uses it): a cache kept from an
  // earlier run, and where to keep the one made later.
  void Preload(std::string bytes) ABSL_LOCKS_EXCLUDED(mu_);
  void SetPersist(Persist persist) ABSL_LOCKS_EXCLUDED(mu_);

  // Records a load that compiled from `cache` (as Get returned it). When V8 refused it,
  // it is dropped, so that a later isolate makes a new one (a refusal means another V8
  // build or other flags: not expected within one process, hence at most a few retries).
  void NoteUsed(const std::shared_ptr<const std::string>& cache, bool rejected)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  static constexpr int kMaxRejections = 3;

  mutable absl::Mutex mu_;
  std::shared_ptr<const std::string> bytes_ ABSL_GUARDED_BY(mu_);
  bool claimed_ ABSL_GUARDED_BY(mu_) = false;
  int rejections_ ABSL_GUARDED_BY(mu_) = 0;
  Persist persist_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_FUNCTION_CODE_CACHE_H_
