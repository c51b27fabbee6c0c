#include "isolate_pool/snapshot_build_wire.h"

#include <cstring>

namespace hearth {
namespace {

class Writer {
 public:
  void Int(uint64_t value) { out_.append(reinterpret_cast<const char*>(&value), sizeof(value)); }
  void Bytes(absl::string_view bytes) {
    Int(bytes.size());
    out_.append(bytes.data(), bytes.size());
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}
  bool Int(uint64_t* value) {
    if (in_.size() < sizeof(*value)) return false;
    std::memcpy(value, in_.data(), sizeof(*value));
    in_.remove_prefix(sizeof(*value));
    return true;
  }
  bool Bytes(std::string* bytes) {
    uint64_t size;
    if (!Int(&size) || in_.size() < size) return false;
    bytes->assign(in_.data(), size);
    in_.remove_prefix(size);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  absl::string_view in_;
};

absl::Status Truncated() { return absl::DataLossError("truncated snapshot builder message"); }

}  // namespace

std::string EncodeSnapshotBuildRequest(const SnapshotBuildRequest& request) {
  Writer out;
  out.Bytes(request.name);
  out.Bytes(request.source);
  out.Int(request.env.size());
  for (const auto& [key, value] : request.env) {
    out.Bytes(key);
    out.Bytes(value);
  }
  out.Int(request.memory_mb);
  out.Int(request.cpu_budget_ms);
  out.Int(request.wall_budget_ms);
  out.Int(request.hash_seed);
  out.Int(request.max_blob_bytes);
  out.Int(request.identity.has_value() ? 1 : 0);
  out.Int(request.identity.has_value() ? request.identity->uid : 0);
  out.Int(request.identity.has_value() ? request.identity->gid : 0);
  return out.Take();
}

absl::StatusOr<SnapshotBuildRequest> DecodeSnapshotBuildRequest(absl::string_view bytes) {
  Reader in(bytes);
  SnapshotBuildRequest request;
  uint64_t env_count, memory_mb, cpu_ms, wall_ms, has_identity, uid, gid;
  if (!in.Bytes(&request.name) || !in.Bytes(&request.source) || !in.Int(&env_count)) {
    return Truncated();
  }
  for (uint64_t i = 0; i < env_count; ++i) {
    std::pair<std::string, std::string> entry;
    if (!in.Bytes(&entry.first) || !in.Bytes(&entry.second)) return Truncated();
    request.env.push_back(std::move(entry));
  }
  if (!in.Int(&memory_mb) || !in.Int(&cpu_ms) || !in.Int(&wall_ms) || !in.Int(&request.hash_seed) ||
      !in.Int(&request.max_blob_bytes) || !in.Int(&has_identity) || !in.Int(&uid) ||
      !in.Int(&gid) || !in.done()) {
    return Truncated();
  }
  if (has_identity != 0) {
    request.identity =
        BuilderIdentity{.uid = static_cast<uid_t>(uid), .gid = static_cast<gid_t>(gid)};
  }
  request.memory_mb = static_cast<uint32_t>(memory_mb);
  request.cpu_budget_ms = static_cast<uint32_t>(cpu_ms);
  request.wall_budget_ms = static_cast<uint32_t>(wall_ms);
  return request;
}

std::string EncodeSnapshotBuildResult(const SnapshotBuildResult& result) {
  Writer out;
  out.Int(static_cast<uint64_t>(result.status.code()));
  out.Bytes(result.status.message());
  out.Int(static_cast<uint64_t>(result.top_level_cpu_us));
  out.Bytes(result.blob);
  out.Bytes(result.blob_sha256);
  return out.Take();
}

absl::StatusOr<SnapshotBuildResult> DecodeSnapshotBuildResult(absl::string_view bytes) {
  Reader in(bytes);
  SnapshotBuildResult result;
  uint64_t code, cpu_us;
  std::string message;
  if (!in.Int(&code) || !in.Bytes(&message) || !in.Int(&cpu_us) || !in.Bytes(&result.blob) ||
      !in.Bytes(&result.blob_sha256) || !in.done()) {
    return Truncated();
  }
  result.status = absl::Status(static_cast<absl::StatusCode>(code), message);
  result.top_level_cpu_us = static_cast<int64_t>(cpu_us);
  return result;
}

}  // namespace hearth
