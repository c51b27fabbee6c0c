#include "sdk/client/agent_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "sdk/client/channel_credentials.h"
#include "sdk/client/grpc_status.h"
#include "sdk/client/health_check.h"

namespace hearth::client {
namespace {

// Runs one unary call of the generated stub and converts its outcome.
template <typename Request, typename Response, typename Method>
absl::StatusOr<Response> Call(const AgentClient& client, Method method, const Request& request) {
  grpc::ClientContext context;
  client.PrepareContext(&context);
  Response response;
  grpc::Status status = (client.stub().*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AgentClient>> AgentClient::Connect(const ClientOptions& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("no agent address given");
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the call timeout must be positive");
  }
  HEARTH_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                          MakeChannelCredentials(options));
  grpc::ChannelArguments args;
  // The agent sets its own caps on bodies and sources; the client must not add a lower one
  // (gRPC's default receive limit is 4 MiB).
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.target, credentials, args);
  std::string authorization =
      options.auth_token.empty() ? "" : absl::StrCat("Bearer ", options.auth_token);
  return std::unique_ptr<AgentClient>(
      new AgentClient(std::move(channel), std::move(authorization), options.timeout));
}

AgentClient::AgentClient(std::shared_ptr<grpc::Channel> channel, std::string authorization,
                         absl::Duration timeout)
    : channel_(std::move(channel)),
      stub_(v1::Agent::NewStub(channel_)),
      generic_stub_(std::make_unique<grpc::GenericStub>(channel_)),
      authorization_(std::move(authorization)),
      timeout_(timeout) {}

void AgentClient::PrepareContext(grpc::ClientContext* context) const {
  if (timeout_ != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  }
  if (!authorization_.empty()) context->AddMetadata("authorization", authorization_);
}

absl::StatusOr<v1::DeployResponse> AgentClient::Deploy(const v1::DeployRequest& request) const {
  return Call<v1::DeployRequest, v1::DeployResponse>(*this, &v1::Agent::Stub::Deploy, request);
}

absl::StatusOr<v1::UndeployResponse> AgentClient::Undeploy(std::string_view name) const {
  v1::UndeployRequest request;
  request.set_name(std::string(name));
  return Call<v1::UndeployRequest, v1::UndeployResponse>(*this, &v1::Agent::Stub::Undeploy,
                                                         request);
}

absl::StatusOr<v1::ListFunctionsResponse> AgentClient::ListFunctions() const {
  return Call<v1::ListFunctionsRequest, v1::ListFunctionsResponse>(
      *this, &v1::Agent::Stub::ListFunctions, v1::ListFunctionsRequest());
}

absl::StatusOr<v1::FunctionInfo> AgentClient::GetFunction(std::string_view name) const {
  v1::GetFunctionRequest request;
  request.set_name(std::string(name));
  return Call<v1::GetFunctionRequest, v1::FunctionInfo>(*this, &v1::Agent::Stub::GetFunction,
                                                        request);
}

absl::StatusOr<v1::InvokeResponse> AgentClient::Invoke(const v1::InvokeRequest& request) const {
  return Call<v1::InvokeRequest, v1::InvokeResponse>(*this, &v1::Agent::Stub::Invoke, request);
}

absl::Status AgentClient::HealthCheck() const {
  grpc::ClientContext context;
  PrepareContext(&context);
  return CheckServerHealth(*generic_stub_, &context);
}

}  // namespace hearth::client
