// InvokeStreamReactor: one InvokeStream call. Every request read becomes an invocation;
// responses are written as invocations finish, in any order, carrying the request's id.
// A request the agent refuses (unknown function, malformed, overloaded) gets a response
// with OUTCOME_UNSPECIFIED and `error` naming the gRPC code, and the stream goes on. At most
// kMaxOutstanding invocations per stream are in flight or waiting to be written; past
// that the reactor stops reading, which pushes back on the client through gRPC flow
// control. The stream finishes once the client half-closed and every response is out.
//
// Thread: gRPC calls the On* methods on its threads; invocations finish on worker threads.
// All state is guarded by mu_; the reactor deletes itself in OnDone.
#ifndef HEARTH_AGENT_INVOKE_STREAM_REACTOR_H_
#define HEARTH_AGENT_INVOKE_STREAM_REACTOR_H_

#include <grpcpp/support/server_callback.h>

#include <deque>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "hearth/v1/agent.pb.h"
#include "isolate_pool/cancel_token.h"

namespace hearth {

class InvokeStreamReactor final
    : public grpc::ServerBidiReactor<v1::InvokeRequest, v1::InvokeResponse> {
 public:
  // Submit: validates and starts one invocation (AgentService::SubmitInvocation).
  using Submit = absl::AnyInvocable<absl::Status(
      const v1::InvokeRequest&, v1::InvokeResponse*, int64_t accepted_us, int64_t deadline_us,
      absl::AnyInvocable<void(absl::Status) &&> done, std::shared_ptr<CancelToken> cancel)>;

  static constexpr int kMaxOutstanding = 128;

  // `auth`: the caller's authentication result; not OK finishes the stream with it.
  InvokeStreamReactor(const absl::Status& auth, int64_t deadline_us, Submit submit);

  void OnReadDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnWriteDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnCancel() override ABSL_LOCKS_EXCLUDED(mu_);
  void OnDone() override { delete this; }

 private:
  // One request and its response; owned here from the read until its write completes.
  struct Call {
    v1::InvokeRequest request;
    v1::InvokeResponse response;
    // Cancelled with the stream: the invocation stops wherever it is.
    std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
  };

  void Answered(std::unique_ptr<Call> call) ABSL_LOCKS_EXCLUDED(mu_);
  void StartNextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MaybeReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The status to finish with, once nothing is pending any more (and only once).
  std::optional<grpc::Status> FinishStatusLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishIf(std::optional<grpc::Status> status) ABSL_LOCKS_EXCLUDED(mu_);

  const int64_t deadline_us_;
  Submit submit_;
  absl::Mutex mu_;
  std::unique_ptr<Call> reading_ ABSL_GUARDED_BY(mu_);  // Target of the read in progress.
  bool read_pending_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // Submitted, not answered yet: their tokens, cancelled if the stream is.
  absl::flat_hash_map<const Call*, std::shared_ptr<CancelToken>> running_ ABSL_GUARDED_BY(mu_);
  std::deque<std::unique_ptr<Call>> to_write_ ABSL_GUARDED_BY(mu_);  // front() is writing
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_INVOKE_STREAM_REACTOR_H_
