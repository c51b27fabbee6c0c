// What the agent and its snapshot-builder child process say to each other over a pipe: one
// request (the function and its budgets) and one result (the verdict on its top level and
// the blob). Length-prefixed fields; both ends are the same binary, so no versioning.
// Private to isolate_pool/.
#ifndef HEARTH_ISOLATE_POOL_SNAPSHOT_BUILD_WIRE_H_
#define HEARTH_ISOLATE_POOL_SNAPSHOT_BUILD_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "isolate_pool/builder_sandbox.h"

namespace hearth {

struct SnapshotBuildRequest {
  std::string name;  // Modules are named "<name>.js" in messages and stacks.
  std::string source;
  std::vector<std::pair<std::string, std::string>> env;
  uint32_t memory_mb = 0;
  uint32_t cpu_budget_ms = 0;   // For the top level.
  uint32_t wall_budget_ms = 0;  // For the top level.
  uint64_t hash_seed = 0;       // The agent's V8 hash seed (see v8_platform.h).
  uint64_t max_blob_bytes = 0;  // A larger blob is refused (RESOURCE_EXHAUSTED).
  // Whom the builder becomes when started as root (builder_sandbox.h); unset: stays.
  std::optional<BuilderIdentity> identity;
};

struct SnapshotBuildResult {
  // The verdict on the function's top level, with FunctionIsolate::Load's codes; the blob
  // is empty unless OK.
  absl::Status status;
  int64_t top_level_cpu_us = 0;
  std::string blob;
  // SHA-256 of `blob` as the builder serialized it, checked by the agent on arrival
  // (VerifiedBlob): it catches a blob damaged or cut on its way, not a builder that lies.
  std::string blob_sha256;
};

std::string EncodeSnapshotBuildRequest(const SnapshotBuildRequest& request);
absl::StatusOr<SnapshotBuildRequest> DecodeSnapshotBuildRequest(absl::string_view bytes);
std::string EncodeSnapshotBuildResult(const SnapshotBuildResult& result);
absl::StatusOr<SnapshotBuildResult> DecodeSnapshotBuildResult(absl::string_view bytes);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_SNAPSHOT_BUILD_WIRE_H_
