# Shell functions the bench scripts share. Sourced, not run: the script sets bench_name first
# ("bench", "bench/flow", "bench/load"), which starts its error messages.

log() { echo "==> $*" >&2; }
die() { echo "$bench_name: $*" >&2; exit 1; }

# stop_pid PID [GRACE]: stops one process we started: TERM, up to GRACE seconds (default 5) for
# it to end, then KILL.
stop_pid() {
  local pid=$1 grace=${2:-5} tries
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((tries = 0; tries < grace * 10; tries++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# A loopback port nothing answers on, below the kernel's ephemeral range: client sockets (curl,
# wrk, the pollers) take their ports from that range, and one took a port picked there before the
# server could bind it. Bounded: 100 tries.
free_port() {
  local port tries ephemeral_low
  read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range
  ((ephemeral_low > 11000)) || ephemeral_low=32768
  for ((tries = 0; tries < 100; tries++)); do
    port=$((10000 + RANDOM % (ephemeral_low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "found no free loopback port"
}

# wait_for URL EXPECTED PID NAME: waits up to 30 s until URL answers with exactly EXPECTED (any
# body if EXPECTED is empty), giving up early if PID exits.
wait_for() {
  local url=$1 expected=$2 pid=$3 name=$4 tries body
  for ((tries = 0; tries < 150; tries++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if body=$(curl -fsS --max-time 2 "$url" 2>/dev/null) && [[ -z $expected || $body == "$expected" ]]; then
      return 0
    fi
    sleep 0.2
  done
  echo "$bench_name: $name did not answer on $url within 30 s" >&2
  return 1
}

# mem_mib PID FIELD: VmRSS or VmHWM of a process, in MiB.
mem_mib() {
  awk -v key="$2:" '$1 == key { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}
