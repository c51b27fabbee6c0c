#include "isolate_pool/reusing_page_allocator.h"

#include <absl/base/thread_annotations.h>
#include <absl/container/btree_map.h>
#include <absl/container/flat_hash_map.h>
#include <absl/synchronization/mutex.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <list>
#include <utility>
#include <vector>

namespace hearth {
namespace {

using Permission = v8::PageAllocator::Permission;

// Larger regions (none in practice: V8's largest is its 128 MiB code range) are left to
// the system allocator.
constexpr size_t kMaxTrackedLength = size_t{512} << 20;

constexpr int kProtReadWrite = PROT_READ | PROT_WRITE;

int ToProt(Permission permission) {
  switch (permission) {
    case Permission::kNoAccess:
    case Permission::kNoAccessWillJitLater:
      return PROT_NONE;
    case Permission::kRead:
      return PROT_READ;
    case Permission::kReadWrite:
      return kProtReadWrite;
    case Permission::kReadWriteExecute:
      return kProtReadWrite | PROT_EXEC;
    case Permission::kReadExecute:
      return PROT_READ | PROT_EXEC;
  }
  return PROT_NONE;
}

bool IsAccessible(Permission permission) { return ToProt(permission) != PROT_NONE; }

// Region::protection when its pages do not all have the same one.
constexpr int kMixedProtection = -1;

// What is known of the bytes of pages V8 lets go of.
enum class Contents {
  kStale,       // V8's data: zeroed before V8 may access them again
  kZeroedNow,   // zeroed by the caller (any stale mark in the range is obsolete)
  kAlreadyZero  // not stale, in a region that is PROT_NONE throughout (see Retire)
};

// A run of pages [first, first + count) of one region.
struct PageRun {
  size_t first;
  size_t count;
};

size_t PagesOf(const std::vector<PageRun>& runs) {
  size_t pages = 0;
  for (const PageRun& run : runs) pages += run.count;
  return pages;
}

// Some pages of a region, one bit each. The bits are allocated on the first Add: most
// regions never have a page in the set, and V8's 128 MiB code range would take 4 KiB of
// bits per isolate for each set.
class PageSet {
 public:
  explicit PageSet(size_t pages) : pages_(pages) {}

  size_t size() const { return size_; }

  // How many pages of `runs` are neither in this set nor in `other`.
  size_t CountInNeither(const std::vector<PageRun>& runs, const PageSet& other) const {
    size_t missing = 0;
    for (const PageRun& run : runs) {
      for (size_t page = run.first; page < run.first + run.count; ++page) {
        if (!Contains(page) && !other.Contains(page)) ++missing;
      }
    }
    return missing;
  }

  // Adds the pages of `runs` that are not in `other`.
  void AddNotIn(const std::vector<PageRun>& runs, const PageSet& other) {
    if (words_.empty()) words_.assign((pages_ + 63) / 64, 0);
    for (const PageRun& run : runs) {
      for (size_t page = run.first; page < run.first + run.count; ++page) {
        if (Contains(page) || other.Contains(page)) continue;
        words_[page / 64] |= Bit(page);
        ++size_;
      }
    }
  }

  // Removes the pages of [first, end) and returns those that were in, as runs.
  std::vector<PageRun> Take(size_t first, size_t end) {
    std::vector<PageRun> runs;
    if (size_ == 0) return runs;
    end = std::min(end, pages_);
    for (size_t page = first; page < end;) {
      if (words_[page / 64] == 0 && page % 64 == 0 && page + 64 <= end) {
        page += 64;
        continue;
      }
      if (Contains(page)) {
        words_[page / 64] &= ~Bit(page);
        --size_;
        if (!runs.empty() && runs.back().first + runs.back().count == page) {
          ++runs.back().count;
        } else {
          runs.push_back({page, 1});
        }
      }
      ++page;
    }
    return runs;
  }

 private:
  static uint64_t Bit(size_t page) { return uint64_t{1} << (page % 64); }
  bool Contains(size_t page) const {
    return !words_.empty() && (words_[page / 64] & Bit(page)) != 0;
  }

  const size_t pages_;
  std::vector<uint64_t> words_;  // empty until the first Add
  size_t size_ = 0;
};

// One mapping handed to V8, as mapped (ReleasePages does not shrink it here).
struct Region {
  Region(uintptr_t base, size_t length, size_t pages, int protection)
      : base(base), length(length), protection(protection), stale(pages), zeroed(pages) {}

  const uintptr_t base;
  const size_t length;
  // The protection of every page of the region, or kMixedProtection. Knowing it lets
  // calls that ask for what the region has already skip mprotect.
  int protection;
  // Resident pages of a live region that V8 has let go of (retained), in two sets: not
  // zeroed yet (they must read as zero when V8 opens them again), and zeroed already
  // (strict: zeroed as they closed). Fast uses the first only.
  PageSet stale;
  PageSet zeroed;
  // While kept: its resident pages, all zeroed (ready for V8 as they are).
  size_t clean_pages = 0;
  // Positions in the lists of kept regions (freed by V8, waiting for a request).
  std::list<Region*>::iterator kept_position;
  std::list<Region*>::iterator length_position;
};

class ReusingPageAllocatorImpl final : public ReusingPageAllocator, public v8::PageAllocator {
 public:
  ReusingPageAllocatorImpl(v8::PageAllocator* system, size_t retain_limit_bytes,
                           PageProtection protection)
      : system_(system),
        page_size_(system->CommitPageSize()),
        strict_(protection == PageProtection::kStrict),
        kept_protection_(strict_ ? PROT_NONE : kProtReadWrite),
        retain_limit_bytes_(retain_limit_bytes) {}

  // Kept regions go back to the system; live ones belong to isolates (which, in the agent,
  // never outlive the allocator: it lives as long as the process).
  ~ReusingPageAllocatorImpl() override { ReleaseKeptRegions(); }

  v8::PageAllocator* page_allocator() override { return this; }

  void SetRetainLimit(size_t bytes) override {
    std::vector<std::unique_ptr<Region>> unmap;
    {
      absl::MutexLock lock(&mu_);
      retain_limit_bytes_ = bytes;
      EvictLocked(0, &unmap);
    }
    for (const auto& region : unmap) Unmap(*region);
  }

  bool ReleaseKeptRegions() override {
    std::vector<std::unique_ptr<Region>> unmap;
    {
      absl::MutexLock lock(&mu_);
      while (!kept_.empty()) unmap.push_back(ForgetKeptLocked(kept_.back()));
    }
    for (const auto& region : unmap) Unmap(*region);
    return !unmap.empty();
  }

  bool StockOne(size_t length, size_t alignment, size_t target_bytes) override {
    if (length == 0 || length % page_size_ != 0 || length > kMaxTrackedLength) return false;
    {
      absl::MutexLock lock(&mu_);
      auto it = kept_by_length_.find(length);
      const size_t kept = it == kept_by_length_.end() ? 0 : it->second.size();
      if ((kept + 1) * length > target_bytes || !FitsLocked(PagesIn(length))) return false;
    }
    const uintptr_t base = MapForKeeping(length, alignment);
    if (base == 0) return false;
    auto region = std::make_unique<Region>(base, length, PagesIn(length), kept_protection_);
    region->clean_pages = PagesIn(length);
    {
      absl::MutexLock lock(&mu_);
      // Pages V8 let go of meanwhile may have filled the limit: then this one goes back.
      if (FitsLocked(region->clean_pages)) {
        kept_clean_pages_ += region->clean_pages;
        ++stats_.stocked_regions;
        Region* raw = region.get();
        regions_.emplace(base, std::move(region));
        KeepLocked(raw);
        return true;
      }
    }
    Unmap(*region);
    return false;
  }

  Stats stats() const override {
    absl::MutexLock lock(&mu_);
    Stats stats = stats_;
    stats.stale_bytes = stale_pages_ * page_size_;
    stats.retained_bytes = (stale_pages_ + zeroed_pages_ + kept_clean_pages_) * page_size_;
    stats.kept_regions = kept_.size();
    stats.mprotect_calls = mprotect_calls_.load(std::memory_order_relaxed);
    return stats;
  }

  // v8::PageAllocator.
  size_t AllocatePageSize() override { return system_->AllocatePageSize(); }
  size_t CommitPageSize() override { return page_size_; }
  void SetRandomMmapSeed(int64_t seed) override { system_->SetRandomMmapSeed(seed); }
  void* GetRandomMmapAddr() override { return system_->GetRandomMmapAddr(); }

  void* AllocatePages(void* hint, size_t length, size_t alignment, Permission permission) override {
    Region* region = nullptr;
    {
      absl::MutexLock lock(&mu_);
      region = TakeKeptLocked(length, alignment);
    }
    if (region != nullptr) {
      // A kept region is zeroed, and closed (strict) or read-write (fast). A reservation
      // (no access) gets it as it is: strict, that is what it asked for; fast, V8 commits
      // reserved pages (SetPermissions) before it touches them and marks its guard pages
      // explicitly, so the access it did not ask for is not used, and what it would find
      // there is zeros.
      if (IsAccessible(permission) &&
          !MakeAccessible(region, region->base, region->length, permission)) {
        FreePages(reinterpret_cast<void*>(region->base), region->length);
        return nullptr;
      }
      return reinterpret_cast<void*>(region->base);
    }
    void* address = system_->AllocatePages(hint, length, alignment, permission);
    if (address == nullptr || length > kMaxTrackedLength) return address;
    auto fresh = std::make_unique<Region>(reinterpret_cast<uintptr_t>(address), length,
                                          PagesIn(length), ToProt(permission));
    absl::MutexLock lock(&mu_);
    ++stats_.fresh_regions;
    regions_.emplace(fresh->base, std::move(fresh));
    return address;
  }

  bool FreePages(void* address, size_t length) override {
    Region* region = FindStartingAt(reinterpret_cast<uintptr_t>(address));
    if (region == nullptr) return system_->FreePages(address, length);
    const std::vector<PageRun> resident = ResidentRuns(*region, region->base, region->length);
    std::vector<std::unique_ptr<Region>> unmap;
    int protection = kMixedProtection;
    bool had_stale = false;
    {
      absl::MutexLock lock(&mu_);
      const size_t more = region->stale.CountInNeither(resident, region->zeroed);
      EvictLocked(more, &unmap);
      if (FitsLocked(more)) {
        protection = region->protection;
        had_stale = region->stale.size() > 0;
        // Counted as zeroed from now on, so the retained total holds while we zero.
        ReclaimLocked(region, region->base, region->length);
        region->clean_pages = PagesOf(resident);
        kept_clean_pages_ += region->clean_pages;
      } else {
        unmap.push_back(ForgetLiveLocked(region));
        region = nullptr;
      }
    }
    for (const auto& gone : unmap) Unmap(*gone);
    if (region == nullptr) return true;
    // Zeroed here, on the thread that disposes of the isolate (the reserve booter's, in
    // the agent), rather than on the worker that boots the next one into these pages.
    if (!ZeroForKeeping(region, protection, had_stale, resident)) {
      std::unique_ptr<Region> gone;
      {
        absl::MutexLock lock(&mu_);
        kept_clean_pages_ -= region->clean_pages;
        region->clean_pages = 0;
        gone = ForgetLiveLocked(region);
      }
      Unmap(*gone);  // Not zeroed, or not closed: not kept.
      return true;
    }
    DiscardGaps(*region, region->base, region->length, resident);
    absl::MutexLock lock(&mu_);
    region->protection = kept_protection_;
    KeepLocked(region);
    return true;
  }

  bool ReleasePages(void* address, size_t length, size_t new_length) override {
    const uintptr_t base = reinterpret_cast<uintptr_t>(address);
    Region* region = FindStartingAt(base);
    if (region == nullptr) return system_->ReleasePages(address, length, new_length);
    // The tail stays mapped (the region is reused whole), its pages retained. Fast, it
    // keeps its access: V8 never touches a released tail again (see Retire).
    return Retire(region, base + new_length, length - new_length, /*keep_access=*/!strict_);
  }

  bool SetPermissions(void* address, size_t length, Permission permission) override {
    const uintptr_t start = reinterpret_cast<uintptr_t>(address);
    Region* region = nullptr;
    {
      absl::MutexLock lock(&mu_);
      region = FindLocked(start);
    }
    if (region == nullptr) return system_->SetPermissions(address, length, permission);
    if (IsAccessible(permission)) return MakeAccessible(region, start, length, permission);
    // A whole region losing access is memory V8 stops using (a new-space page uncommitted,
    // mostly on its way to FreePages): fast, it keeps its access; a part of one may be a
    // guard page, which must fault in either mode.
    const bool keep_access = !strict_ && Covers(*region, start, length);
    return Retire(region, start, length, keep_access);
  }

  bool DiscardSystemPages(void* address, size_t length) override {
    // Discarded pages read as zero: nothing retained is left there.
    const bool done = system_->DiscardSystemPages(address, length);
    if (done) Reclaim(reinterpret_cast<uintptr_t>(address), length);
    return done;
  }

  bool DecommitPages(void* address, size_t length) override {
    // V8's own (a fresh PROT_NONE mapping over the range) even when the range was
    // retained: decommitted pages must also stop counting as resident.
    const bool done = system_->DecommitPages(address, length);
    if (!done) return false;
    const uintptr_t start = reinterpret_cast<uintptr_t>(address);
    absl::MutexLock lock(&mu_);
    Region* region = FindLocked(start);
    if (region != nullptr) {
      ReclaimLocked(region, start, length);
      SetProtectionLocked(region, start, length, PROT_NONE);
    }
    return true;
  }

 private:
  // Zeroes `runs` of `region`, which are resident and writable: this does not fault.
  void ZeroRuns(const Region& region, const std::vector<PageRun>& runs) {
    for (const PageRun& run : runs) {
      std::memset(reinterpret_cast<void*>(region.base + run.first * page_size_), 0,
                  run.count * page_size_);
    }
    absl::MutexLock lock(&mu_);
    stats_.zeroed_bytes += PagesOf(runs) * page_size_;
  }

  // Zeroes the `resident` pages of a freed region and gives it the protection of kept
  // regions. `protection` and `had_stale` are the region's as V8 freed it. False when an
  // mprotect failed (the region must not be kept).
  bool ZeroForKeeping(Region* region, int protection, bool had_stale,
                      const std::vector<PageRun>& resident) {
    const uintptr_t base = region->base;
    // Strict: a region already closed holds no page to zero unless one is stale (a closed
    // page is zeroed as it closes, see Retire, or was never opened): nothing to do, which
    // is the case of a reservation served from a kept region and freed unused.
    if (strict_ && protection == PROT_NONE && !had_stale) return true;
    if (protection != kProtReadWrite && !Mprotect(base, region->length, kProtReadWrite))
      return false;
    ZeroRuns(*region, resident);
    return kept_protection_ == kProtReadWrite || Mprotect(base, region->length, kept_protection_);
  }

  size_t PagesIn(size_t length) const { return (length + page_size_ - 1) / page_size_; }

  // Whether [start, start + length) is all of `region`.
  bool Covers(const Region& region, uintptr_t start, size_t length) const {
    return start == region.base && PagesIn(length) >= PagesIn(region.length);
  }

  // The pages of [start, start + length) of `region` that are resident now.
  std::vector<PageRun> ResidentRuns(const Region& region, uintptr_t start, size_t length) const {
    std::vector<PageRun> runs;
    const size_t pages = PagesIn(length);
    std::vector<unsigned char> resident(pages);
    if (mincore(reinterpret_cast<void*>(start), length, resident.data()) != 0) {
      runs.push_back({(start - region.base) / page_size_, pages});  // assume all of them
      return runs;
    }
    const size_t offset = (start - region.base) / page_size_;
    for (size_t i = 0; i < pages;) {
      if ((resident[i] & 1) == 0) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < pages && (resident[end] & 1) != 0) ++end;
      runs.push_back({offset + i, end - i});
      i = end;
    }
    return runs;
  }

  // Takes access away from [start, start + length) unless `keep_access`, and keeps its
  // resident pages as retained (zeroed before V8 may use them again), or discards them (as
  // V8's own allocator does) when the retain limit is reached. Fast, keeping access saves
  // two mprotects (now and on the way back); it is for memory V8 has stopped using, and
  // what stays readable there is only this isolate's own data until it is zeroed: a region
  // is zeroed whole before another isolate gets it. Strict, writable pages are zeroed
  // before they close (cheap while they are open), so the region's free needs neither
  // memset nor mprotect for them; pages of a region that has no access anywhere are zero
  // unless stale (every way to PROT_NONE zeroes, discards or marks stale), which spares a
  // memset, and the hypervisor exit of its first access, when V8 reserves code pages in
  // its code range (SetPermissions(kNoAccess) on pages it never opened).
  // `region` stays V8's while it calls us about it: no one else frees it meanwhile.
  bool Retire(Region* region, uintptr_t start, size_t length, bool keep_access) {
    const std::vector<PageRun> resident = ResidentRuns(*region, start, length);
    std::vector<std::unique_ptr<Region>> unmap;
    bool retain = false;
    Contents contents = Contents::kStale;
    {
      absl::MutexLock lock(&mu_);
      const size_t more = region->stale.CountInNeither(resident, region->zeroed);
      EvictLocked(more, &unmap);
      retain = FitsLocked(more);
      contents = ContentsOnRetireLocked(*region, keep_access);
      if (retain) RetainLocked(region, start, length, resident, contents);
    }
    for (const auto& gone : unmap) Unmap(*gone);
    if (!retain) {
      if (!DiscardSystemPages(reinterpret_cast<void*>(start), length)) return false;
    } else if (contents == Contents::kZeroedNow) {
      ZeroRuns(*region, resident);
    }
    if (!keep_access && !Protect(region, start, length, PROT_NONE)) return false;
    if (retain) DiscardGaps(*region, start, length, resident);
    return true;
  }

  // Drops the pages of [start, start + length) of `region` outside `resident` (runs from
  // ResidentRuns over that range). mincore counts a swapped-out page as not resident, so
  // it is neither zeroed nor retained; MADV_DONTNEED drops its swap entry, and it reads
  // as zero again, like the pages that were never touched (for which this is a no-op).
  void DiscardGaps(const Region& region, uintptr_t start, size_t length,
                   const std::vector<PageRun>& resident) {
    size_t page = (start - region.base) / page_size_;
    const size_t end = page + PagesIn(length);
    auto discard = [&](size_t first, size_t last) {
      if (last > first) {
        madvise(reinterpret_cast<void*>(region.base + first * page_size_),
                (last - first) * page_size_, MADV_DONTNEED);
      }
    };
    for (const PageRun& run : resident) {
      discard(page, run.first);
      page = run.first + run.count;
    }
    discard(page, end);
  }

  // Gives [start, start + length) of `region` the permission, zeroing its stale pages
  // first.
  bool MakeAccessible(Region* region, uintptr_t start, size_t length, Permission permission) {
    std::vector<PageRun> stale;
    {
      absl::MutexLock lock(&mu_);
      stale = ReclaimLocked(region, start, length);
    }
    const int prot = ToProt(permission);
    if (stale.empty()) return Protect(region, start, length, prot);
    // Writable to be zeroed (stale pages may have lost access, see Retire).
    if (!Protect(region, start, length, prot | kProtReadWrite)) return false;
    ZeroRuns(*region, stale);
    return (prot & PROT_WRITE) != 0 || Protect(region, start, length, prot);
  }

  // mprotect, skipped when every page of `region` has `prot` already.
  bool Protect(Region* region, uintptr_t start, size_t length, int prot) {
    {
      absl::MutexLock lock(&mu_);
      if (!SetProtectionLocked(region, start, length, prot)) return true;
    }
    if (Mprotect(start, length, prot)) return true;
    absl::MutexLock lock(&mu_);
    region->protection = kMixedProtection;  // Unknown now.
    return false;
  }

  // Every mprotect of ours goes through here, to be counted (Stats::mprotect_calls). On
  // these VMs a call costs a few us, plus ~4.6 us for each resident page it takes access
  // from and ~17 us at the first access to each page it gives access back to
  // (tools/bench/page_protection_cost).
  bool Mprotect(uintptr_t start, size_t length, int prot) {
    mprotect_calls_.fetch_add(1, std::memory_order_relaxed);
    return mprotect(reinterpret_cast<void*>(start), length, prot) == 0;
  }

  // Records that [start, start + length) of `region` gets `prot`; false when every page
  // of the region has it already. Calls for one region come from the isolate that owns it,
  // never for the same pages at once, so a recorded protection holds for the pages of
  // another call even while this call's mprotect is still on its way.
  bool SetProtectionLocked(Region* region, uintptr_t start, size_t length, int prot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (region->protection == prot) return false;
    region->protection = Covers(*region, start, length) ? prot : kMixedProtection;
    return true;
  }

  // What Retire knows of the pages it retires from `region` (see there).
  Contents ContentsOnRetireLocked(const Region& region, bool keep_access) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!strict_ || keep_access) return Contents::kStale;
    if (region.protection == PROT_NONE) return Contents::kAlreadyZero;
    const bool writable =
        region.protection != kMixedProtection && (region.protection & PROT_WRITE) != 0;
    return writable ? Contents::kZeroedNow : Contents::kStale;
  }

  // Counts `resident` pages of [start, start + length) as retained, as `contents` says.
  void RetainLocked(Region* region, uintptr_t start, size_t length,
                    const std::vector<PageRun>& resident, Contents contents)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const size_t stale = region->stale.size();
    const size_t clean = region->zeroed.size();
    if (contents == Contents::kZeroedNow) {
      const size_t first = PageIndex(*region, start);
      region->stale.Take(first, first + PagesIn(length));
    }
    if (contents == Contents::kStale) {
      region->stale.AddNotIn(resident, region->zeroed);  // a zeroed page stays zero
    } else {
      region->zeroed.AddNotIn(resident, region->stale);  // a stale page stays stale
    }
    stale_pages_ = stale_pages_ - stale + region->stale.size();
    zeroed_pages_ = zeroed_pages_ - clean + region->zeroed.size();
  }

  // [start, start + length) of `region` is V8's again (or not resident any more): no longer
  // retained. Returns its stale pages, which the caller zeroes if V8 may access them.
  std::vector<PageRun> ReclaimLocked(Region* region, uintptr_t start, size_t length)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const size_t first = PageIndex(*region, start);
    const size_t end = first + PagesIn(length);
    zeroed_pages_ -= PagesOf(region->zeroed.Take(first, end));
    std::vector<PageRun> stale = region->stale.Take(first, end);
    stale_pages_ -= PagesOf(stale);
    return stale;
  }

  void Reclaim(uintptr_t start, size_t length) {
    absl::MutexLock lock(&mu_);
    Region* region = FindLocked(start);
    if (region != nullptr) ReclaimLocked(region, start, length);
  }

  size_t PageIndex(const Region& region, uintptr_t address) const {
    return (address - region.base) / page_size_;
  }

  // The region that starts at `base`, if V8 got it from us.
  Region* FindStartingAt(uintptr_t base) const {
    absl::MutexLock lock(&mu_);
    Region* region = FindLocked(base);
    return region != nullptr && region->base == base ? region : nullptr;
  }

  Region* FindLocked(uintptr_t address) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = regions_.upper_bound(address);
    if (it == regions_.begin()) return nullptr;
    --it;
    Region* region = it->second.get();
    return address < region->base + region->length ? region : nullptr;
  }

  void KeepLocked(Region* region) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    kept_.push_front(region);
    region->kept_position = kept_.begin();
    std::list<Region*>& same_length = kept_by_length_[region->length];
    same_length.push_front(region);
    region->length_position = same_length.begin();
  }

  // The most recently kept region of `length` aligned to `alignment`, taken out of the cache.
  Region* TakeKeptLocked(size_t length, size_t alignment) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = kept_by_length_.find(length);
    if (it == kept_by_length_.end()) return nullptr;
    for (Region* region : it->second) {
      if (alignment != 0 && region->base % alignment != 0) continue;
      Unkeep(region);
      ++stats_.reused_regions;
      return region;
    }
    return nullptr;
  }

  void Unkeep(Region* region) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    kept_.erase(region->kept_position);
    auto it = kept_by_length_.find(region->length);
    it->second.erase(region->length_position);
    if (it->second.empty()) kept_by_length_.erase(it);
    // Its clean pages are now V8's (or about to be unmapped).
    kept_clean_pages_ -= region->clean_pages;
    region->clean_pages = 0;
  }

  std::unique_ptr<Region> ForgetKeptLocked(Region* region) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Unkeep(region);
    return ForgetLiveLocked(region);
  }

  std::unique_ptr<Region> ForgetLiveLocked(Region* region) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    zeroed_pages_ -= region->zeroed.size();
    stale_pages_ -= region->stale.size();
    auto node = regions_.extract(region->base);
    return std::move(node.mapped());
  }

  // Whether `more_pages` retained pages fit under the limit (0: reuse is off).
  bool FitsLocked(size_t more_pages) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return retain_limit_bytes_ > 0 &&
           (stale_pages_ + zeroed_pages_ + kept_clean_pages_ + more_pages) * page_size_ <=
               retain_limit_bytes_;
  }

  // Unmaps kept regions, oldest first, until `more_pages` retained pages fit under the limit.
  void EvictLocked(size_t more_pages, std::vector<std::unique_ptr<Region>>* unmap)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (!kept_.empty() && !FitsLocked(more_pages)) {
      unmap->push_back(ForgetKeptLocked(kept_.back()));
    }
  }

  // A fresh mapping for StockOne, faulted in (fresh anonymous pages are zero) and with
  // the protection of kept regions; 0 on failure.
  uintptr_t MapForKeeping(size_t length, size_t alignment) {
    const uintptr_t base = MapAligned(length, alignment);
    if (base == 0 || kept_protection_ == kProtReadWrite) return base;
    // Faulted in first, then closed (strict): a later boot pays the cost of reopening the
    // pages rather than a page fault each.
    if (!Mprotect(base, length, kept_protection_)) {
      munmap(reinterpret_cast<void*>(base), length);
      return 0;
    }
    return base;
  }

  // A fresh read-write mapping of `length` at a multiple of `alignment`, its pages faulted
  // in; 0 on failure. Trimmed by hand, not through V8's allocator (whose failures are
  // fatal CHECKs).
  uintptr_t MapAligned(size_t length, size_t alignment) {
    alignment = std::max(alignment, page_size_);
    const size_t padded = length + alignment - page_size_;
    void* mapped =
        mmap(nullptr, padded, kProtReadWrite, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapped == MAP_FAILED) return 0;
    const uintptr_t start = reinterpret_cast<uintptr_t>(mapped);
    const uintptr_t base = (start + alignment - 1) / alignment * alignment;
    const uintptr_t end = start + padded;
    if (base > start && munmap(mapped, base - start) != 0) {
      munmap(mapped, padded);
      return 0;
    }
    if (end > base + length &&
        munmap(reinterpret_cast<void*>(base + length), end - (base + length)) != 0) {
      munmap(reinterpret_cast<void*>(base), end - base);  // What is left of it, only.
      return 0;
    }
    void* region = reinterpret_cast<void*>(base);
    if (madvise(region, length, MADV_POPULATE_WRITE) != 0) {
      // Older kernels: fault each page in by hand.
      for (size_t offset = 0; offset < length; offset += page_size_) {
        static_cast<volatile char*>(region)[offset] = 0;
      }
    }
    return base;
  }

  // Outside the lock, once the region is out of every map (so no one can find its address).
  void Unmap(const Region& region) {
    system_->FreePages(reinterpret_cast<void*>(region.base), region.length);
  }

  v8::PageAllocator* const system_;
  const size_t page_size_;
  const bool strict_;
  // What a kept region is: PROT_NONE (strict) or read-write (fast).
  const int kept_protection_;
  std::atomic<uint64_t> mprotect_calls_{0};

  mutable absl::Mutex mu_;
  size_t retain_limit_bytes_ ABSL_GUARDED_BY(mu_);
  absl::btree_map<uintptr_t, std::unique_ptr<Region>> regions_ ABSL_GUARDED_BY(mu_);
  std::list<Region*> kept_ ABSL_GUARDED_BY(mu_);  // newest first
  absl::flat_hash_map<size_t, std::list<Region*>> kept_by_length_ ABSL_GUARDED_BY(mu_);
  // Pages retained in live regions: not zeroed yet, and zeroed (Region::stale, ::zeroed).
  size_t stale_pages_ ABSL_GUARDED_BY(mu_) = 0;
  size_t zeroed_pages_ ABSL_GUARDED_BY(mu_) = 0;
  size_t kept_clean_pages_ ABSL_GUARDED_BY(mu_) = 0;
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<ReusingPageAllocator> ReusingPageAllocator::Create(v8::PageAllocator* system,
                                                                   size_t retain_limit_bytes,
                                                                   PageProtection protection) {
  return std::make_unique<ReusingPageAllocatorImpl>(system, retain_limit_bytes, protection);
}

}  // namespace hearth
