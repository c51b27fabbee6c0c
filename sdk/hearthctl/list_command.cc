// hearthctl list: the functions deployed on the agent, sorted by name.
#include <algorithm>
#include <iostream>
#include <vector>

#include "sdk/hearthctl/commands.h"
#include "sdk/hearthctl/json_format.h"
#include "sdk/hearthctl/text_format.h"

namespace hearth::ctl {
namespace {

int RunList(CommandContext& context) {
  absl::StatusOr<const client::AgentClient*> client = context.Client();
  if (!client.ok()) return context.Fail("list", client.status());
  absl::StatusOr<v1::ListFunctionsResponse> response = (*client)->ListFunctions();
  if (!response.ok()) return context.Fail("list", response.status());

  // The agent's order is unspecified; a stable one makes output diffable.
  std::vector<const v1::FunctionInfo*> functions;
  for (const v1::FunctionInfo& info : response->functions()) functions.push_back(&info);
  std::sort(
      functions.begin(), functions.end(),
      [](const v1::FunctionInfo* a, const v1::FunctionInfo* b) { return a->name() < b->name(); });
  if (context.json()) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const v1::FunctionInfo* info : functions) array.push_back(FunctionInfoToJson(*info));
    CommandContext::PrintJson(array);
  } else {
    std::cout << FormatFunctionTable(functions);
  }
  return kExitOk;
}

}  // namespace

void AddListCommand(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("list", "List the deployed functions");
  context.SetAction(command, [&context] { return RunList(context); });
}

}  // namespace hearth::ctl
