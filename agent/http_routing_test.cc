#include "agent/http_routing.h"

#include <gtest/gtest.h>

#include "agent/http_wire.h"

namespace hearth {
namespace {

bool Deployed(const std::string& name) { return name == "hello" || name == "api"; }

std::string Route(absl::string_view host, absl::string_view target) {
  std::optional<HttpRoute> route = RouteHttpRequest(host, target, "agent:8080", Deployed);
  return route ? route->function + " " + route->url : "404";
}

TEST(HttpRoutingTest, FirstPathSegmentNamesTheFunction) {
  EXPECT_EQ(Route("127.0.0.1:8080", "/hello/a/b?c=d"), "hello http://127.0.0.1:8080/a/b?c=d");
  EXPECT_EQ(Route("127.0.0.1", "/hello"), "hello http://127.0.0.1/");
  EXPECT_EQ(Route("127.0.0.1", "/hello/"), "hello http://127.0.0.1/");
  EXPECT_EQ(Route("127.0.0.1", "/hello?x=1"), "hello http://127.0.0.1/?x=1");
  EXPECT_EQ(Route("localhost", "/nope/a"), "404");
  EXPECT_EQ(Route("localhost", "/"), "404");
  EXPECT_EQ(Route("localhost", "/helloo"), "404");
}

TEST(HttpRoutingTest, HostFirstLabelWinsAndKeepsThePath) {
  EXPECT_EQ(Route("api.example.com", "/hello/x"), "api http://api.example.com/hello/x");
  EXPECT_EQ(Route("hello:9000", "/"), "hello http://hello:9000/");
  EXPECT_EQ(Route("[::1]:80", "/hello/x"), "hello http://[::1]:80/x");
}

TEST(HttpRoutingTest, AbsoluteFormAndMissingHost) {
  EXPECT_EQ(Route("ignored", "http://api.example/p?q"), "api http://api.example/p?q");
  EXPECT_EQ(Route("", "/hello/x"), "hello http://agent:8080/x");
  EXPECT_EQ(Route("x", "*"), "404");
  EXPECT_EQ(Route("x", "hello:443"), "404");  // CONNECT's authority form.
}

TEST(HttpWireTest, FunctionHeadersCannotFrameOrSplitTheResponse) {
  v1::HttpResponse response;
  response.set_status(201);
  auto add = [&](const char* name, const char* value) {
    v1::Header* header = response.add_headers();
    header->set_name(name);
    header->set_value(value);
  };
  add("content-type", "text/plain");
  add("Content-Length", "999");
  add("Transfer-Encoding", "chunked");
  add("Connection", "keep-alive");
  add("x-evil", "a\r\nset-cookie: b");
  HttpHead head = FunctionResponseHead(response);
  EXPECT_EQ(head.status, 201u);
  EXPECT_EQ(head.headers, "content-type: text/plain\r\n");
  EXPECT_EQ(SerializeHead(head, 5, /*close=*/true, "D"),
            "HTTP/1.1 201 Created\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n"
            "connection: close\r\ndate: D\r\n\r\n");
  EXPECT_EQ(SerializeHead(HttpHead{.status = 204, .headers = ""}, 0, false, "D"),
            "HTTP/1.1 204 No Content\r\ndate: D\r\n\r\n");
}

TEST(HttpWireTest, FailuresMapTo5xx) {
  EXPECT_EQ(FailureForOutcome(v1::OUTCOME_USER_ERROR).status, 500u);
  EXPECT_EQ(FailureForOutcome(v1::OUTCOME_CPU_LIMIT).status, 503u);
  EXPECT_EQ(FailureForOutcome(v1::OUTCOME_MEMORY_LIMIT).status, 503u);
  EXPECT_EQ(FailureForOutcome(v1::OUTCOME_TIMEOUT).status, 504u);
  EXPECT_EQ(FailureForOutcome(v1::OUTCOME_BAD_RESPONSE).status, 502u);
  EXPECT_EQ(FailureForRefusal(absl::NotFoundError("")).status, 404u);
  EXPECT_EQ(FailureForRefusal(absl::ResourceExhaustedError("")).status, 503u);
  EXPECT_EQ(FailureForRefusal(absl::UnavailableError("")).status, 503u);
}

}  // namespace
}  // namespace hearth
