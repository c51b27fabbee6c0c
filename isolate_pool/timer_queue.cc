#include "isolate_pool/timer_queue.h"

namespace hearth {

TimerQueue::TimerQueue(uv_loop_t* loop, DueCallback on_due)
    : loop_(loop), on_due_(std::move(on_due)) {}

TimerQueue::~TimerQueue() { Detach(); }

bool TimerQueue::Schedule(uint32_t id, uint64_t delay_ms) {
  Cancel(id);
  if (by_id_.size() >= kMaxPending) return false;
  used_ = true;
  // The loop's clock is from the start of this loop iteration: refreshed, so that a timer
  // set after a long handler never fires before its delay.
  uv_update_time(loop_);
  const Key key{uv_now(loop_) + delay_ms, next_order_++};
  by_due_.emplace(key, id);
  by_id_.emplace(id, key);
  if (by_due_.begin()->first == key) Rearm();
  return true;
}

void TimerQueue::Cancel(uint32_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  by_due_.erase(it->second);
  by_id_.erase(it);
  // The loop timer stays armed for what may now be nothing: it finds nothing due and
  // re-arms for the earliest left, which costs less than re-arming on every cancel.
}

bool TimerQueue::CancelAll() {
  by_due_.clear();
  by_id_.clear();
  if (handle_ != nullptr) uv_timer_stop(handle_);
  return std::exchange(used_, false);
}

bool TimerQueue::PopDue(uint64_t now_ms, uint32_t* id) {
  if (by_due_.empty() || by_due_.begin()->first.first > now_ms) return false;
  *id = by_due_.begin()->second;
  by_id_.erase(*id);
  by_due_.erase(by_due_.begin());
  return true;
}

void TimerQueue::Rearm() {
  if (by_due_.empty()) {
    if (handle_ != nullptr) uv_timer_stop(handle_);
    return;
  }
  if (handle_ == nullptr) {
    handle_ = new uv_timer_t;
    uv_timer_init(loop_, handle_);
    handle_->data = this;
  }
  const uint64_t due = by_due_.begin()->first.first;
  const uint64_t now = uv_now(loop_);
  uv_timer_start(
      handle_, [](uv_timer_t* timer) { static_cast<TimerQueue*>(timer->data)->on_due_(); },
      due > now ? due - now : 0, 0);
}

void TimerQueue::Detach() {
  if (handle_ == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
  handle_ = nullptr;
}

}  // namespace hearth
