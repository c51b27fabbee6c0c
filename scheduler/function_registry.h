// FunctionRegistry: the functions deployed on this agent, by name, each at its current
// version. Publishing a new version is atomic: lookups return either the old or the new
// spec, and a spec stays alive while any invocation holds it.
//
// Thread: thread-safe; every method may be called from any thread.
#ifndef HEARTH_SCHEDULER_FUNCTION_REGISTRY_H_
#define HEARTH_SCHEDULER_FUNCTION_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "isolate_pool/function_spec.h"

namespace hearth {

class FunctionRegistry {
 public:
  using SpecPtr = std::shared_ptr<const FunctionSpec>;

  // Makes `spec` the current version of its name.
  void Publish(SpecPtr spec) ABSL_LOCKS_EXCLUDED(mu_);
  // Removes `name`; false if it was not deployed.
  bool Remove(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // The current version, or null.
  SpecPtr Find(const std::string& name) const ABSL_LOCKS_EXCLUDED(mu_);
  // Every current version, sorted by name.
  std::vector<SpecPtr> List() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, SpecPtr> functions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_SCHEDULER_FUNCTION_REGISTRY_H_
