// The snapshot builder's pipe messages survive a round trip, and damaged ones are refused.
#include "isolate_pool/snapshot_build_wire.h"

#include <gtest/gtest.h>

#include "isolate_pool/blob_digest.h"

namespace hearth {
namespace {

TEST(SnapshotBuildWireTest, RequestRoundTrips) {
  SnapshotBuildRequest request{.name = "heavy",
                               .source = std::string("export default 1;\0binary", 25),
                               .env = {{"A", "1"}, {"EMPTY", ""}},
                               .memory_mb = 64,
                               .cpu_budget_ms = 2000,
                               .wall_budget_ms = 5000,
                               .hash_seed = 0x1234567890,
                               .max_blob_bytes = 64 << 20,
                               .identity = BuilderIdentity{.uid = 65534, .gid = 65533}};
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
  EXPECT_EQ(decoded->max_blob_bytes, uint64_t{64} << 20);
  ASSERT_TRUE(decoded->identity.has_value());
  EXPECT_EQ(decoded->identity->uid, 65534u);
  EXPECT_EQ(decoded->identity->gid, 65533u);

  request.identity.reset();
  decoded = DecodeSnapshotBuildRequest(EncodeSnapshotBuildRequest(request));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_FALSE(decoded->identity.has_value());
}

TEST(SnapshotBuildWireTest, ResultRoundTripsWithItsVerdict) {
  SnapshotBuildResult result{.status = absl::OutOfRangeError("too slow"),
                             .top_level_cpu_us = 1234,
                             .blob = "blob",
                             .blob_sha256 = Sha256("blob")};
  absl::StatusOr<SnapshotBuildResult> decoded =
      DecodeSnapshotBuildResult(EncodeSnapshotBuildResult(result));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->status, result.status);
  EXPECT_EQ(decoded->top_level_cpu_us, 1234);
  EXPECT_EQ(decoded->blob, "blob");
  EXPECT_EQ(decoded->blob_sha256, result.blob_sha256);
}

TEST(SnapshotBuildWireTest, ABlobIsAcceptedOnlyWithItsDigest) {
  const std::string blob(1 << 20, 'x');
  const std::string digest = Sha256(blob);
  EXPECT_EQ(digest.size(), kSha256Bytes);
  EXPECT_TRUE(VerifyBlobDigest(blob, digest, "the snapshot").ok());
  std::string flipped = blob;
  flipped[12345] ^= 1;
  absl::Status refused = VerifyBlobDigest(flipped, digest, "the snapshot");
  EXPECT_EQ(refused.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(refused.message().find("the snapshot of 1048576 bytes does not match"),
            std::string::npos)
      << refused;
  EXPECT_FALSE(VerifyBlobDigest(blob, "", "the snapshot").ok());
  EXPECT_FALSE(VerifyBlobDigest(blob, digest.substr(1), "the snapshot").ok());
}

TEST(SnapshotBuildWireTest, TruncatedOrTrailingBytesAreRefused) {
  const std::string bytes =
      EncodeSnapshotBuildResult({.status = absl::OkStatus(), .blob = "abc", .blob_sha256 = ""});
  EXPECT_FALSE(DecodeSnapshotBuildResult(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(DecodeSnapshotBuildResult(bytes + "x").ok());
  EXPECT_FALSE(DecodeSnapshotBuildResult("").ok());
  EXPECT_FALSE(DecodeSnapshotBuildRequest("\xff\xff\xff\xff\xff\xff\xff\xff").ok());
}

}  // namespace
}  // namespace hearth
