// SnapshotCache: function snapshots kept on disk (in the state dir) across restarts, one
// file per key. A key names everything the blob depends on (the function's version, the
// runtime snapshot, the V8 build), so an entry is either right or absent; each file carries
// a SHA-256 of its blob, checked on load (blob_digest.h: V8 is told not to checksum blobs).
//
// An entry may hold no blob: the top level was measured and found too cheap to snapshot,
// which spares a restart from measuring it again.
//
// Thread: any; files are written to a temporary name and renamed into place.
#ifndef HEARTH_ISOLATE_POOL_SNAPSHOT_CACHE_H_
#define HEARTH_ISOLATE_POOL_SNAPSHOT_CACHE_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "isolate_pool/function_spec.h"

namespace hearth {

// The cache key of `spec`'s snapshot, in hex.
std::string SnapshotKey(const FunctionSpec& spec);
// The key of `spec`'s V8 code cache (function_code_cache.h), kept in the same store: it
// depends on what the snapshot does (V8 itself refuses a cache made under other flags).
std::string CodeCacheKey(const FunctionSpec& spec);

class SnapshotCache {
 public:
  struct Entry {
    int64_t top_level_cpu_us = 0;
    std::string blob;  // Empty: measured, not snapshotted.
  };

  // `dir` is created on first store; empty: a cache that keeps nothing.
  explicit SnapshotCache(std::string dir);

  // The entry, or nothing if there is none, or it is damaged or its blob is larger than
  // `max_blob_bytes` (then it is removed, with a warning in the log).
  std::optional<Entry> Load(const std::string& key,
                            uint64_t max_blob_bytes = std::numeric_limits<uint64_t>::max()) const;
  absl::Status Store(const std::string& key, const Entry& entry) const;
  void Erase(const std::string& key) const;
  // Removes the temporary files of stores that never finished (a crash mid-write): call
  // before the first store of a process.
  void RemoveTemporaries() const;

  // The V8 hash seed kept beside the blobs (v8-hash-seed, owner-only), made on first use.
  // A fresh random seed if it cannot be kept (blobs then go stale at the next restart).
  uint64_t LoadOrCreateHashSeed() const;

 private:
  std::string PathOf(const std::string& key) const;

  const std::string dir_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_SNAPSHOT_CACHE_H_
