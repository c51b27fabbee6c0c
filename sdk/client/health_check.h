// grpc.health.v1.Health/Check over a generic stub.
//
// Debian 12 ships neither grpc/health/v1/health.proto nor code generated from it, and the
// project copies no third-party sources, so the call is made with raw message bytes. The
// two messages are tiny and frozen by the health-checking protocol: the request for the
// whole server (service "") encodes to zero bytes, and the response is field 1, an enum.
#ifndef HEARTH_SDK_CLIENT_HEALTH_CHECK_H_
#define HEARTH_SDK_CLIENT_HEALTH_CHECK_H_

#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/status/status.h"

namespace hearth::client {

// Asks the server behind `stub` for its overall status with `context` (deadline and
// metadata already set). OK when SERVING; UNAVAILABLE naming any other status.
absl::Status CheckServerHealth(grpc::GenericStub& stub, grpc::ClientContext* context);

// Decodes a serialized grpc.health.v1.HealthCheckResponse (exposed for tests).
absl::Status HealthFromResponse(const grpc::ByteBuffer& response);

}  // namespace hearth::client

#endif  // HEARTH_SDK_CLIENT_HEALTH_CHECK_H_
