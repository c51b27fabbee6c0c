// PoolCollector: the gauges of PRODUCT.md section 8 that describe the pool's state rather
// than events — hearth_isolates{function,state}, hearth_isolate_heap_bytes{function} and
// hearth_worker_queue_depth{worker} —
// computed when Prometheus scrapes, from counters the workers keep anyway, so they cost
// nothing on the invoke path.
//
// Thread: Collect() runs on the exposer's thread; it only reads atomics and the registry.
// Detach() (any thread) makes later scrapes empty, so the pool may go away before the
// exposer does.
#ifndef HEARTH_AGENT_POOL_COLLECTOR_H_
#define HEARTH_AGENT_POOL_COLLECTOR_H_

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "isolate_pool/isolate_pool.h"
#include "scheduler/function_registry.h"

namespace hearth {

class PoolCollector final : public prometheus::Collectable {
 public:
  // Both must outlive the collector's registration with the exposer. Past
  // `max_function_labels` functions (by name), the rest are summed under "other".
  PoolCollector(const IsolatePool* pool, const FunctionRegistry* registry,
                size_t max_function_labels)
      : pool_(pool), registry_(registry), max_function_labels_(max_function_labels) {}

  std::vector<prometheus::MetricFamily> Collect() const override ABSL_LOCKS_EXCLUDED(mu_);
  void Detach() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  const IsolatePool* pool_ ABSL_GUARDED_BY(mu_);
  const FunctionRegistry* const registry_;
  const size_t max_function_labels_;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_POOL_COLLECTOR_H_
