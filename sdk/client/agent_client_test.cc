#include "sdk/client/agent_client.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/slice.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "sdk/client/health_check.h"

namespace hearth::client {
namespace {

// Answers like a small agent and remembers what the last call carried.
class FakeAgent final : public v1::Agent::Service {
 public:
  grpc::Status Deploy(grpc::ServerContext* context, const v1::DeployRequest* request,
                      v1::DeployResponse* response) override {
    Remember(*context);
    response->set_version(absl::StrCat("v-", request->name()));
    response->set_build_ms(1.5);
    return grpc::Status::OK;
  }
  grpc::Status GetFunction(grpc::ServerContext* context, const v1::GetFunctionRequest* request,
                           v1::FunctionInfo*) override {
    Remember(*context);
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("function '", request->name(), "' not found"));
  }
  grpc::Status Invoke(grpc::ServerContext* context, const v1::InvokeRequest* request,
                      v1::InvokeResponse* response) override {
    Remember(*context);
    response->set_id(request->id());
    response->set_outcome(v1::OUTCOME_OK);
    response->mutable_response()->set_status(200);
    response->mutable_response()->set_body(request->request().body());
    return grpc::Status::OK;
  }

  std::string last_authorization() {
    absl::MutexLock lock(&mu_);
    return last_authorization_;
  }
  std::chrono::system_clock::time_point last_deadline() {
    absl::MutexLock lock(&mu_);
    return last_deadline_;
  }

 private:
  void Remember(const grpc::ServerContext& context) {
    absl::MutexLock lock(&mu_);
    auto it = context.client_metadata().find("authorization");
    last_authorization_ = it == context.client_metadata().end()
                              ? ""
                              : std::string(it->second.data(), it->second.size());
    last_deadline_ = context.deadline();
  }

  absl::Mutex mu_;
  std::string last_authorization_ ABSL_GUARDED_BY(mu_);
  std::chrono::system_clock::time_point last_deadline_ ABSL_GUARDED_BY(mu_);
};

class AgentClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&agent_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  std::unique_ptr<AgentClient> Client(ClientOptions options = {}) {
    options.target = absl::StrCat("127.0.0.1:", port_);
    absl::StatusOr<std::unique_ptr<AgentClient>> client = AgentClient::Connect(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  FakeAgent agent_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(AgentClientTest, DeployReturnsTheAgentsResponse) {
  v1::DeployRequest request;
  request.set_name("hello");
  absl::StatusOr<v1::DeployResponse> response = Client()->Deploy(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->version(), "v-hello");
  EXPECT_DOUBLE_EQ(response->build_ms(), 1.5);
}

TEST_F(AgentClientTest, KeepsTheAgentsCodeAndMessage) {
  absl::StatusOr<v1::FunctionInfo> info = Client()->GetFunction("resize");
  EXPECT_EQ(info.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(info.status().message(), "function 'resize' not found");
}

TEST_F(AgentClientTest, SendsTheBearerTokenOnlyWhenGiven) {
  ASSERT_TRUE(Client()->Invoke(v1::InvokeRequest()).ok());
  EXPECT_EQ(agent_.last_authorization(), "");

  ClientOptions options;
  options.auth_token = "s3cret";
  ASSERT_TRUE(Client(options)->Invoke(v1::InvokeRequest()).ok());
  EXPECT_EQ(agent_.last_authorization(), "Bearer s3cret");
}

TEST_F(AgentClientTest, SetsTheDeadlineFromTheTimeout) {
  ClientOptions options;
  options.timeout = absl::Seconds(7);
  const auto before = std::chrono::system_clock::now();
  ASSERT_TRUE(Client(options)->Invoke(v1::InvokeRequest()).ok());
  const auto left = agent_.last_deadline() - before;
  EXPECT_GT(left, std::chrono::seconds(6));
  EXPECT_LE(left, std::chrono::seconds(8));
}

TEST_F(AgentClientTest, InvokeCarriesTheBodyBothWays) {
  v1::InvokeRequest request;
  request.set_id("req-1");
  request.mutable_request()->set_body(std::string("\0\xff binary", 9));
  absl::StatusOr<v1::InvokeResponse> response = Client()->Invoke(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->id(), "req-1");
  EXPECT_EQ(response->response().body(), request.request().body());
}

TEST_F(AgentClientTest, HealthCheckFollowsTheServingStatus) {
  std::unique_ptr<AgentClient> client = Client();
  EXPECT_TRUE(client->HealthCheck().ok());
  server_->GetHealthCheckService()->SetServingStatus(false);
  absl::Status status = client->HealthCheck();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "agent is NOT_SERVING");
}

TEST(AgentClient, UnreachableAgentIsUnavailable) {
  ClientOptions options;
  options.target = "127.0.0.1:1";
  absl::StatusOr<std::unique_ptr<AgentClient>> client = AgentClient::Connect(options);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->ListFunctions().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*client)->HealthCheck().code(), absl::StatusCode::kUnavailable);
}

TEST(AgentClient, ConnectReportsUnreadableTlsFiles) {
  ClientOptions options;
  options.tls_ca_file = "/nonexistent/ca.pem";
  absl::StatusOr<std::unique_ptr<AgentClient>> client = AgentClient::Connect(options);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(client.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

TEST(AgentClient, ConnectRefusesACertificateWithoutItsKey) {
  ClientOptions options;
  options.tls_ca_file = "/nonexistent/ca.pem";
  options.tls_cert_file = "/nonexistent/cert.pem";
  EXPECT_EQ(AgentClient::Connect(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(HealthFromResponse, ReadsTheStatusField) {
  const auto decode = [](std::string bytes) {
    grpc::Slice slice(bytes);
    return HealthFromResponse(grpc::ByteBuffer(&slice, 1));
  };
  EXPECT_TRUE(decode("\x08\x01").ok());
  EXPECT_EQ(decode("\x08\x02").message(), "agent is NOT_SERVING");
  EXPECT_EQ(decode("").message(), "agent is UNKNOWN");            // proto3: absent means 0.
  EXPECT_EQ(decode("\x08").code(), absl::StatusCode::kInternal);  // Truncated.
}

}  // namespace
}  // namespace hearth::client
