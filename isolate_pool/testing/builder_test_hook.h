// What a compromised top level could try, run by test builders in place of the top level
// when the function's name asks for it (SetSnapshotBuilderTestHook): JavaScript itself has
// no way to make these system calls, which is the point.
#ifndef HEARTH_ISOLATE_POOL_TESTING_BUILDER_TEST_HOOK_H_
#define HEARTH_ISOLATE_POOL_TESTING_BUILDER_TEST_HOOK_H_

#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace hearth::testing_hooks {

// Function names that make the builder misbehave once confined.
inline constexpr char kOpensAFile[] = "misbehave-open";
inline constexpr char kOpensASocket[] = "misbehave-socket";
inline constexpr char kForks[] = "misbehave-fork";
inline constexpr char kExecs[] = "misbehave-exec";
inline constexpr char kPtraces[] = "misbehave-ptrace";
inline constexpr char kSpinsOutsideJavaScript[] = "misbehave-spin";

inline void MisbehaveAsNamed(const std::string& name) {
  if (name == kOpensAFile) {
    // Refused with an error, not killed (builder_sandbox.cc says why): a file that opens
    // would be the failure, which abort() reports.
    if (open("/etc/hostname", O_RDONLY | O_CLOEXEC) >= 0 ||
        openat(AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC) >= 0) {
      abort();
    }
  } else if (name == kOpensASocket) {
    close(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  } else if (name == kForks) {
    if (fork() == 0) _exit(0);
  } else if (name == kExecs) {
    char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
    char* envp[] = {nullptr};
    execve("/bin/true", argv, envp);
  } else if (name == kPtraces) {
    ptrace(PTRACE_ATTACH, 1, nullptr, nullptr);
  } else if (name == kSpinsOutsideJavaScript) {
    // Native code the watchdog cannot interrupt (TerminateExecution stops JavaScript only):
    // RLIMIT_CPU ends it.
    volatile unsigned long spins = 0;
    for (;;) spins = spins + 1;
  }
}

}  // namespace hearth::testing_hooks

#endif  // HEARTH_ISOLATE_POOL_TESTING_BUILDER_TEST_HOOK_H_
