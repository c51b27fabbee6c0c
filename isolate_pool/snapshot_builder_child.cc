#include "isolate_pool/snapshot_builder_child.h"

#include <openssl/rand.h>
#include <sys/resource.h>
#include <unistd.h>
#include <v8-context.h>
#include <v8-function.h>
#include <v8-initialization.h>
#include <v8-isolate.h>
#include <v8-local-handle.h>
#include <v8-microtask-queue.h>
#include <v8-snapshot.h>
#include <v8-statistics.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "isolate_pool/blob_digest.h"
#include "isolate_pool/builder_sandbox.h"
#include "isolate_pool/execution_watchdog.h"
#include "isolate_pool/module_loader.h"
#include "isolate_pool/native_bindings.h"
#include "isolate_pool/performance_binding.h"
#include "isolate_pool/runtime_snapshot.h"
#include "isolate_pool/snapshot_build_wire.h"
#include "isolate_pool/snapshot_data.h"
#include "isolate_pool/v8_platform.h"

namespace hearth {
namespace {

BuilderTestHook test_hook = nullptr;

bool ReadAll(int fd, std::string* out) {
  char buffer[64 << 10];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n == 0) return true;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    out->append(buffer, static_cast<size_t>(n));
  }
}

bool WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

struct HeapGuard {
  bool exceeded = false;
  v8::Isolate* isolate = nullptr;
};

size_t OnNearHeapLimit(void* data, size_t current_limit, size_t /*initial_limit*/) {
  auto* guard = static_cast<HeapGuard*>(data);
  guard->exceeded = true;
  guard->isolate->TerminateExecution();
  return current_limit * 2;  // Room to unwind; the result is thrown away.
}

SnapshotBuildResult Build(const SnapshotBuildRequest& request) {
  SnapshotBuildResult result;
  // A SnapshotCreator in V8 10.2 takes no ResourceConstraints: the heap limit is a flag,
  // which only this process sees.
  const std::string heap_flag = absl::StrCat("--max-old-space-size=", request.memory_mb);
  v8::V8::SetFlagsFromString(heap_flag.c_str());
  SetV8HashSeed(request.hash_seed);
  DisableIsolatePageReuse();
  EnsureV8Initialized();

  v8::SnapshotCreator creator(NativeExternalReferences(), RuntimeSnapshot());
  v8::Isolate* isolate = creator.GetIsolate();
  IsolateClock clock;  // performance.now() at the top level counts from here
  StartIsolateClock(clock);
  isolate->SetData(kIsolateClockSlot, &clock);
  HeapGuard heap_guard{.isolate = isolate};
  isolate->AddNearHeapLimitCallback(&OnNearHeapLimit, &heap_guard);
  isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  const std::string resource = absl::StrCat(request.name, ".js");
  {
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = v8::Context::New(isolate);
    v8::Context::Scope context_scope(context);
    v8::Local<v8::Object> internals;
    v8::Local<v8::Value> check_handler;
    if (!context->GetDataFromSnapshotOnce<v8::Object>(kRuntimeInternalsIndex).ToLocal(&internals) ||
        !internals->Get(context, V8String(isolate, "checkHandler")).ToLocal(&check_handler) ||
        !check_handler->IsFunction()) {
      result.status = absl::InternalError("the runtime snapshot holds no runtime internals");
      return result;
    }
    context->AllowCodeGenerationFromStrings(false);  // As in every isolate of the pool.
    v8::Local<v8::Object> env = v8::Object::New(isolate);
    for (const auto& [key, value] : request.env) {
      env->Set(context, V8String(isolate, key), V8String(isolate, value)).Check();
    }

    ExecutionWatchdog watchdog(1);  // Its thread starts before the lock-down.
    // What libc and OpenSSL would otherwise read from files on first use, after the lock-down:
    // glibc reads the zone file TZ names (BuilderTimeZoneVariable) once, where a top level's
    // first `new Date().getHours()` would; our digest of the blob initialises OpenSSL, which
    // reads its config; its random generator seeds itself (crypto.getRandomValues at the top
    // level) on first use.
    tzset();
    Sha256("");
    unsigned char seed_probe[16];
    if (RAND_bytes(seed_probe, sizeof(seed_probe)) != 1) {
      result.status = absl::InternalError("the snapshot builder could not seed OpenSSL's RNG");
      return result;
    }
    if (absl::Status locked = LockDownBuilder(); !locked.ok()) {
      result.status = locked;
      return result;
    }
    if (test_hook != nullptr) test_hook(request.name);
    const int64_t cpu_start = ThisThreadCpuMicros();
    watchdog.Arm(0, isolate, ThisThreadCpuClock(),
                 cpu_start + int64_t{request.cpu_budget_ms} * 1000,
                 MonotonicMicros() + int64_t{request.wall_budget_ms} * 1000);
    absl::StatusOr<v8::Local<v8::Value>> handler =
        EvaluateFunctionModule(context, check_handler.As<v8::Function>(), resource, request.source);
    const WatchdogVerdict verdict = watchdog.Disarm(0);
    result.top_level_cpu_us = ThisThreadCpuMicros() - cpu_start;

    v8::HeapStatistics heap;
    isolate->GetHeapStatistics(&heap);
    const uint64_t held = heap.used_heap_size() + heap.external_memory();
    // Verdicts in the order FunctionIsolate::Load gives them.
    if (heap_guard.exceeded || held > (uint64_t{request.memory_mb} << 20)) {
      result.status = absl::ResourceExhaustedError(
          absl::StrCat("top-level code exceeded the memory limit of ", request.memory_mb, " MB"));
    } else if (verdict == WatchdogVerdict::kCpuLimit) {
      result.status = absl::OutOfRangeError(absl::StrCat(
          "top-level code exceeded the boot CPU budget of ", request.cpu_budget_ms, " ms"));
    } else if (verdict == WatchdogVerdict::kTimeout || (handler.ok() && handler->IsEmpty())) {
      result.status = absl::DeadlineExceededError("top-level code did not finish in time");
    } else if (!handler.ok()) {
      result.status = handler.status();
    }
    if (!result.status.ok()) return result;

    if (creator.AddData(context, internals) != kRuntimeInternalsIndex ||
        creator.AddData(context, *handler) != kFunctionHandlerIndex ||
        creator.AddData(context, env) != kFunctionEnvIndex) {
      result.status = absl::InternalError("unexpected snapshot data indices");
      return result;
    }
    creator.SetDefaultContext(context);
  }
  // kKeep: the function's compiled code (and the runtime's) is in the blob, so the first
  // invocation in a new isolate does not compile what the top level already ran.
  v8::StartupData blob = creator.CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
  if (blob.data == nullptr || blob.raw_size <= 0) {
    result.status = absl::FailedPreconditionError("V8 could not serialize the function's state");
    return result;
  }
  if (request.max_blob_bytes != 0 &&
      static_cast<uint64_t>(blob.raw_size) > request.max_blob_bytes) {
    result.status = absl::ResourceExhaustedError(
        absl::StrCat("the function's snapshot is ", blob.raw_size, " bytes, over the cap of ",
                     request.max_blob_bytes, " bytes"));
    return result;
  }
  result.blob.assign(blob.data, static_cast<size_t>(blob.raw_size));
  delete[] blob.data;
  result.blob_sha256 = Sha256(result.blob);
  return result;
}

// The confinement steps before V8 starts (builder_sandbox.h).
absl::Status Confine(const SnapshotBuildRequest& request) {
  if (absl::Status s =
          ApplyBuilderLimits(BuilderLimitsFor(request.memory_mb, request.cpu_budget_ms));
      !s.ok()) {
    return s;
  }
  return DropBuilderPrivileges(request.identity);
}

int RunChild() {
  // Before anything else runs: the parent closes them too (posix_spawn), this is the
  // builder's own guarantee.
  const absl::Status closed = CloseInheritedDescriptors();
  std::string input;
  if (!ReadAll(STDIN_FILENO, &input)) return 2;
  absl::StatusOr<SnapshotBuildRequest> request = DecodeSnapshotBuildRequest(input);
  SnapshotBuildResult result;
  if (!closed.ok()) {
    result.status = closed;
  } else if (!request.ok()) {
    result.status = request.status();
  } else if (absl::Status confined = Confine(*request); !confined.ok()) {
    result.status = confined;
  } else {
    result = Build(*request);
  }
  if (!WriteAll(STDOUT_FILENO, EncodeSnapshotBuildResult(result))) return 2;
  // Nothing to tear down that the kernel does not: skip V8's and the libraries' destructors.
  std::_Exit(0);
}

}  // namespace

void SetSnapshotBuilderTestHook(BuilderTestHook hook) { test_hook = hook; }

std::optional<int> RunSnapshotBuilderIfAsked(int argc, char** argv) {
  if (argc != 2 || std::strcmp(argv[1], kSnapshotBuilderArg) != 0) return std::nullopt;
  return RunChild();
}

}  // namespace hearth
