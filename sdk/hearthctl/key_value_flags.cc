#include "sdk/hearthctl/key_value_flags.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hearth::ctl {
namespace {

// CLI11 validators report an error by returning a non-empty message.
template <typename Parse>
CLI::Validator ValidatorFor(Parse parse) {
  return CLI::Validator(
      [parse](std::string& value) -> std::string {
        absl::StatusOr<std::pair<std::string, std::string>> parsed = parse(value);
        return parsed.ok() ? "" : std::string(parsed.status().message());
      },
      // No description: the option's type name (KEY=VALUE, NAME:VALUE) already says it.
      "");
}

}  // namespace

absl::StatusOr<std::pair<std::string, std::string>> ParseEnvFlag(absl::string_view flag) {
  const size_t equals = flag.find('=');
  if (equals == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("'", flag, "' is not KEY=VALUE"));
  }
  if (equals == 0) return absl::InvalidArgumentError(absl::StrCat("'", flag, "' has no key"));
  return std::pair(std::string(flag.substr(0, equals)), std::string(flag.substr(equals + 1)));
}

absl::StatusOr<std::pair<std::string, std::string>> ParseHeaderFlag(absl::string_view flag) {
  const size_t colon = flag.find(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("'", flag, "' is not NAME:VALUE"));
  }
  absl::string_view name = absl::StripAsciiWhitespace(flag.substr(0, colon));
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat("'", flag, "' has no name"));
  return std::pair(std::string(name),
                   std::string(absl::StripAsciiWhitespace(flag.substr(colon + 1))));
}

CLI::Validator EnvFlagValidator() { return ValidatorFor(ParseEnvFlag); }

CLI::Validator HeaderFlagValidator() { return ValidatorFor(ParseHeaderFlag); }

}  // namespace hearth::ctl
