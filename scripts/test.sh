#!/usr/bin/env bash
# One command: install what is missing, build with -Werror, run every test
# (Catch2 units and the scenarios, through ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh -DP2P_WERROR=ON
cd build
ctest --output-on-failure -j2 --timeout 300
