#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests (unit, router and live tests against fake upstreams),
# the HTML validity check of every page, the browser check (page widths on a phone, axe-core, the
# new-app flow with and without JavaScript, in Chromium), the API contract and query fuzz checks
# against the running server, and the checks of what deploys Homeport (the image's packages
# against the binary's libraries, the Kubernetes manifests, the Containerfile and the workflows).
# Installs what it needs first. The formatting check comes first: it takes seconds, the build minutes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" test
swift format lint --strict --recursive --parallel Sources Tests Package.swift
swift build --build-tests
python3 scripts/check-pages.py
python3 scripts/check-browser.py
python3 scripts/check-api.py
python3 scripts/check-image.py
python3 scripts/check-deploy.py
# At most 24 tests at a time: unbounded, the first seconds open some 300 SQLite databases (1,600
# file descriptors) at once, and past about 1,365 open descriptors Foundation's Process.run()
# reads past its /proc/self/fd buffer and crashes the test process now and then
# (swift-corelibs-foundation PR 5472; Swift 6.3.1 still has it). Bounded, the run is faster too.
swift test --skip-build --experimental-maximum-parallelization-width 24
