// A gtest fixture owning a real IsolatePool (real V8 isolates on real worker threads), with
// blocking helpers to deploy, prepare and invoke functions.
#ifndef HEARTH_ISOLATE_POOL_TESTING_POOL_TEST_BASE_H_
#define HEARTH_ISOLATE_POOL_TESTING_POOL_TEST_BASE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/clock.h"
#include "isolate_pool/isolate_pool.h"

namespace hearth {

// A spec with the pool's defaults applied.
inline std::shared_ptr<FunctionSpec> MakeSpec(const IsolatePool& pool, const std::string& name,
                                              const std::string& source,
                                              const std::string& version) {
  auto spec = std::make_shared<FunctionSpec>();
  spec->name = name;
  spec->version = version;
  spec->source = source;
  spec->limits = *pool.ResolveLimits({});
  spec->pool = *pool.ResolvePool({});
  return spec;
}

class PoolTestBase : public ::testing::Test {
 protected:
  static IsolatePoolOptions Options() {
    IsolatePoolOptions options;
    options.workers = 2;
    return options;
  }

  explicit PoolTestBase(const IsolatePoolOptions& options) : pool_(options) {}

  std::shared_ptr<FunctionSpec> Spec(const std::string& name, const std::string& source) {
    return MakeSpec(pool_, name, source, absl::StrCat(name, "-", ++versions_));
  }

  // Loads `spec` into a fresh isolate on `worker`, as it is (no snapshot is made).
  absl::Status Prepare(std::shared_ptr<const FunctionSpec> spec, int worker = 0) {
    absl::Notification done;
    absl::Status result;
    pool_.Prepare(worker, std::move(spec), [&](absl::Status status) {
      result = std::move(status);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  // What a deploy does: the snapshot step (which may give `spec` its snapshot), then one
  // isolate on `worker`.
  absl::Status Deploy(const std::shared_ptr<FunctionSpec>& spec, int worker = 0) {
    absl::Notification done;
    absl::Status result;
    pool_.MakeSnapshot(spec, [&](absl::Status status) {
      result = std::move(status);
      done.Notify();
    });
    done.WaitForNotification();
    if (!result.ok()) return result;
    return Prepare(spec, worker);
  }

  v1::InvokeResponse Invoke(std::shared_ptr<const FunctionSpec> spec, int worker = 0,
                            v1::InvokeRequest request = {}) {
    v1::InvokeResponse response;
    absl::Notification done;
    absl::Status status;
    auto invocation = std::make_unique<Invocation>();
    invocation->function = spec;
    invocation->request = &request;
    invocation->response = &response;
    invocation->accepted_us = MonotonicMicros();
    invocation->deadline_us = invocation->accepted_us + spec->limits.timeout_ms * 1000;
    invocation->done = [&](absl::Status s) {
      status = std::move(s);
      done.Notify();
    };
    pool_.Invoke(worker, std::move(invocation));
    done.WaitForNotification();
    EXPECT_TRUE(status.ok()) << status;
    return response;
  }

  // A forced-cold invocation: a fresh isolate, booted for it.
  v1::InvokeResponse InvokeCold(std::shared_ptr<const FunctionSpec> spec, int worker = 0) {
    v1::InvokeRequest request;
    request.set_force_cold(true);
    return Invoke(std::move(spec), worker, std::move(request));
  }

  IsolatePool pool_;
  int versions_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_TESTING_POOL_TEST_BASE_H_
