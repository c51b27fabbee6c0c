// Reading the user's inputs: function sources, request bodies, token files, stdin.
#ifndef HEARTH_SDK_HEARTHCTL_INPUT_FILES_H_
#define HEARTH_SDK_HEARTHCTL_INPUT_FILES_H_

#include <cstdio>
#include <string>

#include "absl/status/statusor.h"

namespace hearth::ctl {

// The whole file, bytes as they are. The error names the path and the OS's reason.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Everything until end of file.
absl::StatusOr<std::string> ReadAll(std::FILE* stream, const std::string& name);

}  // namespace hearth::ctl

#endif  // HEARTH_SDK_HEARTHCTL_INPUT_FILES_H_
