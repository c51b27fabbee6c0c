#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite through ctest.
#   tools/test.sh            release build (what CI runs)
#   tools/test.sh asan       AddressSanitizer + UndefinedBehaviorSanitizer build
#   tools/test.sh debug      debug build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset="${1:-release}"

./tools/bootstrap.sh
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset" -j "$(nproc)"
