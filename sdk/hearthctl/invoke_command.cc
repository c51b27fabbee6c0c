// hearthctl invoke NAME [--data STR | --data-file F | stdin] [request flags] [--verbose]
//
// Text output is the response body, raw; JSON output is the whole InvokeResponse. A function
// outcome other than OUTCOME_OK exits with kExitOutcome, in both modes.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "sdk/hearthctl/commands.h"
#include "sdk/hearthctl/input_files.h"
#include "sdk/hearthctl/invoke_request.h"
#include "sdk/hearthctl/json_format.h"
#include "sdk/hearthctl/key_value_flags.h"
#include "sdk/hearthctl/text_format.h"

namespace hearth::ctl {
namespace {

struct InvokeCommand {
  InvokeFlags flags;
  std::string data;
  std::string data_file;
  bool verbose = false;
  const CLI::Option* data_option = nullptr;
  const CLI::Option* data_file_option = nullptr;
};

// The request body: --data, --data-file, or stdin when it is not a terminal (so that
// `echo hi | hearthctl invoke f` works and a bare `hearthctl invoke f` does not hang).
absl::StatusOr<std::optional<std::string>> ReadBody(const InvokeCommand& command) {
  if (command.data_option->count() > 0) return command.data;
  if (command.data_file_option->count() > 0) return ReadFileToString(command.data_file);
  if (isatty(STDIN_FILENO)) return std::nullopt;
  absl::StatusOr<std::string> input = ReadAll(stdin, "stdin");
  if (!input.ok()) return input.status();
  // An empty stdin (e.g. </dev/null) is no data, so the method stays GET.
  if (input->empty()) return std::nullopt;
  return *std::move(input);
}

int RunInvoke(CommandContext& context, const InvokeCommand& command) {
  const std::string what = absl::StrCat("invoke ", command.flags.name);
  absl::StatusOr<std::optional<std::string>> body = ReadBody(command);
  if (!body.ok()) return context.Fail(what, body.status());
  const v1::InvokeRequest request = BuildInvokeRequest(command.flags, *std::move(body));

  absl::StatusOr<const client::AgentClient*> client = context.Client();
  if (!client.ok()) return context.Fail(what, client.status());
  absl::StatusOr<v1::InvokeResponse> response = (*client)->Invoke(request);
  if (!response.ok()) return context.Fail(what, response.status());

  const bool ok = response->outcome() == v1::OUTCOME_OK;
  if (context.json()) {
    CommandContext::PrintJson(InvokeResponseToJson(*response));
  } else {
    if (command.verbose) std::cerr << FormatInvokeDetails(*response) << std::flush;
    if (ok) {
      const std::string& out = response->response().body();
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
    }
  }
  if (ok) return kExitOk;
  std::cerr << "hearthctl: " << what << ": " << v1::Outcome_Name(response->outcome()) << ": "
            << response->error() << "\n";
  return kExitOutcome;
}

}  // namespace

void AddInvokeCommand(CLI::App& app, CommandContext& context) {
  auto state = std::make_unique<InvokeCommand>();
  CLI::App* command =
      app.add_subcommand("invoke", "Invoke a function once and print its response body");
  command->footer(
      "Without --data or --data-file the body is read from stdin when stdin is not a "
      "terminal.\nExit codes: 0 OK, 1 agent or input error, 2 usage error, 3 the function's "
      "outcome "
      "is not OUTCOME_OK.");
  InvokeFlags& flags = state->flags;
  command->add_option("name", flags.name, "Function to invoke")->required();
  CLI::Option* data =
      command->add_option("-d,--data", state->data, "Request body")->type_name("STR");
  CLI::Option* data_file =
      command->add_option("--data-file", state->data_file, "Read the request body from this file")
          ->type_name("FILE");
  data->excludes(data_file);
  state->data_option = data;
  state->data_file_option = data_file;
  command
      ->add_option("-X,--method", flags.method,
                   "HTTP method (default: POST with a body, GET without)")
      ->type_name("METHOD");
  command->add_option("--path", flags.path, "Request URL path and query, or an absolute URL")
      ->type_name("PATH")
      ->capture_default_str();
  command->add_option("-H,--header", flags.headers, "Request header, repeatable")
      ->type_name("NAME:VALUE")
      ->allow_extra_args(false)
      ->check(HeaderFlagValidator());
  command->add_flag("--cold", flags.cold,
                    "Force a cold start: run in an isolate that never ran this function");
  command->add_option("--id", flags.id, "Invocation id, echoed in the response")->type_name("ID");
  command->add_flag("-v,--verbose", state->verbose,
                    "Write status, headers, execution report and logs to stderr");
  context.SetAction(command,
                    [&context, state = std::move(state)] { return RunInvoke(context, *state); });
}

}  // namespace hearth::ctl
