#include "isolate_pool/array_buffer_allocator.h"

#include <cstdlib>
#include <cstring>

namespace hearth {
namespace {

class AllocatorImpl final : public v8::ArrayBuffer::Allocator, public LimitedArrayBufferAllocator {
 public:
  explicit AllocatorImpl(size_t limit_bytes) : limit_bytes_(limit_bytes) {}

  void* Allocate(size_t length) override {
    void* data = AllocateUninitialized(length);
    if (data != nullptr) std::memset(data, 0, length);
    return data;
  }

  void* AllocateUninitialized(size_t length) override {
    if (!Reserve(length)) return nullptr;
    void* data = std::malloc(length == 0 ? 1 : length);
    if (data == nullptr) allocated_.fetch_sub(length, std::memory_order_relaxed);
    return data;
  }

  void Free(void* data, size_t length) override {
    std::free(data);
    allocated_.fetch_sub(length, std::memory_order_relaxed);
  }

  v8::ArrayBuffer::Allocator* allocator() override { return this; }
  size_t allocated_bytes() const override { return allocated_.load(std::memory_order_relaxed); }
  bool refused() const override { return refused_.load(std::memory_order_relaxed); }
  void ClearRefused() override { refused_.store(false, std::memory_order_relaxed); }

 private:
  bool Reserve(size_t length) {
    size_t current = allocated_.load(std::memory_order_relaxed);
    do {
      if (length > limit_bytes_ || current > limit_bytes_ - length) {
        refused_.store(true, std::memory_order_relaxed);
        return false;
      }
    } while (
        !allocated_.compare_exchange_weak(current, current + length, std::memory_order_relaxed));
    return true;
  }

  const size_t limit_bytes_;
  std::atomic<size_t> allocated_{0};
  std::atomic<bool> refused_{false};
};

}  // namespace

std::unique_ptr<LimitedArrayBufferAllocator> LimitedArrayBufferAllocator::Create(
    size_t limit_bytes) {
  return std::make_unique<AllocatorImpl>(limit_bytes);
}

}  // namespace hearth
