#include "isolate_pool/reusing_page_allocator.h"

#include <gtest/gtest.h>
#include <libplatform/libplatform.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

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

  // The protection of the page at `address` as the kernel has it ("rw-p", "---p", ...).
  static std::string ProtectionAt(const void* address) {
    const uintptr_t target = reinterpret_cast<uintptr_t>(address);
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);) {
      std::istringstream fields(line);
      std::string range, protection;
      fields >> range >> protection;
      const size_t dash = range.find('-');
      const uintptr_t start = std::stoull(range.substr(0, dash), nullptr, 16);
      const uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
      if (target >= start && target < end) return protection;
    }
    return "unmapped";
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

TEST_F(ReusingPageAllocatorTest, ProtectionsAskedForHoldAcrossReuse) {
  // Kept regions stay read-write so that reuse costs no mprotect; what V8 asks for after
  // that must still reach the kernel.
  MakeAllocator(16 << 20);
  uint8_t* region = DirtyRegion(kChunk);
  Free(region, kChunk);
  EXPECT_EQ(ProtectionAt(region), "rw-p");  // kept, zeroed, writable

  ASSERT_EQ(pages_->AllocatePages(nullptr, kChunk, kChunk, Permission::kNoAccess), region);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region, kChunk));
  std::memset(region, 0xcd, kChunk);
  // A guard page in the middle, then code-like pages: each reaches the kernel.
  uint8_t* guard = region + 4096;
  ASSERT_TRUE(pages_->SetPermissions(guard, 4096, Permission::kNoAccess));
  EXPECT_EQ(ProtectionAt(guard), "---p");
  EXPECT_EQ(ProtectionAt(region), "rw-p");
  uint8_t* code = region + 8 * 4096;
  ASSERT_TRUE(pages_->SetPermissions(code, 4096, Permission::kReadExecute));
  EXPECT_EQ(ProtectionAt(code), "r-xp");
  // Back to read-write as a whole: the guard page comes back zeroed, the rest as written.
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kReadWrite));
  EXPECT_EQ(ProtectionAt(guard), "rw-p");
  EXPECT_EQ(ProtectionAt(code), "rw-p");
  EXPECT_TRUE(AllZero(guard, 4096));
  EXPECT_EQ(region[0], 0xcd);
  EXPECT_EQ(code[0], 0xcd);

  // A whole region losing access keeps it (memory V8 stopped using: no shootdowns for
  // it), and its pages come back zeroed all the same.
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kNoAccess));
  EXPECT_EQ(ProtectionAt(region), "rw-p");
  EXPECT_EQ(reusing_->stats().stale_bytes, kChunk);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region, kChunk));
  EXPECT_EQ(reusing_->stats().stale_bytes, 0u);

  // A reuse asked for with another protection gets it.
  Free(region, kChunk);
  ASSERT_EQ(pages_->AllocatePages(nullptr, kChunk, kChunk, Permission::kRead), region);
  EXPECT_EQ(ProtectionAt(region), "r--p");
  EXPECT_TRUE(AllZero(region, kChunk));
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
}

TEST_F(ReusingPageAllocatorTest, StockedRegionsServeRequestsOfTheirShapeUpToTheTarget) {
  MakeAllocator(16 << 20);
  // Up to the target (two regions' worth), then nothing more to do.
  EXPECT_TRUE(reusing_->StockOne(kChunk, kChunk, 2 * kChunk));
  EXPECT_TRUE(reusing_->StockOne(kChunk, kChunk, 2 * kChunk));
  EXPECT_FALSE(reusing_->StockOne(kChunk, kChunk, 2 * kChunk));
  ReusingPageAllocator::Stats stats = reusing_->stats();
  EXPECT_EQ(stats.stocked_regions, 2u);
  EXPECT_EQ(stats.kept_regions, 2u);
  EXPECT_EQ(stats.retained_bytes, 2 * kChunk);  // faulted in: resident

  // A request of that shape takes a stocked region: aligned, zeroed, writable, not fresh.
  void* address = pages_->AllocatePages(nullptr, kChunk, kChunk, Permission::kNoAccess);
  ASSERT_NE(address, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(address) % kChunk, 0u);
  ASSERT_TRUE(pages_->SetPermissions(address, kChunk, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(static_cast<uint8_t*>(address), kChunk));
  std::memset(address, 0x5a, kChunk);
  stats = reusing_->stats();
  EXPECT_EQ(stats.reused_regions, 1u);
  EXPECT_EQ(stats.fresh_regions, 0u);
  EXPECT_EQ(stats.kept_regions, 1u);
  // Freed, it is kept like any region V8 gave back.
  Free(static_cast<uint8_t*>(address), kChunk);
  EXPECT_EQ(reusing_->stats().kept_regions, 2u);

  // Never past the retain limit.
  MakeAllocator(kChunk);
  EXPECT_TRUE(reusing_->StockOne(kChunk, kChunk, 8 * kChunk));
  EXPECT_FALSE(reusing_->StockOne(kChunk, kChunk, 8 * kChunk));
  MakeAllocator(0);  // reuse off
  EXPECT_FALSE(reusing_->StockOne(kChunk, kChunk, 8 * kChunk));
}

}  // namespace
}  // namespace hearth
