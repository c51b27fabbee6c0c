// unary_latency: starts the real hearth-agent, deploys examples/hello.js, and measures on
// one gRPC channel, interleaved so both see the same machine state:
//   - grpc.health.v1.Health/Check (the agent's floor for a unary call),
//   - Invoke of hello, warm,
//   - Invoke of hello with force_cold (a fresh isolate every time), every fourth round
//     (every Nth with --cold-every N; never with 0).
// Prints p50/p90/p99 in microseconds, and the agent's own report phases.
//
//   build/release/tools/bench/unary_latency [iterations [--cold-every N] [agent flags...]]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sdk/client/agent_client.h"
#include "tests/agent_process.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Series {
  explicit Series(const char* n) : name(n) {}
  const char* name;
  std::vector<double> us;
  void Print() {
    if (us.empty()) return;
    std::sort(us.begin(), us.end());
    auto at = [&](double q) { return us[std::min(us.size() - 1, size_t(q * us.size()))]; };
    std::printf("%-28s n=%-6zu p50=%8.1f  p90=%8.1f  p99=%8.1f  max=%8.1f us\n", name, us.size(),
                at(0.5), at(0.9), at(0.99), us.back());
  }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 2000;
  int first_agent_flag = std::min(argc, 2);
  int cold_every = 4;  // Cold starts cost more; a quarter as many.
  if (argc > 3 && std::string(argv[2]) == "--cold-every") {
    cold_every = std::atoi(argv[3]);
    first_agent_flag = 4;
  }
  auto agent = hearth::testing::AgentProcess::Start(
      std::vector<std::string>(argv + first_agent_flag, argv + argc));
  if (!agent.ok()) {
    std::fprintf(stderr, "%s\n", std::string(agent.status().message()).c_str());
    return 1;
  }
  hearth::client::ClientOptions options;
  options.target = (*agent)->grpc_target();
  auto client = hearth::client::AgentClient::Connect(options);  // One channel for all calls.
  if (!client.ok()) return 1;

  hearth::v1::DeployRequest deploy;
  deploy.set_name("hello");
  deploy.set_source(ReadFile(hearth::testing::ExamplePath("hello.js")));
  if (auto deployed = (*client)->Deploy(deploy); !deployed.ok()) {
    std::fprintf(stderr, "deploy: %s\n", std::string(deployed.status().message()).c_str());
    return 1;
  }
  auto health_check = [&] { (void)(*client)->HealthCheck(); };

  hearth::v1::InvokeRequest warm;
  warm.set_function("hello");
  hearth::v1::InvokeRequest cold = warm;
  cold.set_force_cold(true);

  Series health("health check"), invoke_warm("invoke warm"), invoke_cold("invoke cold (forced)");
  Series warm_queue("  warm report.queue_us"), warm_run("  warm report.run_us"),
      cold_boot("  cold report.boot_us"), cold_run("  cold report.run_us");
  auto time_us = [](auto&& fn) {
    const auto start = Clock::now();
    fn();
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  };
  for (int i = 0; i < iterations + 100; ++i) {
    hearth::v1::InvokeResponse response;
    const double h = time_us(health_check);
    const double w = time_us([&] { response = *(*client)->Invoke(warm); });
    const uint64_t w_queue = response.report().queue_us();
    const uint64_t w_run = response.report().run_us();
    const bool w_cold = response.report().cold();
    double c = 0;
    if (cold_every > 0 && i % cold_every == 0) {
      c = time_us([&] { response = *(*client)->Invoke(cold); });
    }
    if (i < 100) continue;  // Warm-up.
    health.us.push_back(h);
    if (!w_cold) {
      invoke_warm.us.push_back(w);
      warm_queue.us.push_back(w_queue);
      warm_run.us.push_back(w_run);
    }
    if (c > 0) {
      invoke_cold.us.push_back(c);
      cold_boot.us.push_back(response.report().boot_us());
      cold_run.us.push_back(response.report().run_us());
    }
  }
  health.Print();
  invoke_warm.Print();
  warm_queue.Print();
  warm_run.Print();
  invoke_cold.Print();
  cold_boot.Print();
  cold_run.Print();
  return (*agent)->Stop() == 0 ? 0 : 1;
}
