#include "tests/agent_client.h"

#include <gtest/gtest.h>

#include <utility>

namespace hearth::testing {
namespace {

template <typename Duration>
void SetDeadline(grpc::ClientContext* context, Duration deadline) {
  context->set_deadline(std::chrono::system_clock::now() + deadline);
}

}  // namespace

AgentClient::AgentClient(const AgentProcess& agent)
    : stub_(v1::Agent::NewStub(
          grpc::CreateChannel(agent.grpc_target(), grpc::InsecureChannelCredentials()))) {}

grpc::Status AgentClient::Deploy(const v1::DeployRequest& request, v1::DeployResponse* response,
                                 std::chrono::milliseconds deadline) {
  v1::DeployResponse ignored;
  grpc::ClientContext context;
  SetDeadline(&context, deadline);
  return stub_->Deploy(&context, request, response != nullptr ? response : &ignored);
}

grpc::Status AgentClient::Invoke(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                                 std::chrono::milliseconds deadline) {
  grpc::ClientContext context;
  SetDeadline(&context, deadline);
  return stub_->Invoke(&context, request, response);
}

grpc::Status AgentClient::Invoke(const std::string& function, v1::InvokeResponse* response,
                                 std::chrono::milliseconds deadline) {
  v1::InvokeRequest request;
  request.set_function(function);
  return Invoke(request, response, deadline);
}

v1::DeployRequest DeployOf(const std::string& name, const std::string& source) {
  v1::DeployRequest request;
  request.set_name(name);
  request.set_source(source);
  return request;
}

AgentProcess* SuiteAgent::agent_ = nullptr;
AgentClient* SuiteAgent::client_ = nullptr;

void SuiteAgent::Start(const std::vector<std::string>& args) {
  auto agent = AgentProcess::Start(args);
  ASSERT_TRUE(agent.ok()) << agent.status();
  agent_ = std::move(agent).value().release();
  client_ = new AgentClient(*agent_);
}

void SuiteAgent::Stop() {
  delete client_;
  client_ = nullptr;
  if (agent_ != nullptr) {
    EXPECT_EQ(agent_->Stop(), 0) << "the agent did not drain cleanly";
  }
  delete agent_;
  agent_ = nullptr;
}

}  // namespace hearth::testing
