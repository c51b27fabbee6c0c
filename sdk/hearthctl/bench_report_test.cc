#include "sdk/hearthctl/bench_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hearth::ctl {
namespace {

using ::testing::HasSubstr;

TEST(BenchReport, PercentileUsesNearestRank) {
  std::vector<double> values;
  for (int i = 1; i <= 100; ++i) values.push_back(101 - i);  // Unsorted on purpose.
  EXPECT_EQ(Percentile(values, 0.50), 50);
  EXPECT_EQ(Percentile(values, 0.99), 99);
  EXPECT_EQ(Percentile(values, 1.0), 100);
  EXPECT_EQ(Percentile(values, 0.0), 1);
  EXPECT_EQ(Percentile({}, 0.5), 0);
}

TEST(BenchReport, JsonHasTheContractedShape) {
  BenchRun run;
  run.function = "hello";
  run.cold = true;
  run.concurrency = 4;
  run.elapsed_s = 2;
  run.errors = 1;
  for (int i = 1; i <= 9; ++i) run.samples.push_back({i * 100.0, 10.0 * i, 5.0 * i, 1.0 * i});
  const nlohmann::ordered_json json = BenchRunToJson(run);
  EXPECT_EQ(json["function"], "hello");
  EXPECT_EQ(json["mode"], "cold");
  EXPECT_EQ(json["count"], 10);
  EXPECT_EQ(json["concurrency"], 4);
  EXPECT_EQ(json["errors"], 1);
  EXPECT_DOUBLE_EQ(json["throughput_rps"].get<double>(), 5.0);
  EXPECT_EQ(json["latency_us"]["p50"], 500);
  EXPECT_EQ(json["latency_us"]["max"], 900);
  EXPECT_EQ(json["phases_us"]["queue"]["p50"], 50);
  EXPECT_EQ(json["phases_us"]["boot"]["p99"], 45);
  EXPECT_EQ(json["phases_us"]["run"]["p50"], 5);
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  EXPECT_THAT(keys, ::testing::ElementsAre("function", "mode", "count", "concurrency", "errors",
                                           "throughput_rps", "latency_us", "phases_us"));
}

TEST(BenchReport, SvgIsAPlotWithPercentileMarks) {
  BenchRun run;
  run.function = "hello";
  for (int i = 1; i <= 50; ++i) run.samples.push_back({i * 10.0, 0, 0, 0});
  const std::string svg = BenchRunToSvg(run);
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("<polyline"));
  EXPECT_THAT(svg, HasSubstr("p50 250 us"));
  EXPECT_THAT(svg, HasSubstr("</svg>"));
}

}  // namespace
}  // namespace hearth::ctl
