#include "isolate_pool/memory_guard.h"

#include <chrono>
#include <thread>

#include "isolate_pool/limit_enforcer.h"

namespace hearth {

MemoryGuard::MemoryGuard(uint32_t memory_mb)
    : memory_mb_(memory_mb),
      limit_bytes_(LimitEnforcer::MemoryLimitBytes(memory_mb)),
      young_bytes_(LimitEnforcer::YoungGenerationBytes(memory_mb)),
      allocator_(
          LimitedArrayBufferAllocator::Create(limit_bytes_, LimitEnforcer::kBufferHeadroomBytes)) {}

MemoryGuard::~MemoryGuard() {
  // The isolate is disposed of before its guard (FunctionIsolate's destructor); nothing
  // calls back any more.
}

void MemoryGuard::ConfigureHeap(v8::ResourceConstraints* constraints) const {
  LimitEnforcer::ConfigureHeap(memory_mb_, constraints);
}

void MemoryGuard::Attach(v8::Isolate* isolate, std::function<void()> stuck) {
  isolate_ = isolate;
  stuck_ = std::move(stuck);
  allocator_->SetIsolate(isolate);
  isolate->AddNearHeapLimitCallback(&MemoryGuard::OnNearHeapLimit, this);
  isolate->AddGCPrologueCallback(&MemoryGuard::BeforeFullGc, this, v8::kGCTypeMarkSweepCompact);
  isolate->AddGCEpilogueCallback(&MemoryGuard::OnFullGc, this, v8::kGCTypeMarkSweepCompact);
}

uint64_t MemoryGuard::UsedBytes(v8::HeapStatistics& heap) const {
  return heap.used_heap_size() + allocator_->allocated_bytes();
}

int64_t MemoryGuard::ResidentBytes(v8::HeapStatistics& heap) const {
  return static_cast<int64_t>(heap.total_physical_size() + heap.malloced_memory() +
                              allocator_->allocated_bytes());
}

void MemoryGuard::Exceeded() {
  heap_exceeded_ = true;
  isolate_->TerminateExecution();
}

void MemoryGuard::CheckAfterRun() {
  v8::HeapStatistics heap;
  isolate_->GetHeapStatistics(&heap);
  if (UsedBytes(heap) <= limit_bytes_ || exceeded()) return;
  // V8 starts a full GC long before the heap grows by the whole limit (the point of the
  // next one is at most ~1.6x what was live after the last), so growth past it is one
  // allocation, or a burst, past the limit.
  if (Burst(heap.used_heap_size())) return Exceeded();
  // Over, counting garbage: collect it (OnFullGc then judges what is live).
  isolate_->LowMemoryNotification();
}

void MemoryGuard::BeforeFullGc(v8::Isolate* isolate, v8::GCType /*type*/,
                               v8::GCCallbackFlags /*flags*/, void* data) {
  v8::HeapStatistics heap;
  isolate->GetHeapStatistics(&heap);
  static_cast<MemoryGuard*>(data)->before_full_gc_ = heap.used_heap_size();
}

void MemoryGuard::OnFullGc(v8::Isolate* isolate, v8::GCType /*type*/, v8::GCCallbackFlags /*flags*/,
                           void* data) {
  auto* self = static_cast<MemoryGuard*>(data);
  // A burst past the limit may be garbage by now (one huge string, already dropped): it
  // counts all the same.
  if (self->Burst(self->before_full_gc_)) self->Exceeded();
  v8::HeapStatistics heap;
  isolate->GetHeapStatistics(&heap);
  // Right after a full GC the heap holds what is live: buffers may have the rest.
  self->allocator_->SetHeapBytes(heap.used_heap_size());
  self->live_at_full_gc_ = heap.used_heap_size();
  if (self->UsedBytes(heap) > self->limit_bytes_) self->Exceeded();
}

size_t MemoryGuard::OnNearHeapLimit(void* data, size_t current_limit, size_t /*initial_limit*/) {
  auto* self = static_cast<MemoryGuard*>(data);
  // Only reached when live objects fill the headroom too: the guard stopped the function
  // long before, if it could be stopped. A second time means it could not: V8 would abort
  // the process at the next limit, and granting more only postpones that.
  if (self->heap_exceeded_ && self->stuck_ != nullptr) {
    self->stuck_();
    ParkForever();
  }
  self->Exceeded();
  return current_limit + LimitEnforcer::kHeapHeadroomBytes;
}

void MemoryGuard::ParkForever() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(24));
}

}  // namespace hearth
