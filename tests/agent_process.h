// Test support: runs the real hearth-agent and hearthctl binaries as child processes.
#ifndef HEARTH_TESTS_AGENT_PROCESS_H_
#define HEARTH_TESTS_AGENT_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hearth::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` to completion with `input` on its stdin.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "");

// A temporary directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// hearth-agent on ephemeral ports, with 2 workers unless `extra_args` says --workers.
// Start() returns once it printed its ready line. Its log (stderr) goes to the test's stderr,
// or is appended to `log_file` when one is given.
class AgentProcess {
 public:
  static absl::StatusOr<std::unique_ptr<AgentProcess>> Start(
      const std::vector<std::string>& extra_args = {}, const std::string& log_file = "");
  ~AgentProcess();  // SIGKILL if still running.

  // SIGTERM, then wait. Returns the exit code (or 128 + signal).
  int Stop();
  // SIGTERM without waiting; then WaitForExit.
  void Terminate();
  // The exit code (or 128 + signal) once the agent has exited, or DeadlineExceeded if it
  // still runs after `timeout`.
  absl::StatusOr<int> WaitForExit(std::chrono::milliseconds timeout);

  // Sends `signal` (SIGKILL: a crash the agent cannot see coming), then waits. Returns the
  // exit code (or 128 + signal).
  int Kill(int signal);

  pid_t pid() const { return pid_; }
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  int http_port() const { return http_port_; }  // With --http-listen in extra_args.
  std::string grpc_target() const { return "127.0.0.1:" + std::to_string(grpc_port_); }
  const std::string& ready_line() const { return ready_line_; }

 private:
  pid_t pid_ = -1;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  int http_port_ = 0;
  std::string ready_line_;
};

// Fetches http://127.0.0.1:port/path; the body, or an error.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// Scrapes http://127.0.0.1:port/metrics as Prometheus does: the sum of every sample of
// `metric` whose labels include `labels` ("a=\"x\""; empty: the unlabelled sample), or
// the error of the scrape.
absl::StatusOr<double> ScrapeSum(int port, const std::string& metric, const std::string& labels);

// Paths of the binaries under test (set by CMake).
std::string AgentBinary();
std::string HearthctlBinary();
std::string ExamplePath(const std::string& name);

}  // namespace hearth::testing

#endif  // HEARTH_TESTS_AGENT_PROCESS_H_
