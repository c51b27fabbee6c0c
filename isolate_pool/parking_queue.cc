#include "isolate_pool/parking_queue.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "common/clock.h"

namespace hearth {

void ParkingQueue::Start(uv_loop_t* loop) {
  uv_timer_init(loop, &timer_);
  timer_.data = this;
  // Waiting invocations alone must not keep the loop from stopping (it answers them then).
  uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
  started_ = true;
}

bool ParkingQueue::Park(std::unique_ptr<Invocation>& invocation, bool at_front) {
  std::deque<std::unique_ptr<Invocation>>& queue = queues_[invocation->function->name];
  if (queue.size() >= max_per_function_) {
    if (queue.empty()) queues_.erase(invocation->function->name);
    return false;
  }
  const int64_t deadline = invocation->deadline_us;
  if (at_front) {
    queue.push_front(std::move(invocation));
  } else {
    queue.push_back(std::move(invocation));
  }
  ArmFor(deadline);
  return true;
}

std::unique_ptr<Invocation> ParkingQueue::Next(const std::string& name) {
  auto it = queues_.find(name);
  if (it == queues_.end()) return nullptr;
  const int64_t now = MonotonicMicros();
  std::unique_ptr<Invocation> next;
  std::deque<std::unique_ptr<Invocation>> expired;
  while (!it->second.empty() && next == nullptr) {
    std::unique_ptr<Invocation> head = std::move(it->second.front());
    it->second.pop_front();
    if (head->deadline_us <= now || (head->cancelled())) {
      expired.push_back(std::move(head));
    } else {
      next = std::move(head);
    }
  }
  if (it->second.empty()) queues_.erase(it);
  // Answered after the queue is consistent: an answer may lead to more parking.
  for (auto& invocation : expired) expired_(std::move(invocation));
  return next;
}

std::deque<std::unique_ptr<Invocation>> ParkingQueue::TakeAll() {
  std::deque<std::unique_ptr<Invocation>> all;
  for (auto& [name, queue] : queues_) {
    for (auto& invocation : queue) all.push_back(std::move(invocation));
  }
  queues_.clear();
  return all;
}

void ParkingQueue::ArmFor(int64_t deadline_us) {
  if (!started_ || deadline_us >= armed_for_us_ || deadline_us == INT64_MAX) return;
  armed_for_us_ = deadline_us;
  const int64_t wait_us = std::max<int64_t>(deadline_us - MonotonicMicros(), 0);
  uv_timer_start(&timer_, &ParkingQueue::OnTimer, static_cast<uint64_t>((wait_us + 999) / 1000), 0);
}

void ParkingQueue::OnTimer(uv_timer_t* timer) {
  static_cast<ParkingQueue*>(timer->data)->ExpireDue();
}

void ParkingQueue::ExpireDue() {
  armed_for_us_ = INT64_MAX;
  const int64_t now = MonotonicMicros();
  std::deque<std::unique_ptr<Invocation>> expired;
  int64_t earliest = INT64_MAX;
  for (auto it = queues_.begin(); it != queues_.end();) {
    std::deque<std::unique_ptr<Invocation>>& queue = it->second;
    for (auto& invocation : queue) {
      if (invocation->deadline_us <= now) {
        expired.push_back(std::move(invocation));
      } else {
        earliest = std::min(earliest, invocation->deadline_us);
      }
    }
    std::erase(queue, nullptr);
    if (queue.empty()) {
      queues_.erase(it++);
    } else {
      ++it;
    }
  }
  ArmFor(earliest);
  for (auto& invocation : expired) expired_(std::move(invocation));
}

}  // namespace hearth
