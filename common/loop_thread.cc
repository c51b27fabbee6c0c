#include "common/loop_thread.h"

#include <pthread.h>

#include <cstdlib>
#include <utility>

#include "absl/synchronization/notification.h"

namespace hearth {

LoopThread::LoopThread(std::string name, Task on_start, Task on_stop) : name_(std::move(name)) {
  // The loop and its wake-up handle exist before Post() can be called from anywhere.
  if (uv_loop_init(&loop_) != 0 || uv_async_init(&loop_, &wake_, &LoopThread::OnWake) != 0) {
    std::abort();  // Only fails when the process is out of file descriptors or memory.
  }
  wake_.data = this;
  absl::Notification started;
  thread_ = std::thread(
      [this, &started, on_start = std::move(on_start), on_stop = std::move(on_stop)]() mutable {
        pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
        std::move(on_start)();
        started.Notify();
        Run(std::move(on_stop));
      });
  started.WaitForNotification();
}

LoopThread::~LoopThread() { Stop(); }

// The wake-up is sent under mu_: the loop closes `wake_` (and its file descriptors) only
// after OnWake saw `stopping_` under mu_, so a send made while holding mu_ with
// `stopping_` false always reaches a live handle. Sent after unlocking, it could reach a
// closed loop (libuv aborts on the bad descriptor) or a destroyed LoopThread. The send is
// one atomic exchange when a wake-up is already pending, one write(2) otherwise.
bool LoopThread::Post(Task task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  pending_.push_back(std::move(task));
  uv_async_send(&wake_);
  return true;
}

void LoopThread::Stop() {
  // Serialises concurrent Stop() calls: one joins, the others wait for it.
  absl::MutexLock join_lock(&join_mu_);
  if (joined_) return;
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      stopping_ = true;
      uv_async_send(&wake_);  // Under mu_, for the reason given at Post.
    }
  }
  thread_.join();
  joined_ = true;
}

void LoopThread::OnWake(uv_async_t* handle) {
  auto* self = static_cast<LoopThread*>(handle->data);
  self->Drain();
  bool stopping;
  {
    absl::MutexLock lock(&self->mu_);
    stopping = self->stopping_;
  }
  if (stopping) uv_stop(&self->loop_);
}

void LoopThread::Drain() {
  std::vector<Task> batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(pending_);
  }
  for (Task& task : batch) std::move(task)();
}

void LoopThread::Run(Task on_stop) {
  uv_run(&loop_, UV_RUN_DEFAULT);
  Drain();  // Tasks that raced with Stop() still run: each may owe someone a reply.
  std::move(on_stop)();
  // Close whatever handles remain (the wake-up handle, timers left by on_stop), let their
  // close callbacks run, then close the loop.
  uv_walk(
      &loop_,
      [](uv_handle_t* handle, void*) {
        if (!uv_is_closing(handle)) uv_close(handle, nullptr);
      },
      nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

}  // namespace hearth
