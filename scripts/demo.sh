#!/usr/bin/env bash
# One command: install what is missing, build, run the demo scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
echo
echo "== demo: tests/scenarios/demo.scn =="
exec build/bin/scenario tests/scenarios/demo.scn --transcript
