// What the edge HTTP listener's parts on every worker loop share: its settings, how they
// reach the functions, and the agent-wide connection count.
//
// Thread: immutable after construction, but for `connections` (atomic); any thread.
#ifndef HEARTH_AGENT_HTTP_EDGE_CONTEXT_H_
#define HEARTH_AGENT_HTTP_EDGE_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "agent/http_listener_options.h"
#include "agent/request_validation.h"
#include "hearth/v1/agent.pb.h"
#include "isolate_pool/cancel_token.h"

namespace hearth {

// Hands an invocation to the scheduler (AgentService::SubmitInvocation, via HTTP): `done`
// is called exactly once, on a worker thread, if and only if it returns OK.
using HttpSubmit = std::function<absl::Status(
    const v1::InvokeRequest& request, v1::InvokeResponse* response, int64_t accepted_us,
    absl::AnyInvocable<void(absl::Status) &&> done, std::shared_ptr<CancelToken> cancel)>;

struct HttpEdgeContext {
  HttpListenerOptions options;
  RequestCaps caps;
  std::string fallback_authority;  // The listener's address, for requests without Host.
  std::function<bool(const std::string&)> deployed;
  HttpSubmit submit;
  std::atomic<uint32_t> connections{0};
};

}  // namespace hearth

#endif  // HEARTH_AGENT_HTTP_EDGE_CONTEXT_H_
