// DeploySequencer: runs the deploys and undeploys of one function name one at a time, in
// the order they were requested, so that once they have all finished the agent (and its
// state dir) holds what the last one asked for. Operations on distinct names run
// concurrently. It also tells a drain what is still in flight, and abandons the
// operations still waiting for their turn.
//
// Why a queue per name rather than letting a later deploy supersede an earlier one in
// flight: every caller gets the true outcome of its own request (no ABORTED to interpret
// and retry), an operation once started needs no way to be cancelled halfway (a top level
// runs to its verdict in a builder process anyway), and deploys of one name are rare, so
// waiting for the previous one costs nothing that matters. The queue is bounded, as the
// product's admission is: past kMaxWaitingPerName, ResourceExhausted.
//
// Thread: thread-safe. An operation starts on the thread of Run() when its name is idle,
// otherwise on the thread that finished the operation before it.
#ifndef HEARTH_AGENT_DEPLOY_SEQUENCER_H_
#define HEARTH_AGENT_DEPLOY_SEQUENCER_H_

#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace hearth {

class DeploySequencer {
 public:
  // Called once by an operation when its effects are complete (published, persisted):
  // the next operation on its name may start. It may be called inline, from `Operation`.
  using Done = absl::AnyInvocable<void() &&>;
  // Called exactly once. With OK: the operation's turn has come; it does its work and calls
  // `done`. Otherwise (Unavailable: still waiting when Abandon() ran) it only answers its
  // caller with that status; `done` then does nothing.
  using Operation = absl::AnyInvocable<void(absl::Status turn, Done done) &&>;

  // Operations allowed to wait behind the running one, per name.
  static constexpr int kMaxWaitingPerName = 32;

  DeploySequencer() = default;
  DeploySequencer(const DeploySequencer&) = delete;
  DeploySequencer& operator=(const DeploySequencer&) = delete;

  // Queues `operation` behind those already requested on `name` (or starts it now). Not OK
  // (Unavailable while draining, ResourceExhausted when too many wait): `operation` is
  // destroyed without being called, and the caller answers its own caller.
  absl::Status Run(const std::string& name, Operation operation) ABSL_LOCKS_EXCLUDED(mu_);

  // Refuses new operations from now on; those accepted go on.
  void StopAccepting() ABSL_LOCKS_EXCLUDED(mu_);
  // Operations accepted and not done (running or waiting).
  int in_flight() const ABSL_LOCKS_EXCLUDED(mu_);
  // Stops accepting, answers every waiting operation with Unavailable, and returns once no
  // operation is in the middle of starting (the start of an operation may read state that
  // the caller is about to destroy). Running operations finish as they will; none starts
  // after this returns.
  void Abandon() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Runs `operation`'s turn; `starting_` was incremented for it.
  void Start(const std::string& name, Operation operation) ABSL_LOCKS_EXCLUDED(mu_);
  void Finished(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

  mutable absl::Mutex mu_;
  // Names with an operation running, each with the operations waiting behind it.
  absl::flat_hash_map<std::string, std::deque<Operation>> waiting_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int starting_ ABSL_GUARDED_BY(mu_) = 0;  // Inside an Operation's turn call right now.
  bool accepting_ ABSL_GUARDED_BY(mu_) = true;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_DEPLOY_SEQUENCER_H_
