// hearthctl health: the agent's grpc.health.v1 status. Exits 0 only when it is SERVING, so
// scripts can poll it to wait for readiness (or see a drain begin).
#include <iostream>

#include "sdk/hearthctl/commands.h"

namespace hearth::ctl {
namespace {

int RunHealth(CommandContext& context) {
  absl::StatusOr<const client::AgentClient*> client = context.Client();
  if (!client.ok()) return context.Fail("health", client.status());
  if (absl::Status status = (*client)->HealthCheck(); !status.ok()) {
    return context.Fail("health", status);
  }
  if (context.json()) {
    CommandContext::PrintJson({{"status", "SERVING"}});
  } else {
    std::cout << "SERVING\n";
  }
  return kExitOk;
}

}  // namespace

void AddHealthCommand(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("health", "Check that the agent is serving");
  context.SetAction(command, [&context] { return RunHealth(context); });
}

}  // namespace hearth::ctl
