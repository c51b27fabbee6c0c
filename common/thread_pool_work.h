// RunOnThreadPool: runs a closure on libuv's thread pool, off a loop thread, so that disk
// I/O (a code cache written to the state dir, say) never blocks the loop. The loop stays
// alive until the closure has run.
//
// Thread: call on the thread that runs `loop`; `work` runs on a pool thread.
#ifndef HEARTH_COMMON_THREAD_POOL_WORK_H_
#define HEARTH_COMMON_THREAD_POOL_WORK_H_

#include <uv.h>

#include "absl/functional/any_invocable.h"

namespace hearth {

void RunOnThreadPool(uv_loop_t* loop, absl::AnyInvocable<void() &&> work);

}  // namespace hearth

#endif  // HEARTH_COMMON_THREAD_POOL_WORK_H_
