// TimerQueue: the timers (setTimeout, setInterval) of the invocation running in one
// isolate, kept natively on the worker's libuv loop with one uv_timer_t armed for the
// earliest. JavaScript keeps each timer's callback; this side keeps only (due time, id),
// so when timers are due the isolate is entered once for all of them, in the order HTML
// asks for (earlier due time first, then the order they were set).
//
// Timers belong to the invocation that set them: the owner cancels every one when that
// invocation ends (CancelAll), so no callback ever runs for another invocation.
//
// Thread: owned by the worker loop thread of its isolate; the uv handle is made on first use
// (an isolate may be booted on another thread) and closed by Detach.
#ifndef HEARTH_ISOLATE_POOL_TIMER_QUEUE_H_
#define HEARTH_ISOLATE_POOL_TIMER_QUEUE_H_

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"

namespace hearth {

class TimerQueue {
 public:
  // Called on the loop thread when timers are due, with no timer pending inside a call.
  using DueCallback = absl::AnyInvocable<void()>;

  // The most timers one invocation may have pending: past it, scheduling fails (a
  // RangeError in JavaScript), so that a loop of setTimeout calls costs the agent bounded
  // native memory whatever the function's memory limit.
  static constexpr size_t kMaxPending = 100'000;

  TimerQueue(uv_loop_t* loop, DueCallback on_due);
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Schedules (or reschedules) timer `id` to be due `delay_ms` from now. False when
  // kMaxPending timers are pending already.
  bool Schedule(uint32_t id, uint64_t delay_ms);
  // Cancels timer `id`; unknown ids are ignored, as clearTimeout ignores them.
  void Cancel(uint32_t id);
  // Cancels every timer; true if any was ever scheduled since the last CancelAll (so that
  // the JavaScript side has callbacks to forget too).
  bool CancelAll();
  // Removes and returns the id of the earliest timer due at `now_ms` (uv_now), if any.
  bool PopDue(uint64_t now_ms, uint32_t* id);
  // Re-arms the loop timer for the earliest pending timer (after PopDue calls).
  void Rearm();
  size_t pending() const { return by_id_.size(); }
  uv_loop_t* loop() const { return loop_; }

  // Closes the uv handle; call on the loop thread before the queue moves to another thread.
  void Detach();

 private:
  // (due time in uv_now milliseconds, order of scheduling): HTML's order of timers.
  using Key = std::pair<uint64_t, uint64_t>;

  uv_loop_t* const loop_;
  DueCallback on_due_;
  uv_timer_t* handle_ = nullptr;  // Freed in its close callback.
  uint64_t next_order_ = 0;
  bool used_ = false;
  std::map<Key, uint32_t> by_due_;
  absl::flat_hash_map<uint32_t, Key> by_id_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_TIMER_QUEUE_H_
