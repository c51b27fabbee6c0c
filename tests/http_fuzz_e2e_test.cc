// Random and truncated requests fed to the real edge listener for a bounded time: whatever
// arrives, the agent answers with a status it documents (or closes), never crashes, and a
// well-formed request right after is served.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/agent_client.h"
#include "tests/agent_process.h"
#include "tests/http_client.h"

namespace hearth::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kTemplates[] = {
    "GET /echo/a?b=c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
    "POST /echo/p HTTP/1.1\r\nHost: echo.example\r\nContent-Length: 5\r\n\r\nhello",
    "POST /echo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "PUT /echo/ HTTP/1.0\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nhi",
    "GET /echo/ HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/2 HTTP/1.1\r\nHost: x\r\n\r\n",
};

std::string Mutate(std::mt19937& random, std::string request) {
  std::uniform_int_distribution<int> kind(0, 5);
  auto at = [&](size_t size) { return std::uniform_int_distribution<size_t>(0, size)(random); };
  auto byte = [&] { return static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random)); };
  switch (kind(random)) {
    case 0:  // Truncated.
      return request.substr(0, at(request.size()));
    case 1:  // Bytes flipped.
      for (int i = 0; i < 4; ++i) request[at(request.size() - 1)] = byte();
      return request;
    case 2: {  // Bytes inserted.
      std::string noise;
      for (size_t i = at(64); i > 0; --i) noise += byte();
      request.insert(at(request.size()), noise);
      return request;
    }
    case 3: {  // Pure noise.
      std::string noise;
      for (size_t i = at(512) + 1; i > 0; --i) noise += byte();
      return noise;
    }
    case 4:  // Structural characters moved about.
      for (int i = 0; i < 3; ++i) request.insert(at(request.size()), i % 2 ? "\r\n" : ":");
      return request;
    default:  // A piece repeated.
      return request + request.substr(0, at(request.size()));
  }
}

TEST(HttpFuzzE2eTest, RandomAndTruncatedRequestsNeverHurtTheAgent) {
  auto agent =
      AgentProcess::Start({"--http-listen", "127.0.0.1:0", "--workers", "1",
                           "--http-header-timeout-ms", "300", "--http-body-timeout-ms", "300"});
  ASSERT_TRUE(agent.ok()) << agent.status();
  AgentClient client(**agent);
  ASSERT_TRUE(client.Deploy(DeployOf("echo", "export default (r) => new Response(r.url)")).ok());
  const int port = (*agent)->http_port();
  const std::set<int> documented = {100, 200, 400, 404, 408, 413, 414, 431, 500, 503};

  std::mt19937 random(20261203);  // Fixed: a failure reproduces.
  const auto stop = std::chrono::steady_clock::now() + seconds(6);
  int sent = 0;
  while (std::chrono::steady_clock::now() < stop) {
    const std::string request = Mutate(random, kTemplates[sent % std::size(kTemplates)]);
    auto connection = HttpConnectionForTest::Open(port);
    ASSERT_TRUE(connection.ok()) << "after " << sent << " requests: " << connection.status();
    (void)(*connection)->Send(request);  // The agent may close first.
    ++sent;
    if (sent % 2 == 0) continue;  // Hang up at once: the agent sees EOF mid-request.
    // Otherwise read whatever comes until the agent answers and closes, or times us out.
    for (int i = 0; i < 4; ++i) {
      absl::StatusOr<HttpReply> reply = (*connection)->Read(seconds(5));
      if (!reply.ok()) break;
      EXPECT_TRUE(documented.count(reply->status)) << reply->status << " for " << request;
    }
    if (sent % 50 == 1) {
      absl::StatusOr<HttpReply> healthy =
          HttpExchangeOnce(port, "GET /echo/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      ASSERT_TRUE(healthy.ok()) << "after " << sent << " requests: " << healthy.status();
      ASSERT_EQ(healthy->status, 200);
    }
  }
  absl::StatusOr<HttpReply> healthy =
      HttpExchangeOnce(port, "GET /echo/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(healthy.ok()) << healthy.status();
  EXPECT_EQ(healthy->status, 200);
  EXPECT_EQ(healthy->body, "http://x/ok");
  EXPECT_GT(sent, 50);
  EXPECT_EQ((*agent)->Stop(), 0);
}

}  // namespace
}  // namespace hearth::testing
