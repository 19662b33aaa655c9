#!/usr/bin/env bash
# Paired rounds of the two crypto providers (-Dtox.crypto=java vs -Dtox.crypto=sodium), of the C
# ceilings (c/relay_ceiling.c: libsodium, epoll, one thread, the least a relay can do per packet;
# c/udp_ceiling.c: the least a net_crypto-shaped UDP transfer can do per packet: seal, sendmmsg,
# recvmmsg, open, acknowledgements back, one thread per core) and of c-toxcore (tox-bootstrapd as
# the relay, c/tox_transfer.c for the transfers) on the end-to-end figures, for a machine shared
# with other work: each round runs every side, in an order that rotates, so neighbours' load
# drifts into each alike; the figures to read are the medians of the per-round ratios.
#
#   tox-benchmarks/providers.sh [--quick] [--rounds N]
#
# Per round and side, all on loopback:
#   relay_throughput, handshakes: the relay (ours in its own JVM, "RelayLoad serve",
#     -Dtox.crypto=P; or relay_ceiling; or tox-bootstrapd), warmed up (handshakes and throughput,
#     discarded), then driven by tox-benchmarks/c/relay_load.c (libsodium, one thread: the same
#     generator for every side): 16 pairs of 1,400-byte packets, then handshakes at concurrency
#     32; relay_cpu_us_per_packet is the relay's own CPU.
#   transfer_udp, transfer_relay: TransferLoad -Dtox.crypto=P (two of our net_crypto nodes in one
#     JVM; relayed: through our relay in that JVM, so all three boxes per hop use P), after warm-up
#     transfers; c-toxcore: tox_transfer (UDP; relayed: TCP only, through the round's
#     tox-bootstrapd); ceiling: udp_ceiling for UDP (one warm-up run), and for the relayed
#     transfer the relay ceiling's relay_throughput of the same round (the issue's yardstick:
#     "relayed transfer >= 50% of the relay ceiling").
# Prints one line per figure:
#   PROVIDERS name=<figure> java=<median> sodium=<median> ceiling=<median> ctoxcore=<median>
#             unit=<unit> sodium_java=<r> sodium_ceiling=<r> java_ceiling=<r>
#             sodium_ctoxcore=<r> java_ctoxcore=<r> rounds=<n>
# (NA where a side has no such figure or failed) and a DETAIL line per run. --quick: 2 rounds of
# shorter runs (about 10 minutes on 2 cores); default: 3 rounds. Without tox-bootstrapd (or
# toxcore's headers for tox_transfer) the c-toxcore side is left out, with a line saying so, and
# its ratios are NA. Stops every process it started, by PID.
#
#   -h, --help   print this and exit
set -euo pipefail

rounds=3 quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; rounds=2 ;;
    --rounds)
      [[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || { echo "providers.sh: --rounds needs 1..99, got '${2:-}'" >&2; exit 2; }
      rounds=$2; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "providers.sh: unknown argument '$1' (allowed: --quick, --rounds N, --help)" >&2; exit 2 ;;
  esac
  shift
done

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$HERE/target/tox-benchmarks.jar"
CLOAD="$HERE/target/relay_load"
CEILING="$HERE/target/relay_ceiling"
UCEILING="$HERE/target/udp_ceiling"
CTT="$HERE/target/tox_transfer"
MAIN=org.toxreactive.benchmarks.load.RelayLoad
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "providers.sh: $*" >&2; }

if [ "$quick" = 1 ]; then
  TP_SECONDS=4 TP_WARMUP=2 HS_SECONDS=4 WARM=4 MB=50 WARM_MB=10 WARM_ROUNDS=4
else
  TP_SECONDS=8 TP_WARMUP=3 HS_SECONDS=6 WARM=8 MB=100 WARM_MB=20 WARM_ROUNDS=6
fi

if [[ ! -f "$JAR" ]]; then
  (cd "$ROOT" && mvn -B -q package -DskipTests -pl tox-benchmarks -am) || { log "build failed"; exit 1; }
fi
mkdir -p "$HERE/target"
# cbuild BINARY SOURCE EXTRA...: gcc SOURCE into BINARY (with libsodium) unless it is up to date
cbuild() {
  local bin=$1 src=$2
  shift 2
  if [[ ! -x "$bin" || "$src" -nt "$bin" ]]; then
    # shellcheck disable=SC2046
    gcc -std=c11 -O2 -Wall "$@" -o "$bin" "$src" $(pkg-config --cflags --libs libsodium) ||
      { log "cannot build $(basename "$bin") (needs gcc, pkg-config, libsodium-dev)"; exit 1; }
  fi
}
cbuild "$CLOAD" "$HERE/c/relay_load.c"
cbuild "$CEILING" "$HERE/c/relay_ceiling.c"
cbuild "$UCEILING" "$HERE/c/udp_ceiling.c" -pthread
sides="java sodium ceiling ctoxcore"
if ! command -v tox-bootstrapd >/dev/null; then
  log "tox-bootstrapd is not installed (Debian: apt-get install tox-bootstrapd): no c-toxcore side, its ratios are NA"
  sides="java sodium ceiling"
elif [[ ! -x "$CTT" || "$HERE/c/tox_transfer.c" -nt "$CTT" ]]; then
  # shellcheck disable=SC2046
  gcc -O2 -Wall -o "$CTT" "$HERE/c/tox_transfer.c" $(pkg-config --cflags --libs toxcore) || {
    log "cannot build tox_transfer (needs libtoxcore-dev): no c-toxcore side, its ratios are NA"
    sides="java sodium ceiling"
  }
fi

field() { grep -h '^RESULT ' "$1" 2>/dev/null | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# start_bootstrapd DIR: tox-bootstrapd on free ports (LAN discovery and IPv6 off, TCP relay on),
# reached on loopback; sets BS_PID, BS_RELAY (H:P:KEY of its TCP relay) and BS_DHT (its UDP side)
BS_PID="" BS_RELAY="" BS_DHT=""
start_bootstrapd() {
  local attempt
  for attempt in 1 2 3 4; do # a port taken in between: again
    start_bootstrapd_once "$1-$attempt" && return 0
    stop "$BS_PID"
  done
  return 1
}
start_bootstrapd_once() {
  local dir=$1 udp tcp key
  mkdir -p "$dir"
  # ports below the ephemeral range: after the handshake runs thousands of loopback connections
  # sit in TIME_WAIT on ephemeral ports, which tox-bootstrapd (no SO_REUSEADDR) cannot bind
  read -r udp tcp < <(python3 -c 'import random, socket
def free(kind):
    while True:
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("0.0.0.0", random.randrange(20000, 32000)))
            return s
        except OSError:
            s.close()
u = free(socket.SOCK_DGRAM); t = free(socket.SOCK_STREAM)
ports = (u.getsockname()[1], t.getsockname()[1])
u.close(); t.close()  # before the line: the shell starts tox-bootstrapd as soon as it reads it
print(*ports, flush=True)')
  printf '%s\n' "port = $udp;" "keys_file_path = \"$dir/keys\";" "pid_file_path = \"$dir/tox-bootstrapd.pid\";" \
    "enable_ipv6 = false;" "enable_ipv4_fallback = true;" "enable_lan_discovery = false;" \
    "enable_tcp_relay = true;" "tcp_relay_ports = [$tcp];" "enable_motd = false;" >"$dir/tox-bootstrapd.conf"
  (cd "$dir" && exec tox-bootstrapd --config="$dir/tox-bootstrapd.conf" --foreground --log-backend=stdout >"$dir/log" 2>&1) &
  BS_PID=$!
  PIDS+=("$BS_PID")
  BS_RELAY="" BS_DHT=""
  for _ in $(seq 1 100); do
    kill -0 "$BS_PID" 2>/dev/null || break
    key=$(grep -o 'Public Key: [0-9A-Fa-f]\{64\}' "$dir/log" 2>/dev/null | head -1 | cut -d' ' -f3 || true)
    if [[ -n "$key" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$tcp") 2>/dev/null; then
      BS_RELAY="127.0.0.1:$tcp:$key" BS_DHT="127.0.0.1:$udp:$key"
      return 0
    fi
    sleep 0.1
  done
  log "tox-bootstrapd did not start: $(tail -1 "$dir/log" 2>/dev/null)"
  return 1
}

stop() { [[ -n "$1" ]] && { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }; }

# relay P ROUND: our relay with provider P, the C ceiling relay (P=ceiling) or tox-bootstrapd
# (P=ctoxcore, left running for ctoxcore_transfers), warmed up, then throughput and handshakes
relay() {
  local p=$1 r=$2 log="$WORK/serve-$p-$r.log" addr="" pid
  if [[ $p == ctoxcore ]]; then
    start_bootstrapd "$WORK/bootstrapd-$r" || return 0
    measure_relay "$BS_RELAY" "$BS_PID" "$p" "$r"
    return 0
  elif [[ $p == ceiling ]]; then
    "$CEILING" --seconds 600 >"$log" 2>&1 &
  else
    java "-Dtox.crypto=$p" -cp "$JAR" "$MAIN" serve --port 0 --max-seconds 600 >"$log" 2>&1 &
  fi
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    addr=$(grep -m1 '^RELAY ' "$log" 2>/dev/null | cut -d' ' -f2 || true)
    [[ -n "$addr" ]] && break
    sleep 0.1
  done
  if [[ -z "$addr" ]]; then log "relay ($p) did not start: $(tail -1 "$log")"; stop "$pid"; return 0; fi
  [[ $p == ceiling ]] || grep -q "crypto provider: $p " "$log" || log "relay log does not name provider $p: $(grep -m1 'crypto provider' "$log")"
  measure_relay "$addr" "$pid" "$p" "$r"
  stop "$pid"
}

# measure_relay ADDR PID SIDE ROUND: warm-up, throughput and handshakes against a started relay
measure_relay() {
  local addr=$1 pid=$2 p=$3 r=$4
  timeout 60 "$CLOAD" handshakes --relay "$addr" --concurrency 32 --seconds "$WARM" --warmup 0 >/dev/null 2>&1 || true
  timeout 60 "$CLOAD" throughput --relay "$addr" --pairs 16 --seconds "$((WARM / 2))" --warmup 0 --size 1400 >/dev/null 2>&1 || true
  timeout 90 "$CLOAD" throughput --relay "$addr" --relay-pid "$pid" --pairs 16 --seconds "$TP_SECONDS" \
    --warmup "$TP_WARMUP" --size 1400 >"$WORK/tp-$p-$r.out" 2>&1 || true
  timeout 90 "$CLOAD" handshakes --relay "$addr" --relay-pid "$pid" --concurrency 32 --seconds "$HS_SECONDS" \
    --warmup 1 >"$WORK/hs-$p-$r.out" 2>&1 || true
  echo "DETAIL provider=$p round=$r relay_mb_per_s=$(field "$WORK/tp-$p-$r.out" mb_per_s) relay_cpu_us_per_packet=$(field "$WORK/tp-$p-$r.out" relay_cpu_us_per_packet) lost=$(field "$WORK/tp-$p-$r.out" lost) handshakes_per_s=$(field "$WORK/hs-$p-$r.out" per_s) relay_cpu_us_per_handshake=$(field "$WORK/hs-$p-$r.out" relay_cpu_us_per_handshake) failed=$(field "$WORK/hs-$p-$r.out" failed)"
}

# transfer P ROUND KIND [ARGS]: TransferLoad with provider P
transfer() {
  local p=$1 r=$2 kind=$3
  local out="$WORK/tr-$kind-$p-$r.out"
  shift 3
  timeout 180 java "-Dtox.crypto=$p" -XX:+UseParallelGC -cp "$JAR" org.toxreactive.benchmarks.load.TransferLoad \
    --mb "$MB" --timeout 150 --warm-up-mb "$WARM_MB" --warm-up-rounds "$WARM_ROUNDS" "$@" >"$out" 2>&1 || true
  echo "DETAIL provider=$p round=$r ${kind}_mbps=$(field "$out" mbps) ${kind}_first_second_mbps=$(field "$out" first_second_mbps) ${kind}_peak_mbps=$(field "$out" peak_mbps)$(grep -q '^RESULT ' "$out" || echo " result=FAIL")"
}

# ceiling_udp ROUND: the C UDP ceiling, after one discarded warm-up run
ceiling_udp() {
  local r=$1 out="$WORK/tr-udp-ceiling-$r.out"
  timeout 60 "$UCEILING" --mb "$WARM_MB" --seconds 50 >/dev/null 2>&1 || true
  timeout 150 "$UCEILING" --mb "$MB" --seconds 140 >"$out" 2>&1 || true
  echo "DETAIL provider=ceiling round=$r udp_mbps=$(field "$out" mbps) udp_first_second_mbps=$(field "$out" first_second_mbps) udp_peak_mbps=$(field "$out" peak_mbps) udp_resent=$(field "$out" resent)$(grep -q '^RESULT ' "$out" || echo " result=FAIL")"
}

# ctoxcore_transfers ROUND: tox_transfer over UDP, then TCP only through the round's
# tox-bootstrapd (started by relay ctoxcore), which is then stopped
ctoxcore_transfers() {
  local r=$1 u="$WORK/tr-udp-ctoxcore-$r.out" t="$WORK/tr-relay-ctoxcore-$r.out"
  timeout 180 "$CTT" --mb "$MB" --timeout 150 >"$u" 2>&1 || true
  if [[ -n "$BS_RELAY" ]] && kill -0 "$BS_PID" 2>/dev/null; then
    timeout 180 "$CTT" --mb "$MB" --timeout 150 --relay "$BS_RELAY" --bootstrap "$BS_DHT" >"$t" 2>&1 || true
  fi
  stop "$BS_PID"
  BS_PID="" BS_RELAY=""
  echo "DETAIL provider=ctoxcore round=$r udp_mbps=$(field "$u" mbps) relay_mbps=$(field "$t" mbps)$(grep -q '^RESULT ' "$u" || echo " udp_result=FAIL")$(grep -q '^RESULT ' "$t" 2>/dev/null || echo " relay_result=FAIL")"
}

log "sides: $sides"
log "rounds $rounds, $([[ $quick = 1 ]] && echo quick || echo full), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  case $((r % 3)) in
    1) order="java sodium ceiling ctoxcore" ;;
    2) order="sodium ceiling ctoxcore java" ;;
    0) order="ceiling ctoxcore java sodium" ;;
  esac
  for p in $order; do
    [[ " $sides " == *" $p "* ]] || continue
    log "round $r: $p (load average $(cut -d' ' -f1 /proc/loadavg))"
    relay "$p" "$r"
    case $p in
      ceiling) ceiling_udp "$r" ;;
      ctoxcore) ctoxcore_transfers "$r" ;;
      *)
        transfer "$p" "$r" udp
        transfer "$p" "$r" relay --relayed
        ;;
    esac
  done
done | tee "$WORK/details"

# summary NAME KEY UNIT [CEILING_KEY]: medians per side and medians of per-round ratios; the
# ceiling's value is read from CEILING_KEY when given (the relayed transfer against the relay
# ceiling's throughput)
summary() {
  local name=$1 key=$2 unit=$3 ckey=${4:-$2}
  awk -v key="$key" -v ckey="$ckey" -v name="$name" -v unit="$unit" '
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n == 0 ? "NA" : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
    }
    function ratio(x, y,   k, pr, n, rs, m) {
      n = 0
      for (k in val) {
        split(k, pr, SUBSEP)
        if (pr[1] == x && ((y, pr[2]) in val) && val[y, pr[2]] > 0) rs[++n] = val[k] / val[y, pr[2]]
      }
      m = median(rs, n)
      return m == "NA" ? "NA" : sprintf("%.2f", m)
    }
    function med(x,   k, pr, n, vs) {
      n = 0
      for (k in val) { split(k, pr, SUBSEP); if (pr[1] == x) vs[++n] = val[k] }
      return median(vs, n)
    }
    /^DETAIL provider=/ {
      p = ""; r = ""; v = ""
      for (i = 2; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] == "provider") p = kv[2]
        else if (kv[1] == "round") r = kv[2]
      }
      want = (p == "ceiling") ? ckey : key
      for (i = 2; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] == want && kv[2] ~ /^[0-9.]+$/) v = kv[2]
      }
      if (v != "") { val[p, r] = v; if (r > rounds) rounds = r }
    }
    END {
      printf "PROVIDERS name=%s java=%s sodium=%s ceiling=%s ctoxcore=%s unit=%s sodium_java=%s sodium_ceiling=%s java_ceiling=%s sodium_ctoxcore=%s java_ctoxcore=%s rounds=%d\n",
        name, med("java"), med("sodium"), med("ceiling"), med("ctoxcore"), unit, ratio("sodium", "java"),
        ratio("sodium", "ceiling"), ratio("java", "ceiling"), ratio("sodium", "ctoxcore"),
        ratio("java", "ctoxcore"), rounds
    }' "$WORK/details"
}
summary relay_throughput relay_mb_per_s MB/s
summary relay_cpu_per_packet relay_cpu_us_per_packet us
summary handshakes handshakes_per_s handshakes/s
summary relay_cpu_per_handshake relay_cpu_us_per_handshake us
summary transfer_udp udp_mbps MB/s
summary transfer_udp_first_second udp_first_second_mbps MB/s
summary transfer_relay relay_mbps MB/s relay_mb_per_s
summary transfer_relay_first_second relay_first_second_mbps MB/s
