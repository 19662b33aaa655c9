#!/usr/bin/env bash
# Runs the same relay load against our relay and against c-toxcore's tox-bootstrapd in one run and
# prints one line per figure:
#
#   FIGURE name=<name> ours=<value> reference=<value> unit=<unit> ratio=<ours/reference>
#
# Usage: tox-benchmarks/compare.sh [--quick] [--dht-onion [--rounds N]]
#
#   --quick      shorter runs and 4,000 idle clients: finishes within 3 minutes on a 2-core
#                machine (the build, if one is needed, comes on top)
#   --dht-onion  only the DHT and onion cases (no relay loads), in N rounds (--rounds, 1-10,
#                default 3) that alternate which side goes first (ours/ref, ref/ours, ...), so the
#                load of other work on a shared machine falls on both alike; prints each round's
#                figures and ratio (DETAIL round) and FIGURE lines with the medians, the load
#                average at the start and end, and the heap per stored announce (RelayLoad
#                onion-heap) and per DHT entry (DhtLoad memory). Each run is bounded by a
#                timeout; 3 rounds take about 5 minutes.
#
# Idle: 50,000 confirmed idle clients (full mode) held 50 s against each relay, from source addresses
# 127.1.x.y; the fd limit is raised to fit them for every process the script starts (both relays,
# the load JVM). Raising it past the hard limit needs CAP_SYS_RESOURCE; without it the count is cut
# to the hard limit and the DETAIL idle line says so (fd_limit=, requested= vs clients=).
#
# What it does, all on loopback:
#   1. builds tox-benchmarks/target/tox-benchmarks.jar if it is missing or older than the sources
#      (mvn -B -q package -DskipTests -pl tox-benchmarks -am);
#   2. starts tox-bootstrapd with a generated config (free ports, LAN discovery off, IPv6 off, no
#      bootstrap nodes, enable_tcp_relay = true, tcp_relay_ports = [port]) and our relay in its own
#      JVM ("RelayLoad serve --heap-report", the same RelayServer as the shaded relay jar);
#   3. warms our relay's JIT up with a short handshakes and throughput load (discarded), then runs
#      throughput, latency, handshakes (GENERATOR, below) and idle (RelayLoad) against each,
#      with the same parameters
#      (latency for both at half of the lower of the two peak packet rates, and for ours also at
#      half of its own peak);
#   4. prints the FIGURE lines, DETAIL lines with the figures behind them, and stops every process
#      it started, by PID, on any exit.
#
# DHT (after the relay runs): nodes requests/s answered by tox-bootstrapd's UDP port and by our DHT
# node (DhtLoad serve, own JVM), from 1,024 and from 16,384 sender keys, and heap per close-list
# entry (DhtLoad memory): FIGURE dht_nodes_answered and two DETAIL dht lines.
#
# transfer_relay / transfer_udp (net_crypto file transfer) are not measured by this script.
#
# Environment overrides: JAVA (java), JAVA_OPTS (load tool JVM options), SERVE_OPTS (our relay's
# JVM options), LAT_RATE (fixed latency rate in packets/s), KEEP_LOGS=1 (keep the work directory),
# GENERATOR=c|java (default c): the load generator of the throughput, latency and handshakes runs.
#   c:    tox-benchmarks/c/relay_load.c (libsodium, epoll, one thread; built here with gcc and
#         pkg-config into tox-benchmarks/target/relay_load when missing or older than the source),
#         which costs the shared cores far less per packet than the relay under test;
#   java: RelayLoad (our RelayClient, Bouncy Castle crypto: about as costly as our relay itself).
#   The idle run always uses RelayLoad.
set -uo pipefail

QUICK=0
DHT_ONION=0
ROUNDS=3
expect_rounds=0
for arg in "$@"; do
  if ((expect_rounds)); then
    if ! [[ "$arg" =~ ^[0-9]+$ ]] || ((arg < 1 || arg > 10)); then
      echo "compare.sh: --rounds must be a number from 1 to 10, not '$arg'" >&2
      exit 2
    fi
    ROUNDS=$arg
    expect_rounds=0
    continue
  fi
  case "$arg" in
    --quick) QUICK=1 ;;
    --dht-onion) DHT_ONION=1 ;;
    --rounds) expect_rounds=1 ;;
    -h | --help)
      sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "compare.sh: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done
if ((expect_rounds)); then
  echo "compare.sh: --rounds needs a number" >&2
  exit 2
fi

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$HERE/target/tox-benchmarks.jar"
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-}
SERVE_OPTS=${SERVE_OPTS:-}
MAIN=org.toxreactive.benchmarks.load.RelayLoad
GENERATOR=${GENERATOR:-c}
CLOAD="$HERE/target/relay_load"
case "$GENERATOR" in
  c | java) ;;
  *)
    echo "compare.sh: GENERATOR must be c or java, not '$GENERATOR'" >&2
    exit 2
    ;;
esac

if ! command -v tox-bootstrapd > /dev/null; then
  echo "compare.sh: tox-bootstrapd is not installed (Debian: apt-get install tox-bootstrapd)" >&2
  exit 2
fi
if ! command -v "$JAVA" > /dev/null; then
  echo "compare.sh: no java" >&2
  exit 2
fi

# ------------------------------------------------------------------ build if needed
stale=""
if [[ -f "$JAR" ]]; then
  stale=$(find "$ROOT"/tox-core/src/main "$ROOT"/tox-transport-tcp/src/main \
    "$ROOT"/tox-relay-server/src/main "$ROOT"/tox-dht/src/main "$HERE"/src/main "$HERE"/pom.xml \
    -newer "$JAR" -type f 2> /dev/null | head -1)
fi
if [[ ! -f "$JAR" || -n "$stale" ]]; then
  echo "compare.sh: building $JAR" >&2
  (cd "$ROOT" && mvn -B -q package -DskipTests -pl tox-benchmarks -am) || {
    echo "compare.sh: build failed" >&2
    exit 1
  }
fi

if ((!DHT_ONION)) && [[ $GENERATOR == c && (! -x "$CLOAD" || "$HERE/c/relay_load.c" -nt "$CLOAD") ]]; then
  echo "compare.sh: building $CLOAD" >&2
  mkdir -p "$(dirname "$CLOAD")"
  # shellcheck disable=SC2046
  gcc -std=c11 -O2 -Wall -o "$CLOAD" "$HERE/c/relay_load.c" \
    $(pkg-config --cflags --libs libsodium) || {
    echo "compare.sh: cannot build relay_load (needs gcc, pkg-config, libsodium-dev);" \
      "GENERATOR=java uses the Java load tool" >&2
    exit 1
  }
fi

# ------------------------------------------------------------------ limits and parameters
if ((QUICK)); then
  TP_PAIRS=16 TP_SECONDS=5 TP_WARMUP=3
  LAT_PAIRS=16 LAT_SECONDS=5 LAT_WARMUP=2
  HS_CONC=32 HS_SECONDS=5 HS_WARMUP=2
  IDLE_CLIENTS=4000 IDLE_HOLD=8
  WARM_SECONDS=10
else
  # 16 pairs as in --quick: from 32 pairs on, tox-bootstrapd wedges links (its FIONREAD stall, see
  # tox-benchmarks/README.md) and loses most of what they carry, which would measure that bug, not
  # its forwarding; at 16 it loses nothing and is at its peak (~12 MB/s here).
  TP_PAIRS=16 TP_SECONDS=15 TP_WARMUP=5
  LAT_PAIRS=16 LAT_SECONDS=15 LAT_WARMUP=3
  HS_CONC=64 HS_SECONDS=15 HS_WARMUP=3
  IDLE_CLIENTS=50000 IDLE_HOLD=50 # past the relays' 30 s keepalive ping and its 10 s timeout
  WARM_SECONDS=30
fi
# File descriptors: each relay holds one per idle client, the load JVM one per link, plus their
# own (jars, epoll, a few hundred at most). Raised in this shell, so every process started below
# (tox-bootstrapd, our relay's JVM, each load JVM) inherits it; the JVM raises its soft limit to
# the hard one by itself (-XX:+MaxFDLimit).
IDLE_REQUESTED=$IDLE_CLIENTS
FD_HEADROOM=500
FD_NEED=$((IDLE_CLIENTS + FD_HEADROOM))
if [[ $(ulimit -Hn) != unlimited ]] && (($(ulimit -Hn) < FD_NEED)); then
  ulimit -n "$FD_NEED" 2> /dev/null || ulimit -Sn "$(ulimit -Hn)" 2> /dev/null || true
elif [[ $(ulimit -Sn) != unlimited ]] && (($(ulimit -Sn) < FD_NEED)); then
  ulimit -Sn "$FD_NEED" 2> /dev/null || true
fi
NOFILE=$(ulimit -n)
if [[ "$NOFILE" =~ ^[0-9]+$ ]] && ((IDLE_CLIENTS > NOFILE - FD_HEADROOM)); then
  IDLE_CLIENTS=$((NOFILE - FD_HEADROOM))
  echo "compare.sh: fd limit $NOFILE (hard $(ulimit -Hn); raising it needs CAP_SYS_RESOURCE):" \
    "idle clients cut from $IDLE_REQUESTED to $IDLE_CLIENTS" >&2
fi
SIZE=1400
LIGHT_RATE=500
LIGHT_SECONDS=$((QUICK ? 3 : 10))

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tox-compare.XXXXXX")
PIDS=()
LOAD_PID=""

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2> /dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2> /dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2> /dev/null || true
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [[ -n "$LOAD_PID" ]] && stop_pid "$LOAD_PID"
  for pid in "${PIDS[@]}"; do
    stop_pid "$pid"
  done
  if [[ "${KEEP_LOGS:-0}" == 1 ]]; then
    echo "compare.sh: logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "compare.sh: $*" >&2; }

# two distinct free ports (bound on 0.0.0.0 as tox-bootstrapd binds them, then released): "UDP TCP";
# a port held in TIME_WAIT on any address (after an idle run) cannot be bound there
free_ports() {
  python3 - << 'EOF' 2> /dev/null || echo "$((20000 + RANDOM % 10000)) $((30000 + RANDOM % 2000))"
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 0))
t = socket.socket(); t.bind(("0.0.0.0", 0))
print(u.getsockname()[1], t.getsockname()[1])
EOF
}

tcp_open() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# ------------------------------------------------------------------ tox-bootstrapd
REF_ADDR="" REF_PID="" REF_DHT="" REF_ONION=""
start_reference() {
  local attempt udp tcp dir key
  for attempt in 1 2 3 4; do
    read -r udp tcp < <(free_ports)
    dir="$WORK/bootstrapd-$attempt"
    mkdir -p "$dir"
    cat > "$dir/tox-bootstrapd.conf" << EOF
port = $udp;
keys_file_path = "$dir/keys";
pid_file_path = "$dir/tox-bootstrapd.pid";
enable_ipv6 = false;
enable_ipv4_fallback = true;
enable_lan_discovery = false;
enable_tcp_relay = true;
tcp_relay_ports = [$tcp];
enable_motd = true;
motd = "tox-reactive-compare";
EOF
    (cd "$dir" && exec tox-bootstrapd --config="$dir/tox-bootstrapd.conf" --foreground \
      --log-backend=stdout > "$dir/log" 2>&1) &
    REF_PID=$!
    PIDS+=("$REF_PID")
    for _ in $(seq 1 100); do
      kill -0 "$REF_PID" 2> /dev/null || break
      key=$(grep -o 'Public Key: [0-9A-Fa-f]\{64\}' "$dir/log" 2> /dev/null | head -1 | cut -d' ' -f3)
      if [[ -n "$key" ]] && tcp_open "$tcp"; then
        REF_ADDR="127.0.0.1:$tcp:$key"
        REF_DHT="127.0.0.1:$udp:$key"
        REF_ONION="127.0.0.1:$udp:$key"
        return 0
      fi
      sleep 0.1
    done
    log "tox-bootstrapd attempt $attempt failed: $(tail -1 "$dir/log" 2> /dev/null)"
    stop_pid "$REF_PID"
  done
  return 1
}

# ------------------------------------------------------------------ our relay
OURS_ADDR="" OURS_PID="" OURS_ONION="" OURS_LOG="$WORK/ours.log"
start_ours() {
  # shellcheck disable=SC2086
  "$JAVA" $SERVE_OPTS -cp "$JAR" "$MAIN" serve --port 0 --heap-report --max-seconds 1800 --onion \
    > "$OURS_LOG" 2>&1 &
  OURS_PID=$!
  PIDS+=("$OURS_PID")
  for _ in $(seq 1 300); do
    kill -0 "$OURS_PID" 2> /dev/null || break
    OURS_ADDR=$(grep -m1 '^RELAY ' "$OURS_LOG" | cut -d' ' -f2)
    OURS_ONION=$(grep -m1 '^ONION ' "$OURS_LOG" | cut -d' ' -f2)
    [[ -n "$OURS_ADDR" ]] && return 0
    sleep 0.1
  done
  log "our relay did not start:"
  cat "$OURS_LOG" >&2
  return 1
}

# ------------------------------------------------------------------ our DHT node (DhtLoad serve)
DHT_LOG="$WORK/ours-dht.log" DHT_PID="" OURS_DHT=""
start_ours_dht() {
  # shellcheck disable=SC2086
  "$JAVA" $SERVE_OPTS -cp "$JAR" org.toxreactive.benchmarks.load.DhtLoad serve --max-seconds 900 \
    > "$DHT_LOG" 2>&1 &
  DHT_PID=$!
  PIDS+=("$DHT_PID")
  for _ in $(seq 1 300); do
    OURS_DHT=$(grep -m1 '^DHT ' "$DHT_LOG" 2> /dev/null | cut -d' ' -f2)
    [[ -n "$OURS_DHT" ]] && break
    sleep 0.1
  done
}
run_dht() { # NAME TIMEOUT ARGS...
  local name=$1 limit=$2
  shift 2
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$limit" "$JAVA" $JAVA_OPTS -cp "$JAR" org.toxreactive.benchmarks.load.DhtLoad \
    "$@" > "$WORK/$name.out" 2>&1
  grep -q '^RESULT ' "$WORK/$name.out" || { log "$name failed:"; tail -5 "$WORK/$name.out" >&2; }
}

# run_load NAME TIMEOUT_S ARGS...: runs the load tool, output in $WORK/NAME.out
run_load() {
  local name=$1 limit=$2
  shift 2
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$limit" "$JAVA" $JAVA_OPTS -cp "$JAR" "$MAIN" "$@" \
    > "$WORK/$name.out" 2>&1 &
  LOAD_PID=$!
  wait "$LOAD_PID"
  local rc=$?
  LOAD_PID=""
  if ! grep -q '^RESULT ' "$WORK/$name.out"; then
    log "$name failed (exit $rc):"
    tail -20 "$WORK/$name.out" >&2
  fi
  return 0
}

# run_gen NAME TIMEOUT_S MODE ARGS...: a throughput/latency/handshakes run with $GENERATOR
run_gen() {
  if [[ $GENERATOR == java ]]; then
    run_load "$@"
    return 0
  fi
  local name=$1 limit=$2
  shift 2
  timeout --kill-after=10 "$limit" "$CLOAD" "$@" > "$WORK/$name.out" 2>&1 &
  LOAD_PID=$!
  wait "$LOAD_PID"
  local rc=$?
  LOAD_PID=""
  if ! grep -q '^RESULT ' "$WORK/$name.out"; then
    log "$name failed (exit $rc):"
    tail -20 "$WORK/$name.out" >&2
  fi
  return 0
}

# result NAME KEY: a value from the RESULT line of a run, or "n/a"
result() {
  local v
  v=$(grep '^RESULT ' "$WORK/$1.out" 2> /dev/null | tail -1 | tr ' ' '\n' | grep "^$2=" | cut -d= -f2)
  echo "${v:-n/a}"
}

figure() { # name ours reference unit
  local ratio
  ratio=$(awk -v o="$2" -v r="$3" 'BEGIN {
    if (o == "n/a" || r == "n/a") print "n/a"; else if (r + 0 == 0) print "inf"; else printf "%.2f", o / r }')
  echo "FIGURE name=$1 ours=$2 reference=$3 unit=$4 ratio=$ratio"
}

start_reference || {
  log "tox-bootstrapd would not start"
  exit 1
}
start_ours || exit 1
log "reference tox-bootstrapd pid $REF_PID at $REF_ADDR"
log "ours (RelayLoad serve) pid $OURS_PID at $OURS_ADDR"
log "mode $([[ $QUICK == 1 ]] && echo quick || echo full)$([[ $DHT_ONION == 1 ]] && echo ", DHT and onion only, $ROUNDS rounds" || echo ", generator $GENERATOR"), load average $(cut -d' ' -f1-3 /proc/loadavg)"

if ((DHT_ONION)); then
  # DHT and onion only, in rounds that alternate which side goes first (A/B, B/A, ...): on a
  # machine shared with other work, its load then falls on both sides alike; read the ratios.
  LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
  T0=$(date +%s)
  start_ours_dht
  [[ -n "$OURS_DHT" ]] || {
    log "our DHT node did not start:"
    cat "$DHT_LOG" >&2
    exit 1
  }
  ROUND_SECONDS=$((QUICK ? 5 : 10))
  log "warming up our onion and DHT nodes (5 s each; discarded)"
  run_load onion-warmup 60 onion --node "$OURS_ONION" --seconds 5 --warmup 0
  run_dht dht-warmup 60 nodes --node "$OURS_DHT" --keys 1024 --seconds 5 --warmup 0
  for round in $(seq 1 "$ROUNDS"); do
    order="ours ref"
    ((round % 2 == 0)) && order="ref ours"
    for side in $order; do
      onion=$([[ $side == ours ]] && echo "$OURS_ONION" || echo "$REF_ONION")
      dht=$([[ $side == ours ]] && echo "$OURS_DHT" || echo "$REF_DHT")
      dpid=$([[ $side == ours ]] && echo "$DHT_PID" || echo "$REF_PID")
      log "round $round/$ROUNDS: $side (load $(cut -d' ' -f1 /proc/loadavg))"
      run_load "onion-$side-$round" $((ROUND_SECONDS + 60)) onion --node "$onion" \
        --seconds "$ROUND_SECONDS" --warmup 2
      for keys in 1024 16384; do
        run_dht "dht-$keys-$side-$round" $((ROUND_SECONDS + 60)) nodes --node "$dht" \
          --node-pid "$dpid" --keys "$keys" --seconds "$ROUND_SECONDS" --warmup 2
      done
    done
  done
  run_load onion-heap 180 onion-heap --nodes 50
  run_dht dht-memory 120 memory
  T1=$(date +%s)
  # median VALUES...: "n/a" when none is a number
  median() {
    printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g | awk '{ v[NR] = $1 }
      END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2];
            else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
  }
  both() { # CASE KEY: "FIGURE"-ready medians and one DETAIL line per round
    local c=$1 key=$2 r o f ratios=() os=() fs=()
    for r in $(seq 1 "$ROUNDS"); do
      o=$(result "$c-ours-$r" "$key")
      f=$(result "$c-ref-$r" "$key")
      os+=("$o")
      fs+=("$f")
      ratios+=("$(awk -v o="$o" -v f="$f" 'BEGIN { if (o !~ /^[0-9.]+$/ || f !~ /^[0-9.]+$/ || f + 0 == 0) print "n/a"; else printf "%.2f", o / f }')")
      echo "DETAIL round=$r case=$c $key ours=$o reference=$f ratio=${ratios[-1]}" \
        "first=$( ((r % 2)) && echo ours || echo reference)"
    done
    echo "DETAIL case=$c $key median ours=$(median "${os[@]}") reference=$(median "${fs[@]}")" \
      "median_of_round_ratios=$(median "${ratios[@]}") rounds=$ROUNDS"
    MED_OURS=$(median "${os[@]}") MED_REF=$(median "${fs[@]}")
  }
  both onion per_s
  figure onion_announces "$MED_OURS" "$MED_REF" requests/s
  both dht-1024 answered_per_s
  figure dht_nodes_answered "$MED_OURS" "$MED_REF" answers/s
  both dht-1024 node_cpu_us_per_answer
  both dht-16384 answered_per_s
  figure dht_nodes_answered_new_keys "$MED_OURS" "$MED_REF" answers/s
  both dht-16384 node_cpu_us_per_answer
  echo "DETAIL onion_heap bytes_per_slot ours=$(result onion-heap bytes_per_slot)" \
    "bytes_per_stored ours=$(result onion-heap bytes_per_stored) (JVM heap, 50 nodes x 160 announces)"
  echo "DETAIL dht_memory entry_bytes ours=$(result dht-memory entry_bytes) (filled close-list slot, JVM heap)" \
    "empty_slot_bytes=$(result dht-memory empty_slot_bytes)"
  echo "DETAIL run mode=dht-onion rounds=$ROUNDS seconds=$((T1 - T0)) round_seconds=$ROUND_SECONDS" \
    "load_average_start=\"$LOAD_START\" load_average_end=\"$(cut -d' ' -f1-3 /proc/loadavg)\" cores=$(nproc)"
  exit 0
fi

T0=$(date +%s)
# Our relay is a JVM: give its JIT the code paths first (results discarded), as a relay that has
# been up for a while would have. tox-bootstrapd is compiled C and needs none.
log "warming up our relay (${WARM_SECONDS}s handshakes, $((WARM_SECONDS / 2))s throughput; discarded)"
run_gen warmup-handshakes 90 handshakes --relay "$OURS_ADDR" --concurrency "$HS_CONC" \
  --seconds "$WARM_SECONDS" --warmup 0
run_gen warmup-throughput 90 throughput --relay "$OURS_ADDR" --pairs "$TP_PAIRS" \
  --seconds "$((WARM_SECONDS / 2))" --warmup 0 --size "$SIZE"

for side in ours ref; do
  addr=$([[ $side == ours ]] && echo "$OURS_ADDR" || echo "$REF_ADDR")
  pid=$([[ $side == ours ]] && echo "$OURS_PID" || echo "$REF_PID")
  log "throughput vs $side"
  run_gen "throughput-$side" 120 throughput --relay "$addr" --relay-pid "$pid" --pairs "$TP_PAIRS" \
    --seconds "$TP_SECONDS" --warmup "$TP_WARMUP" --size "$SIZE"
done

OURS_PPS=$(result throughput-ours packets_per_s)
REF_PPS=$(result throughput-ref packets_per_s)
# Both relays at the same load, half of the lower peak (a rate one of them cannot carry would
# measure its queue, not its hop); ours also at half of its own peak (the target's figure).
half() { awk -v p="$1" 'BEGIN { r = (p == "n/a" || p == "") ? 1000 : p / 2; if (r < 100) r = 100; printf "%d", r }'; }
LAT_RATE=${LAT_RATE:-$(awk -v a="$(half "$OURS_PPS")" -v b="$(half "$REF_PPS")" 'BEGIN { printf "%d", (a < b) ? a : b }')}
OURS_HALF_RATE=$(half "$OURS_PPS")
for side in ours ref; do
  addr=$([[ $side == ours ]] && echo "$OURS_ADDR" || echo "$REF_ADDR")
  log "latency vs $side at $LAT_RATE packets/s"
  run_gen "latency-$side" 120 latency --relay "$addr" --pairs "$LAT_PAIRS" --rate "$LAT_RATE" \
    --seconds "$LAT_SECONDS" --warmup "$LAT_WARMUP" --size "$SIZE"
done
log "latency vs ours at half its peak, $OURS_HALF_RATE packets/s"
run_gen latency-ours-half 120 latency --relay "$OURS_ADDR" --pairs "$LAT_PAIRS" --rate "$OURS_HALF_RATE" \
  --seconds "$LAT_SECONDS" --warmup "$LAT_WARMUP" --size "$SIZE"

# the hop's own delay, at a light load (DETAIL only)
for side in ours ref; do
  addr=$([[ $side == ours ]] && echo "$OURS_ADDR" || echo "$REF_ADDR")
  log "latency vs $side at $LIGHT_RATE packets/s"
  run_gen "light-$side" 60 latency --relay "$addr" --pairs 4 --rate "$LIGHT_RATE" \
    --seconds "$LIGHT_SECONDS" --warmup 1 --size "$SIZE"
done

for side in ours ref; do
  addr=$([[ $side == ours ]] && echo "$OURS_ADDR" || echo "$REF_ADDR")
  pid=$([[ $side == ours ]] && echo "$OURS_PID" || echo "$REF_PID")
  log "handshakes vs $side"
  run_gen "handshakes-$side" 120 handshakes --relay "$addr" --relay-pid "$pid" --concurrency "$HS_CONC" \
    --seconds "$HS_SECONDS" --warmup "$HS_WARMUP"
done

# onion announce requests answered (the node's UDP port; warm-up for our JIT, discarded)
run_load onion-warmup 60 onion --node "$OURS_ONION" --seconds 5 --warmup 0
for side in ours ref; do
  node=$([[ $side == ours ]] && echo "$OURS_ONION" || echo "$REF_ONION")
  log "onion announce requests vs $side"
  run_load "onion-$side" 60 onion --node "$node" --seconds 10 --warmup 2
done

# our relay's heap report needs 1 s without clients for its baseline
sleep 2
for side in ours ref; do
  addr=$([[ $side == ours ]] && echo "$OURS_ADDR" || echo "$REF_ADDR")
  pid=$([[ $side == ours ]] && echo "$OURS_PID" || echo "$REF_PID")
  log "idle clients vs $side ($IDLE_CLIENTS, held ${IDLE_HOLD}s, 1000 of them pinged)"
  # bound: connect (~300-600 handshakes/s here, the tool gives up after 60 + clients/50 s), hold,
  # the last pings' timeout, closing
  run_load "idle-$side" $((IDLE_HOLD + 120 + IDLE_CLIENTS / 40)) idle --relay "$addr" \
    --clients "$IDLE_CLIENTS" --hold "$IDLE_HOLD" --relay-pid "$pid" --connect-concurrency 128 \
    --sample 1000
done

# DHT: nodes requests (0x02) from 1,024 keys (their shared keys cached by both nodes) and from
# 16,384 (more than either caches: one X25519 per request) over 8 source addresses, against
# tox-bootstrapd's UDP port and our DHT node in its own JVM (DhtLoad serve, per-source answer
# limit lifted so the node's capacity is measured, not its amplification limit).
DHT_SECONDS=$((QUICK ? 5 : 15))
start_ours_dht
if [[ -n "$OURS_DHT" ]]; then
  log "warming up our DHT node (5 s of nodes requests; discarded)"
  run_dht dht-warmup 60 nodes --node "$OURS_DHT" --keys 1024 --seconds 5 --warmup 0
  for keys in 1024 16384; do
    for side in ours ref; do
      addr=$([[ $side == ours ]] && echo "$OURS_DHT" || echo "$REF_DHT")
      pid=$([[ $side == ours ]] && echo "$DHT_PID" || echo "$REF_PID")
      log "DHT nodes requests vs $side ($keys keys)"
      run_dht "dht-$keys-$side" $((DHT_SECONDS + 60)) nodes --node "$addr" --node-pid "$pid" \
        --keys "$keys" --seconds "$DHT_SECONDS" --warmup 3
    done
  done
else
  log "our DHT node did not start:"
  cat "$DHT_LOG" >&2
fi
run_dht dht-memory 120 memory
T1=$(date +%s)

figure relay_throughput "$(result throughput-ours mb_per_s)" "$(result throughput-ref mb_per_s)" MB/s
figure relay_latency_p99 "$(result latency-ours p99_ms)" "$(result latency-ref p99_ms)" ms
figure handshakes "$(result handshakes-ours per_s)" "$(result handshakes-ref per_s)" handshakes/s
figure idle_clients "$(result idle-ours alive)" "$(result idle-ref alive)" clients
figure onion_announces "$(result onion-ours per_s)" "$(result onion-ref per_s)" requests/s

heap=$(grep '^HEAP clients=[1-9]' "$OURS_LOG" | tail -1 | tr ' ' '\n' | grep '^per_client_bytes=' | cut -d= -f2)
echo "DETAIL throughput packets_per_s ours=$(result throughput-ours packets_per_s)" \
  "reference=$(result throughput-ref packets_per_s) lost ours=$(result throughput-ours lost)" \
  "reference=$(result throughput-ref lost) relay_cpu_us_per_packet ours=$(result throughput-ours relay_cpu_us_per_packet)" \
  "reference=$(result throughput-ref relay_cpu_us_per_packet) pairs=$TP_PAIRS size=$SIZE seconds=$TP_SECONDS"
echo "DETAIL latency_half_our_peak rate=$OURS_HALF_RATE ours p50_ms=$(result latency-ours-half p50_ms)" \
  "p99_ms=$(result latency-ours-half p99_ms) p999_ms=$(result latency-ours-half p999_ms)" \
  "lost=$(result latency-ours-half lost)"
echo "DETAIL latency rate=$LAT_RATE (half the lower peak) p50_ms ours=$(result latency-ours p50_ms)" \
  "reference=$(result latency-ref p50_ms) p999_ms ours=$(result latency-ours p999_ms)" \
  "reference=$(result latency-ref p999_ms) lost ours=$(result latency-ours lost)" \
  "reference=$(result latency-ref lost)"
echo "DETAIL latency_light rate=$LIGHT_RATE pairs=4 p50_ms ours=$(result light-ours p50_ms)" \
  "reference=$(result light-ref p50_ms) p99_ms ours=$(result light-ours p99_ms)" \
  "reference=$(result light-ref p99_ms)"
echo "DETAIL handshakes concurrency=$HS_CONC failed ours=$(result handshakes-ours failed)" \
  "reference=$(result handshakes-ref failed) relay_cpu_us_per_handshake ours=$(result handshakes-ours relay_cpu_us_per_handshake)" \
  "reference=$(result handshakes-ref relay_cpu_us_per_handshake)"
killed=$(grep '^STATS ' "$OURS_LOG" | tail -1 | tr ' ' '\n' | grep '^killed_ping_timeout=' | cut -d= -f2)
echo "DETAIL idle requested=$IDLE_REQUESTED clients=$IDLE_CLIENTS fd_limit=$NOFILE hold_s=$IDLE_HOLD" \
  "connected ours=$(result idle-ours connected) reference=$(result idle-ref connected)" \
  "lost ours=$(result idle-ours lost) reference=$(result idle-ref lost)" \
  "keepalive_killed ours=${killed:-n/a}" \
  "responsive ours=$(result idle-ours responsive) reference=$(result idle-ref responsive)" \
  "sampled ours=$(result idle-ours sampled) reference=$(result idle-ref sampled)" \
  "ping_p50_ms ours=$(result idle-ours ping_p50_ms) reference=$(result idle-ref ping_p50_ms)" \
  "ping_p99_ms ours=$(result idle-ours ping_p99_ms) reference=$(result idle-ref ping_p99_ms)" \
  "ping_max_ms ours=$(result idle-ours ping_max_ms) reference=$(result idle-ref ping_max_ms)" \
  "connect_s ours=$(result idle-ours connect_s) reference=$(result idle-ref connect_s)" \
  "heap_per_client_bytes ours=${heap:-n/a} (relay JVM, after System.gc)" \
  "rss_per_client_bytes ours=$(result idle-ours rss_per_client_bytes) reference=$(result idle-ref rss_per_client_bytes)"
figure dht_nodes_answered "$(result dht-1024-ours answered_per_s)" "$(result dht-1024-ref answered_per_s)" answers/s
echo "DETAIL dht keys=16384 (no shared-key cache hits) answered_per_s ours=$(result dht-16384-ours answered_per_s)" \
  "reference=$(result dht-16384-ref answered_per_s) node_cpu_us_per_answer ours=$(result dht-16384-ours node_cpu_us_per_answer)" \
  "reference=$(result dht-16384-ref node_cpu_us_per_answer); keys=1024 node_cpu_us_per_answer" \
  "ours=$(result dht-1024-ours node_cpu_us_per_answer) reference=$(result dht-1024-ref node_cpu_us_per_answer)" \
  "sources=8 seconds=$DHT_SECONDS"
echo "DETAIL dht_memory entry_bytes ours=$(result dht-memory entry_bytes) (filled close-list slot, JVM heap)" \
  "empty_slot_bytes=$(result dht-memory empty_slot_bytes)"
echo "DETAIL generator=$GENERATOR (throughput, latency, handshakes; $([[ $GENERATOR == c ]] &&
  echo "tox-benchmarks/c/relay_load.c, libsodium" || echo "RelayLoad, Java RelayClient"); idle: RelayLoad)"
echo "DETAIL run seconds=$((T1 - T0)) load_average=\"$(cut -d' ' -f1-3 /proc/loadavg)\" cores=$(nproc)"
