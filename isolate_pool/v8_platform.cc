// Compiled with -fno-rtti: HearthPlatform subclasses v8::Platform (libnode has no RTTI).
#include "isolate_pool/v8_platform.h"

#include <libplatform/libplatform.h>
#include <sys/random.h>
#include <v8-initialization.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <string>

namespace hearth {
namespace {

// Until the pool says otherwise (IsolatePoolOptions::page_retain_mb): enough for a few
// heavy isolates or a hundred small ones.
constexpr size_t kDefaultPageRetainBytes = size_t{128} << 20;

std::atomic<uint64_t> requested_seed{0};

std::atomic<bool> page_reuse{true};

std::atomic<PageProtection> page_protection{PageProtection::kFast};

// V8's entropy source: getrandom(2), never a file to open.
bool FillRandom(unsigned char* buffer, size_t length) {
  size_t filled = 0;
  while (filled < length) {
    const ssize_t got = getrandom(buffer + filled, length - filled, 0);
    if (got < 0 && errno != EINTR) return false;
    if (got > 0) filled += static_cast<size_t>(got);
  }
  return true;
}

// libplatform's default platform, except for the page allocator: isolates' memory is reused
// (reusing_page_allocator.h). V8 can be given only one platform, so this one forwards.
class HearthPlatform final : public v8::Platform {
 public:
  HearthPlatform(std::unique_ptr<v8::Platform> platform, bool reuse_pages,
                 PageProtection protection)
      : default_(std::move(platform)),
        pages_(reuse_pages ? ReusingPageAllocator::Create(default_->GetPageAllocator(),
                                                          kDefaultPageRetainBytes, protection)
                           : nullptr) {}

  v8::Platform* default_platform() { return default_.get(); }
  ReusingPageAllocator* pages() { return pages_.get(); }  // null without reuse

  v8::PageAllocator* GetPageAllocator() override {
    return pages_ != nullptr ? pages_->page_allocator() : default_->GetPageAllocator();
  }
  // V8 is short of memory: give back what we keep, then let it retry.
  void OnCriticalMemoryPressure() override {
    if (pages_ != nullptr) pages_->ReleaseKeptRegions();
  }
  bool OnCriticalMemoryPressure(size_t) override {
    return pages_ != nullptr && pages_->ReleaseKeptRegions();
  }

  v8::ZoneBackingAllocator* GetZoneBackingAllocator() override {
    return default_->GetZoneBackingAllocator();
  }
  int NumberOfWorkerThreads() override { return default_->NumberOfWorkerThreads(); }
  std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner(v8::Isolate* isolate) override {
    return default_->GetForegroundTaskRunner(isolate);
  }
  void CallOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    default_->CallOnWorkerThread(std::move(task));
  }
  void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    default_->CallBlockingTaskOnWorkerThread(std::move(task));
  }
  void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    default_->CallLowPriorityTaskOnWorkerThread(std::move(task));
  }
  void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task, double delay_in_seconds) override {
    default_->CallDelayedOnWorkerThread(std::move(task), delay_in_seconds);
  }
  bool IdleTasksEnabled(v8::Isolate* isolate) override {
    return default_->IdleTasksEnabled(isolate);
  }
  std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                         std::unique_ptr<v8::JobTask> job_task) override {
    return default_->PostJob(priority, std::move(job_task));
  }
  double MonotonicallyIncreasingTime() override { return default_->MonotonicallyIncreasingTime(); }
  double CurrentClockTimeMillis() override { return default_->CurrentClockTimeMillis(); }
  StackTracePrinter GetStackTracePrinter() override { return default_->GetStackTracePrinter(); }
  v8::TracingController* GetTracingController() override {
    return default_->GetTracingController();
  }
  void DumpWithoutCrashing() override { default_->DumpWithoutCrashing(); }
  v8::HighAllocationThroughputObserver* GetHighAllocationThroughputObserver() override {
    return default_->GetHighAllocationThroughputObserver();
  }

 private:
  const std::unique_ptr<v8::Platform> default_;
  const std::unique_ptr<ReusingPageAllocator> pages_;
};

struct V8State {
  HearthPlatform* platform;
  uint64_t hash_seed;
};

const V8State& State() {
  // Leaked on purpose: V8 cannot be re-initialised, and isolates may still be disposed
  // during static destruction.
  static const V8State state = [] {
    uint64_t seed = requested_seed.load();
    if (seed == 0) seed = RandomHashSeed();
    // No WebAssembly for now (PRODUCT.md section 5 does not offer it), nor asm.js compiled
    // to it: asm.js code runs as ordinary JavaScript, no WebAssembly compiler runs on a
    // function's code, and contexts are created without the WebAssembly API objects that
    // asm.js needs (V8 builds them in every new context, ~3% of a boot's CPU). The snapshot
    // builders run this same code, so both sides agree on every flag. No snapshot checksum:
    // V8 would recompute it on every isolate made from a blob, 0.1-0.2 ms per cold start,
    // and a mismatch there is a fatal CHECK that takes the agent down. Instead each blob is
    // verified once, with SHA-256, when it enters the process: from a builder, from the
    // disk cache (blob_digest.h); the runtime blob is compiled into the binary.
    const std::string flags =
        "--no-expose-wasm --no-validate-asm --no-verify-snapshot-checksum --hash-seed=" +
        std::to_string(seed);
    v8::V8::SetFlagsFromString(flags.c_str());
    // Seeds each isolate's random number generators (Math.random's included): without it
    // V8 opens and reads /dev/urandom twice per isolate.
    v8::V8::SetEntropySource(&FillRandom);
    auto* platform =
        new HearthPlatform(v8::platform::NewDefaultPlatform(
                               /*thread_pool_size=*/0, v8::platform::IdleTaskSupport::kDisabled),
                           page_reuse.load(), page_protection.load());
    v8::V8::InitializePlatform(platform);
    v8::V8::Initialize();
    return V8State{platform, seed};
  }();
  return state;
}

}  // namespace

void EnsureV8Initialized() { State(); }

void RunPlatformTasks(v8::Isolate* isolate, int max_tasks) {
  // libplatform's helpers work on its own platform, not on the one V8 was given.
  v8::Platform* platform = State().platform->default_platform();
  // Bounded, and not past a termination: a task V8 re-posts when it could not finish (a
  // FinalizationRegistry cleanup that was terminated) would otherwise run forever.
  for (int i = 0; i < max_tasks && !isolate->IsExecutionTerminating() &&
                  v8::platform::PumpMessageLoop(platform, isolate);
       ++i) {
  }
}

void ForgetDisposedIsolate(v8::Isolate* isolate) {
  v8::platform::NotifyIsolateShutdown(State().platform->default_platform(), isolate);
}

void DisableIsolatePageReuse() { page_reuse.store(false); }

void SetIsolatePageProtection(PageProtection protection) { page_protection.store(protection); }

void SetIsolatePageRetainLimit(size_t bytes) {
  if (ReusingPageAllocator* pages = State().platform->pages()) pages->SetRetainLimit(bytes);
}

bool StockIsolateHeapPage(size_t target_bytes) {
  // V8 10.2's heap pages: 2^18 bytes, aligned to their size (kPageSizeBits); 341 of the 375
  // regions mapped fresh in 60 back-to-back heavy.js cold starts were of this shape.
  constexpr size_t kHeapPage = size_t{1} << 18;
  ReusingPageAllocator* pages = State().platform->pages();
  return pages != nullptr && pages->StockOne(kHeapPage, kHeapPage, target_bytes);
}

ReusingPageAllocator::Stats IsolatePageStats() {
  ReusingPageAllocator* pages = State().platform->pages();
  return pages != nullptr ? pages->stats() : ReusingPageAllocator::Stats{};
}

uint64_t RandomHashSeed() {
  uint64_t seed = 0;
  while (seed == 0) {
    if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed)) seed = 0;
    seed >>= 1;  // V8 parses the flag as a signed 64-bit number.
  }
  return seed;
}

void SetV8HashSeed(uint64_t seed) { requested_seed.store(seed & ~(uint64_t{1} << 63)); }

uint64_t V8HashSeed() { return State().hash_seed; }

}  // namespace hearth
