#include "agent/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <exception>

#include "absl/strings/str_cat.h"

namespace hearth {

struct AgentMetrics::Families {
  explicit Families(prometheus::Registry& registry)
      : invocations(
            prometheus::BuildCounter()
                .Name("hearth_invocations_total")
                .Help("Invocations finished, by function, outcome and how they came (grpc, http).")
                .Register(registry)),
        duration(prometheus::BuildHistogram()
                     .Name("hearth_invocation_duration_seconds")
                     .Help("In-agent end-to-end invocation latency, from acceptance to "
                           "response, by cold or warm start.")
                     .Register(registry)),
        queue_wait(prometheus::BuildHistogram()
                       .Name("hearth_queue_wait_seconds")
                       .Help("Time from acceptance until a worker started the invocation.")
                       .Register(registry)),
        cold_start(prometheus::BuildHistogram()
                       .Name("hearth_cold_start_seconds")
                       .Help("Isolate boot until the handler can run, for cold starts.")
                       .Register(registry)),
        cpu(prometheus::BuildHistogram()
                .Name("hearth_invocation_cpu_seconds")
                .Help("CPU time used by one invocation on its worker thread.")
                .Register(registry)),
        limit_exceeded(prometheus::BuildCounter()
                           .Name("hearth_limit_exceeded_total")
                           .Help("Invocations stopped for exceeding a limit.")
                           .Register(registry)) {}

  prometheus::Family<prometheus::Counter>& invocations;
  prometheus::Family<prometheus::Histogram>& duration;
  prometheus::Family<prometheus::Histogram>& queue_wait;
  prometheus::Family<prometheus::Histogram>& cold_start;
  prometheus::Family<prometheus::Histogram>& cpu;
  prometheus::Family<prometheus::Counter>& limit_exceeded;
};

namespace {

constexpr double kSecondsPerMicro = 1e-6;

// Label values of v1::Outcome, indexed by its number.
constexpr std::array<const char*, 7> kOutcomeLabels = {
    "unspecified", "ok", "user_error", "cpu_limit", "memory_limit", "timeout", "bad_response"};

// Label values of Via, indexed by its number.
constexpr std::array<const char*, 2> kViaLabels = {"grpc", "http"};

// The metric handles of one function arriving one way, resolved once.
class ViaMetrics {
 public:
  ViaMetrics(AgentMetrics::Families& families, const std::string& function, const char* via) {
    const std::vector<double> buckets = LatencyBucketsSeconds();
    for (size_t i = 0; i < kOutcomeLabels.size(); ++i) {
      invocations_[i] = &families.invocations.Add(
          {{"function", function}, {"outcome", kOutcomeLabels[i]}, {"via", via}});
    }
    duration_cold_ =
        &families.duration.Add({{"function", function}, {"start", "cold"}, {"via", via}}, buckets);
    duration_warm_ =
        &families.duration.Add({{"function", function}, {"start", "warm"}, {"via", via}}, buckets);
    queue_wait_ = &families.queue_wait.Add({{"function", function}, {"via", via}}, buckets);
    cold_start_ = &families.cold_start.Add({{"function", function}, {"via", via}}, buckets);
    cpu_ = &families.cpu.Add({{"function", function}, {"via", via}}, buckets);
    limit_cpu_ =
        &families.limit_exceeded.Add({{"function", function}, {"limit", "cpu"}, {"via", via}});
    limit_memory_ =
        &families.limit_exceeded.Add({{"function", function}, {"limit", "memory"}, {"via", via}});
    limit_timeout_ =
        &families.limit_exceeded.Add({{"function", function}, {"limit", "timeout"}, {"via", via}});
  }

  void Record(const v1::InvokeResponse& response, int64_t total_us) {
    const v1::ExecutionReport& report = response.report();
    const size_t outcome = static_cast<size_t>(response.outcome());
    invocations_[outcome < kOutcomeLabels.size() ? outcome : 0]->Increment();
    (report.cold() ? duration_cold_ : duration_warm_)->Observe(total_us * kSecondsPerMicro);
    queue_wait_->Observe(report.queue_us() * kSecondsPerMicro);
    if (report.cold()) cold_start_->Observe(report.boot_us() * kSecondsPerMicro);
    cpu_->Observe(report.cpu_us() * kSecondsPerMicro);
    switch (response.outcome()) {
      case v1::OUTCOME_CPU_LIMIT:
        limit_cpu_->Increment();
        break;
      case v1::OUTCOME_MEMORY_LIMIT:
        limit_memory_->Increment();
        break;
      case v1::OUTCOME_TIMEOUT:
        limit_timeout_->Increment();
        break;
      default:
        break;
    }
  }

 private:
  std::array<prometheus::Counter*, kOutcomeLabels.size()> invocations_{};
  prometheus::Histogram* duration_cold_;
  prometheus::Histogram* duration_warm_;
  prometheus::Histogram* queue_wait_;
  prometheus::Histogram* cold_start_;
  prometheus::Histogram* cpu_;
  prometheus::Counter* limit_cpu_;
  prometheus::Counter* limit_memory_;
  prometheus::Counter* limit_timeout_;
};

// The metric handles of one function, for each way of arriving.
class FunctionMetrics final : public FunctionObserver {
 public:
  FunctionMetrics(AgentMetrics::Families& families, const std::string& function)
      : via_{ViaMetrics(families, function, kViaLabels[0]),
             ViaMetrics(families, function, kViaLabels[1])} {}

  void OnInvocationDone(const v1::InvokeResponse& response, Via via, int64_t total_us) override {
    via_[static_cast<size_t>(via)].Record(response, total_us);
  }

 private:
  std::array<ViaMetrics, kViaLabels.size()> via_;
};

}  // namespace

std::vector<double> LatencyBucketsSeconds() {
  std::vector<double> bounds;
  for (double decade = 1e-5; decade < 10; decade *= 10) {
    bounds.push_back(decade);
    bounds.push_back(decade * 2.5);
    bounds.push_back(decade * 5);
  }
  bounds.push_back(10);
  return bounds;
}

AgentMetrics::AgentMetrics(size_t max_function_labels)
    : max_function_labels_(max_function_labels),
      registry_(std::make_shared<prometheus::Registry>()),
      families_(std::make_unique<Families>(*registry_)) {}

AgentMetrics::~AgentMetrics() = default;

absl::StatusOr<int> AgentMetrics::Serve(const std::string& listen) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  if (ports.empty()) return absl::UnavailableError("metrics exposer bound no port");
  return ports.front();
}

void AgentMetrics::AddCollectable(std::shared_ptr<prometheus::Collectable> collectable) {
  collectables_.push_back(collectable);
  if (exposer_ != nullptr) exposer_->RegisterCollectable(collectable);
}

std::shared_ptr<FunctionObserver> AgentMetrics::ForFunction(const std::string& function) {
  absl::MutexLock lock(&mu_);
  if (auto it = observers_.find(function); it != observers_.end()) return it->second;
  if (observers_.size() >= max_function_labels_) {
    if (other_ == nullptr) other_ = std::make_shared<FunctionMetrics>(*families_, "other");
    return other_;
  }
  auto observer = std::make_shared<FunctionMetrics>(*families_, function);
  observers_.emplace(function, observer);
  return observer;
}

}  // namespace hearth
