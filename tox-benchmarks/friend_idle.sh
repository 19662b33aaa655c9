#!/usr/bin/env bash
# Onion + DHT bandwidth per idle friend (issue 13 item 7): a node with N friends that never come
# online, ours (FriendIdleLoad: a ToxNode) and c-toxcore's (tox-interop's tox_peer.c with N
# --friend keys, tox_friend_add_norequest), each alone on the same loopback network of
# --nodes tox-bootstrapd DHT nodes started here (the first is every node's bootstrap node).
# Both count the same way: c/udp_count.c, an LD_PRELOAD library, adds up the UDP payload bytes the
# process's datagram sockets sent and received (sendto/sendmsg/sendmmsg, recvfrom/recvmsg/
# recvmmsg; IP and UDP headers not counted) and writes the totals once a second. The rate is taken
# from the end of --warmup to the end of --measure. Prints per N
#   FIGURE name=friend_idle_<N> ours=<B/s> reference=<B/s> unit=B/s ratio=<ours/reference>
#   NOTE friend_idle_<N> ours sent=<B/s> received=<B/s> datagrams=<per s> (and the same for c-toxcore)
# and, from the first and last N, the cost of one more friend:
#   FIGURE name=friend_idle_per_friend ours=<B/s> reference=<B/s> unit=B/s ratio=...
#
#   tox-benchmarks/friend_idle.sh [--quick] [--friends "1 10 100"] [--warmup S] [--measure S]
#                                 [--nodes K] [--parallel]
#     --quick         --friends "1 10" --warmup 10 --measure 10 --parallel (about 1 minute)
#     --friends LIST  friend counts, each 0..1000 (default "1 10 100")
#     --warmup S      seconds before counting, 5..600 (default 30)
#     --measure S     seconds counted, 5..600 (default 60)
#     --nodes K       tox-bootstrapd nodes, 1..8 (default 4)
#     --parallel      run ours and c-toxcore at the same time (half the time; each is then one
#                     more DHT node the other pings, alike for both)
#     -h, --help      print this and exit
#
# Every process is bounded by `timeout` (warmup + measure + 60 s); the nodes are stopped by PID at
# exit. Exit codes: 0 done, 1 a run failed (its NOTE says why), 2 bad arguments.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
counts="1 10 100"
warmup=30
measure=60
nnodes=4
parallel=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
num() { [[ "$2" =~ ^[0-9]{1,4}$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || {
  echo "friend_idle.sh: $1 '$2' is not a whole number $3..$4" >&2
  exit 2
}; }
while [ $# -gt 0 ]; do
  case "$1" in
    --friends)
      [ $# -ge 2 ] || { echo "friend_idle.sh: --friends needs a list, e.g. \"1 10 100\"" >&2; exit 2; }
      for n in $2; do num --friends "$n" 0 1000; done
      counts="$2"; shift ;;
    --warmup) [ $# -ge 2 ] || set -- "$1" ""; num --warmup "$2" 5 600; warmup="$2"; shift ;;
    --measure) [ $# -ge 2 ] || set -- "$1" ""; num --measure "$2" 5 600; measure="$2"; shift ;;
    --nodes) [ $# -ge 2 ] || set -- "$1" ""; num --nodes "$2" 1 8; nnodes="$2"; shift ;;
    --parallel) parallel=1 ;;
    --quick) counts="1 10"; warmup=10; measure=10; parallel=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "friend_idle.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

for tool in tox-bootstrapd gcc pkg-config timeout; do
  command -v "$tool" >/dev/null || { echo "friend_idle.sh: $tool is not installed" >&2; exit 1; }
done

jar="$root/tox-benchmarks/target/tox-benchmarks.jar"
work="$(mktemp -d /tmp/tox-friend-idle.XXXXXX)"
# shellcheck source=processes.sh
. "$here/processes.sh"
# shellcheck source=bootstrapd.sh
. "$here/bootstrapd.sh"

if [ ! -f "$jar" ]; then
  echo "building tox-benchmarks ..." >&2
  (cd "$root" && { mvn -B -q -o package -DskipTests -pl tox-benchmarks -am \
    || mvn -B -q package -DskipTests -pl tox-benchmarks -am; })
fi
cp "$jar" "$work/tox-benchmarks.jar" # a build during the run rewrites the jar
gcc -O2 -Wall -shared -fPIC -o "$work/udp_count.so" "$here/c/udp_count.c" -ldl -lpthread
# shellcheck disable=SC2046
gcc -O2 -Wall -o "$work/tox_peer" "$root/tox-interop/src/test/c/tox_peer.c" \
  $(pkg-config --cflags --libs toxcore)

# Starts tox-bootstrapd number $1 (bootstrapping from node 1 unless it is node 1); sets
# node_udp[$1], node_key[$1]. Ports below the ephemeral range, up to 4 attempts each.
node_udp=()
node_key=()
start_node() {
  local i="$1" d="$work/node$1" boot=""
  if [ "$i" -gt 1 ]; then
    boot="bootstrap_nodes = ({ address = \"127.0.0.1\"; port = ${node_udp[1]}; public_key = \"${node_key[1]}\"; });"
  fi
  if start_bootstrapd "$d" tox-reactive-friend-idle "$boot"; then
    node_udp[$i]="$bd_udp"
    node_key[$i]="$bd_key"
    return 0
  fi
  echo "friend_idle.sh: tox-bootstrapd $i did not start: $(grep -i "couldn't\|error" "$d/log" | head -1)" >&2
  return 1
}
for i in $(seq 1 "$nnodes"); do
  start_node "$i"
done
# both bootstrap from the first node only and find the others through the DHT, the same way
boot=(--bootstrap "127.0.0.1:${node_udp[1]}:${node_key[1]}")
sleep 5 # the nodes meet each other

hex32() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
# a valid-looking public key for c-toxcore (public_key_valid: the last byte below 128)
friend_key() { local k; k="$(hex32)"; printf '%s%x%s' "${k:0:62}" $(( 0x${k:62:1} & 7 )) "${k:63:1}"; }

# rate FILE: "<total B/s> <sent B/s> <received B/s> <datagrams/s>" from the end of the warm-up
# (first line + warmup s) to the last line at most warmup + measure s after the first
rate() {
  awk -v w="$warmup" -v m="$measure" '
    NR == 1 { t0 = $1 }
    !have && $1 >= t0 + w * 1000 { have = 1; t1 = $1; s1 = $2; r1 = $3; p1 = $4 + $5 }
    have && $1 <= t0 + (w + m) * 1000 { t2 = $1; s2 = $2; r2 = $3; p2 = $4 + $5 }
    END {
      if (!have || t2 <= t1) { print "NA NA NA NA"; exit }
      d = (t2 - t1) / 1000
      printf "%.0f %.0f %.0f %.1f\n", (s2 - s1 + r2 - r1) / d, (s2 - s1) / d, (r2 - r1) / d, (p2 - p1) / d
    }' "$1"
}

limit=$(( warmup + measure + 60 )) # a JVM starting and stopping under load needs the margin
failed=0
declare -A total
declare -A started
# start_one NAME N CMD...: starts CMD under the counter (it runs warmup + measure + 3 s)
start_one() {
  local name="$1" n="$2"; shift 2
  rm -f "$work/$name-$n.counts"
  UDP_COUNT_FILE="$work/$name-$n.counts" LD_PRELOAD="$work/udp_count.so" timeout "$limit" "$@" \
    >"$work/$name-$n.out" 2>"$work/$name-$n.err" &
  started[$name-$n]=$!
  pids+=("$!")
}
# finish_one NAME N: waits for it, sets total[NAME-N], prints its NOTE
finish_one() {
  local name="$1" n="$2" rc=0
  local file="$work/$name-$n.counts"
  wait "${started[$name-$n]}" || rc=$?
  local r
  r="$([ -s "$file" ] && rate "$file" || echo "NA NA NA NA")"
  read -r t s v p <<<"$r"
  total[$name-$n]="$t"
  if [ "$t" = NA ]; then
    echo "NOTE friend_idle_$n $name FAILED (exit $rc): $(tail -2 "$work/$name-$n.err" | tr '\n' ' ')" >&2
    failed=1
  fi
  echo "NOTE friend_idle_$n $name sent=$s received=$v datagrams=$p unit=B/s exit=$rc"
}

secs=$(( warmup + measure + 3 ))
for n in $counts; do
  keys=()
  for _ in $(seq 1 "$n"); do keys+=(--friend "$(friend_key)"); done
  start_one ours "$n" java -XX:+UseSerialGC -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$work/tox-benchmarks.jar" org.toxreactive.benchmarks.load.FriendIdleLoad \
    "${boot[@]}" --friends "$n" --seconds "$secs"
  [ "$parallel" = 1 ] || finish_one ours "$n"
  start_one c-toxcore "$n" "$work/tox_peer" --secret-key "$(hex32)" --udp on "${keys[@]}" \
    "${boot[@]}" --seconds "$secs"
  [ "$parallel" = 0 ] || finish_one ours "$n"
  finish_one c-toxcore "$n"
  o="${total[ours-$n]}"
  c="${total[c-toxcore-$n]}"
  echo "FIGURE name=friend_idle_$n ours=$o reference=$c unit=B/s ratio=$(awk -v a="$o" -v b="$c" \
    'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "NA" }')"
done
first="${counts%% *}"
last="${counts##* }"
if [ "$first" != "$last" ]; then
  per() {
    awk -v a="${total[$1-$first]}" -v b="${total[$1-$last]}" -v n0="$first" -v n1="$last" \
      'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.1f", (b - a) / (n1 - n0); else print "NA" }'
  }
  echo "FIGURE name=friend_idle_per_friend ours=$(per ours) reference=$(per c-toxcore) unit=B/s ratio=NA"
fi
echo "NOTE load $(cut -d' ' -f1-3 /proc/loadavg) nodes=$nnodes warmup=${warmup}s measure=${measure}s parallel=$parallel"
exit "$failed"
