#include "isolate_pool/builder_sandbox.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hearth {
namespace {

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("snapshot builder sandbox: ", what, ": ", std::strerror(errno)));
}

absl::Status SetLimit(int resource, rlim_t soft, rlim_t hard, absl::string_view name) {
  const rlimit limit{soft, hard};
  if (setrlimit(resource, &limit) != 0) return Errno(absl::StrCat("setrlimit(", name, ")"));
  return absl::OkStatus();
}

// What a builder maps beyond the function's heap, measured as the child's VmPeak and
// VmData (sampled from /proc/<pid>/status every few ms during `hearthctl deploy
// --snapshot always` of the examples, memory_mb 32 and 128; tools: /tmp scripts, numbers in
// docs/ARCHITECTURE.md):
//   examples/hello.js: VmPeak ~250 MiB, VmData ~11 MiB (libnode and ICU mapped, V8's
//                      128 MiB code range reserved, one stack per thread);
//   examples/heavy.js (a ~5 MB object graph): VmPeak ~470 MiB, VmData ~46 MiB.
// The limits leave room for four (address space) and three (data) times the heap on top of
// a fixed part with a margin: the near-heap-limit callback doubles the limit to let the
// top level unwind, new space and the serializer take copies, and a SnapshotCreator
// allocates ArrayBuffers with malloc, outside the heap limit. They are a backstop that
// turns a runaway builder into a failed allocation, not the verdict on the function's
// memory (the heap limit and the child's final check are).
constexpr uint64_t kAddressSpaceFixedBytes = uint64_t{512} << 20;
constexpr uint64_t kAddressSpaceHeapFactor = 4;
constexpr uint64_t kDataFixedBytes = uint64_t{256} << 20;
constexpr uint64_t kDataHeapFactor = 3;

// CPU of all the builder's threads: the top level's budget, half as much again for V8's
// background threads (concurrent marking and compilation), and what it spends outside the
// top level (start-up, serialization, writing the blob: ~0.3 s for hello.js, well under a
// second for heavy.js) with a wide margin.
constexpr uint64_t kCpuOverheadSeconds = 5;

// Descriptors: stdin, stdout, stderr, plus what libc and V8 may open before the lock-down.
constexpr uint64_t kOpenFiles = 16;

bool RunningUnderAddressSanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#endif
#endif
  return false;
}

// The system calls a builder makes once its isolate and context exist: running JavaScript
// (V8's heap and JIT: mmap/mprotect/madvise..., its platform threads: futex...), the
// execution watchdog's thread (timed waits, CPU clocks; it may still be starting: robust
// list, rseq, its name), serializing the blob, writing it to stdout and exiting. Found with
// `strace -f` on builds of the examples and of the tests' functions (see
// docs/ARCHITECTURE.md, "What the snapshot builder can reach"). Everything else kills the
// process, except the file probes below.
constexpr int kAllowed[] = {
    SCMP_SYS(brk),
    SCMP_SYS(mmap),
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(mprotect),
    SCMP_SYS(madvise),
    SCMP_SYS(futex),
    SCMP_SYS(sched_yield),
    SCMP_SYS(sched_getaffinity),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(getrandom),
    SCMP_SYS(gettid),
    SCMP_SYS(getpid),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(sigaltstack),
    SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
};

// Opening or looking up a file fails with an error instead of killing the process: V8 and
// the libraries under it probe files lazily, from code any top level reaches. V8 asks
// sysconf(_SC_NPROCESSORS_ONLN) while compiling, which opens
// /sys/devices/system/cpu/online (glibc then falls back to sched_getaffinity); ICU stats
// /usr/share/zoneinfo-icu/ when a top level first formats a date in a named zone. Killing
// on those would fail well-behaved functions at random; with the error nothing is opened
// and nothing is learnt (every path reads as absent or forbidden).
constexpr int kFileProbes[] = {
    SCMP_SYS(open),       SCMP_SYS(openat),    SCMP_SYS(openat2),    SCMP_SYS(creat),
    SCMP_SYS(stat),       SCMP_SYS(lstat),     SCMP_SYS(newfstatat), SCMP_SYS(statx),
    SCMP_SYS(access),     SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(readlink),
    SCMP_SYS(readlinkat),
};

}  // namespace

absl::StatusOr<std::optional<BuilderIdentity>> ResolveBuilderIdentity(const std::string& user) {
  if (user.empty()) return std::nullopt;
  std::vector<char> buffer(16 << 10);
  passwd entry;
  passwd* found = nullptr;
  uint32_t uid = 0;
  const int error = absl::SimpleAtoi(user, &uid)
                        ? getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found)
                        : getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    if (absl::SimpleAtoi(user, &uid)) {
      // A uid without a passwd entry is fine (containers): its own number as group.
      return BuilderIdentity{.uid = uid, .gid = uid};
    }
    return absl::InvalidArgumentError(
        absl::StrCat("snapshot builder user '", user,
                     "' does not exist: ", error != 0 ? std::strerror(error) : "no such user"));
  }
  return BuilderIdentity{.uid = found->pw_uid, .gid = found->pw_gid};
}

std::string BuilderTimeZoneVariable() {
  static const std::string variable = [] {
    const char* tz = getenv("TZ");
    if (tz != nullptr && *tz != '\0') return absl::StrCat("TZ=", tz);
    char target[PATH_MAX];
    const ssize_t length = readlink("/etc/localtime", target, sizeof(target) - 1);
    if (length > 0) {
      const absl::string_view path(target, static_cast<size_t>(length));
      constexpr absl::string_view kZoneInfo = "zoneinfo/";
      const size_t at = path.rfind(kZoneInfo);
      if (at != absl::string_view::npos) {
        return absl::StrCat("TZ=", path.substr(at + kZoneInfo.size()));
      }
    }
    return std::string("TZ=UTC");
  }();
  return variable;
}

BuilderLimits BuilderLimitsFor(uint32_t memory_mb, uint32_t cpu_budget_ms) {
  const uint64_t heap = uint64_t{memory_mb} << 20;
  BuilderLimits limits;
  // AddressSanitizer reserves terabytes of shadow memory, which both limits count: sanitizer
  // builds go without these backstops (the heap limit and the final check still hold).
  if (!RunningUnderAddressSanitizer()) {
    limits.address_space_bytes = kAddressSpaceFixedBytes + kAddressSpaceHeapFactor * heap;
    limits.data_bytes = kDataFixedBytes + kDataHeapFactor * heap;
  }
  limits.cpu_seconds = (uint64_t{cpu_budget_ms} * 3 / 2 + 999) / 1000 + kCpuOverheadSeconds;
  limits.open_files = kOpenFiles;
  return limits;
}

absl::Status CloseInheritedDescriptors() {
  if (syscall(SYS_close_range, STDERR_FILENO + 1, ~0U, 0) != 0) {
    return Errno("close_range");
  }
  return absl::OkStatus();
}

absl::Status ApplyBuilderLimits(const BuilderLimits& limits) {
  if (limits.address_space_bytes != 0) {
    if (absl::Status s = SetLimit(RLIMIT_AS, limits.address_space_bytes, limits.address_space_bytes,
                                  "RLIMIT_AS");
        !s.ok()) {
      return s;
    }
  }
  if (limits.data_bytes != 0) {
    if (absl::Status s = SetLimit(RLIMIT_DATA, limits.data_bytes, limits.data_bytes, "RLIMIT_DATA");
        !s.ok()) {
      return s;
    }
  }
  // Soft: SIGXCPU, whose default action ends the process; hard: SIGKILL a second later.
  if (absl::Status s =
          SetLimit(RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 1, "RLIMIT_CPU");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          SetLimit(RLIMIT_NOFILE, limits.open_files, limits.open_files, "RLIMIT_NOFILE");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = SetLimit(RLIMIT_FSIZE, 0, 0, "RLIMIT_FSIZE"); !s.ok()) return s;
  return SetLimit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE");
}

absl::Status DropBuilderPrivileges(const std::optional<BuilderIdentity>& identity) {
  if (geteuid() == 0 && identity.has_value()) {
    // Emptied while we still hold CAP_SETPCAP; the uid change below clears the permitted,
    // effective and ambient sets (no SECBIT_KEEP_CAPS), and no exec can raise them again.
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap) {
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return Errno("PR_CAPBSET_DROP");
    }
    if (setgroups(0, nullptr) != 0) return Errno("setgroups");
    if (setresgid(identity->gid, identity->gid, identity->gid) != 0) return Errno("setresgid");
    if (setresuid(identity->uid, identity->uid, identity->uid) != 0) return Errno("setresuid");
    // Make sure: a process that could get root back is not confined.
    if (setresuid(0, 0, 0) == 0 || geteuid() == 0) {
      return absl::InternalError("snapshot builder sandbox: root could be regained");
    }
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Errno("PR_SET_NO_NEW_PRIVS");
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return Errno("PR_SET_DUMPABLE");
  return absl::OkStatus();
}

absl::Status LockDownBuilder() {
  // Meaningful when the builder does not run as root (root ignores it); the filter below
  // forbids new processes either way.
  if (geteuid() != 0) {
    if (absl::Status s = SetLimit(RLIMIT_NPROC, 0, 0, "RLIMIT_NPROC"); !s.ok()) return s;
  }
  scmp_filter_ctx filter = seccomp_init(SCMP_ACT_KILL_PROCESS);
  if (filter == nullptr) return absl::InternalError("snapshot builder sandbox: seccomp_init");
  struct Release {
    scmp_filter_ctx filter;
    ~Release() { seccomp_release(filter); }
  } release{filter};
  // All threads: V8's platform threads and the watchdog run code the top level can reach
  // (concurrent compilation, GC).
  int rc = seccomp_attr_set(filter, SCMP_FLTATR_CTL_TSYNC, 1);
  for (int call : kAllowed) {
    if (rc == 0) rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 0);
  }
  for (int call : kFileProbes) {
    if (rc == 0) rc = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EACCES), call, 0);
  }
  // A thread naming itself (the watchdog's, if it starts late); no other prctl.
  if (rc == 0) {
    rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
                          SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(PR_SET_NAME)));
  }
  // Output goes to stdout (the result) and stderr (V8's fatal messages) only.
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    if (rc == 0)
      rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
                            SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(fd)));
  }
  // abort() (V8's FATAL) raises SIGABRT at itself: allowed so that such a death reads as
  // what it is, not as a forbidden call. Its own process only.
  if (rc == 0) {
    rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
                          SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(getpid())));
  }
  if (rc != 0) {
    return absl::InternalError(absl::StrCat(
        "snapshot builder sandbox: building the seccomp filter: ", std::strerror(-rc)));
  }
  if (int loaded = seccomp_load(filter); loaded != 0) {
    return absl::InternalError(
        absl::StrCat("snapshot builder sandbox: seccomp_load: ", std::strerror(-loaded)));
  }
  return absl::OkStatus();
}

std::optional<absl::Status> DescribeBuilderDeath(int wait_status) {
  if (!WIFSIGNALED(wait_status)) return std::nullopt;
  switch (WTERMSIG(wait_status)) {
    case SIGSYS:
      // A compromised or misbehaving top level: refuse the function (not a fallback to
      // generic isolates, which would run the same code inside the agent).
      return absl::InvalidArgumentError(
          "the snapshot builder was killed by SIGSYS: the top level tried a forbidden system "
          "call");
    case SIGXCPU:
      return absl::OutOfRangeError(
          "the snapshot builder was killed by SIGXCPU: the build exceeded its CPU limit");
    default:
      return std::nullopt;
  }
}

}  // namespace hearth
