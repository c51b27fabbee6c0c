#include "sdk/hearthctl/text_format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace hearth::ctl {
namespace {

std::string ShortVersion(std::string_view version) {
  return std::string(version.substr(0, kShortVersionLength));
}

std::string FormatDeployTime(uint64_t unix_ms) {
  if (unix_ms == 0) return "unknown";
  return absl::FormatTime("%Y-%m-%d %H:%M:%E3S UTC",
                          absl::FromUnixMillis(static_cast<int64_t>(unix_ms)), absl::UTCTimeZone());
}

}  // namespace

std::string FormatDeployed(absl::string_view name, const v1::DeployResponse& response) {
  return absl::StrFormat("deployed %s version %s (build %.1f ms, snapshot %d bytes)\n", name,
                         ShortVersion(response.version()), response.build_ms(),
                         response.snapshot_bytes());
}

std::string FormatFunctionTable(const std::vector<const v1::FunctionInfo*>& functions) {
  const std::vector<std::string> header = {"NAME", "VERSION", "SOURCE_BYTES", "INVOCATIONS",
                                           "STATUS"};
  std::vector<std::vector<std::string>> rows = {header};
  for (const v1::FunctionInfo* info : functions) {
    rows.push_back({info->name(), ShortVersion(info->version()), absl::StrCat(info->source_bytes()),
                    absl::StrCat(info->invocations()), info->quarantined() ? "quarantined" : "ok"});
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  std::string table;
  for (const auto& row : rows) {
    std::string line;
    for (size_t column = 0; column < row.size(); ++column) {
      const bool last = column + 1 == row.size();
      absl::StrAppend(&line,
                      last ? row[column] : absl::StrFormat("%-*s  ", widths[column], row[column]));
    }
    absl::StrAppend(&table, line, "\n");
  }
  return table;
}

std::string FormatFunctionInfo(const v1::FunctionInfo& info) {
  const v1::Limits& limits = info.limits();
  const v1::PoolSettings& pool = info.pool();
  const std::string per_isolate = pool.max_invocations_per_isolate() == 0
                                      ? "unlimited"
                                      : absl::StrCat(pool.max_invocations_per_isolate());
  std::string text;
  absl::StrAppend(&text, "name:         ", info.name(), "\n");
  absl::StrAppend(&text, "version:      ", info.version(), "\n");
  absl::StrAppend(&text, "deployed:     ", FormatDeployTime(info.deployed_at_ms()), "\n");
  absl::StrAppend(&text, "source:       ", info.source_bytes(), " bytes\n");
  absl::StrAppend(&text, "limits:       cpu ", limits.cpu_ms(), " ms, memory ", limits.memory_mb(),
                  " MB, timeout ", limits.timeout_ms(), " ms\n");
  absl::StrAppend(&text, "pool:         min warm ", pool.min_warm(), ", max isolates ",
                  pool.max_isolates(), ", idle ttl ", pool.idle_ttl_ms(),
                  " ms, invocations per isolate ", per_isolate, "\n");
  absl::StrAppend(&text, "env:          ",
                  info.env_keys().empty() ? "(none)" : absl::StrJoin(info.env_keys(), ", "), "\n");
  absl::StrAppend(&text, "invocations:  ", info.invocations(), "\n");
  absl::StrAppend(&text, "status:       ",
                  info.quarantined() ? absl::StrCat("quarantined: ", info.quarantine_reason(),
                                                    "; deploy it again to lift the quarantine")
                                     : "ok",
                  "\n");
  return text;
}

std::string FormatInvokeDetails(const v1::InvokeResponse& response) {
  std::string text;
  if (response.outcome() == v1::OUTCOME_OK) {
    absl::StrAppend(&text, "< ", response.response().status(), "\n");
    for (const v1::Header& header : response.response().headers()) {
      absl::StrAppend(&text, "< ", header.name(), ": ", header.value(), "\n");
    }
  }
  const v1::ExecutionReport& report = response.report();
  absl::StrAppend(&text, "* ", v1::Outcome_Name(response.outcome()), ", ",
                  report.cold() ? "cold" : "warm", " start, worker ", report.worker(), "\n");
  absl::StrAppend(&text, "* queue ", report.queue_us(), " µs, boot ", report.boot_us(), " µs, run ",
                  report.run_us(), " µs, cpu ", report.cpu_us(), " µs, heap ", report.heap_bytes(),
                  " bytes\n");
  for (const std::string& log : report.logs()) absl::StrAppend(&text, "* ", log, "\n");
  return text;
}

}  // namespace hearth::ctl
