// Invocation: one request to run a function, as it travels from the service edge through
// the scheduler to a worker. The request and response messages are borrowed from the
// caller (a gRPC reactor) and stay valid until `done` has been called.
#ifndef HEARTH_ISOLATE_POOL_INVOCATION_H_
#define HEARTH_ISOLATE_POOL_INVOCATION_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "hearth/v1/agent.pb.h"
#include "isolate_pool/cancel_token.h"
#include "isolate_pool/function_spec.h"
#include "isolate_pool/observer.h"

namespace hearth {

struct Invocation {
  std::shared_ptr<const FunctionSpec> function;
  const v1::InvokeRequest* request = nullptr;  // Borrowed until done.
  v1::InvokeResponse* response = nullptr;      // Borrowed until done; filled by the worker.
  int64_t accepted_us = 0;                     // MonotonicMicros() when the agent accepted it.
  Via via = Via::kGrpc;                        // For its metrics.
  // Monotonic. Set by the caller to its own deadline (INT64_MAX for none); the scheduler
  // tightens it to the function's timeout.
  int64_t deadline_us = INT64_MAX;
  // Called exactly once, on the worker thread. OK: `response` holds the outcome (the
  // function's own failures are outcomes, not errors). Not OK: the agent refused or could
  // not run it (e.g. the function was removed meanwhile).
  absl::AnyInvocable<void(absl::Status) &&> done;
  // Cancelled when the caller has gone (it cancelled, or its connection closed); null: the
  // caller never cancels. An invocation found cancelled before it starts is not run; a
  // running one is stopped and answered CANCELLED.
  std::shared_ptr<CancelToken> cancel;

  bool cancelled() const { return cancel != nullptr && cancel->cancelled(); }
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_INVOCATION_H_
