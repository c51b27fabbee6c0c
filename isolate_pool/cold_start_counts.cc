#include "isolate_pool/cold_start_counts.h"

#include <atomic>

namespace hearth {
namespace {

std::atomic<uint64_t> counts[static_cast<int>(ColdStartPath::kCount)];

}  // namespace

void CountColdStart(ColdStartPath path) {
  counts[static_cast<int>(path)].fetch_add(1, std::memory_order_relaxed);
}

ColdStartCounts ColdStartTotals() {
  auto get = [](ColdStartPath path) {
    return counts[static_cast<int>(path)].load(std::memory_order_relaxed);
  };
  return {get(ColdStartPath::kReserve), get(ColdStartPath::kBooted), get(ColdStartPath::kPrimed),
          get(ColdStartPath::kSnapshot)};
}

}  // namespace hearth
