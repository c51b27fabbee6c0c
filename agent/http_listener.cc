#include "agent/http_listener.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "agent/http_loop_server.h"
#include "spdlog/spdlog.h"

namespace hearth {
namespace {

struct HostPort {
  std::string host;
  std::string port;
};

absl::StatusOr<HostPort> SplitHostPort(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen '", listen, "' is not HOST:PORT"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return HostPort{.host = std::move(host), .port = listen.substr(colon + 1)};
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Bind(
    std::shared_ptr<HttpEdgeContext> context) {
  const std::string address = context->options.listen;
  absl::StatusOr<HostPort> where = SplitHostPort(address);
  if (!where.ok()) return where.status();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(where->host.empty() ? nullptr : where->host.c_str(), where->port.c_str(),
                           &hints, &found);
      rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen ", address, ": ", gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
  UniqueFd fd(socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  const int on = 1;
  if (!fd.valid() || setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
      bind(fd.get(), found->ai_addr, found->ai_addrlen) != 0 ||
      ::listen(fd.get(), SOMAXCONN) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for HTTP on ", address, ": ", std::strerror(errno)));
  }
  sockaddr_storage bound{};
  socklen_t bound_size = sizeof(bound);
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_size);
  const int port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  // A request without Host (HTTP/1.0) gets a URL naming the listener.
  const bool v6 = found->ai_family == AF_INET6;
  std::string host = where->host.empty() ? "localhost" : where->host;
  context->fallback_authority =
      v6 ? absl::StrCat("[", host, "]:", port) : absl::StrCat(host, ":", port);
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(context), std::move(fd), port));
}

void HttpListener::Start(IsolatePool& pool) {
  pool.StartLoopServices([this](const LoopHost& host) { return ServeOn(host); });
}

std::unique_ptr<LoopService> HttpListener::ServeOn(const LoopHost& host) {
  absl::MutexLock lock(&mu_);
  if (!accepting_) return nullptr;
  auto server = std::make_unique<HttpLoopServer>(host, context_);
  const int fd = fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
  absl::Status listening = fd < 0 ? absl::InternalError(std::strerror(errno)) : server->Listen(fd);
  if (!listening.ok()) {
    spdlog::error("worker {} cannot serve HTTP: {}", host.worker_id, listening.ToString());
  }
  servers_.emplace_back(host.mailbox, server.get());
  return server;
}

void HttpListener::StopAccepting() {
  absl::MutexLock lock(&mu_);
  if (!accepting_) return;
  accepting_ = false;
  // Every duplicate stops accepting at once, also on a loop that is stuck: its waiting
  // connections are reset rather than left hanging. Each loop's server then sees an error
  // on its listener and closes it.
  shutdown(fd_.get(), SHUT_RDWR);
  for (auto& [mailbox, server] : servers_) {
    // A server lives as long as its loop runs; a refused post means it has stopped.
    mailbox->Post([server = server] { server->Drain(); });
  }
}

}  // namespace hearth
