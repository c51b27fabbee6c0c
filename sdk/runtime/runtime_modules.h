// The runtime's lazily loaded modules (sdk/runtime/modules/*.js), embedded at build time.
//
// A module is a classic script whose completion value is a factory, `(function (rt) {...})`,
// returning an object that holds the globals it defines. runtime.js installs each global as
// an accessor on globalThis that loads its module on first use (native.loadModule) and then
// becomes a plain data property. Nothing of a module is in the base snapshot until a
// function uses it: every isolate boots without the cost of what its function never touches.
#ifndef HEARTH_SDK_RUNTIME_RUNTIME_MODULES_H_
#define HEARTH_SDK_RUNTIME_RUNTIME_MODULES_H_

#include <span>
#include <string_view>

namespace hearth {

struct RuntimeModuleSource {
  std::string_view name;     // e.g. "base64"
  std::string_view source;   // ASCII, lives as long as the process
  std::string_view globals;  // the global names it defines, separated by spaces
};

// Every module, in the order sdk/runtime/CMakeLists.txt lists them.
std::span<const RuntimeModuleSource> RuntimeModules();

}  // namespace hearth

#endif  // HEARTH_SDK_RUNTIME_RUNTIME_MODULES_H_
