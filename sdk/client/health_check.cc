#include "sdk/client/health_check.h"

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/support/slice.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sdk/client/grpc_status.h"

namespace hearth::client {
namespace {

constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";
// HealthCheckResponse.status is field 1; ServingStatus.SERVING is 1.
constexpr int kStatusField = 1;
constexpr uint64_t kServing = 1;

// HealthCheckResponse.ServingStatus values.
std::string ServingStatusName(uint64_t status) {
  switch (status) {
    case 0:
      return "UNKNOWN";
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
  }
  return absl::StrCat("status ", status);
}

}  // namespace

absl::Status HealthFromResponse(const grpc::ByteBuffer& response) {
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) {
    return absl::InternalError("health check: unreadable response");
  }
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  // Generic wire-format parsing: every field is "unknown" to an UnknownFieldSet.
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError("health check: malformed response");
  }
  uint64_t status = 0;  // Absent means UNKNOWN, the proto3 default.
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    if (field.number() == kStatusField &&
        field.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      status = field.varint();
    }
  }
  if (status == kServing) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("agent is ", ServingStatusName(status)));
}

absl::Status CheckServerHealth(grpc::GenericStub& stub, grpc::ClientContext* context) {
  // A private completion queue makes the generic async call blocking, like a sync stub's.
  grpc::CompletionQueue queue;
  const grpc::Slice empty;  // HealthCheckRequest{service: ""}: all defaults, zero bytes.
  const grpc::ByteBuffer request(&empty, 1);
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(context, kCheckMethod, request, &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, /*tag=*/&response);
  void* tag = nullptr;
  bool ok = false;
  const bool got_event = queue.Next(&tag, &ok);
  queue.Shutdown();
  for (void* ignored_tag; queue.Next(&ignored_tag, &ok);) {
  }
  if (!got_event || tag != &response) {
    return absl::InternalError("health check: completion queue failed");
  }
  if (!status.ok()) return FromGrpcStatus(status);
  return HealthFromResponse(response);
}

}  // namespace hearth::client
