// StateStore: keeps deployed functions in --state-dir so that they survive a restart.
// Each function is one file, functions/<name>.deploy, holding its DeployRequest; writes go
// to a temporary file renamed into place, so a crash leaves the old or the new version.
//
// Thread: thread-safe (distinct names touch distinct files; the directory is append-only).
#ifndef HEARTH_AGENT_STATE_STORE_H_
#define HEARTH_AGENT_STATE_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hearth/v1/agent.pb.h"

namespace hearth {

class StateStore {
 public:
  // Creates `dir`/functions if needed.
  static absl::StatusOr<StateStore> Open(const std::string& dir);

  absl::Status Save(const v1::DeployRequest& request) const;
  absl::Status Remove(const std::string& name) const;
  // Every saved deploy, sorted by name. Unreadable files are reported, not fatal.
  std::vector<absl::StatusOr<v1::DeployRequest>> LoadAll() const;

 private:
  explicit StateStore(std::string functions_dir) : functions_dir_(std::move(functions_dir)) {}
  std::string PathOf(const std::string& name) const;

  std::string functions_dir_;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_STATE_STORE_H_
