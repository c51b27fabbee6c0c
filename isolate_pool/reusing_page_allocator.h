// The page allocator under every isolate of the process: it keeps the memory that V8 lets go
// of mapped and resident, and hands it to the next isolate, so a cold start does not pay a
// page fault for every page it touches (~10-35 us each on these VMs; ~120 for a hello-world
// isolate, thousands for a function snapshot of a few MB; ../shared/notes).
//
// V8's own allocator discards pages (MADV_DONTNEED) whenever they become inaccessible and
// unmaps regions on free: the next access faults in a zero page. Here such pages stay
// resident, and are zeroed (memset, far cheaper than a fault) before V8 can access them
// again, so V8 sees what the system allocator would give it: zero-filled memory, never
// another isolate's bytes. A freed region is zeroed at once, on the thread that frees it
// (the one disposing of the isolate: in the agent, the reserve booter's, off the workers),
// kept whole, and handed out for the next request of the same length and alignment. Pages
// a live isolate gives up are retained in their region instead (zeroed when V8 makes them
// accessible again, if not before). Each region's protection is tracked while it is
// uniform, so that no call asking for the protection a region has already costs an
// mprotect (Stats::mprotect_calls counts those made).
//
// What a page V8 believes inaccessible is in the kernel (PageProtection, chosen per process
// with --isolate-page-protection):
// - kStrict: PROT_NONE, every one, so that any access faults as under V8's own allocator:
//   reservations (fresh, served from a kept region or from the stock), kNoAccess ranges,
//   decommitted pages, released tails and kept regions (a death test each). Kept regions
//   are closed as they are freed, off the workers (zeroed first, while still writable: a
//   region V8 uncommits whole before freeing it is zeroed and closed by that uncommit, and
//   its free needs neither memset nor mprotect); a reservation served from one needs no
//   mprotect; V8's commit opens only the range it asks for. V8 scatters its regions
//   (random hints), so there are no neighbours to close in one call. What it costs is not
//   the calls (~85 per heavy.js cold start against ~11) but the pages: on these VMs (PVM,
//   shadow page tables) taking access from a resident page costs ~4.6 us, and the first
//   access after it is given back ~17 us, a hypervisor exit that the guest never sees as
//   a fault (tools/bench/page_protection_cost): a page recycled through PROT_NONE costs
//   half of the page fault it was kept to avoid. heavy.js snapshot cold starts p50 ~10 ->
//   ~47 ms, hello.js ~2.5 -> ~6.9 ms (docs/BENCHMARKS.md, "Page protection").
// - kFast (the default; cold starts as before this option existed): kept regions stay
//   read-write, a reservation served from a kept region or the stock is handed out
//   read-write (V8 commits reserved pages before it touches them), and a whole region
//   losing access or a released tail keeps its access, its pages stale. Guard pages
//   (kNoAccess on part of a region), decommitted pages and fresh reservations are
//   PROT_NONE and fault. Zeroing keeps isolates' bytes apart in both modes; what kFast
//   gives up is the fault on a stray access into memory V8 stopped using or never opened.
//
// Retained bytes (pages V8 let go of in live regions, zeroed pages in kept ones) are capped
// by the retain limit; past it the oldest kept regions are unmapped and pages are discarded
// as V8 would do.
//
// What this costs: up to the limit of resident memory that the OS cannot reclaim, and
// less address-space randomisation between isolates (a region's address is reused).
//
// Compiled with -fno-rtti (it subclasses v8::PageAllocator; libnode has no RTTI).
// Thread: V8 calls it from every worker, the reserve booter and its own background threads;
// all state is behind one mutex, and zeroing and mprotect happen outside it.
#ifndef HEARTH_ISOLATE_POOL_REUSING_PAGE_ALLOCATOR_H_
#define HEARTH_ISOLATE_POOL_REUSING_PAGE_ALLOCATOR_H_

#include <v8-platform.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "isolate_pool/page_protection.h"

namespace hearth {

class ReusingPageAllocator {
 public:
  struct Stats {
    size_t retained_bytes = 0;     // resident bytes V8 has let go of, kept for reuse
    size_t stale_bytes = 0;        // of which not zeroed yet
    size_t kept_regions = 0;       // freed regions waiting for a request of their length
    uint64_t reused_regions = 0;   // allocations served from a kept region
    uint64_t fresh_regions = 0;    // allocations that went to the system
    uint64_t stocked_regions = 0;  // regions mapped ahead of need (StockOne)
    uint64_t zeroed_bytes = 0;     // bytes zeroed before V8 got them again
    uint64_t mprotect_calls = 0;   // mprotects this allocator made (not the system's)
  };

  // `system` does the mapping (V8's default allocator); it must outlive this one.
  static std::unique_ptr<ReusingPageAllocator> Create(
      v8::PageAllocator* system, size_t retain_limit_bytes,
      PageProtection protection = PageProtection::kFast);
  virtual ~ReusingPageAllocator() = default;

  virtual v8::PageAllocator* page_allocator() = 0;
  // Takes effect from the next call; 0 turns reuse off (memory goes back as with V8's own).
  virtual void SetRetainLimit(size_t bytes) = 0;
  // Unmaps every kept region (V8 is short of memory); false if there was none.
  virtual bool ReleaseKeptRegions() = 0;
  // Maps one more region of `length` aligned to `alignment`, faulted in and zeroed, and
  // keeps it for V8 — when fewer than `target_bytes` of such regions are kept and the
  // retain limit has room. False when there was nothing to do (or mapping failed). For a
  // thread with nothing better to do: a boot that finds no kept region of its size pays a
  // page fault per page (~10 us each here) on its critical path.
  virtual bool StockOne(size_t length, size_t alignment, size_t target_bytes) = 0;
  virtual Stats stats() const = 0;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_REUSING_PAGE_ALLOCATOR_H_
