// The edge HTTP listener end to end: the real agent with --http-listen, real TCP on
// loopback, requests written byte for byte (tests/http_client.h). Routing, round trips,
// keep-alive and pipelining, the limits (400/404/408/413/414/431), failures mapped to 5xx
// without internals, metrics by `via`, cancellation by disconnect, and a drain.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/agent_client.h"
#include "tests/agent_process.h"
#include "tests/http_client.h"

namespace hearth::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kEcho[] = R"js(
export default {
  async fetch(request) {
    return Response.json({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    }, { headers: { 'x-from': 'echo' } });
  },
};
)js";

// Length and Adler-style checksum of the body: large bodies are checked without echoing.
constexpr char kDigest[] = R"js(
export default {
  async fetch(request) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    let sum = 0;
    for (const b of bytes) sum = (sum * 31 + b) % 1000000007;
    const size = Number(new URL(request.url).searchParams.get('reply') ?? 0);
    return new Response(`${bytes.length}:${sum}\n` + 'z'.repeat(size));
  },
};
)js";

constexpr char kFailures[] = R"js(
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === '/throw') throw new Error('secret-token-1234 leaked?');
    if (path === '/spin') { for (;;) {} }
    if (path === '/bad') return 42;
    if (path === '/hang') return new Promise(() => {});
    if (path === '/slow') { await new Promise(r => setTimeout(r, 1000)); return new Response('slow'); }
    if (path === '/status') return new Response(null, { status: 204, headers: { 'x-a': 'b' } });
    return new Response('ok');
  },
};
)js";

class HttpE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SuiteAgent::Start({"--http-listen", "127.0.0.1:0", "--http-header-timeout-ms", "1000",
                       "--http-body-timeout-ms", "1000", "--max-request-bytes",
                       std::to_string(2 << 20)});
    Deploy("echo", kEcho);
    v1::DeployRequest digest = DeployOf("digest", kDigest);
    digest.mutable_limits()->set_cpu_ms(5000);  // Megabytes through a JavaScript loop.
    ASSERT_TRUE(SuiteAgent::client()->Deploy(digest).ok());
    v1::DeployRequest failures = DeployOf("failures", kFailures);
    failures.mutable_limits()->set_cpu_ms(200);
    failures.mutable_limits()->set_timeout_ms(1500);
    ASSERT_TRUE(SuiteAgent::client()->Deploy(failures).ok());
  }
  static void TearDownTestSuite() { SuiteAgent::Stop(); }

  static void Deploy(const std::string& name, const std::string& source) {
    grpc::Status status = SuiteAgent::client()->Deploy(DeployOf(name, source));
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  static int port() { return SuiteAgent::agent()->http_port(); }

  static HttpReply Exchange(const std::string& request) {
    absl::StatusOr<HttpReply> reply = HttpExchangeOnce(port(), request);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpReply();
  }
  // A healthy request still answers: the agent survived what came before.
  static void ExpectAlive() {
    HttpReply reply = Exchange("GET /echo/alive HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(reply.status, 200);
  }
  // Sends `request` on a fresh connection: the answer's status, and that the connection
  // then closes.
  static void ExpectRefusedAndClosed(const std::string& request, int status) {
    auto connection = HttpConnectionForTest::Open(port());
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE((*connection)->Send(request).ok());
    absl::StatusOr<HttpReply> reply = (*connection)->Read(seconds(10));
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->status, status) << reply->body;
    EXPECT_EQ(reply->Header("connection"), "close");
    EXPECT_TRUE((*connection)->ClosedWithin(seconds(10)));
  }
};

TEST_F(HttpE2eTest, RoutesByPathAndTheFunctionSeesTheRest) {
  HttpReply reply =
      Exchange("GET /echo/a/b?c=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(reply.status, 200);
  nlohmann::json echoed = nlohmann::json::parse(reply.body);
  EXPECT_EQ(echoed["url"], "http://127.0.0.1/a/b?c=1");
  EXPECT_EQ(reply.Header("x-from"), "echo");

  reply = Exchange("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["url"], "http://127.0.0.1/");
  reply = Exchange("GET /echo?q=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(nlohmann::json::parse(reply.body)["url"], "http://127.0.0.1/?q=2");
}

TEST_F(HttpE2eTest, RoutesByTheHostsFirstLabel) {
  HttpReply reply = Exchange(
      "GET /echo/x HTTP/1.1\r\nHost: echo.functions.example:8080\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(reply.status, 200);
  // The host names the function: the whole path is the function's.
  EXPECT_EQ(nlohmann::json::parse(reply.body)["url"], "http://echo.functions.example:8080/echo/x");
}

TEST_F(HttpE2eTest, UnknownFunctionIs404AndTheConnectionLives) {
  auto connection = HttpConnectionForTest::Open(port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE((*connection)->Send("GET /nope/x HTTP/1.1\r\nHost: nope.example\r\n\r\n").ok());
  absl::StatusOr<HttpReply> reply = (*connection)->Read();
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 404);
  ASSERT_TRUE((*connection)->Send("GET /echo/ HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  reply = (*connection)->Read();
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpE2eTest, MethodHeadersAndBodyRoundTrip) {
  HttpReply reply = Exchange(
      "PUT /echo/item HTTP/1.1\r\nHost: x\r\nX-Custom: one\r\nX-Custom: two\r\n"
      "Content-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world");
  ASSERT_EQ(reply.status, 200);
  nlohmann::json echoed = nlohmann::json::parse(reply.body);
  EXPECT_EQ(echoed["method"], "PUT");
  EXPECT_EQ(echoed["body"], "hello world");
  EXPECT_EQ(echoed["headers"]["x-custom"], "one, two");
  EXPECT_EQ(echoed["headers"]["content-type"], "text/plain");
  // Hop-by-hop fields are the connection's, not the function's.
  EXPECT_FALSE(echoed["headers"].contains("connection"));
  EXPECT_EQ(reply.Header("content-type"), "application/json");
}

TEST_F(HttpE2eTest, HeadGetsTheLengthWithoutTheBody) {
  auto connection = HttpConnectionForTest::Open(port());
  ASSERT_TRUE(connection.ok());
  // A HEAD response has no body: the GET after it must parse on the same connection.
  ASSERT_TRUE((*connection)->Send("HEAD /digest/?reply=100 HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  ASSERT_TRUE((*connection)->Send("GET /echo/ HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  absl::StatusOr<HttpReply> head = (*connection)->Read();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "104");  // "0:0\n" + 100 bytes.
}

TEST_F(HttpE2eTest, NoContentHasNoBodyAndKeepsItsHeaders) {
  HttpReply reply =
      Exchange("GET /failures/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.status, 204);
  EXPECT_EQ(reply.Header("x-a"), "b");
  EXPECT_EQ(reply.body, "");
}

TEST_F(HttpE2eTest, LargeBodiesBothWays) {
  std::string body(1'500'000, '\0');
  uint64_t sum = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>((i * 7) & 0xff);
    sum = (sum * 31 + static_cast<unsigned char>(body[i])) % 1000000007;
  }
  HttpReply reply = Exchange(absl::StrCat("POST /digest/?reply=3000000 HTTP/1.1\r\nHost: x\r\n",
                                          "Content-Length: ", body.size(),
                                          "\r\nConnection: close\r\n\r\n", body));
  ASSERT_EQ(reply.status, 200);
  const std::string expected = absl::StrCat(body.size(), ":", sum, "\n");
  ASSERT_EQ(reply.body.size(), expected.size() + 3'000'000);
  EXPECT_EQ(reply.body.substr(0, expected.size()), expected);
}

TEST_F(HttpE2eTest, ChunkedRequestBodyAndExpectContinue) {
  std::string chunked;
  std::string whole;
  for (int i = 0; i < 50; ++i) {
    const std::string piece = absl::StrCat("piece", i, ";");
    absl::StrAppend(&chunked, absl::Hex(piece.size()), "\r\n", piece, "\r\n");
    whole += piece;
  }
  chunked += "0\r\n\r\n";
  auto connection = HttpConnectionForTest::Open(port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE((*connection)
                  ->Send("POST /echo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         "Expect: 100-continue\r\n\r\n")
                  .ok());
  absl::StatusOr<HttpReply> interim = (*connection)->Read();
  ASSERT_TRUE(interim.ok());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE((*connection)->Send(chunked).ok());
  absl::StatusOr<HttpReply> reply = (*connection)->Read();
  ASSERT_TRUE(reply.ok());
  ASSERT_EQ(reply->status, 200);
  EXPECT_EQ(nlohmann::json::parse(reply->body)["body"], whole);
}

TEST_F(HttpE2eTest, KeepAliveServesManyRequestsOnOneConnection) {
  auto connection = HttpConnectionForTest::Open(port());
  ASSERT_TRUE(connection.ok());
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(
        (*connection)->Send(absl::StrCat("GET /echo/", i, " HTTP/1.1\r\nHost: x\r\n\r\n")).ok());
    absl::StatusOr<HttpReply> reply = (*connection)->Read();
    ASSERT_TRUE(reply.ok()) << "request " << i << ": " << reply.status();
    ASSERT_EQ(reply->status, 200);
    ASSERT_EQ(nlohmann::json::parse(reply->body)["url"], absl::StrCat("http://x/", i));
  }
}

TEST_F(HttpE2eTest, PipelinedRequestsAreAnsweredInOrder) {
  std::string burst;
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&burst, "POST /echo/", i,
                    " HTTP/1.1\r\nHost: x\r\nContent-Length: ", absl::StrCat(i).size(), "\r\n\r\n",
                    i);
  }
  auto connection = HttpConnectionForTest::Open(port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE((*connection)->Send(burst).ok());
  for (int i = 0; i < 40; ++i) {
    absl::StatusOr<HttpReply> reply = (*connection)->Read();
    ASSERT_TRUE(reply.ok()) << "response " << i << ": " << reply.status();
    nlohmann::json echoed = nlohmann::json::parse(reply->body);
    EXPECT_EQ(echoed["url"], absl::StrCat("http://x/", i));
    EXPECT_EQ(echoed["body"], absl::StrCat(i));
  }
}

TEST_F(HttpE2eTest, MalformedRequestsAre400AndClosed) {
  ExpectRefusedAndClosed("\x01\x02 nonsense\r\n\r\n", 400);
  ExpectRefusedAndClosed("GET /echo/ HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400);
  // Both framings at once: a request-smuggling shape.
  ExpectRefusedAndClosed(
      "POST /echo/ HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
      "\r\n0\r\n\r\n",
      400);
  ExpectRefusedAndClosed("GET /echo/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400);
  ExpectAlive();
}

TEST_F(HttpE2eTest, OversizedRequestsAreRefused) {
  ExpectRefusedAndClosed(absl::StrCat("GET /echo/ HTTP/1.1\r\nHost: x\r\nX-Big: ",
                                      std::string(40'000, 'a'), "\r\n\r\n"),
                         431);
  std::string many = "GET /echo/ HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 300; ++i) absl::StrAppend(&many, "X-", i, ": 1\r\n");
  ExpectRefusedAndClosed(many + "\r\n", 431);
  ExpectRefusedAndClosed(
      absl::StrCat("GET /echo/", std::string(20'000, 'u'), " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  // Announced too large: refused before the body is read.
  ExpectRefusedAndClosed("POST /echo/ HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nabc",
                         413);
  // Chunked past the cap (2 MiB here).
  std::string chunked = "POST /echo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(1 << 20, 'c');
  for (int i = 0; i < 3; ++i)
    absl::StrAppend(&chunked, absl::Hex(chunk.size()), "\r\n", chunk, "\r\n");
  ExpectRefusedAndClosed(chunked + "0\r\n\r\n", 413);
  ExpectAlive();
}

TEST_F(HttpE2eTest, SlowClientsTimeOut) {
  // Headers that never finish.
  ExpectRefusedAndClosed("GET /echo/ HTTP/1.1\r\nHost: x\r\nX-Slow: ", 408);
  // A body that never finishes.
  ExpectRefusedAndClosed("POST /echo/ HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 408);
  // A connection that never says anything is closed without a word.
  auto silent = HttpConnectionForTest::Open(port());
  ASSERT_TRUE(silent.ok());
  EXPECT_TRUE((*silent)->ClosedWithin(seconds(10)));
  ExpectAlive();
}

TEST_F(HttpE2eTest, FunctionFailuresAre5xxWithoutInternals) {
  struct Case {
    const char* path;
    int status;
  };
  for (const Case& c :
       {Case{"/throw", 500}, Case{"/spin", 503}, Case{"/bad", 502}, Case{"/hang", 504}}) {
    HttpReply reply = Exchange(
        absl::StrCat("GET /failures", c.path, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    EXPECT_EQ(reply.status, c.status) << c.path << ": " << reply.body;
    EXPECT_EQ(reply.body.find("secret-token"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find("at "), std::string::npos) << "a stack leaked: " << reply.body;
  }
  ExpectAlive();
}

TEST_F(HttpE2eTest, InvocationsAreCountedByVia) {
  const std::string labels = "function=\"digest\",outcome=\"ok\"";
  auto count = [&](const char* via) {
    absl::StatusOr<double> sum =
        ScrapeSum(SuiteAgent::agent()->metrics_port(), "hearth_invocations_total",
                  absl::StrCat(labels, ",via=\"", via, "\""));
    EXPECT_TRUE(sum.ok());
    return sum.ok() ? *sum : -1;
  };
  const double http_before = count("http");
  const double grpc_before = count("grpc");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Exchange("GET /digest/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status,
              200);
  }
  v1::InvokeResponse response;
  ASSERT_TRUE(SuiteAgent::client()->Invoke("digest", &response).ok());
  EXPECT_EQ(count("http") - http_before, 3);
  EXPECT_EQ(count("grpc") - grpc_before, 1);
}

TEST_F(HttpE2eTest, ClosingTheConnectionCancelsTheInvocation) {
  // /spin holds a worker until its 200 ms CPU limit; a client that leaves does not wait
  // for that, but the outcome is the same either way: what a user sees is that every
  // worker answers right after.
  for (int i = 0; i < 4; ++i) {
    auto connection = HttpConnectionForTest::Open(port());
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE((*connection)->Send("GET /failures/spin HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  }
  for (int i = 0; i < 4; ++i) ExpectAlive();
}

// A drain answers the request in flight (its response says close) and exits 0.
TEST(HttpDrainE2eTest, DrainFinishesTheRequestInFlight) {
  auto agent = AgentProcess::Start({"--http-listen", "127.0.0.1:0"});
  ASSERT_TRUE(agent.ok()) << agent.status();
  AgentClient client(**agent);
  ASSERT_TRUE(client.Deploy(DeployOf("failures", kFailures)).ok());
  auto connection = HttpConnectionForTest::Open((*agent)->http_port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE((*connection)->Send("GET /slow HTTP/1.1\r\nHost: failures.x\r\n\r\n").ok());
  // Wait (with a deadline) until the function runs: its isolate shows busy.
  const auto give_up = std::chrono::steady_clock::now() + seconds(20);
  for (;;) {
    absl::StatusOr<double> busy = ScrapeSum((*agent)->metrics_port(), "hearth_isolates",
                                            "function=\"failures\",state=\"busy\"");
    if (busy.ok() && *busy >= 1) break;
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the request never ran";
  }
  (*agent)->Terminate();
  absl::StatusOr<HttpReply> reply = (*connection)->Read(seconds(20));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "slow");
  EXPECT_EQ(reply->Header("connection"), "close");
  absl::StatusOr<int> exit_code = (*agent)->WaitForExit(seconds(30));
  ASSERT_TRUE(exit_code.ok());
  EXPECT_EQ(*exit_code, 0);
}

}  // namespace
}  // namespace hearth::testing
