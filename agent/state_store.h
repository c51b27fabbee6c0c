// StateStore: keeps deployed functions in --state-dir so that they survive a restart, and
// remembers which of them are quarantined (they crashed the agent; see crash_journal.h).
//
//   DIR/lock                      held (flock) while an agent uses DIR
//   DIR/functions/                mode 0700
//   DIR/functions/NAME.deploy     the DeployRequest, sealed (sealed_record.h), mode 0600
//   DIR/functions/NAME.quarantine why NAME is quarantined, sealed, mode 0600
//
// Every write and removal is durable when it returns (durable_file.h): after a crash or a
// power loss each function is there whole, or absent. Open() sweeps what a crash can leave
// (temporary files, a quarantine whose function is gone). A file that is damaged or cut short
// is reported by LoadAll() and skipped; the others still load.
//
// Thread: thread-safe (methods keep no state beyond the paths; distinct names touch distinct
// files, and a write of one name replaces that file atomically).
#ifndef HEARTH_AGENT_STATE_STORE_H_
#define HEARTH_AGENT_STATE_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/unique_fd.h"
#include "hearth/v1/agent.pb.h"

namespace hearth {

struct SavedFunction {
  v1::DeployRequest request;
  // Why the function is quarantined; empty when it is not.
  std::string quarantine_reason;
};

class StateStore {
 public:
  // Creates `dir` (0700) and `dir`/functions (0700) if needed, takes the directory's lock
  // (FAILED_PRECONDITION if another agent holds it) and sweeps leftovers of a crash.
  static absl::StatusOr<StateStore> Open(const std::string& dir);

  const std::string& dir() const { return dir_; }

  absl::Status Save(const v1::DeployRequest& request) const;
  // Removes the function and its quarantine.
  absl::Status Remove(const std::string& name) const;
  // Marks a saved function quarantined; NOT_FOUND if `name` is not saved.
  absl::Status Quarantine(const std::string& name, const std::string& reason) const;
  // OK if it was not quarantined.
  absl::Status LiftQuarantine(const std::string& name) const;

  // Every saved function, sorted by name. A file that cannot be read or is damaged comes
  // back as an error naming the file and why; it does not stop the others.
  std::vector<absl::StatusOr<SavedFunction>> LoadAll() const;

 private:
  StateStore(std::string dir, std::string functions_dir, UniqueFd lock)
      : dir_(std::move(dir)), functions_dir_(std::move(functions_dir)), lock_(std::move(lock)) {}
  absl::Status SweepLeftovers() const;
  absl::StatusOr<SavedFunction> Load(const std::string& name) const;

  std::string dir_;
  std::string functions_dir_;
  UniqueFd lock_;  // flock'ed; closing it (or dying) releases the state dir.
};

}  // namespace hearth

#endif  // HEARTH_AGENT_STATE_STORE_H_
