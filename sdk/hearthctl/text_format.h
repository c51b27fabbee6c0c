// hearthctl's human-readable output (--output text, the default). Every function returns
// whole lines, newline-terminated, so callers only choose the stream.
#ifndef HEARTH_SDK_HEARTHCTL_TEXT_FORMAT_H_
#define HEARTH_SDK_HEARTHCTL_TEXT_FORMAT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hearth/v1/agent.pb.h"

namespace hearth::ctl {

// Versions are content hashes; like git, tables show a prefix long enough to tell apart.
inline constexpr size_t kShortVersionLength = 12;

// "deployed hello version 3f2a9c0d1e2b (build 4.2 ms, snapshot 0 bytes)"
std::string FormatDeployed(absl::string_view name, const v1::DeployResponse& response);

// Table with a header row: NAME VERSION SOURCE_BYTES INVOCATIONS STATUS (ok | quarantined).
std::string FormatFunctionTable(const std::vector<const v1::FunctionInfo*>& functions);

// One "key: value" line per field of the function.
std::string FormatFunctionInfo(const v1::FunctionInfo& info);

// For invoke --verbose, curl-style: "< " lines for the HTTP status and headers (when the
// function answered), "* " lines for the outcome, the execution report and each log entry.
std::string FormatInvokeDetails(const v1::InvokeResponse& response);

}  // namespace hearth::ctl

#endif  // HEARTH_SDK_HEARTHCTL_TEXT_FORMAT_H_
