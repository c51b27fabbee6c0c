// The one place where internal absl::Status values become gRPC statuses (PRODUCT.md
// section 7). The numeric codes are the same; the message is kept.
#ifndef HEARTH_AGENT_GRPC_STATUS_H_
#define HEARTH_AGENT_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace hearth {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace hearth

#endif  // HEARTH_AGENT_GRPC_STATUS_H_
