// Edge HTTP routing (PRODUCT.md section 8): which deployed function a request is for, and
// the URL it sees. A request whose Host's first label names a deployed function goes to
// it with its path unchanged (`NAME.example.com/a` → NAME sees `/a`); otherwise the first
// path segment does, and the function sees the rest (`/NAME/a?b` → `/a?b`).
//
// Thread: pure functions; any thread.
#ifndef HEARTH_AGENT_HTTP_ROUTING_H_
#define HEARTH_AGENT_HTTP_ROUTING_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace hearth {

struct HttpRoute {
  std::string function;
  std::string url;  // Absolute: "http://" authority, then the path and query it sees.
};

// `host`: the Host header (may be empty); `target`: the request-target, in origin form
// ("/a?b") or absolute form ("http://h/a?b", whose authority then wins over Host, as RFC
// 9112 section 3.2.2 says); `fallback_authority`: the authority of the URL when the
// request names none. `deployed(name)` says whether a function of that name exists.
// Nullopt: no function matches (404).
std::optional<HttpRoute> RouteHttpRequest(absl::string_view host, absl::string_view target,
                                          absl::string_view fallback_authority,
                                          const std::function<bool(const std::string&)>& deployed);

}  // namespace hearth

#endif  // HEARTH_AGENT_HTTP_ROUTING_H_
