#include "sdk/hearthctl/input_files.h"

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hearth::ctl {
namespace {

absl::Status ReadError(const std::string& name, int error) {
  std::string message = absl::StrCat("cannot read '", name, "': ", std::strerror(error));
  return error == ENOENT ? absl::NotFoundError(message) : absl::FailedPreconditionError(message);
}

}  // namespace

absl::StatusOr<std::string> ReadAll(std::FILE* stream, const std::string& name) {
  std::string contents;
  char buffer[64 * 1024];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), stream)) > 0) contents.append(buffer, n);
  if (std::ferror(stream)) return ReadError(name, errno);
  return contents;
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return ReadError(path, errno);
  absl::StatusOr<std::string> contents = ReadAll(file, path);
  std::fclose(file);
  return contents;
}

}  // namespace hearth::ctl
