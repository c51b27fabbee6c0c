// Runs one snapshot build in a child process (see snapshot_builder_child.h) and collects its
// result. Private to isolate_pool/.
//
// Thread: any; blocks its caller until the child is done or the deadline passes.
#ifndef HEARTH_ISOLATE_POOL_SNAPSHOT_BUILDER_PROCESS_H_
#define HEARTH_ISOLATE_POOL_SNAPSHOT_BUILDER_PROCESS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "isolate_pool/snapshot_build_wire.h"

namespace hearth {

// Starts `builder_path` as a snapshot builder (with only its pipes and its time zone: see
// builder_sandbox.h), hands it `request` and returns its result. The child is killed at
// `deadline_us` (monotonic): kDeadlineExceeded. Killed by its seccomp filter:
// kInvalidArgument; by its CPU limit: kOutOfRange. A blob over request.max_blob_bytes:
// kResourceExhausted (the child is killed as soon as it writes more); one that does not
// match its digest: kDataLoss. kInternal when it cannot be started or dies otherwise without
// a result (V8 aborted on what the top level left, or the process ran out of memory); the
// message ends with the last line it wrote to stderr.
absl::StatusOr<SnapshotBuildResult> RunSnapshotBuilderProcess(const std::string& builder_path,
                                                              const SnapshotBuildRequest& request,
                                                              int64_t deadline_us);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_SNAPSHOT_BUILDER_PROCESS_H_
