// native.loadModule and native.moduleGlobals: how runtime.js finds and loads the lazily
// loaded runtime modules (sdk/runtime/runtime_modules.h). Private to isolate_pool/.
//
// Thread: called only from JavaScript, on the thread that owns the isolate.
#ifndef HEARTH_ISOLATE_POOL_RUNTIME_MODULE_BINDING_H_
#define HEARTH_ISOLATE_POOL_RUNTIME_MODULE_BINDING_H_

#include <v8-function-callback.h>

namespace hearth {

// loadModule(name) -> the module's completion value (its factory). The source is compiled
// as an external string over the binary's bytes: the isolate holds no copy of it until a
// snapshot of the isolate is made. Throws a TypeError for a name no module has.
void LoadRuntimeModule(const v8::FunctionCallbackInfo<v8::Value>& info);

// moduleGlobals() -> [moduleName, [globalName, ...]] for every module.
void RuntimeModuleGlobals(const v8::FunctionCallbackInfo<v8::Value>& info);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_RUNTIME_MODULE_BINDING_H_
