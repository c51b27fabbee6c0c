#include "isolate_pool/reusing_page_allocator.h"

#include <gtest/gtest.h>
#include <libplatform/libplatform.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

namespace hearth {
namespace {

using Permission = v8::PageAllocator::Permission;

constexpr size_t kChunk = 256 << 10;  // what V8 10.2 asks for most: one heap chunk

// Over V8's own system allocator (a platform we never initialise V8 with), as in the agent.
class ReusingPageAllocatorTest : public ::testing::Test {
 protected:
  void MakeAllocator(size_t retain_limit) {
    reusing_ = ReusingPageAllocator::Create(platform_->GetPageAllocator(), retain_limit);
    pages_ = reusing_->page_allocator();
  }

  // A region as V8 takes one: reserved without access, then made writable and filled.
  uint8_t* DirtyRegion(size_t length) {
    void* address = pages_->AllocatePages(nullptr, length, kChunk, Permission::kNoAccess);
    EXPECT_NE(address, nullptr);
    EXPECT_TRUE(pages_->SetPermissions(address, length, Permission::kReadWrite));
    std::memset(address, 0xab, length);
    return static_cast<uint8_t*>(address);
  }

  // A region asked for with access at once (as V8 asks for some).
  uint8_t* Writable(size_t length) {
    return static_cast<uint8_t*>(
        pages_->AllocatePages(nullptr, length, kChunk, Permission::kReadWrite));
  }

  void Free(uint8_t* address, size_t length) {
    ASSERT_TRUE(pages_->SetPermissions(address, length, Permission::kNoAccess));
    ASSERT_TRUE(pages_->FreePages(address, length));
  }

  static bool AllZero(const uint8_t* bytes, size_t length) {
    return std::all_of(bytes, bytes + length, [](uint8_t b) { return b == 0; });
  }

  std::unique_ptr<v8::Platform> platform_ = v8::platform::NewDefaultPlatform();
  std::unique_ptr<ReusingPageAllocator> reusing_;
  v8::PageAllocator* pages_ = nullptr;
};

TEST_F(ReusingPageAllocatorTest, FreedRegionComesBackWholeAndZeroed) {
  MakeAllocator(16 << 20);
  uint8_t* first = DirtyRegion(kChunk);
  Free(first, kChunk);
  // Zeroed as it was freed: kept resident, nothing stale.
  ReusingPageAllocator::Stats stats = reusing_->stats();
  EXPECT_EQ(stats.kept_regions, 1u);
  EXPECT_EQ(stats.retained_bytes, kChunk);
  EXPECT_EQ(stats.stale_bytes, 0u);
  EXPECT_EQ(stats.zeroed_bytes, kChunk);

  void* again = pages_->AllocatePages(nullptr, kChunk, kChunk, Permission::kNoAccess);
  ASSERT_EQ(again, first);
  ASSERT_TRUE(pages_->SetPermissions(again, kChunk, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(first, kChunk));
  stats = reusing_->stats();
  EXPECT_EQ(stats.reused_regions, 1u);
  EXPECT_EQ(stats.fresh_regions, 1u);
  EXPECT_EQ(stats.zeroed_bytes, kChunk);  // nothing more to zero on the way back
  EXPECT_EQ(stats.retained_bytes, 0u);    // the pages are the isolate's again
  Free(first, kChunk);
}

TEST_F(ReusingPageAllocatorTest, RegionAskedForWithAccessIsZeroedAtOnce) {
  MakeAllocator(16 << 20);
  uint8_t* first = DirtyRegion(kChunk);
  Free(first, kChunk);
  uint8_t* again = Writable(kChunk);
  ASSERT_EQ(again, first);
  EXPECT_TRUE(AllZero(again, kChunk));
  Free(again, kChunk);
}

TEST_F(ReusingPageAllocatorTest, PagesOfALiveRegionReadAsZeroAfterLosingAccess) {
  MakeAllocator(16 << 20);
  uint8_t* region = DirtyRegion(kChunk);
  const size_t page = pages_->CommitPageSize();
  // The middle goes away and comes back, as when V8 shrinks and regrows a space.
  ASSERT_TRUE(pages_->SetPermissions(region + page, 4 * page, Permission::kNoAccess));
  EXPECT_EQ(reusing_->stats().stale_bytes, 4 * page);
  ASSERT_TRUE(pages_->SetPermissions(region + page, 4 * page, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region + page, 4 * page));
  EXPECT_EQ(region[0], 0xab);
  EXPECT_EQ(region[5 * page], 0xab);
  EXPECT_EQ(reusing_->stats().stale_bytes, 0u);
  Free(region, kChunk);
}

TEST_F(ReusingPageAllocatorTest, ReleasedTailIsReusedWithTheRegion) {
  MakeAllocator(16 << 20);
  uint8_t* region = DirtyRegion(kChunk);
  const size_t kept = 64 << 10;
  ASSERT_TRUE(pages_->ReleasePages(region, kChunk, kept));
  Free(region, kept);
  uint8_t* again = Writable(kChunk);
  ASSERT_EQ(again, region);
  EXPECT_TRUE(AllZero(again, kChunk));
  Free(again, kChunk);
}

TEST_F(ReusingPageAllocatorTest, OnlyTheSameLengthIsServedFromAKeptRegion) {
  MakeAllocator(16 << 20);
  uint8_t* region = DirtyRegion(kChunk);
  Free(region, kChunk);
  uint8_t* larger = DirtyRegion(2 * kChunk);
  EXPECT_EQ(reusing_->stats().reused_regions, 0u);
  EXPECT_EQ(reusing_->stats().kept_regions, 1u);
  Free(larger, 2 * kChunk);
}

TEST_F(ReusingPageAllocatorTest, RetainLimitHoldsAndEvictsOldestFirst) {
  MakeAllocator(2 * kChunk);
  uint8_t* regions[4];
  for (uint8_t*& region : regions) region = DirtyRegion(kChunk);
  for (uint8_t* region : regions) Free(region, kChunk);
  ReusingPageAllocator::Stats stats = reusing_->stats();
  EXPECT_EQ(stats.kept_regions, 2u);
  EXPECT_EQ(stats.retained_bytes, 2 * kChunk);
  // The two freed last are the ones kept.
  void* reused = pages_->AllocatePages(nullptr, kChunk, kChunk, Permission::kNoAccess);
  EXPECT_TRUE(reused == regions[2] || reused == regions[3]);
  ASSERT_TRUE(pages_->FreePages(reused, kChunk));

  reusing_->SetRetainLimit(0);
  stats = reusing_->stats();
  EXPECT_EQ(stats.kept_regions, 0u);
  EXPECT_EQ(stats.retained_bytes, 0u);
}

TEST_F(ReusingPageAllocatorTest, PastTheLimitPagesAreDiscardedAsV8WouldDo) {
  MakeAllocator(0);
  uint8_t* region = DirtyRegion(kChunk);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kNoAccess));
  EXPECT_EQ(reusing_->stats().stale_bytes, 0u);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region, kChunk));
  Free(region, kChunk);
  EXPECT_EQ(reusing_->stats().kept_regions, 0u);
}

TEST_F(ReusingPageAllocatorTest, DiscardedPagesAreNoLongerStale) {
  MakeAllocator(16 << 20);
  uint8_t* region = DirtyRegion(kChunk);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kNoAccess));
  ASSERT_TRUE(pages_->DecommitPages(region, kChunk));
  EXPECT_EQ(reusing_->stats().stale_bytes, 0u);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region, kChunk));
  EXPECT_EQ(reusing_->stats().zeroed_bytes, 0u);
  Free(region, kChunk);
}

TEST_F(ReusingPageAllocatorTest, ReleaseKeptRegionsEmptiesTheCache) {
  MakeAllocator(16 << 20);
  Free(DirtyRegion(kChunk), kChunk);
  EXPECT_TRUE(reusing_->ReleaseKeptRegions());
  EXPECT_FALSE(reusing_->ReleaseKeptRegions());
  EXPECT_EQ(reusing_->stats().retained_bytes, 0u);
}

}  // namespace
}  // namespace hearth
