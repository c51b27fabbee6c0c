// SHA-256 digests of the blobs the agent takes in: function snapshots from a builder child
// and from the disk cache, code caches from the disk cache. A blob is checked once, when it
// enters the process, and not on each isolate made from it: V8's own snapshot checksum is
// off (v8_platform.cc) because it would be recomputed on every cold start, and in V8 10.2
// a mismatch there is a fatal CHECK, which would take the agent down rather than refuse
// one function.
//
// Thread: any.
#ifndef HEARTH_ISOLATE_POOL_BLOB_DIGEST_H_
#define HEARTH_ISOLATE_POOL_BLOB_DIGEST_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hearth {

inline constexpr size_t kSha256Bytes = 32;

// The raw 32-byte digest.
std::string Sha256(absl::string_view bytes);

// OK when `blob` has the raw digest `sha256`; DATA_LOSS naming `what` otherwise.
absl::Status VerifyBlobDigest(absl::string_view blob, absl::string_view sha256,
                              absl::string_view what);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_BLOB_DIGEST_H_
