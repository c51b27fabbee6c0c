#include "tests/http_client.h"

#include <arpa/inet.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hearth::testing {

std::string HttpReply::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

struct HttpConnectionForTest::Parser {
  http_parser parser;
  http_parser_settings settings;
  HttpReply current;
  bool in_value = false;
  std::deque<HttpReply> done;

  Parser() {
    http_parser_init(&parser, HTTP_RESPONSE);
    parser.data = this;
    http_parser_settings_init(&settings);
    settings.on_header_field = [](http_parser* p, const char* at, size_t n) {
      auto* self = static_cast<Parser*>(p->data);
      if (self->in_value || self->current.headers.empty()) {
        self->current.headers.emplace_back();
        self->in_value = false;
      }
      self->current.headers.back().first.append(at, n);
      return 0;
    };
    settings.on_header_value = [](http_parser* p, const char* at, size_t n) {
      auto* self = static_cast<Parser*>(p->data);
      self->in_value = true;
      self->current.headers.back().second.append(at, n);
      return 0;
    };
    settings.on_headers_complete = [](http_parser* p) {
      static_cast<Parser*>(p->data)->current.status = static_cast<int>(p->status_code);
      return 0;
    };
    settings.on_body = [](http_parser* p, const char* at, size_t n) {
      static_cast<Parser*>(p->data)->current.body.append(at, n);
      return 0;
    };
    settings.on_message_complete = [](http_parser* p) {
      auto* self = static_cast<Parser*>(p->data);
      self->done.push_back(std::move(self->current));
      self->current = HttpReply();
      self->in_value = false;
      return 0;
    };
  }
};

absl::StatusOr<std::unique_ptr<HttpConnectionForTest>> HttpConnectionForTest::Open(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to port ", port));
  }
  return std::unique_ptr<HttpConnectionForTest>(new HttpConnectionForTest(fd));
}

HttpConnectionForTest::HttpConnectionForTest(int fd) : fd_(fd), parser_(new Parser()) {}

HttpConnectionForTest::~HttpConnectionForTest() { close(fd_); }

absl::Status HttpConnectionForTest::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return absl::UnavailableError(absl::StrCat("send: ", std::strerror(errno)));
    sent += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

bool HttpConnectionForTest::ReadSome(std::chrono::milliseconds deadline) {
  if (closed_) return false;
  pollfd fd = {fd_, POLLIN, 0};
  if (poll(&fd, 1, static_cast<int>(deadline.count())) <= 0) return false;
  char buffer[65536];
  const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
  if (n <= 0) {
    closed_ = true;
    http_parser_execute(&parser_->parser, &parser_->settings, buffer, 0);  // EOF ends a body.
    return false;
  }
  http_parser_execute(&parser_->parser, &parser_->settings, buffer, static_cast<size_t>(n));
  return true;
}

absl::StatusOr<HttpReply> HttpConnectionForTest::Read(std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  while (parser_->done.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) return absl::DeadlineExceededError("no response in time");
    if (!ReadSome(left) && parser_->done.empty()) {
      if (closed_) return absl::UnavailableError("connection closed before a response");
    }
  }
  HttpReply reply = std::move(parser_->done.front());
  parser_->done.pop_front();
  return reply;
}

bool HttpConnectionForTest::ClosedWithin(std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  while (!closed_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    ReadSome(left);
  }
  return true;
}

absl::StatusOr<HttpReply> HttpExchangeOnce(int port, const std::string& request,
                                           std::chrono::milliseconds deadline) {
  absl::StatusOr<std::unique_ptr<HttpConnectionForTest>> connection =
      HttpConnectionForTest::Open(port);
  if (!connection.ok()) return connection.status();
  if (absl::Status sent = (*connection)->Send(request); !sent.ok()) return sent;
  return (*connection)->Read(deadline);
}

}  // namespace hearth::testing
