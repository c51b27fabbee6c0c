// hearthctl describe NAME: one function's version, limits, pool settings and counters.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "sdk/hearthctl/commands.h"
#include "sdk/hearthctl/json_format.h"
#include "sdk/hearthctl/text_format.h"

namespace hearth::ctl {
namespace {

int RunDescribe(CommandContext& context, const std::string& name) {
  const std::string what = absl::StrCat("describe ", name);
  absl::StatusOr<const client::AgentClient*> client = context.Client();
  if (!client.ok()) return context.Fail(what, client.status());
  absl::StatusOr<v1::FunctionInfo> info = (*client)->GetFunction(name);
  if (!info.ok()) return context.Fail(what, info.status());
  if (context.json()) {
    CommandContext::PrintJson(FunctionInfoToJson(*info));
  } else {
    std::cout << FormatFunctionInfo(*info);
  }
  return kExitOk;
}

}  // namespace

void AddDescribeCommand(CLI::App& app, CommandContext& context) {
  auto name = std::make_unique<std::string>();
  CLI::App* command = app.add_subcommand("describe", "Show one deployed function");
  command->add_option("name", *name, "Function name")->required();
  context.SetAction(command,
                    [&context, name = std::move(name)] { return RunDescribe(context, *name); });
}

}  // namespace hearth::ctl
