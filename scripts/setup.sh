#!/usr/bin/env bash
# Installs what Homeport needs to build (and, with "test", to run its checks), then builds.
# Sourced by serve.sh and test.sh; safe to run again: it installs only what is missing.
set -euo pipefail

BUILD_PACKAGES=(git pkg-config libcurl4-openssl-dev libyaml-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libsqlite3-dev zlib1g-dev)
TEST_PACKAGES=(curl openssl socat python3 python3-venv default-jre-headless chromium chromium-driver)

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# apt_install PACKAGE... installs those not yet installed; the package lists are refreshed first,
# since a fresh machine has none.
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "==> installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

require_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    for candidate in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
      [[ -x $candidate/swift ]] && export PATH="$candidate:$PATH" && return 0
    done
    echo "Swift 6 is required (https://www.swift.org/install/linux/); 'swift' is not on PATH." >&2
    exit 1
  fi
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
require_swift
apt_install "${BUILD_PACKAGES[@]}"
if [[ ${1:-} == test ]]; then
  apt_install "${TEST_PACKAGES[@]}"
fi
