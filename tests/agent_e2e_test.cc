// End to end: the real hearth-agent binary on ephemeral ports, driven the way a control
// plane drives it — through hearthctl and through raw gRPC — and scraped over HTTP the
// way Prometheus scrapes it.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_process.h"

namespace hearth::testing {
namespace {

using ::testing::HasSubstr;

class AgentE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { StartAgent(); }

  void StartAgent(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--state-dir", state_dir_.path()});
    auto agent = AgentProcess::Start(extra);
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = *std::move(agent);
    channel_ = grpc::CreateChannel(agent_->grpc_target(), grpc::InsecureChannelCredentials());
    stub_ = v1::Agent::NewStub(channel_);
  }

  CommandResult Ctl(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), HearthctlBinary());
    args.insert(args.end(), {"--agent", agent_->grpc_target()});
    return RunCommand(args, input);
  }

  grpc::Status Deploy(const std::string& name, const std::string& source,
                      v1::DeployResponse* response = nullptr,
                      v1::SnapshotPolicy snapshot = v1::SNAPSHOT_AUTO) {
    v1::DeployRequest request;
    request.set_name(name);
    request.set_source(source);
    request.set_snapshot(snapshot);
    v1::DeployResponse ignored;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->Deploy(&context, request, response != nullptr ? response : &ignored);
  }

  grpc::Status Invoke(const std::string& name, v1::InvokeResponse* response,
                      const std::string& body = "", bool force_cold = false) {
    v1::InvokeRequest request;
    request.set_function(name);
    request.set_force_cold(force_cold);
    request.set_id("req-1");
    request.mutable_request()->set_body(body);
    if (!body.empty()) request.mutable_request()->set_method("POST");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->Invoke(&context, request, response);
  }

  // Sum of every sample of `metric` whose labels include `labels` ("a=\"x\"").
  double Scrape(const std::string& metric, const std::string& labels) {
    absl::StatusOr<double> sum = ScrapeSum(agent_->metrics_port(), metric, labels);
    EXPECT_TRUE(sum.ok()) << sum.status();
    return sum.value_or(-1);
  }

  TempDir state_dir_;
  std::unique_ptr<AgentProcess> agent_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Agent::Stub> stub_;
};

TEST_F(AgentE2eTest, HearthctlDeploysInvokesListsAndRemovesTheHelloExample) {
  CommandResult deployed = Ctl({"deploy", "hello", ExamplePath("hello.js")});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  EXPECT_THAT(deployed.out, HasSubstr("hello"));

  CommandResult invoked = Ctl({"invoke", "hello"});
  ASSERT_EQ(invoked.exit_code, 0) << invoked.err;
  EXPECT_EQ(invoked.out, "Hello, world!\n");

  CommandResult named = Ctl({"invoke", "hello", "--path", "/?name=Ada"});
  EXPECT_EQ(named.out, "Hello, Ada!\n");

  CommandResult as_json = Ctl({"invoke", "hello", "--output", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  nlohmann::json reply = nlohmann::json::parse(as_json.out);
  EXPECT_EQ(reply["outcome"], "OUTCOME_OK");
  EXPECT_EQ(reply["status"], 200);
  EXPECT_EQ(reply["body"], "Hello, world!\n");
  EXPECT_TRUE(reply["report"].contains("run_us"));

  CommandResult listed = Ctl({"list", "--output", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json functions = nlohmann::json::parse(listed.out);
  ASSERT_EQ(functions.size(), 1u);
  EXPECT_EQ(functions[0]["name"], "hello");

  CommandResult removed = Ctl({"rm", "hello"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  CommandResult gone = Ctl({"invoke", "hello"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.err, HasSubstr("not found"));
  EXPECT_EQ(nlohmann::json::parse(Ctl({"list", "--output", "json"}).out).size(), 0u);
}

TEST_F(AgentE2eTest, HearthctlBenchWritesTheContractedJson) {
  ASSERT_EQ(Ctl({"deploy", "hello", ExamplePath("hello.js")}).exit_code, 0);
  const std::string json_file = absl::StrCat(state_dir_.path(), "/bench.json");
  const std::string plot_file = absl::StrCat(state_dir_.path(), "/bench.svg");
  CommandResult warm =
      Ctl({"bench", "hello", "-n", "40", "-c", "4", "--json", json_file, "--plot", plot_file});
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  nlohmann::json report = nlohmann::json::parse(std::ifstream(json_file));
  EXPECT_EQ(report["function"], "hello");
  EXPECT_EQ(report["mode"], "warm");
  EXPECT_EQ(report["count"], 40);
  EXPECT_EQ(report["concurrency"], 4);
  EXPECT_EQ(report["errors"], 0);
  EXPECT_GT(report["throughput_rps"].get<double>(), 0);
  EXPECT_GT(report["latency_us"]["p50"].get<double>(), 0);
  EXPECT_GE(report["latency_us"]["max"].get<double>(), report["latency_us"]["p99"].get<double>());
  // Warm: most requests find an idle isolate (the first few at concurrency 4 boot one).
  EXPECT_EQ(report["phases_us"]["boot"]["p50"], 0);
  std::stringstream svg;
  svg << std::ifstream(plot_file).rdbuf();
  EXPECT_THAT(svg.str(), HasSubstr("<svg"));

  CommandResult cold = Ctl({"bench", "hello", "--cold", "-n", "10", "--output", "json"});
  ASSERT_EQ(cold.exit_code, 0) << cold.err;
  nlohmann::json cold_report = nlohmann::json::parse(cold.out);
  EXPECT_EQ(cold_report["mode"], "cold");
  EXPECT_EQ(cold_report["count"], 10);
  EXPECT_GT(cold_report["phases_us"]["boot"]["p50"].get<double>(), 0);
  EXPECT_FALSE(cold_report.contains("warm_same_run"));

  // --with-warm: a warm request after each cold one, both reported, from the same run.
  CommandResult mixed =
      Ctl({"bench", "hello", "--cold", "--with-warm", "-n", "12", "--output", "json"});
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
  nlohmann::json mixed_report = nlohmann::json::parse(mixed.out);
  EXPECT_EQ(mixed_report["mode"], "cold");
  EXPECT_EQ(mixed_report["count"], 12);
  EXPECT_GT(mixed_report["phases_us"]["boot"]["p50"].get<double>(), 0);
  const nlohmann::json& same_run = mixed_report["warm_same_run"];
  EXPECT_EQ(same_run["count"], 12);
  EXPECT_EQ(same_run["errors"], 0);
  EXPECT_EQ(same_run["phases_us"]["boot"]["p99"], 0);  // Every one of them found an isolate.
  EXPECT_DOUBLE_EQ(mixed_report["cold_minus_warm_p50_us"].get<double>(),
                   mixed_report["latency_us"]["p50"].get<double>() -
                       same_run["latency_us"]["p50"].get<double>());
  CommandResult text = Ctl({"bench", "hello", "--cold", "--with-warm", "-n", "3"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("warm, same run: 3 requests"));
  EXPECT_THAT(text.out, HasSubstr("cold - warm p50"));
  EXPECT_NE(Ctl({"bench", "hello", "--with-warm", "-n", "3"}).exit_code, 0);  // Needs --cold.
}

TEST_F(AgentE2eTest, HearthctlPassesDataAndReportsFunctionFailuresWithExitCode) {
  ASSERT_EQ(Ctl({"deploy", "echo", ExamplePath("echo.js")}).exit_code, 0);
  CommandResult echoed = Ctl({"invoke", "echo", "--data", "ping", "--header", "x-a:b"});
  ASSERT_EQ(echoed.exit_code, 0) << echoed.err;
  nlohmann::json body = nlohmann::json::parse(echoed.out);
  EXPECT_EQ(body["method"], "POST");
  EXPECT_EQ(body["body"], "ping");
  EXPECT_EQ(body["headers"]["x-a"], "b");

  const std::string thrower = absl::StrCat(state_dir_.path(), "/thrower.js");
  std::ofstream(thrower) << "export default () => { throw new Error('kaput'); };\n";
  ASSERT_EQ(Ctl({"deploy", "thrower", thrower}).exit_code, 0);
  CommandResult failed = Ctl({"invoke", "thrower"});
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_THAT(failed.err, HasSubstr("kaput"));
}

TEST_F(AgentE2eTest, BadInputGetsClearErrorsAndTheAgentKeepsServing) {
  // Source that does not compile: INVALID_ARGUMENT naming line and column.
  grpc::Status syntax = Deploy("broken", "export default {\n  fetch() { return 1 +; }\n};");
  EXPECT_EQ(syntax.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(syntax.error_message(), HasSubstr("broken.js:2:"));
  EXPECT_THAT(syntax.error_message(), HasSubstr("SyntaxError"));

  // Unknown function: NOT_FOUND.
  v1::InvokeResponse response;
  grpc::Status unknown = Invoke("nope", &response);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown.error_message(), HasSubstr("'nope'"));

  // Invalid name: INVALID_ARGUMENT.
  EXPECT_EQ(Deploy("../etc", "export default () => 1;").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // A throwing handler: OUTCOME_USER_ERROR with message and stack.
  ASSERT_TRUE(Deploy("thrower",
                     "function deep() { throw new Error('boom'); }\n"
                     "export default { fetch() { deep(); } };")
                  .ok());
  v1::InvokeResponse thrown;
  ASSERT_TRUE(Invoke("thrower", &thrown).ok());
  EXPECT_EQ(thrown.id(), "req-1");
  EXPECT_EQ(thrown.outcome(), v1::OUTCOME_USER_ERROR);
  EXPECT_THAT(thrown.error(), HasSubstr("Error: boom"));
  EXPECT_THAT(thrown.error(), HasSubstr("at deep"));

  // Not a response: OUTCOME_BAD_RESPONSE.
  ASSERT_TRUE(Deploy("bad", "export default () => 42;").ok());
  v1::InvokeResponse bad;
  ASSERT_TRUE(Invoke("bad", &bad).ok());
  EXPECT_EQ(bad.outcome(), v1::OUTCOME_BAD_RESPONSE);
  EXPECT_THAT(bad.error(), HasSubstr("42"));

  // An endless loop: OUTCOME_CPU_LIMIT, and the agent goes on.
  ASSERT_TRUE(Deploy("spin", "export default () => { for (;;) {} };").ok());
  v1::InvokeResponse spun;
  ASSERT_TRUE(Invoke("spin", &spun).ok());
  EXPECT_EQ(spun.outcome(), v1::OUTCOME_CPU_LIMIT);

  // Still serving, still healthy.
  ASSERT_TRUE(Deploy("ok", "export default () => 'fine';").ok());
  v1::InvokeResponse fine;
  ASSERT_TRUE(Invoke("ok", &fine).ok());
  EXPECT_EQ(fine.outcome(), v1::OUTCOME_OK);
  EXPECT_EQ(fine.response().body(), "fine");
  CommandResult health = Ctl({"health"});
  EXPECT_EQ(health.exit_code, 0) << health.err;
}

TEST_F(AgentE2eTest, NewIsolatesBootIntoTheMemoryOfRetiredOnes) {
  ASSERT_TRUE(Deploy("cycled", "let n = 0; export default () => String(++n);").ok());
  const std::string reused = "source=\"reused\"";
  const double reused_before = Scrape("hearth_isolate_heap_regions_total", reused);
  // A worker keeps at most 8 idle isolates of a function: forced cold starts past that
  // retire isolates, and the blank isolates booted to refill the reserve after each cold
  // start boot into their memory. Retiring and booting are asynchronous: go on (bounded)
  // until that shows; no timing is asserted.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int cold_starts = 0;
  // Until memory was handed from a retired isolate to another: reused, and zeroed on the
  // way (a reused region may also come from the stock, which needs no zeroing).
  while ((Scrape("hearth_isolate_heap_regions_total", reused) <= reused_before ||
          Scrape("hearth_isolate_zeroed_bytes_total", "") == 0) &&
         std::chrono::steady_clock::now() < give_up) {
    v1::InvokeResponse response;
    ASSERT_TRUE(Invoke("cycled", &response, "", /*force_cold=*/true).ok());
    ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
    EXPECT_EQ(response.response().body(), "1");  // every isolate starts clean
    if (++cold_starts > 16) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(Scrape("hearth_isolate_heap_regions_total", reused), reused_before);
  EXPECT_GT(Scrape("hearth_isolate_heap_regions_total", "source=\"fresh\""), 0);
  EXPECT_GT(Scrape("hearth_isolate_zeroed_bytes_total", ""), 0);
  EXPECT_THAT(HttpGet(agent_->metrics_port(), "/metrics").value_or(""),
              HasSubstr("\nhearth_isolate_retained_bytes "));
}

TEST_F(AgentE2eTest, StrictPageProtectionBootsGenericAndSnapshotIsolatesIntoReusedMemory) {
  // Under --isolate-page-protection strict every page V8 believes inaccessible is
  // PROT_NONE, kept regions and reservations served from them included: V8 10.2 must ask
  // for access before it touches a page, or the agent dies of SIGSEGV.
  EXPECT_EQ(agent_->Stop(), 0);
  StartAgent({"--isolate-page-protection", "strict"});
  ASSERT_TRUE(
      Deploy("plain", "let n = 0; export default () => String(++n);", nullptr, v1::SNAPSHOT_NEVER)
          .ok());
  ASSERT_TRUE(Deploy("snap",
                     "const rows = Array.from({length: 20000}, (_, i) => ({i, s: `r${i}`}));\n"
                     "let n = 0; export default () => `${rows.length}:${++n}`;",
                     nullptr, v1::SNAPSHOT_ALWAYS)
                  .ok());
  const std::string reused = "source=\"reused\"";
  const double reused_before = Scrape("hearth_isolate_heap_regions_total", reused);
  // Forced cold starts past the 8 idle isolates a worker keeps retire isolates, whose
  // memory the next boots get (asynchronously: go on, bounded, until that shows).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int rounds = 0;
  while ((rounds < 12 || Scrape("hearth_isolate_heap_regions_total", reused) <= reused_before) &&
         std::chrono::steady_clock::now() < give_up) {
    ++rounds;
    v1::InvokeResponse plain, snap;
    ASSERT_TRUE(Invoke("plain", &plain, "", /*force_cold=*/true).ok());
    ASSERT_EQ(plain.outcome(), v1::OUTCOME_OK) << plain.error();
    EXPECT_EQ(plain.response().body(), "1");  // every isolate starts clean
    ASSERT_TRUE(Invoke("snap", &snap, "", /*force_cold=*/true).ok());
    ASSERT_EQ(snap.outcome(), v1::OUTCOME_OK) << snap.error();
    EXPECT_EQ(snap.response().body(), "20000:1");
  }
  EXPECT_GT(Scrape("hearth_isolate_heap_regions_total", reused), reused_before);
  EXPECT_GT(Scrape("hearth_isolate_page_mprotects_total", ""), 0);
  EXPECT_EQ(agent_->Stop(), 0);  // still alive, and it drains cleanly
}

TEST_F(AgentE2eTest, ColdStartsCompileFromTheCodeCacheOfTheirOwnVersion) {
  const std::string made = "event=\"made\"", used = "event=\"used\"";
  const std::string rejected = "event=\"rejected\"";
  auto wait_for_made = [&](double count) {
    // Made on the worker right after the first invocation's answer: wait (bounded).
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (Scrape("hearth_code_cache_events_total", made) < count &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Scrape("hearth_code_cache_events_total", made);
  };
  for (const std::string version : {"v1", "v2"}) {
    // Functions that run only after the top level are compiled lazily: the cache, made
    // after an invocation, must hold them with this version's constants.
    std::string source = "const tag = '" + version +
                         "'; function shout(s) { return s.toUpperCase() + '!'; }\n"
                         "export default (request) => shout(tag);\n";
    // Exports that never run: compiled lazily, or not at all.
    for (int i = 0; i < 40; ++i) {
      source += absl::StrCat("export function helper", i, "(x) { return x * ", i, " + 1; }\n");
    }
    ASSERT_TRUE(Deploy("cached", source, nullptr, v1::SNAPSHOT_NEVER).ok());
    const double made_before = Scrape("hearth_code_cache_events_total", made);
    const double used_before = Scrape("hearth_code_cache_events_total", used);
    v1::InvokeResponse first;
    ASSERT_TRUE(Invoke("cached", &first).ok());
    ASSERT_EQ(first.outcome(), v1::OUTCOME_OK) << first.error();
    ASSERT_EQ(wait_for_made(made_before + 1), made_before + 1);
    for (int i = 0; i < 2; ++i) {
      v1::InvokeResponse cold;
      ASSERT_TRUE(Invoke("cached", &cold, "", /*force_cold=*/true).ok());
      ASSERT_EQ(cold.outcome(), v1::OUTCOME_OK) << cold.error();
      EXPECT_TRUE(cold.report().cold());
      EXPECT_EQ(cold.response().body(), absl::AsciiStrToUpper(version) + "!");
    }
    EXPECT_EQ(Scrape("hearth_code_cache_events_total", used), used_before + 2);
  }
  EXPECT_EQ(Scrape("hearth_code_cache_events_total", rejected), 0);

  // A tiny module gets one too, and its cold starts use it.
  const double made_before = Scrape("hearth_code_cache_events_total", made);
  ASSERT_TRUE(Deploy("tiny", "export default () => 'tiny';", nullptr, v1::SNAPSHOT_NEVER).ok());
  v1::InvokeResponse first;
  ASSERT_TRUE(Invoke("tiny", &first).ok());
  ASSERT_EQ(first.outcome(), v1::OUTCOME_OK) << first.error();
  ASSERT_EQ(wait_for_made(made_before + 1), made_before + 1);
  const double used_before = Scrape("hearth_code_cache_events_total", used);
  v1::InvokeResponse cold;
  ASSERT_TRUE(Invoke("tiny", &cold, "", /*force_cold=*/true).ok());
  ASSERT_EQ(cold.outcome(), v1::OUTCOME_OK) << cold.error();
  EXPECT_EQ(cold.response().body(), "tiny");
  EXPECT_EQ(Scrape("hearth_code_cache_events_total", used), used_before + 1);
}

TEST_F(AgentE2eTest, MetricsCountExactlyTheInvocationsMade) {
  ASSERT_TRUE(Deploy("counted", "export default () => 'x';").ok());
  const std::string labels = "function=\"counted\"";
  const double before = Scrape("hearth_invocation_duration_seconds_count", labels);
  EXPECT_EQ(before, 0);
  constexpr int kInvocations = 7;
  for (int i = 0; i < kInvocations; ++i) {
    v1::InvokeResponse response;
    ASSERT_TRUE(Invoke("counted", &response).ok());
    ASSERT_EQ(response.outcome(), v1::OUTCOME_OK);
  }
  EXPECT_EQ(Scrape("hearth_invocation_duration_seconds_count", labels), before + kInvocations);
  EXPECT_EQ(Scrape("hearth_invocations_total", "outcome=\"ok\"") >= kInvocations, true);
  EXPECT_EQ(Scrape("hearth_invocations_total", labels + ",outcome=\"ok\""), kInvocations);
  // Pool gauges: the deployed function has a warm isolate, and each worker has a depth.
  EXPECT_GE(Scrape("hearth_isolates", labels + ",state=\"warm\""), 1);
  EXPECT_EQ(Scrape("hearth_isolates", labels + ",state=\"busy\""), 0);
  EXPECT_GT(Scrape("hearth_isolate_heap_bytes", labels), 100'000);
  absl::StatusOr<std::string> gauges = HttpGet(agent_->metrics_port(), "/metrics");
  ASSERT_TRUE(gauges.ok());
  EXPECT_THAT(*gauges, HasSubstr("hearth_worker_queue_depth{worker=\"0\"} 0"));
  EXPECT_THAT(*gauges, HasSubstr("hearth_worker_queue_depth{worker=\"1\"} 0"));
  // Buckets span 10 µs to 10 s.
  absl::StatusOr<std::string> text = HttpGet(agent_->metrics_port(), "/metrics");
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("le=\"1e-05\""));
  EXPECT_THAT(*text, HasSubstr("le=\"10\""));
}

TEST_F(AgentE2eTest, DeployedFunctionsSurviveARestartAndSigtermExitsCleanly) {
  ASSERT_TRUE(Deploy("kept", "export default () => 'still here';").ok());
  EXPECT_EQ(agent_->Stop(), 0);
  StartAgent();
  EXPECT_THAT(agent_->ready_line(), HasSubstr("functions=1"));
  v1::InvokeResponse response;
  ASSERT_TRUE(Invoke("kept", &response).ok());
  EXPECT_EQ(response.response().body(), "still here");
}

TEST_F(AgentE2eTest, InvokeStreamAnswersEveryRequestByIdAndGoesOnAfterRefusals) {
  ASSERT_TRUE(Deploy("upper", "export default async (r) => (await r.text()).toUpperCase();").ok());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub_->InvokeStream(&context);
  constexpr int kRequests = 50;
  for (int i = 0; i < kRequests; ++i) {
    v1::InvokeRequest request;
    request.set_id(absl::StrCat("r", i));
    request.set_function(i % 10 == 9 ? "missing" : "upper");
    request.mutable_request()->set_method("POST");
    request.mutable_request()->set_body(absl::StrCat("body", i));
    request.set_force_cold(i % 7 == 0);
    ASSERT_TRUE(stream->Write(request));
  }
  ASSERT_TRUE(stream->WritesDone());
  std::map<std::string, v1::InvokeResponse> answers;
  v1::InvokeResponse response;
  while (stream->Read(&response)) answers[response.id()] = response;
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(answers.size(), static_cast<size_t>(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    const v1::InvokeResponse& answer = answers[absl::StrCat("r", i)];
    if (i % 10 == 9) {
      EXPECT_EQ(answer.outcome(), v1::OUTCOME_UNSPECIFIED);
      EXPECT_THAT(answer.error(), HasSubstr("NOT_FOUND"));
    } else {
      ASSERT_EQ(answer.outcome(), v1::OUTCOME_OK) << answer.error();
      EXPECT_EQ(answer.response().body(), absl::StrCat("BODY", i));
    }
  }
}

TEST_F(AgentE2eTest, DeployPrewarmsMinWarmIsolatesAndRedeployReplacesThem) {
  CommandResult deployed = Ctl({"deploy", "prewarmed", ExamplePath("hello.js"), "--min-warm", "3"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  const std::string warm = "function=\"prewarmed\",state=\"warm\"";
  EXPECT_EQ(Scrape("hearth_isolates", warm), 3);
  CommandResult described = Ctl({"describe", "prewarmed", "--output", "json"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_THAT(described.out, HasSubstr("\"min_warm\":3"));
  // A new version boots its own three; the old version's idle isolates are retired.
  ASSERT_TRUE(Deploy("prewarmed", "export default () => 'v2';").ok());
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Scrape("hearth_isolates", warm) != 1 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The raw Deploy above asked for no min_warm, so the agent's default (1) applies.
  EXPECT_EQ(Scrape("hearth_isolates", warm), 1);
}

TEST_F(AgentE2eTest, ACancelledStreamWithInvocationsInFlightLeavesTheAgentServing) {
  v1::DeployRequest hang;
  hang.set_name("hang");
  hang.set_source("export default () => new Promise(() => {});");
  hang.mutable_limits()->set_timeout_ms(300);
  v1::DeployResponse deployed;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->Deploy(&context, hang, &deployed).ok());
  }
  {
    grpc::ClientContext context;
    auto stream = stub_->InvokeStream(&context);
    for (int i = 0; i < 5; ++i) {
      v1::InvokeRequest request;
      request.set_id(absl::StrCat("h", i));
      request.set_function("hang");
      ASSERT_TRUE(stream->Write(request));
    }
    context.TryCancel();  // Gone with five invocations still running.
    v1::InvokeResponse ignored;
    while (stream->Read(&ignored)) {
    }
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  ASSERT_TRUE(Deploy("after", "export default () => 'alive';").ok());
  v1::InvokeResponse response;
  ASSERT_TRUE(Invoke("after", &response).ok());
  EXPECT_EQ(response.response().body(), "alive");
  EXPECT_EQ(agent_->Stop(), 0);  // And it still drains cleanly.
}

TEST_F(AgentE2eTest, SnapshottedTopLevelRunsOnceAcrossColdStartsAndRestarts) {
  // `stamp` is new on every run of the top level.
  const std::string source = R"(
    const graph = [];
    for (let i = 0; i < 20000; i++) graph.push({ id: i, next: i + 1 });
    const stamp = Date.now() + '-' + Math.random();
    export default () => stamp + ':' + graph.length;)";
  v1::DeployResponse deployed;
  ASSERT_TRUE(Deploy("snap", source, &deployed, v1::SNAPSHOT_ALWAYS).ok());
  EXPECT_GT(deployed.snapshot_bytes(), 100'000u);
  {
    v1::GetFunctionRequest request;
    request.set_name("snap");
    v1::FunctionInfo info;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->GetFunction(&context, request, &info).ok());
    EXPECT_EQ(info.snapshot(), v1::SNAPSHOT_ALWAYS);
    EXPECT_EQ(info.snapshot_bytes(), deployed.snapshot_bytes());
  }
  v1::InvokeResponse warm, cold;
  ASSERT_TRUE(Invoke("snap", &warm).ok());
  ASSERT_TRUE(Invoke("snap", &cold, "", /*force_cold=*/true).ok());
  EXPECT_TRUE(cold.report().cold());
  EXPECT_THAT(warm.response().body(), ::testing::EndsWith(":20000"));
  EXPECT_EQ(cold.response().body(), warm.response().body());
  // That cold start booted whole from the snapshot and had the booter prime the next
  // isolate; later forced cold starts take a primed one (bounded: priming is asynchronous)
  // and still see the same top-level run.
  const std::string primed = "path=\"primed\"";
  EXPECT_EQ(Scrape("hearth_cold_starts_total", "path=\"snapshot\""), 1);
  for (int i = 0; i < 100 && Scrape("hearth_cold_starts_total", primed) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    v1::InvokeResponse again;
    ASSERT_TRUE(Invoke("snap", &again, "", /*force_cold=*/true).ok());
    EXPECT_TRUE(again.report().cold());
    EXPECT_EQ(again.response().body(), warm.response().body());
  }
  EXPECT_GE(Scrape("hearth_cold_starts_total", primed), 1);

  // A restart boots it from the snapshot cached in the state dir: same top-level run. (The
  // threshold keeps a slow sanitizer build from snapshotting the cheap version below.)
  EXPECT_EQ(agent_->Stop(), 0);
  StartAgent({"--snapshot-threshold-ms", "1000"});
  v1::InvokeResponse restarted;
  ASSERT_TRUE(Invoke("snap", &restarted).ok());
  EXPECT_EQ(restarted.response().body(), warm.response().body());

  // A redeploy drops the old version's cached snapshot; a cheap top level gets none.
  v1::DeployResponse cheap;
  ASSERT_TRUE(Deploy("snap", "export default () => 'cheap';", &cheap).ok());
  EXPECT_EQ(cheap.snapshot_bytes(), 0u);
  size_t blobs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(state_dir_.path() + "/snapshots")) {
    blobs += std::filesystem::file_size(entry.path()) > 100'000;
  }
  EXPECT_EQ(blobs, 0u);
  CommandResult never = Ctl({"deploy", "nosnap", ExamplePath("hello.js"), "--snapshot", "never"});
  EXPECT_EQ(never.exit_code, 0) << never.err;
  EXPECT_THAT(never.out, HasSubstr("snapshot 0 bytes"));
  CommandResult bad = Ctl({"deploy", "nosnap", ExamplePath("hello.js"), "--snapshot", "sometimes"});
  EXPECT_NE(bad.exit_code, 0);
}

TEST_F(AgentE2eTest, RedeployServesTheNewVersion) {
  v1::DeployResponse first, second;
  ASSERT_TRUE(Deploy("versioned", "export default () => 'v1';", &first).ok());
  ASSERT_TRUE(Deploy("versioned", "export default () => 'v2';", &second).ok());
  EXPECT_NE(first.version(), second.version());
  v1::InvokeResponse response;
  ASSERT_TRUE(Invoke("versioned", &response).ok());
  EXPECT_EQ(response.response().body(), "v2");
}

TEST(AgentAuth, RefusesCallsWithoutTheBearerToken) {
  TempDir dir;
  const std::string token_file = dir.path() + "/token";
  std::ofstream(token_file) << "s3cret\n";
  auto agent = AgentProcess::Start({"--auth-token-file", token_file});
  ASSERT_TRUE(agent.ok()) << agent.status();
  auto stub = v1::Agent::NewStub(
      grpc::CreateChannel((*agent)->grpc_target(), grpc::InsecureChannelCredentials()));
  v1::ListFunctionsResponse listed;
  {
    grpc::ClientContext context;
    EXPECT_EQ(stub->ListFunctions(&context, {}, &listed).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer s3cret");
    EXPECT_TRUE(stub->ListFunctions(&context, {}, &listed).ok());
  }
}

}  // namespace
}  // namespace hearth::testing
