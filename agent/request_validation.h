// Checks on what callers send, before any of it reaches a worker: a malformed request is
// refused with INVALID_ARGUMENT naming the field, never turned into a function failure.
#ifndef HEARTH_AGENT_REQUEST_VALIDATION_H_
#define HEARTH_AGENT_REQUEST_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "hearth/v1/agent.pb.h"

namespace hearth {

struct RequestCaps {
  size_t max_request_body_bytes = 16u << 20;
  size_t max_request_headers = 256;
  size_t max_url_bytes = 16u << 10;
};

absl::Status ValidateInvokeRequest(const v1::InvokeRequest& request, const RequestCaps& caps);

// RFC 9110 token: what header names and methods are made of.
bool IsHttpToken(std::string_view text);

}  // namespace hearth

#endif  // HEARTH_AGENT_REQUEST_VALIDATION_H_
