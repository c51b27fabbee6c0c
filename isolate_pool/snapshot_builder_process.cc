#include "isolate_pool/snapshot_builder_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/clock.h"
#include "isolate_pool/blob_digest.h"
#include "isolate_pool/builder_sandbox.h"
#include "isolate_pool/snapshot_builder_child.h"

namespace hearth {
namespace {

constexpr size_t kStderrKept = 4096;

// The result message around the blob: its verdict text, digest and lengths.
constexpr size_t kResultOverheadBytes = 64 << 10;

// Closes a descriptor once, when its owner goes.
class Fd {
 public:
  Fd() = default;
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

absl::Status MakePipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  read_end->Reset(fds[0]);
  write_end->Reset(fds[1]);
  return absl::OkStatus();
}

std::string LastLine(std::string text) {
  absl::string_view view = absl::StripTrailingAsciiWhitespace(text);
  const size_t newline = view.rfind('\n');
  if (newline != absl::string_view::npos) view.remove_prefix(newline + 1);
  return std::string(view);
}

}  // namespace

absl::StatusOr<SnapshotBuildResult> RunSnapshotBuilderProcess(const std::string& builder_path,
                                                              const SnapshotBuildRequest& request,
                                                              int64_t deadline_us) {
  Fd stdin_read, stdin_write, stdout_read, stdout_write, stderr_read, stderr_write;
  if (absl::Status s = MakePipe(&stdin_read, &stdin_write); !s.ok()) return s;
  if (absl::Status s = MakePipe(&stdout_read, &stdout_write); !s.ok()) return s;
  if (absl::Status s = MakePipe(&stderr_read, &stderr_write); !s.ok()) return s;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stdout_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stderr_write.get(), STDERR_FILENO);
  // The agent's listening sockets and files are none of the child's business: every
  // descriptor of ours is O_CLOEXEC, and this closes the rest (a library's that is not).
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  // The agent blocks its stop signals in every thread; the child starts with none blocked
  // and default dispositions.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::string path = builder_path;
  std::string arg = kSnapshotBuilderArg;
  char* argv[] = {path.data(), arg.data(), nullptr};
  // The agent's environment (tokens, paths, the operator's settings) is none of the top
  // level's business: the builder gets only its time zone (BuilderTimeZoneVariable).
  std::string time_zone = BuilderTimeZoneVariable();
  char* environment[] = {time_zone.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, path.c_str(), &actions, &attributes, argv, environment);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    return absl::InternalError(
        absl::StrCat("cannot start the snapshot builder ", path, ": ", std::strerror(spawned)));
  }
  stdin_read.Close();
  stdout_write.Close();
  stderr_write.Close();
  for (const Fd* fd : {&stdin_write, &stdout_read, &stderr_read}) {
    fcntl(fd->get(), F_SETFL, fcntl(fd->get(), F_GETFL) | O_NONBLOCK);
  }

  const std::string input = EncodeSnapshotBuildRequest(request);
  size_t written = 0;
  std::string output, errors;
  bool out_open = true, err_open = true, timed_out = false, too_large = false;
  const size_t max_output = request.max_blob_bytes == 0
                                ? std::numeric_limits<size_t>::max()
                                : request.max_blob_bytes + kResultOverheadBytes;
  while ((out_open || err_open) && !too_large) {
    const int64_t left_us = deadline_us - MonotonicMicros();
    if (left_us <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    nfds_t count = 0;
    if (out_open) fds[count++] = {stdout_read.get(), POLLIN, 0};
    if (err_open) fds[count++] = {stderr_read.get(), POLLIN, 0};
    if (stdin_write.get() >= 0) fds[count++] = {stdin_write.get(), POLLOUT, 0};
    const int ready =
        poll(fds, count, static_cast<int>(std::min<int64_t>(left_us / 1000 + 1, 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < count && ready > 0; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == stdin_write.get()) {
        const ssize_t n = write(stdin_write.get(), input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<size_t>(n);
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
          stdin_write.Close();  // Done, or the child stopped reading (it will say why).
        }
        continue;
      }
      std::string& sink = fds[i].fd == stdout_read.get() ? output : errors;
      char buffer[64 << 10];
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        sink.append(buffer, static_cast<size_t>(n));
        if (&sink == &output && output.size() > max_output) too_large = true;
        if (&sink == &errors && errors.size() > 2 * kStderrKept) {
          errors.erase(0, errors.size() - kStderrKept);
        }
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        (fds[i].fd == stdout_read.get() ? out_open : err_open) = false;
      }
    }
  }
  if (timed_out || too_large) kill(pid, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return absl::DeadlineExceededError("top-level code did not finish in time");
  if (too_large) {
    return absl::ResourceExhaustedError(absl::StrCat("the function's snapshot is over the cap of ",
                                                     request.max_blob_bytes, " bytes"));
  }

  absl::StatusOr<SnapshotBuildResult> result = DecodeSnapshotBuildResult(output);
  if (result.ok()) {
    if (!result->status.ok()) {
      result->blob.clear();  // A verdict against the top level carries no blob.
      return result;
    }
    if (request.max_blob_bytes != 0 && result->blob.size() > request.max_blob_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("the function's snapshot is ", result->blob.size(),
                       " bytes, over the cap of ", request.max_blob_bytes, " bytes"));
    }
    // Once, here, as it enters the agent; never again per isolate (blob_digest.h).
    if (absl::Status verified =
            VerifyBlobDigest(result->blob, result->blob_sha256, "the snapshot from the builder");
        !verified.ok()) {
      return verified;
    }
    return result;
  }
  if (std::optional<absl::Status> death = DescribeBuilderDeath(wait_status)) return *death;
  std::string how = WIFSIGNALED(wait_status)
                        ? absl::StrCat("was killed by signal ", WTERMSIG(wait_status))
                        : absl::StrCat("exited with status ", WEXITSTATUS(wait_status));
  const std::string last = LastLine(std::move(errors));
  return absl::InternalError(absl::StrCat("the snapshot builder ", how, " without a result",
                                          last.empty() ? "" : ": ", last));
}

}  // namespace hearth
