// hearth-agent: the node agent. Parses flags, starts the server, prints one line when
// ready, and drains on SIGTERM or SIGINT (refuse new work, finish running work within
// --drain-grace-ms, exit 0).
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <variant>

#include "absl/synchronization/mutex.h"
#include "agent/agent_options.h"
#include "agent/agent_server.h"
#include "isolate_pool/isolate_pool.h"
#include "isolate_pool/snapshot_builder_child.h"

namespace {

void SetUpLogging(const std::string& format) {
  auto logger = spdlog::stderr_logger_mt("hearth");
  if (format == "json") {
    // Messages are ours (no quotes or control characters), so a pattern is valid JSON.
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  }
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
#ifdef NDEBUG
  // Debian builds abseil without NDEBUG, so every absl::Mutex lock also updates a
  // process-wide lock-order graph under one global lock: a cost on every invocation and a
  // point where all workers meet. Release builds skip it; debug and sanitizer builds keep
  // it, and the test suite runs those.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  // The agent also serves as its own snapshot builder (a child process per build).
  if (std::optional<int> exit_code = hearth::RunSnapshotBuilderIfAsked(argc, argv)) {
    return *exit_code;
  }
  std::variant<hearth::AgentOptions, int> parsed = hearth::ParseAgentOptions(argc, argv);
  if (const int* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const hearth::AgentOptions& options = std::get<hearth::AgentOptions>(parsed);
  SetUpLogging(options.log_format);

  // Block the stop signals before any thread starts, so that every thread inherits the mask
  // and only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto server = hearth::AgentServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "hearth-agent: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  const std::string grpc_host = options.grpc_listen.substr(0, options.grpc_listen.rfind(':'));
  const std::string metrics_host =
      options.metrics_listen.substr(0, options.metrics_listen.rfind(':'));
  std::printf("hearth-agent ready grpc=%s:%d metrics=%s:%d workers=%d functions=%zu v8=%s\n",
              grpc_host.c_str(), (*server)->grpc_port(), metrics_host.c_str(),
              (*server)->metrics_port(), options.pool.workers, (*server)->restored_functions(),
              hearth::IsolatePool::V8Version().c_str());
  if ((*server)->http_port() != 0) {
    // A line of its own: readers of the first line keep working.
    std::printf("hearth-agent http=%s:%d\n",
                options.http.listen.substr(0, options.http.listen.rfind(':')).c_str(),
                (*server)->http_port());
  }
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}; draining (grace {} ms)", strsignal(signal_number),
               options.drain_grace_ms);
  (*server)->Drain(options.drain_grace_ms);
  spdlog::info("drained; exiting");
  spdlog::shutdown();
  std::fflush(nullptr);
  // Everything that matters is done (invocations answered, state written). Tearing down
  // the metrics exposer would only wait out civetweb's 2 s poll quantum, so skip it.
  std::_Exit(0);
}
