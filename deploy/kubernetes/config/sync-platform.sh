#!/bin/bash
# Keeps a checkout of the platform repository at $PLATFORM_DIR, Homeport's platform.root.
#
#   sync-platform.sh clone    the first checkout (the init container), so Homeport starts with the
#                             platform loaded; on a restarted pod it updates the existing one
#   sync-platform.sh follow   fetches every $PLATFORM_SYNC_SECONDS (60); on a new commit, checks it
#                             out and sends Homeport SIGHUP, which reloads the platform. Each round
#                             touches $PLATFORM_HEARTBEAT_FILE, which the container's probes watch:
#                             a fetch hung past its timeout shows as a stale file
#
# The pod shares one process namespace (shareProcessNamespace) and both containers run as UID
# 10001, so this one may signal Homeport. Settings: PLATFORM_REPOSITORY (URL), PLATFORM_BRANCH
# (main), PLATFORM_CA_FILE (CA bundle for https), PLATFORM_TOKEN_FILE (a Gitea token, sent as a
# basic-auth password when the file is there and not empty), PLATFORM_RELOAD_PROCESS (the name of
# the process to signal, homeport).
set -euo pipefail

: "${PLATFORM_REPOSITORY:?the platform repository URL}" "${PLATFORM_DIR:?the checkout folder}"
branch=${PLATFORM_BRANCH:-main}
period=${PLATFORM_SYNC_SECONDS:-60}
heartbeat=${PLATFORM_HEARTBEAT_FILE:-/tmp/sync-platform.alive}

# git with the CA bundle and the token as configuration from the environment, so that neither
# shows in a process list, stopped after two minutes so that a hung server cannot stall the loop.
git_remote() {
  local count=0
  if [[ -n ${PLATFORM_CA_FILE:-} ]]; then
    export "GIT_CONFIG_KEY_$count=http.sslCAInfo" "GIT_CONFIG_VALUE_$count=$PLATFORM_CA_FILE"
    count=$((count + 1))
  fi
  if [[ -s ${PLATFORM_TOKEN_FILE:-} ]]; then
    local credentials
    credentials=$(printf 'homeport:%s' "$(<"$PLATFORM_TOKEN_FILE")" | base64 -w0)
    export "GIT_CONFIG_KEY_$count=http.extraHeader" "GIT_CONFIG_VALUE_$count=Authorization: Basic $credentials"
    count=$((count + 1))
  fi
  GIT_CONFIG_COUNT=$count timeout 120 git "$@"
}

# Fetches the branch; prints and returns 0 when it moved, 1 when not, 2 when the fetch failed.
update() {
  git_remote -C "$PLATFORM_DIR" fetch --quiet --depth 1 origin "$branch" || return 2
  local current fetched
  current=$(git -C "$PLATFORM_DIR" rev-parse HEAD) || return 2
  fetched=$(git -C "$PLATFORM_DIR" rev-parse FETCH_HEAD) || return 2
  [[ $current != "$fetched" ]] || return 1
  git -C "$PLATFORM_DIR" reset --quiet --hard FETCH_HEAD || return 2
  echo "platform: $branch is now at $(git -C "$PLATFORM_DIR" rev-parse --short HEAD)"
}

# SIGHUP to every process named homeport in the pod (there is one).
reload_homeport() {
  local name=${PLATFORM_RELOAD_PROCESS:-homeport}
  local comm_file comm pid
  for comm_file in /proc/[0-9]*/comm; do
    read -r comm <"$comm_file" 2>/dev/null || continue
    [[ $comm == "$name" ]] || continue
    pid=${comm_file#/proc/}
    pid=${pid%/comm}
    kill -HUP "$pid" && echo "platform: asked Homeport (pid $pid) to reload"
  done
}

case ${1:-} in
  clone)
    if [[ -d $PLATFORM_DIR/.git ]]; then
      update || [[ $? == 1 ]]
    else
      git_remote clone --quiet --depth 1 --branch "$branch" --single-branch "$PLATFORM_REPOSITORY" "$PLATFORM_DIR"
      echo "platform: cloned $branch at $(git -C "$PLATFORM_DIR" rev-parse --short HEAD)"
    fi
    ;;
  follow)
    touch "$heartbeat"
    while sleep "$period"; do
      status=0
      update || status=$?
      case $status in
        0) reload_homeport ;;
        2) echo "platform: fetching $PLATFORM_REPOSITORY failed; Homeport keeps the last checkout" >&2 ;;
      esac
      touch "$heartbeat"
    done
    ;;
  *)
    echo "usage: sync-platform.sh clone|follow" >&2
    exit 64
    ;;
esac
