// Process-wide V8 set-up: one platform, initialised once, before the first isolate.
// Private to isolate_pool/.
#ifndef HEARTH_ISOLATE_POOL_V8_PLATFORM_H_
#define HEARTH_ISOLATE_POOL_V8_PLATFORM_H_

#include <v8-isolate.h>

#include <cstddef>
#include <cstdint>

#include "isolate_pool/reusing_page_allocator.h"

namespace hearth {

// Initialises V8 on first call (thread-safe). Every other function here calls it.
void EnsureV8Initialized();

// Runs the platform's pending foreground tasks for `isolate` (GC finalisation and the
// like). The caller holds the isolate's Locker and has entered it.
void RunPlatformTasks(v8::Isolate* isolate, int max_tasks);
// After Isolate::Dispose: without it the default platform keeps a task runner per dead
// isolate.
void ForgetDisposedIsolate(v8::Isolate* isolate);

// Before V8 is initialised: V8's own page allocator, without reuse (for the snapshot
// builder child, one isolate under a hard memory limit, where there is nothing to reuse).
void DisableIsolatePageReuse();
// Before V8 is initialised: what V8's inaccessible pages are under page reuse (fast by
// default; see reusing_page_allocator.h). Later calls have no effect.
void SetIsolatePageProtection(PageProtection protection);
// Memory of disposed isolates kept for the next ones (reusing_page_allocator.h): at most
// `bytes` resident; 0 gives every page back to the OS as V8 would.
void SetIsolatePageRetainLimit(size_t bytes);
ReusingPageAllocator::Stats IsolatePageStats();
// Maps one more V8 heap page (256 KiB in V8 10.2, most of what a boot asks for), faulted in,
// for later boots to take without page faults, while fewer than `target_bytes` of them are
// kept (and the retain limit allows); false when there is nothing to do.
bool StockIsolateHeapPage(size_t target_bytes);

// V8's hash seed (strings' hashes; one per process, shared by all its isolates through the
// read-only heap). A function snapshot keeps hashes made with its builder's seed and V8
// 10.2 cannot always rehash it, so the builder child must run with the agent's seed. Takes
// effect if called before V8 is initialised; 0 (the default) draws a random seed, which
// keeps hash flooding out of reach of a function's callers.
void SetV8HashSeed(uint64_t seed);
// The seed in force (initialises V8).
uint64_t V8HashSeed();
// A new random seed, as V8 would draw one (non-zero, fits V8's signed flag).
uint64_t RandomHashSeed();

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_V8_PLATFORM_H_
