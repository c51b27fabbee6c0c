// hearthctl deploy NAME FILE.js [limits] [pool settings] [--env K=V]...
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sdk/hearthctl/commands.h"
#include "sdk/hearthctl/input_files.h"
#include "sdk/hearthctl/json_format.h"
#include "sdk/hearthctl/key_value_flags.h"
#include "sdk/hearthctl/text_format.h"

namespace hearth::ctl {
namespace {

struct DeployFlags {
  std::string name;
  std::string file;
  std::vector<std::string> env;
  // Limits and pool settings; 0 leaves the choice to the agent.
  uint32_t cpu_ms = 0, memory_mb = 0, timeout_ms = 0;
  uint32_t min_warm = 0, max_isolates = 0, idle_ttl_ms = 0, max_invocations_per_isolate = 0;
  v1::SnapshotPolicy snapshot = v1::SNAPSHOT_AUTO;
};

int RunDeploy(CommandContext& context, const DeployFlags& flags) {
  const std::string what = absl::StrCat("deploy ", flags.name);
  absl::StatusOr<std::string> source = ReadFileToString(flags.file);
  if (!source.ok()) return context.Fail(what, source.status());

  v1::DeployRequest request;
  request.set_name(flags.name);
  request.set_source(*std::move(source));
  v1::Limits& limits = *request.mutable_limits();
  limits.set_cpu_ms(flags.cpu_ms);
  limits.set_memory_mb(flags.memory_mb);
  limits.set_timeout_ms(flags.timeout_ms);
  v1::PoolSettings& pool = *request.mutable_pool();
  pool.set_min_warm(flags.min_warm);
  pool.set_max_isolates(flags.max_isolates);
  pool.set_idle_ttl_ms(flags.idle_ttl_ms);
  pool.set_max_invocations_per_isolate(flags.max_invocations_per_isolate);
  request.set_snapshot(flags.snapshot);
  for (const std::string& flag : flags.env) {
    // Validated at parse time; a repeated key keeps its last value.
    auto [key, value] = *ParseEnvFlag(flag);
    (*request.mutable_env())[key] = value;
  }

  absl::StatusOr<const client::AgentClient*> client = context.Client();
  if (!client.ok()) return context.Fail(what, client.status());
  absl::StatusOr<v1::DeployResponse> response = (*client)->Deploy(request);
  if (!response.ok()) return context.Fail(what, response.status());
  if (context.json()) {
    CommandContext::PrintJson(DeployResponseToJson(flags.name, *response));
  } else {
    std::cout << FormatDeployed(flags.name, *response);
  }
  return kExitOk;
}

}  // namespace

void AddDeployCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_unique<DeployFlags>();
  CLI::App* command =
      app.add_subcommand("deploy", "Deploy a function, or a new version of an existing one");
  command->add_option("name", flags->name, "Function name ([a-zA-Z0-9_-], 1 to 64 characters)")
      ->required();
  command->add_option("file", flags->file, "The function's ES module source")
      ->required()
      ->type_name("FILE.js");
  const auto add_u32 = [command](const char* name, uint32_t& value, const char* help) {
    command->add_option(name, value, absl::StrCat(help, " (0: the agent's default)"))
        ->type_name("N");
  };
  add_u32("--cpu-ms", flags->cpu_ms, "CPU time one invocation may use");
  add_u32("--memory-mb", flags->memory_mb, "Heap limit of each isolate");
  add_u32("--timeout-ms", flags->timeout_ms, "Wall-clock limit of one invocation");
  add_u32("--min-warm", flags->min_warm, "Isolates kept warm while idle");
  add_u32("--max-isolates", flags->max_isolates, "Most isolates of this function at once");
  add_u32("--idle-ttl-ms", flags->idle_ttl_ms, "How long an idle isolate is kept");
  add_u32("--max-invocations-per-isolate", flags->max_invocations_per_isolate,
          "Invocations after which an isolate is replaced");
  command
      ->add_option("--snapshot", flags->snapshot,
                   "Boot isolates from a snapshot taken after the top level ran at deploy: "
                   "auto (when the top level is expensive), always or never")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, v1::SnapshotPolicy>{{"auto", v1::SNAPSHOT_AUTO},
                                                    {"always", v1::SNAPSHOT_ALWAYS},
                                                    {"never", v1::SNAPSHOT_NEVER}}))
      ->default_str("auto");
  command->add_option("--env", flags->env, "Deploy-time variable, repeatable")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false)
      ->check(EnvFlagValidator());
  // The action owns the flags; the options above point into them.
  context.SetAction(command,
                    [&context, flags = std::move(flags)] { return RunDeploy(context, *flags); });
}

}  // namespace hearth::ctl
