#include "isolate_pool/snapshot_maker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "isolate_pool/snapshot_builder_process.h"
#include "isolate_pool/v8_platform.h"

namespace hearth {
namespace {

// What the builder needs on top of the top level's own budget: exec, dynamic linking,
// V8 start-up, serialization and writing the blob back. Generous: it only bounds a child
// that hangs outside JavaScript.
constexpr int64_t kBuilderOverheadUs = 10'000'000;

// JavaScript runs slower in a SnapshotCreator's isolate than in the agent's: examples/heavy.js
// with 450 ranking passes took ~1.4 s of top level in the builder against ~0.45 s loaded
// into a generic isolate (deploy with --snapshot auto vs never, session 4). The builder gets
// this much more time so that a top level within the boot budgets is not refused only for
// being snapshotted; its verdict still names the agent's budgets.
constexpr uint32_t kBuilderSlowdown = 4;

// The smallest default cap on a function's blob: the runtime alone makes ~1 MiB of it.
constexpr uint64_t kMinDefaultBlobCapBytes = uint64_t{8} << 20;

// The overflow uid ("nobody" on Linux), for machines without a nobody entry.
constexpr uid_t kOverflowId = 65534;

std::optional<BuilderIdentity> ResolveIdentity(const std::string& user) {
  if (geteuid() != 0 || user.empty()) return std::nullopt;  // Nothing to drop, or asked not to.
  absl::StatusOr<std::optional<BuilderIdentity>> identity = ResolveBuilderIdentity(user);
  if (identity.ok()) return *identity;
  spdlog::warn("{}; snapshot builders run as uid {}", std::string(identity.status().message()),
               kOverflowId);
  return BuilderIdentity{.uid = kOverflowId, .gid = kOverflowId};
}

}  // namespace

SnapshotMaker::Builder::Builder(int index)
    : thread(
          absl::StrCat("hearth-snap", index), [] {}, [] {}) {}

SnapshotMaker::SnapshotMaker(const IsolatePoolOptions& options)
    : options_(options),
      cache_(options.snapshot_cache_dir),
      builder_identity_(ResolveIdentity(options.snapshot_builder_user)) {
  cache_.RemoveTemporaries();
  for (int i = 0; i < std::max(options.workers, 1); ++i) {
    builders_.push_back(std::make_unique<Builder>(i));
  }
}

SnapshotMaker::~SnapshotMaker() {
  for (auto& builder : builders_) builder->thread.Stop();
}

bool SnapshotMaker::Wanted(SnapshotPolicy policy, int64_t top_level_cpu_us) const {
  switch (policy) {
    case SnapshotPolicy::kAlways:
      return true;
    case SnapshotPolicy::kNever:
      return false;
    case SnapshotPolicy::kAuto:
      return top_level_cpu_us >= int64_t{options_.snapshot_threshold_ms} * 1000;
  }
  return false;
}

void SnapshotMaker::Make(std::shared_ptr<FunctionSpec> spec,
                         absl::AnyInvocable<void(absl::Status) &&> done) {
  if (spec->snapshot_policy == SnapshotPolicy::kNever) {
    KeepCodeCache(*spec);
    return std::move(done)(absl::OkStatus());
  }
  using Done = absl::AnyInvocable<void(absl::Status) &&>;
  Builder* builder = builders_.front().get();
  for (const auto& candidate : builders_) {
    if (candidate->pending.load() < builder->pending.load()) builder = candidate.get();
  }
  builder->pending.fetch_add(1);
  PostOrElse(
      builder->thread, std::make_unique<Done>(std::move(done)),
      [this, spec, builder](std::unique_ptr<Done> accepted) {
        absl::Status status = MakeNow(*spec);
        builder->pending.fetch_sub(1);
        std::move (*accepted)(std::move(status));
      },
      [builder](std::unique_ptr<Done> refused) {
        builder->pending.fetch_sub(1);
        std::move (*refused)(absl::UnavailableError("the agent is shutting down"));
      });
}

void SnapshotMaker::Forget(const FunctionSpec& spec) {
  if (spec.snapshot_policy != SnapshotPolicy::kNever) cache_.Erase(SnapshotKey(spec));
  cache_.Erase(CodeCacheKey(spec));
}

void SnapshotMaker::KeepCodeCache(FunctionSpec& spec) const {
  if (options_.snapshot_cache_dir.empty() || !options_.code_cache) return;
  const std::string key = CodeCacheKey(spec);
  if (std::optional<SnapshotCache::Entry> kept = cache_.Load(key)) {
    spec.code_cache->Preload(std::move(kept->blob));
  }
  // On the worker that made the cache, after its invocation's answer: a few KB written once
  // per version. A fresh SnapshotCache of the same directory: nothing here to outlive.
  spec.code_cache->SetPersist(
      [dir = options_.snapshot_cache_dir, key, name = spec.name](const std::string& bytes) {
        absl::Status stored = SnapshotCache(dir).Store(key, {.top_level_cpu_us = 0, .blob = bytes});
        if (!stored.ok()) {
          spdlog::warn("function {}: code cache not kept: {}", name, std::string(stored.message()));
        }
      });
}

uint64_t SnapshotMaker::MaxBlobBytes(const FunctionSpec& spec) const {
  if (options_.snapshot_max_mb != 0) return uint64_t{options_.snapshot_max_mb} << 20;
  return std::max(uint64_t{spec.limits.memory_mb} << 20, kMinDefaultBlobCapBytes);
}

absl::Status SnapshotMaker::MakeNow(FunctionSpec& spec) {
  const std::string key = SnapshotKey(spec);
  std::optional<SnapshotCache::Entry> entry = cache_.Load(key, MaxBlobBytes(spec));
  if (!entry.has_value() ||
      (entry->blob.empty() && Wanted(spec.snapshot_policy, entry->top_level_cpu_us))) {
    const SnapshotBuildRequest request{
        .name = spec.name,
        .source = spec.source,
        .env = spec.env,
        .memory_mb = spec.limits.memory_mb,
        .cpu_budget_ms = options_.boot_cpu_ms * kBuilderSlowdown,
        .wall_budget_ms = options_.boot_timeout_ms * kBuilderSlowdown,
        .hash_seed = V8HashSeed(),
        .max_blob_bytes = MaxBlobBytes(spec),
        .identity = builder_identity_,
    };
    const int64_t deadline =
        MonotonicMicros() + int64_t{request.wall_budget_ms} * 1000 + kBuilderOverheadUs;
    absl::StatusOr<SnapshotBuildResult> built =
        RunSnapshotBuilderProcess(options_.snapshot_builder_path, request, deadline);
    absl::Status status = built.ok() ? built->status : built.status();
    if (built.ok() && status.code() == absl::StatusCode::kOutOfRange) {
      status = absl::OutOfRangeError(absl::StrCat("top-level code exceeded the boot CPU budget of ",
                                                  options_.boot_cpu_ms, " ms"));
    }
    const bool unserializable = status.code() == absl::StatusCode::kInternal ||
                                status.code() == absl::StatusCode::kFailedPrecondition;
    if (unserializable && spec.snapshot_policy == SnapshotPolicy::kAuto) {
      // Not the function's fault as far as we know: generic isolates will judge its top
      // level under the real limits.
      spdlog::warn("function {}: no snapshot ({}); its isolates will load it instead", spec.name,
                   std::string(status.message()));
      KeepCodeCache(spec);
      return absl::OkStatus();
    }
    if (unserializable) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot snapshot the function: ", status.message()));
    }
    if (!status.ok()) return status;
    entry = SnapshotCache::Entry{.top_level_cpu_us = built->top_level_cpu_us, .blob = {}};
    // A blob too cheap to be worth it is not kept: the entry still records the measurement.
    if (Wanted(spec.snapshot_policy, built->top_level_cpu_us)) entry->blob = std::move(built->blob);
    if (absl::Status stored = cache_.Store(key, *entry); !stored.ok()) {
      spdlog::warn("function {}: snapshot not cached: {}", spec.name,
                   std::string(stored.message()));
    }
  }
  if (!Wanted(spec.snapshot_policy, entry->top_level_cpu_us)) {
    KeepCodeCache(spec);
    return absl::OkStatus();
  }
  auto snapshot = std::make_shared<FunctionSnapshot>();
  snapshot->blob = std::move(entry->blob);
  snapshot->top_level_cpu_us = entry->top_level_cpu_us;
  spec.snapshot = std::move(snapshot);
  return absl::OkStatus();
}

}  // namespace hearth
