#include "common/crash_attribution.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace hearth::crash_attribution {
namespace {

struct Note {
  // Written only by the owning thread; `active` is published last (release) and cleared
  // first, so a signal handler on the same thread never reads a half-written name.
  std::atomic<bool> active{false};
  int worker = -1;
  char name[kMaxNameBytes + 1] = {};
};

thread_local Note note;

}  // namespace

void EnterFunction(int worker, std::string_view function) {
  note.active.store(false, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  const size_t length = std::min(function.size(), kMaxNameBytes);
  std::memcpy(note.name, function.data(), length);
  note.name[length] = '\0';
  note.worker = worker;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  note.active.store(true, std::memory_order_relaxed);
}

void LeaveFunction() { note.active.store(false, std::memory_order_relaxed); }

const char* CurrentFunction(int* worker) {
  if (!note.active.load(std::memory_order_relaxed)) return nullptr;
  if (worker != nullptr) *worker = note.worker;
  return note.name;
}

}  // namespace hearth::crash_attribution
