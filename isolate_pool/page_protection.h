// What V8's inaccessible pages are in the kernel under the reusing page allocator
// (reusing_page_allocator.h has what each mode gives and costs).
#ifndef HEARTH_ISOLATE_POOL_PAGE_PROTECTION_H_
#define HEARTH_ISOLATE_POOL_PAGE_PROTECTION_H_

namespace hearth {

enum class PageProtection {
  // Kept regions, reservations served from them, whole regions V8 stops using and released
  // tails stay read-write (zeroed before any isolate gets them); guard pages, decommitted
  // pages and fresh reservations are PROT_NONE.
  kFast,
  // Every page V8 believes inaccessible is PROT_NONE: an access to it faults.
  kStrict,
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_PAGE_PROTECTION_H_
