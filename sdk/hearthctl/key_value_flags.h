// The repeatable "--env K=V" and "--header K:V" flags: parsing, and the CLI11 validators
// that turn a malformed value into a usage error before anything is sent.
#ifndef HEARTH_SDK_HEARTHCTL_KEY_VALUE_FLAGS_H_
#define HEARTH_SDK_HEARTHCTL_KEY_VALUE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hearth::ctl {

// "K=V", split at the first '='. The key must not be empty; the value may be, and is kept
// byte for byte (spaces included).
absl::StatusOr<std::pair<std::string, std::string>> ParseEnvFlag(absl::string_view flag);

// "Name: value", split at the first ':', whitespace around both trimmed as in HTTP.
absl::StatusOr<std::pair<std::string, std::string>> ParseHeaderFlag(absl::string_view flag);

CLI::Validator EnvFlagValidator();
CLI::Validator HeaderFlagValidator();

}  // namespace hearth::ctl

#endif  // HEARTH_SDK_HEARTHCTL_KEY_VALUE_FLAGS_H_
