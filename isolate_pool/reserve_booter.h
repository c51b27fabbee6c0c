// ReserveBooter: the isolate work that need not happen on a worker's loop, done on its own
// lower-priority thread: booting blank isolates (runtime snapshot, context, no function)
// for the workers' reserves, priming isolates from function snapshots (the isolate without
// its context) for those functions' next cold starts, disposing of isolates the workers
// are done with, and, when there is nothing else, stocking heap pages for later boots.
// None of it then delays an invocation. Under sustained load it falls behind, and workers
// boot cold-start isolates themselves, as without a reserve.
//
// Thread: Request(), RequestPrimed() and Retire() from any thread (workers call them from
// their loops); the booter thread is private. Isolates are delivered with the callback
// given to the request, on the booter thread; the receiver hands them to their worker with
// LoopThread::Post.
#ifndef HEARTH_ISOLATE_POOL_RESERVE_BOOTER_H_
#define HEARTH_ISOLATE_POOL_RESERVE_BOOTER_H_

#include <atomic>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "isolate_pool/function_isolate.h"
#include "isolate_pool/worker_context.h"

namespace hearth {

class ReserveBooter {
 public:
  using Delivery = absl::AnyInvocable<void(std::unique_ptr<FunctionIsolate>) &&>;

  // `stock_bytes`: heap pages to keep mapped ahead of need, topped up while idle
  // (StockIsolateHeapPage).
  explicit ReserveBooter(size_t stock_bytes);
  ~ReserveBooter();  // Stop()s.

  // Disposes of what was retired, drops requests not started yet, and joins the thread.
  // Afterwards Request() does nothing and Retire() disposes on the caller's thread, so
  // workers may outlive the booter's thread (but not the object).
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  ReserveBooter(const ReserveBooter&) = delete;
  ReserveBooter& operator=(const ReserveBooter&) = delete;

  // Boots one blank isolate for `worker` (sized for `memory_mb`) and passes it to `deliver`.
  // `reserve_size` is the worker's count of blank isolates at hand, kept up to date by the
  // worker; it must outlive the request.
  void Request(const WorkerContext& worker, uint32_t memory_mb,
               const std::atomic<size_t>* reserve_size, Delivery deliver) ABSL_LOCKS_EXCLUDED(mu_);

  // Primes one isolate of `spec` (FunctionIsolate::PrimeFromFunctionSnapshot) for `worker`
  // and passes it to `deliver` (null if that failed).
  void RequestPrimed(const WorkerContext& worker, std::shared_ptr<const FunctionSpec> spec,
                     Delivery deliver) ABSL_LOCKS_EXCLUDED(mu_);

  // Disposes of `isolate` on the booter thread, or on the calling thread when too many
  // (kMaxRetiredWaiting, kMaxRetiredWaitingBytes) wait already. The caller has called
  // FunctionIsolate::DetachFromLoop() on the isolate's own worker first.
  void Retire(std::unique_ptr<FunctionIsolate> isolate) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Job {
    WorkerContext worker;
    uint32_t memory_mb = 0;
    const std::atomic<size_t>* reserve_size = nullptr;
    std::shared_ptr<const FunctionSpec> prime;  // Set: a primed isolate of it, not a blank one.
    Delivery deliver;
  };
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stop_ || !jobs_.empty() || !retired_.empty();
  }

  const size_t stock_bytes_;
  absl::Mutex mu_;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  static constexpr size_t kMaxRetiredWaiting = 16;
  static constexpr int64_t kMaxRetiredWaitingBytes = int64_t{64} << 20;
  std::vector<std::unique_ptr<FunctionIsolate>> retired_ ABSL_GUARDED_BY(mu_);
  int64_t retired_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // Their memory_bytes(), as retired.
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool dispose_next_ ABSL_GUARDED_BY(mu_) = false;  // A boot went last: disposals' turn.
  std::thread thread_;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_RESERVE_BOOTER_H_
