#!/usr/bin/env bash
# Paired rounds of the two crypto providers (-Dtox.crypto=java vs -Dtox.crypto=sodium) and of the C
# ceiling relay (c/relay_ceiling.c: libsodium, epoll, one thread, the least a relay can do per
# packet) on the end-to-end figures, for a machine shared with other work: each round runs all of
# them, in an order that rotates (java sodium ceiling, sodium ceiling java, ceiling java sodium),
# so neighbours' load drifts into each alike; the figures to read are the medians of the
# per-round ratios (sodium/java, sodium/ceiling, java/ceiling).
#
#   tox-benchmarks/providers.sh [--quick] [--rounds N]
#
# Per round and provider, all on loopback:
#   relay_throughput, handshakes: our relay in its own JVM ("RelayLoad serve", -Dtox.crypto=P),
#     warmed up (handshakes and throughput, discarded), then driven by tox-benchmarks/c/relay_load.c
#     (libsodium, one thread: the same generator for both providers): 16 pairs of 1,400-byte
#     packets, then handshakes at concurrency 32; relay_cpu_us_per_packet is the relay's own CPU.
#   transfer_udp, transfer_relay: TransferLoad -Dtox.crypto=P (two of our net_crypto nodes in one
#     JVM; relayed: through our relay in that JVM, so all three boxes per hop use P), after warm-up
#     transfers.
# Prints one line per figure:
#   PROVIDERS name=<figure> java=<median> sodium=<median> ceiling=<median or NA> unit=<unit>
#             sodium_java=<ratio> sodium_ceiling=<ratio> java_ceiling=<ratio> rounds=<n>
# (the ceiling has relay figures only: no C transfer program yet).
# and a DETAIL line per run. --quick: 2 rounds of shorter runs (about 5 minutes on 2 cores);
# default: 3 rounds. Stops every process it started, by PID.
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
if [[ ! -x "$CLOAD" || "$HERE/c/relay_load.c" -nt "$CLOAD" ]]; then
  mkdir -p "$HERE/target"
  # shellcheck disable=SC2046
  gcc -std=c11 -O2 -Wall -o "$CLOAD" "$HERE/c/relay_load.c" $(pkg-config --cflags --libs libsodium) ||
    { log "cannot build relay_load (needs gcc, pkg-config, libsodium-dev)"; exit 1; }
fi

if [[ ! -x "$CEILING" || "$HERE/c/relay_ceiling.c" -nt "$CEILING" ]]; then
  # shellcheck disable=SC2046
  gcc -std=c11 -O2 -Wall -o "$CEILING" "$HERE/c/relay_ceiling.c" $(pkg-config --cflags --libs libsodium) ||
    { log "cannot build relay_ceiling (needs gcc, pkg-config, libsodium-dev)"; exit 1; }
fi

field() { grep -h '^RESULT ' "$1" 2>/dev/null | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# relay P ROUND: our relay with provider P (or the C ceiling relay, P=ceiling), warmed up, then
# throughput and handshakes
relay() {
  local p=$1 r=$2 log="$WORK/serve-$p-$r.log" addr="" pid
  if [[ $p == ceiling ]]; then
    "$CEILING" --seconds 600 >"$log" 2>&1 &
  else
    java "-Dtox.crypto=$p" -cp "$JAR" "$MAIN" serve --port 0 --max-seconds 600 >"$log" 2>&1 &
  fi
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    addr=$(grep -m1 '^RELAY ' "$log" | cut -d' ' -f2 || true)
    [[ -n "$addr" ]] && break
    sleep 0.1
  done
  if [[ -z "$addr" ]]; then log "our relay ($p) did not start: $(tail -1 "$log")"; return 0; fi
  [[ $p == ceiling ]] || grep -q "crypto provider: $p " "$log" || log "relay log does not name provider $p: $(grep -m1 'crypto provider' "$log")"
  timeout 60 "$CLOAD" handshakes --relay "$addr" --concurrency 32 --seconds "$WARM" --warmup 0 >/dev/null 2>&1 || true
  timeout 60 "$CLOAD" throughput --relay "$addr" --pairs 16 --seconds "$((WARM / 2))" --warmup 0 --size 1400 >/dev/null 2>&1 || true
  timeout 90 "$CLOAD" throughput --relay "$addr" --relay-pid "$pid" --pairs 16 --seconds "$TP_SECONDS" \
    --warmup "$TP_WARMUP" --size 1400 >"$WORK/tp-$p-$r.out" 2>&1 || true
  timeout 90 "$CLOAD" handshakes --relay "$addr" --relay-pid "$pid" --concurrency 32 --seconds "$HS_SECONDS" \
    --warmup 1 >"$WORK/hs-$p-$r.out" 2>&1 || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "DETAIL provider=$p round=$r relay_mb_per_s=$(field "$WORK/tp-$p-$r.out" mb_per_s) relay_cpu_us_per_packet=$(field "$WORK/tp-$p-$r.out" relay_cpu_us_per_packet) lost=$(field "$WORK/tp-$p-$r.out" lost) handshakes_per_s=$(field "$WORK/hs-$p-$r.out" per_s) relay_cpu_us_per_handshake=$(field "$WORK/hs-$p-$r.out" relay_cpu_us_per_handshake) failed=$(field "$WORK/hs-$p-$r.out" failed)"
}

# transfer P ROUND KIND [ARGS]: TransferLoad with provider P
transfer() {
  local p=$1 r=$2 kind=$3
  local out="$WORK/tr-$kind-$p-$r.out"
  shift 3
  timeout 180 java "-Dtox.crypto=$p" -XX:+UseParallelGC -cp "$JAR" org.toxreactive.benchmarks.load.TransferLoad \
    --mb "$MB" --timeout 150 --warm-up-mb "$WARM_MB" --warm-up-rounds "$WARM_ROUNDS" "$@" >"$out" 2>&1 || true
  local res
  res=$(grep -h '^RESULT ' "$out" | tail -1 || true)
  echo "DETAIL provider=$p round=$r ${kind}_mbps=$(field "$out" mbps) ${kind}_first_second_mbps=$(field "$out" first_second_mbps) ${kind}_peak_mbps=$(field "$out" peak_mbps)$([ -n "$res" ] || echo " result=FAIL")"
}

log "rounds $rounds, $([[ $quick = 1 ]] && echo quick || echo full), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  case $((r % 3)) in
    1) order="java sodium ceiling" ;;
    2) order="sodium ceiling java" ;;
    0) order="ceiling java sodium" ;;
  esac
  for p in $order; do
    log "round $r: $p"
    relay "$p" "$r"
    [[ $p == ceiling ]] && continue
    transfer "$p" "$r" udp
    transfer "$p" "$r" relay --relayed
  done
done | tee "$WORK/details"

# summary NAME KEY UNIT: medians per provider and medians of per-round ratios
summary() {
  local name=$1 key=$2 unit=$3
  awk -v key="$key" -v name="$name" -v unit="$unit" '
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
        else if (kv[1] == key && kv[2] ~ /^[0-9.]+$/) v = kv[2]
      }
      if (v != "") { val[p, r] = v; if (r > rounds) rounds = r }
    }
    END {
      printf "PROVIDERS name=%s java=%s sodium=%s ceiling=%s unit=%s sodium_java=%s sodium_ceiling=%s java_ceiling=%s rounds=%d\n",
        name, med("java"), med("sodium"), med("ceiling"), unit, ratio("sodium", "java"),
        ratio("sodium", "ceiling"), ratio("java", "ceiling"), rounds
    }' "$WORK/details"
}
summary relay_throughput relay_mb_per_s MB/s
summary relay_cpu_per_packet relay_cpu_us_per_packet us
summary handshakes handshakes_per_s handshakes/s
summary relay_cpu_per_handshake relay_cpu_us_per_handshake us
summary transfer_udp udp_mbps MB/s
summary transfer_relay relay_mbps MB/s
