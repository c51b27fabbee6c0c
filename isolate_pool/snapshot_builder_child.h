// The snapshot builder's child side. A function's snapshot is built in a child process (the
// agent binary re-executed with one argument) so that nothing a function's top level does
// can take the agent down: V8 10.2 aborts the process on objects it cannot serialize, and
// a SnapshotCreator takes no heap limit or ArrayBuffer allocator of ours.
//
// Any binary that runs an IsolatePool calls RunSnapshotBuilderIfAsked first thing in main().
#ifndef HEARTH_ISOLATE_POOL_SNAPSHOT_BUILDER_CHILD_H_
#define HEARTH_ISOLATE_POOL_SNAPSHOT_BUILDER_CHILD_H_

#include <optional>
#include <string>

namespace hearth {

// The one argument that turns a binary into a snapshot builder.
inline constexpr char kSnapshotBuilderArg[] = "--hearth-internal-snapshot-builder";

// If argv is {program, kSnapshotBuilderArg}: reads a SnapshotBuildRequest on stdin, confines
// itself (builder_sandbox.h: limits, an unprivileged uid, a seccomp filter installed just
// before the top level runs), evaluates the function's module on top of the runtime
// snapshot under its budgets, writes a SnapshotBuildResult on stdout and returns the exit
// code. Otherwise returns nothing.
std::optional<int> RunSnapshotBuilderIfAsked(int argc, char** argv);

// For tests only: called in the child with the function's name once it is fully confined,
// just before the top level runs (as if the top level did what the hook does).
using BuilderTestHook = void (*)(const std::string& function_name);
void SetSnapshotBuilderTestHook(BuilderTestHook hook);

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_SNAPSHOT_BUILDER_CHILD_H_
