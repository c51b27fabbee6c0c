#include "sdk/client/grpc_status.h"

namespace hearth::client {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // absl::Status maps an out-of-range code to UNKNOWN itself, so no range check here.
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace hearth::client
