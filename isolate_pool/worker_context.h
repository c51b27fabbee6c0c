// What every isolate on one worker shares: the worker's identity, loop and CPU clock,
// the agent-wide watchdog, and the agent-wide caps. Private to isolate_pool/.
//
// Thread: owned by its worker's loop thread; the pointers outlive every isolate on it.
#ifndef HEARTH_ISOLATE_POOL_WORKER_CONTEXT_H_
#define HEARTH_ISOLATE_POOL_WORKER_CONTEXT_H_

#include <time.h>
#include <uv.h>

#include <functional>
#include <memory>

#include "isolate_pool/cancel_token.h"
#include "isolate_pool/execution_watchdog.h"
#include "isolate_pool/isolate_pool_options.h"

namespace hearth {

struct WorkerContext {
  int worker_index = 0;
  uv_loop_t* loop = nullptr;
  clockid_t cpu_clock = 0;  // The worker thread's CPU clock.
  ExecutionWatchdog* watchdog = nullptr;
  const IsolatePoolOptions* options = nullptr;
  // Any thread: asks the worker's loop to end the running invocation holding `token` (its
  // caller cancelled). Empty where nothing runs invocations (the snapshot builder).
  std::function<void(std::shared_ptr<CancelToken> token)> cancel_running;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_WORKER_CONTEXT_H_
