#include "sdk/hearthctl/bench_report.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hearth::ctl {
namespace {

std::vector<double> Column(const std::vector<BenchSample>& samples, double BenchSample::*field) {
  std::vector<double> values;
  values.reserve(samples.size());
  for (const BenchSample& sample : samples) values.push_back(sample.*field);
  return values;
}

nlohmann::ordered_json P50P99(const std::vector<double>& values) {
  return {{"p50", Percentile(values, 0.50)}, {"p99", Percentile(values, 0.99)}};
}

nlohmann::ordered_json Latency(const std::vector<BenchSample>& samples) {
  const std::vector<double> latency = Column(samples, &BenchSample::latency_us);
  return {{"p50", Percentile(latency, 0.50)},
          {"p90", Percentile(latency, 0.90)},
          {"p99", Percentile(latency, 0.99)},
          {"max", latency.empty() ? 0.0 : *std::max_element(latency.begin(), latency.end())}};
}

nlohmann::ordered_json Phases(const std::vector<BenchSample>& samples) {
  return {{"queue", P50P99(Column(samples, &BenchSample::queue_us))},
          {"boot", P50P99(Column(samples, &BenchSample::boot_us))},
          {"run", P50P99(Column(samples, &BenchSample::run_us))}};
}

std::string FormatWarmSameRun(const nlohmann::ordered_json& json) {
  const auto& warm = json["warm_same_run"];
  const auto& l = warm["latency_us"];
  return absl::StrFormat(
      "warm, same run: %d requests, %d errors\n"
      "latency  p50 %.0f us  p90 %.0f us  p99 %.0f us  max %.0f us\n"
      "cold - warm p50 %.0f us\n",
      warm["count"].get<uint64_t>(), warm["errors"].get<uint64_t>(), l["p50"].get<double>(),
      l["p90"].get<double>(), l["p99"].get<double>(), l["max"].get<double>(),
      json["cold_minus_warm_p50_us"].get<double>());
}

}  // namespace

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(q * static_cast<double>(values.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(index, values.size() - 1)];
}

nlohmann::ordered_json BenchRunToJson(const BenchRun& run) {
  const double completed = static_cast<double>(run.samples.size() + run.errors);
  nlohmann::ordered_json json;
  json["function"] = run.function;
  json["mode"] = run.cold ? "cold" : "warm";
  json["count"] = run.samples.size() + run.errors;
  json["concurrency"] = run.concurrency;
  json["errors"] = run.errors;
  json["throughput_rps"] = run.elapsed_s > 0 ? completed / run.elapsed_s : 0.0;
  json["latency_us"] = Latency(run.samples);
  json["phases_us"] = Phases(run.samples);
  if (run.with_warm) {
    json["warm_same_run"] = {{"count", run.warm_samples.size() + run.warm_errors},
                             {"errors", run.warm_errors},
                             {"latency_us", Latency(run.warm_samples)},
                             {"phases_us", Phases(run.warm_samples)}};
    json["cold_minus_warm_p50_us"] = json["latency_us"]["p50"].get<double>() -
                                     json["warm_same_run"]["latency_us"]["p50"].get<double>();
  }
  return json;
}

std::string FormatBenchRun(const BenchRun& run) {
  const nlohmann::ordered_json json = BenchRunToJson(run);
  const auto& l = json["latency_us"];
  const auto& p = json["phases_us"];
  return absl::StrFormat(
             "%s %s: %d requests, concurrency %d, %d errors, %.1f req/s\n"
             "latency  p50 %.0f us  p90 %.0f us  p99 %.0f us  max %.0f us\n"
             "phases   queue p50 %.0f / p99 %.0f us   boot p50 %.0f / p99 %.0f us   "
             "run p50 %.0f / p99 %.0f us\n",
             run.function, run.cold ? "cold" : "warm", json["count"].get<uint64_t>(),
             run.concurrency, run.errors, json["throughput_rps"].get<double>(),
             l["p50"].get<double>(), l["p90"].get<double>(), l["p99"].get<double>(),
             l["max"].get<double>(), p["queue"]["p50"].get<double>(),
             p["queue"]["p99"].get<double>(), p["boot"]["p50"].get<double>(),
             p["boot"]["p99"].get<double>(), p["run"]["p50"].get<double>(),
             p["run"]["p99"].get<double>()) +
         (run.with_warm ? FormatWarmSameRun(json) : std::string());
}

std::string BenchRunToSvg(const BenchRun& run) {
  constexpr double kWidth = 720, kHeight = 420, kLeft = 70, kRight = 20, kTop = 40, kBottom = 50;
  std::vector<double> latency = Column(run.samples, &BenchSample::latency_us);
  std::sort(latency.begin(), latency.end());
  // The x axis ends at p99.9 so one outlier does not flatten the curve.
  const double x_max = std::max(1.0, latency.empty() ? 1.0 : Percentile(latency, 0.999) * 1.05);
  auto x = [&](double us) {
    return kLeft + std::min(us, x_max) / x_max * (kWidth - kLeft - kRight);
  };
  auto y = [&](double q) { return kHeight - kBottom - q * (kHeight - kTop - kBottom); };

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%.0f\" y=\"24\" font-size=\"15\">hearthctl bench %s (%s, c=%d, n=%d)</text>\n",
      kWidth, kHeight, kLeft, run.function, run.cold ? "cold" : "warm", run.concurrency,
      latency.size());
  // Axes with ticks.
  absl::StrAppendFormat(
      &svg,
      "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n"
      "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n",
      kLeft, y(0), kWidth - kRight, y(0), kLeft, y(0), kLeft, y(1));
  for (int i = 0; i <= 5; ++i) {
    const double us = x_max * i / 5;
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.0f</text>\n",
                          x(us), y(0) + 18, us);
    absl::StrAppendFormat(&svg, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>\n",
                          kLeft - 6, y(i / 5.0) + 4, i * 20);
  }
  absl::StrAppendFormat(&svg,
                        "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">latency (us)</text>\n",
                        (kLeft + kWidth - kRight) / 2, kHeight - 10);
  // The distribution: the fraction of requests at or below each latency.
  if (!latency.empty()) {
    std::string points;
    const size_t step = std::max<size_t>(1, latency.size() / 1000);
    for (size_t i = 0; i < latency.size(); i += step) {
      absl::StrAppendFormat(&points, "%.1f,%.1f ", x(latency[i]),
                            y(static_cast<double>(i + 1) / latency.size()));
    }
    absl::StrAppendFormat(&points, "%.1f,%.1f", x(latency.back()), y(1));
    absl::StrAppend(&svg, "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"",
                    points, "\"/>\n");
    for (double q : {0.5, 0.9, 0.99}) {
      const double us = Percentile(latency, q);
      absl::StrAppendFormat(
          &svg,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
          "stroke-dasharray=\"4 3\"/>\n<text x=\"%.1f\" y=\"%.1f\">p%g %.0f us</text>\n",
          x(us), y(0), x(us), y(q), x(us) + 4, y(q) - 4, q * 100, us);
    }
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace hearth::ctl
