// AgentServer: hearth-agent assembled — isolate pool, scheduler, registry, metrics
// exposer, gRPC server (Agent, health, reflection) — with its start-up and its drain.
//
// Thread: created and drained by the main thread.
#ifndef HEARTH_AGENT_AGENT_SERVER_H_
#define HEARTH_AGENT_AGENT_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "agent/agent_options.h"
#include "agent/agent_service.h"
#include "agent/crash_journal.h"
#include "agent/deploy_sequencer.h"
#include "agent/http_listener.h"
#include "agent/metrics.h"
#include "agent/pool_collector.h"
#include "agent/quarantine.h"
#include "agent/state_store.h"
#include "common/loop_thread.h"
#include "isolate_pool/isolate_pool.h"
#include "scheduler/function_registry.h"
#include "scheduler/scheduler.h"

namespace hearth {

class AgentServer {
 public:
  // Starts everything, restores the state dir, and returns once the agent serves.
  static absl::StatusOr<std::unique_ptr<AgentServer>> Start(const AgentOptions& options);
  ~AgentServer();

  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  int http_port() const { return http_ != nullptr ? http_->port() : 0; }
  size_t restored_functions() const { return restored_; }

  // Refuses new work, lets running invocations, deploys and undeploys finish for up to
  // `grace_ms`, answers the rest with UNAVAILABLE, and stops serving. Returns when the
  // process may exit.
  void Drain(uint32_t grace_ms);

 private:
  AgentServer() = default;
  absl::Status Init(const AgentOptions& options);
  // Turns the crashes the last run recorded into quarantines, then records this run's.
  absl::Status OpenCrashJournal(const std::string& state_dir);
  absl::Status Restore(const DeployCaps& deploy_caps);
  // Binds --http-listen and serves it on every worker loop.
  absl::Status StartHttp(const AgentOptions& options);

  // Declared first, destroyed last: crashes are recorded until everything else is gone.
  std::unique_ptr<CrashJournal> crash_journal_;
  // Writes deploys' state files (fsyncs) off the workers; outlives what deploys through it.
  std::unique_ptr<LoopThread> disk_;
  // Before the pool: the deploys in flight hold it until their last callback, which may
  // come from the pool's destruction.
  DeploySequencer deploys_;
  std::unique_ptr<AgentMetrics> metrics_;
  // Before the pool: workers that replace wedged ones ask it for their share.
  std::unique_ptr<HttpListener> http_;
  std::unique_ptr<IsolatePool> pool_;
  std::shared_ptr<PoolCollector> pool_collector_;  // Shared with the exposer.
  std::unique_ptr<FunctionRegistry> registry_;
  std::unique_ptr<Scheduler> scheduler_;
  std::optional<StateStore> state_;
  std::unique_ptr<Quarantine> quarantine_;
  std::unique_ptr<AgentService> service_;
  std::unique_ptr<grpc::Server> server_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  size_t restored_ = 0;
  absl::Mutex health_mu_;  // Orders health changes: draining, workers wedged.
  bool drained_ ABSL_GUARDED_BY(health_mu_) = false;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_AGENT_SERVER_H_
