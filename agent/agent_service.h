// AgentService: the hearth.v1.Agent gRPC service (callback API). It converts between the
// wire messages and our types, checks the caller's token, and hands work to the
// Scheduler. Errors become gRPC statuses here and nowhere else.
//
// Deploys and undeploys go through a DeploySequencer: those of one name take effect in the
// order they were requested, each with its state-dir write. A Deploy whose caller cancels
// or runs out of deadline still runs to completion (it may already be waiting behind
// others of its name, and skipping it would make "the last request wins" depend on who
// gave up): its reactor is finished exactly once, when it completes, and gRPC discards the
// status of a call that is gone.
//
// Thread: gRPC calls it on its own threads; reactors are finished exactly once, from the
// gRPC thread when refused up front or from a worker thread when the work is done.
#ifndef HEARTH_AGENT_AGENT_SERVICE_H_
#define HEARTH_AGENT_AGENT_SERVICE_H_

#include <string>

#include "agent/deploy_sequencer.h"
#include "agent/function_spec_builder.h"
#include "agent/metrics.h"
#include "agent/quarantine.h"
#include "agent/request_validation.h"
#include "agent/state_store.h"
#include "common/loop_thread.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "isolate_pool/cancel_token.h"
#include "scheduler/scheduler.h"

namespace hearth {

struct AgentServiceDeps {
  Scheduler* scheduler = nullptr;
  FunctionRegistry* registry = nullptr;
  const IsolatePool* pool = nullptr;
  AgentMetrics* metrics = nullptr;
  // Orders deploys and undeploys by name; refuses new ones in a drain.
  DeploySequencer* deploys = nullptr;
  const StateStore* state = nullptr;  // Null: nothing is persisted.
  // Where a deploy's state file is written (fsyncs: never on the worker that finished the
  // deploy). Null: on whichever thread finished it.
  LoopThread* disk = nullptr;
  Quarantine* quarantine = nullptr;  // Never null (empty without a state dir).
  std::string auth_token;            // Empty: no authentication.
  DeployCaps deploy_caps;
  RequestCaps request_caps;
};

class AgentService final : public v1::Agent::CallbackService {
 public:
  explicit AgentService(AgentServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* Deploy(grpc::CallbackServerContext* context,
                                   const v1::DeployRequest* request,
                                   v1::DeployResponse* response) override;
  grpc::ServerUnaryReactor* Undeploy(grpc::CallbackServerContext* context,
                                     const v1::UndeployRequest* request,
                                     v1::UndeployResponse* response) override;
  grpc::ServerUnaryReactor* ListFunctions(grpc::CallbackServerContext* context,
                                          const v1::ListFunctionsRequest* request,
                                          v1::ListFunctionsResponse* response) override;
  grpc::ServerUnaryReactor* GetFunction(grpc::CallbackServerContext* context,
                                        const v1::GetFunctionRequest* request,
                                        v1::FunctionInfo* response) override;
  grpc::ServerUnaryReactor* Invoke(grpc::CallbackServerContext* context,
                                   const v1::InvokeRequest* request,
                                   v1::InvokeResponse* response) override;
  grpc::ServerBidiReactor<v1::InvokeRequest, v1::InvokeResponse>* InvokeStream(
      grpc::CallbackServerContext* context) override;

  // Deploys without a caller (used to restore the state dir at start-up, before the service
  // serves, so nothing else deploys meanwhile); blocks until the function is loaded or
  // refused.
  absl::Status DeployBlocking(const v1::DeployRequest& request);

  // Validates `request` and hands it to the scheduler; `done` is called exactly once if
  // (and only if) this returns OK, on a worker thread. Shared by Invoke, InvokeStream and
  // the edge HTTP listener. Any thread.
  absl::Status SubmitInvocation(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                                int64_t accepted_us, int64_t deadline_us,
                                absl::AnyInvocable<void(absl::Status) &&> done,
                                std::shared_ptr<CancelToken> cancel, Via via = Via::kGrpc);

 private:
  // Builds and loads the spec; `done` gets the outcome on a worker thread.
  void StartDeploy(const v1::DeployRequest& request, v1::DeployResponse* response,
                   absl::AnyInvocable<void(absl::Status) &&> done);
  absl::Status Authenticate(const grpc::CallbackServerContext& context) const;

  AgentServiceDeps deps_;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_AGENT_SERVICE_H_
