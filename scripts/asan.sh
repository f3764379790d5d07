#!/usr/bin/env bash
# Runs the C-library wrappers' tests under AddressSanitizer: the YAML (libyaml), Markdown
# (cmark-gfm) and gzip (zlib) wrappers, the seeded fuzz tests over YAML, Markdown and the
# model-output extraction, and libcurl transfers (streaming, timeouts, refused and malformed URLs).
# A use after free, an overflow or a leak-prone pointer into freed stack memory stops the run with
# ASan's report. Builds into .build-asan (not .build): the instrumented build is separate and slow.
#   scripts/asan.sh                      # the default FUZZ_ITERATIONS of the test suite
#   FUZZ_ITERATIONS=20000 scripts/asan.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1}
flags=(--scratch-path .build-asan -Xswiftc -sanitize=address)
echo "==> building with -sanitize=address into .build-asan"
swift build --build-tests "${flags[@]}"
filter='YAMLTests|MarkdownTests|ZlibTests|FuzzTests|CurlStreamingTests|LiveServerTests'
echo "==> running $filter under AddressSanitizer ($ASAN_OPTIONS)"
swift test --skip-build "${flags[@]}" --filter "$filter"
echo "==> AddressSanitizer: no report"
