// What `hearthctl bench` measures and how it reports it: latency samples with the agent's
// execution-report phases, summarised into percentiles, the JSON of PRODUCT.md section 9,
// and an SVG latency plot.
#ifndef HEARTH_SDK_HEARTHCTL_BENCH_REPORT_H_
#define HEARTH_SDK_HEARTHCTL_BENCH_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace hearth::ctl {

// One successful invocation: client-side wall time and the agent's report phases.
struct BenchSample {
  double latency_us = 0;
  double queue_us = 0;
  double boot_us = 0;
  double run_us = 0;
};

struct BenchRun {
  std::string function;
  bool cold = false;
  int concurrency = 1;
  double elapsed_s = 0;
  uint64_t errors = 0;  // RPC failures and outcomes other than OUTCOME_OK.
  std::vector<BenchSample> samples;
  // --cold --with-warm: a warm invocation after each cold one, in the same loops (PRODUCT.md
  // section 9 compares forced-cold and warm p50 of the same run).
  bool with_warm = false;
  std::vector<BenchSample> warm_samples;
  uint64_t warm_errors = 0;
};

// The q-quantile (0..1) of `values` by the nearest-rank method; 0 for no values.
double Percentile(std::vector<double> values, double q);

// {"function","mode","count","concurrency","errors","throughput_rps","latency_us":{...},
//  "phases_us":{"queue":{"p50","p99"},"boot":{...},"run":{...}}}; with warm samples of the
// same run also "warm_same_run":{"count","errors","latency_us":{...},"phases_us":{...}} and
// "cold_minus_warm_p50_us". "count" and "throughput_rps" count the cold requests only.
nlohmann::ordered_json BenchRunToJson(const BenchRun& run);

// A few readable lines: throughput, latency percentiles, phases.
std::string FormatBenchRun(const BenchRun& run);

// A self-contained SVG: the latency distribution (percentile against latency) with p50,
// p90 and p99 marked.
std::string BenchRunToSvg(const BenchRun& run);

}  // namespace hearth::ctl

#endif  // HEARTH_SDK_HEARTHCTL_BENCH_REPORT_H_
