// CancelToken: how a caller that has gone (it cancelled, or its connection closed) reaches
// its invocation, wherever that is. Queued and parked invocations are checked with
// cancelled() before they start and are never run; a running one has a hook set by its
// isolate, which stops its JavaScript and ends it.
//
// Thread: any. The hook runs on the cancelling thread, under the token's lock, so it must
// be short and must not call back into the token.
#ifndef HEARTH_ISOLATE_POOL_CANCEL_TOKEN_H_
#define HEARTH_ISOLATE_POOL_CANCEL_TOKEN_H_

#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace hearth {

class CancelToken : public std::enable_shared_from_this<CancelToken> {
 public:
  // Runs with the token it was set on (alive: the hook is stored in it).
  using Hook = absl::AnyInvocable<void(CancelToken& token)>;

  // Idempotent: the hook (if one is set) runs on the first call only.
  void Cancel() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return;
    cancelled_ = true;
    if (hook_) std::exchange(hook_, nullptr)(*this);
  }

  bool cancelled() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return cancelled_;
  }

  // Sets what Cancel does while the invocation runs; false (and no hook) if it was
  // cancelled already.
  bool SetHook(Hook hook) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return false;
    hook_ = std::move(hook);
    return true;
  }

  // After it returns, the hook will not run (nor is it running).
  void ClearHook() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    hook_ = nullptr;
  }

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  Hook hook_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_CANCEL_TOKEN_H_
