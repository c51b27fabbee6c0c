// HttpLoopServer: the edge HTTP listener's share on one worker loop. Every worker loop
// listens on its own duplicate of one listening socket, so a loop busy running JavaScript
// (or wedged) simply does not accept, and an idle one does: connections go where there is
// room, and a request is parsed on a loop that may run its function without a hop.
//
// Thread: its loop's thread (asserted); created there by the isolate pool's factory.
#ifndef HEARTH_AGENT_HTTP_LOOP_SERVER_H_
#define HEARTH_AGENT_HTTP_LOOP_SERVER_H_

#include <uv.h>

#include <array>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "agent/http_edge_context.h"
#include "common/loop_service.h"

namespace hearth {

class HttpConnection;

class HttpLoopServer final : public LoopService {
 public:
  HttpLoopServer(const LoopHost& host, std::shared_ptr<HttpEdgeContext> context);
  ~HttpLoopServer() override;

  // Listens on `fd`, a duplicate of the listener's socket, which it then owns.
  absl::Status Listen(int fd);
  // Stops accepting; connections finish the request they are in, then close.
  void Drain();
  void Stop() override;

  // For its connections.
  uv_loop_t* loop() const { return host_.loop; }
  HttpEdgeContext& context() const { return *context_; }
  const std::shared_ptr<LoopMailbox>& mailbox() const { return host_.mailbox; }
  bool draining() const { return draining_; }
  // The current time as an IMF-fixdate, recomputed at most once a second.
  absl::string_view Date();
  // One read buffer per loop: a connection consumes what it read before the next read.
  uv_buf_t ReadBuffer() { return uv_buf_init(read_buffer_.data(), read_buffer_.size()); }
  void Adopt(HttpConnection* connection);
  void Forget(HttpConnection* connection);

 private:
  static void OnConnection(uv_stream_t* listener, int status);
  void StopListening();

  const LoopHost host_;
  const std::shared_ptr<HttpEdgeContext> context_;
  uv_tcp_t listener_;
  bool listening_ = false;
  bool draining_ = false;
  absl::flat_hash_set<HttpConnection*> connections_;
  uint64_t date_second_ = 0;
  std::string date_;
  std::array<char, 64 << 10> read_buffer_;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_HTTP_LOOP_SERVER_H_
