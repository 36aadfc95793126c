#!/usr/bin/env bash
# One command from a fresh Debian 12 machine (as root) to a running demo:
# installs the Debian packages, builds scoin, and runs examples/demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCOIN_TESTS=OFF
cmake --build build -j2 --target scoin
./examples/demo.sh build/cli/scoin "$@"
