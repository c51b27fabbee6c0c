#include "agent/pool_collector.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "isolate_pool/cold_start_counts.h"
#include "isolate_pool/function_code_cache.h"

namespace hearth {
namespace {

prometheus::ClientMetric Gauge(std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return metric;
}

prometheus::ClientMetric Counter(std::vector<prometheus::ClientMetric::Label> labels,
                                 double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  return metric;
}

// A counter family with one label: one series per (label value, count).
prometheus::MetricFamily CountersBy(
    std::string name, std::string help, const std::string& label,
    std::initializer_list<std::pair<const char*, uint64_t>> series) {
  prometheus::MetricFamily family{
      std::move(name), std::move(help), prometheus::MetricType::Counter, {}};
  for (const auto& [value, count] : series) {
    family.metric.push_back(Counter({{label, value}}, static_cast<double>(count)));
  }
  return family;
}

}  // namespace

void PoolCollector::Detach() {
  absl::MutexLock lock(&mu_);
  pool_ = nullptr;
}

std::vector<prometheus::MetricFamily> PoolCollector::Collect() const {
  absl::MutexLock lock(&mu_);
  if (pool_ == nullptr) return {};
  prometheus::MetricFamily isolates{"hearth_isolates",
                                    "Isolates holding a function, by state (warm: idle and ready).",
                                    prometheus::MetricType::Gauge,
                                    {}};
  prometheus::MetricFamily heap{
      "hearth_isolate_heap_bytes",
      "Memory held by a function's isolates (heap pages, V8 mallocs, ArrayBuffers).",
      prometheus::MetricType::Gauge,
      {}};
  double other_warm = 0, other_busy = 0, other_heap = 0;
  size_t named = 0;
  for (const auto& spec : registry_->List()) {  // Sorted by name: a stable label set.
    const double warm = spec->stats->warm_isolates.load(std::memory_order_relaxed);
    const double busy = spec->stats->busy_isolates.load(std::memory_order_relaxed);
    const double bytes = spec->stats->memory_bytes.load(std::memory_order_relaxed);
    if (named++ < max_function_labels_) {
      isolates.metric.push_back(Gauge({{"function", spec->name}, {"state", "warm"}}, warm));
      isolates.metric.push_back(Gauge({{"function", spec->name}, {"state", "busy"}}, busy));
      heap.metric.push_back(Gauge({{"function", spec->name}}, bytes));
    } else {
      other_warm += warm;
      other_busy += busy;
      other_heap += bytes;
    }
  }
  if (named > max_function_labels_) {
    isolates.metric.push_back(Gauge({{"function", "other"}, {"state", "warm"}}, other_warm));
    isolates.metric.push_back(Gauge({{"function", "other"}, {"state", "busy"}}, other_busy));
    heap.metric.push_back(Gauge({{"function", "other"}}, other_heap));
  }

  prometheus::MetricFamily queue_depth{
      "hearth_worker_queue_depth",
      "Invocations handed to a worker and not finished (queued and running).",
      prometheus::MetricType::Gauge,
      {}};
  for (int worker = 0; worker < pool_->workers(); ++worker) {
    queue_depth.metric.push_back(
        Gauge({{"worker", std::to_string(worker)}}, pool_->Inflight(worker)));
  }

  prometheus::MetricFamily wedged{
      "hearth_worker_wedged",
      "1 while a worker is wedged: its function was terminated and has not stopped within "
      "--wedge-grace-ms (a native loop that does not look for termination); it gets no work "
      "and a fresh worker (a new id) serves in its place.",
      prometheus::MetricType::Gauge,
      {}};
  for (int id = 0; id < pool_->WorkerThreads(); ++id) {
    wedged.metric.push_back(
        Gauge({{"worker", std::to_string(id)}}, pool_->ThreadWedged(id) ? 1 : 0));
  }

  const IsolatePool::MemoryReuse reuse = IsolatePool::memory_reuse();
  prometheus::MetricFamily retained{
      "hearth_isolate_retained_bytes",
      "Memory of disposed isolates kept resident for the next ones to boot into "
      "(--isolate-page-retain-mb).",
      prometheus::MetricType::Gauge,
      {Gauge({}, static_cast<double>(reuse.retained_bytes))}};
  prometheus::MetricFamily regions = CountersBy(
      "hearth_isolate_heap_regions_total",
      "Heap regions mapped for isolates: reused (from disposed isolates or the stock), fresh "
      "(mapped on a boot's path), stocked (mapped ahead of need while idle).",
      "source",
      {{"reused", reuse.reused_regions},
       {"fresh", reuse.fresh_regions},
       {"stocked", reuse.stocked_regions}});
  prometheus::MetricFamily zeroed{
      "hearth_isolate_zeroed_bytes_total",
      "Bytes of reused isolate memory zeroed so that no isolate reads another's data.",
      prometheus::MetricType::Counter,
      {Counter({}, static_cast<double>(reuse.zeroed_bytes))}};
  const FunctionCodeCache::Totals caches = FunctionCodeCache::totals();
  prometheus::MetricFamily code_caches =
      CountersBy("hearth_code_cache_events_total",
                 "V8 code caches of functions loaded into generic isolates: made after a first "
                 "invocation, used by a later load, rejected by V8, or loaded from the state dir.",
                 "event",
                 {{"made", caches.made},
                  {"used", caches.used},
                  {"rejected", caches.rejected},
                  {"loaded", caches.loaded}});
  const ColdStartCounts cold = ColdStartTotals();
  prometheus::MetricFamily cold_starts = CountersBy(
      "hearth_cold_starts_total",
      "Cold starts by how they got their isolate: reserve (a pre-booted blank isolate), booted "
      "(a blank one booted on the worker: the reserve was empty), primed (a function snapshot's "
      "isolate created ahead, its context on the worker), snapshot (booted whole from the "
      "function's snapshot on the worker).",
      "path",
      {{"reserve", cold.reserve},
       {"booted", cold.booted},
       {"primed", cold.primed},
       {"snapshot", cold.snapshot}});
  return {std::move(isolates),    std::move(heap),        std::move(queue_depth),
          std::move(retained),    std::move(regions),     std::move(zeroed),
          std::move(code_caches), std::move(cold_starts), std::move(wedged)};
}

}  // namespace hearth
