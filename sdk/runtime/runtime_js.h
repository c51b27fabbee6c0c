// The in-isolate JavaScript runtime (sdk/runtime/runtime.js), embedded at build time.
// See runtime.js for the contract between it and the native side (isolate_pool/).
#ifndef HEARTH_SDK_RUNTIME_RUNTIME_JS_H_
#define HEARTH_SDK_RUNTIME_RUNTIME_JS_H_

#include <string_view>

namespace hearth {
extern const std::string_view kRuntimeJs;
}  // namespace hearth

#endif  // HEARTH_SDK_RUNTIME_RUNTIME_JS_H_
