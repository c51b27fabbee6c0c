// LoopThread: one thread that owns one libuv loop. Other threads hand it work with Post();
// the closures run on the loop thread, in order. This is how work crosses threads in Hearth
// (a worker is a LoopThread plus the isolates it owns).
//
// Thread: Post() and Stop() may be called from any thread except the loop thread itself
// (Stop joins it); loop() may only be used on the loop thread.
#ifndef HEARTH_COMMON_LOOP_THREAD_H_
#define HEARTH_COMMON_LOOP_THREAD_H_

#include <uv.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace hearth {

class LoopThread {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  // `on_start` runs first on the new thread (to create per-thread state, such as
  // isolates); `on_stop` runs on it last, after the final tasks, before the loop closes.
  LoopThread(std::string name, Task on_start, Task on_stop);
  ~LoopThread();  // Stops and joins if still running.

  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  // Queues `task` to run on the loop thread. Tasks posted after Stop() began are dropped
  // (destroyed without running) and Post returns false.
  bool Post(Task task) ABSL_LOCKS_EXCLUDED(mu_);

  // Runs the queued tasks, then on_stop, closes every handle on the loop and joins.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_, join_mu_);

  uv_loop_t* loop() { return &loop_; }
  bool IsLoopThread() const { return std::this_thread::get_id() == thread_.get_id(); }
  std::thread::id thread_id() const { return thread_.get_id(); }

 private:
  void Run(Task on_stop);
  static void OnWake(uv_async_t* handle);
  void Drain() ABSL_LOCKS_EXCLUDED(mu_);

  const std::string name_;
  uv_loop_t loop_;
  uv_async_t wake_;  // uv_async_send coalesces wake-ups; the work travels in pending_.
  absl::Mutex mu_;
  std::vector<Task> pending_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Mutex join_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  bool joined_ ABSL_GUARDED_BY(join_mu_) = false;
  std::thread thread_;
};

// Posts `run(std::move(value))` to `thread`; if the thread refuses (it is stopping), calls
// `refused(std::move(value))` on the calling thread instead. A refused task is destroyed
// without running, so the task only borrows `value` until it runs: whatever `value` must
// answer (an invocation, a callback) is never dropped unanswered.
template <typename T, typename Run, typename Refused>
void PostOrElse(LoopThread& thread, std::unique_ptr<T> value, Run run, Refused refused) {
  T* borrowed = value.release();
  if (!thread.Post(
          [borrowed, run = std::move(run)]() mutable { run(std::unique_ptr<T>(borrowed)); })) {
    refused(std::unique_ptr<T>(borrowed));
  }
}

}  // namespace hearth

#endif  // HEARTH_COMMON_LOOP_THREAD_H_
