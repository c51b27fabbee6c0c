// AgentOptions: every setting of hearth-agent, from flags and an optional config file
// (PRODUCT.md section 3). ParseAgentOptions handles --help and errors the CLI11 way.
#ifndef HEARTH_AGENT_AGENT_OPTIONS_H_
#define HEARTH_AGENT_AGENT_OPTIONS_H_

#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "agent/function_spec_builder.h"
#include "agent/http_listener_options.h"
#include "agent/request_validation.h"
#include "isolate_pool/isolate_pool_options.h"
#include "scheduler/scheduler.h"

namespace hearth {

struct AgentOptions {
  std::string grpc_listen = "127.0.0.1:7070";
  std::string metrics_listen = "127.0.0.1:9464";
  std::string state_dir;  // Empty: functions live in memory only.
  std::string auth_token_file;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string log_format = "text";
  uint32_t drain_grace_ms = 10'000;
  size_t max_function_labels = 1000;
  HttpListenerOptions http;  // http.listen empty: off.
  IsolatePoolOptions pool;
  SchedulerOptions scheduler;
  DeployCaps deploy_caps;
  RequestCaps request_caps;
};

// Parses argv. Returns the options, or an exit code when the process should stop now
// (--help printed: 0; a usage error printed: non-zero).
std::variant<AgentOptions, int> ParseAgentOptions(int argc, char** argv);

}  // namespace hearth

#endif  // HEARTH_AGENT_AGENT_OPTIONS_H_
