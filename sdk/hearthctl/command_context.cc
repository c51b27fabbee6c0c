#include "sdk/hearthctl/command_context.h"

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "sdk/hearthctl/input_files.h"

namespace hearth::ctl {
namespace {

// CLI::PositiveNumber's message prints DBL_MAX in full; this one says what is wrong.
CLI::Validator PositiveSeconds() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        double seconds = 0;
        if (!absl::SimpleAtod(value, &seconds) || !(seconds > 0)) {
          return absl::StrCat("'", value, "' is not a positive number of seconds");
        }
        return "";
      },
      "POSITIVE");
}

}  // namespace

void CommandContext::AddGlobalFlags(CLI::App& app) {
  // Global flags live on the top-level app; fallthrough lets "hearthctl list --agent X"
  // hand them up from the subcommand, as users expect of per-command flags.
  app.fallthrough();
  app.add_option("--agent", agent_, "Address of the agent's gRPC listener")
      ->envname("HEARTH_AGENT")
      ->type_name("HOST:PORT")
      ->capture_default_str();
  app.add_option("-o,--output", output_, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->type_name("FORMAT")
      ->capture_default_str();
  app.add_option("--timeout", timeout_seconds_, "Deadline of the call to the agent")
      ->check(PositiveSeconds())
      ->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--auth-token-file", auth_token_file_,
                 "Send 'authorization: Bearer <token>' with the token in this file")
      ->type_name("FILE");
  app.add_option("--tls-ca", tls_ca_, "Use TLS; the agent's certificate must chain to this CA")
      ->type_name("FILE");
  CLI::Option* cert =
      app.add_option("--tls-cert", tls_cert_, "Client certificate (agents with --tls-client-ca)")
          ->type_name("FILE");
  CLI::Option* key =
      app.add_option("--tls-key", tls_key_, "Key of the client certificate")->type_name("FILE");
  cert->needs(key);
  key->needs(cert);
}

void CommandContext::SetAction(const CLI::App* command, absl::AnyInvocable<int()> action) {
  actions_.emplace_back(command, std::move(action));
}

int CommandContext::RunChosen(const CLI::App& app) {
  for (const CLI::App* chosen : app.get_subcommands()) {
    for (auto& [command, action] : actions_) {
      if (command == chosen) return action();
    }
  }
  // require_subcommand(1) makes this unreachable unless a command forgot its action.
  std::cerr << "hearthctl: no command given\n";
  return kExitUsage;
}

absl::StatusOr<client::ClientOptions> CommandContext::BuildClientOptions() const {
  client::ClientOptions options;
  options.target = agent_;
  options.timeout = absl::Seconds(timeout_seconds_);
  options.tls_ca_file = tls_ca_;
  options.tls_cert_file = tls_cert_;
  options.tls_key_file = tls_key_;
  if (!auth_token_file_.empty()) {
    HEARTH_ASSIGN_OR_RETURN(std::string token, ReadFileToString(auth_token_file_));
    // Token files usually end with a newline; the agent strips its copy the same way.
    options.auth_token = std::string(absl::StripAsciiWhitespace(token));
    if (options.auth_token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--auth-token-file '", auth_token_file_, "' is empty"));
    }
  }
  return options;
}

absl::StatusOr<const client::AgentClient*> CommandContext::Client() {
  if (client_ == nullptr) {
    HEARTH_ASSIGN_OR_RETURN(client::ClientOptions options, BuildClientOptions());
    HEARTH_ASSIGN_OR_RETURN(client_, client::AgentClient::Connect(options));
  }
  return client_.get();
}

int CommandContext::Fail(std::string_view what, const absl::Status& status) const {
  std::cerr << "hearthctl: " << what << ": " << status.message() << " ("
            << absl::StatusCodeToString(status.code()) << ")\n";
  return kExitError;
}

void CommandContext::PrintJson(const nlohmann::ordered_json& document) {
  // Strings from the agent are valid UTF-8 (proto3 guarantees it); bodies that are not
  // are base64-encoded before they get here. `replace` is a last resort, never a throw.
  std::cout << document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
            << '\n';
  std::cout.flush();
}

}  // namespace hearth::ctl
