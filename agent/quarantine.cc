#include "agent/quarantine.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"

namespace hearth {

void Quarantine::Add(const v1::DeployRequest& saved, const std::string& reason,
                     const IsolatePool& pool, const DeployCaps& caps) {
  // Described as a deploy of the same request would be; a request this agent would now
  // refuse (say, its caps were lowered) still shows what it can.
  v1::FunctionInfo info;
  if (absl::StatusOr<std::shared_ptr<FunctionSpec>> spec = BuildFunctionSpec(saved, pool, caps);
      spec.ok()) {
    info = DescribeFunction(**spec);
  } else {
    info.set_name(saved.name());
    info.set_source_bytes(saved.source().size());
  }
  info.set_quarantined(true);
  info.set_quarantine_reason(reason);
  absl::MutexLock lock(&mu_);
  functions_[saved.name()] = std::move(info);
}

absl::Status Quarantine::Explain(const std::string& name, absl::Status not_found) const {
  absl::MutexLock lock(&mu_);
  auto it = functions_.find(name);
  if (it == functions_.end()) return not_found;
  return absl::FailedPreconditionError(
      absl::StrCat("function '", name, "' is quarantined: ", it->second.quarantine_reason(),
                   "; deploy it again to lift the quarantine"));
}

std::optional<v1::FunctionInfo> Quarantine::Find(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = functions_.find(name);
  if (it == functions_.end()) return std::nullopt;
  return it->second;
}

std::vector<v1::FunctionInfo> Quarantine::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::FunctionInfo> list;
  list.reserve(functions_.size());
  for (const auto& [name, info] : functions_) list.push_back(info);
  return list;
}

absl::Status Quarantine::Lift(const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (!functions_.contains(name)) return absl::OkStatus();
  // On disk first: if that fails, the function stays quarantined here too, as it will be
  // after a restart.
  if (state_ != nullptr) {
    if (absl::Status lifted = state_->LiftQuarantine(name); !lifted.ok()) return lifted;
  }
  functions_.erase(name);
  spdlog::info("function '{}': quarantine lifted by a new deploy", name);
  return absl::OkStatus();
}

bool Quarantine::Forget(const std::string& name) {
  absl::MutexLock lock(&mu_);
  return functions_.erase(name) > 0;
}

std::string CrashReason(const CrashRecord& crash) {
  return absl::StrCat("the agent crashed (", SignalName(crash.signal), ") while it ran on worker ",
                      crash.worker);
}

absl::Status QuarantineCrashedFunctions(const std::vector<CrashRecord>& crashes,
                                        const StateStore& state) {
  for (const CrashRecord& crash : crashes) {
    if (crash.function.empty()) {
      spdlog::warn(
          "the last run died of {} on a thread that ran no function; nothing is quarantined",
          SignalName(crash.signal));
      continue;
    }
    const std::string reason = CrashReason(crash);
    absl::Status quarantined = state.Quarantine(crash.function, reason);
    if (absl::IsNotFound(quarantined)) {
      // It crashed before its first deploy was saved: there is nothing to restore.
      spdlog::warn("the last run died: {} ('{}' was never saved; nothing to quarantine)", reason,
                   crash.function);
      continue;
    }
    if (!quarantined.ok()) return quarantined;
    spdlog::warn("the last run died: {}; function '{}' is quarantined", reason, crash.function);
  }
  return absl::OkStatus();
}

}  // namespace hearth
