#include "agent/http_loop_server.h"

#include <time.h>
#include <unistd.h>

#include <cassert>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/http_connection.h"

namespace hearth {

HttpLoopServer::HttpLoopServer(const LoopHost& host, std::shared_ptr<HttpEdgeContext> context)
    : host_(host), context_(std::move(context)) {
  uv_tcp_init(host_.loop, &listener_);
  listener_.data = this;
}

// The loop has closed every handle by now (LoopService contract); connections deleted
// themselves as theirs closed.
HttpLoopServer::~HttpLoopServer() = default;

absl::Status HttpLoopServer::Listen(int fd) {
  assert(host_.mailbox->IsLoopThread());
  if (int rc = uv_tcp_open(&listener_, fd); rc != 0) {
    close(fd);
    return absl::InternalError(absl::StrCat("uv_tcp_open: ", uv_strerror(rc)));
  }
  // The socket listens already; this starts watching it from this loop.
  if (int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), SOMAXCONN, &OnConnection);
      rc != 0) {
    return absl::InternalError(absl::StrCat("uv_listen: ", uv_strerror(rc)));
  }
  listening_ = true;
  return absl::OkStatus();
}

void HttpLoopServer::OnConnection(uv_stream_t* listener, int status) {
  auto* self = static_cast<HttpLoopServer*>(listener->data);
  // The listening socket was shut down (the agent drains) or failed: stop watching it.
  if (status < 0) return self->StopListening();
  HttpConnection::Accept(self, listener);
}

void HttpLoopServer::StopListening() {
  if (!listening_) return;
  listening_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
}

void HttpLoopServer::Drain() {
  assert(host_.mailbox->IsLoopThread());
  draining_ = true;
  StopListening();
  // Drain may close a connection, which forgets itself: iterate over a copy.
  const std::vector<HttpConnection*> connections(connections_.begin(), connections_.end());
  for (HttpConnection* connection : connections) connection->Drain();
}

void HttpLoopServer::Stop() {
  assert(host_.mailbox->IsLoopThread());
  draining_ = true;
  StopListening();
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&listener_))) {
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
  }
  const std::vector<HttpConnection*> connections(connections_.begin(), connections_.end());
  for (HttpConnection* connection : connections) connection->Close();
}

absl::string_view HttpLoopServer::Date() {
  const time_t now = time(nullptr);
  if (static_cast<uint64_t>(now) != date_second_) {
    date_second_ = static_cast<uint64_t>(now);
    struct tm utc;
    gmtime_r(&now, &utc);
    char text[64];
    const size_t n = strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &utc);
    date_.assign(text, n);
  }
  return date_;
}

void HttpLoopServer::Adopt(HttpConnection* connection) { connections_.insert(connection); }

void HttpLoopServer::Forget(HttpConnection* connection) { connections_.erase(connection); }

}  // namespace hearth
