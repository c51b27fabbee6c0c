// Quarantine: functions that crashed the agent (PRODUCT.md section 6). They stay saved in
// the state dir and listed, but are not loaded into isolates; invoking one is refused with
// FAILED_PRECONDITION saying why, until a successful deploy of the name lifts it.
//
// How a function gets here: the crash journal of the run that died names it
// (crash_journal.h); QuarantineCrashedFunctions() persists that in the state dir before the
// journal is cleared, and at restore the agent Add()s every saved function marked so, instead
// of loading it. So a quarantine survives any number of restarts.
//
// Thread: thread-safe; the service calls it from gRPC threads and from the worker that
// finishes a deploy.
#ifndef HEARTH_AGENT_QUARANTINE_H_
#define HEARTH_AGENT_QUARANTINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "agent/crash_record.h"
#include "agent/function_spec_builder.h"
#include "agent/state_store.h"
#include "hearth/v1/agent.pb.h"

namespace hearth {

class Quarantine {
 public:
  // `state`: where lifting is persisted; null when the agent has no state dir.
  explicit Quarantine(const StateStore* state) : state_(state) {}

  // Adds a saved function that is quarantined for `reason` (at restore).
  void Add(const v1::DeployRequest& saved, const std::string& reason, const IsolatePool& pool,
           const DeployCaps& caps) ABSL_LOCKS_EXCLUDED(mu_);

  // For an invocation the scheduler refused with `not_found`: FAILED_PRECONDITION saying why
  // if `name` is quarantined, else `not_found` itself.
  absl::Status Explain(const std::string& name, absl::Status not_found) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // What GetFunction/ListFunctions show for a quarantined function.
  std::optional<v1::FunctionInfo> Find(const std::string& name) const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<v1::FunctionInfo> List() const ABSL_LOCKS_EXCLUDED(mu_);

  // After a successful deploy of `name`: lifts its quarantine, durably, if it had one.
  absl::Status Lift(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // After `name` is undeployed (its files removed by StateStore::Remove): forgets it.
  // True if it was quarantined.
  bool Forget(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const StateStore* const state_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, v1::FunctionInfo> functions_ ABSL_GUARDED_BY(mu_);
};

// The quarantine reason of a crash: "the agent crashed (SIGSEGV) while it ran on worker 0".
std::string CrashReason(const CrashRecord& crash);

// Persists a quarantine for each function named in `crashes` (the last crash's reason wins)
// and logs every crash, including those that name no function (nothing is quarantined then).
absl::Status QuarantineCrashedFunctions(const std::vector<CrashRecord>& crashes,
                                        const StateStore& state);

}  // namespace hearth

#endif  // HEARTH_AGENT_QUARANTINE_H_
