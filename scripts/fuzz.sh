#!/usr/bin/env bash
# Fuzzes the YAML wrapper, the model-output extraction and the Markdown wrapper for longer than the
# test suite does (which runs 300 seeded inputs per target): FUZZ_ITERATIONS inputs per target
# (default 200000) from FUZZ_SEED (default: a new one, printed so a failure can be replayed).
#   scripts/fuzz.sh                        # a new seed
#   FUZZ_SEED=1234 FUZZ_ITERATIONS=5000 scripts/fuzz.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export FUZZ_SEED=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
export FUZZ_ITERATIONS=${FUZZ_ITERATIONS:-200000}
echo "==> fuzzing with FUZZ_SEED=$FUZZ_SEED FUZZ_ITERATIONS=$FUZZ_ITERATIONS"
swift build --build-tests
swift test --skip-build --filter FuzzTests
