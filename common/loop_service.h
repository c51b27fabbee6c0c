// LoopService: something other than isolates that lives on a worker's libuv loop (the edge
// HTTP listener's connections, which are parsed on the loop that may run their function).
// The isolate pool starts one per worker thread from a LoopServiceFactory, on that thread,
// and stops it there before the loop closes. LoopMailbox is how other threads reach it.
//
// Thread: a LoopService belongs to its loop thread. LoopMailbox: any thread.
#ifndef HEARTH_COMMON_LOOP_SERVICE_H_
#define HEARTH_COMMON_LOOP_SERVICE_H_

#include <uv.h>

#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/loop_thread.h"

namespace hearth {

// Posts tasks to one loop thread for as long as it runs; refuses them (Post returns false,
// the task is destroyed unrun) once the loop has stopped, so it may outlive the loop.
class LoopMailbox {
 public:
  explicit LoopMailbox(LoopThread* thread);

  bool Post(LoopThread::Task task) ABSL_LOCKS_EXCLUDED(mu_);
  bool IsLoopThread() const { return std::this_thread::get_id() == thread_id_; }
  // On the loop thread, as it stops: every later Post is refused.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::thread::id thread_id_;
  absl::Mutex mu_;
  LoopThread* thread_ ABSL_GUARDED_BY(mu_);
};

class LoopService {
 public:
  virtual ~LoopService() = default;
  // On the loop thread, before the loop's remaining handles are closed: closes the
  // service's handles. The service is destroyed after the loop has run their callbacks.
  virtual void Stop() = 0;
};

// What a service is given about the loop it lives on.
struct LoopHost {
  uv_loop_t* loop = nullptr;
  int worker_id = 0;  // The worker thread's id (as in reports and metrics).
  std::shared_ptr<LoopMailbox> mailbox;
};

// Runs on the loop thread; may return null (nothing to run there).
using LoopServiceFactory = std::function<std::unique_ptr<LoopService>(const LoopHost&)>;

}  // namespace hearth

#endif  // HEARTH_COMMON_LOOP_SERVICE_H_
