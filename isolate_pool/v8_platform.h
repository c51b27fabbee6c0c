// Process-wide V8 set-up: one platform, initialised once, before the first isolate.
// Private to isolate_pool/.
#ifndef HEARTH_ISOLATE_POOL_V8_PLATFORM_H_
#define HEARTH_ISOLATE_POOL_V8_PLATFORM_H_

#include <v8-platform.h>

#include <cstdint>

namespace hearth {

// Initialises V8 on first call (thread-safe) and returns the platform.
v8::Platform* V8PlatformInstance();

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
