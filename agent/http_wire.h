// What the edge HTTP listener writes: the head of a function's response, and the answer
// for an invocation that failed or was refused. A function's failure becomes a 5xx whose
// body says which kind of failure it was and nothing else: messages and stacks stay in
// the agent (PRODUCT.md section 8).
//
// Thread: pure functions; any thread.
#ifndef HEARTH_AGENT_HTTP_WIRE_H_
#define HEARTH_AGENT_HTTP_WIRE_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hearth/v1/agent.pb.h"

namespace hearth {

struct HttpHead {
  uint32_t status = 200;
  // Written as given after the status line ("name: value\r\n" each), before the
  // listener's own Content-Length, Connection and Date.
  std::string headers;
};

// The head of a function's response: its status and headers, without the hop-by-hop
// ones (the listener frames the body itself) and without any header a client could not
// parse (CR, LF or NUL in it: never written, so no function can split a response).
HttpHead FunctionResponseHead(const v1::HttpResponse& response);

// The response for an invocation that ran and failed (`outcome` not OK), or for one the
// agent refused (`refusal`: the status SubmitInvocation or the worker gave): status and
// a one-line text body.
struct HttpFailure {
  uint32_t status;
  absl::string_view body;
};
HttpFailure FailureForOutcome(v1::Outcome outcome);
HttpFailure FailureForRefusal(const absl::Status& refusal);

// Fields that describe one connection (RFC 9110 section 7.6.1), never passed through.
bool IsHopByHopHeader(absl::string_view name);

// "200 OK"; statuses without a registered phrase get an empty one.
absl::string_view ReasonPhrase(uint32_t status);

// Whether a response with `status` to a request of `method` carries no body (RFC 9110
// section 6.4.1: HEAD, 1xx, 204, 304).
bool ResponseHasNoBody(uint32_t status, bool head_request);

// The status line and every header, ending with the blank line. `body_size` is announced
// in Content-Length unless the status forbids a body (a HEAD response announces the
// length a GET would have had); `date` is an IMF-fixdate.
std::string SerializeHead(const HttpHead& head, size_t body_size, bool close,
                          absl::string_view date);

}  // namespace hearth

#endif  // HEARTH_AGENT_HTTP_WIRE_H_
