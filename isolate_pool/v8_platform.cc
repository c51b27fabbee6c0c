#include "isolate_pool/v8_platform.h"

#include <libplatform/libplatform.h>
#include <v8-initialization.h>

#include <memory>

namespace hearth {

v8::Platform* V8PlatformInstance() {
  // Leaked on purpose: V8 cannot be re-initialised, and isolates may still be disposed
  // during static destruction.
  static v8::Platform* platform = [] {
    // Strings are never compiled as code unless a deploy allows it (PRODUCT.md section 5);
    // the context-level switch is set per context, this flag only disallows Wasm codegen
    // from strings by default as well.
    v8::V8::SetFlagsFromString("--no-expose-wasm");
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
