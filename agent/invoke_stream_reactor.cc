#include "agent/invoke_stream_reactor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/grpc_status.h"
#include "common/clock.h"

namespace hearth {
namespace {

// A refusal as a message on the stream: the gRPC code's name and the reason.
void RecordRefusal(const absl::Status& status, v1::InvokeResponse* response) {
  response->set_outcome(v1::OUTCOME_UNSPECIFIED);
  response->set_error(
      absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message()));
}

}  // namespace

InvokeStreamReactor::InvokeStreamReactor(const absl::Status& auth, int64_t deadline_us,
                                         Submit submit)
    : deadline_us_(deadline_us), submit_(std::move(submit)) {
  if (!auth.ok()) {
    {
      absl::MutexLock lock(&mu_);
      finished_ = true;
    }
    Finish(ToGrpcStatus(auth));
    return;
  }
  absl::MutexLock lock(&mu_);
  MaybeReadLocked();
}

void InvokeStreamReactor::FinishIf(std::optional<grpc::Status> status) {
  // Outside the lock: OnDone may run (and delete this) as soon as Finish is called.
  if (status.has_value()) Finish(*status);
}

void InvokeStreamReactor::MaybeReadLocked() {
  if (read_pending_ || reads_done_ || cancelled_ || finished_) return;
  if (static_cast<int>(running_.size() + to_write_.size()) >= kMaxOutstanding) return;
  read_pending_ = true;
  reading_ = std::make_unique<Call>();
  StartRead(&reading_->request);
}

void InvokeStreamReactor::OnReadDone(bool ok) {
  const int64_t accepted = MonotonicMicros();
  std::unique_ptr<Call> call;
  {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      read_pending_ = false;
      if (!ok) {  // The client half-closed, or the stream broke.
        reads_done_ = true;
        finish = FinishStatusLocked();
      } else {
        call = std::move(reading_);
        running_.emplace(call.get(), call->cancel);
      }
    }
    if (call == nullptr) return FinishIf(finish);
  }
  // Submitted outside the lock: a refusal or a fast answer calls Answered() right away.
  Call* raw = call.release();  // Owned by the invocation until Answered().
  absl::Status submitted = submit_(
      raw->request, &raw->response, accepted, deadline_us_,
      [this, raw](absl::Status status) {
        if (!status.ok()) RecordRefusal(status, &raw->response);
        Answered(std::unique_ptr<Call>(raw));
      },
      raw->cancel);
  if (!submitted.ok()) {
    raw->response.set_id(raw->request.id());
    RecordRefusal(submitted, &raw->response);
    Answered(std::unique_ptr<Call>(raw));
  }
  absl::MutexLock lock(&mu_);
  MaybeReadLocked();
}

void InvokeStreamReactor::Answered(std::unique_ptr<Call> call) {
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    running_.erase(call.get());
    if (!cancelled_) to_write_.push_back(std::move(call));
    if (!writing_) StartNextWriteLocked();
    MaybeReadLocked();
    finish = FinishStatusLocked();
  }
  FinishIf(finish);
}

void InvokeStreamReactor::StartNextWriteLocked() {
  if (to_write_.empty() || cancelled_ || finished_) return;
  writing_ = true;
  StartWrite(&to_write_.front()->response);
}

void InvokeStreamReactor::OnWriteDone(bool ok) {
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!to_write_.empty()) to_write_.pop_front();
    if (!ok) {
      cancelled_ = true;  // The client is gone: nothing more can be written.
      to_write_.clear();
    }
    StartNextWriteLocked();
    MaybeReadLocked();
    finish = FinishStatusLocked();
  }
  FinishIf(finish);
}

void InvokeStreamReactor::OnCancel() {
  std::optional<grpc::Status> finish;
  std::vector<std::shared_ptr<CancelToken>> running;
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    if (!writing_) to_write_.clear();
    for (const auto& [call, token] : running_) running.push_back(token);
    finish = FinishStatusLocked();
  }
  // Outside the lock: a cancelled invocation may answer (and reach Answered) at once.
  for (const auto& token : running) token->Cancel();
  FinishIf(finish);
}

std::optional<grpc::Status> InvokeStreamReactor::FinishStatusLocked() {
  if (finished_ || read_pending_ || !running_.empty() || writing_) return std::nullopt;
  if (!cancelled_ && (!reads_done_ || !to_write_.empty())) return std::nullopt;
  finished_ = true;
  return cancelled_ ? grpc::Status::CANCELLED : grpc::Status::OK;
}

}  // namespace hearth
