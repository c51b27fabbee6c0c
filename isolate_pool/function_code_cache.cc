#include "isolate_pool/function_code_cache.h"

#include <utility>

namespace hearth {
namespace {

std::atomic<uint64_t> made_total{0};
std::atomic<uint64_t> used_total{0};
std::atomic<uint64_t> rejected_total{0};
std::atomic<uint64_t> loaded_total{0};

}  // namespace

FunctionCodeCache::Totals FunctionCodeCache::totals() {
  return {made_total.load(std::memory_order_relaxed), used_total.load(std::memory_order_relaxed),
          rejected_total.load(std::memory_order_relaxed),
          loaded_total.load(std::memory_order_relaxed)};
}

std::shared_ptr<const std::string> FunctionCodeCache::Get() const {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

bool FunctionCodeCache::Claim() {
  absl::MutexLock lock(&mu_);
  if (bytes_ != nullptr || claimed_ || rejections_ >= kMaxRejections) return false;
  claimed_ = true;
  return true;
}

absl::AnyInvocable<void() &&> FunctionCodeCache::Publish(std::string bytes) {
  std::shared_ptr<const std::string> made;
  Persist persist;
  {
    absl::MutexLock lock(&mu_);
    claimed_ = false;
    if (bytes.empty()) {
      ++rejections_;  // V8 made none (asm.js, say): a few more tries, not one per isolate.
      return nullptr;
    }
    bytes_ = made = std::make_shared<const std::string>(std::move(bytes));
    made_total.fetch_add(1, std::memory_order_relaxed);
    persist = std::move(persist_);  // Written once per version, by the first cache made.
  }
  if (!persist) return nullptr;
  return [persist = std::move(persist), made = std::move(made)]() mutable { persist(*made); };
}

void FunctionCodeCache::Preload(std::string bytes) {
  if (bytes.empty()) return;
  absl::MutexLock lock(&mu_);
  if (bytes_ != nullptr) return;
  bytes_ = std::make_shared<const std::string>(std::move(bytes));
  loaded_total.fetch_add(1, std::memory_order_relaxed);
}

void FunctionCodeCache::SetPersist(Persist persist) {
  absl::MutexLock lock(&mu_);
  persist_ = std::move(persist);
}

void FunctionCodeCache::NoteUsed(const std::shared_ptr<const std::string>& cache, bool rejected) {
  if (!rejected) {
    used_total.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  rejected_total.fetch_add(1, std::memory_order_relaxed);
  absl::MutexLock lock(&mu_);
  if (bytes_ == cache) {
    bytes_ = nullptr;
    ++rejections_;
  }
}

}  // namespace hearth
