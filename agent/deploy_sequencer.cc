#include "agent/deploy_sequencer.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hearth {

absl::Status DeploySequencer::Run(const std::string& name, Operation operation) {
  {
    absl::MutexLock lock(&mu_);
    if (!accepting_) return absl::UnavailableError("the agent is draining");
    auto [it, idle] = waiting_.try_emplace(name);
    if (!idle) {
      if (it->second.size() >= kMaxWaitingPerName) {
        return absl::ResourceExhaustedError(absl::StrCat(
            kMaxWaitingPerName, " deploys or undeploys of '", name, "' are already waiting"));
      }
      it->second.push_back(std::move(operation));
      ++in_flight_;
      return absl::OkStatus();
    }
    ++in_flight_;
    ++starting_;
  }
  Start(name, std::move(operation));
  return absl::OkStatus();
}

void DeploySequencer::Start(const std::string& name, Operation operation) {
  // An operation that finishes inline starts the next one from inside this call: the depth
  // is bounded by kMaxWaitingPerName.
  std::move(operation)(absl::OkStatus(), [this, name]() { Finished(name); });
  absl::MutexLock lock(&mu_);
  --starting_;
}

void DeploySequencer::Finished(const std::string& name) {
  Operation next;
  {
    absl::MutexLock lock(&mu_);
    --in_flight_;
    auto it = waiting_.find(name);
    if (it->second.empty()) {
      waiting_.erase(it);
      return;
    }
    next = std::move(it->second.front());
    it->second.pop_front();
    ++starting_;
  }
  Start(name, std::move(next));
}

void DeploySequencer::StopAccepting() {
  absl::MutexLock lock(&mu_);
  accepting_ = false;
}

int DeploySequencer::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

void DeploySequencer::Abandon() {
  std::vector<Operation> abandoned;
  {
    absl::MutexLock lock(&mu_);
    accepting_ = false;
    for (auto& [name, queue] : waiting_) {
      for (Operation& operation : queue) abandoned.push_back(std::move(operation));
      queue.clear();  // The entry stays: its running operation will call Finished.
    }
    in_flight_ -= static_cast<int>(abandoned.size());
  }
  for (Operation& operation : abandoned) {
    std::move(operation)(
        absl::UnavailableError(
            "the agent shut down while this request waited for an earlier one of its name"),
        [] {});
  }
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* starting) { return *starting == 0; }, &starting_));
}

}  // namespace hearth
