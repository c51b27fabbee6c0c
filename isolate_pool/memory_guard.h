// MemoryGuard: keeps one isolate within its function's memory limit, heap and ArrayBuffers
// together (PRODUCT.md section 6), without ever letting V8 reach an allocation failure it
// would turn into a fatal error (LimitEnforcer::kHeapHeadroomBytes says why and how).
//
// The limit is checked where memory can grow past it: after every full GC (live heap plus
// buffers), when a buffer is allocated (LimitedArrayBufferAllocator), and at the end of each
// run of user code (MemoryGuard::CheckAfterRun). Passing it terminates the isolate's
// JavaScript; the invocation ends with OUTCOME_MEMORY_LIMIT and the isolate is retired.
//
// Thread: owned with its FunctionIsolate; the V8 callbacks run on the thread inside the
// isolate; the allocator may be called from any thread.
#ifndef HEARTH_ISOLATE_POOL_MEMORY_GUARD_H_
#define HEARTH_ISOLATE_POOL_MEMORY_GUARD_H_

#include <v8-callbacks.h>
#include <v8-isolate.h>
#include <v8-statistics.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "isolate_pool/array_buffer_allocator.h"

namespace hearth {

class MemoryGuard {
 public:
  explicit MemoryGuard(uint32_t memory_mb);
  ~MemoryGuard();
  MemoryGuard(const MemoryGuard&) = delete;
  MemoryGuard& operator=(const MemoryGuard&) = delete;

  // For Isolate::CreateParams.
  v8::ArrayBuffer::Allocator* allocator() { return allocator_->allocator(); }
  void ConfigureHeap(v8::ResourceConstraints* constraints) const;
  // Installs the guard's callbacks on the new isolate. Call once, holding its Locker.
  // `stuck` runs if the isolate's JavaScript, terminated for passing the limit, still
  // allocates all of V8's headroom too (a native loop that never looks for termination):
  // it must answer whatever is waiting on this thread, because the thread then stops for
  // good rather than let V8 abort the process (see ParkForever).
  void Attach(v8::Isolate* isolate, std::function<void()> stuck);

  // Inside the isolate, after user code ran: marks the limit exceeded (and terminates) if
  // heap and buffers are over it after a full GC (garbage awaiting collection does not
  // count), or if more than the whole limit was allocated since the last full GC (one
  // allocation past the limit, already garbage: `"x".padEnd(2 ** 28).length`). A GC only
  // when the cheap measure is over the limit.
  void CheckAfterRun();

  // True once the limit was passed, by any path. Never cleared: the isolate is retired.
  bool exceeded() const { return heap_exceeded_ || allocator_->exceeded(); }
  uint32_t memory_mb() const { return memory_mb_; }
  size_t limit_bytes() const { return limit_bytes_; }
  // Heap objects and buffers in use, as an invocation report shows them.
  uint64_t UsedBytes(v8::HeapStatistics& heap) const;
  // What the isolate holds in memory: its heap pages, V8's own mallocs, buffers.
  int64_t ResidentBytes(v8::HeapStatistics& heap) const;

 private:
  static size_t OnNearHeapLimit(void* data, size_t current_limit, size_t initial_limit);
  static void BeforeFullGc(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags,
                           void* data);
  static void OnFullGc(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags,
                       void* data);
  // More allocated since the last full GC than the whole limit (see CheckAfterRun).
  bool Burst(size_t used_heap_bytes) const {
    return used_heap_bytes > live_at_full_gc_ + limit_bytes_ + young_bytes_;
  }
  void Exceeded();
  // Never returns: the thread sleeps with the isolate's memory as it is. The process lives
  // on; the worker is reported wedged and gets no more work.
  [[noreturn]] static void ParkForever();

  const uint32_t memory_mb_;
  const size_t limit_bytes_;
  const size_t young_bytes_;  // The young generation's most: what may be garbage there.
  std::unique_ptr<LimitedArrayBufferAllocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  std::function<void()> stuck_;
  bool heap_exceeded_ = false;  // On the thread inside the isolate.
  size_t live_at_full_gc_ = 0;  // Heap in use right after the last full GC.
  size_t before_full_gc_ = 0;   // Heap in use when the current full GC began.
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_MEMORY_GUARD_H_
