// IsolatePool with real V8 isolates on real worker threads: loading functions, running
// them, and every way a function can fail.
#include "isolate_pool/isolate_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "isolate_pool/testing/pool_test_base.h"
#include "isolate_pool/v8_platform.h"

namespace hearth {
namespace {

using ::testing::HasSubstr;

class IsolatePoolTest : public PoolTestBase {
 protected:
  static IsolatePoolOptions Options() {
    IsolatePoolOptions options = PoolTestBase::Options();
    options.default_limits = {.cpu_ms = 200, .memory_mb = 32, .timeout_ms = 2000};
    options.idle_sweep_interval_ms = 20;
    options.boot_cpu_ms = 300;
    return options;
  }

  IsolatePoolTest() : PoolTestBase(Options()) {}
};

TEST_F(IsolatePoolTest, RunsFetchHandlerAndReturnsStatusHeadersAndBody) {
  auto spec = Spec("hello", R"(
    export default {
      fetch(request, env) {
        return new Response('hi ' + request.method + ' ' + request.url, {
          status: 201, headers: { 'x-answer': '42' } });
      }
    };)");
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeRequest request;
  request.mutable_request()->set_method("POST");
  request.mutable_request()->set_url("/path?q=1");
  v1::InvokeResponse response = Invoke(spec, 0, request);
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  EXPECT_EQ(response.response().status(), 201u);
  EXPECT_EQ(response.response().body(), "hi POST http://localhost/path?q=1");
  bool found = false;
  for (const auto& header : response.response().headers()) {
    if (header.name() == "x-answer" && header.value() == "42") found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(IsolatePoolTest, PlainFunctionReturningObjectBecomesJson) {
  auto spec = Spec("json", "export default (req, env) => ({ a: 1, who: env.WHO });");
  spec->env = {{"WHO", "ada"}};
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  EXPECT_EQ(response.response().body(), R"({"a":1,"who":"ada"})");
}

TEST_F(IsolatePoolTest, RequestBodyAndHeadersReachTheHandler) {
  auto spec = Spec("echo", R"(
    export default { async fetch(r) { return r.headers.get('x-in') + ':' + await r.text(); } };)");
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeRequest request;
  request.mutable_request()->set_method("PUT");
  request.mutable_request()->set_body("payload");
  auto* header = request.mutable_request()->add_headers();
  header->set_name("X-In");
  header->set_value("v");
  v1::InvokeResponse response = Invoke(spec, 0, request);
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  EXPECT_EQ(response.response().body(), "v:payload");
}

TEST_F(IsolatePoolTest, SyntaxErrorIsRefusedWithLineAndColumn) {
  absl::Status status = Prepare(Spec("broken", "export default {\n  fetch() { return 1 }}\n}"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("broken.js:3:1"));
  EXPECT_THAT(status.message(), HasSubstr("SyntaxError"));
}

TEST_F(IsolatePoolTest, MissingHandlerAndThrowingTopLevelAreRefused) {
  absl::Status no_handler = Prepare(Spec("nohandler", "export const x = 1;"));
  EXPECT_EQ(no_handler.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_handler.message(), HasSubstr("default export"));

  absl::Status throws = Prepare(Spec("throws", "throw new Error('boom at load');"));
  EXPECT_EQ(throws.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(throws.message(), HasSubstr("boom at load"));

  absl::Status imports = Prepare(Spec("imports", "import x from 'fs'; export default () => x;"));
  EXPECT_EQ(imports.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(imports.message(), HasSubstr("cannot import 'fs'"));
}

TEST_F(IsolatePoolTest, EndlessTopLevelIsStoppedAtTheBootBudgetAndTheWorkerGoesOn) {
  absl::Status status = Prepare(Spec("endless", "for (;;) {} export default () => 1;"));
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(status.message(), HasSubstr("boot CPU budget"));
  auto fine = Spec("fine", "export default () => 'fine';");
  ASSERT_TRUE(Prepare(fine).ok());
  EXPECT_EQ(Invoke(fine).response().body(), "fine");
}

TEST_F(IsolatePoolTest, ThrowingHandlerIsUserErrorWithMessageAndStack) {
  auto spec = Spec("thrower", R"(
    function inner() { throw new TypeError('bad thing'); }
    export default { fetch() { inner(); } };)");
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  EXPECT_EQ(response.outcome(), v1::OUTCOME_USER_ERROR);
  EXPECT_THAT(response.error(), HasSubstr("TypeError: bad thing"));
  EXPECT_THAT(response.error(), HasSubstr("at inner"));
  EXPECT_FALSE(response.has_response());
  // The isolate keeps serving.
  EXPECT_EQ(Invoke(spec).outcome(), v1::OUTCOME_USER_ERROR);
}

TEST_F(IsolatePoolTest, RejectedPromiseIsUserError) {
  auto spec = Spec("rejects", "export default async () => { throw new RangeError('nope'); };");
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  EXPECT_EQ(response.outcome(), v1::OUTCOME_USER_ERROR);
  EXPECT_THAT(response.error(), HasSubstr("RangeError: nope"));
}

TEST_F(IsolatePoolTest, NonResponseResultIsBadResponse) {
  for (const char* result : {"undefined", "42", "null", "() => 1", "new (class Foo {})()"}) {
    auto spec = Spec("bad", absl::StrCat("export default () => ", result, ";"));
    ASSERT_TRUE(Prepare(spec).ok());
    v1::InvokeResponse response = Invoke(spec);
    EXPECT_EQ(response.outcome(), v1::OUTCOME_BAD_RESPONSE) << result;
    EXPECT_FALSE(response.error().empty()) << result;
  }
}

TEST_F(IsolatePoolTest, BusyLoopIsStoppedAtTheCpuLimitAndTheIsolateReplaced) {
  auto spec = Spec("spin", R"(
    let calls = 0;
    export default (request) => {
      ++calls;
      if (request.url.endsWith('/spin')) { for (;;) {} }
      return 'calls=' + calls;
    };)");
  spec->limits.cpu_ms = 30;
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeRequest spin;
  spin.mutable_request()->set_url("/spin");
  v1::InvokeResponse spun = Invoke(spec, 0, spin);
  EXPECT_EQ(spun.outcome(), v1::OUTCOME_CPU_LIMIT);
  EXPECT_THAT(spun.error(), HasSubstr("CPU limit of 30 ms"));
  EXPECT_GE(spun.report().cpu_us(), 30'000u);
  // The next invocation runs in a fresh isolate: the module state starts over.
  v1::InvokeResponse next = Invoke(spec);
  ASSERT_EQ(next.outcome(), v1::OUTCOME_OK) << next.error();
  EXPECT_EQ(next.response().body(), "calls=1");  // Fresh module state: a new isolate
  // (booted in the background to keep min_warm, so it may well be warm already).
}

TEST_F(IsolatePoolTest, PromiseThatNeverSettlesTimesOut) {
  auto spec = Spec("hang", "export default () => new Promise(() => {});");
  spec->limits.timeout_ms = 100;
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  EXPECT_EQ(response.outcome(), v1::OUTCOME_TIMEOUT);
}

TEST_F(IsolatePoolTest, HeapHogIsStoppedAtTheMemoryLimit) {
  auto spec = Spec("hog", R"(
    export default () => { const keep = []; for (;;) keep.push({ a: [1, 2, 3], s: 'x' + keep.length }); };)");
  spec->limits.cpu_ms = 10'000;
  spec->limits.memory_mb = 16;
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  EXPECT_EQ(response.outcome(), v1::OUTCOME_MEMORY_LIMIT) << response.error();
}

TEST_F(IsolatePoolTest, ArrayBufferMemoryCountsAgainstTheMemoryLimit) {
  auto spec = Spec("buffers", R"(
    export default () => { const keep = []; for (let i = 0; i < 100; i++) keep.push(new Uint8Array(1 << 20)); return 'kept'; };)");
  spec->limits.memory_mb = 16;
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  EXPECT_EQ(response.outcome(), v1::OUTCOME_MEMORY_LIMIT) << response.error();
}

TEST_F(IsolatePoolTest, ConsoleOutputIsCapturedInTheReport) {
  auto spec = Spec("logger", R"(
    export default () => { console.log('hello', 42, { a: 1 }); console.error('bad'); return 'ok'; };)");
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  ASSERT_EQ(response.report().logs_size(), 2);
  EXPECT_EQ(response.report().logs(0), "log: hello 42 { a: 1 }");
  EXPECT_EQ(response.report().logs(1), "error: bad");
}

TEST_F(IsolatePoolTest, BuiltInsAreRecognisedByWhatTheyAreNotByTheirPrototype) {
  // The runtime tells buffers, promises and the objects console formats apart natively:
  // forgeries with the right prototype are not taken for the real thing.
  auto spec = Spec("brands", R"(
    export default async (request) => {
      const what = request.url.slice(request.url.indexOf('?') + 1);
      if (what === 'buffer') return new Uint8Array([104, 105]).buffer;
      if (what === 'forged-buffer') return Object.create(ArrayBuffer.prototype);
      if (what === 'promise') return Promise.resolve('resolved');
      console.log(new Date(0), /a+/g, new Number(4), new String('s'), new Boolean(false));
      console.log(new Map([[1, 2]]).size, new Set([3]).size);
      console.log(Object.create(Date.prototype), Object.create(Map.prototype));
      return 'logged';
    };)");
  ASSERT_TRUE(Prepare(spec).ok());
  auto invoke = [&](const std::string& what) {
    v1::InvokeRequest request;
    request.mutable_request()->set_url("/?" + what);
    return Invoke(spec, 0, request);
  };
  v1::InvokeResponse buffer = invoke("buffer");
  ASSERT_EQ(buffer.outcome(), v1::OUTCOME_OK) << buffer.error();
  EXPECT_EQ(buffer.response().body(), "hi");
  v1::InvokeResponse forged = invoke("forged-buffer");
  EXPECT_EQ(forged.outcome(), v1::OUTCOME_BAD_RESPONSE);
  EXPECT_THAT(forged.error(), HasSubstr("an instance of ArrayBuffer"));
  v1::InvokeResponse promise = invoke("promise");
  ASSERT_EQ(promise.outcome(), v1::OUTCOME_OK) << promise.error();
  EXPECT_EQ(promise.response().body(), "resolved");
  v1::InvokeResponse logged = invoke("log");
  ASSERT_EQ(logged.outcome(), v1::OUTCOME_OK) << logged.error();
  ASSERT_EQ(logged.report().logs_size(), 3);
  EXPECT_EQ(logged.report().logs(0),
            "log: 1970-01-01T00:00:00.000Z /a+/g [Number: 4] [String: 's'] [Boolean: false]");
  EXPECT_EQ(logged.report().logs(1), "log: 1 1");
  EXPECT_EQ(logged.report().logs(2), "log: Date {} Map {}");  // plain objects, not a date or map
}

TEST_F(IsolatePoolTest, ReportSaysColdThenWarm) {
  auto spec = Spec("temp", "export default () => 'x';");
  // Not prepared: the first invocation boots an isolate.
  v1::InvokeResponse first = Invoke(spec, 1);
  ASSERT_EQ(first.outcome(), v1::OUTCOME_OK) << first.error();
  EXPECT_TRUE(first.report().cold());
  EXPECT_GT(first.report().boot_us(), 0u);
  EXPECT_EQ(first.report().worker(), 1u);
  v1::InvokeResponse second = Invoke(spec, 1);
  EXPECT_FALSE(second.report().cold());
  EXPECT_EQ(second.report().boot_us(), 0u);
  EXPECT_GT(second.report().heap_bytes(), 0u);
  v1::InvokeRequest cold;
  cold.set_force_cold(true);
  EXPECT_TRUE(Invoke(spec, 1, cold).report().cold());
}

TEST_F(IsolatePoolTest, IsolatesAreRecycledAfterTheirInvocationQuota) {
  auto spec = Spec("quota", "let n = 0; export default () => String(++n);");
  spec->pool.max_invocations_per_isolate = 2;
  ASSERT_TRUE(Prepare(spec).ok());
  std::vector<std::string> bodies;
  for (int i = 0; i < 5; ++i) bodies.push_back(Invoke(spec).response().body());
  // Each isolate serves two invocations, then a fresh one (module state anew) takes over.
  EXPECT_EQ(bodies, (std::vector<std::string>{"1", "2", "1", "2", "1"}));
}

TEST_F(IsolatePoolTest, NewIsolatesBootIntoTheMemoryOfDisposedOnesAndStartClean) {
  // Each isolate fills a few MB of heap, serves one call and is disposed; the next boots
  // into pages it left (reusing_page_allocator.h) and must see none of its state.
  auto spec = Spec("filler", R"(
    let calls = 0;
    const junk = [];
    export default () => {
      for (let i = 0; i < 20000; ++i) junk.push({ i, s: 'x' + i });
      return `${++calls}:${junk.length}:${globalThis.leak ?? 'none'}`;
    };
    globalThis.leak = undefined;)");
  spec->pool.max_invocations_per_isolate = 1;
  ASSERT_TRUE(Prepare(spec).ok());
  const ReusingPageAllocator::Stats before = IsolatePageStats();
  // Disposal is asynchronous (on the reserve booter): go on, bounded, until disposed
  // memory was zeroed and boots reused kept memory; no timing is asserted.
  const int64_t give_up = MonotonicMicros() + 20'000'000;
  int calls = 0;
  auto reused_disposed_memory = [&] {
    // Zeroed bytes come from freed regions; reused ones may also come from the stocker.
    const ReusingPageAllocator::Stats now = IsolatePageStats();
    return now.zeroed_bytes > before.zeroed_bytes && now.reused_regions > before.reused_regions;
  };
  while (!reused_disposed_memory() && MonotonicMicros() < give_up) {
    v1::InvokeResponse response = Invoke(spec, ++calls % 2);
    ASSERT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
    EXPECT_EQ(response.response().body(), "1:20000:none");
  }
  const ReusingPageAllocator::Stats after = IsolatePageStats();
  EXPECT_GT(after.reused_regions, before.reused_regions);
  EXPECT_GT(after.zeroed_bytes, before.zeroed_bytes);
  // And once more on memory that surely was another isolate's.
  EXPECT_EQ(Invoke(spec, 0).response().body(), "1:20000:none");
}

TEST_F(IsolatePoolTest, IdleIsolatesAreEvictedAfterTheirTtlButNeverBelowMinWarm) {
  auto spec = Spec("ttl", "export default () => 'x';");
  // Long enough for four cold starts under ASan on a busy machine.
  spec->pool.idle_ttl_ms = 1000;
  spec->pool.min_warm = 1;
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeRequest cold;
  cold.set_force_cold(true);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(Invoke(spec, i % 2, cold).outcome(), v1::OUTCOME_OK);
  EXPECT_GE(spec->stats->warm_isolates.load(), 2);  // The cold ones went idle too.
  auto warm = [&] { return spec->stats->warm_isolates.load(); };
  const int64_t give_up = MonotonicMicros() + 10'000'000;
  while (warm() > 1 && MonotonicMicros() < give_up) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(warm(), 1);
  // Many sweeps later, min_warm still holds, and the kept isolate still serves warm.
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(warm(), 1);
  EXPECT_EQ(spec->stats->busy_isolates.load(), 0);
}

TEST_F(IsolatePoolTest, MaxIsolatesMakesInvocationsWaitForTheirFunctionsIsolate) {
  auto spec = Spec("capped", R"(
    export default async (request) => {
      if (request.url.endsWith('/hold')) await new Promise(() => {});  // Until its timeout.
      return 'done';
    };)");
  spec->pool.max_isolates = 1;
  spec->limits.timeout_ms = 3000;
  ASSERT_TRUE(Prepare(spec, 0).ok());

  absl::Mutex mu;
  std::vector<std::string> finished;  // In completion order.
  struct Call {
    v1::InvokeRequest request;
    v1::InvokeResponse response;
    absl::Status status;
    absl::Notification done;
  };
  // `deadline_ms` stands for the caller's deadline, tighter than the function's timeout.
  auto submit = [&](Call& call, const std::string& name, const std::string& url, int worker,
                    int deadline_ms) {
    call.request.mutable_request()->set_url(url);
    auto invocation = std::make_unique<Invocation>();
    invocation->function = spec;
    invocation->request = &call.request;
    invocation->response = &call.response;
    invocation->accepted_us = MonotonicMicros();
    invocation->deadline_us = invocation->accepted_us + deadline_ms * 1000;
    invocation->done = [&, name](absl::Status status) {
      call.status = std::move(status);
      {
        absl::MutexLock lock(&mu);
        finished.push_back(name);
      }
      call.done.Notify();
    };
    pool_.Invoke(worker, std::move(invocation));
  };
  Call held, waiting, elsewhere;
  submit(held, "held", "/hold", 0, 300);
  submit(waiting, "waiting", "/", 0, 3000);
  submit(elsewhere, "elsewhere", "/", 1, 3000);  // Nothing on worker 1 will come free.
  held.done.WaitForNotification();
  waiting.done.WaitForNotification();
  elsewhere.done.WaitForNotification();

  EXPECT_EQ(held.response.outcome(), v1::OUTCOME_TIMEOUT);
  ASSERT_TRUE(waiting.status.ok()) << waiting.status;
  EXPECT_EQ(waiting.response.outcome(), v1::OUTCOME_OK);
  EXPECT_EQ(waiting.response.response().body(), "done");
  EXPECT_EQ(elsewhere.status.code(), absl::StatusCode::kResourceExhausted);
  absl::MutexLock lock(&mu);
  // The waiting invocation could only start once the held one had let its isolate go.
  const auto held_at = std::find(finished.begin(), finished.end(), "held");
  const auto waiting_at = std::find(finished.begin(), finished.end(), "waiting");
  EXPECT_LT(held_at, waiting_at);
}

TEST(IsolatePoolBudget, LeastRecentlyUsedIdleIsolatesGoWhenTheMemoryBudgetIsReached) {
  IsolatePoolOptions options;
  options.workers = 1;
  options.reserve_per_worker = 0;
  options.isolate_memory_budget_mb = 12;  // Room for a handful of small isolates.
  IsolatePool pool(options);
  std::vector<std::shared_ptr<FunctionSpec>> specs;
  for (int i = 0; i < 16; ++i) {
    auto spec = MakeSpec(pool, absl::StrCat("f", i), "export default () => 'x';", "v");
    absl::Notification done;
    pool.Prepare(0, spec, [&](absl::Status status) {
      EXPECT_TRUE(status.ok()) << status;
      done.Notify();
    });
    done.WaitForNotification();
    specs.push_back(std::move(spec));
  }
  int64_t warm = 0;
  for (const auto& spec : specs) warm += spec->stats->warm_isolates.load();
  EXPECT_LT(warm, 16);                                       // Some had to go...
  EXPECT_GE(warm, 1);                                        // ...not all of them...
  EXPECT_EQ(specs.front()->stats->warm_isolates.load(), 0);  // ...the oldest first...
  EXPECT_EQ(specs.back()->stats->warm_isolates.load(), 1);   // ...never the newest.
}

TEST(IsolatePoolWedge, AWedgedWorkerIsReplacedAndItsPlaceKeepsServing) {
  IsolatePoolOptions options;
  options.workers = 1;
  IsolatePool pool(options);
  std::atomic<int> told{0};
  pool.SetWedgeListener([&] { told.fetch_add(1); });
  auto spec = MakeSpec(pool, "f", "export default () => 'served';", "v");
  auto invoke = [&] {
    v1::InvokeRequest request;
    v1::InvokeResponse response;
    absl::Notification done;
    auto invocation = std::make_unique<Invocation>();
    invocation->function = spec;
    invocation->request = &request;
    invocation->response = &response;
    invocation->accepted_us = MonotonicMicros();
    invocation->deadline_us = invocation->accepted_us + 10'000'000;
    invocation->done = [&](absl::Status status) {
      EXPECT_TRUE(status.ok()) << status;
      done.Notify();
    };
    pool.Invoke(0, std::move(invocation));
    done.WaitForNotification();
    return response;
  };
  // Marked before it ran anything: a worker that is not really stuck would report itself
  // back when it next disarms its watchdog slot.
  pool.MarkWedgedForTesting(0);
  EXPECT_GE(told.load(), 1);
  EXPECT_FALSE(pool.Wedged(0));       // A fresh worker took its place...
  EXPECT_TRUE(pool.ThreadWedged(0));  // ...and the wedged one is still reported.
  EXPECT_EQ(pool.WedgedWorkers(), 1);
  ASSERT_EQ(pool.WorkerThreads(), 2);
  const v1::InvokeResponse after = invoke();
  EXPECT_EQ(after.outcome(), v1::OUTCOME_OK) << after.error();
  EXPECT_EQ(after.response().body(), "served");
  EXPECT_EQ(after.report().worker(), 1u);

  // Spares are bounded (one per worker): a second wedge is not replaced.
  pool.MarkWedgedForTesting(0);
  EXPECT_EQ(pool.WorkerThreads(), 2);
}

TEST_F(IsolatePoolTest, ARetiredIsolateIsReplacedToKeepMinWarm) {
  auto spec = Spec("replenished", "export default () => 'x';");
  spec->pool.min_warm = 1;
  spec->pool.max_invocations_per_isolate = 1;  // Every invocation retires its isolate.
  ASSERT_TRUE(Prepare(spec).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Invoke(spec).outcome(), v1::OUTCOME_OK);
    const int64_t give_up = MonotonicMicros() + 10'000'000;
    while (spec->stats->warm_isolates.load() < 1 && MonotonicMicros() < give_up) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_EQ(spec->stats->warm_isolates.load(), 1) << "after invocation " << i;
  }
  EXPECT_FALSE(Invoke(spec).report().cold());  // The replacement serves warm.
  // A superseded version is not replenished.
  spec->superseded = true;
  ASSERT_EQ(Invoke(spec).outcome(), v1::OUTCOME_OK);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(spec->stats->warm_isolates.load(), 0);
}

TEST_F(IsolatePoolTest, GlobalStatePersistsInAnIsolateButNeverCrossesFunctions) {
  auto counter = Spec("counter", R"(
    globalThis.count = (globalThis.count ?? 0);
    Array.prototype.polluted = 'yes';
    export default () => String(++globalThis.count);)");
  auto reader = Spec("reader", R"(
    export default () => String(globalThis.count) + ',' + String([].polluted);)");
  ASSERT_TRUE(Prepare(counter).ok());
  ASSERT_TRUE(Prepare(reader).ok());
  EXPECT_EQ(Invoke(counter).response().body(), "1");
  EXPECT_EQ(Invoke(counter).response().body(), "2");
  EXPECT_EQ(Invoke(reader).response().body(), "undefined,undefined");
}

TEST_F(IsolatePoolTest, StringsAreNotCompiledAsCode) {
  auto spec = Spec("evil", "export default () => eval('1 + 1');");
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  EXPECT_EQ(response.outcome(), v1::OUTCOME_USER_ERROR);
  EXPECT_THAT(response.error(), HasSubstr("EvalError"));
}

TEST_F(IsolatePoolTest, NoWebAssemblyAndAsmJsRunsAsPlainJavaScript) {
  // No WebAssembly API, and asm.js is not compiled to WebAssembly behind the scenes: it
  // runs as the JavaScript it also is.
  auto spec = Spec("asm", R"(
    function Module(stdlib) {
      'use asm';
      function add(a, b) { a = a | 0; b = b | 0; return (a + b) | 0; }
      return { add: add };
    }
    const add = Module(globalThis).add;
    export default () => typeof WebAssembly + ':' + add(40, 2);)");
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  EXPECT_EQ(response.outcome(), v1::OUTCOME_OK) << response.error();
  EXPECT_EQ(response.response().body(), "undefined:42");
}

TEST_F(IsolatePoolTest, OversizedResponseIsBadResponse) {
  auto spec = Spec("big", "export default () => new Uint8Array(17 * 1024 * 1024);");
  spec->limits.memory_mb = 64;
  ASSERT_TRUE(Prepare(spec).ok());
  v1::InvokeResponse response = Invoke(spec);
  EXPECT_EQ(response.outcome(), v1::OUTCOME_BAD_RESPONSE);
  EXPECT_THAT(response.error(), HasSubstr("the limit is"));
}

TEST_F(IsolatePoolTest, ResolveLimitsAppliesDefaultsAndRefusesAboveCaps) {
  auto limits = pool_.ResolveLimits({.cpu_ms = 0, .memory_mb = 64, .timeout_ms = 0});
  ASSERT_TRUE(limits.ok());
  EXPECT_EQ(limits->cpu_ms, 200u);
  EXPECT_EQ(limits->memory_mb, 64u);
  auto too_much = pool_.ResolveLimits({.cpu_ms = 1'000'000});
  EXPECT_EQ(too_much.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_much.status().message(), HasSubstr("cpu_ms"));
}

}  // namespace
}  // namespace hearth

namespace hearth {
namespace {

// Many threads invoking several functions on both workers at once, cold and warm, while
// one of them is redeployed: every invocation gets exactly one answer, from the version
// it was submitted with. Run it under the asan preset too.
TEST_F(IsolatePoolTest, ConcurrentInvocationsAcrossWorkersStayCorrect) {
  std::vector<std::shared_ptr<FunctionSpec>> specs;
  for (int f = 0; f < 3; ++f) {
    specs.push_back(
        Spec(absl::StrCat("f", f), absl::StrCat(R"(
      let n = 0;
      export default async (request) => {
        await null;
        return 'f)",
                                                f, R"(:' + (++n > 0) + ':' + (await request.text());
      };)")));
    ASSERT_TRUE(Prepare(specs.back(), f % 2).ok());
  }
  auto redeployed = Spec("f0", "export default async (r) => 'f0:v2:' + (await r.text());");

  constexpr int kThreads = 4;
  constexpr int kPerThread = 150;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int f = (t + i) % 3;
        auto spec = (f == 0 && i >= kPerThread / 2) ? redeployed : specs[f];
        v1::InvokeRequest request;
        request.mutable_request()->set_method("POST");
        request.mutable_request()->set_body(absl::StrCat(t, "-", i));
        request.set_force_cold(i % 7 == 0);
        v1::InvokeResponse response = Invoke(spec, (t + i) % 2, request);
        const std::string expected = spec == redeployed ? absl::StrCat("f0:v2:", t, "-", i)
                                                        : absl::StrCat("f", f, ":true:", t, "-", i);
        if (response.outcome() != v1::OUTCOME_OK || response.response().body() != expected) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace hearth
