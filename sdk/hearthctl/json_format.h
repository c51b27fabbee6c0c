// hearthctl's JSON output (--output json): one stable object per proto message, with
// snake_case keys equal to the proto field names and numbers as JSON numbers (not the
// strings protobuf's JSON mapping uses for 64-bit fields), so scripts can use jq directly.
// Keys keep the order documented below (ordered_json), which reads better than sorted.
#ifndef HEARTH_SDK_HEARTHCTL_JSON_FORMAT_H_
#define HEARTH_SDK_HEARTHCTL_JSON_FORMAT_H_

#include <string_view>

#include "hearth/v1/agent.pb.h"
#include "nlohmann/json.hpp"

namespace hearth::ctl {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view text);

// {"name","version","snapshot_bytes","build_ms"}
nlohmann::ordered_json DeployResponseToJson(std::string_view name,
                                            const v1::DeployResponse& response);

// {"name","version","limits":{...},"pool":{...},"env_keys":[...],"source_bytes",
//  "deployed_at_ms","invocations"}
nlohmann::ordered_json FunctionInfoToJson(const v1::FunctionInfo& info);

// {"id","outcome","status","headers":[{"name","value"}],"body" | "body_base64","error",
//  "report":{"cold","queue_us","boot_us","run_us","cpu_us","heap_bytes","worker","logs"}}
// The body is a string when it is valid UTF-8 and "body_base64" otherwise. Every key is
// present whatever the outcome, so a script need not test for it.
nlohmann::ordered_json InvokeResponseToJson(const v1::InvokeResponse& response);

}  // namespace hearth::ctl

#endif  // HEARTH_SDK_HEARTHCTL_JSON_FORMAT_H_
