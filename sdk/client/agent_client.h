// The C++ client of hearth-agent's gRPC API (proto/hearth/v1/agent.proto): what a control
// plane, hearthctl and the tests use to deploy and invoke functions. Connect once, then
// call; agent refusals come back as absl::Status with the agent's code and message, while a
// function's own failure is an Outcome inside an OK InvokeResponse.
#ifndef HEARTH_SDK_CLIENT_AGENT_CLIENT_H_
#define HEARTH_SDK_CLIENT_AGENT_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "hearth/v1/agent.pb.h"

namespace hearth::client {

struct ClientOptions {
  // gRPC target: "host:port", or any target name gRPC resolves ("dns:///...", "unix:...").
  std::string target = "127.0.0.1:7070";
  // Sent as "authorization: Bearer <token>" metadata on every call when non-empty.
  std::string auth_token;
  // TLS is used when tls_ca_file is set: the agent's certificate must chain to this CA.
  // tls_cert_file and tls_key_file (both or neither) add a client certificate, for agents
  // started with --tls-client-ca.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  // Deadline of every call, from the moment it starts. absl::InfiniteDuration() for none.
  // For Invoke it also bounds the function's wall-clock time (OUTCOME_TIMEOUT).
  absl::Duration timeout = absl::Seconds(30);
};

// One channel to one agent, and the stubs over it.
//
// Thread: any. Calls may be made concurrently from several threads without locking, as
// gRPC channels and stubs allow; the object must outlive every call made through it.
// The channel connects lazily: Connect() does not wait for the agent, and a call to an
// agent that cannot be reached fails with UNAVAILABLE.
class AgentClient {
 public:
  // Fails only on local problems: unreadable TLS files, inconsistent options.
  static absl::StatusOr<std::unique_ptr<AgentClient>> Connect(const ClientOptions& options);

  AgentClient(const AgentClient&) = delete;
  AgentClient& operator=(const AgentClient&) = delete;

  absl::StatusOr<v1::DeployResponse> Deploy(const v1::DeployRequest& request) const;
  absl::StatusOr<v1::UndeployResponse> Undeploy(std::string_view name) const;
  absl::StatusOr<v1::ListFunctionsResponse> ListFunctions() const;
  absl::StatusOr<v1::FunctionInfo> GetFunction(std::string_view name) const;
  absl::StatusOr<v1::InvokeResponse> Invoke(const v1::InvokeRequest& request) const;

  // grpc.health.v1.Health/Check for the whole server (service ""). OK when the agent
  // answers SERVING; UNAVAILABLE naming the status it answered otherwise (a draining
  // agent answers NOT_SERVING); the call's own error when it cannot be asked.
  absl::Status HealthCheck() const;

  // For callers that drive the stub themselves (InvokeStream, async or callback calls):
  // PrepareContext gives a fresh context this client's deadline and credentials metadata.
  v1::Agent::Stub& stub() const { return *stub_; }
  void PrepareContext(grpc::ClientContext* context) const;
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  AgentClient(std::shared_ptr<grpc::Channel> channel, std::string authorization,
              absl::Duration timeout);

  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::Agent::Stub> stub_;
  // The health proto is not shipped with Debian's gRPC, so Health/Check goes through a
  // generic stub (see health_check.h).
  const std::unique_ptr<grpc::GenericStub> generic_stub_;
  const std::string authorization_;  // "Bearer <token>", or empty.
  const absl::Duration timeout_;
};

}  // namespace hearth::client

#endif  // HEARTH_SDK_CLIENT_AGENT_CLIENT_H_
