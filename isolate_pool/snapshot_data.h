// What a function's snapshot holds besides the heap: the indices of the objects the builder
// hands to isolates booted from it (SnapshotCreator::AddData on the default context).
// Private to isolate_pool/.
#ifndef HEARTH_ISOLATE_POOL_SNAPSHOT_DATA_H_
#define HEARTH_ISOLATE_POOL_SNAPSHOT_DATA_H_

#include <cstddef>

#include "isolate_pool/runtime_snapshot.h"

namespace hearth {

// kRuntimeInternalsIndex (0): runtime.js's internals, as in the runtime snapshot.
inline constexpr size_t kFunctionHandlerIndex = 1;  // The module's default export.
inline constexpr size_t kFunctionEnvIndex = 2;      // The `env` object handed to it.

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_SNAPSHOT_DATA_H_
