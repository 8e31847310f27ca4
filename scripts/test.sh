#!/usr/bin/env bash
# The project's test command: setup (dependencies, venv, build) + every test through ctest.
#
#   scripts/test.sh              # everything (labels: unit, reference, slow)
#   scripts/test.sh -L unit      # extra arguments go to ctest
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${VLMFORGE_BUILD_DIR:-build}

t0=$(date +%s)
bash scripts/setup.sh
t1=$(date +%s)
echo "[test] running ctest in $build"
ctest --test-dir "$build" --output-on-failure --no-tests=error -j "${VLMFORGE_TEST_JOBS:-2}" "$@"
t2=$(date +%s)
echo "[test] wall time: setup+build $((t1 - t0)) s, tests $((t2 - t1)) s, total $((t2 - t0)) s"
