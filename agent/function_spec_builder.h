// Turns a DeployRequest into a FunctionSpec: validates what the control plane sent
// (name, source size, env), applies the agent's defaults and caps to limits and pool
// settings, and computes the version (a content hash).
#ifndef HEARTH_AGENT_FUNCTION_SPEC_BUILDER_H_
#define HEARTH_AGENT_FUNCTION_SPEC_BUILDER_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "hearth/v1/agent.pb.h"
#include "isolate_pool/function_spec.h"
#include "isolate_pool/isolate_pool.h"

namespace hearth {

struct DeployCaps {
  size_t max_source_bytes = 8u << 20;
  size_t max_env_bytes = 64u << 10;
};

absl::StatusOr<std::shared_ptr<FunctionSpec>> BuildFunctionSpec(const v1::DeployRequest& request,
                                                                const IsolatePool& pool,
                                                                const DeployCaps& caps);

// True for names of 1 to 64 characters from [A-Za-z0-9_-].
bool IsValidFunctionName(std::string_view name);

// The FunctionInfo of `spec` (without its invocation count).
v1::FunctionInfo DescribeFunction(const FunctionSpec& spec);

}  // namespace hearth

#endif  // HEARTH_AGENT_FUNCTION_SPEC_BUILDER_H_
