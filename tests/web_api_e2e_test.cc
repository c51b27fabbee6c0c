// The Web API, checked inside real isolates of a real agent: every tests/web/*.test.js is
// deployed (after tests/web/harness.js) as one function and invoked over gRPC; the function
// runs its cases and answers which failed. Cases follow the specifications (WHATWG, WebIDL,
// W3C), each file saying which.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hearth/v1/agent.grpc.pb.h"
#include "tests/agent_client.h"

namespace hearth::testing {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// tests/web/*.test.js, as CMake found them.
std::vector<std::string> TestFiles() {
  std::vector<std::string> files = absl::StrSplit(HEARTH_WEB_TESTS, ',', absl::SkipEmpty());
  std::sort(files.begin(), files.end());
  return files;
}

class WebApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { SuiteAgent::Start({"--workers", "1"}); }
  static void TearDownTestSuite() { SuiteAgent::Stop(); }
};

TEST_P(WebApiTest, EveryCasePasses) {
  ASSERT_NE(SuiteAgent::client(), nullptr);
  const std::filesystem::path dir = std::filesystem::path(HEARTH_SOURCE_DIR) / "tests/web";
  std::string name = GetParam().substr(0, GetParam().size() - 8);
  std::replace(name.begin(), name.end(), '_', '-');

  v1::DeployRequest deploy =
      DeployOf(name, ReadFile(dir / "harness.js") + ReadFile(dir / GetParam()));
  deploy.mutable_limits()->set_cpu_ms(10000);
  deploy.mutable_limits()->set_memory_mb(128);
  deploy.mutable_limits()->set_timeout_ms(30000);
  const grpc::Status deploy_status = SuiteAgent::client()->Deploy(deploy);
  ASSERT_TRUE(deploy_status.ok()) << deploy_status.error_message();

  v1::InvokeResponse response;
  const grpc::Status status = SuiteAgent::client()->Invoke(name, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();

  const auto result = nlohmann::json::parse(response.response().body(), nullptr, false);
  ASSERT_TRUE(result.is_object()) << response.response().body();
  for (const auto& failure : result["failed"]) {
    ADD_FAILURE() << failure["name"].get<std::string>() << "\n  "
                  << failure["error"].get<std::string>();
  }
  EXPECT_GT(result["passed"].get<int>(), 0);
}

// What a test file cannot see from inside its function: logs, and what differs between
// isolates booted from one function snapshot.
class WebRuntimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { SuiteAgent::Start({"--workers", "1"}); }
  static void TearDownTestSuite() { SuiteAgent::Stop(); }

  static grpc::Status Deploy(const std::string& name, const std::string& source,
                             v1::SnapshotPolicy snapshot = v1::SNAPSHOT_AUTO) {
    v1::DeployRequest request = DeployOf(name, source);
    request.set_snapshot(snapshot);
    return SuiteAgent::client()->Deploy(request);
  }

  static grpc::Status Invoke(const std::string& name, v1::InvokeResponse* response,
                             bool force_cold = false) {
    v1::InvokeRequest request;
    request.set_function(name);
    request.set_force_cold(force_cold);
    return SuiteAgent::client()->Invoke(request, response);
  }
};

TEST_F(WebRuntimeTest, ListenerExceptionsAreLoggedAndDispatchGoesOn) {
  ASSERT_TRUE(Deploy("listener-throws", R"(
    export default () => {
      const target = new EventTarget();
      const calls = [];
      target.addEventListener('x', () => { throw new TypeError('listener failed'); });
      target.addEventListener('x', () => calls.push('second'));
      const notCanceled = target.dispatchEvent(new Event('x'));
      return calls.join() + ':' + notCanceled;
    };)")
                  .ok());
  v1::InvokeResponse response;
  ASSERT_TRUE(Invoke("listener-throws", &response).ok());
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  EXPECT_EQ(response.response().body(), "second:true");
  ASSERT_EQ(response.report().logs_size(), 1);
  EXPECT_THAT(response.report().logs(0),
              ::testing::StartsWith("error: Uncaught TypeError: listener failed"));
}

// Each isolate booted from one snapshot draws its own random values and has its own time
// origin, even when the top level (run once, at deploy) drew some and loaded the modules.
TEST_F(WebRuntimeTest, IsolatesFromOneSnapshotDrawDifferentRandomValues) {
  ASSERT_TRUE(Deploy("random-snapshot", R"(
    const atTopLevel = {
      bytes: crypto.getRandomValues(new Uint8Array(16)).join(),
      uuid: crypto.randomUUID(),
      math: Math.random(),
      now: performance.now(),
    };
    export default () => JSON.stringify({
      atTopLevel,
      bytes: crypto.getRandomValues(new Uint8Array(16)).join(),
      uuid: crypto.randomUUID(),
      math: Math.random(),
      origin: performance.timeOrigin,
      now: performance.now(),
    });)",
                     v1::SNAPSHOT_ALWAYS)
                  .ok());
  std::set<std::string> bytes, uuids, origins;
  std::set<double> maths;
  std::string top_level;
  constexpr int kColdStarts = 4;
  for (int i = 0; i < kColdStarts; ++i) {
    v1::InvokeResponse response;
    ASSERT_TRUE(Invoke("random-snapshot", &response, /*force_cold=*/true).ok());
    ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
    ASSERT_TRUE(response.report().cold());
    const auto result = nlohmann::json::parse(response.response().body());
    // The top level ran once: what it drew is the snapshot's, the same in every isolate.
    if (i == 0) top_level = result["atTopLevel"].dump();
    EXPECT_EQ(result["atTopLevel"].dump(), top_level);
    bytes.insert(result["bytes"].get<std::string>());
    uuids.insert(result["uuid"].get<std::string>());
    maths.insert(result["math"].get<double>());
    origins.insert(result["origin"].dump());
    // The time origin is this isolate's start, not the snapshot's.
    EXPECT_LT(result["now"].get<double>(), 10000.0);
  }
  EXPECT_EQ(bytes.size(), size_t{kColdStarts});
  EXPECT_EQ(uuids.size(), size_t{kColdStarts});
  EXPECT_EQ(origins.size(), size_t{kColdStarts});
  // V8 empties Math.random's cache when it makes a snapshot and seeds each isolate anew.
  EXPECT_EQ(maths.size(), size_t{kColdStarts});
}

// Every runtime module, loaded and used by a top level that is snapshotted, still works in
// the isolates booted from that snapshot (its objects and native callbacks survive it).
TEST_F(WebRuntimeTest, ModulesUsedAtTopLevelWorkFromASnapshot) {
  ASSERT_TRUE(Deploy("modules-snapshot", R"(
    const target = new EventTarget();
    let events = 0;
    target.addEventListener('x', () => events++);
    const controller = new AbortController();
    const error = new DOMException('kept', 'DataError');
    const key = await crypto.subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC',
      hash: 'SHA-256' }, true, ['sign']);
    const cloned = structuredClone({ error, when: new Date(0) });
    const encoded = btoa('top level');
    const started = performance.now();
    export default async () => {
      target.dispatchEvent(new CustomEvent('x'));
      controller.abort();
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new Uint8Array(1)));
      const again = structuredClone(error);
      return [events, controller.signal.reason.name, mac.length, again instanceof DOMException,
        again.name, again.message, cloned.error.name, atob(encoded),
        typeof started, performance.now() >= 0].join();
    };)",
                     v1::SNAPSHOT_ALWAYS)
                  .ok());
  for (int i = 0; i < 2; ++i) {
    v1::InvokeResponse response;
    ASSERT_TRUE(Invoke("modules-snapshot", &response, /*force_cold=*/true).ok());
    ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
    EXPECT_EQ(response.response().body(),
              "1,AbortError,32,true,DataError,kept,DataError,top level,number,true");
  }
}

INSTANTIATE_TEST_SUITE_P(Files, WebApiTest, ::testing::ValuesIn(TestFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 8);
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace hearth::testing
