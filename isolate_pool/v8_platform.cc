#include "isolate_pool/v8_platform.h"

#include <libplatform/libplatform.h>
#include <sys/random.h>
#include <v8-initialization.h>

#include <atomic>
#include <memory>
#include <string>

namespace hearth {
namespace {

std::atomic<uint64_t> requested_seed{0};

struct V8State {
  v8::Platform* platform;
  uint64_t hash_seed;
};

const V8State& State() {
  // Leaked on purpose: V8 cannot be re-initialised, and isolates may still be disposed
  // during static destruction.
  static const V8State state = [] {
    uint64_t seed = requested_seed.load();
    if (seed == 0) seed = RandomHashSeed();
    // No WebAssembly for now (PRODUCT.md section 5 does not offer it). The snapshot builders
    // run this same code, so both sides agree on every flag. Our blobs are built with the
    // binary that reads them; re-checksumming them on every isolate would cost 0.1-0.2 ms
    // per cold start (cached blobs carry a checksum of their own).
    const std::string flags =
        "--no-expose-wasm --no-verify-snapshot-checksum --hash-seed=" + std::to_string(seed);
    v8::V8::SetFlagsFromString(flags.c_str());
    std::unique_ptr<v8::Platform> owned = v8::platform::NewDefaultPlatform(
        /*thread_pool_size=*/0, v8::platform::IdleTaskSupport::kDisabled);
    v8::Platform* raw = owned.release();
    v8::V8::InitializePlatform(raw);
    v8::V8::Initialize();
    return V8State{raw, seed};
  }();
  return state;
}

}  // namespace

uint64_t RandomHashSeed() {
  uint64_t seed = 0;
  while (seed == 0) {
    if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed)) seed = 0;
    seed >>= 1;  // V8 parses the flag as a signed 64-bit number.
  }
  return seed;
}

v8::Platform* V8PlatformInstance() { return State().platform; }

void SetV8HashSeed(uint64_t seed) { requested_seed.store(seed & ~(uint64_t{1} << 63)); }

uint64_t V8HashSeed() { return State().hash_seed; }

}  // namespace hearth
