// HttpListener: the edge HTTP listener (--http-listen; PRODUCT.md sections 3 and 8). It
// binds one listening socket at start-up (so a bad address fails the start, and the port
// is known for the ready line), then puts an HttpLoopServer on every worker loop through
// the isolate pool; each listens on a duplicate of that socket.
//
// Thread: created, started and drained by the main thread; must outlive the isolate pool
// (workers that replace wedged ones ask it for their server).
#ifndef HEARTH_AGENT_HTTP_LISTENER_H_
#define HEARTH_AGENT_HTTP_LISTENER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "agent/http_edge_context.h"
#include "agent/unique_fd.h"
#include "isolate_pool/isolate_pool.h"

namespace hearth {

class HttpLoopServer;

class HttpListener {
 public:
  // Binds and listens on `context->options.listen` (HOST:PORT; port 0 picks one).
  static absl::StatusOr<std::unique_ptr<HttpListener>> Bind(
      std::shared_ptr<HttpEdgeContext> context);

  int port() const { return port_; }
  // Serves on every worker loop of `pool`, now and as workers are replaced.
  void Start(IsolatePool& pool) ABSL_LOCKS_EXCLUDED(mu_);
  // Drain: no new connections; each finishes the request it is in and closes.
  void StopAccepting() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  HttpListener(std::shared_ptr<HttpEdgeContext> context, UniqueFd fd, int port)
      : context_(std::move(context)), fd_(std::move(fd)), port_(port) {}
  // On a worker loop: that loop's server, or null (logged) if it cannot listen.
  std::unique_ptr<LoopService> ServeOn(const LoopHost& host) ABSL_LOCKS_EXCLUDED(mu_);

  const std::shared_ptr<HttpEdgeContext> context_;
  const UniqueFd fd_;
  const int port_;
  absl::Mutex mu_;
  bool accepting_ ABSL_GUARDED_BY(mu_) = true;
  // Every loop's server, reached through its loop's mailbox.
  std::vector<std::pair<std::shared_ptr<LoopMailbox>, HttpLoopServer*>> servers_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_AGENT_HTTP_LISTENER_H_
