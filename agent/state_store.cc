#include "agent/state_store.h"

#include <errno.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "agent/durable_file.h"
#include "agent/sealed_record.h"
#include "common/status_macros.h"

namespace hearth {
namespace fs = std::filesystem;

namespace {

constexpr absl::string_view kDeploySuffix = ".deploy";
constexpr absl::string_view kQuarantineSuffix = ".quarantine";

std::string DeployFile(absl::string_view name) { return absl::StrCat(name, kDeploySuffix); }
std::string QuarantineFile(absl::string_view name) { return absl::StrCat(name, kQuarantineSuffix); }

// The state dir itself: created private when we create it; one given by the operator keeps
// the mode they chose (its contents are private either way).
absl::Status MakeStateDir(const std::string& dir) {
  if (fs::is_directory(dir)) return absl::OkStatus();
  std::error_code error;
  const fs::path parent = fs::path(dir).parent_path();
  if (!parent.empty()) fs::create_directories(parent, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", parent.string(), ": ", error.message()));
  }
  return MakePrivateDirectory(dir);
}

absl::StatusOr<UniqueFd> LockStateDir(const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/lock");
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  // The lock dies with the process (kill -9 included), so a restart never finds it stale.
  if (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(
        errno == EWOULDBLOCK ? absl::StrCat("state dir ", dir, " is in use by another hearth-agent")
                             : absl::StrCat("cannot lock ", path, ": ", std::strerror(errno)));
  }
  return fd;
}

}  // namespace

absl::StatusOr<StateStore> StateStore::Open(const std::string& dir) {
  const std::string functions = (fs::path(dir) / "functions").string();
  absl::Status made = MakeStateDir(dir);
  if (made.ok()) made = MakePrivateDirectory(functions);
  if (!made.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("state dir: ", made.message()));
  }
  HEARTH_ASSIGN_OR_RETURN(UniqueFd lock, LockStateDir(dir));
  StateStore store(dir, functions, std::move(lock));
  HEARTH_RETURN_IF_ERROR(store.SweepLeftovers());
  return store;
}

absl::Status StateStore::SweepLeftovers() const {
  std::error_code error;
  bool removed = false;
  for (const fs::directory_entry& entry : fs::directory_iterator(functions_dir_, error)) {
    const std::string file = entry.path().filename().string();
    const std::string path = entry.path().string();
    absl::string_view name = file;
    // A write cut short by a crash, before its rename: the old file (if any) is intact.
    const bool temporary = IsTemporaryFile(file);
    // A quarantine whose function was removed (a crash between the two unlinks of Remove).
    const bool orphan = absl::ConsumeSuffix(&name, kQuarantineSuffix) &&
                        !fs::exists(fs::path(functions_dir_) / DeployFile(name));
    if (temporary || orphan) {
      spdlog::info("state dir: removing leftover {}", path);
      if (unlink(path.c_str()) != 0) {
        return absl::InternalError(absl::StrCat("cannot remove ", path, ": ", strerror(errno)));
      }
      removed = true;
      continue;
    }
    // Files written by an agent that did not make them private.
    if (chmod(path.c_str(), 0600) != 0) {
      return absl::InternalError(absl::StrCat("cannot chmod 0600 ", path, ": ", strerror(errno)));
    }
  }
  if (error) {
    return absl::InternalError(absl::StrCat("cannot list ", functions_dir_, ": ", error.message()));
  }
  return removed ? SyncDirectory(functions_dir_) : absl::OkStatus();
}

absl::Status StateStore::Save(const v1::DeployRequest& request) const {
  std::string payload;
  if (!request.SerializeToString(&payload)) {
    return absl::InternalError(absl::StrCat("cannot serialize the deploy of ", request.name()));
  }
  return WriteFileDurably(functions_dir_, DeployFile(request.name()), Seal(payload));
}

absl::Status StateStore::Remove(const std::string& name) const {
  // The function first: a crash in between leaves an orphan quarantine, which Open() sweeps;
  // the other order could leave the function restored without its quarantine.
  HEARTH_RETURN_IF_ERROR(RemoveFileDurably(functions_dir_, DeployFile(name)));
  return RemoveFileDurably(functions_dir_, QuarantineFile(name));
}

absl::Status StateStore::Quarantine(const std::string& name, const std::string& reason) const {
  if (!fs::exists(fs::path(functions_dir_) / DeployFile(name))) {
    return absl::NotFoundError(absl::StrCat("function '", name, "' is not in the state dir"));
  }
  return WriteFileDurably(functions_dir_, QuarantineFile(name), Seal(reason));
}

absl::Status StateStore::LiftQuarantine(const std::string& name) const {
  return RemoveFileDurably(functions_dir_, QuarantineFile(name));
}

absl::StatusOr<SavedFunction> StateStore::Load(const std::string& name) const {
  const std::string path = (fs::path(functions_dir_) / DeployFile(name)).string();
  HEARTH_ASSIGN_OR_RETURN(std::string contents, ReadWholeFile(path));
  SavedFunction saved;
  if (!LooksSealed(contents) && !contents.empty() && contents[0] == '\n') {
    // Written before files were sealed: a bare DeployRequest, whose first byte is the tag
    // of `name` (field 1, length-delimited). Accepted so that an upgrade keeps its functions;
    // the next deploy of the name seals it.
    if (!saved.request.ParseFromString(contents)) {
      return absl::DataLossError(absl::StrCat(path, ": damaged (unsealed, does not parse)"));
    }
  } else {
    absl::StatusOr<std::string> payload = Unseal(contents);
    if (!payload.ok())
      return absl::DataLossError(absl::StrCat(path, ": ", payload.status().message()));
    if (!saved.request.ParseFromString(*payload)) {
      return absl::DataLossError(absl::StrCat(path, ": damaged (checksum ok, does not parse)"));
    }
  }
  if (saved.request.name() != name) {
    return absl::DataLossError(
        absl::StrCat(path, ": holds the deploy of '", saved.request.name(), "', not '", name, "'"));
  }

  const std::string quarantine = (fs::path(functions_dir_) / QuarantineFile(name)).string();
  if (fs::exists(quarantine)) {
    absl::StatusOr<std::string> reason = ReadWholeFile(quarantine);
    if (reason.ok()) reason = Unseal(*reason);
    // A damaged quarantine still quarantines: restoring the function could crash the agent.
    saved.quarantine_reason =
        reason.ok() && !reason->empty()
            ? *std::move(reason)
            : "the agent crashed while it ran (the quarantine record is damaged)";
  }
  return saved;
}

std::vector<absl::StatusOr<SavedFunction>> StateStore::LoadAll() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(functions_dir_, error)) {
    // Owned here: filename() is a temporary, a view of it would dangle.
    const std::string filename = entry.path().filename().string();
    absl::string_view file = filename;
    if (!IsTemporaryFile(file) && absl::ConsumeSuffix(&file, kDeploySuffix)) {
      names.emplace_back(file);
    }
  }
  std::vector<absl::StatusOr<SavedFunction>> loaded;
  if (error) {
    loaded.push_back(
        absl::InternalError(absl::StrCat("cannot list ", functions_dir_, ": ", error.message())));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) loaded.push_back(Load(name));
  return loaded;
}

}  // namespace hearth
