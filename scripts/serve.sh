#!/usr/bin/env bash
# Serves the portal on the bundled example homelab at http://127.0.0.1:8080.
# Any argument is passed to `homeport serve` (for example --config homeport.yaml).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
swift build --product homeport
exec .build/debug/homeport serve "$@"
