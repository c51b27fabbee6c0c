#include "isolate_pool/array_buffer_allocator.h"

#include <v8-isolate.h>

#include <cstdlib>
#include <cstring>

namespace hearth {
namespace {

class AllocatorImpl final : public v8::ArrayBuffer::Allocator, public LimitedArrayBufferAllocator {
 public:
  AllocatorImpl(size_t limit_bytes, size_t headroom_bytes)
      : limit_bytes_(limit_bytes), headroom_bytes_(headroom_bytes) {}

  // What JavaScript asks for (new ArrayBuffer, typed arrays): within the limit, or refused.
  void* Allocate(size_t length) override {
    if (!Reserve(length, /*past_limit_ok=*/false)) return nullptr;
    void* data = std::calloc(length == 0 ? 1 : length, 1);
    if (data == nullptr) allocated_.fetch_sub(length, std::memory_order_relaxed);
    return data;
  }

  void* AllocateUninitialized(size_t length) override {
    if (!Reserve(length, /*past_limit_ok=*/true)) return nullptr;
    void* data = std::malloc(length == 0 ? 1 : length);
    if (data == nullptr) allocated_.fetch_sub(length, std::memory_order_relaxed);
    return data;
  }

  void Free(void* data, size_t length) override {
    std::free(data);
    allocated_.fetch_sub(length, std::memory_order_relaxed);
  }

  v8::ArrayBuffer::Allocator* allocator() override { return this; }
  void SetIsolate(v8::Isolate* isolate) override {
    isolate_.store(isolate, std::memory_order_release);
  }
  void SetHeapBytes(size_t bytes) override { heap_bytes_.store(bytes, std::memory_order_relaxed); }
  size_t allocated_bytes() const override { return allocated_.load(std::memory_order_relaxed); }
  bool exceeded() const override { return exceeded_.load(std::memory_order_relaxed); }

 private:
  bool Reserve(size_t length, bool past_limit_ok) {
    const size_t heap = heap_bytes_.load(std::memory_order_relaxed);
    const size_t limit = limit_bytes_ > heap ? limit_bytes_ - heap : 0;
    const size_t hard_limit = limit + (past_limit_ok ? headroom_bytes_ : 0);
    size_t current = allocated_.load(std::memory_order_relaxed);
    do {
      if (length > hard_limit || current > hard_limit - length) {
        Exceeded();
        return false;
      }
    } while (
        !allocated_.compare_exchange_weak(current, current + length, std::memory_order_relaxed));
    if (current + length > limit) Exceeded();  // Granted from the headroom.
    return true;
  }

  void Exceeded() {
    exceeded_.store(true, std::memory_order_relaxed);
    // Safe from any thread; the invocation then ends with OUTCOME_MEMORY_LIMIT.
    if (v8::Isolate* isolate = isolate_.load(std::memory_order_acquire)) {
      isolate->TerminateExecution();
    }
  }

  const size_t limit_bytes_;
  const size_t headroom_bytes_;
  std::atomic<size_t> allocated_{0};
  std::atomic<size_t> heap_bytes_{0};
  std::atomic<bool> exceeded_{false};
  std::atomic<v8::Isolate*> isolate_{nullptr};
};

}  // namespace

std::unique_ptr<LimitedArrayBufferAllocator> LimitedArrayBufferAllocator::Create(
    size_t limit_bytes, size_t headroom_bytes) {
  return std::make_unique<AllocatorImpl>(limit_bytes, headroom_bytes);
}

}  // namespace hearth
