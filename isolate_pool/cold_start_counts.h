// How cold starts got their isolate, counted process-wide: whether the pre-booted reserve
// and the primed isolates do their job shows here (hearth_cold_starts_total in /metrics).
//
// Thread: any.
#ifndef HEARTH_ISOLATE_POOL_COLD_START_COUNTS_H_
#define HEARTH_ISOLATE_POOL_COLD_START_COUNTS_H_

#include <cstdint>

namespace hearth {

enum class ColdStartPath {
  kReserve,   // The function loaded into a blank isolate of the worker's reserve.
  kBooted,    // A blank isolate booted on the worker (the reserve was empty), then loaded.
  kPrimed,    // The function's isolate primed from its snapshot, its context created.
  kSnapshot,  // Booted whole from the function's snapshot on the worker.
  kCount,     // Not a path: how many there are.
};

struct ColdStartCounts {
  uint64_t reserve = 0;
  uint64_t booted = 0;
  uint64_t primed = 0;
  uint64_t snapshot = 0;
};

void CountColdStart(ColdStartPath path);
ColdStartCounts ColdStartTotals();

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_COLD_START_COUNTS_H_
