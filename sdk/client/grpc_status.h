// The one place where gRPC statuses received from the agent become absl::Status values.
// absl and gRPC use the same numeric codes; the agent's message is kept as it is.
#ifndef HEARTH_SDK_CLIENT_GRPC_STATUS_H_
#define HEARTH_SDK_CLIENT_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hearth::client {

absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace hearth::client

#endif  // HEARTH_SDK_CLIENT_GRPC_STATUS_H_
