// HttpConnection: one client connection of the edge HTTP listener, on the worker loop that
// accepted it. Requests are parsed with Debian's http_parser, one at a time: bytes of a
// pipelined request wait (bounded) until the response before it is written. Each request
// becomes an invocation; its response is written on this loop, whichever worker ran it.
// Slow clients meet timeouts on headers, body and unread responses; malformed or oversized
// requests get 400/413/414/431 and a closed connection. A connection deletes itself once
// its handles are closed.
//
// Thread: its loop's thread. HttpExchange crosses to the worker running the invocation.
#ifndef HEARTH_AGENT_HTTP_CONNECTION_H_
#define HEARTH_AGENT_HTTP_CONNECTION_H_

#include <http_parser.h>
#include <uv.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "agent/http_routing.h"
#include "agent/http_wire.h"
#include "hearth/v1/agent.pb.h"
#include "isolate_pool/cancel_token.h"

namespace hearth {

class HttpConnection;
class HttpLoopServer;

// One request and its response. The request and response messages are handed to the
// invocation, which borrows them until its `done`: whoever holds the exchange keeps them.
struct HttpExchange {
  v1::InvokeRequest request;
  v1::InvokeResponse response;
  absl::Status status;  // The invocation's, as its `done` gave it.
  std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
  // Loop thread only: the connection waiting for it; null once that has closed.
  HttpConnection* connection = nullptr;
};

class HttpConnection {
 public:
  // Accepts one connection from `listener` (a connection callback fired). Refuses it (503,
  // then closed) when the agent holds its most connections already.
  static void Accept(HttpLoopServer* server, uv_stream_t* listener);

  // The agent drains: an idle connection closes now; one with a request in progress
  // finishes it and its response says `connection: close`.
  void Drain();
  // Closes now, cancelling the invocation in flight.
  void Close();

 private:
  enum class Phase {
    kIdle,       // Between requests (or before the first).
    kHeaders,    // A request's line and headers are coming in.
    kBody,       // Its body is coming in.
    kRunning,    // Handed to a worker; the next request's bytes wait.
    kWriting,    // Its response is being written.
    kLingering,  // Closing: our side is shut, what the client still sends is read away.
  };

  explicit HttpConnection(HttpLoopServer* server);
  ~HttpConnection();

  // Reading and parsing.
  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  void StartReading();
  void StopReading();
  void Consume(const char* data, size_t size);
  int OnMessageBegin();
  int OnUrl(absl::string_view text);
  int OnHeaderField(absl::string_view text);
  int OnHeaderValue(absl::string_view text);
  int OnHeadersComplete();
  int OnBody(absl::string_view text);
  int OnMessageComplete();
  // A complete header field; false (error_status_ set) when one too many.
  bool CommitHeader();
  // Counts request-line and header bytes; false (431) past the cap.
  bool CountHeaderBytes(size_t n);

  // Running and answering.
  void Dispatch();
  static void Finished(const std::shared_ptr<HttpExchange>& exchange);
  void OnExchangeDone();
  void RespondFailure(const HttpFailure& failure);
  // A protocol error (400, 408, 413, 414, 431): answered, then the connection closes.
  void Fail(uint32_t status);
  void Write(const HttpHead& head, absl::string_view body, std::shared_ptr<HttpExchange> holder);
  static void OnWritten(uv_write_t* request, int status);
  void AfterResponse();
  void LingerThenClose();
  static void OnShutdown(uv_shutdown_t* request, int status);

  void ArmTimer(uint64_t ms);
  bool BytesWaiting() const;
  static void OnTimer(uv_timer_t* timer);
  static void OnHandleClosed(uv_handle_t* handle);

  static const http_parser_settings kSettings;

  HttpLoopServer* const server_;
  uv_tcp_t tcp_;
  uv_timer_t timer_;
  uv_shutdown_t shutdown_;
  http_parser parser_;
  Phase phase_ = Phase::kIdle;
  bool reading_ = false;
  bool closing_ = false;
  int open_handles_ = 0;

  // The request being read, then run.
  std::shared_ptr<HttpExchange> exchange_;
  std::string target_;
  std::string host_;
  std::string field_;
  std::string value_;
  bool in_value_ = false;
  size_t header_bytes_ = 0;
  size_t header_count_ = 0;
  size_t body_bytes_ = 0;
  bool head_request_ = false;
  bool expect_continue_ = false;
  bool keep_alive_ = true;
  std::optional<HttpRoute> route_;
  uint32_t error_status_ = 0;  // Set by a parser callback that stops parsing.

  // Bytes after a request that was handed over, parsed once its response is written.
  std::string pending_;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_HTTP_CONNECTION_H_
