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
  void MakeAllocator(size_t retain_limit, PageProtection protection = PageProtection::kFast) {
    reusing_ =
        ReusingPageAllocator::Create(platform_->GetPageAllocator(), retain_limit, protection);
    pages_ = reusing_->page_allocator();
  }

  uint8_t* Reserve(size_t length) {
    return static_cast<uint8_t*>(
        pages_->AllocatePages(nullptr, length, kChunk, Permission::kNoAccess));
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

  uint64_t Mprotects() const { return reusing_->stats().mprotect_calls; }

  // That a write to `address` kills the process (SIGSEGV), as it would under V8's own
  // allocator; the kernel's protection is read too, to say which way it fails.
  static void ExpectFaults(uint8_t* address) {
    EXPECT_EQ(ProtectionAt(address), "---p");
    EXPECT_DEATH(*reinterpret_cast<volatile uint8_t*>(address) = 1, "");
  }

  void SetUp() override {
    // Death tests fork: V8's platform threads run in this process, so the child re-runs
    // the test from the start instead of continuing from the fork.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
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

// The free/reuse cycle of a heap chunk as V8 10.2 runs it: reserve, commit, uncommit whole,
// free. Counted, because each mprotect that takes access from resident pages costs ~3 us
// a page here, and reopening them ~5-15 us a page more at their first access.
TEST_F(ReusingPageAllocatorTest, FastReuseCycleMakesNoMprotect) {
  MakeAllocator(16 << 20);
  uint8_t* region = DirtyRegion(kChunk);  // a fresh reservation opened: one
  EXPECT_EQ(Mprotects(), 1u);
  Free(region, kChunk);  // keeps its access, zeroed
  ASSERT_EQ(Reserve(kChunk), region);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kReadWrite));
  std::memset(region, 0xab, kChunk);
  Free(region, kChunk);
  EXPECT_EQ(Mprotects(), 1u);
  EXPECT_EQ(ProtectionAt(region), "rw-p");
}

TEST_F(ReusingPageAllocatorTest, StrictReuseCycleClosesOnceAndOpensOnce) {
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = DirtyRegion(kChunk);
  EXPECT_EQ(Mprotects(), 1u);
  // Uncommitted whole: zeroed while still writable, then closed; the free that follows
  // finds nothing to zero or close.
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kNoAccess));
  ReusingPageAllocator::Stats stats = reusing_->stats();
  EXPECT_EQ(stats.mprotect_calls, 2u);
  EXPECT_EQ(stats.retained_bytes, kChunk);
  EXPECT_EQ(stats.stale_bytes, 0u);
  EXPECT_EQ(stats.zeroed_bytes, kChunk);
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
  stats = reusing_->stats();
  EXPECT_EQ(stats.mprotect_calls, 2u);
  EXPECT_EQ(stats.kept_regions, 1u);
  EXPECT_EQ(stats.retained_bytes, kChunk);
  EXPECT_EQ(stats.zeroed_bytes, kChunk);
  EXPECT_EQ(ProtectionAt(region), "---p");

  // Reserved from the kept region: as it is. Committed: one mprotect, which only adds
  // access, for the range asked for.
  ASSERT_EQ(Reserve(kChunk), region);
  EXPECT_EQ(Mprotects(), 2u);
  EXPECT_EQ(ProtectionAt(region), "---p");
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk / 2, Permission::kReadWrite));
  EXPECT_EQ(Mprotects(), 3u);
  EXPECT_EQ(ProtectionAt(region), "rw-p");
  EXPECT_EQ(ProtectionAt(region + kChunk / 2), "---p");
  EXPECT_TRUE(AllZero(region, kChunk / 2));
  std::memset(region, 0xab, kChunk / 2);

  // Freed without an uncommit, half open: zeroed and closed whole, opened once to zero.
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
  EXPECT_EQ(Mprotects(), 5u);
  EXPECT_EQ(ProtectionAt(region), "---p");
  ASSERT_EQ(pages_->AllocatePages(nullptr, kChunk, kChunk, Permission::kReadWrite), region);
  EXPECT_EQ(Mprotects(), 6u);
  EXPECT_TRUE(AllZero(region, kChunk));
  // Freed read-write: zeroed, then one mprotect closes it.
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
  EXPECT_EQ(Mprotects(), 7u);
  EXPECT_EQ(ProtectionAt(region), "---p");
}

TEST_F(ReusingPageAllocatorTest, StrictPagesNeverOpenedAreNotZeroedAgain) {
  // As V8 reserves code pages in its code range: kNoAccess on reserved pages it never
  // opened. They are zero already; a memset would cost a hypervisor exit a page here.
  MakeAllocator(16 << 20, PageProtection::kStrict);
  Free(DirtyRegion(kChunk), kChunk);
  uint8_t* region = Reserve(kChunk);
  ASSERT_EQ(reusing_->stats().kept_regions, 0u);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk / 2, Permission::kNoAccess));
  ReusingPageAllocator::Stats stats = reusing_->stats();
  EXPECT_EQ(stats.mprotect_calls, 2u);  // no access already
  EXPECT_EQ(stats.retained_bytes, kChunk / 2);
  EXPECT_EQ(stats.stale_bytes, 0u);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk / 2, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region, kChunk / 2));
  stats = reusing_->stats();
  EXPECT_EQ(stats.mprotect_calls, 3u);
  EXPECT_EQ(stats.zeroed_bytes, kChunk);  // the first free's only
  EXPECT_EQ(stats.retained_bytes, 0u);
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
}

TEST_F(ReusingPageAllocatorTest, StrictFreeOfARegionOfMixedProtectionZeroesAndClosesIt) {
  // Like V8's code range: code pages, guard pages and data pages in one region.
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = DirtyRegion(kChunk);
  const size_t page = pages_->CommitPageSize();
  uint8_t* code = region + 8 * page;
  uint8_t* guard = region + 16 * page;
  ASSERT_TRUE(pages_->SetPermissions(code, page, Permission::kReadExecute));
  ASSERT_TRUE(pages_->SetPermissions(guard, page, Permission::kNoAccess));
  EXPECT_EQ(reusing_->stats().stale_bytes, page);  // not known writable: zeroed later
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
  EXPECT_EQ(ProtectionAt(region), "---p");
  EXPECT_EQ(ProtectionAt(code), "---p");
  EXPECT_EQ(reusing_->stats().stale_bytes, 0u);
  ASSERT_EQ(pages_->AllocatePages(nullptr, kChunk, kChunk, Permission::kReadWrite), region);
  EXPECT_TRUE(AllZero(region, kChunk));
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
}

TEST_F(ReusingPageAllocatorTest, StrictPagesPastTheLimitAreDiscardedAndClosed) {
  MakeAllocator(0, PageProtection::kStrict);
  uint8_t* region = DirtyRegion(kChunk);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kNoAccess));
  EXPECT_EQ(ProtectionAt(region), "---p");
  EXPECT_EQ(reusing_->stats().retained_bytes, 0u);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region, kChunk));
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
  EXPECT_EQ(reusing_->stats().kept_regions, 0u);
}

// Strict: whatever V8 believes inaccessible faults, one case a test.
TEST_F(ReusingPageAllocatorTest, StrictFreshReservationFaults) {
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = Reserve(kChunk);
  ASSERT_NE(region, nullptr);
  ExpectFaults(region + kChunk / 2);
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
}

TEST_F(ReusingPageAllocatorTest, StrictKeptRegionFaults) {
  // A region V8 freed: a stale pointer into it must not reach the next isolate's heap.
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = Writable(kChunk);
  std::memset(region, 0xab, kChunk);
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
  ASSERT_EQ(reusing_->stats().kept_regions, 1u);
  ExpectFaults(region);
}

TEST_F(ReusingPageAllocatorTest, StrictReservationFromAKeptRegionFaults) {
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = DirtyRegion(kChunk);
  Free(region, kChunk);
  ASSERT_EQ(Reserve(kChunk), region);
  ExpectFaults(region + kChunk / 2);
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
}

TEST_F(ReusingPageAllocatorTest, StrictStockedRegionFaults) {
  MakeAllocator(16 << 20, PageProtection::kStrict);
  ASSERT_TRUE(reusing_->StockOne(kChunk, kChunk, 4 * kChunk));
  EXPECT_EQ(Mprotects(), 1u);  // faulted in, then closed
  uint8_t* region = Reserve(kChunk);
  ASSERT_NE(region, nullptr);
  EXPECT_EQ(reusing_->stats().reused_regions, 1u);
  ExpectFaults(region);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region, kChunk));
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
}

TEST_F(ReusingPageAllocatorTest, StrictNoAccessRangeFaults) {
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = DirtyRegion(kChunk);
  const size_t page = pages_->CommitPageSize();
  ASSERT_TRUE(pages_->SetPermissions(region + page, page, Permission::kNoAccess));
  ExpectFaults(region + page);  // a guard page
  ASSERT_TRUE(pages_->SetPermissions(region + page, page, Permission::kReadWrite));
  EXPECT_TRUE(AllZero(region + page, page));
  Free(region, kChunk);
}

TEST_F(ReusingPageAllocatorTest, StrictWholeRegionLosingAccessFaults) {
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = DirtyRegion(kChunk);
  ASSERT_TRUE(pages_->SetPermissions(region, kChunk, Permission::kNoAccess));
  ExpectFaults(region);  // a new-space page uncommitted
  ASSERT_TRUE(pages_->FreePages(region, kChunk));
}

TEST_F(ReusingPageAllocatorTest, StrictDecommittedPagesFault) {
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = DirtyRegion(kChunk);
  const size_t page = pages_->CommitPageSize();
  ASSERT_TRUE(pages_->DecommitPages(region + 2 * page, page));
  ExpectFaults(region + 2 * page);
  Free(region, kChunk);
}

TEST_F(ReusingPageAllocatorTest, StrictReleasedTailFaults) {
  MakeAllocator(16 << 20, PageProtection::kStrict);
  uint8_t* region = DirtyRegion(kChunk);
  ASSERT_TRUE(pages_->ReleasePages(region, kChunk, kChunk / 2));
  ExpectFaults(region + kChunk / 2);
  region[0] = 1;  // what was kept is still V8's
  ASSERT_TRUE(pages_->FreePages(region, kChunk / 2));
}

// Fast: guard pages and decommitted pages fault all the same.
TEST_F(ReusingPageAllocatorTest, FastNoAccessRangeFaults) {
  MakeAllocator(16 << 20);
  uint8_t* region = DirtyRegion(kChunk);
  const size_t page = pages_->CommitPageSize();
  ASSERT_TRUE(pages_->SetPermissions(region + page, page, Permission::kNoAccess));
  ExpectFaults(region + page);
  Free(region, kChunk);
}

TEST_F(ReusingPageAllocatorTest, FastDecommittedPagesFault) {
  MakeAllocator(16 << 20);
  uint8_t* region = DirtyRegion(kChunk);
  const size_t page = pages_->CommitPageSize();
  ASSERT_TRUE(pages_->DecommitPages(region + 2 * page, page));
  ExpectFaults(region + 2 * page);
  Free(region, kChunk);
}

}  // namespace
}  // namespace hearth
