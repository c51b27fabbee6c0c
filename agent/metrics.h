// AgentMetrics: the Prometheus metrics of PRODUCT.md section 8, served on
// --metrics-listen through prometheus-cpp's exposer. Per-function metric handles are
// resolved once per function name (FunctionMetrics) and then recorded lock-free on
// worker threads. The `function` label is bounded: past `max_function_labels` distinct
// names, new functions share the label value "other".
//
// Thread: thread-safe.
#ifndef HEARTH_AGENT_METRICS_H_
#define HEARTH_AGENT_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "isolate_pool/observer.h"

namespace prometheus {
class Collectable;
class Exposer;
class Registry;
}  // namespace prometheus

namespace hearth {

class AgentMetrics {
 public:
  explicit AgentMetrics(size_t max_function_labels = 1000);
  ~AgentMetrics();

  // Serves /metrics on `listen` ("HOST:PORT", port 0 picks one). Returns the bound port.
  absl::StatusOr<int> Serve(const std::string& listen);

  // The observer that records `function`'s invocations. Every call for one name returns
  // the same observer.
  std::shared_ptr<FunctionObserver> ForFunction(const std::string& function)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Adds a collectable read at every scrape; it must stay valid while metrics are served.
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);

  // The metric families; an implementation detail of metrics.cc.
  struct Families;

 private:
  const size_t max_function_labels_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;  // Kept alive here.
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<FunctionObserver>> observers_
      ABSL_GUARDED_BY(mu_);
  // Shared by every function past the label cap.
  std::shared_ptr<FunctionObserver> other_ ABSL_GUARDED_BY(mu_);
};

// Bucket bounds of every latency histogram, in seconds: 10 µs to 10 s, 1-2.5-5 per decade.
std::vector<double> LatencyBucketsSeconds();

}  // namespace hearth

#endif  // HEARTH_AGENT_METRICS_H_
