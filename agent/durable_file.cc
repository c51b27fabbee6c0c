#include "agent/durable_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/unique_fd.h"

namespace hearth {
namespace {

// Temporary files start with a dot and this prefix, so that nothing that lists the directory
// for its own suffix (".deploy") ever mistakes one for a finished file.
constexpr absl::string_view kTemporaryPrefix = ".tmp-";

absl::Status ErrnoError(absl::string_view what, const std::string& path, int error) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(error)));
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("cannot write", path, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SyncDirectory(const std::string& dir) {
  const UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("cannot open directory", dir, errno);
  if (fsync(fd.get()) != 0) return ErrnoError("cannot fsync directory", dir, errno);
  return absl::OkStatus();
}

absl::Status WriteFileDurably(const std::string& dir, const std::string& name,
                              absl::string_view contents) {
  const std::string path = absl::StrCat(dir, "/", name);
  std::string temporary = absl::StrCat(dir, "/", kTemporaryPrefix, name, "-XXXXXX");
  // mkostemp creates the file 0600 and O_EXCL: the name is ours alone, so concurrent writes
  // of one name never write into each other's file.
  UniqueFd fd(mkostemp(temporary.data(), O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("cannot create a temporary file for", path, errno);
  absl::Status status = WriteAll(fd.get(), contents, temporary);
  if (status.ok() && fsync(fd.get()) != 0) status = ErrnoError("cannot fsync", temporary, errno);
  if (status.ok() && fd.Reset() != 0) status = ErrnoError("cannot close", temporary, errno);
  if (status.ok() && rename(temporary.c_str(), path.c_str()) != 0) {
    status = ErrnoError("cannot rename into place", path, errno);
  }
  if (!status.ok()) {
    unlink(temporary.c_str());
    return status;
  }
  return SyncDirectory(dir);
}

absl::Status RemoveFileDurably(const std::string& dir, const std::string& name) {
  const std::string path = absl::StrCat(dir, "/", name);
  if (unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return ErrnoError("cannot remove", path, errno);
  }
  return SyncDirectory(dir);
}

absl::Status MakePrivateDirectory(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) == 0) {
    const std::string parent = std::filesystem::path(dir).parent_path().string();
    return SyncDirectory(parent.empty() ? "." : parent);
  }
  if (errno != EEXIST) return ErrnoError("cannot create directory", dir, errno);
  // Created by an older agent with the default mode: tighten it.
  if (chmod(dir.c_str(), 0700) != 0) return ErrnoError("cannot chmod 0700", dir, errno);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("cannot open", path, errno);
  std::string contents;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("cannot read", path, errno);
    if (n == 0) break;
    contents.append(buffer, static_cast<size_t>(n));
  }
  return contents;
}

bool IsTemporaryFile(absl::string_view name) { return absl::StartsWith(name, kTemporaryPrefix); }

}  // namespace hearth
