// Confinement of the snapshot builder child (snapshot_builder_child.h), which runs a
// function's untrusted top level in a SnapshotCreator isolate. The child confines itself,
// in this order, so that each step still has what it needs:
//
//   1. CloseInheritedDescriptors   first thing: only stdin/stdout/stderr (its pipes) remain
//   2. ApplyBuilderLimits          once the request is read: memory, CPU, files, core dumps
//   3. DropBuilderPrivileges       before V8 starts threads: uid/gid, capabilities, no new
//                                  privileges, not dumpable
//   4. (V8 starts, the SnapshotCreator isolate and its context are made)
//   5. LockDownBuilder             just before the top level runs: no new processes and a
//                                  seccomp filter that kills the process on any system call
//                                  outside what V8 needs to run JavaScript and serialize
//
// The parent starts it with an empty environment and O_CLOEXEC descriptors
// (snapshot_builder_process.cc), and reads a death by one of these limits with
// DescribeBuilderDeath. docs/ARCHITECTURE.md ("What the snapshot builder can reach") says
// what is left.
//
// Thread: the child side runs on the child's main thread (steps 1-3 before any other thread
// exists); the parent side from any thread.
#ifndef HEARTH_ISOLATE_POOL_BUILDER_SANDBOX_H_
#define HEARTH_ISOLATE_POOL_BUILDER_SANDBOX_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hearth {

// Who the builder runs as when the agent runs as root.
struct BuilderIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
};

// `user`: a user name or a numeric uid; empty means the agent's own (no change). Looked up
// once by the parent (the child cannot read /etc/passwd after it has dropped privileges,
// and should not need to). An error names the user when it does not exist.
absl::StatusOr<std::optional<BuilderIdentity>> ResolveBuilderIdentity(const std::string& user);

// The builder's whole environment: "TZ=<the agent's time zone>". Nothing else of the
// agent's environment reaches it. The time zone is there because the builder cannot read
// it from /etc/localtime once locked down: without TZ, glibc re-checks that file on every
// tzset() (ICU calls it when a top level first formats a date), and ICU looks for the zone
// by reading files; with TZ set to an Olson ID, ICU takes it from its built-in data and
// glibc reads the zone once, before the lock-down. Made from the agent's TZ, or the target
// of /etc/localtime, or UTC.
std::string BuilderTimeZoneVariable();

struct BuilderLimits {
  uint64_t address_space_bytes = 0;  // RLIMIT_AS; 0: none (sanitizer builds)
  uint64_t data_bytes = 0;           // RLIMIT_DATA; 0: none
  uint64_t cpu_seconds = 0;          // RLIMIT_CPU soft limit (SIGXCPU); hard one second later
  uint64_t open_files = 0;           // RLIMIT_NOFILE
};

// What a build of a function with `memory_mb` of heap and `cpu_budget_ms` of top-level CPU
// may use (see builder_sandbox.cc for the measurements behind the overheads).
BuilderLimits BuilderLimitsFor(uint32_t memory_mb, uint32_t cpu_budget_ms);

// Step 1: closes every descriptor above stderr.
absl::Status CloseInheritedDescriptors();
// Step 2: the limits above, plus no core dumps and no file writes (RLIMIT_FSIZE 0: the
// pipes are not files).
absl::Status ApplyBuilderLimits(const BuilderLimits& limits);
// Step 3: when running as root with an identity, becomes it (no supplementary groups, all
// capabilities gone, bounding set emptied); in every case sets PR_SET_NO_NEW_PRIVS and
// makes the process non-dumpable (no ptrace attach or /proc/<pid>/mem by same-uid peers).
absl::Status DropBuilderPrivileges(const std::optional<BuilderIdentity>& identity);
// Step 5: RLIMIT_NPROC 0 and the seccomp filter, on every thread of the process (V8's
// platform threads exist by now). After it, a forbidden system call kills the whole process
// with SIGSYS.
absl::Status LockDownBuilder();

// The deploy's error for a builder that died of `wait_status` without a result; nothing
// when its death says nothing more than "it crashed" (the caller's generic message, with the
// last line the child wrote to stderr, then applies).
std::optional<absl::Status> DescribeBuilderDeath(int wait_status);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_BUILDER_SANDBOX_H_
