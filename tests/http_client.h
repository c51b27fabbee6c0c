// Test support: a raw HTTP/1.1 client over one TCP connection to a real agent's edge
// listener. It writes exactly the bytes a test gives it (malformed, pipelined, slow) and
// parses what comes back with http_parser, so tests see responses as a client would.
#ifndef HEARTH_TESTS_HTTP_CLIENT_H_
#define HEARTH_TESTS_HTTP_CLIENT_H_

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace hearth::testing {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The value of the first header named `name` (any case), or "".
  std::string Header(const std::string& name) const;
};

class HttpConnectionForTest {
 public:
  static absl::StatusOr<std::unique_ptr<HttpConnectionForTest>> Open(int port);
  ~HttpConnectionForTest();

  absl::Status Send(const std::string& bytes);
  // The next response, read with a deadline.
  absl::StatusOr<HttpReply> Read(std::chrono::milliseconds deadline = std::chrono::seconds(30));
  // Whether the server closes the connection (EOF or reset) within `deadline`; bytes that
  // arrive meanwhile are parsed as responses.
  bool ClosedWithin(std::chrono::milliseconds deadline);

 private:
  struct Parser;
  explicit HttpConnectionForTest(int fd);
  // Reads once (waiting up to `deadline`); false at EOF, error or timeout.
  bool ReadSome(std::chrono::milliseconds deadline);

  int fd_;
  std::unique_ptr<Parser> parser_;
  bool closed_ = false;
};

// One request on a fresh connection (`Connection: close` is the caller's to add).
absl::StatusOr<HttpReply> HttpExchangeOnce(
    int port, const std::string& request,
    std::chrono::milliseconds deadline = std::chrono::seconds(30));

}  // namespace hearth::testing

#endif  // HEARTH_TESTS_HTTP_CLIENT_H_
