#include "common/thread_pool_work.h"

#include <utility>

namespace hearth {
namespace {

struct Work {
  uv_work_t request;
  absl::AnyInvocable<void() &&> run;
};

}  // namespace

void RunOnThreadPool(uv_loop_t* loop, absl::AnyInvocable<void() &&> work) {
  auto* job = new Work{{}, std::move(work)};
  job->request.data = job;
  const int queued = uv_queue_work(
      loop, &job->request,
      [](uv_work_t* request) { std::move(static_cast<Work*>(request->data)->run)(); },
      [](uv_work_t* request, int /*status*/) { delete static_cast<Work*>(request->data); });
  if (queued != 0) {  // Only if the loop is unusable: run it here rather than drop it.
    std::move(job->run)();
    delete job;
  }
}

}  // namespace hearth
