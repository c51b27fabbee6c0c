// FunctionObserver: how the isolate pool reports what happened to a function's
// invocations (the agent turns this into Prometheus metrics). The default does nothing.
//
// Thread: called on worker threads, several at once; implementations must be thread-safe
// and cheap (they run on the invoke path).
#ifndef HEARTH_ISOLATE_POOL_OBSERVER_H_
#define HEARTH_ISOLATE_POOL_OBSERVER_H_

#include <cstdint>

#include "hearth/v1/agent.pb.h"

namespace hearth {

// How an invocation reached the agent (the `via` label of its metrics).
enum class Via { kGrpc = 0, kHttp = 1 };

class FunctionObserver {
 public:
  virtual ~FunctionObserver() = default;
  // One invocation that came `via` finished with `response` (outcome and report filled
  // in), `total_us` after the agent accepted it.
  virtual void OnInvocationDone(const v1::InvokeResponse& /*response*/, Via /*via*/,
                                int64_t /*total_us*/) {}
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_OBSERVER_H_
