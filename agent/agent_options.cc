#include "agent/agent_options.h"

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <thread>

namespace hearth {

std::variant<AgentOptions, int> ParseAgentOptions(int argc, char** argv) {
  AgentOptions o;
  o.pool.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  CLI::App app{"hearth-agent: runs JavaScript functions in V8 isolates, driven over gRPC"};
  app.set_config("--config", "", "Read any of these flags from a TOML or INI file");
  app.add_option("--grpc-listen", o.grpc_listen, "HOST:PORT of the gRPC API (port 0: any)")
      ->capture_default_str();
  app.add_option("--metrics-listen", o.metrics_listen, "HOST:PORT serving /metrics")
      ->capture_default_str();
  app.add_option("--http-listen", o.http.listen,
                 "HOST:PORT of the edge HTTP listener (off; port 0: any)");
  app.add_option("--http-max-connections", o.http.max_connections,
                 "Open HTTP connections the agent holds; more are answered 503")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1'000'000u));
  app.add_option("--http-max-header-bytes", o.http.max_header_bytes,
                 "Request line and headers of one HTTP request; more: 431")
      ->capture_default_str()
      ->check(CLI::Range(1024u, 1u << 20));
  app.add_option("--http-header-timeout-ms", o.http.header_timeout_ms,
                 "Time a request's headers may take to arrive; then 408")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3'600'000u));
  app.add_option("--http-body-timeout-ms", o.http.body_timeout_ms,
                 "Time a request's body may take to arrive after its headers; then 408")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3'600'000u));
  app.add_option("--http-idle-timeout-ms", o.http.idle_timeout_ms,
                 "Time a kept-alive connection may idle, or leave its response unread")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3'600'000u));
  app.add_option("--workers", o.pool.workers, "Worker threads, one libuv loop each")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--state-dir", o.state_dir,
                 "Directory where deployed functions survive restarts (off: in memory only)");
  app.add_option("--auth-token-file", o.auth_token_file,
                 "Require 'authorization: Bearer <token>' with the token in this file")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-cert", o.tls_cert, "Server certificate (PEM); enables TLS")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", o.tls_key, "Server private key (PEM)")->check(CLI::ExistingFile);
  app.add_option("--tls-client-ca", o.tls_client_ca, "Require client certificates from this CA")
      ->check(CLI::ExistingFile);
  app.add_option("--log-format", o.log_format, "Log lines as text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--drain-grace-ms", o.drain_grace_ms,
                 "On SIGTERM, how long running invocations may take to finish")
      ->capture_default_str();
  app.add_option("--default-cpu-ms", o.pool.default_limits.cpu_ms,
                 "CPU limit of functions that set none")
      ->capture_default_str();
  app.add_option("--default-memory-mb", o.pool.default_limits.memory_mb,
                 "Memory limit of functions that set none")
      ->capture_default_str();
  app.add_option("--default-timeout-ms", o.pool.default_limits.timeout_ms,
                 "Wall-clock limit of functions that set none")
      ->capture_default_str();
  app.add_option("--max-cpu-ms", o.pool.max_limits.cpu_ms, "Highest CPU limit a deploy may ask")
      ->capture_default_str();
  app.add_option("--max-memory-mb", o.pool.max_limits.memory_mb,
                 "Highest memory limit a deploy may ask")
      ->capture_default_str();
  app.add_option("--max-timeout-ms", o.pool.max_limits.timeout_ms,
                 "Highest wall-clock limit a deploy may ask")
      ->capture_default_str();
  app.add_option("--boot-cpu-ms", o.pool.boot_cpu_ms,
                 "CPU a function's top-level code may use when it is loaded")
      ->capture_default_str()
      ->check(CLI::Range(1u, 600'000u));
  app.add_option("--boot-timeout-ms", o.pool.boot_timeout_ms,
                 "Wall-clock time a function's top-level code may take when it is loaded")
      ->capture_default_str()
      ->check(CLI::Range(1u, 600'000u));
  app.add_option("--wedge-grace-ms", o.pool.wedge_grace_ms,
                 "How long a terminated function may keep its worker before the worker is "
                 "reported wedged (no new work, gRPC health NOT_SERVING)")
      ->capture_default_str()
      ->check(CLI::Range(10u, 600'000u));
  app.add_option("--isolate-memory-budget-mb", o.pool.isolate_memory_budget_mb,
                 "Memory all pooled isolates may hold; past it the least recently used idle "
                 "isolates go (0: no budget)")
      ->capture_default_str();
  app.add_option("--isolate-page-retain-mb", o.pool.isolate_page_retain_mb,
                 "Memory of disposed isolates kept for the next ones to boot into without "
                 "page faults (0: give it back to the OS at once)")
      ->capture_default_str();
  app.add_option("--isolate-page-stock-mb", o.pool.isolate_page_stock_mb,
                 "Of the retained memory, heap pages mapped ahead of need while idle, so that "
                 "boots beyond what disposals give back do not page-fault (0: none)")
      ->capture_default_str();
  app.add_option("--isolate-page-protection", o.pool.isolate_page_protection,
                 "What isolate memory that V8 believes inaccessible is: 'strict' (PROT_NONE, "
                 "so every access faults; cold starts 2-4x slower on VMs with shadow page "
                 "tables) or 'fast' (kept regions stay read-write, zeroed; guard pages and "
                 "decommitted pages still fault)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, PageProtection>{
          {"fast", PageProtection::kFast}, {"strict", PageProtection::kStrict}}))
      ->default_str("fast");
  app.add_option("--code-cache", o.pool.code_cache,
                 "Make a V8 code cache of a function after its first invocation in a generic "
                 "isolate and load later isolates from it (false: compile from source each time)")
      ->capture_default_str();
  app.add_option("--reserve-per-worker", o.pool.reserve_per_worker,
                 "Pre-booted blank isolates each worker keeps for cold starts")
      ->capture_default_str();
  app.add_option("--prime-snapshot-isolates", o.pool.prime_snapshot_isolates,
                 "After a cold start of a function with a snapshot, create its next isolate "
                 "(without the function's context) ahead of the next cold start")
      ->capture_default_str();
  app.add_option("--snapshot-threshold-ms", o.pool.snapshot_threshold_ms,
                 "Top-level CPU time from which a function deployed with the automatic "
                 "snapshot policy boots from a snapshot of its own")
      ->capture_default_str();
  app.add_option("--max-inflight-per-worker", o.scheduler.max_inflight_per_worker,
                 "Invocations one worker may hold before new ones are refused")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--max-response-bytes", o.pool.max_response_body_bytes,
                 "Largest response body a function may return")
      ->capture_default_str();
  app.add_option("--max-request-bytes", o.request_caps.max_request_body_bytes,
                 "Largest request body accepted")
      ->capture_default_str();
  app.add_option("--max-source-bytes", o.deploy_caps.max_source_bytes,
                 "Largest function source accepted")
      ->capture_default_str();
  app.add_option("--max-function-labels", o.max_function_labels,
                 "Distinct function label values in metrics before 'other'")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!o.state_dir.empty()) o.pool.snapshot_cache_dir = o.state_dir + "/snapshots";
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    std::cerr << "hearth-agent: --tls-cert and --tls-key go together\n";
    return 2;
  }
  if (!o.tls_client_ca.empty() && o.tls_cert.empty()) {
    std::cerr << "hearth-agent: --tls-client-ca needs --tls-cert and --tls-key\n";
    return 2;
  }
  return o;
}

}  // namespace hearth
