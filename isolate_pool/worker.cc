#include "isolate_pool/worker.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/status_macros.h"
#include "isolate_pool/cold_start_counts.h"
#include "isolate_pool/limit_enforcer.h"
#include "isolate_pool/pool_policy.h"
#include "isolate_pool/v8_platform.h"

namespace hearth {
namespace {

// What a cold start that could not load the function means for the invocation.
v1::Outcome OutcomeOfBootFailure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOutOfRange:
      return v1::OUTCOME_CPU_LIMIT;
    case absl::StatusCode::kDeadlineExceeded:
      return v1::OUTCOME_TIMEOUT;
    case absl::StatusCode::kResourceExhausted:
      return v1::OUTCOME_MEMORY_LIMIT;
    default:
      return v1::OUTCOME_USER_ERROR;
  }
}

}  // namespace

Worker::Worker(int index, ExecutionWatchdog* watchdog, ReserveBooter* booter,
               const IsolatePoolOptions* options)
    : policy_(options),
      parked_(options->max_parked_per_function,
              [this](std::unique_ptr<Invocation> expired) {
                if (expired->cancelled()) {
                  return std::move(expired->done)(absl::CancelledError(
                      "the caller cancelled the invocation before it started"));
                }
                const std::string why = absl::StrCat(
                    "the invocation's deadline passed while it waited for a free isolate of '",
                    expired->function->name, "' (at its max_isolates of ",
                    expired->function->pool.max_isolates, ")");
                AnswerUnrun(std::move(expired), v1::OUTCOME_TIMEOUT, why);
              }),
      booter_(booter) {
  EnsureV8Initialized();  // V8 is initialised before any worker creates an isolate.
  context_.worker_index = index;
  context_.watchdog = watchdog;
  context_.options = options;
  thread_ = std::make_unique<LoopThread>(
      absl::StrCat("hearth-w", index), [this] { context_.cpu_clock = ThisThreadCpuClock(); },
      [this] {
        for (auto& invocation : parked_.TakeAll()) {
          std::move(invocation->done)(
              absl::UnavailableError("the agent shut down before the invocation started"));
        }
        // Busy isolates answer their invocations ("agent shut down") as they go.
        busy_.clear();
        idle_.clear();
        reserve_.clear();
        primed_.clear();
        // Last: the invocations answered above may still have written to its connections.
        if (service_ != nullptr) service_->Stop();
        mailbox_->Close();
      });
  // Tasks read it on the loop thread; Post() orders this write before them.
  context_.loop = thread_->loop();
  mailbox_ = std::make_shared<LoopMailbox>(thread_.get());
  context_.cancel_running = [this](std::shared_ptr<CancelToken> token) {
    // The token travels along, so that the address compared is still its own.
    thread_->Post([this, token = std::move(token)] { CancelRunning(token.get()); });
  };
  thread_->Post([this] {
    parked_.Start(context_.loop);
    ScheduleRefill();
    uv_timer_init(context_.loop, &sweep_timer_);
    sweep_timer_.data = this;
    const uint64_t interval = context_.options->idle_sweep_interval_ms;
    uv_timer_start(&sweep_timer_, &Worker::OnSweepTimer, interval, interval);
    // The sweep alone must not keep the loop from stopping.
    uv_unref(reinterpret_cast<uv_handle_t*>(&sweep_timer_));
  });
}

void Worker::OnSweepTimer(uv_timer_t* timer) { static_cast<Worker*>(timer->data)->SweepIdle(); }

void Worker::SweepIdle() {
  assert(thread_->IsLoopThread());
  const int64_t now = MonotonicMicros();
  auto expired = [now](const FunctionIsolate& isolate) {
    return PoolPolicy::IdleTooLong(*isolate.spec(), isolate.last_used_us(), now);
  };
  // A primed isolate's idle time counts from its priming: no cold start came since.
  absl::erase_if(primed_, [&](auto& entry) {
    if (!expired(*entry.second)) return false;
    Retire(std::move(entry.second));
    return true;
  });
  for (auto& [name, idle] : idle_) {
    for (auto& isolate : idle) {
      if (!expired(*isolate)) continue;
      if (PoolPolicy::ClaimIdleAboveMinWarm(*isolate->spec())) Retire(std::move(isolate));
    }
    std::erase(idle, nullptr);
  }
}

void Worker::ScheduleRefill() {
  if (booter_ == nullptr) return;
  const uint32_t memory_mb = context_.options->default_limits.memory_mb;
  while (reserve_.size() + reserve_requested_ < context_.options->reserve_per_worker) {
    ++reserve_requested_;
    booter_->Request(context_, memory_mb, &reserve_size_,
                     [this](std::unique_ptr<FunctionIsolate> blank) {
                       // On the booter thread. If the worker is stopping, the task and the
                       // isolate in it are destroyed here, which the isolate's Locker allows.
                       thread_->Post([this, blank = std::move(blank)]() mutable {
                         --reserve_requested_;
                         if (blank != nullptr) reserve_.push_back(std::move(blank));
                         reserve_size_.store(reserve_.size(), std::memory_order_relaxed);
                       });
                     });
  }
}

std::unique_ptr<FunctionIsolate> Worker::TakePrimed(const FunctionSpec& spec) {
  assert(thread_->IsLoopThread());
  auto it = primed_.find(spec.name);
  if (it == primed_.end()) return nullptr;
  std::unique_ptr<FunctionIsolate> primed = std::move(it->second);
  primed_.erase(it);
  if (primed->spec()->version == spec.version) return primed;
  Retire(std::move(primed));
  return nullptr;
}

void Worker::SchedulePrime(std::shared_ptr<const FunctionSpec> spec) {
  if (booter_ == nullptr || !context_.options->prime_snapshot_isolates ||
      spec->superseded.load(std::memory_order_relaxed) || primed_.contains(spec->name) ||
      priming_.contains(spec->name)) {
    return;
  }
  priming_.insert(spec->name);
  booter_->RequestPrimed(context_, spec,
                         [this, name = spec->name](std::unique_ptr<FunctionIsolate> primed) {
                           // On the booter thread, as for ScheduleRefill.
                           thread_->Post([this, name, primed = std::move(primed)]() mutable {
                             priming_.erase(name);
                             if (primed == nullptr) return;  // Asked again at the next cold start.
                             // Undeployed or redeployed meanwhile, or primed already.
                             if (primed->spec()->superseded.load(std::memory_order_relaxed) ||
                                 primed_.contains(name)) {
                               return Retire(std::move(primed));
                             }
                             primed_.emplace(name, std::move(primed));
                             EnforceMemoryBudget();
                           });
                         });
}

absl::StatusOr<std::unique_ptr<FunctionIsolate>> Worker::NewIsolateFor(
    std::shared_ptr<const FunctionSpec> spec, int64_t deadline_us, bool cold_start) {
  auto took = [cold_start](ColdStartPath path) {
    if (cold_start) CountColdStart(path);
  };
  if (spec->snapshot != nullptr) {
    std::unique_ptr<FunctionIsolate> primed = TakePrimed(*spec);
    // The next cold start finds the isolate-wide part of its boot done: the booter works
    // on it while this boot runs.
    if (cold_start) SchedulePrime(spec);
    if (primed == nullptr) {
      took(ColdStartPath::kSnapshot);
      return FunctionIsolate::BootFromFunctionSnapshot(std::move(spec), context_);
    }
    took(ColdStartPath::kPrimed);
    // A failed boot leaves the isolate half-initialised: it is dropped, never reused.
    HEARTH_RETURN_IF_ERROR(primed->CompleteBoot());
    return primed;
  }
  if (reserve_.empty() || spec->limits.memory_mb != reserve_.back()->memory_mb()) {
    took(ColdStartPath::kBooted);
    return FunctionIsolate::Create(std::move(spec), context_, deadline_us);
  }
  took(ColdStartPath::kReserve);
  std::unique_ptr<FunctionIsolate> isolate = std::move(reserve_.back());
  reserve_.pop_back();
  reserve_size_.store(reserve_.size(), std::memory_order_relaxed);
  ScheduleRefill();
  // A failed load leaves the isolate half-initialised: it is dropped, never reused.
  HEARTH_RETURN_IF_ERROR(isolate->Load(std::move(spec), deadline_us));
  return isolate;
}

Worker::~Worker() { thread_->Stop(); }

void Worker::StartService(LoopServiceFactory factory) {
  thread_->Post([this, factory = std::move(factory)] {
    assert(service_ == nullptr);
    service_ = factory(
        LoopHost{.loop = context_.loop, .worker_id = context_.worker_index, .mailbox = mailbox_});
  });
}

void Worker::Invoke(std::unique_ptr<Invocation> invocation) {
  inflight_.fetch_add(1, std::memory_order_relaxed);
  // An invocation stops counting against this worker as its answer goes out, not when the
  // worker is done tidying up after it: a caller that sends its next request as soon as it
  // has the answer must find this worker (and the isolate it just used) free.
  invocation->done = [this, done = std::move(invocation->done)](absl::Status status) mutable {
    inflight_.fetch_sub(1, std::memory_order_relaxed);
    std::move(done)(std::move(status));
  };
  PostOrElse(
      *thread_, std::move(invocation),
      [this](std::unique_ptr<Invocation> accepted) { RunInvocation(std::move(accepted)); },
      [](std::unique_ptr<Invocation> refused) {
        std::move(refused->done)(absl::UnavailableError("the agent is shutting down"));
      });
}

void Worker::Prepare(std::shared_ptr<const FunctionSpec> spec, PreparedCallback done) {
  struct Request {
    std::shared_ptr<const FunctionSpec> spec;
    PreparedCallback done;
  };
  PostOrElse(
      *thread_, std::make_unique<Request>(Request{std::move(spec), std::move(done)}),
      [this](std::unique_ptr<Request> request) {
        const int64_t deadline =
            MonotonicMicros() + int64_t{context_.options->boot_timeout_ms} * 1000;
        absl::StatusOr<std::unique_ptr<FunctionIsolate>> isolate =
            NewIsolateFor(request->spec, deadline);
        if (!isolate.ok()) return std::move(request->done)(isolate.status());
        KeepIdle(*std::move(isolate));
        EnforceMemoryBudget();
        std::move(request->done)(absl::OkStatus());
      },
      [](std::unique_ptr<Request> refused) {
        std::move(refused->done)(absl::UnavailableError("the agent is shutting down"));
      });
}

void Worker::Remove(std::string name, std::string keep_version) {
  thread_->Post([this, name = std::move(name), keep_version = std::move(keep_version)] {
    if (auto primed = primed_.find(name);
        primed != primed_.end() &&
        (keep_version.empty() || primed->second->spec()->version != keep_version)) {
      Retire(std::move(primed->second));
      primed_.erase(primed);
    }
    auto it = idle_.find(name);
    if (it == idle_.end()) return;
    for (auto& isolate : it->second) {
      if (!keep_version.empty() && isolate->spec()->version == keep_version) continue;
      isolate->spec()->stats->warm_isolates.fetch_sub(1, std::memory_order_relaxed);
      Retire(std::move(isolate));
    }
    std::erase(it->second, nullptr);
    if (it->second.empty()) idle_.erase(it);
  });
}

void Worker::Retire(std::unique_ptr<FunctionIsolate> isolate) {
  if (booter_ == nullptr || isolate == nullptr) return;  // Destroyed here.
  isolate->DetachFromLoop();
  booter_->Retire(std::move(isolate));
}

std::unique_ptr<FunctionIsolate> Worker::TakeIdle(const FunctionSpec& spec) {
  assert(thread_->IsLoopThread());
  auto it = idle_.find(spec.name);
  if (it == idle_.end()) return nullptr;
  std::vector<std::unique_ptr<FunctionIsolate>>& idle = it->second;
  while (!idle.empty()) {
    std::unique_ptr<FunctionIsolate> isolate = std::move(idle.back());
    idle.pop_back();
    isolate->spec()->stats->warm_isolates.fetch_sub(1, std::memory_order_relaxed);
    if (isolate->spec()->version == spec.version) return isolate;
    Retire(std::move(isolate));  // An older version.
  }
  return nullptr;
}

void Worker::KeepIdle(std::unique_ptr<FunctionIsolate> isolate) {
  assert(thread_->IsLoopThread());
  std::vector<std::unique_ptr<FunctionIsolate>>& idle = idle_[isolate->spec()->name];
  if (policy_.MayKeepIdle(*isolate->spec(), idle.size())) {
    isolate->spec()->stats->warm_isolates.fetch_add(1, std::memory_order_relaxed);
    idle.push_back(std::move(isolate));
  } else {
    Retire(std::move(isolate));
  }
}

void Worker::RunInvocation(std::unique_ptr<Invocation> invocation, bool resumed) {
  assert(thread_->IsLoopThread());  // Isolates are entered only by their worker.
  const int64_t started = MonotonicMicros();
  v1::InvokeResponse& response = *invocation->response;
  if (started >= invocation->deadline_us) {
    return AnswerUnrun(std::move(invocation), v1::OUTCOME_TIMEOUT,
                       "the invocation's deadline passed while it was queued");
  }
  if (invocation->cancelled()) {
    return std::move(invocation->done)(
        absl::CancelledError("the caller cancelled the invocation before it started"));
  }

  std::unique_ptr<FunctionIsolate> isolate;
  if (!invocation->request->force_cold()) isolate = TakeIdle(*invocation->function);
  const bool cold = isolate == nullptr;
  if (cold && PoolPolicy::AtIsolateCap(*invocation->function)) {
    return Park(std::move(invocation), /*at_front=*/resumed);
  }
  int64_t boot_us = 0;
  if (cold && !HasRoomForAnotherIsolate()) {
    std::move(invocation->done)(absl::ResourceExhaustedError(absl::StrCat(
        "no room for another isolate of '", invocation->function->name,
        "': the agent's isolate memory budget (", context_.options->isolate_memory_budget_mb,
        " MB) is held by running isolates and the warm ones functions keep (min_warm)")));
    return;
  }
  if (cold) {
    absl::StatusOr<std::unique_ptr<FunctionIsolate>> booted =
        NewIsolateFor(invocation->function, invocation->deadline_us, /*cold_start=*/true);
    boot_us = MonotonicMicros() - started;
    if (!booted.ok()) {
      response.set_outcome(OutcomeOfBootFailure(booted.status()));
      response.set_error(std::string(booted.status().message()));
      v1::ExecutionReport& report = *response.mutable_report();
      report.set_cold(true);
      report.set_queue_us(started - invocation->accepted_us);
      report.set_boot_us(boot_us);
      report.set_worker(context_.worker_index);
      invocation->function->observer->OnInvocationDone(response, invocation->via,
                                                       MonotonicMicros() - invocation->accepted_us);
      std::move(invocation->done)(absl::OkStatus());
      return;
    }
    isolate = *std::move(booted);
  }
  FunctionIsolate* raw = isolate.get();
  raw->spec()->stats->busy_isolates.fetch_add(1, std::memory_order_relaxed);
  busy_.emplace(raw, std::move(isolate));
  if (cold) EnforceMemoryBudget();  // One more isolate: make room if the budget says so.
  raw->Start(
      std::move(invocation), cold, boot_us,
      [this](FunctionIsolate* finished, bool reusable) { OnIsolateFinished(finished, reusable); });
}

bool Worker::BusyHere(const std::string& name) const {
  for (const auto& [raw, isolate] : busy_) {
    if (isolate->spec()->name == name) return true;
  }
  return false;
}

void Worker::Park(std::unique_ptr<Invocation> invocation, bool at_front) {
  assert(thread_->IsLoopThread());
  const std::shared_ptr<const FunctionSpec> spec = invocation->function;
  // Waiting only makes sense for an isolate that will come free on this worker.
  if (BusyHere(spec->name) && parked_.Park(invocation, at_front)) return;
  std::move(invocation->done)(absl::ResourceExhaustedError(
      absl::StrCat("function '", spec->name, "' is at its max_isolates (", spec->pool.max_isolates,
                   ") and cannot take more invocations now")));
}

void Worker::ResumeParked(const std::string& name) {
  assert(thread_->IsLoopThread());
  std::unique_ptr<Invocation> next = parked_.Next(name);
  if (next == nullptr) return;
  // Warm on the isolate that just came free, a new one if that one was retired, or back
  // to the head of the queue if another invocation took the room meanwhile.
  RunInvocation(std::move(next), /*resumed=*/true);
}

void Worker::AnswerUnrun(std::unique_ptr<Invocation> invocation, v1::Outcome outcome,
                         std::string error) {
  const int64_t now = MonotonicMicros();
  v1::InvokeResponse& response = *invocation->response;
  response.set_outcome(outcome);
  response.set_error(std::move(error));
  response.mutable_report()->set_queue_us(now - invocation->accepted_us);
  response.mutable_report()->set_worker(context_.worker_index);
  invocation->function->observer->OnInvocationDone(response, invocation->via,
                                                   now - invocation->accepted_us);
  std::move(invocation->done)(absl::OkStatus());
}

int64_t Worker::FunctionMemory() const {
  int64_t used = 0;
  for (const auto& [raw, isolate] : busy_) used += isolate->memory_bytes();
  for (const auto& [name, idle] : idle_) {
    for (const auto& isolate : idle) used += isolate->memory_bytes();
  }
  return used;
}

bool Worker::HasRoomForAnotherIsolate() {
  assert(thread_->IsLoopThread());
  if (policy_.HasRoomFor(FunctionMemory())) return true;
  EnforceMemoryBudget();  // Spare idle isolates go first.
  return policy_.HasRoomFor(FunctionMemory());
}

void Worker::EnforceMemoryBudget() {
  assert(thread_->IsLoopThread());
  const int64_t budget = policy_.WorkerBudgetBytes();
  if (budget == 0) return;
  int64_t used = 0;
  std::vector<std::pair<int64_t, FunctionIsolate*>> candidates;  // (last used, isolate)
  for (const auto& [raw, isolate] : busy_) used += isolate->memory_bytes();
  for (const auto& isolate : reserve_) used += isolate->memory_bytes();
  for (const auto& [name, isolate] : primed_) used += isolate->memory_bytes();
  for (const auto& [name, idle] : idle_) {
    for (const auto& isolate : idle) {
      used += isolate->memory_bytes();
      candidates.emplace_back(isolate->last_used_us(), isolate.get());
    }
  }
  // Primed isolates go first: each only saves part of one cold start.
  for (auto it = primed_.begin(); used > budget && it != primed_.end();) {
    used -= it->second->memory_bytes();
    Retire(std::move(it->second));
    primed_.erase(it++);
  }
  if (used <= budget) return;
  std::sort(candidates.begin(), candidates.end());
  // The least recently used first, in the policy's passes (EvictionPass).
  for (const EvictionPass pass : {EvictionPass::kSpareOnly, EvictionPass::kDefaultMinWarmToo}) {
    for (auto& [last_used, victim] : candidates) {
      if (used <= budget) return;
      if (victim == nullptr) continue;
      const FunctionSpec& spec = *victim->spec();
      if (!PoolPolicy::MayEvict(spec, pass)) continue;
      std::vector<std::unique_ptr<FunctionIsolate>>& idle = idle_[spec.name];
      auto it = std::find_if(idle.begin(), idle.end(),
                             [&](const auto& isolate) { return isolate.get() == victim; });
      used -= victim->memory_bytes();
      spec.stats->warm_isolates.fetch_sub(1, std::memory_order_relaxed);
      Retire(std::move(*it));
      idle.erase(it);
      victim = nullptr;
    }
  }
}

void Worker::MaybeReplenish(std::shared_ptr<const FunctionSpec> spec) {
  if (!PoolPolicy::BelowMinWarm(*spec)) return;
  thread_->Post([this, spec = std::move(spec)] {
    // Another worker or a cold start got there first.
    if (!PoolPolicy::BelowMinWarm(*spec)) return;
    const int64_t deadline = MonotonicMicros() + int64_t{context_.options->boot_timeout_ms} * 1000;
    absl::StatusOr<std::unique_ptr<FunctionIsolate>> isolate = NewIsolateFor(spec, deadline);
    if (!isolate.ok()) return;  // Its next invocation boots one and reports why.
    KeepIdle(*std::move(isolate));
    EnforceMemoryBudget();
  });
}

void Worker::CancelRunning(const CancelToken* token) {
  assert(thread_->IsLoopThread());
  FunctionIsolate* running = nullptr;
  for (const auto& [raw, isolate] : busy_) {
    if (isolate->Runs(token)) running = raw;
  }
  // Outside the loop: ending it moves the isolate out of busy_.
  if (running != nullptr) running->Cancel();
}

void Worker::OnIsolateFinished(FunctionIsolate* isolate, bool reusable) {
  assert(thread_->IsLoopThread());
  auto node = busy_.extract(isolate);
  if (node.empty()) return;  // Shutting down: busy_ is being cleared.
  isolate->spec()->stats->busy_isolates.fetch_sub(1, std::memory_order_relaxed);
  if (parked_.Waiting(isolate->spec()->name)) {
    // Not from inside the finishing isolate's call stack: a task of its own.
    thread_->Post([this, name = isolate->spec()->name] { ResumeParked(name); });
  }
  if (reusable) {
    KeepIdle(std::move(node.mapped()));
  } else {
    std::shared_ptr<const FunctionSpec> spec = node.mapped()->spec();
    Retire(std::move(node.mapped()));
    MaybeReplenish(std::move(spec));
  }
}

}  // namespace hearth
