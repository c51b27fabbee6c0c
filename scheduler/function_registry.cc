#include "scheduler/function_registry.h"

#include <algorithm>
#include <utility>

namespace hearth {

void FunctionRegistry::Publish(SpecPtr spec) {
  std::string name = spec->name;
  SpecPtr previous;  // Released outside the lock: it may be the last reference.
  absl::MutexLock lock(&mu_);
  SpecPtr& slot = functions_[std::move(name)];
  previous = std::exchange(slot, std::move(spec));
  if (previous != nullptr) previous->superseded.store(true, std::memory_order_relaxed);
}

bool FunctionRegistry::Remove(const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = functions_.find(name);
  if (it == functions_.end()) return false;
  it->second->superseded.store(true, std::memory_order_relaxed);
  functions_.erase(it);
  return true;
}

FunctionRegistry::SpecPtr FunctionRegistry::Find(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : it->second;
}

std::vector<FunctionRegistry::SpecPtr> FunctionRegistry::List() const {
  std::vector<SpecPtr> specs;
  {
    absl::MutexLock lock(&mu_);
    specs.reserve(functions_.size());
    for (const auto& [name, spec] : functions_) specs.push_back(spec);
  }
  std::sort(specs.begin(), specs.end(),
            [](const SpecPtr& a, const SpecPtr& b) { return a->name < b->name; });
  return specs;
}

size_t FunctionRegistry::size() const {
  absl::MutexLock lock(&mu_);
  return functions_.size();
}

}  // namespace hearth
