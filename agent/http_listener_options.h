// Settings of the edge HTTP listener (--http-* flags; PRODUCT.md section 3). The request
// caps it shares with gRPC (body size, header count, URL length) are RequestCaps.
#ifndef HEARTH_AGENT_HTTP_LISTENER_OPTIONS_H_
#define HEARTH_AGENT_HTTP_LISTENER_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace hearth {

struct HttpListenerOptions {
  std::string listen;  // HOST:PORT; empty: off.
  // Open connections the agent holds; one more is answered 503 and closed.
  uint32_t max_connections = 10'000;
  // Request line and header fields together; past it: 431.
  uint32_t max_header_bytes = 32u << 10;
  // From a request's first byte (or the connection's opening) until its headers are in;
  // then until its body is in. Past either: 408 and the connection is closed.
  uint32_t header_timeout_ms = 10'000;
  uint32_t body_timeout_ms = 30'000;
  // A kept-alive connection with no request, and a response the client does not read.
  uint32_t idle_timeout_ms = 60'000;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_HTTP_LISTENER_OPTIONS_H_
