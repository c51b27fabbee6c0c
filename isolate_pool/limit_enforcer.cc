#include "isolate_pool/limit_enforcer.h"

#include <v8-isolate.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hearth {
namespace {
constexpr int64_t kMicrosPerMs = 1000;
}  // namespace

void LimitEnforcer::ConfigureHeap(uint32_t memory_mb, v8::ResourceConstraints* constraints) {
  // V8's own split of the limit between the young and the old generation; then the old
  // generation's hard limit is raised by the headroom, while the point of its first full
  // GC stays where the plain limit would put it (V8 would otherwise derive it from the
  // raised limit and let the heap grow far past the function's limit before collecting).
  v8::ResourceConstraints plain;
  plain.ConfigureDefaultsFromHeapSize(0, MemoryLimitBytes(memory_mb));
  constraints->set_max_young_generation_size_in_bytes(plain.max_young_generation_size_in_bytes());
  constraints->set_initial_young_generation_size_in_bytes(
      plain.initial_young_generation_size_in_bytes());
  constraints->set_max_old_generation_size_in_bytes(plain.max_old_generation_size_in_bytes() +
                                                    kHeapHeadroomBytes);
  constraints->set_initial_old_generation_size_in_bytes(plain.max_old_generation_size_in_bytes() /
                                                        2);
}

size_t LimitEnforcer::YoungGenerationBytes(uint32_t memory_mb) {
  v8::ResourceConstraints plain;
  plain.ConfigureDefaultsFromHeapSize(0, MemoryLimitBytes(memory_mb));
  return plain.max_young_generation_size_in_bytes();
}

EntryBudget LimitEnforcer::ForInvocation(const FunctionSpec& spec, int64_t deadline_us,
                                         int64_t cpu_used_us) const {
  return {.cpu_us = std::max<int64_t>(int64_t{spec.limits.cpu_ms} * kMicrosPerMs - cpu_used_us, 0),
          .wall_deadline_us = deadline_us};
}

EntryBudget LimitEnforcer::ForTopLevel(int64_t now_us, int64_t deadline_us) const {
  return {.cpu_us = int64_t{options_->boot_cpu_ms} * kMicrosPerMs,
          .wall_deadline_us =
              std::min(deadline_us, now_us + int64_t{options_->boot_timeout_ms} * kMicrosPerMs)};
}

EntryBudget LimitEnforcer::ForPlatformTasks(const FunctionSpec& spec, int64_t now_us) const {
  return {.cpu_us = int64_t{spec.limits.cpu_ms} * kMicrosPerMs,
          .wall_deadline_us = now_us + int64_t{spec.limits.timeout_ms} * kMicrosPerMs};
}

v1::Outcome LimitEnforcer::OutcomeOf(LimitHit hit) {
  switch (hit) {
    case LimitHit::kCpu:
      return v1::OUTCOME_CPU_LIMIT;
    case LimitHit::kTimeout:
      return v1::OUTCOME_TIMEOUT;
    case LimitHit::kMemory:
      return v1::OUTCOME_MEMORY_LIMIT;
    case LimitHit::kNone:
      break;
  }
  return v1::OUTCOME_OK;
}

std::string LimitEnforcer::DescribeInvocationHit(LimitHit hit, const FunctionSpec& spec) {
  switch (hit) {
    case LimitHit::kCpu:
      return absl::StrCat("exceeded the CPU limit of ", spec.limits.cpu_ms, " ms");
    case LimitHit::kTimeout:
      return absl::StrCat("exceeded the time limit of ", spec.limits.timeout_ms,
                          " ms (or the caller's deadline)");
    case LimitHit::kMemory:
      return absl::StrCat("exceeded the memory limit of ", spec.limits.memory_mb, " MB");
    case LimitHit::kNone:
      break;
  }
  return "";
}

std::string LimitEnforcer::DescribeTopLevelHit(LimitHit hit, uint32_t memory_mb) const {
  switch (hit) {
    case LimitHit::kCpu:
      return absl::StrCat("top-level code exceeded the boot CPU budget of ", options_->boot_cpu_ms,
                          " ms");
    case LimitHit::kTimeout:
      return "top-level code did not finish in time";
    case LimitHit::kMemory:
      return absl::StrCat("top-level code exceeded the memory limit of ", memory_mb, " MB");
    case LimitHit::kNone:
      break;
  }
  return "";
}

}  // namespace hearth
