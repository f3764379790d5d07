#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests (unit, router and live tests against fake upstreams)
# and the HTML validity check of every page. Installs what it needs first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" test
swift build --build-tests
python3 scripts/check-pages.py
swift test --skip-build
