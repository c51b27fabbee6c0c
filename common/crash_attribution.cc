#include "common/crash_attribution.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

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

// The thread's alternate signal stack, made on first use and released at thread exit.
class AlternateStack {
 public:
  // Room for a handler that formats one record, plus libc's own needs (MINSIGSTKSZ grows with
  // the CPU's register state, AVX-512 included), below a guard page.
  static constexpr size_t kBytes = 64 * 1024;

  bool Ensure() {
    if (memory_ != nullptr) return true;
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return true;
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    void* memory = mmap(nullptr, kBytes + page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (memory == MAP_FAILED) return false;
    // Stacks grow down: an overflow of the handler hits the guard, not other memory.
    mprotect(memory, page, PROT_NONE);
    stack_t stack = {};
    stack.ss_sp = static_cast<char*>(memory) + page;
    stack.ss_size = kBytes;
    if (sigaltstack(&stack, nullptr) != 0) {
      munmap(memory, kBytes + page);
      return false;
    }
    memory_ = memory;
    mapped_ = kBytes + page;
    return true;
  }

  ~AlternateStack() {
    if (memory_ == nullptr) return;
    stack_t disable = {};
    disable.ss_flags = SS_DISABLE;
    sigaltstack(&disable, nullptr);
    munmap(memory_, mapped_);
  }

 private:
  void* memory_ = nullptr;
  size_t mapped_ = 0;
};

thread_local AlternateStack alternate_stack;
// Whether this thread asked already: EnterFunction runs on every entry into JavaScript, so the
// common case is one thread-local load.
thread_local bool alternate_stack_tried = false;

}  // namespace

bool EnsureAlternateSignalStack() {
  alternate_stack_tried = true;
  return alternate_stack.Ensure();
}

void EnterFunction(int worker, std::string_view function) {
  if (!alternate_stack_tried) EnsureAlternateSignalStack();
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
