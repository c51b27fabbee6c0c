// Durable small files for the state dir: a write either lands whole or not at all, and is on
// disk (file and directory entry) when the call returns.
//
// A write goes to a unique temporary file in the same directory (created 0600: the files
// hold env values, which may be secrets), is fsynced, renamed over the target, and then the
// directory is fsynced so that the rename itself survives a power loss. A crash leaves the
// old file or the new one, plus at worst a temporary file that the owner sweeps at start-up
// (IsTemporaryFile).
//
// Thread: thread-safe (no shared state; concurrent writes of one name leave the last rename).
#ifndef HEARTH_AGENT_DURABLE_FILE_H_
#define HEARTH_AGENT_DURABLE_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hearth {

// Replaces `dir`/`name` with `contents`, mode 0600, durably.
absl::Status WriteFileDurably(const std::string& dir, const std::string& name,
                              absl::string_view contents);

// Removes `dir`/`name` durably. OK if it did not exist.
absl::Status RemoveFileDurably(const std::string& dir, const std::string& name);

// fsync of a directory: makes creations, renames and removals in it durable.
absl::Status SyncDirectory(const std::string& dir);

// Creates `dir` (mode 0700) if missing, and makes sure that it is 0700 if it exists.
// The parent's entry is synced when it is created.
absl::Status MakePrivateDirectory(const std::string& dir);

// The whole file.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// True for the name of a temporary file left by WriteFileDurably (a crash before its rename).
bool IsTemporaryFile(absl::string_view name);

}  // namespace hearth

#endif  // HEARTH_AGENT_DURABLE_FILE_H_
