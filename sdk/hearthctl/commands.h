// hearthctl's commands. Each Add*Command adds one subcommand to the app, with its flags, and
// declares its action on the context; main.cc calls them in the order --help lists them.
#ifndef HEARTH_SDK_HEARTHCTL_COMMANDS_H_
#define HEARTH_SDK_HEARTHCTL_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/hearthctl/command_context.h"

namespace hearth::ctl {

void AddDeployCommand(CLI::App& app, CommandContext& context);
void AddInvokeCommand(CLI::App& app, CommandContext& context);
void AddListCommand(CLI::App& app, CommandContext& context);
void AddDescribeCommand(CLI::App& app, CommandContext& context);
void AddRmCommand(CLI::App& app, CommandContext& context);
void AddHealthCommand(CLI::App& app, CommandContext& context);
void AddBenchCommand(CLI::App& app, CommandContext& context);

}  // namespace hearth::ctl

#endif  // HEARTH_SDK_HEARTHCTL_COMMANDS_H_
