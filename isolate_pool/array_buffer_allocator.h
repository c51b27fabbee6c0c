// A per-isolate ArrayBuffer allocator that counts what it hands out, so that ArrayBuffer
// memory counts against the function's memory limit (PRODUCT.md section 6): an
// allocation that would pass the limit fails (JavaScript sees a RangeError) and the
// invocation ends with OUTCOME_MEMORY_LIMIT.
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

namespace hearth {

class LimitedArrayBufferAllocator {
 public:
  // Returns an allocator that refuses to exceed `limit_bytes` in total.
  static std::unique_ptr<LimitedArrayBufferAllocator> Create(size_t limit_bytes);
  virtual ~LimitedArrayBufferAllocator() = default;

  virtual v8::ArrayBuffer::Allocator* allocator() = 0;
  virtual size_t allocated_bytes() const = 0;
  // True once an allocation was refused for the limit; cleared by ClearRefused().
  virtual bool refused() const = 0;
  virtual void ClearRefused() = 0;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_ARRAY_BUFFER_ALLOCATOR_H_
