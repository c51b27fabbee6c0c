// ParkingQueue: invocations waiting on one worker, per function, for one of the function's
// isolates there to come free (the function is at its max_isolates). Each waits until its
// own deadline at most: one timer, set for the earliest deadline, hands those whose deadline
// passed to `expired`, and Next() skips (and hands over) expired ones, so the invocations
// behind an expired one still get their turn.
//
// Thread: owned by its worker's loop thread; every member runs there. The timer handle is
// closed by the LoopThread when it stops, before this object is destroyed.
#ifndef HEARTH_ISOLATE_POOL_PARKING_QUEUE_H_
#define HEARTH_ISOLATE_POOL_PARKING_QUEUE_H_

#include <uv.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "isolate_pool/invocation.h"

namespace hearth {

class ParkingQueue {
 public:
  // Receives each invocation whose deadline passed while it waited; it must answer it.
  using ExpiredCallback = absl::AnyInvocable<void(std::unique_ptr<Invocation>)>;

  ParkingQueue(size_t max_per_function, ExpiredCallback expired)
      : max_per_function_(max_per_function), expired_(std::move(expired)) {}
  ParkingQueue(const ParkingQueue&) = delete;
  ParkingQueue& operator=(const ParkingQueue&) = delete;

  // Call once, on the loop thread, before anything is parked.
  void Start(uv_loop_t* loop);

  // Parks `invocation` (at the head of its function's queue when it waited before and
  // keeps its place). False, leaving `invocation` with the caller, when too many wait.
  bool Park(std::unique_ptr<Invocation>& invocation, bool at_front);
  // The next invocation of `name` whose deadline has not passed and whose caller has not
  // cancelled, or null; those before it go to `expired`.
  std::unique_ptr<Invocation> Next(const std::string& name);
  bool Waiting(const std::string& name) const { return queues_.contains(name); }
  // Every parked invocation, for the worker to answer when it stops.
  std::deque<std::unique_ptr<Invocation>> TakeAll();

 private:
  static void OnTimer(uv_timer_t* timer);
  void ExpireDue();
  // Sets the timer for the earliest deadline if that is sooner than it is set for.
  void ArmFor(int64_t deadline_us);

  const size_t max_per_function_;
  ExpiredCallback expired_;
  absl::flat_hash_map<std::string, std::deque<std::unique_ptr<Invocation>>> queues_;
  uv_timer_t timer_;
  bool started_ = false;
  int64_t armed_for_us_ = INT64_MAX;  // Deadline the timer is set for; INT64_MAX: unset.
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_PARKING_QUEUE_H_
