// hearthctl: the command-line client of hearth-agent (PRODUCT.md section 3).
//
// Adding a command: write foo_command.cc with AddFooCommand (see commands.h) and add one
// line below.
#include <CLI/CLI.hpp>

#include "sdk/hearthctl/command_context.h"
#include "sdk/hearthctl/commands.h"

int main(int argc, char** argv) {
  namespace ctl = hearth::ctl;
  CLI::App app("Deploy and invoke JavaScript functions on a hearth-agent.", "hearthctl");
  app.footer(
      "Exit codes: 0 OK, 1 agent or input error, 2 usage error, 3 the function's outcome is "
      "not OUTCOME_OK (invoke).");
  ctl::CommandContext context;
  context.AddGlobalFlags(app);

  ctl::AddDeployCommand(app, context);
  ctl::AddInvokeCommand(app, context);
  ctl::AddListCommand(app, context);
  ctl::AddDescribeCommand(app, context);
  ctl::AddRmCommand(app, context);
  ctl::AddHealthCommand(app, context);
  ctl::AddBenchCommand(app, context);

  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // app.exit prints help (exit 0) or CLI11's message; every parse failure is a usage error.
    return app.exit(error) == 0 ? ctl::kExitOk : ctl::kExitUsage;
  }
  return context.RunChosen(app);
}
