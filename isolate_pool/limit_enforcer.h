// LimitEnforcer: the one place that says what a function's limits mean for its isolate —
// how V8's heap is sized for `memory_mb`, how much CPU and wall time each entry into user
// code gets, what a violation is called. The mechanisms (ExecutionWatchdog for time,
// MemoryGuard for memory, the result reader for caps) ask it; none decides on its own.
// (After workerd's LimitEnforcer, src/workerd/io/limit-enforcer.h.)
//
// Thread: immutable after construction; any thread.
#ifndef HEARTH_ISOLATE_POOL_LIMIT_ENFORCER_H_
#define HEARTH_ISOLATE_POOL_LIMIT_ENFORCER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "hearth/v1/agent.pb.h"
#include "isolate_pool/function_spec.h"
#include "isolate_pool/isolate_pool_options.h"

namespace v8 {
class ResourceConstraints;
}

namespace hearth {

// Which limit ended a run of user code, if any.
enum class LimitHit { kNone, kCpu, kTimeout, kMemory };

// How much of one limit a single entry into user code may use.
struct EntryBudget {
  int64_t cpu_us = 0;            // CPU time on the worker thread.
  int64_t wall_deadline_us = 0;  // MonotonicMicros().
};

class LimitEnforcer {
 public:
  // V8 must never be the one to notice that memory ran out: it turns an allocation it cannot
  // make into a fatal error that takes the whole process down. So V8's own heap limit sits
  // this far above the function's, enough for the largest single object V8 can allocate
  // (a FixedArray, FixedDoubleArray or two-byte string tops out at 1 GiB on this 64-bit
  // build), and the function's limit is enforced by the MemoryGuard: after every full GC,
  // when an ArrayBuffer would pass it, and before an invocation's answer goes out. Only
  // address space is reserved for it; memory is committed only if a function really
  // allocates that much, for the moment until it is terminated.
  static constexpr size_t kHeapHeadroomBytes = (size_t{1} << 30) + (size_t{64} << 20);
  // What ArrayBuffer memory V8 may still get past the limit when it asks for it itself and
  // would abort on a refusal (e.g. `typedArray.buffer` of a small on-heap typed array,
  // at most 64 bytes in V8 10.2). The allocation is counted and ends the invocation.
  static constexpr size_t kBufferHeadroomBytes = size_t{1} << 20;
  // No isolate of V8 10.2 takes less memory than this here (~1.1 MiB measured for a warm
  // hello-world isolate: docs/BENCHMARKS.md): the floor for what the budget can hold.
  static constexpr int64_t kSmallestIsolateBytes = int64_t{1} << 20;

  explicit LimitEnforcer(const IsolatePoolOptions* options) : options_(options) {}

  // All memory an isolate of a function limited to `memory_mb` may hold: heap, ArrayBuffers
  // and external memory together.
  static size_t MemoryLimitBytes(uint32_t memory_mb) { return size_t{memory_mb} << 20; }
  // V8's heap configuration for such an isolate (see kHeapHeadroomBytes).
  static void ConfigureHeap(uint32_t memory_mb, v8::ResourceConstraints* constraints);
  // The most its young generation holds (V8's own split of the limit).
  static size_t YoungGenerationBytes(uint32_t memory_mb);

  // One entry into an invocation's code (its handler, then each batch of its timers, with
  // their microtasks): what is left of the function's CPU limit after `cpu_used_us` spent in
  // the invocation's earlier entries, until the invocation's deadline.
  EntryBudget ForInvocation(const FunctionSpec& spec, int64_t deadline_us,
                            int64_t cpu_used_us) const;
  // A function's top-level code at a cold start or deploy: the boot budgets, within
  // `deadline_us`.
  EntryBudget ForTopLevel(int64_t now_us, int64_t deadline_us) const;
  // Tasks V8 posts for the isolate (FinalizationRegistry cleanups, GC finalisation) run
  // after an invocation's answer: they get the function's own CPU limit and timeout again,
  // and a violation retires the isolate.
  EntryBudget ForPlatformTasks(const FunctionSpec& spec, int64_t now_us) const;

  // The outcome and message of a violation by an invocation of `spec`.
  static v1::Outcome OutcomeOf(LimitHit hit);
  static std::string DescribeInvocationHit(LimitHit hit, const FunctionSpec& spec);
  std::string DescribeTopLevelHit(LimitHit hit, uint32_t memory_mb) const;

  const IsolatePoolOptions& options() const { return *options_; }

 private:
  const IsolatePoolOptions* options_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_LIMIT_ENFORCER_H_
