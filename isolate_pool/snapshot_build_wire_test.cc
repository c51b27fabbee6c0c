// The snapshot builder's pipe messages survive a round trip, and damaged ones are refused.
#include "isolate_pool/snapshot_build_wire.h"

#include <gtest/gtest.h>

namespace hearth {
namespace {

TEST(SnapshotBuildWireTest, RequestRoundTrips) {
  SnapshotBuildRequest request{.name = "heavy",
                               .source = std::string("export default 1;\0binary", 25),
                               .env = {{"A", "1"}, {"EMPTY", ""}},
                               .memory_mb = 64,
                               .cpu_budget_ms = 2000,
                               .wall_budget_ms = 5000,
                               .hash_seed = 0x1234567890};
  absl::StatusOr<SnapshotBuildRequest> decoded =
      DecodeSnapshotBuildRequest(EncodeSnapshotBuildRequest(request));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->name, "heavy");
  EXPECT_EQ(decoded->source, request.source);
  EXPECT_EQ(decoded->env, request.env);
  EXPECT_EQ(decoded->memory_mb, 64u);
  EXPECT_EQ(decoded->cpu_budget_ms, 2000u);
  EXPECT_EQ(decoded->wall_budget_ms, 5000u);
  EXPECT_EQ(decoded->hash_seed, 0x1234567890u);
}

TEST(SnapshotBuildWireTest, ResultRoundTripsWithItsVerdict) {
  SnapshotBuildResult result{
      .status = absl::OutOfRangeError("too slow"), .top_level_cpu_us = 1234, .blob = "blob"};
  absl::StatusOr<SnapshotBuildResult> decoded =
      DecodeSnapshotBuildResult(EncodeSnapshotBuildResult(result));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->status, result.status);
  EXPECT_EQ(decoded->top_level_cpu_us, 1234);
  EXPECT_EQ(decoded->blob, "blob");
}

TEST(SnapshotBuildWireTest, TruncatedOrTrailingBytesAreRefused) {
  const std::string bytes = EncodeSnapshotBuildResult({.status = absl::OkStatus(), .blob = "abc"});
  EXPECT_FALSE(DecodeSnapshotBuildResult(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(DecodeSnapshotBuildResult(bytes + "x").ok());
  EXPECT_FALSE(DecodeSnapshotBuildResult("").ok());
  EXPECT_FALSE(DecodeSnapshotBuildRequest("\xff\xff\xff\xff\xff\xff\xff\xff").ok());
}

}  // namespace
}  // namespace hearth
