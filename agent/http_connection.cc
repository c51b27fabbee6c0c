#include "agent/http_connection.h"

#include <sys/ioctl.h>

#include <cassert>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "agent/http_loop_server.h"
#include "common/clock.h"

namespace hearth {
namespace {

// Bytes of pipelined requests held while the one before them runs; past it, reading
// stops until the response is written (TCP then holds the client back).
constexpr size_t kMaxPipelinedBytes = 256 << 10;
// How long a closing connection reads away what the client still sends, so that our
// last response is not destroyed by a reset (RFC 9112 section 9.6).
constexpr uint64_t kLingerMs = 2'000;
// How long a timed-out connection whose bytes are waiting gets for them to be read.
constexpr uint64_t kReadGraceMs = 50;

constexpr absl::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr absl::string_view kTooManyConnections =
    "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
    "content-length: 33\r\nconnection: close\r\n\r\nthe agent has too many connections";

HttpConnection* Of(http_parser* parser) { return static_cast<HttpConnection*>(parser->data); }

}  // namespace

// Parser callbacks return non-zero to stop parsing (the reason is in error_status_);
// on_headers_complete must return -1 for that: 1 and 2 mean "no body" to http_parser.
const http_parser_settings HttpConnection::kSettings = [] {
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_message_begin = [](http_parser* p) { return Of(p)->OnMessageBegin(); };
  s.on_url = [](http_parser* p, const char* at, size_t n) { return Of(p)->OnUrl({at, n}); };
  s.on_header_field = [](http_parser* p, const char* at, size_t n) {
    return Of(p)->OnHeaderField({at, n});
  };
  s.on_header_value = [](http_parser* p, const char* at, size_t n) {
    return Of(p)->OnHeaderValue({at, n});
  };
  s.on_headers_complete = [](http_parser* p) { return Of(p)->OnHeadersComplete(); };
  s.on_body = [](http_parser* p, const char* at, size_t n) { return Of(p)->OnBody({at, n}); };
  s.on_message_complete = [](http_parser* p) { return Of(p)->OnMessageComplete(); };
  return s;
}();

HttpConnection::HttpConnection(HttpLoopServer* server) : server_(server) {
  server_->context().connections.fetch_add(1, std::memory_order_relaxed);
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

HttpConnection::~HttpConnection() {
  server_->context().connections.fetch_sub(1, std::memory_order_relaxed);
}

void HttpConnection::Accept(HttpLoopServer* server, uv_stream_t* listener) {
  auto* connection = new HttpConnection(server);
  uv_tcp_init(server->loop(), &connection->tcp_);
  uv_timer_init(server->loop(), &connection->timer_);
  connection->tcp_.data = connection;
  connection->timer_.data = connection;
  connection->open_handles_ = 2;
  server->Adopt(connection);
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&connection->tcp_)) != 0) {
    return connection->Close();
  }
  const HttpEdgeContext& context = server->context();
  if (context.connections.load(std::memory_order_relaxed) > context.options.max_connections) {
    uv_buf_t buf =
        uv_buf_init(const_cast<char*>(kTooManyConnections.data()), kTooManyConnections.size());
    uv_try_write(reinterpret_cast<uv_stream_t*>(&connection->tcp_), &buf, 1);
    return connection->Close();
  }
  uv_tcp_nodelay(&connection->tcp_, 1);
  // A connection that sends nothing is held no longer than a slow request's headers.
  connection->ArmTimer(context.options.header_timeout_ms);
  connection->StartReading();
}

// --- Reading and parsing ---

void HttpConnection::OnAlloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  *buf = static_cast<HttpConnection*>(handle->data)->server_->ReadBuffer();
}

void HttpConnection::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<HttpConnection*>(stream->data);
  if (nread < 0) {
    // The client closed or reset: whatever it asked for is not wanted any more.
    return self->Close();
  }
  if (nread == 0 || self->phase_ == Phase::kLingering) return;
  if (self->phase_ == Phase::kRunning || self->phase_ == Phase::kWriting) {
    self->pending_.append(buf->base, static_cast<size_t>(nread));
    if (self->pending_.size() > kMaxPipelinedBytes) self->StopReading();
    return;
  }
  self->Consume(buf->base, static_cast<size_t>(nread));
}

void HttpConnection::StartReading() {
  if (reading_ || closing_) return;
  if (uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &OnAlloc, &OnRead) != 0) {
    return Close();
  }
  reading_ = true;
}

void HttpConnection::StopReading() {
  if (!reading_) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  reading_ = false;
}

void HttpConnection::Consume(const char* data, size_t size) {
  const size_t parsed = http_parser_execute(&parser_, &kSettings, data, size);
  if (closing_) return;
  const http_errno error = HTTP_PARSER_ERRNO(&parser_);
  if (error == HPE_PAUSED) {
    // A request was handed over (or answered): what follows it waits for its response.
    pending_.assign(data + parsed, size - parsed);
    if (pending_.size() > kMaxPipelinedBytes) StopReading();
    return;
  }
  if (error != HPE_OK) {
    if (error == HPE_HEADER_OVERFLOW) return Fail(431);
    return Fail(error_status_ != 0 ? error_status_ : 400);
  }
}

int HttpConnection::OnMessageBegin() {
  exchange_ = std::make_shared<HttpExchange>();
  target_.clear();
  host_.clear();
  field_.clear();
  value_.clear();
  in_value_ = false;
  header_bytes_ = 0;
  header_count_ = 0;
  body_bytes_ = 0;
  expect_continue_ = false;
  route_.reset();
  error_status_ = 0;
  phase_ = Phase::kHeaders;
  ArmTimer(server_->context().options.header_timeout_ms);
  return 0;
}

bool HttpConnection::CountHeaderBytes(size_t n) {
  header_bytes_ += n;
  if (header_bytes_ <= server_->context().options.max_header_bytes) return true;
  error_status_ = 431;
  return false;
}

int HttpConnection::OnUrl(absl::string_view text) {
  if (!CountHeaderBytes(text.size())) return 1;
  target_.append(text.data(), text.size());
  if (target_.size() > server_->context().caps.max_url_bytes) {
    error_status_ = 414;
    return 1;
  }
  return 0;
}

int HttpConnection::OnHeaderField(absl::string_view text) {
  if (!CountHeaderBytes(text.size())) return 1;
  if (in_value_ && !CommitHeader()) return 1;
  field_.append(text.data(), text.size());
  return 0;
}

int HttpConnection::OnHeaderValue(absl::string_view text) {
  if (!CountHeaderBytes(text.size())) return 1;
  in_value_ = true;
  value_.append(text.data(), text.size());
  return 0;
}

bool HttpConnection::CommitHeader() {
  in_value_ = false;
  if (++header_count_ > server_->context().caps.max_request_headers) {
    error_status_ = 431;
    return false;
  }
  if (absl::EqualsIgnoreCase(field_, "host")) {
    host_ = value_;
  } else if (absl::EqualsIgnoreCase(field_, "expect")) {
    expect_continue_ = absl::EqualsIgnoreCase(value_, "100-continue");
  }
  // Hop-by-hop fields describe this connection, not the request the function gets.
  if (!IsHopByHopHeader(field_)) {
    v1::Header* header = exchange_->request.mutable_request()->add_headers();
    header->set_name(std::move(field_));
    header->set_value(std::move(value_));
  }
  field_.clear();
  value_.clear();
  return true;
}

int HttpConnection::OnHeadersComplete() {
  if ((in_value_ || !field_.empty()) && !CommitHeader()) return -1;
  const HttpEdgeContext& context = server_->context();
  const bool has_length = (parser_.flags & F_CONTENTLENGTH) != 0;
  if (has_length && parser_.content_length > context.caps.max_request_body_bytes) {
    error_status_ = 413;
    return -1;
  }
  head_request_ = parser_.method == HTTP_HEAD;
  route_ = RouteHttpRequest(host_, target_, context.fallback_authority, context.deployed);
  const bool body_follows =
      (has_length && parser_.content_length > 0) || (parser_.flags & F_CHUNKED) != 0;
  if (expect_continue_ && body_follows && parser_.http_minor >= 1) {
    if (!route_) {
      // Say so now rather than have the client send a body for nothing.
      error_status_ = 404;
      return -1;
    }
    uv_buf_t buf = uv_buf_init(const_cast<char*>(kContinue.data()), kContinue.size());
    uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1);
  }
  phase_ = Phase::kBody;
  ArmTimer(context.options.body_timeout_ms);
  return 0;
}

int HttpConnection::OnBody(absl::string_view text) {
  body_bytes_ += text.size();
  if (body_bytes_ > server_->context().caps.max_request_body_bytes) {
    error_status_ = 413;
    return 1;
  }
  // The body of a request for no function is read (to keep the connection) but not kept.
  if (route_)
    exchange_->request.mutable_request()->mutable_body()->append(text.data(), text.size());
  return 0;
}

int HttpConnection::OnMessageComplete() {
  // One request at a time: parsing resumes once this one's response is written.
  http_parser_pause(&parser_, 1);
  keep_alive_ = http_should_keep_alive(&parser_) != 0 && parser_.upgrade == 0;
  Dispatch();
  return 0;
}

// --- Running and answering ---

void HttpConnection::Dispatch() {
  uv_timer_stop(&timer_);
  phase_ = Phase::kRunning;
  if (!route_) return RespondFailure(FailureForRefusal(absl::NotFoundError("")));
  v1::HttpRequest* http = exchange_->request.mutable_request();
  exchange_->request.set_function(route_->function);
  http->set_method(http_method_str(static_cast<http_method>(parser_.method)));
  http->set_url(std::move(route_->url));
  exchange_->connection = this;
  std::shared_ptr<LoopMailbox> mailbox = server_->mailbox();
  absl::Status submitted = server_->context().submit(
      exchange_->request, &exchange_->response, MonotonicMicros(),
      [exchange = exchange_, mailbox = std::move(mailbox)](absl::Status status) mutable {
        exchange->status = std::move(status);
        if (mailbox->IsLoopThread()) return Finished(exchange);
        // Refused when the loop has stopped: the exchange then goes with the task.
        mailbox->Post([exchange = std::move(exchange)] { Finished(exchange); });
      },
      exchange_->cancel);
  if (!submitted.ok()) {
    exchange_->connection = nullptr;
    RespondFailure(FailureForRefusal(submitted));
  }
}

void HttpConnection::Finished(const std::shared_ptr<HttpExchange>& exchange) {
  if (exchange->connection != nullptr) exchange->connection->OnExchangeDone();
}

void HttpConnection::OnExchangeDone() {
  assert(phase_ == Phase::kRunning && exchange_ != nullptr);
  HttpExchange& exchange = *exchange_;
  exchange.connection = nullptr;
  if (!exchange.status.ok()) return RespondFailure(FailureForRefusal(exchange.status));
  if (exchange.response.outcome() != v1::OUTCOME_OK) {
    return RespondFailure(FailureForOutcome(exchange.response.outcome()));
  }
  const v1::HttpResponse& response = exchange.response.response();
  HttpHead head = FunctionResponseHead(response);
  const absl::string_view body =
      ResponseHasNoBody(head.status, head_request_) ? absl::string_view() : response.body();
  // A HEAD response announces the length the GET would have had.
  Write(head, body, exchange_);
}

void HttpConnection::RespondFailure(const HttpFailure& failure) {
  HttpHead head{.status = failure.status, .headers = "content-type: text/plain; charset=utf-8\r\n"};
  if (failure.status == 503) head.headers.append("retry-after: 1\r\n");
  Write(head, head_request_ ? absl::string_view() : failure.body, nullptr);
}

void HttpConnection::Fail(uint32_t status) {
  keep_alive_ = false;
  if (exchange_ != nullptr) exchange_->connection = nullptr;
  phase_ = Phase::kRunning;  // What the client sends next is not parsed any more.
  StopReading();
  const absl::string_view body = status == 404   ? "no such function\n"
                                 : status == 408 ? "the request took too long to arrive\n"
                                 : status == 413 ? "the request body is too large\n"
                                 : status == 414 ? "the request target is too long\n"
                                 : status == 431 ? "the request header fields are too large\n"
                                                 : "malformed request\n";
  Write(HttpHead{.status = status, .headers = "content-type: text/plain; charset=utf-8\r\n"}, body,
        nullptr);
}

namespace {
struct WriteRequest {
  uv_write_t request;
  std::string head;
  std::shared_ptr<HttpExchange> holder;  // Owns the body being written, if any.
};
}  // namespace

void HttpConnection::Write(const HttpHead& head, absl::string_view body,
                           std::shared_ptr<HttpExchange> holder) {
  if (closing_) return;
  const bool close = !keep_alive_ || server_->draining();
  keep_alive_ = !close;
  const size_t announced =
      head_request_ && holder != nullptr ? holder->response.response().body().size() : body.size();
  auto* write = new WriteRequest{.request = {},
                                 .head = SerializeHead(head, announced, close, server_->Date()),
                                 .holder = std::move(holder)};
  write->request.data = this;
  uv_buf_t bufs[2] = {uv_buf_init(write->head.data(), write->head.size()),
                      uv_buf_init(const_cast<char*>(body.data()), body.size())};
  phase_ = Phase::kWriting;
  // A client that does not read its response is held no longer than an idle one.
  ArmTimer(server_->context().options.idle_timeout_ms);
  if (uv_write(&write->request, reinterpret_cast<uv_stream_t*>(&tcp_), bufs, body.empty() ? 1 : 2,
               &OnWritten) != 0) {
    delete write;
    Close();
  }
}

void HttpConnection::OnWritten(uv_write_t* request, int status) {
  auto* self = static_cast<HttpConnection*>(request->data);
  delete reinterpret_cast<WriteRequest*>(request);
  if (self->closing_) return;
  if (status < 0) return self->Close();
  self->AfterResponse();
}

void HttpConnection::AfterResponse() {
  exchange_.reset();
  if (!keep_alive_) return LingerThenClose();
  phase_ = Phase::kIdle;
  ArmTimer(server_->context().options.idle_timeout_ms);
  http_parser_pause(&parser_, 0);
  StartReading();
  if (!pending_.empty()) {
    const std::string buffered = std::exchange(pending_, std::string());
    Consume(buffered.data(), buffered.size());
  }
}

void HttpConnection::LingerThenClose() {
  phase_ = Phase::kLingering;
  shutdown_.data = this;
  if (uv_shutdown(&shutdown_, reinterpret_cast<uv_stream_t*>(&tcp_), &OnShutdown) != 0) {
    return Close();
  }
}

void HttpConnection::OnShutdown(uv_shutdown_t* request, int status) {
  auto* self = static_cast<HttpConnection*>(request->data);
  if (self->closing_) return;
  if (status < 0) return self->Close();
  self->ArmTimer(kLingerMs);
  self->StartReading();  // Until the client closes too (OnRead sees EOF) or the timer.
}

void HttpConnection::Drain() {
  if (phase_ == Phase::kIdle) return Close();
  // kHeaders, kBody, kRunning: the response to come says close; kWriting, kLingering:
  // keep_alive_ decided already, and a connection that was kept alive closes when idle.
  if (phase_ == Phase::kWriting) keep_alive_ = false;
}

// --- Timers and closing ---

void HttpConnection::ArmTimer(uint64_t ms) { uv_timer_start(&timer_, &OnTimer, ms, 0); }

// Whether the client's bytes are waiting in the socket: the loop was busy (running a
// function) past the deadline, and the client is not slow at all.
bool HttpConnection::BytesWaiting() const {
  int fd = -1;
  int waiting = 0;
  return uv_fileno(reinterpret_cast<const uv_handle_t*>(&tcp_), &fd) == 0 &&
         ioctl(fd, FIONREAD, &waiting) == 0 && waiting > 0;
}

void HttpConnection::OnTimer(uv_timer_t* timer) {
  auto* self = static_cast<HttpConnection*>(timer->data);
  const bool reading = self->phase_ == Phase::kIdle || self->phase_ == Phase::kHeaders ||
                       self->phase_ == Phase::kBody;
  if (reading && self->BytesWaiting()) {
    // Read them first (this loop iteration polls right after its timers); a short grace,
    // so a client trickling bytes gains nothing from it.
    return self->ArmTimer(kReadGraceMs);
  }
  switch (self->phase_) {
    case Phase::kHeaders:
    case Phase::kBody:
      return self->Fail(408);
    case Phase::kRunning:
      return;  // The function's own limits end it.
    case Phase::kIdle:
    case Phase::kWriting:
    case Phase::kLingering:
      return self->Close();
  }
}

void HttpConnection::Close() {
  if (closing_) return;
  closing_ = true;
  if (exchange_ != nullptr && exchange_->connection == this) {
    exchange_->connection = nullptr;
    exchange_->cancel->Cancel();  // Queued: never run; running: stopped.
  }
  server_->Forget(this);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &OnHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &OnHandleClosed);
}

void HttpConnection::OnHandleClosed(uv_handle_t* handle) {
  auto* self = static_cast<HttpConnection*>(handle->data);
  if (--self->open_handles_ == 0) delete self;
}

}  // namespace hearth
