// What every hearthctl command shares: the global flags and the agent connection built
// from them, the output mode, error reporting and the exit codes. Each command lives in its
// own file and registers itself with an Add*Command function (commands.h).
#ifndef HEARTH_SDK_HEARTHCTL_COMMAND_CONTEXT_H_
#define HEARTH_SDK_HEARTHCTL_COMMAND_CONTEXT_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "sdk/client/agent_client.h"

namespace hearth::ctl {

// Exit codes; scripts rely on them, so they only ever gain members.
inline constexpr int kExitOk = 0;
// The agent refused or could not be reached, or a local input could not be read.
inline constexpr int kExitError = 1;
// The command line is wrong (CLI11's message on stderr).
inline constexpr int kExitUsage = 2;
// invoke: the function ran and its outcome is not OUTCOME_OK.
inline constexpr int kExitOutcome = 3;

// Thread: main thread only (hearthctl has no other).
class CommandContext {
 public:
  // Adds the flags every command accepts (--agent, --output, --timeout, ...). They are
  // accepted before or after the command name.
  void AddGlobalFlags(CLI::App& app);

  // Declares what runs when `command` is the subcommand chosen on the command line. Actions
  // run after parsing succeeded, so a usage error never reaches the agent.
  void SetAction(const CLI::App* command, absl::AnyInvocable<int()> action);
  // Runs the chosen subcommand's action and returns its exit code.
  int RunChosen(const CLI::App& app);

  bool json() const { return output_ == "json"; }

  // The connection to the agent, made on first use from the global flags.
  absl::StatusOr<const client::AgentClient*> Client();

  // Writes "hearthctl: <what>: <message> (<CODE>)" to stderr and returns kExitError.
  // `what` names the command and its subject, e.g. "deploy hello".
  int Fail(std::string_view what, const absl::Status& status) const;

  // Writes one JSON document and a newline to stdout.
  static void PrintJson(const nlohmann::ordered_json& document);

 private:
  absl::StatusOr<client::ClientOptions> BuildClientOptions() const;

  std::string agent_ = "127.0.0.1:7070";
  std::string output_ = "text";
  double timeout_seconds_ = 30;
  std::string auth_token_file_;
  std::string tls_ca_;
  std::string tls_cert_;
  std::string tls_key_;

  std::unique_ptr<client::AgentClient> client_;
  std::vector<std::pair<const CLI::App*, absl::AnyInvocable<int()>>> actions_;
};

}  // namespace hearth::ctl

#endif  // HEARTH_SDK_HEARTHCTL_COMMAND_CONTEXT_H_
