#!/usr/bin/env bash
# One command from a fresh Debian 12 machine (as root) to a passing test
# suite: installs the Debian packages, builds scoin warning-clean with its
# tests, runs them through ctest; then does the same under AddressSanitizer
# and UndefinedBehaviorSanitizer (skip that second pass with --fast).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

sanitize=1
[ "${1:-}" = "--fast" ] && sanitize=0

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCOIN_TESTS=ON -DSCOIN_WERROR=ON
cmake --build build -j2
ctest --test-dir build -j2 --output-on-failure

if [ "$sanitize" = 1 ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSCOIN_TESTS=ON -DSCOIN_SANITIZE=ON \
    -DSCOIN_WERROR=ON
  cmake --build build-asan -j2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan -j2 --output-on-failure
fi
