// Test support: a gRPC client of a real agent (tests/agent_process.h) with the deadlines a
// test wants, and one agent shared by a whole test suite. What the e2e tests would
// otherwise each write again.
#ifndef HEARTH_TESTS_AGENT_CLIENT_H_
#define HEARTH_TESTS_AGENT_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_process.h"

namespace hearth::testing {

class AgentClient {
 public:
  explicit AgentClient(const AgentProcess& agent);

  // Generous deadlines: the agent's own limits end what it runs long before.
  grpc::Status Deploy(const v1::DeployRequest& request, v1::DeployResponse* response = nullptr,
                      std::chrono::milliseconds deadline = std::chrono::seconds(60));
  grpc::Status Invoke(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                      std::chrono::milliseconds deadline = std::chrono::seconds(60));
  // A plain invocation of `function`.
  grpc::Status Invoke(const std::string& function, v1::InvokeResponse* response,
                      std::chrono::milliseconds deadline = std::chrono::seconds(60));

  v1::Agent::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<v1::Agent::Stub> stub_;
};

// A deploy request of `source` under `name`.
v1::DeployRequest DeployOf(const std::string& name, const std::string& source);

// One agent for a test suite: Start in SetUpTestSuite, Stop in TearDownTestSuite (which
// expects a clean drain).
class SuiteAgent {
 public:
  static void Start(const std::vector<std::string>& args);
  static void Stop();
  static AgentProcess* agent() { return agent_; }
  static AgentClient* client() { return client_; }

 private:
  static AgentProcess* agent_;
  static AgentClient* client_;
};

}  // namespace hearth::testing

#endif  // HEARTH_TESTS_AGENT_CLIENT_H_
