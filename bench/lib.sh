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

# first_200_ms URL PID STARTED: the milliseconds from STARTED (the $EPOCHREALTIME at which PID,
# a server, was started) to URL's first 200, polled every 10 ms for up to 5 minutes; fails if PID
# exits first. Polled from this shell through bash's /dev/tcp, starting no process: a curl per
# try cost 5.5 ms of CPU every 17 ms, a sixth of a 2-core machine taken from the very start it timed.
first_200_ms() {
  local url=$1 pid=$2 started=$3 address path host port fd fifo pause status tries
  address=${url#http://}
  path=/${address#*/}
  [[ $address == */* ]] || path=/
  address=${address%%/*}
  host=${address%:*} port=${address##*:}
  fifo=$(mktemp -u) && mkfifo "$fifo" && exec {pause}<>"$fifo" && rm -f "$fifo" || die "no pipe to pause on"
  for ((tries = 0; tries < 30000; tries++)); do
    kill -0 "$pid" 2>/dev/null || break
    if { exec {fd}<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
      printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$address" >&"$fd"
      status=""
      read -r -t 10 _ status _ <&"$fd" || true
      exec {fd}>&-
      if [[ $status == 200 ]]; then
        exec {pause}>&-
        echo $(((${EPOCHREALTIME//[!0-9]/} - ${started//[!0-9]/}) / 1000))
        return 0
      fi
    fi
    # Nothing writes to the pipe: the read waits out its timeout, a pause without a process.
    read -r -t 0.01 -u "$pause" _ || true
  done
  exec {pause}>&-
  return 1
}

# mem_mib PID FIELD: VmRSS or VmHWM of a process, in MiB.
mem_mib() {
  awk -v key="$2:" '$1 == key { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}
