#include "agent/agent_service.h"

#include <chrono>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "agent/grpc_status.h"
#include "agent/invoke_stream_reactor.h"
#include "common/clock.h"
#include "common/status_macros.h"

namespace hearth {
namespace {

// A unary call whose cancellation (the client cancelled, its deadline passed, or its
// connection closed) reaches its invocation through a CancelToken: queued or parked, it is
// never run; running, it is stopped. Deletes itself when gRPC is done with it.
class CancellableUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  const std::shared_ptr<CancelToken>& cancel() const { return cancel_; }
  void OnCancel() override { cancel_->Cancel(); }
  void OnDone() override { delete this; }

 private:
  const std::shared_ptr<CancelToken> cancel_ = std::make_shared<CancelToken>();
};

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// The caller's gRPC deadline on our monotonic clock; INT64_MAX when it set none.
int64_t CallerDeadlineMicros(const grpc::CallbackServerContext& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return INT64_MAX;
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
      deadline - std::chrono::system_clock::now());
  if (left.count() > int64_t{1} << 50) return INT64_MAX;  // Effectively none.
  return MonotonicMicros() + left.count();
}

// Constant-time: the token must not leak through response timing.
bool SameSecret(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

absl::Status AgentService::Authenticate(const grpc::CallbackServerContext& context) const {
  if (deps_.auth_token.empty()) return absl::OkStatus();
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    absl::string_view value(it->second.data(), it->second.size());
    if (absl::ConsumePrefix(&value, "Bearer ") && SameSecret(value, deps_.auth_token)) {
      return absl::OkStatus();
    }
  }
  return absl::UnauthenticatedError("missing or wrong bearer token in 'authorization' metadata");
}

void AgentService::StartDeploy(const v1::DeployRequest& request, v1::DeployResponse* response,
                               absl::AnyInvocable<void(absl::Status) &&> done) {
  absl::StatusOr<std::shared_ptr<FunctionSpec>> spec =
      BuildFunctionSpec(request, *deps_.pool, deps_.deploy_caps);
  if (!spec.ok()) return std::move(done)(spec.status());
  (*spec)->observer = deps_.metrics->ForFunction((*spec)->name);
  if (auto previous = deps_.registry->Find((*spec)->name)) (*spec)->stats = previous->stats;

  const int64_t started = MonotonicMicros();
  const StateStore* state = deps_.state;
  Quarantine* quarantine = deps_.quarantine;
  // The request is copied only when it must be persisted after the load succeeds.
  auto saved = state == nullptr ? nullptr : std::make_unique<v1::DeployRequest>(request);
  // Read once the deploy is done: by then the scheduler has given it its snapshot, if any.
  std::shared_ptr<const FunctionSpec> deployed = *spec;
  auto finish = [response, started, state, quarantine, saved = std::move(saved),
                 deployed = std::move(deployed),
                 done = std::move(done)](absl::Status status) mutable {
    if (status.ok()) {
      // Deploys are rare and the request is small (snapshots are cached by the pool).
      if (state != nullptr) status = state->Save(*saved);
      // Only a deploy that loaded and was saved lifts a quarantine (PRODUCT.md section 6).
      if (status.ok()) status = quarantine->Lift(deployed->name);
      response->set_version(deployed->version);
      response->set_snapshot_bytes(deployed->snapshot != nullptr ? deployed->snapshot->blob.size()
                                                                 : 0);
      response->set_build_ms((MonotonicMicros() - started) / 1000.0);
    } else if (status.code() != absl::StatusCode::kInternal &&
               status.code() != absl::StatusCode::kUnavailable) {
      // Whatever stops the module from loading is a problem of the source.
      status = absl::InvalidArgumentError(status.message());
    }
    std::move(done)(std::move(status));
  };
  // The scheduler answers on the worker that prepared the function (or the builder's
  // thread): the state file's fsyncs go to the disk thread instead.
  struct Finish {
    decltype(finish) run;
    absl::Status status;
  };
  deps_.scheduler->Deploy(*std::move(spec), [disk = deps_.disk, finish = std::move(finish)](
                                                absl::Status status) mutable {
    auto job = std::make_unique<Finish>(Finish{std::move(finish), std::move(status)});
    if (disk == nullptr) return std::move(job->run)(std::move(job->status));
    PostOrElse(
        *disk, std::move(job),
        [](std::unique_ptr<Finish> posted) { std::move(posted->run)(std::move(posted->status)); },
        // The disk thread is stopping (the agent is going away): here, then.
        [](std::unique_ptr<Finish> refused) {
          std::move(refused->run)(std::move(refused->status));
        });
  });
}

grpc::ServerUnaryReactor* AgentService::Deploy(grpc::CallbackServerContext* context,
                                               const v1::DeployRequest* request,
                                               v1::DeployResponse* response) {
  if (absl::Status auth = Authenticate(*context); !auth.ok()) return FinishNow(context, auth);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // `request` and `response` stay valid until Finish, however long the deploy waits for
  // those requested before it.
  absl::Status queued = deps_.deploys->Run(request->name(), [this, reactor, request, response](
                                                                absl::Status turn,
                                                                DeploySequencer::Done done) {
    if (!turn.ok()) return reactor->Finish(ToGrpcStatus(turn));
    StartDeploy(*request, response, [reactor, done = std::move(done)](absl::Status status) mutable {
      reactor->Finish(ToGrpcStatus(status));
      std::move(done)();  // After the state-dir write, in StartDeploy.
    });
  });
  if (!queued.ok()) reactor->Finish(ToGrpcStatus(queued));
  return reactor;
}

absl::Status AgentService::DeployBlocking(const v1::DeployRequest& request) {
  absl::Notification loaded;
  absl::Status result;
  v1::DeployResponse response;
  StartDeploy(request, &response, [&](absl::Status status) {
    result = std::move(status);
    loaded.Notify();
  });
  loaded.WaitForNotification();
  return result;
}

grpc::ServerUnaryReactor* AgentService::Undeploy(grpc::CallbackServerContext* context,
                                                 const v1::UndeployRequest* request,
                                                 v1::UndeployResponse* /*response*/) {
  if (absl::Status auth = Authenticate(*context); !auth.ok()) return FinishNow(context, auth);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status queued = deps_.deploys->Run(
      request->name(), [this, reactor, request](absl::Status status, DeploySequencer::Done done) {
        if (status.ok()) status = deps_.scheduler->Undeploy(request->name());
        // A quarantined function is saved but not loaded: removing it is forgetting it.
        if (absl::IsNotFound(status) && deps_.quarantine->Forget(request->name())) {
          status = absl::OkStatus();
        }
        if (status.ok() && deps_.state != nullptr) status = deps_.state->Remove(request->name());
        reactor->Finish(ToGrpcStatus(status));
        std::move(done)();
      });
  if (!queued.ok()) reactor->Finish(ToGrpcStatus(queued));
  return reactor;
}

grpc::ServerUnaryReactor* AgentService::ListFunctions(grpc::CallbackServerContext* context,
                                                      const v1::ListFunctionsRequest* /*request*/,
                                                      v1::ListFunctionsResponse* response) {
  if (absl::Status auth = Authenticate(*context); !auth.ok()) return FinishNow(context, auth);
  for (const auto& spec : deps_.registry->List()) {
    v1::FunctionInfo* info = response->add_functions();
    *info = DescribeFunction(*spec);
    info->set_invocations(spec->stats->invocations.load(std::memory_order_relaxed));
  }
  for (v1::FunctionInfo& info : deps_.quarantine->List()) {
    // A redeploy publishes before it lifts the quarantine: show the live version only.
    if (deps_.registry->Find(info.name()) == nullptr) *response->add_functions() = std::move(info);
  }
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AgentService::GetFunction(grpc::CallbackServerContext* context,
                                                    const v1::GetFunctionRequest* request,
                                                    v1::FunctionInfo* response) {
  if (absl::Status auth = Authenticate(*context); !auth.ok()) return FinishNow(context, auth);
  auto spec = deps_.registry->Find(request->name());
  if (spec == nullptr) {
    if (std::optional<v1::FunctionInfo> info = deps_.quarantine->Find(request->name())) {
      *response = *std::move(info);
      return FinishNow(context, absl::OkStatus());
    }
    return FinishNow(
        context, absl::NotFoundError(absl::StrCat("function '", request->name(), "' not found")));
  }
  *response = DescribeFunction(*spec);
  response->set_invocations(spec->stats->invocations.load(std::memory_order_relaxed));
  return FinishNow(context, absl::OkStatus());
}

absl::Status AgentService::SubmitInvocation(const v1::InvokeRequest& request,
                                            v1::InvokeResponse* response, int64_t accepted_us,
                                            int64_t deadline_us,
                                            absl::AnyInvocable<void(absl::Status) &&> done,
                                            std::shared_ptr<CancelToken> cancel, Via via) {
  HEARTH_RETURN_IF_ERROR(ValidateInvokeRequest(request, deps_.request_caps));
  response->set_id(request.id());
  auto invocation = std::make_unique<Invocation>();
  invocation->request = &request;
  invocation->response = response;
  invocation->accepted_us = accepted_us;
  invocation->via = via;
  invocation->deadline_us = deadline_us;
  invocation->done = std::move(done);
  invocation->cancel = std::move(cancel);
  absl::Status submitted = deps_.scheduler->Submit(request.function(), std::move(invocation));
  // A quarantined function is not loaded: say why rather than "not found".
  if (absl::IsNotFound(submitted)) return deps_.quarantine->Explain(request.function(), submitted);
  return submitted;
}

grpc::ServerUnaryReactor* AgentService::Invoke(grpc::CallbackServerContext* context,
                                               const v1::InvokeRequest* request,
                                               v1::InvokeResponse* response) {
  const int64_t accepted = MonotonicMicros();
  if (absl::Status auth = Authenticate(*context); !auth.ok()) return FinishNow(context, auth);
  auto* reactor = new CancellableUnaryReactor();
  absl::Status submitted = SubmitInvocation(
      *request, response, accepted, CallerDeadlineMicros(*context),
      [reactor](absl::Status status) { reactor->Finish(ToGrpcStatus(status)); }, reactor->cancel());
  if (!submitted.ok()) reactor->Finish(ToGrpcStatus(submitted));
  return reactor;
}

grpc::ServerBidiReactor<v1::InvokeRequest, v1::InvokeResponse>* AgentService::InvokeStream(
    grpc::CallbackServerContext* context) {
  return new InvokeStreamReactor(
      Authenticate(*context), CallerDeadlineMicros(*context),
      [this](const v1::InvokeRequest& request, v1::InvokeResponse* response, int64_t accepted_us,
             int64_t deadline_us, absl::AnyInvocable<void(absl::Status) &&> done,
             std::shared_ptr<CancelToken> cancel) {
        return SubmitInvocation(request, response, accepted_us, deadline_us, std::move(done),
                                std::move(cancel));
      });
}

}  // namespace hearth
