// hearthctl rm NAME: undeploys a function. Invocations already running finish.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "sdk/hearthctl/commands.h"

namespace hearth::ctl {
namespace {

int RunRm(CommandContext& context, const std::string& name) {
  const std::string what = absl::StrCat("rm ", name);
  absl::StatusOr<const client::AgentClient*> client = context.Client();
  if (!client.ok()) return context.Fail(what, client.status());
  absl::StatusOr<v1::UndeployResponse> response = (*client)->Undeploy(name);
  if (!response.ok()) return context.Fail(what, response.status());
  if (context.json()) {
    CommandContext::PrintJson({{"removed", name}});
  } else {
    std::cout << "removed " << name << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddRmCommand(CLI::App& app, CommandContext& context) {
  auto name = std::make_unique<std::string>();
  CLI::App* command = app.add_subcommand("rm", "Remove (undeploy) a function");
  command->add_option("name", *name, "Function name")->required();
  context.SetAction(command, [&context, name = std::move(name)] { return RunRm(context, *name); });
}

}  // namespace hearth::ctl
