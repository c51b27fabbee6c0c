// What protecting resident memory costs on this machine, per 4 KiB page: the figures behind
// ReusingPageAllocator's kStrict/kFast choice (isolate_pool/reusing_page_allocator.h).
//   build/release/tools/bench/page_protection_cost [regions]
// Maps `regions` (default 64) regions of 256 KiB (a V8 heap chunk), faults them in, then
// times, per page: taking access away (PROT_NONE), giving it back, the first write after
// that, the same round trip through PROT_READ, and a page fault on a discarded page. On a
// VM with shadow page tables the first access after a PTE was non-present is a hypervisor
// exit that the guest does not count as a fault (the minor-fault column says which).
#include <sys/mman.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr size_t kRegion = 256 << 10;
constexpr size_t kPage = 4096;

using Clock = std::chrono::steady_clock;

long MinorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Runs `step` over every region; prints microseconds and minor faults per page.
template <typename Step>
void Time(const char* what, const std::vector<char*>& regions, Step step) {
  const long faults = MinorFaults();
  const auto start = Clock::now();
  for (char* region : regions) step(region);
  const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  const double pages = static_cast<double>(regions.size() * (kRegion / kPage));
  std::printf("%-44s %7.2f us/page  %5.2f faults/page\n", what, us / pages,
              static_cast<double>(MinorFaults() - faults) / pages);
}

void Touch(char* region) {
  for (size_t offset = 0; offset < kRegion; offset += kPage) {
    static_cast<volatile char*>(region)[offset] = 1;
  }
}

void Protect(char* region, int prot) {
  if (mprotect(region, kRegion, prot) != 0) std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 64;
  std::vector<char*> regions;
  for (int i = 0; i < count; ++i) {
    void* region = mmap(nullptr, kRegion, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED) return 1;
    regions.push_back(static_cast<char*>(region));
  }
  Time("first write to a fresh page (a page fault)", regions, Touch);
  Time("write to a resident page", regions, Touch);
  Time("memset of a resident page", regions, [](char* r) { std::memset(r, 0, kRegion); });
  Time("mprotect read-write -> PROT_NONE", regions, [](char* r) { Protect(r, PROT_NONE); });
  Time("mprotect PROT_NONE -> read-write", regions,
       [](char* r) { Protect(r, PROT_READ | PROT_WRITE); });
  Time("first write after that", regions, Touch);
  Time("mprotect read-write -> PROT_READ", regions, [](char* r) { Protect(r, PROT_READ); });
  Time("mprotect PROT_READ -> read-write", regions,
       [](char* r) { Protect(r, PROT_READ | PROT_WRITE); });
  Time("first write after that", regions, Touch);
  Time("madvise(MADV_DONTNEED) of a resident page", regions,
       [](char* r) { madvise(r, kRegion, MADV_DONTNEED); });
  Time("first write after that (a page fault)", regions, Touch);
  return 0;
}
