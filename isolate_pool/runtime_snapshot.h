// The base runtime snapshot: a V8 startup blob whose default context already holds the
// in-isolate runtime (sdk/runtime/runtime.js) evaluated, with its compiled code kept.
// Built at build time by snapshot_tool.cc; every isolate boots from it, so no isolate
// evaluates the runtime from source at run time. Private to isolate_pool/.
#ifndef HEARTH_ISOLATE_POOL_RUNTIME_SNAPSHOT_H_
#define HEARTH_ISOLATE_POOL_RUNTIME_SNAPSHOT_H_

#include <v8-snapshot.h>

#include <cstddef>
#include <string_view>

namespace hearth {

// The blob, generated into the build (runtime_snapshot_blob.cc).
extern const std::string_view kRuntimeSnapshotBlob;

// Index of runtime.js's `internals` object among the default context's snapshot data.
inline constexpr size_t kRuntimeInternalsIndex = 0;

// The blob as V8 wants it; valid for the life of the process.
inline v8::StartupData* RuntimeSnapshot() {
  static v8::StartupData data{kRuntimeSnapshotBlob.data(),
                              static_cast<int>(kRuntimeSnapshotBlob.size())};
  return &data;
}

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_RUNTIME_SNAPSHOT_H_
