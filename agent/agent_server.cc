#include "agent/agent_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/pool_collector.h"
#include "common/status_macros.h"

namespace hearth {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const AgentOptions& o) {
  if (o.tls_cert.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl(
      o.tls_client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                              : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  HEARTH_ASSIGN_OR_RETURN(std::string cert, ReadFile(o.tls_cert));
  HEARTH_ASSIGN_OR_RETURN(std::string key, ReadFile(o.tls_key));
  ssl.pem_key_cert_pairs.push_back({std::move(key), std::move(cert)});
  if (!o.tls_client_ca.empty()) {
    HEARTH_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(o.tls_client_ca));
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AgentServer>> AgentServer::Start(const AgentOptions& options) {
  std::unique_ptr<AgentServer> server(new AgentServer());
  HEARTH_RETURN_IF_ERROR(server->Init(options));
  return server;
}

absl::Status AgentServer::Init(const AgentOptions& options) {
  std::string auth_token;
  if (!options.auth_token_file.empty()) {
    HEARTH_ASSIGN_OR_RETURN(auth_token, ReadFile(options.auth_token_file));
    auth_token = std::string(absl::StripAsciiWhitespace(auth_token));
    if (auth_token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--auth-token-file ", options.auth_token_file, " is empty"));
    }
  }
  if (!options.state_dir.empty()) {
    HEARTH_ASSIGN_OR_RETURN(StateStore store, StateStore::Open(options.state_dir));
    state_.emplace(std::move(store));
    HEARTH_RETURN_IF_ERROR(OpenCrashJournal(options.state_dir));
  }
  quarantine_ = std::make_unique<Quarantine>(state_ ? &*state_ : nullptr);
  HEARTH_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                          Credentials(options));

  disk_ = std::make_unique<LoopThread>(
      "hearth-disk", [] {}, [] {});
  metrics_ = std::make_unique<AgentMetrics>(options.max_function_labels);
  HEARTH_ASSIGN_OR_RETURN(metrics_port_, metrics_->Serve(options.metrics_listen));
  pool_ = std::make_unique<IsolatePool>(options.pool);
  registry_ = std::make_unique<FunctionRegistry>();
  scheduler_ = std::make_unique<Scheduler>(pool_.get(), registry_.get(), options.scheduler);
  pool_collector_ =
      std::make_shared<PoolCollector>(pool_.get(), registry_.get(), options.max_function_labels);
  metrics_->AddCollectable(pool_collector_);
  service_ = std::make_unique<AgentService>(AgentServiceDeps{
      .scheduler = scheduler_.get(),
      .registry = registry_.get(),
      .pool = pool_.get(),
      .metrics = metrics_.get(),
      .deploys = &deploys_,
      .state = state_ ? &*state_ : nullptr,
      .disk = disk_.get(),
      .quarantine = quarantine_.get(),
      .auth_token = std::move(auth_token),
      .deploy_caps = options.deploy_caps,
      .request_caps = options.request_caps,
  });
  HEARTH_RETURN_IF_ERROR(Restore(options.deploy_caps));
  if (!options.http.listen.empty()) HEARTH_RETURN_IF_ERROR(StartHttp(options));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.grpc_listen, credentials, &grpc_port_);
  builder.RegisterService(service_.get());
  // Room for the largest source or body we accept, plus the envelope.
  const size_t largest =
      std::max({options.deploy_caps.max_source_bytes, options.request_caps.max_request_body_bytes,
                options.pool.max_response_body_bytes});
  builder.SetMaxReceiveMessageSize(static_cast<int>(largest + (1 << 20)));
  builder.SetMaxSendMessageSize(static_cast<int>(largest + (1 << 20)));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.grpc_listen));
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  // A wedged worker takes no work: the agent says NOT_SERVING while one is, so that an
  // orchestrator can move traffic away and replace the node (PRODUCT.md section 6).
  pool_->SetWedgeListener([this] {
    absl::MutexLock lock(&health_mu_);
    if (drained_) return;
    const int wedged = pool_->WedgedWorkers();
    server_->GetHealthCheckService()->SetServingStatus(wedged == 0);
  });
  return absl::OkStatus();
}

absl::Status AgentServer::StartHttp(const AgentOptions& options) {
  auto context = std::make_shared<HttpEdgeContext>();
  context->options = options.http;
  context->caps = options.request_caps;
  FunctionRegistry* registry = registry_.get();
  context->deployed = [registry](const std::string& name) {
    return registry->Find(name) != nullptr;
  };
  AgentService* service = service_.get();
  context->submit = [service](const v1::InvokeRequest& request, v1::InvokeResponse* response,
                              int64_t accepted_us, absl::AnyInvocable<void(absl::Status) &&> done,
                              std::shared_ptr<CancelToken> cancel) {
    return service->SubmitInvocation(request, response, accepted_us, INT64_MAX, std::move(done),
                                     std::move(cancel), Via::kHttp);
  };
  HEARTH_ASSIGN_OR_RETURN(http_, HttpListener::Bind(std::move(context)));
  http_->Start(*pool_);
  return absl::OkStatus();
}

absl::Status AgentServer::OpenCrashJournal(const std::string& state_dir) {
  HEARTH_ASSIGN_OR_RETURN(crash_journal_, CrashJournal::Open(state_dir + "/crash.journal"));
  // Quarantines are on disk before the records that caused them are gone.
  HEARTH_RETURN_IF_ERROR(QuarantineCrashedFunctions(crash_journal_->previous_crashes(), *state_));
  HEARTH_RETURN_IF_ERROR(crash_journal_->Clear());
  // Before the restore: a function that crashes the agent as it loads is caught too.
  return crash_journal_->InstallHandlers();
}

absl::Status AgentServer::Restore(const DeployCaps& deploy_caps) {
  if (!state_) return absl::OkStatus();
  // Every function is tried: one that cannot be read or loaded does not stop the others.
  for (absl::StatusOr<SavedFunction>& saved : state_->LoadAll()) {
    if (!saved.ok()) {
      spdlog::warn("state dir: {}; skipped (the file is left in place)",
                   std::string(saved.status().message()));
      continue;
    }
    const v1::DeployRequest& request = saved->request;
    if (!saved->quarantine_reason.empty()) {
      spdlog::warn("state dir: function '{}' is quarantined, not restored: {}", request.name(),
                   saved->quarantine_reason);
      quarantine_->Add(request, saved->quarantine_reason, *pool_, deploy_caps);
      continue;
    }
    if (absl::Status status = service_->DeployBlocking(request); !status.ok()) {
      spdlog::warn("state dir: function '{}' not restored: {}", request.name(), status.ToString());
      continue;
    }
    ++restored_;
  }
  return absl::OkStatus();
}

void AgentServer::Drain(uint32_t grace_ms) {
  {
    absl::MutexLock lock(&health_mu_);
    if (drained_) return;
    drained_ = true;
    server_->GetHealthCheckService()->SetServingStatus(false);
  }
  // New deploys, undeploys and invocations are refused from here on; accepted ones go on.
  deploys_.StopAccepting();
  scheduler_->StopAccepting();
  if (http_ != nullptr) http_->StopAccepting();
  const absl::Time give_up = absl::Now() + absl::Milliseconds(grace_ms);
  while ((scheduler_->Inflight() > 0 || deploys_.in_flight() > 0) && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));  // Main thread, off every loop: polling is fine.
  }
  const int invocations = scheduler_->Inflight();
  const int deploys = deploys_.in_flight();
  if (invocations > 0 || deploys > 0) {
    spdlog::warn(
        "drain: {} invocations and {} deploys or undeploys still in flight after {} ms; "
        "answering UNAVAILABLE",
        invocations, deploys, grace_ms);
  }
  // Deploys still waiting behind another of their name are answered now and no more start;
  // then nothing enters the pool through the scheduler any more, and the deploys still
  // inside it are answered UNAVAILABLE (unpublished, unsaved) as the pool's destruction
  // hands them back.
  deploys_.Abandon();
  scheduler_->Close();
  // Workers answer whatever is still running, then stop; every reactor is finished.
  pool_collector_->Detach();
  pool_.reset();
  // Nothing of ours is in flight any more; what is left (health watches) ends now.
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
}

AgentServer::~AgentServer() {
  if (server_ != nullptr) Drain(0);
}

}  // namespace hearth
