#include "isolate_pool/reusing_page_allocator.h"

#include <absl/base/thread_annotations.h>
#include <absl/container/btree_map.h>
#include <absl/container/flat_hash_map.h>
#include <absl/synchronization/mutex.h>
#include <sys/mman.h>

#include <algorithm>
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

int ToProt(Permission permission) {
  switch (permission) {
    case Permission::kNoAccess:
    case Permission::kNoAccessWillJitLater:
      return PROT_NONE;
    case Permission::kRead:
      return PROT_READ;
    case Permission::kReadWrite:
      return PROT_READ | PROT_WRITE;
    case Permission::kReadWriteExecute:
      return PROT_READ | PROT_WRITE | PROT_EXEC;
    case Permission::kReadExecute:
      return PROT_READ | PROT_EXEC;
  }
  return PROT_NONE;
}

bool IsAccessible(Permission permission) { return ToProt(permission) != PROT_NONE; }

// Region::protection when its pages do not all have the same one.
constexpr int kMixedProtection = -1;

// One mapping handed to V8, as mapped (ReleasePages does not shrink it here).
struct Region {
  uintptr_t base = 0;
  size_t length = 0;
  // The protection of every page of the region, or kMixedProtection. Knowing it lets
  // the free/reuse cycle skip mprotect, whose TLB shootdowns (an IPI to every CPU running
  // one of our threads) cost ~25 us a call on these VMs, ~40 calls per isolate.
  int protection = kMixedProtection;
  std::vector<uint64_t> stale;  // one bit per commit page: resident, but must read as zero
  size_t stale_pages = 0;
  // While kept: its resident pages, all zeroed (ready for V8 as they are).
  size_t clean_pages = 0;
  // Positions in the lists of kept regions (freed by V8, waiting for a request).
  std::list<Region*>::iterator kept_position;
  std::list<Region*>::iterator length_position;
};

// A run of pages [first, first + count) of one region.
struct PageRun {
  size_t first;
  size_t count;
};

class ReusingPageAllocatorImpl final : public ReusingPageAllocator, public v8::PageAllocator {
 public:
  ReusingPageAllocatorImpl(v8::PageAllocator* system, size_t retain_limit_bytes)
      : system_(system),
        page_size_(system->CommitPageSize()),
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
    const uintptr_t base = MapAligned(length, alignment);
    if (base == 0) return false;
    std::unique_ptr<Region> region = NewRegion(base, length, PROT_READ | PROT_WRITE);
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
    stats.retained_bytes = (stale_pages_ + kept_clean_pages_) * page_size_;
    stats.kept_regions = kept_.size();
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
      // A kept region is zeroed and read-write. A reservation (no access) gets it as it
      // is: V8 commits reserved pages (SetPermissions) before it touches them and marks
      // its guard pages explicitly, so the access it did not ask for is never used, and
      // what it would find there is zeros.
      if (permission != Permission::kNoAccess && permission != Permission::kNoAccessWillJitLater &&
          !MakeAccessible(region, region->base, region->length, permission)) {
        FreePages(reinterpret_cast<void*>(region->base), region->length);
        return nullptr;
      }
      return reinterpret_cast<void*>(region->base);
    }
    void* address = system_->AllocatePages(hint, length, alignment, permission);
    if (address == nullptr || length > kMaxTrackedLength) return address;
    std::unique_ptr<Region> fresh =
        NewRegion(reinterpret_cast<uintptr_t>(address), length, ToProt(permission));
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
    size_t resident_pages = 0;
    int protection = kMixedProtection;
    {
      absl::MutexLock lock(&mu_);
      const size_t more = CountNotStaleLocked(*region, resident);
      EvictLocked(more, &unmap);
      protection = region->protection;
      if (FitsLocked(more)) {
        // Counted as zeroed from now on, so the retained total holds while we zero.
        TakeStaleLocked(region, region->base, region->length);
        for (const PageRun& run : resident) resident_pages += run.count;
        region->clean_pages = resident_pages;
        kept_clean_pages_ += resident_pages;
      } else {
        unmap.push_back(ForgetLiveLocked(region));
        region = nullptr;
      }
    }
    for (const auto& gone : unmap) Unmap(*gone);
    if (region == nullptr) return true;
    // Zeroed here, on the thread that disposes of the isolate (the reserve booter's, in
    // the agent), rather than on the worker that boots the next one into these pages. It
    // stays read-write while kept (a shrunk tail too): that is the protection V8 asks for
    // most, so neither this free nor the next reuse needs an mprotect for most regions.
    void* base = reinterpret_cast<void*>(region->base);
    if (protection != (PROT_READ | PROT_WRITE) &&
        mprotect(base, region->length, PROT_READ | PROT_WRITE) != 0) {
      std::unique_ptr<Region> gone;
      {
        absl::MutexLock lock(&mu_);
        kept_clean_pages_ -= region->clean_pages;
        region->clean_pages = 0;
        gone = ForgetLiveLocked(region);
      }
      Unmap(*gone);  // Cannot be zeroed: not kept.
      return true;
    }
    ZeroRuns(*region, resident);
    DiscardGaps(*region, region->base, region->length, resident);
    absl::MutexLock lock(&mu_);
    region->protection = PROT_READ | PROT_WRITE;
    stats_.zeroed_bytes += resident_pages * page_size_;  // freed and kept: zeroed whole
    KeepLocked(region);
    return true;
  }

  bool ReleasePages(void* address, size_t length, size_t new_length) override {
    const uintptr_t base = reinterpret_cast<uintptr_t>(address);
    Region* region = FindStartingAt(base);
    if (region == nullptr) return system_->ReleasePages(address, length, new_length);
    // The tail stays mapped (the region is reused whole), its pages stale, and keeps its
    // access: V8 never touches a released tail again (see Retire).
    return Retire(region, base + new_length, length - new_length, /*keep_access=*/true);
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
    // mostly on its way to FreePages); a part of one may be a guard page, which must fault.
    return Retire(region, start, length, /*keep_access=*/Covers(*region, start, length));
  }

  bool DiscardSystemPages(void* address, size_t length) override {
    // Discarded pages read as zero: nothing stale is left there.
    const bool done = system_->DiscardSystemPages(address, length);
    if (done) ClearStale(reinterpret_cast<uintptr_t>(address), length);
    return done;
  }

  bool DecommitPages(void* address, size_t length) override {
    // V8's own (a fresh PROT_NONE mapping over the range) even when the range was stale:
    // decommitted pages must also stop counting as resident.
    const bool done = system_->DecommitPages(address, length);
    if (!done) return false;
    const uintptr_t start = reinterpret_cast<uintptr_t>(address);
    absl::MutexLock lock(&mu_);
    Region* region = FindLocked(start);
    if (region != nullptr) {
      TakeStaleLocked(region, start, length);
      SetProtectionLocked(region, start, length, PROT_NONE);
    }
    return true;
  }

 private:
  // Zeroes `runs` of `region`, which the caller made writable. The pages are resident:
  // this does not fault.
  void ZeroRuns(const Region& region, const std::vector<PageRun>& runs) {
    for (const PageRun& run : runs) {
      std::memset(reinterpret_cast<void*>(region.base + run.first * page_size_), 0,
                  run.count * page_size_);
    }
  }

  size_t PagesIn(size_t length) const { return (length + page_size_ - 1) / page_size_; }

  // Whether [start, start + length) is all of `region`.
  bool Covers(const Region& region, uintptr_t start, size_t length) const {
    return start == region.base && PagesIn(length) >= PagesIn(region.length);
  }

  std::unique_ptr<Region> NewRegion(uintptr_t base, size_t length, int protection) const {
    auto region = std::make_unique<Region>();
    region->base = base;
    region->length = length;
    region->stale.assign((PagesIn(length) + 63) / 64, 0);
    region->protection = protection;
    return region;
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

  // Keeps the resident pages of [start, start + length) as stale (zeroed before V8 may use
  // them again), or discards them (as V8's own allocator does) when the retain limit is
  // reached; takes access away unless `keep_access`. Keeping it saves two mprotects (now
  // and on the way back), each a TLB shootdown; it is for memory V8 has stopped using, and
  // what stays readable there is only this isolate's own data until it is zeroed: a region
  // is zeroed whole before another isolate gets it.
  // `region` stays V8's while it calls us about it: no one else frees it meanwhile.
  bool Retire(Region* region, uintptr_t start, size_t length, bool keep_access) {
    if (!keep_access && !Protect(region, start, length, PROT_NONE)) return false;
    const std::vector<PageRun> resident = ResidentRuns(*region, start, length);
    std::vector<std::unique_ptr<Region>> unmap;
    bool discard = false;
    {
      absl::MutexLock lock(&mu_);
      const size_t fresh_stale = CountNotStaleLocked(*region, resident);
      EvictLocked(fresh_stale, &unmap);
      if (FitsLocked(fresh_stale)) {
        MarkStaleLocked(region, resident);
      } else {
        discard = true;
      }
    }
    for (const auto& gone : unmap) Unmap(*gone);
    if (discard) return DiscardSystemPages(reinterpret_cast<void*>(start), length);
    DiscardGaps(*region, start, length, resident);
    return true;
  }

  // Drops the pages of [start, start + length) of `region` outside `resident` (runs from
  // ResidentRuns over that range). mincore counts a swapped-out page as not resident, so
  // it is neither zeroed nor marked stale; MADV_DONTNEED drops its swap entry, and it reads
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
      stale = TakeStaleLocked(region, start, length);
    }
    const int prot = ToProt(permission);
    if (stale.empty()) return Protect(region, start, length, prot);
    // Writable to be zeroed (stale pages may have lost access, see Retire).
    if (!Protect(region, start, length, prot | PROT_READ | PROT_WRITE)) return false;
    ZeroRuns(*region, stale);
    size_t zeroed = 0;
    for (const PageRun& run : stale) zeroed += run.count * page_size_;
    {
      absl::MutexLock lock(&mu_);
      stats_.zeroed_bytes += zeroed;
    }
    return (prot & PROT_WRITE) != 0 || Protect(region, start, length, prot);
  }

  // mprotect, skipped when every page of `region` has `prot` already.
  bool Protect(Region* region, uintptr_t start, size_t length, int prot) {
    {
      absl::MutexLock lock(&mu_);
      if (!SetProtectionLocked(region, start, length, prot)) return true;
    }
    if (mprotect(reinterpret_cast<void*>(start), length, prot) == 0) return true;
    absl::MutexLock lock(&mu_);
    region->protection = kMixedProtection;  // Unknown now.
    return false;
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

  void ClearStale(uintptr_t start, size_t length) {
    absl::MutexLock lock(&mu_);
    Region* region = FindLocked(start);
    if (region != nullptr) TakeStaleLocked(region, start, length);
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

  size_t CountNotStaleLocked(const Region& region, const std::vector<PageRun>& runs) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    size_t count = 0;
    for (const PageRun& run : runs) {
      for (size_t page = run.first; page < run.first + run.count; ++page) {
        if ((region.stale[page / 64] & (uint64_t{1} << (page % 64))) == 0) ++count;
      }
    }
    return count;
  }

  void MarkStaleLocked(Region* region, const std::vector<PageRun>& runs)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const PageRun& run : runs) {
      for (size_t page = run.first; page < run.first + run.count; ++page) {
        uint64_t& word = region->stale[page / 64];
        const uint64_t bit = uint64_t{1} << (page % 64);
        if ((word & bit) != 0) continue;
        word |= bit;
        ++region->stale_pages;
        ++stale_pages_;
      }
    }
  }

  // Clears and returns the stale pages of [start, start + length).
  std::vector<PageRun> TakeStaleLocked(Region* region, uintptr_t start, size_t length)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::vector<PageRun> runs;
    if (region->stale_pages == 0) return runs;
    const size_t first = (start - region->base) / page_size_;
    const size_t end = std::min(first + PagesIn(length), PagesIn(region->length));
    for (size_t page = first; page < end;) {
      uint64_t& word = region->stale[page / 64];
      if (word == 0 && page % 64 == 0 && page + 64 <= end) {
        page += 64;
        continue;
      }
      const uint64_t bit = uint64_t{1} << (page % 64);
      if ((word & bit) != 0) {
        word &= ~bit;
        --region->stale_pages;
        --stale_pages_;
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
    stale_pages_ -= region->stale_pages;
    auto node = regions_.extract(region->base);
    return std::move(node.mapped());
  }

  // Whether `more_pages` stale pages fit under the limit (0: reuse is off).
  bool FitsLocked(size_t more_pages) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return retain_limit_bytes_ > 0 &&
           (stale_pages_ + kept_clean_pages_ + more_pages) * page_size_ <= retain_limit_bytes_;
  }

  // Unmaps kept regions, oldest first, until `more_pages` stale pages fit under the limit.
  void EvictLocked(size_t more_pages, std::vector<std::unique_ptr<Region>>* unmap)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (!kept_.empty() && !FitsLocked(more_pages)) {
      unmap->push_back(ForgetKeptLocked(kept_.back()));
    }
  }

  // A fresh read-write mapping of `length` at a multiple of `alignment`, its pages faulted
  // in (fresh anonymous pages are zero); 0 on failure. Trimmed by hand, not through V8's
  // allocator (whose failures are fatal CHECKs).
  uintptr_t MapAligned(size_t length, size_t alignment) {
    alignment = std::max(alignment, page_size_);
    const size_t padded = length + alignment - page_size_;
    void* mapped = mmap(nullptr, padded, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
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

  mutable absl::Mutex mu_;
  size_t retain_limit_bytes_ ABSL_GUARDED_BY(mu_);
  absl::btree_map<uintptr_t, std::unique_ptr<Region>> regions_ ABSL_GUARDED_BY(mu_);
  std::list<Region*> kept_ ABSL_GUARDED_BY(mu_);  // newest first
  absl::flat_hash_map<size_t, std::list<Region*>> kept_by_length_ ABSL_GUARDED_BY(mu_);
  size_t stale_pages_ ABSL_GUARDED_BY(mu_) = 0;
  size_t kept_clean_pages_ ABSL_GUARDED_BY(mu_) = 0;
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<ReusingPageAllocator> ReusingPageAllocator::Create(v8::PageAllocator* system,
                                                                   size_t retain_limit_bytes) {
  return std::make_unique<ReusingPageAllocatorImpl>(system, retain_limit_bytes);
}

}  // namespace hearth
