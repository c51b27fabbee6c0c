#include "isolate_pool/reserve_booter.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <utility>

#include "isolate_pool/v8_platform.h"

namespace hearth {

ReserveBooter::ReserveBooter(size_t stock_bytes) : stock_bytes_(stock_bytes) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hearth-booter");
    // Lower priority than the workers, but not SCHED_IDLE: isolate creation takes V8's
    // process-wide locks, and a starved holder would stall the workers (measured).
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    Run();
  });
}

ReserveBooter::~ReserveBooter() { Stop(); }

void ReserveBooter::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stop_) return;
    stop_ = true;
  }
  thread_.join();
}

void ReserveBooter::Request(const WorkerContext& worker, uint32_t memory_mb,
                            const std::atomic<size_t>* reserve_size, Delivery deliver) {
  absl::MutexLock lock(&mu_);
  if (stop_) return;
  jobs_.push_back(Job{worker, memory_mb, reserve_size, nullptr, std::move(deliver)});
}

void ReserveBooter::RequestPrimed(const WorkerContext& worker,
                                  std::shared_ptr<const FunctionSpec> spec, Delivery deliver) {
  absl::MutexLock lock(&mu_);
  if (stop_) return;
  jobs_.push_back(Job{worker, 0, nullptr, std::move(spec), std::move(deliver)});
}

void ReserveBooter::Retire(std::unique_ptr<FunctionIsolate> isolate) {
  {
    absl::MutexLock lock(&mu_);
    // Bounded: under a stream of violations on a busy machine the booter (at a lower
    // priority than the workers) falls behind, and every isolate waiting here holds its
    // memory, up to its whole limit. Past the bound the caller pays for the disposal.
    if (!stop_ && retired_.size() < kMaxRetiredWaiting &&
        retired_bytes_ + isolate->memory_bytes() <= kMaxRetiredWaitingBytes) {
      retired_bytes_ += isolate->memory_bytes();
      retired_.push_back(std::move(isolate));
      return;
    }
  }
  isolate.reset();  // Stopped or behind: disposed here, outside the lock.
}

void ReserveBooter::Run() {
  bool stock_full = stock_bytes_ == 0;
  for (;;) {
    Job job;
    std::vector<std::unique_ptr<FunctionIsolate>> retired;
    bool idle = false;
    bool behind = false;
    {
      absl::MutexLock lock(&mu_);
      if (stock_full) mu_.Await(absl::Condition(this, &ReserveBooter::HasWork));
      if (stop_) {
        retired.swap(retired_);
        retired_bytes_ = 0;
        break;
      }
      // Boots and disposals take turns when both wait. Disposals always first starved the
      // reserve; boots always first starved the disposals under a steady stream of cold
      // starts, and then each boot mapped fresh memory and V8 scanned /proc/self/maps for
      // a code range (no freed one to recycle), slower with every isolate kept alive:
      // boots fell further behind and disposals never came.
      if (!HasWork()) {
        idle = true;
      } else if (!retired_.empty() && (jobs_.empty() || dispose_next_)) {
        retired.swap(retired_);
        retired_bytes_ = 0;
        dispose_next_ = false;
      } else {
        job = std::move(jobs_.front());
        jobs_.pop_front();
        dispose_next_ = true;
        behind = !jobs_.empty() || (job.reserve_size != nullptr &&
                                    job.reserve_size->load(std::memory_order_relaxed) == 0);
      }
    }
    if (idle) {
      // One page at a time, so that a request never waits behind more than one.
      stock_full = !StockIsolateHeapPage(stock_bytes_);
      continue;
    }
    stock_full = stock_bytes_ == 0;  // Boots and disposals change the stock: look again.
    if (!retired.empty()) continue;  // Disposed here, as `retired` goes out of scope.
    if (job.prime != nullptr) {
      absl::StatusOr<std::unique_ptr<FunctionIsolate>> primed =
          FunctionIsolate::PrimeFromFunctionSnapshot(std::move(job.prime), job.worker);
      std::move(job.deliver)(primed.ok() ? *std::move(primed) : nullptr);
      continue;
    }
    // The warm-up (one invocation of a module of its own) takes ~0.12 ms off the cold start
    // that gets the isolate, for ~0.3 ms of this thread. Skipped when the booter is behind
    // (another boot waits, or the worker has no blank isolate left): then boots are what
    // cold starts wait for, and back-to-back forced cold starts on 2 cores had half of them
    // boot on the worker with the warm-up, fewer without (docs/BENCHMARKS.md).
    absl::StatusOr<std::unique_ptr<FunctionIsolate>> blank =
        FunctionIsolate::BootBlank(job.worker, job.memory_mb, /*warm_up=*/!behind);
    // A failed boot delivers nothing; the worker asks again after its next cold start.
    std::move(job.deliver)(blank.ok() ? *std::move(blank) : nullptr);
  }
}  // Isolates retired before the stop are disposed on the way out.

}  // namespace hearth
