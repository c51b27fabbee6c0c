#include "agent/function_spec_builder.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hearth {
namespace {

// The first 16 bytes of SHA-256 over a canonical encoding of the spec, in hex.
std::string ContentHash(const FunctionSpec& spec) {
  std::string canonical;
  auto field = [&](absl::string_view value) {
    absl::StrAppend(&canonical, value.size(), ":", value, ";");
  };
  field(spec.name);
  field(spec.source);
  for (uint32_t v :
       {spec.limits.cpu_ms, spec.limits.memory_mb, spec.limits.timeout_ms, spec.pool.min_warm,
        spec.pool.max_isolates, spec.pool.idle_ttl_ms, spec.pool.max_invocations_per_isolate}) {
    field(absl::StrCat(v));
  }
  // Only when set, so that versions deployed before the flag existed keep their hash.
  if (spec.pool.min_warm_pinned) field("min_warm_pinned");
  for (const auto& [key, value] : spec.env) {
    field(key);
    field(value);
  }
  field(absl::StrCat(static_cast<int>(spec.snapshot_policy)));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), std::min(length, 16u)));
}

}  // namespace

bool IsValidFunctionName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

absl::StatusOr<std::shared_ptr<FunctionSpec>> BuildFunctionSpec(const v1::DeployRequest& request,
                                                                const IsolatePool& pool,
                                                                const DeployCaps& caps) {
  if (!IsValidFunctionName(request.name())) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid function name '", request.name(),
                     "': use 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'"));
  }
  if (request.source().empty()) {
    return absl::InvalidArgumentError("source is empty: expected one ES module");
  }
  if (request.source().size() > caps.max_source_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("source has ", request.source().size(),
                                                   " bytes; the limit is ", caps.max_source_bytes));
  }
  auto spec = std::make_shared<FunctionSpec>();
  spec->name = request.name();
  spec->source = request.source();
  HEARTH_ASSIGN_OR_RETURN(spec->limits, pool.ResolveLimits(FunctionLimits{
                                            .cpu_ms = request.limits().cpu_ms(),
                                            .memory_mb = request.limits().memory_mb(),
                                            .timeout_ms = request.limits().timeout_ms()}));
  HEARTH_ASSIGN_OR_RETURN(spec->pool, pool.ResolvePool(FunctionPoolSettings{
                                          .min_warm = request.pool().min_warm(),
                                          .max_isolates = request.pool().max_isolates(),
                                          .idle_ttl_ms = request.pool().idle_ttl_ms(),
                                          .max_invocations_per_isolate =
                                              request.pool().max_invocations_per_isolate()}));
  size_t env_bytes = 0;
  for (const auto& [key, value] : request.env()) {
    if (key.empty()) return absl::InvalidArgumentError("env has an empty variable name");
    env_bytes += key.size() + value.size();
    spec->env.emplace_back(key, value);
  }
  if (env_bytes > caps.max_env_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("env has ", env_bytes, " bytes; the limit is ", caps.max_env_bytes));
  }
  std::sort(spec->env.begin(), spec->env.end());
  switch (request.snapshot()) {
    case v1::SNAPSHOT_AUTO:
      spec->snapshot_policy = SnapshotPolicy::kAuto;
      break;
    case v1::SNAPSHOT_ALWAYS:
      spec->snapshot_policy = SnapshotPolicy::kAlways;
      break;
    case v1::SNAPSHOT_NEVER:
      spec->snapshot_policy = SnapshotPolicy::kNever;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("snapshot: unknown policy ", static_cast<int>(request.snapshot())));
  }
  spec->version = ContentHash(*spec);
  spec->deployed_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  return spec;
}

v1::FunctionInfo DescribeFunction(const FunctionSpec& spec) {
  v1::FunctionInfo info;
  info.set_name(spec.name);
  info.set_version(spec.version);
  info.mutable_limits()->set_cpu_ms(spec.limits.cpu_ms);
  info.mutable_limits()->set_memory_mb(spec.limits.memory_mb);
  info.mutable_limits()->set_timeout_ms(spec.limits.timeout_ms);
  info.mutable_pool()->set_min_warm(spec.pool.min_warm);
  info.mutable_pool()->set_max_isolates(spec.pool.max_isolates);
  info.mutable_pool()->set_idle_ttl_ms(spec.pool.idle_ttl_ms);
  info.mutable_pool()->set_max_invocations_per_isolate(spec.pool.max_invocations_per_isolate);
  for (const auto& [key, value] : spec.env) info.add_env_keys(key);
  info.set_source_bytes(spec.source.size());
  info.set_deployed_at_ms(static_cast<uint64_t>(spec.deployed_at_ms));
  switch (spec.snapshot_policy) {
    case SnapshotPolicy::kAuto:
      info.set_snapshot(v1::SNAPSHOT_AUTO);
      break;
    case SnapshotPolicy::kAlways:
      info.set_snapshot(v1::SNAPSHOT_ALWAYS);
      break;
    case SnapshotPolicy::kNever:
      info.set_snapshot(v1::SNAPSHOT_NEVER);
      break;
  }
  info.set_snapshot_bytes(spec.snapshot != nullptr ? spec.snapshot->blob.size() : 0);
  return info;
}

}  // namespace hearth
