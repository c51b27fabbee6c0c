// A per-isolate ArrayBuffer allocator that counts what it hands out, so that ArrayBuffer
// memory counts against the function's memory limit together with its heap (PRODUCT.md
// section 6). A request that would take heap and buffers past the limit is refused
// (JavaScript sees a RangeError) and the invocation ends with OUTCOME_MEMORY_LIMIT.
//
// V8 itself asks for some backing stores that it cannot do without (`.buffer` of a small
// typed array kept on the heap): refusing those makes it abort the process. Those come as
// uninitialised allocations; one of up to LimitEnforcer::kBufferHeadroomBytes past the limit
// is granted, counted, and ends the invocation all the same (the isolate is terminated).
//
// Compiled with -fno-rtti (libnode is built without RTTI, so subclasses of V8 classes
// cannot have type_info). Thread: V8 may call it from any thread (e.g. when a background
// GC frees buffers), hence the atomics.
#ifndef HEARTH_ISOLATE_POOL_ARRAY_BUFFER_ALLOCATOR_H_
#define HEARTH_ISOLATE_POOL_ARRAY_BUFFER_ALLOCATOR_H_

#include <v8-array-buffer.h>

#include <atomic>
#include <cstddef>
#include <memory>

namespace v8 {
class Isolate;
}

namespace hearth {

class LimitedArrayBufferAllocator {
 public:
  // Returns an allocator that keeps buffers plus the heap (SetHeapBytes) within
  // `limit_bytes`, with `headroom_bytes` more for uninitialised allocations.
  static std::unique_ptr<LimitedArrayBufferAllocator> Create(size_t limit_bytes,
                                                             size_t headroom_bytes);
  virtual ~LimitedArrayBufferAllocator() = default;

  virtual v8::ArrayBuffer::Allocator* allocator() = 0;
  // The isolate to terminate when an allocation passes the limit (set once it exists).
  virtual void SetIsolate(v8::Isolate* isolate) = 0;
  // What the isolate's heap held at its last full GC: buffers get what the heap leaves.
  virtual void SetHeapBytes(size_t bytes) = 0;
  virtual size_t allocated_bytes() const = 0;
  // True once an allocation was refused or granted past the limit.
  virtual bool exceeded() const = 0;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_ARRAY_BUFFER_ALLOCATOR_H_
