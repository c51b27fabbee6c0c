// Function snapshots, end to end inside the pool: the builder child process runs the top
// level once, isolates boot from the blob with that state, the policy picks the path, the
// builder's verdicts match the generic load's, and the disk cache survives a new pool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "isolate_pool/cold_start_counts.h"
#include "isolate_pool/snapshot_cache.h"
#include "isolate_pool/testing/pool_test_base.h"

namespace hearth {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

#define ASSERT_OK(expression)                  \
  do {                                         \
    const absl::Status status_ = (expression); \
    ASSERT_TRUE(status_.ok()) << status_;      \
  } while (false)

// A top level whose result proves where it ran: `stamp` differs on every run of it.
constexpr char kStatefulSource[] = R"(
  const table = [];
  for (let i = 0; i < 1000; i++) table.push({ i, square: i * i });
  const stamp = Date.now() + ':' + Math.random();
  let calls = 0;
  export default {
    fetch() {
      calls++;
      return new Response(JSON.stringify({ stamp, calls, n: table.length, last: table[999].square,
                                           random: Math.random() }));
    },
  };)";

struct Reply {
  std::string stamp;
  int calls = 0;
  int n = 0;
  long last = 0;
  std::string random;
};

Reply Parse(const v1::InvokeResponse& response) {
  EXPECT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  Reply reply;
  const std::string& body = response.response().body();
  auto field = [&](const std::string& name) {
    const size_t at = body.find("\"" + name + "\":");
    if (at == std::string::npos) return std::string();
    size_t begin = at + name.size() + 3;
    size_t end = body.find_first_of(",}", begin);
    std::string value = body.substr(begin, end - begin);
    if (!value.empty() && value.front() == '"') value = value.substr(1, value.size() - 2);
    return value;
  };
  reply.stamp = field("stamp");
  reply.calls = std::atoi(field("calls").c_str());
  reply.n = std::atoi(field("n").c_str());
  reply.last = std::atol(field("last").c_str());
  reply.random = field("random");
  return reply;
}

// A fresh state dir for one test, removed after everything else of the test is gone: a
// base class listed before PoolTestBase is destroyed after the pool, whose workers may
// still be writing a code cache there while the test's own destructor runs.
class FreshStateDir {
 protected:
  FreshStateDir()
      : dir_(absl::StrCat(::testing::TempDir(), "/hearth-snapshots-", getpid(), "-", ++counter_)) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ~FreshStateDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::string dir_;

 private:
  static inline int counter_ = 0;
};

class FunctionSnapshotTest : public FreshStateDir, public PoolTestBase {
 protected:
  static IsolatePoolOptions Options(const std::string& cache_dir) {
    IsolatePoolOptions options = PoolTestBase::Options();
    options.default_limits = {.cpu_ms = 500, .memory_mb = 64, .timeout_ms = 5000};
    options.boot_cpu_ms = 1000;
    options.snapshot_threshold_ms = 20;
    options.snapshot_cache_dir = cache_dir;
    return options;
  }

  FunctionSnapshotTest() : PoolTestBase(Options(dir_)) {}

  std::shared_ptr<FunctionSpec> Spec(const std::string& name, const std::string& source,
                                     SnapshotPolicy policy) {
    auto spec = PoolTestBase::Spec(name, source);
    spec->snapshot_policy = policy;
    return spec;
  }
};

TEST_F(FunctionSnapshotTest, TopLevelStateIsInEveryIsolateBootedFromTheSnapshot) {
  auto spec = Spec("stateful", kStatefulSource, SnapshotPolicy::kAlways);
  ASSERT_OK(Deploy(spec));
  ASSERT_NE(spec->snapshot, nullptr);
  EXPECT_GT(spec->snapshot->blob.size(), 100'000u);

  const Reply warm = Parse(Invoke(spec, 0));
  EXPECT_EQ(warm.n, 1000);
  EXPECT_EQ(warm.last, 999L * 999);
  EXPECT_EQ(warm.calls, 1);
  // Fresh isolates on both workers: the same top-level run (same stamp), nothing carried
  // over from the other isolates' invocations (calls starts again), and Math.random seeded
  // per isolate, not frozen into the blob.
  std::set<std::string> randoms = {warm.random};
  for (int worker : {0, 1, 1}) {
    v1::InvokeResponse response = InvokeCold(spec, worker);
    EXPECT_TRUE(response.report().cold());
    const Reply cold = Parse(response);
    EXPECT_EQ(cold.stamp, warm.stamp);
    EXPECT_EQ(cold.calls, 1);
    EXPECT_EQ(cold.n, 1000);
    randoms.insert(cold.random);
  }
  EXPECT_EQ(randoms.size(), 4u);
  // The isolate kept warm goes on counting.
  EXPECT_EQ(Parse(Invoke(spec, 0)).calls, 2);
}

TEST_F(FunctionSnapshotTest, PrimedIsolatesServeLaterColdStartsWithFreshState) {
  auto spec = Spec("stateful", kStatefulSource, SnapshotPolicy::kAlways);
  ASSERT_OK(Deploy(spec));
  const Reply warm = Parse(Invoke(spec, 0));
  const ColdStartCounts before = ColdStartTotals();
  std::set<std::string> randoms = {warm.random};
  int primed = 0;
  for (int i = 0; i < 100 && primed < 3; ++i) {
    v1::InvokeResponse response = InvokeCold(spec, 1);
    EXPECT_TRUE(response.report().cold());
    const Reply cold = Parse(response);
    EXPECT_EQ(cold.stamp, warm.stamp);  // The snapshot's top-level run...
    EXPECT_EQ(cold.calls, 1);           // ...in an isolate no invocation ran in before,
    EXPECT_EQ(cold.n, 1000);
    EXPECT_TRUE(randoms.insert(cold.random).second);  // with a random state of its own.
    primed = static_cast<int>(ColdStartTotals().primed - before.primed);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(primed, 3);
  // The first cold start on a worker primes the next; it boots whole itself.
  EXPECT_GE(ColdStartTotals().snapshot - before.snapshot, 1u);
  EXPECT_EQ(Parse(Invoke(spec, 0)).calls, 2);  // The warm one is untouched.
}

TEST_F(FunctionSnapshotTest, APrimedIsolateOfAnOldVersionIsNeverUsed) {
  auto v1 = Spec("versioned", R"(
    const version = 'one';
    export default () => version;)",
                 SnapshotPolicy::kAlways);
  ASSERT_OK(Deploy(v1));
  // Cold starts until the booter has primed the next isolate of v1 on worker 0.
  const uint64_t primed_before = ColdStartTotals().primed;
  for (int i = 0; i < 100 && ColdStartTotals().primed == primed_before; ++i) {
    EXPECT_EQ(InvokeCold(v1, 0).response().body(), "one");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GT(ColdStartTotals().primed, primed_before);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // The next one is primed.

  auto v2 = MakeSpec(pool_, "versioned", R"(
    const version = 'two';
    export default () => version;)",
                     "versioned-2");
  v2->snapshot_policy = SnapshotPolicy::kAlways;
  ASSERT_OK(Deploy(v2, 1));
  v1->superseded = true;
  pool_.RetireOtherVersions("versioned", v2->version);
  const ColdStartCounts before = ColdStartTotals();
  EXPECT_EQ(InvokeCold(v2, 0).response().body(), "two");
  EXPECT_EQ(ColdStartTotals().primed, before.primed);  // v1's primed isolate was dropped.
  EXPECT_EQ(Invoke(v1, 0).response().body(), "one");   // Invocations of v1 still finish on v1.
}

TEST_F(FunctionSnapshotTest, RemovingAFunctionReleasesItsPrimedIsolates) {
  auto spec = Spec("removed", kStatefulSource, SnapshotPolicy::kAlways);
  ASSERT_OK(Deploy(spec));
  const uint64_t primed_before = ColdStartTotals().primed;
  for (int i = 0; i < 100 && ColdStartTotals().primed == primed_before; ++i) {
    InvokeCold(spec, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GT(ColdStartTotals().primed, primed_before);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // The next one is primed.
  ASSERT_GT(spec->stats->memory_bytes.load(), 0);
  pool_.Remove("removed");
  // Warm, idle and primed isolates all go (disposed on the booter, asynchronously): the
  // function's memory goes back to zero.
  for (int i = 0; i < 500 && spec->stats->memory_bytes.load() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(spec->stats->memory_bytes.load(), 0);
}

class TightBudgetTest : public PoolTestBase {
 protected:
  static IsolatePoolOptions TightOptions() {
    IsolatePoolOptions options = Options();
    // Per worker, room for the function's warm isolate and one more, not for the reserve
    // isolates besides: nothing spare (no primed isolate) is kept.
    options.isolate_memory_budget_mb = 6;
    return options;
  }
  TightBudgetTest() : PoolTestBase(TightOptions()) {}
};

TEST_F(TightBudgetTest, PrimedIsolatesAreNotKeptOverTheMemoryBudget) {
  auto spec = Spec("tight", kStatefulSource);
  spec->snapshot_policy = SnapshotPolicy::kAlways;
  ASSERT_OK(Deploy(spec));
  ASSERT_NE(spec->snapshot, nullptr);
  const ColdStartCounts before = ColdStartTotals();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Parse(InvokeCold(spec, 0)).n, 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // Time to prime.
  }
  // Every priming was asked for and every primed isolate went at once: all ten booted whole.
  EXPECT_EQ(ColdStartTotals().primed, before.primed);
  EXPECT_EQ(ColdStartTotals().snapshot - before.snapshot, 10u);
}

TEST_F(FunctionSnapshotTest, AutoPolicySnapshotsOnlyAnExpensiveTopLevel) {
  auto cheap = Spec("cheap", "export default () => 'cheap';", SnapshotPolicy::kAuto);
  ASSERT_OK(Deploy(cheap));
  EXPECT_EQ(cheap->snapshot, nullptr);

  // ~100 ms of top-level CPU (V8 runs at full speed in sanitizer builds too), well above the
  // 20 ms threshold; the cheap one is far below it.
  constexpr char kExpensive[] = R"(
    let x = 0;
    for (let i = 0; i < 10_000_000; i++) x = (x + i * 7) % 1000003;
    export default () => String(x);)";
  auto expensive = Spec("expensive", kExpensive, SnapshotPolicy::kAuto);
  ASSERT_OK(Deploy(expensive));
  ASSERT_NE(expensive->snapshot, nullptr);
  EXPECT_GE(expensive->snapshot->top_level_cpu_us, 20'000);
  const v1::InvokeResponse response = InvokeCold(expensive, 1);
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  EXPECT_FALSE(response.response().body().empty());

  auto never = Spec("never", kExpensive, SnapshotPolicy::kNever);
  ASSERT_OK(Deploy(never));
  EXPECT_EQ(never->snapshot, nullptr);
  EXPECT_EQ(InvokeCold(never, 1).response().body(), response.response().body());
}

TEST_F(FunctionSnapshotTest, BuilderVerdictsMatchTheGenericLoad) {
  for (SnapshotPolicy policy : {SnapshotPolicy::kAlways, SnapshotPolicy::kAuto}) {
    SCOPED_TRACE(static_cast<int>(policy));
    absl::Status status = Deploy(Spec("broken", "export default {\n  fetch() {}}\n}", policy));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("broken.js:3:1"));

    status = Deploy(Spec("throws", "throw new TypeError('nope'); export default 1;", policy));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("TypeError: nope"));

    status = Deploy(Spec("nohandler", "export default 42;", policy));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);

    status = Deploy(Spec("endless", "while (true) {} export default () => 1;", policy));
    // The CPU budget, or on a machine loaded enough to give it less than the CPU budget's
    // worth of CPU within the wall-clock budget, that one.
    EXPECT_THAT(status.code(),
                AnyOf(absl::StatusCode::kOutOfRange, absl::StatusCode::kDeadlineExceeded))
        << status;

    status = Deploy(Spec("hog", "const a = []; while (true) a.push({ a: [1, 2, 3] });", policy));
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;

    status = Deploy(Spec("buffers", R"(
      const kept = [];
      for (let i = 0; i < 100; i++) kept.push(new Uint8Array(1 << 20));
      export default () => String(kept.length);)",
                         policy));
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;

    auto evil = Spec("evil", "export default () => eval('1');", policy);
    ASSERT_OK(Deploy(evil));
    const v1::InvokeResponse refused = InvokeCold(evil, 1);
    EXPECT_EQ(refused.outcome(), v1::OUTCOME_USER_ERROR);
    EXPECT_THAT(refused.error(), HasSubstr("EvalError"));
  }
}

TEST_F(FunctionSnapshotTest, ModifiedBuiltInsStayInTheirFunction) {
  auto patcher = Spec("patcher", R"(
    Array.prototype.includes = () => 'patched';
    globalThis.shared = 'patcher';
    export default () => [1].includes(2) + ':' + globalThis.shared;)",
                      SnapshotPolicy::kAlways);
  auto reader = Spec("reader", R"(
    export default () => [1].includes(2) + ':' + globalThis.shared;)",
                     SnapshotPolicy::kAlways);
  auto generic = Spec("generic", R"(
    export default () => [1].includes(2) + ':' + globalThis.shared;)",
                      SnapshotPolicy::kNever);
  ASSERT_OK(Deploy(patcher));
  ASSERT_OK(Deploy(reader));
  ASSERT_OK(Deploy(generic));
  for (int worker : {0, 1}) {
    EXPECT_EQ(InvokeCold(patcher, worker).response().body(), "patched:patcher");
    EXPECT_EQ(InvokeCold(reader, worker).response().body(), "false:undefined");
    EXPECT_EQ(InvokeCold(generic, worker).response().body(), "false:undefined");
  }
}

TEST_F(FunctionSnapshotTest, OneCharacterStringsAsKeysAtTheTopLevel) {
  // Crashed the process that booted an isolate from the blob before hearth-snapshot-tool
  // hashed these strings into the runtime snapshot (HashOneCharacterStrings there).
  auto spec = Spec("one-char", R"(
    const keys = {};
    for (let i = 0; i < 256; i++) keys[String.fromCharCode(i)] = String.fromCodePoint(i);
    export default () => Object.keys(keys).length + ':' + keys.a;)",
                   SnapshotPolicy::kAlways);
  ASSERT_OK(Deploy(spec));
  for (int worker : {0, 1}) {
    EXPECT_EQ(InvokeCold(spec, worker).response().body(), "256:a");
  }
}

TEST_F(FunctionSnapshotTest, ManyDistinctSnapshotsLiveTogether) {
  // Blobs of different functions, all built on the runtime snapshot, with isolates of each
  // alive at once on both workers.
  std::vector<std::shared_ptr<FunctionSpec>> specs;
  for (int i = 0; i < 8; ++i) {
    specs.push_back(Spec(absl::StrCat("f", i),
                         absl::StrCat(R"(
      const words = [];
      for (let k = 0; k < 500; k++) words.push('w' + k * )",
                                      i + 1, R"();
      const id = 'id-)",
                                      i, R"(';
      export default { fetch: () => new Response(id + ':' + words[499]) };)"),
                         SnapshotPolicy::kAlways));
    ASSERT_TRUE(Deploy(specs.back(), i % 2).ok());
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 8; ++i) {
      const v1::InvokeResponse response = InvokeCold(specs[i], (i + round) % 2);
      EXPECT_EQ(response.response().body(), absl::StrCat("id-", i, ":w", 499 * (i + 1)));
    }
  }
}

TEST_F(FunctionSnapshotTest, FunctionWithEnvSeesItAfterBoot) {
  auto spec = Spec("env", "export default (request, env) => env.GREETING + ' ' + env.WHO;",
                   SnapshotPolicy::kAlways);
  spec->env = {{"GREETING", "hello"}, {"WHO", "snapshot"}};
  ASSERT_OK(Deploy(spec));
  EXPECT_EQ(InvokeCold(spec, 1).response().body(), "hello snapshot");
}

TEST_F(FunctionSnapshotTest, ConcurrentDeploysEachGetTheirOwnSnapshot) {
  // Snapshots are built side by side (one builder per worker): distinct functions and two
  // deploys of one version, all at once, each end up with a blob holding its own state, and
  // the shared cache file is whole.
  std::vector<std::shared_ptr<FunctionSpec>> specs;
  for (int i = 0; i < 4; ++i) {
    specs.push_back(Spec(absl::StrCat("c", i),
                         absl::StrCat("const id = 'c", i, "'; const big = [];\n",
                                      "for (let k = 0; k < 2000; k++) big.push({ k });\n",
                                      "export default () => id + ':' + big.length;"),
                         SnapshotPolicy::kAlways));
  }
  auto twin = MakeSpec(pool_, specs[0]->name, specs[0]->source, specs[0]->version);
  twin->snapshot_policy = SnapshotPolicy::kAlways;
  specs.push_back(twin);

  absl::Mutex mu;
  std::vector<absl::Status> results(specs.size());
  int remaining = static_cast<int>(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    pool_.MakeSnapshot(specs[i], [&, i](absl::Status status) {
      absl::MutexLock lock(&mu);
      results[i] = std::move(status);
      --remaining;
    });
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* left) { return *left == 0; }, &remaining));
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    ASSERT_OK(results[i]);
    ASSERT_NE(specs[i]->snapshot, nullptr) << i;
    const std::string expected = absl::StrCat("c", i % 4, ":2000");
    EXPECT_EQ(InvokeCold(specs[i], static_cast<int>(i % 2)).response().body(), expected);
  }
  EXPECT_GT(specs[4]->snapshot->top_level_cpu_us, 0);
  // The twin deploys wrote one cache entry; a new pool reads it back whole.
  auto again = MakeSpec(pool_, twin->name, twin->source, twin->version);
  again->snapshot_policy = SnapshotPolicy::kAlways;
  ASSERT_TRUE(SnapshotCache(dir_).Load(SnapshotKey(*again)).has_value());
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_THAT(entry.path().string(), Not(HasSubstr(".tmp")));  // none left behind
  }
}

TEST_F(FunctionSnapshotTest, CodeCachesOfGenericFunctionsSurviveARestart) {
  // A function without a snapshot: its code cache, made after its first invocation, is
  // kept beside the snapshots; a restarted pool's first load compiles from it.
  std::string source = "export default () => 'kept:' + helper3(2);\n";
  for (int i = 0; i < 40; ++i) {
    source += absl::StrCat("export function helper", i, "(x) { return x * ", i, " + 1; }\n");
  }
  auto spec = Spec("kept", source, SnapshotPolicy::kNever);
  ASSERT_OK(Deploy(spec));
  EXPECT_EQ(Invoke(spec).response().body(), "kept:7");
  const std::string file = absl::StrCat(dir_, "/", CodeCacheKey(*spec), ".snapshot");
  // Written by the worker right after the answer: wait (bounded) for it.
  for (int i = 0; i < 2000 && !std::filesystem::exists(file); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(std::filesystem::exists(file));

  const FunctionCodeCache::Totals before = FunctionCodeCache::totals();
  {
    IsolatePool restarted(Options(dir_));
    auto again = MakeSpec(restarted, spec->name, spec->source, spec->version);
    again->snapshot_policy = SnapshotPolicy::kNever;
    absl::Notification made;
    restarted.MakeSnapshot(again, [&](absl::Status) { made.Notify(); });
    made.WaitForNotification();
    absl::Notification prepared;
    absl::Status status;
    restarted.Prepare(0, again, [&](absl::Status s) {
      status = s;
      prepared.Notify();
    });
    prepared.WaitForNotification();
    ASSERT_OK(status);
  }
  const FunctionCodeCache::Totals after = FunctionCodeCache::totals();
  EXPECT_EQ(after.loaded, before.loaded + 1);
  EXPECT_EQ(after.used, before.used + 1);  // the restarted pool's load
  EXPECT_EQ(after.rejected, before.rejected);

  pool_.ForgetSnapshot(*spec);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(FunctionSnapshotTest, DiskCacheServesANewPoolAndDamagedEntriesAreRebuilt) {
  auto spec = Spec("cached", kStatefulSource, SnapshotPolicy::kAlways);
  ASSERT_OK(Deploy(spec));
  const std::string stamp = Parse(Invoke(spec)).stamp;
  const std::string file = absl::StrCat(dir_, "/", SnapshotKey(*spec), ".snapshot");
  ASSERT_TRUE(std::filesystem::exists(file));

  // A second pool (an agent restart) with the same cache: the same top-level run.
  auto again = MakeSpec(pool_, spec->name, spec->source, spec->version);
  again->snapshot_policy = SnapshotPolicy::kAlways;
  // A store a crash cut short left its temporary file: the restarted pool removes it.
  const std::string leftover = absl::StrCat(dir_, "/", SnapshotKey(*spec), ".snapshot.tmp.1.2");
  std::ofstream(leftover) << "partial";
  {
    IsolatePool restarted(Options(dir_));
    EXPECT_FALSE(std::filesystem::exists(leftover));
    absl::Notification made;
    absl::Status status;
    restarted.MakeSnapshot(again, [&](absl::Status s) {
      status = s;
      made.Notify();
    });
    made.WaitForNotification();
    ASSERT_TRUE(status.ok()) << status;
    ASSERT_NE(again->snapshot, nullptr);
    EXPECT_EQ(again->snapshot->blob, spec->snapshot->blob);
  }

  // A damaged file is thrown away and the function built again: a new top-level run.
  {
    std::fstream damage(file, std::ios::in | std::ios::out | std::ios::binary);
    damage.seekp(-10, std::ios::end);
    damage.write("XXXXXXXXXX", 10);
  }
  auto rebuilt = MakeSpec(pool_, spec->name, spec->source, spec->version);
  rebuilt->snapshot_policy = SnapshotPolicy::kAlways;
  ASSERT_OK(Deploy(rebuilt));
  EXPECT_NE(Parse(InvokeCold(rebuilt)).stamp, stamp);

  pool_.ForgetSnapshot(*rebuilt);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(FunctionSnapshotTest, ABlobWithOneByteFlippedOnDiskIsNeverUsed) {
  auto spec = Spec("flipped", kStatefulSource, SnapshotPolicy::kAlways);
  ASSERT_OK(Deploy(spec));
  const std::string stamp = Parse(Invoke(spec)).stamp;
  const std::string key = SnapshotKey(*spec);
  const std::string file = absl::StrCat(dir_, "/", key, ".snapshot");
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), spec->snapshot->blob.size());
  // One bit in the middle of the blob, where V8 (which does not checksum blobs here) could
  // well boot from it and run on damaged state.
  const size_t at = bytes.size() - spec->snapshot->blob.size() / 2;
  bytes[at] = static_cast<char>(bytes[at] ^ 0x10);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  const std::string damaged_blob = bytes.substr(bytes.size() - spec->snapshot->blob.size());

  // A restarted agent: the entry is refused, the function built again and still works.
  auto again = MakeSpec(pool_, spec->name, spec->source, spec->version);
  again->snapshot_policy = SnapshotPolicy::kAlways;
  {
    IsolatePool restarted(Options(dir_));
    absl::Notification made;
    absl::Status status;
    restarted.MakeSnapshot(again, [&](absl::Status s) {
      status = s;
      made.Notify();
    });
    made.WaitForNotification();
    ASSERT_TRUE(status.ok()) << status;
  }
  ASSERT_NE(again->snapshot, nullptr);
  EXPECT_NE(again->snapshot->blob, damaged_blob);
  // Kept again, whole: the next restart finds a good entry.
  std::optional<SnapshotCache::Entry> stored = SnapshotCache(dir_).Load(key);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->blob, again->snapshot->blob);
  ASSERT_OK(Prepare(again, 1));
  const Reply reply = Parse(InvokeCold(again, 1));
  EXPECT_EQ(reply.n, 1000);
  EXPECT_NE(reply.stamp, stamp);  // a new top-level run, not the damaged one
}

class SnapshotCapTest : public FreshStateDir, public PoolTestBase {
 protected:
  static IsolatePoolOptions CappedOptions(const std::string& dir) {
    IsolatePoolOptions options = PoolTestBase::Options();
    options.snapshot_cache_dir = dir;
    options.snapshot_max_mb = 1;
    return options;
  }
  SnapshotCapTest() : PoolTestBase(CappedOptions(dir_)) {}
};

TEST_F(SnapshotCapTest, ASnapshotOverTheCapIsRefused) {
  auto small = Spec("small", kStatefulSource);
  small->snapshot_policy = SnapshotPolicy::kAlways;
  ASSERT_OK(Deploy(small));  // ~0.6 MB

  auto large = Spec("large", R"(
    const rows = [];
    for (let i = 0; i < 100000; i++) rows.push({ i, name: 'row' + i });
    export default () => String(rows.length);)");
  large->snapshot_policy = SnapshotPolicy::kAlways;
  const absl::Status status = Deploy(large);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(status.message(), HasSubstr("over the cap of 1048576 bytes"));
  EXPECT_FALSE(std::filesystem::exists(absl::StrCat(dir_, "/", SnapshotKey(*large), ".snapshot")));
}

}  // namespace
}  // namespace hearth
