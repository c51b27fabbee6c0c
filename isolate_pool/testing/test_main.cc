// main() of test binaries that run an IsolatePool: like gtest_main, except that the binary
// also serves as the pool's snapshot builder (the pool starts /proc/self/exe for that).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "isolate_pool/snapshot_builder_child.h"
#include "isolate_pool/testing/builder_test_hook.h"

int main(int argc, char** argv) {
  hearth::SetSnapshotBuilderTestHook(&hearth::testing_hooks::MisbehaveAsNamed);
  if (std::optional<int> exit_code = hearth::RunSnapshotBuilderIfAsked(argc, argv)) {
    return *exit_code;
  }
  testing::InitGoogleMock(&argc, argv);
  return RUN_ALL_TESTS();
}
