#include "isolate_pool/reserve_booter.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <utility>

namespace hearth {

ReserveBooter::ReserveBooter() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hearth-booter");
    // Lower priority than the workers, but not SCHED_IDLE: isolate creation takes V8's
    // process-wide locks, and a starved holder would stall the workers (measured).
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    Run();
  });
}

ReserveBooter::~ReserveBooter() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void ReserveBooter::Request(const WorkerContext& worker, uint32_t memory_mb, Delivery deliver) {
  absl::MutexLock lock(&mu_);
  jobs_.push_back(Job{worker, memory_mb, std::move(deliver)});
}

void ReserveBooter::Run() {
  for (;;) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &ReserveBooter::HasWork));
      if (stop_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    absl::StatusOr<std::unique_ptr<FunctionIsolate>> blank =
        FunctionIsolate::BootBlank(job.worker, job.memory_mb);
    // A failed boot delivers nothing; the worker asks again after its next cold start.
    std::move(job.deliver)(blank.ok() ? *std::move(blank) : nullptr);
  }
}

}  // namespace hearth
