#include "isolate_pool/v8_platform.h"

#include <libplatform/libplatform.h>
#include <v8-initialization.h>

#include <memory>

namespace hearth {

v8::Platform* V8PlatformInstance() {
  // Leaked on purpose: V8 cannot be re-initialised, and isolates may still be disposed
  // during static destruction.
  static v8::Platform* platform = [] {
    // No WebAssembly for now (PRODUCT.md section 5 does not offer it). The snapshot builder runs
    // this same code, so both sides agree on every flag. Our blobs are built with the binary that
    // reads them; re-checksumming them on every isolate would cost 0.1-0.2 ms per cold start.
    v8::V8::SetFlagsFromString("--no-expose-wasm --no-verify-snapshot-checksum");
    std::unique_ptr<v8::Platform> owned = v8::platform::NewDefaultPlatform(
        /*thread_pool_size=*/0, v8::platform::IdleTaskSupport::kDisabled);
    v8::Platform* raw = owned.release();
    v8::V8::InitializePlatform(raw);
    v8::V8::Initialize();
    return raw;
  }();
  return platform;
}

}  // namespace hearth
