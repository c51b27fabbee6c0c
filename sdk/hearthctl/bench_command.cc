// hearthctl bench NAME [--cold [--with-warm]|--warm] [-n COUNT | --duration S]
//                      [-c CONCURRENCY] [--interval-ms MS] [--json FILE] [--plot FILE.svg]
//                      [request flags as for invoke]
//
// Drives the agent with CONCURRENCY closed loops of unary Invoke calls over one channel
// and reports client-side latency with the agent's own phases (queue, boot, run). --cold
// sets force_cold on every request, so each one pays for a fresh isolate; --with-warm
// follows each one with a warm request and reports both (cold minus warm p50, same run).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "sdk/hearthctl/bench_report.h"
#include "sdk/hearthctl/commands.h"
#include "sdk/hearthctl/invoke_request.h"
#include "sdk/hearthctl/key_value_flags.h"

namespace hearth::ctl {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchCommand {
  InvokeFlags flags;
  std::string data;
  bool warm = false;
  bool with_warm = false;
  uint64_t count = 1000;
  double duration_s = 0;
  int concurrency = 1;
  double interval_ms = 0;
  std::string json_file;
  std::string plot_file;
  CLI::Option* count_option = nullptr;
  const CLI::Option* duration_option = nullptr;
  const CLI::Option* data_option = nullptr;
};

// Redraws one progress line on stderr, when stderr is a terminal.
void DrawProgress(uint64_t done, uint64_t total, double elapsed_s, double duration_s) {
  const double fraction = total > 0 ? static_cast<double>(done) / total
                                    : std::min(1.0, elapsed_s / std::max(duration_s, 1e-9));
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::fprintf(stderr, "\r[%s%s] %3.0f%%  %llu requests  %.0f req/s ",
               std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
               fraction * 100, static_cast<unsigned long long>(done),
               elapsed_s > 0 ? done / elapsed_s : 0.0);
  std::fflush(stderr);
}

BenchRun RunBench(const client::AgentClient& client, const BenchCommand& command,
                  const v1::InvokeRequest& request) {
  BenchRun run;
  run.function = command.flags.name;
  run.cold = request.force_cold();
  run.with_warm = run.cold && command.with_warm;
  run.concurrency = command.concurrency;
  v1::InvokeRequest warm_request = request;
  warm_request.set_force_cold(false);
  const uint64_t total = command.duration_option->count() > 0 ? 0 : command.count;
  std::atomic<uint64_t> tickets{0};
  std::atomic<uint64_t> finished{0};
  absl::Mutex mu;
  const Clock::time_point start = Clock::now();
  const Clock::time_point stop_at =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(total > 0 ? 1e9 : command.duration_s));

  // One invocation; false if it failed (RPC error or an outcome other than OK).
  auto invoke = [&](const v1::InvokeRequest& what, std::vector<BenchSample>& samples) {
    const Clock::time_point sent = Clock::now();
    absl::StatusOr<v1::InvokeResponse> response = client.Invoke(what);
    const double latency_us =
        std::chrono::duration<double, std::micro>(Clock::now() - sent).count();
    if (!response.ok() || response->outcome() != v1::OUTCOME_OK) return false;
    const v1::ExecutionReport& report = response->report();
    samples.push_back({latency_us, static_cast<double>(report.queue_us()),
                       static_cast<double>(report.boot_us()),
                       static_cast<double>(report.run_us())});
    return true;
  };
  auto loop = [&] {
    std::vector<BenchSample> samples, warm_samples;
    uint64_t errors = 0, warm_errors = 0;
    for (bool first = true;; first = false) {
      if (total > 0 ? tickets.fetch_add(1) >= total : Clock::now() >= stop_at) break;
      if (command.interval_ms > 0 && !first) {
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(command.interval_ms));
      }
      if (!invoke(request, samples)) ++errors;
      if (run.with_warm && !invoke(warm_request, warm_samples)) ++warm_errors;
      finished.fetch_add(1, std::memory_order_relaxed);
    }
    absl::MutexLock lock(&mu);
    run.samples.insert(run.samples.end(), samples.begin(), samples.end());
    run.errors += errors;
    run.warm_samples.insert(run.warm_samples.end(), warm_samples.begin(), warm_samples.end());
    run.warm_errors += warm_errors;
  };

  absl::Notification all_done;
  std::thread progress;
  if (isatty(STDERR_FILENO)) {
    progress = std::thread([&] {
      while (!all_done.WaitForNotificationWithTimeout(absl::Milliseconds(100))) {
        DrawProgress(finished.load(), total,
                     std::chrono::duration<double>(Clock::now() - start).count(),
                     command.duration_s);
      }
    });
  }
  std::vector<std::thread> loops;
  for (int i = 0; i < command.concurrency; ++i) loops.emplace_back(loop);
  for (std::thread& thread : loops) thread.join();
  run.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  all_done.Notify();
  if (progress.joinable()) {
    progress.join();
    DrawProgress(finished.load(), total, run.elapsed_s, command.duration_s);
    std::fprintf(stderr, "\n");
  }
  return run;
}

absl::Status WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::trunc);
  if (!out || !(out << contents) || !out.flush()) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

int RunBenchCommand(CommandContext& context, const BenchCommand& command) {
  const std::string what = absl::StrCat("bench ", command.flags.name);
  InvokeFlags flags = command.flags;
  flags.cold = !command.warm && command.flags.cold;
  std::optional<std::string> body;
  if (command.data_option->count() > 0) body = command.data;
  const v1::InvokeRequest request = BuildInvokeRequest(flags, std::move(body));

  absl::StatusOr<const client::AgentClient*> client = context.Client();
  if (!client.ok()) return context.Fail(what, client.status());
  // One call first: it fails fast on an unknown function, and a warm run starts warm.
  v1::InvokeRequest probe = request;
  probe.set_force_cold(false);
  absl::StatusOr<v1::InvokeResponse> first = (*client)->Invoke(probe);
  if (!first.ok()) return context.Fail(what, first.status());

  const BenchRun run = RunBench(**client, command, request);
  const nlohmann::ordered_json json = BenchRunToJson(run);
  if (!command.json_file.empty()) {
    if (absl::Status written = WriteFile(command.json_file, json.dump(2) + "\n"); !written.ok()) {
      return context.Fail(what, written);
    }
  }
  if (!command.plot_file.empty()) {
    if (absl::Status written = WriteFile(command.plot_file, BenchRunToSvg(run)); !written.ok()) {
      return context.Fail(what, written);
    }
  }
  if (context.json()) {
    CommandContext::PrintJson(json);
  } else {
    std::cout << FormatBenchRun(run) << std::flush;
  }
  if (run.samples.empty()) {
    return context.Fail(what, absl::UnavailableError("every request failed"));
  }
  return kExitOk;
}

}  // namespace

void AddBenchCommand(CLI::App& app, CommandContext& context) {
  auto state = std::make_unique<BenchCommand>();
  BenchCommand& c = *state;
  CLI::App* command = app.add_subcommand(
      "bench", "Measure a function's latency and throughput (warm or forced-cold)");
  command->add_option("NAME", c.flags.name, "Function to invoke")->required();
  auto* cold = command->add_flag("--cold", c.flags.cold, "Every request in a fresh isolate");
  command->add_flag("--warm", c.warm, "Reuse warm isolates (the default)")->excludes(cold);
  command
      ->add_flag("--with-warm", c.with_warm,
                 "With --cold: follow each cold request with a warm one and report both")
      ->needs(cold);
  c.count_option = command->add_option("-n,--count", c.count, "Requests to send")
                       ->capture_default_str()
                       ->check(CLI::PositiveNumber);
  c.duration_option =
      command->add_option("--duration", c.duration_s, "Send for this many seconds instead")
          ->check(CLI::PositiveNumber)
          ->excludes(c.count_option);
  command->add_option("-c,--concurrency", c.concurrency, "Requests in flight at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  command
      ->add_option("--interval-ms", c.interval_ms,
                   "Pause between one loop's requests (spaced cold starts, light load)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--json", c.json_file, "Also write the results as JSON to this file");
  command->add_option("--plot", c.plot_file, "Also write an SVG latency plot to this file");
  c.data_option = command->add_option("-d,--data", c.data, "Request body");
  command->add_option("-X,--method", c.flags.method, "HTTP method");
  command->add_option("--path", c.flags.path, "Request path")->capture_default_str();
  command->add_option("-H,--header", c.flags.headers, "Request header, repeatable")
      ->check(HeaderFlagValidator());
  context.SetAction(command, [&context, state = std::move(state)]() mutable {
    return RunBenchCommand(context, *state);
  });
}

}  // namespace hearth::ctl
