#include "tests/agent_process.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace hearth::testing {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& args, const std::string& input) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return {};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  pid_t pid;
  std::vector<char*> argv = Argv(args);
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  CommandResult result;
  if (spawned != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    result.err = absl::StrCat("cannot spawn ", args[0]);
    return result;
  }
  // Feed stdin and drain both outputs together, so no pipe fills up and blocks the child.
  size_t written = 0;
  if (input.empty()) close(in[1]), in[1] = -1;
  pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
  int open_outputs = 2;
  while (open_outputs > 0) {
    fds[2].fd = in[1];
    if (poll(fds, 3, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      char buffer[65536];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_outputs;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, n);
      }
    }
    if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += n;
      if (n <= 0 || written == input.size()) close(in[1]), in[1] = -1;
    }
  }
  if (in[1] >= 0) close(in[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = ExitCodeOf(status);
  return result;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "hearth-test-XXXXXX").string();
  path_ = mkdtemp(pattern.data());
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

absl::StatusOr<std::unique_ptr<AgentProcess>> AgentProcess::Start(
    const std::vector<std::string>& extra_args, const std::string& log_file) {
  std::vector<std::string> args = {AgentBinary(), "--grpc-listen", "127.0.0.1:0",
                                   "--metrics-listen", "127.0.0.1:0"};
  // Two workers unless the test says how many.
  if (std::find(extra_args.begin(), extra_args.end(), "--workers") == extra_args.end()) {
    args.insert(args.end(), {"--workers", "2"});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (!log_file.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
  }
  auto agent = std::unique_ptr<AgentProcess>(new AgentProcess());
  std::vector<char*> argv = Argv(args);
  const int spawned = posix_spawn(&agent->pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {
    close(out[0]);
    return absl::InternalError(absl::StrCat("cannot spawn ", args[0]));
  }
  // Read until the ready line (and the HTTP listener's, when asked for), with a deadline: a
  // broken agent fails the test, not hangs it.
  const bool http =
      std::find(extra_args.begin(), extra_args.end(), "--http-listen") != extra_args.end();
  static const std::regex kHttp(R"(hearth-agent http=\S+:(\d+)\n)");
  std::string seen;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto complete = [&] {
    return seen.find('\n') != std::string::npos && (!http || std::regex_search(seen, kHttp));
  };
  while (!complete()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    pollfd fd = {out[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[4096];
    const ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    seen.append(buffer, n);
  }
  close(out[0]);  // Later stdout lines, if any, go nowhere (SIGPIPE is ignored by the agent).
  static const std::regex kReady(R"(hearth-agent ready grpc=\S+:(\d+) metrics=\S+:(\d+))");
  std::smatch match;
  if (!std::regex_search(seen, match, kReady)) {
    return absl::UnavailableError(absl::StrCat("agent did not become ready; printed: ", seen));
  }
  agent->ready_line_ = seen.substr(0, seen.find('\n'));
  agent->grpc_port_ = std::stoi(match[1]);
  agent->metrics_port_ = std::stoi(match[2]);
  if (http) {
    std::smatch http_match;
    if (!std::regex_search(seen, http_match, kHttp)) {
      return absl::UnavailableError(absl::StrCat("agent printed no HTTP port; printed: ", seen));
    }
    agent->http_port_ = std::stoi(http_match[1]);
  }
  return agent;
}

int AgentProcess::Stop() {
  if (pid_ < 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCodeOf(status);
}

void AgentProcess::Terminate() {
  if (pid_ >= 0) kill(pid_, SIGTERM);
}

absl::StatusOr<int> AgentProcess::WaitForExit(std::chrono::milliseconds timeout) {
  if (pid_ < 0) return absl::FailedPreconditionError("the agent was not running");
  // A pidfd becomes readable when the process exits: a wait with a deadline, no polling.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd < 0) return absl::InternalError("pidfd_open");
  pollfd fd = {pidfd, POLLIN, 0};
  const int ready = poll(&fd, 1, static_cast<int>(timeout.count()));
  close(pidfd);
  if (ready <= 0) {
    return absl::DeadlineExceededError(
        absl::StrCat("the agent still runs after ", timeout.count(), " ms"));
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCodeOf(status);
}

int AgentProcess::Kill(int signal) {
  if (pid_ < 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCodeOf(status);
}

AgentProcess::~AgentProcess() {
  if (pid_ < 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("curl_easy_init");
  std::string body;
  const std::string url = absl::StrCat("http://127.0.0.1:", port, path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* sink) {
        static_cast<std::string*>(sink)->append(data, size * count);
        return size * count;
      });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(curl);
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) return absl::UnavailableError(curl_easy_strerror(code));
  if (http_status != 200) return absl::UnavailableError(absl::StrCat("HTTP ", http_status));
  return body;
}

absl::StatusOr<double> ScrapeSum(int port, const std::string& metric, const std::string& labels) {
  absl::StatusOr<std::string> text = HttpGet(port, "/metrics");
  if (!text.ok()) return text.status();
  double sum = 0;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    const bool match =
        labels.empty() ? line.rfind(metric + " ", 0) == 0
                       : line.rfind(metric + "{", 0) == 0 && line.find(labels) != std::string::npos;
    if (match) sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

std::string AgentBinary() { return HEARTH_AGENT_BINARY; }
std::string HearthctlBinary() { return HEARTHCTL_BINARY; }
std::string ExamplePath(const std::string& name) {
  return absl::StrCat(HEARTH_SOURCE_DIR, "/examples/", name);
}

}  // namespace hearth::testing
