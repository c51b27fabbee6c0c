// End to end: every function in examples/, deployed to the real hearth-agent and invoked
// with hearthctl exactly as examples/README.md tells a reader to, checking what that reader
// sees: the status, the headers and the body.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/agent_process.h"

namespace hearth::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// What `hearthctl invoke --output json` prints, for assertions.
struct Answer {
  int exit_code = -1;
  std::string outcome;
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string error;  // the function's failure, or hearthctl's own stderr

  // The body as JSON; null when it is not JSON.
  nlohmann::json Json() const {
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json() : parsed;
  }
};

class ExamplesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto agent = AgentProcess::Start();
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = std::move(agent).value().release();
  }
  static void TearDownTestSuite() {
    if (agent_ != nullptr) {
      EXPECT_EQ(agent_->Stop(), 0);
    }
    delete agent_;
    agent_ = nullptr;
  }

  static CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), HearthctlBinary());
    args.insert(args.end(), {"--agent", agent_->grpc_target()});
    return RunCommand(args);
  }

  // `hearthctl deploy NAME examples/FILE EXTRA...`; fails the test if refused.
  static void Deploy(const std::string& name, const std::string& file,
                     std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"deploy", name, ExamplePath(file)});
    CommandResult deployed = Ctl(extra);
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  }

  // `hearthctl invoke NAME ARGS... --output json`, parsed.
  static Answer Invoke(const std::string& name, std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"invoke", name});
    args.insert(args.end(), {"--output", "json"});
    CommandResult invoked = Ctl(args);
    Answer answer;
    answer.exit_code = invoked.exit_code;
    answer.error = invoked.err;
    const nlohmann::json reply = nlohmann::json::parse(invoked.out, nullptr, false);
    if (!reply.is_object()) return answer;
    answer.outcome = reply.value("outcome", "");
    answer.status = reply.value("status", 0);
    for (const auto& header : reply.value("headers", nlohmann::json::array())) {
      answer.headers[header["name"].get<std::string>()] = header["value"].get<std::string>();
    }
    answer.body = reply.value("body", "");
    if (!reply.value("error", "").empty()) answer.error = reply["error"].get<std::string>();
    return answer;
  }

  static AgentProcess* agent_;
};
AgentProcess* ExamplesTest::agent_ = nullptr;

// Fails with the function's own error when the invocation did not produce a response.
#define ASSERT_ANSWERED(answer)             \
  ASSERT_EQ((answer).outcome, "OUTCOME_OK") \
      << "exit " << (answer).exit_code << ": " << (answer).error

TEST_F(ExamplesTest, HelloGreetsTheNameInTheQueryOrTheDeployedOne) {
  Deploy("hello", "hello.js", {"--env", "GREETING_NAME=Ada"});
  Answer plain = Invoke("hello");
  ASSERT_ANSWERED(plain);
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(plain.body, "Hello, Ada!\n");
  EXPECT_EQ(Invoke("hello", {"--path", "/?name=Grace"}).body, "Hello, Grace!\n");
}

TEST_F(ExamplesTest, EchoAnswersWithTheRequestAsJson) {
  Deploy("echo", "echo.js");
  Answer echoed = Invoke("echo", {"--data", "{\"a\":1}", "--header",
                                  "content-type:application/json", "--path", "/p?q=1"});
  ASSERT_ANSWERED(echoed);
  EXPECT_EQ(echoed.status, 200);
  EXPECT_EQ(echoed.headers["content-type"], "application/json");
  const nlohmann::json body = echoed.Json();
  EXPECT_EQ(body["method"], "POST");
  EXPECT_EQ(body["url"], "http://localhost/p?q=1");
  EXPECT_EQ(body["headers"]["content-type"], "application/json");
  EXPECT_EQ(body["body"], "{\"a\":1}");
}

TEST_F(ExamplesTest, HeavyAnswersFromTheStateItsTopLevelBuilt) {
  Deploy("heavy", "heavy.js", {"--snapshot", "always"});
  Answer answer = Invoke("heavy", {"--path", "/?id=7"});
  ASSERT_ANSWERED(answer);
  EXPECT_EQ(answer.status, 200);
  const nlohmann::json body = answer.Json();
  EXPECT_EQ(body["id"], 7);
  EXPECT_TRUE(body["rank"].is_number_integer());
  EXPECT_GT(body["bucket"].get<int>(), 0);
}

TEST_F(ExamplesTest, ApiRoutesPathsAndQueriesAndAnswersErrorsAsJson) {
  Deploy("api", "api.js");

  Answer list = Invoke("api", {"--path", "/books?author=Le%20Guin&limit=1"});
  ASSERT_ANSWERED(list);
  EXPECT_EQ(list.status, 200);
  EXPECT_THAT(list.headers["content-type"], HasSubstr("application/json"));
  EXPECT_EQ(list.Json(), nlohmann::json::parse(R"({"total": 3, "books": [{"id": 1,
      "title": "A Wizard of Earthsea", "author": "Ursula K. Le Guin", "year": 1968}]})"));
  EXPECT_EQ(Invoke("api", {"--path", "/books"}).Json()["total"], 4);

  Answer book = Invoke("api", {"--path", "/books/3"});
  EXPECT_EQ(book.status, 200);
  EXPECT_EQ(book.Json(), nlohmann::json::parse(R"({"id": 3, "title": "Kindred",
      "author": "Octavia E. Butler", "year": 1979})"));

  Answer no_book = Invoke("api", {"--path", "/books/99"});
  ASSERT_ANSWERED(no_book);  // A 404 is the function's answer, not its failure.
  EXPECT_EQ(no_book.exit_code, 0);
  EXPECT_EQ(no_book.status, 404);
  EXPECT_THAT(no_book.headers["content-type"], HasSubstr("application/json"));
  EXPECT_EQ(no_book.Json(), nlohmann::json::parse(R"({"error": "no book with id 99"})"));

  Answer no_route = Invoke("api", {"--path", "/authors"});
  EXPECT_EQ(no_route.status, 404);
  EXPECT_EQ(no_route.Json(), nlohmann::json::parse(R"({"error": "no route for /authors"})"));

  Answer post = Invoke("api", {"--path", "/books", "-X", "POST"});
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["allow"], "GET");
  EXPECT_EQ(post.Json(), nlohmann::json::parse(R"({"error": "use GET"})"));
  EXPECT_EQ(Invoke("api", {"--path", "/books/1", "-X", "DELETE"}).status, 405);

  Answer bad_limit = Invoke("api", {"--path", "/books?limit=-1"});
  EXPECT_EQ(bad_limit.status, 400);
  EXPECT_EQ(bad_limit.Json()["error"], "limit must be a whole number");
}

TEST_F(ExamplesTest, BackgroundAnswersFirstAndFinishesTheJobAfterTheResponse) {
  // One isolate, so that the job's state (kept in its memory) is what later requests see.
  Deploy("background", "background.js", {"--max-isolates", "1"});

  Answer started = Invoke("background", {"-X", "POST", "--path", "/jobs"});
  ASSERT_ANSWERED(started);
  EXPECT_EQ(started.status, 202);
  EXPECT_EQ(started.headers["location"], "/jobs/1");
  // Answered before the work: none of its steps (each behind a timer) had run.
  EXPECT_EQ(started.Json(), nlohmann::json::parse(R"({"id": "1", "state": "running",
      "steps": []})"));

  // The work goes on after the response, kept alive by ctx.waitUntil. Ask until it is done
  // (with a deadline), as a client of the example would; each request is a hearthctl run.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  Answer job;
  do {
    job = Invoke("background", {"--path", "/jobs/1"});
    ASSERT_ANSWERED(job);
    if (job.Json()["state"] == "done") break;
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(job.status, 200);
  EXPECT_EQ(job.Json(), nlohmann::json::parse(R"({"id": "1", "state": "done",
      "steps": ["fetched", "resized", "stored"]})"));

  EXPECT_EQ(Invoke("background", {"--path", "/jobs/9"}).status, 404);
}

TEST_F(ExamplesTest, CryptoHashesSignsVerifiesAndEncodes) {
  Deploy("crypto", "crypto.js", {"--env", "HMAC_SECRET=change-me"});
  Answer answer = Invoke("crypto", {"--path", "/?message=h%C3%A9llo"});
  ASSERT_ANSWERED(answer);
  EXPECT_EQ(answer.status, 200);
  const nlohmann::json body = answer.Json();
  EXPECT_THAT(body["id"].get<std::string>(),
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_NE(Invoke("crypto", {"--path", "/?message=h%C3%A9llo"}).Json()["id"], body["id"]);
  EXPECT_EQ(body["message"], "h\xC3\xA9llo");
  // The expected values: Node's crypto (createHash, createHmac) and Buffer on "héllo".
  EXPECT_EQ(body["sha256"], "3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179");
  EXPECT_EQ(body["hmacSha256"], "90e046c0d32a53826413c1f0e1dd923afb37bd1e6a89ab5eb41ddf4f2d6a3ac4");
  EXPECT_EQ(body["verified"], true);
  EXPECT_EQ(body["tamperedVerified"], false);
  EXPECT_EQ(body["base64"], "aMOpbGxv");
  EXPECT_EQ(body["decoded"], "h\xC3\xA9llo");

  // Without its secret the function says what is missing.
  Deploy("crypto-unset", "crypto.js");
  Answer unset = Invoke("crypto-unset");
  EXPECT_EQ(unset.status, 500);
  EXPECT_THAT(unset.Json()["error"].get<std::string>(), HasSubstr("HMAC_SECRET"));
}

TEST_F(ExamplesTest, StreamSendsTheLinesItsReadableStreamMade) {
  Deploy("stream", "stream.js");
  Answer answer = Invoke("stream", {"--path", "/?count=3"});
  ASSERT_ANSWERED(answer);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.headers["content-type"], "application/x-ndjson");
  EXPECT_EQ(answer.body, "{\"line\":1,\"of\":3}\n{\"line\":2,\"of\":3}\n{\"line\":3,\"of\":3}\n");
  EXPECT_EQ(Invoke("stream", {"--path", "/?count=0"}).body, "");
}

}  // namespace
}  // namespace hearth::testing
