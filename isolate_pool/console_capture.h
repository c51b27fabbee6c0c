// ConsoleCapture: a function's console output, kept in the report of the invocation that
// produced it up to the agent's caps (entries and bytes), with one note saying what was cut.
// Output with no invocation to report to (top-level code at boot) is dropped.
//
// Thread: the thread inside the isolate.
#ifndef HEARTH_ISOLATE_POOL_CONSOLE_CAPTURE_H_
#define HEARTH_ISOLATE_POOL_CONSOLE_CAPTURE_H_

#include <cstddef>
#include <string_view>

#include "hearth/v1/agent.pb.h"
#include "isolate_pool/isolate_pool_options.h"
#include "isolate_pool/native_bindings.h"

namespace hearth {

class ConsoleCapture final : public ConsoleSink {
 public:
  explicit ConsoleCapture(const IsolatePoolOptions* caps) : caps_(caps) {}

  // Output goes into `report` from now on, until End().
  void Begin(v1::ExecutionReport* report);
  void End() { report_ = nullptr; }

  size_t ConsoleRoom() const override;
  void OnConsole(std::string_view level, std::string_view message) override;

 private:
  const IsolatePoolOptions* caps_;
  v1::ExecutionReport* report_ = nullptr;
  size_t bytes_ = 0;
  bool cut_ = false;
};

}  // namespace hearth

#endif  // HEARTH_ISOLATE_POOL_CONSOLE_CAPTURE_H_
