// Agent-wide settings of the isolate pool: defaults applied to functions that leave a
// limit at zero, caps no function may pass, and caps on what a function may produce.
#ifndef HEARTH_ISOLATE_POOL_ISOLATE_POOL_OPTIONS_H_
#define HEARTH_ISOLATE_POOL_ISOLATE_POOL_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "isolate_pool/function_spec.h"
#include "isolate_pool/page_protection.h"

namespace hearth {

struct IsolatePoolOptions {
  int workers = 1;

  FunctionLimits default_limits{.cpu_ms = 50, .memory_mb = 128, .timeout_ms = 30'000};
  FunctionLimits max_limits{.cpu_ms = 30'000, .memory_mb = 2048, .timeout_ms = 300'000};
  FunctionPoolSettings default_pool{
      .min_warm = 1, .max_isolates = 64, .idle_ttl_ms = 300'000, .max_invocations_per_isolate = 0};

  // Loading a function (its module's top-level code) runs under these budgets, at deploy
  // and at a cold start: a heavy top level (hundreds of ms) is allowed, an endless one is
  // stopped before it holds its worker for long.
  uint32_t boot_cpu_ms = 2'000;
  uint32_t boot_timeout_ms = 5'000;

  // A worker whose JavaScript was terminated and has not come back after this long is
  // wedged (a native loop that does not look for termination): no new work goes to it, and
  // the agent reports NOT_SERVING until it comes back.
  uint32_t wedge_grace_ms = 1'000;

  // Caps on what one invocation may produce (PRODUCT.md section 6).
  size_t max_response_body_bytes = 16u << 20;
  size_t max_response_headers = 256;
  size_t max_response_header_bytes = 64u << 10;  // Names and values together.
  size_t max_log_entries = 256;
  size_t max_log_bytes = 64u << 10;

  // Blank isolates, booted from the runtime snapshot for functions with the default
  // memory limit, that each worker keeps ready: a cold start loads the function into one
  // instead of booting an isolate, and the worker boots a replacement afterwards.
  size_t reserve_per_worker = 2;

  // After a cold start of a function with a snapshot of its own, the reserve booter primes
  // the function's next isolate on that worker: V8's isolate-wide part of the boot from
  // the function's blob, ahead of need, so that the next cold start there only
  // deserializes the context (the function's state and handler). One per function per
  // worker, retired with the function's idle_ttl_ms and first under the memory budget.
  bool prime_snapshot_isolates = true;

  // How often each worker looks for isolates idle longer than their function's
  // idle_ttl_ms (never taking a function below its min_warm).
  uint32_t idle_sweep_interval_ms = 1000;

  // Invocations of one function that may wait on one worker for a free isolate when the
  // function is at its max_isolates; past that they are refused.
  size_t max_parked_per_function = 1024;

  // Memory all pooled isolates may hold together (each worker keeps to its share). Past it,
  // the least recently used idle isolates go, first of functions above their min_warm.
  // 0: no budget.
  uint64_t isolate_memory_budget_mb = 4096;

  // Memory of disposed isolates kept resident for the next ones to boot into, without a
  // page fault per page (reusing_page_allocator.h). Process-wide, on top of the budget
  // above. 0: every page goes back to the OS as soon as V8 lets go of it.
  uint64_t isolate_page_retain_mb = 128;
  // Of which heap pages mapped and faulted in ahead of need, by the reserve booter when it
  // is idle, so that boots beyond what disposals give back (the first cold starts of an
  // agent, bursts) do not pay a page fault per page. 0: none.
  uint64_t isolate_page_stock_mb = 32;
  // What that memory is while V8 believes it inaccessible (kept regions, reservations,
  // pages V8 stopped using): kStrict makes every access to it fault, at a cost to cold
  // starts (reusing_page_allocator.h). Takes effect for the first pool of a process.
  PageProtection isolate_page_protection = PageProtection::kFast;

  // Functions loaded into generic isolates compile from a code cache made after their
  // first invocation (function_code_cache.h). false: from source at every load.
  bool code_cache = true;

  // Idle isolates kept per function on one worker.
  size_t max_idle_per_function_per_worker = 8;

  // Function snapshots (see snapshot_maker.h). A kAuto function gets one when its top level
  // costs at least this much CPU: below it, loading the function into a pre-booted isolate
  // is the faster cold start (docs/BENCHMARKS.md has the measurements behind the default).
  uint32_t snapshot_threshold_ms = 5;
  // Where snapshots are kept across restarts, with the V8 hash seed they were made with
  // (v8_platform.h); empty: rebuilt at every deploy, and a random seed per process.
  std::string snapshot_cache_dir;
  // The binary started as the snapshot builder: it must call RunSnapshotBuilderIfAsked()
  // first thing in main(). The running binary by default.
  std::string snapshot_builder_path = "/proc/self/exe";
  // Whom the snapshot builder runs as when the agent runs as root (a user name or uid; see
  // builder_sandbox.h). If the name does not exist, the overflow uid 65534 is used; empty:
  // the agent's own uid (not recommended as root: the builder keeps no capabilities either
  // way, but root owns the state dir).
  std::string snapshot_builder_user = "nobody";
  // The largest function snapshot accepted from a builder or the disk cache, in MiB;
  // 0: the function's memory limit (a blob is roughly its heap), at least 8 MiB.
  uint32_t snapshot_max_mb = 0;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_ISOLATE_POOL_OPTIONS_H_
