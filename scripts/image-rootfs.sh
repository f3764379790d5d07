#!/usr/bin/env bash
# Assembles the container image's runtime filesystem without a container engine, and serves the
# example homelab from it the way the image runs:
#
#   1. `debootstrap --variant=minbase bookworm` (what debian:bookworm-slim is made from), compared
#      with deploy/image/base-packages.txt;
#   2. the packages of deploy/image/runtime-packages.txt installed with apt inside it, user 10001,
#      the release binary (Swift runtime linked statically) and the resources at the Containerfile's
#      paths; `ldd` inside the root must find every library;
#   3. in a private mount and PID namespace: the root filesystem, resources included, bind-mounted
#      read-only, a data folder from outside it bind-mounted at /var/lib/homeport, a tmpfs at /tmp,
#      and `homeport serve --config /etc/homeport/homeport.yaml` started by chroot as 10001:10001;
#   4. /healthz, /readyz and /catalog over HTTP, a write to the root refused, the database in the
#      outside folder; then Homeport is stopped and the mounts go with the namespace.
#
# Needs root (debootstrap, chroot, unshare) and Debian's mirror. Slow (a debootstrap and a release
# build), so not part of scripts/test.sh; see docs/deploy.md. HOMEPORT_* variables in the
# environment are passed to Homeport, as `docker run -e` would.
#
# Usage: scripts/image-rootfs.sh [ROOTFS_DIR]   (default .build/image-rootfs; reused when present)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rootfs=$(realpath -m "${1:-.build/image-rootfs}")
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
port=${IMAGE_ROOTFS_PORT:-18080}
binary=.build/release/homeport

say() { printf '==> %s\n' "$*"; }
packages() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1"; }

[[ $(id -u) -eq 0 ]] || { echo "image-rootfs.sh needs root (debootstrap, chroot, unshare)" >&2; exit 1; }
command -v debootstrap >/dev/null || { say "installing debootstrap"; apt-get install -y -qq debootstrap >/dev/null; }

say "building the release binary with the Swift runtime linked statically"
swift build -c release --static-swift-stdlib --product homeport 2>&1 | tail -1
if ldd "$binary" | grep -q 'libswift\|libFoundation'; then
  echo "$binary links the Swift runtime dynamically; expected --static-swift-stdlib" >&2
  exit 1
fi

if [[ ! -e $rootfs/etc/debian_version ]]; then
  say "debootstrap --variant=minbase bookworm $rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.debootstrap.log" 2>&1 \
    || { tail -20 "$rootfs.debootstrap.log" >&2; exit 1; }
  chroot "$rootfs" dpkg-query -W -f='${Package}\n' | sort >"$rootfs.base-packages"
  if diff <(packages deploy/image/base-packages.txt | sort) "$rootfs.base-packages" >/dev/null; then
    say "its $(wc -l <"$rootfs.base-packages") packages are those of deploy/image/base-packages.txt"
  else
    say "WARNING: its packages differ from deploy/image/base-packages.txt:"
    diff <(packages deploy/image/base-packages.txt | sort) "$rootfs.base-packages" || true
  fi
else
  say "reusing the root filesystem at $rootfs"
fi

say "installing deploy/image/runtime-packages.txt: $(packages deploy/image/runtime-packages.txt | tr '\n' ' ')"
cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
unshare --mount --propagation private bash -euo pipefail -c '
  mount -t proc proc "$1/proc"
  chroot "$1" apt-get update -qq
  chroot "$1" env DEBIAN_FRONTEND=noninteractive xargs -a /dev/stdin apt-get install -y -qq --no-install-recommends >/dev/null
  chroot "$1" apt-get clean
' _ "$rootfs" < <(packages deploy/image/runtime-packages.txt)

say "adding user 10001, /var/lib/homeport, the binary and the resources at the Containerfile's paths"
chroot "$rootfs" id -u homeport >/dev/null 2>&1 \
  || chroot "$rootfs" useradd --system --uid 10001 --user-group --home-dir /var/lib/homeport --no-create-home --shell /usr/sbin/nologin homeport
install -d -o 10001 -g 10001 -m 0750 "$rootfs/var/lib/homeport"
install -D -m 0755 "$binary" "$rootfs/usr/local/bin/homeport"
rm -rf "$rootfs/usr/local/share/homeport"
install -d "$rootfs/usr/local/share/homeport/examples"
cp -r Templates Public migrations "$rootfs/usr/local/share/homeport/"
cp -r examples/homelab "$rootfs/usr/local/share/homeport/examples/homelab"
install -D -m 0644 deploy/image/homeport.yaml "$rootfs/etc/homeport/homeport.yaml"

if chroot "$rootfs" ldd /usr/local/bin/homeport | grep 'not found'; then
  echo "the image lacks the libraries above: add their packages to deploy/image/runtime-packages.txt" >&2
  exit 1
fi
say "ldd in the root filesystem finds every library: $(chroot "$rootfs" ldd /usr/local/bin/homeport | awk '{print $1}' | tr '\n' ' ')"

data=$(mktemp -d /tmp/homeport-image-data.XXXXXX)
work=$(mktemp -d /tmp/homeport-image-run.XXXXXX)   # the server's log and the answers, outside the image
chown 10001:10001 "$data"
token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
homeport_env=(HOME=/var/lib/homeport PATH=/usr/local/bin:/usr/bin:/bin HOMEPORT_SERVER_PORT="$port"
              HOMEPORT_AUTH_MODE=token HOMEPORT_AUTH_TOKENS="check:$(printf %s "$token" | sha256sum | cut -d' ' -f1)")
while IFS='=' read -r name value; do
  [[ $name == HOMEPORT_* ]] && homeport_env+=("$name=$value")
done < <(env)

status=0
say "serving from it: read-only root, data from $data, UID 10001, port $port (API token auth)"
unshare --mount --propagation private --pid --fork --mount-proc bash -euo pipefail -c '
  rootfs=$1 data=$2 work=$3 port=$4; shift 4
  mount --bind "$rootfs" "$rootfs"
  mount -o remount,bind,ro "$rootfs"
  mount --bind "$data" "$rootfs/var/lib/homeport"
  mount -t tmpfs -o mode=1777,size=64m tmpfs "$rootfs/tmp"
  mount -t proc proc "$rootfs/proc"
  echo "    mounts: $(findmnt -rn -o TARGET,OPTIONS -R "$rootfs" | awk "{split(\$2, o, \",\"); printf \"%s (%s)  \", \$1, o[1]}")"

  chroot --userspec=10001:10001 "$rootfs" /usr/bin/env -i "$@" /bin/sh -c \
    "cd /var/lib/homeport && exec /usr/local/bin/homeport serve --config /etc/homeport/homeport.yaml" \
    >"$work/serve.log" 2>&1 &
  server=$!
  trap "kill $server 2>/dev/null || true" EXIT
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    kill -0 $server 2>/dev/null || { cat "$work/serve.log"; exit 1; }
    sleep 0.2
  done
  fail=0
  expect() {  # expect PATH STATUS
    local status
    status=$(curl -s -o "$work/body" -w "%{http_code}" "http://127.0.0.1:$port$1")
    if [[ $status == "$2" ]]; then echo "    GET $1 -> $status: $(head -c 80 "$work/body" | tr "\n" " ")"
    else echo "    FAIL GET $1 -> $status, expected $2"; fail=1; fi
  }
  expect /healthz 200
  expect /readyz 200
  expect /catalog 200
  expect /static/homeport.css 200
  echo "    process: uid $(ps -o uid=,args= -p $(pgrep -f "^/usr/local/bin/homeport serve") 2>/dev/null || true)"
  if chroot --userspec=10001:10001 "$rootfs" /usr/bin/touch /usr/local/share/homeport/x 2>"$work/touch.err"; then
    echo "    FAIL the root filesystem took a write"; fail=1
  else
    echo "    a write to the resources is refused: $(cat "$work/touch.err")"
  fi
  kill -TERM $server
  code=0; wait $server || code=$?
  if [[ $code == 0 ]]; then echo "    SIGTERM: Homeport stopped with status 0"
  else echo "    FAIL SIGTERM: Homeport stopped with status $code"; fail=1; fi
  umount "$rootfs/proc" "$rootfs/tmp" "$rootfs/var/lib/homeport" "$rootfs"
  exit $fail
' _ "$rootfs" "$data" "$work" "$port" "${homeport_env[@]}" || status=$?

say "data written outside the root filesystem: $(ls "$data" | tr '\n' ' ')"
say "mounts left under $rootfs: $(findmnt -rn -R "$rootfs" | wc -l)"
rm -rf "$data" "$work"
exit $status
