#include "common/loop_service.h"

namespace hearth {

LoopMailbox::LoopMailbox(LoopThread* thread) : thread_id_(thread->thread_id()), thread_(thread) {}

bool LoopMailbox::Post(LoopThread::Task task) {
  absl::MutexLock lock(&mu_);
  // The LoopThread outlives Close(): Post on it is safe up to then, and refuses once it
  // stops on its own.
  return thread_ != nullptr && thread_->Post(std::move(task));
}

void LoopMailbox::Close() {
  absl::MutexLock lock(&mu_);
  thread_ = nullptr;
}

}  // namespace hearth
