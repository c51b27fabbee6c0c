#include "isolate_pool/snapshot_cache.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <v8-initialization.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "isolate_pool/blob_digest.h"
#include "isolate_pool/runtime_snapshot.h"
#include "isolate_pool/v8_platform.h"

namespace hearth {
namespace {

constexpr char kMagic[8] = {'H', 'S', 'N', 'A', 'P', '0', '1', '\n'};
constexpr size_t kDigestBytes = kSha256Bytes;
constexpr size_t kHeaderBytes = sizeof(kMagic) + sizeof(int64_t) + kDigestBytes;

}  // namespace

std::string SnapshotKey(const FunctionSpec& spec) {
  // The runtime blob stands for the runtime's source and the V8 flags it was built with;
  // blobs hold string hashes made with the builder's (the agent's) hash seed.
  static const std::string runtime =
      Sha256(absl::string_view(kRuntimeSnapshotBlob.data(), kRuntimeSnapshotBlob.size()));
  return absl::BytesToHexString(
      Sha256(absl::StrCat(spec.name.size(), ":", spec.name, ";", spec.version, ";", runtime, ";",
                          v8::V8::GetVersion(), ";", V8HashSeed())));
}

std::string CodeCacheKey(const FunctionSpec& spec) {
  return absl::BytesToHexString(Sha256(absl::StrCat("code-cache;", SnapshotKey(spec))));
}

SnapshotCache::SnapshotCache(std::string dir) : dir_(std::move(dir)) {}

std::string SnapshotCache::PathOf(const std::string& key) const {
  return absl::StrCat(dir_, "/", key, ".snapshot");
}

std::optional<SnapshotCache::Entry> SnapshotCache::Load(const std::string& key,
                                                        uint64_t max_blob_bytes) const {
  if (dir_.empty()) return std::nullopt;
  const std::string path = PathOf(key);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  // The file is the agent's own, but the disk under it is not: a damaged entry is refused
  // here, once, and rebuilt; isolates made from the blob later are not checked again
  // (blob_digest.h).
  auto refuse = [&](absl::string_view why) -> std::optional<Entry> {
    spdlog::warn("snapshot cache: {} {}; removed, the function is built again", path,
                 std::string(why));
    Erase(key);
    return std::nullopt;
  };
  struct stat file;
  if (stat(path.c_str(), &file) != 0) return std::nullopt;
  const uint64_t size = static_cast<uint64_t>(file.st_size);
  if (size > kHeaderBytes && size - kHeaderBytes > max_blob_bytes) {
    return refuse(absl::StrCat("is ", file.st_size, " bytes, over the cap of ", max_blob_bytes,
                               " bytes for its blob"));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Entry entry;
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return refuse("is not a snapshot cache entry");
  }
  std::memcpy(&entry.top_level_cpu_us, bytes.data() + sizeof(kMagic), sizeof(int64_t));
  const absl::string_view digest(bytes.data() + sizeof(kMagic) + sizeof(int64_t), kDigestBytes);
  entry.blob = bytes.substr(kHeaderBytes);
  if (absl::Status verified = VerifyBlobDigest(entry.blob, digest, "its blob"); !verified.ok()) {
    return refuse(verified.message());
  }
  return entry;
}

absl::Status SnapshotCache::Store(const std::string& key, const Entry& entry) const {
  if (dir_.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error)
    return absl::InternalError(absl::StrCat("cannot create ", dir_, ": ", error.message()));
  const std::string path = PathOf(key);
  // Unique per writer: two deploys of one version may store the same key at once.
  static std::atomic<uint64_t> writes{0};
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid(), ".", writes.fetch_add(1));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(kMagic, sizeof(kMagic));
    out.write(reinterpret_cast<const char*>(&entry.top_level_cpu_us), sizeof(int64_t));
    out << Sha256(entry.blob) << entry.blob;
    if (!out.flush()) {
      std::filesystem::remove(temporary, error);
      return absl::InternalError(absl::StrCat("cannot write ", temporary));
    }
  }
  std::filesystem::rename(temporary, path, error);
  if (error) {
    const std::string message = error.message();
    std::filesystem::remove(temporary, error);
    return absl::InternalError(absl::StrCat("cannot write ", path, ": ", message));
  }
  return absl::OkStatus();
}

uint64_t SnapshotCache::LoadOrCreateHashSeed() const {
  const std::string path = absl::StrCat(dir_, "/v8-hash-seed");
  uint64_t seed = 0;
  if (std::ifstream in(path); in && (in >> seed) && seed != 0) return seed;
  seed = RandomHashSeed();
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << seed << "\n";
    if (!out.flush()) return seed;
  }
  std::filesystem::permissions(
      temporary, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, error);
  std::filesystem::rename(temporary, path, error);
  return seed;
}

void SnapshotCache::RemoveTemporaries() const {
  if (dir_.empty()) return;
  std::error_code error;
  for (std::filesystem::directory_iterator it(dir_, error), end; !error && it != end;
       it.increment(error)) {
    if (it->path().filename().string().find(".snapshot.tmp.") != std::string::npos) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

void SnapshotCache::Erase(const std::string& key) const {
  if (dir_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove(PathOf(key), ignored);
}

}  // namespace hearth
