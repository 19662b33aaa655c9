#!/usr/bin/env bash
# footprint.sh: the idle footprint of our relay, started the way an operator starts it (the
# launcher packaging/tox-relay with its default JVM flags), next to c-toxcore's tox-bootstrapd
# (DHT + TCP relay) on loopback ports.
#
#   tox-benchmarks/footprint.sh [--idle SECONDS] [--runs N] [--help]
#
# For each program and run: start it (fresh temp state dir, keys created on start), time until
# its TCP relay port accepts a connection (start-to-listening), let it sit idle SECONDS (default
# 10) with no client, then read VmRSS, VmHWM (peak RSS) and Threads from /proc/PID/status, and
# stop it by its PID (SIGTERM). The relay is measured twice: with the launcher's defaults, and
# with the AppCDS archive the launcher records when TOX_RELAY_CDS is set (a first, unmeasured
# run records it). Prints a Markdown table of the medians over N runs (default 3),
# the form of BENCHMARKS.md's "Footprint" section. Extra JVM flags for the relay can be given in
# TOX_RELAY_EXTRA_OPTS (e.g. to try AppCDS or other flags against the defaults).
#
# Needs: a built tox-relay-server/target/tox-relay-server.jar (mvn -B -q -DskipTests package),
# python3 (free ports), tox-bootstrapd (Debian: toxcore-utils; its row is skipped with a note if
# it is missing). Exit 2 on a bad option, 1 if a program fails to start.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; }

idle=10
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --idle | --runs)
      if [ $# -lt 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]] || [ "$2" -lt 1 ] || [ "$2" -gt 3600 ]; then
        echo "footprint.sh: $1 needs a whole number 1..3600, got '${2:-}'" >&2
        exit 2
      fi
      if [ "$1" = --idle ]; then idle=$2; else runs=$2; fi
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "footprint.sh: unknown option '$1' (see --help)" >&2
      exit 2
      ;;
  esac
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
launcher="$root/packaging/tox-relay"
if [ ! -f "$root/tox-relay-server/target/tox-relay-server.jar" ]; then
  echo "footprint.sh: tox-relay-server/target/tox-relay-server.jar is missing (mvn -B -q -DskipTests package)" >&2
  exit 1
fi

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { # a free TCP and UDP port on 127.0.0.1
  python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

now_ms() { date +%s%3N; }

# wait_listening PID PORT: until PORT accepts a TCP connection (30 s at most, polled every 10 ms)
wait_listening() {
  local deadline=$(($(now_ms) + 30000))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if ! kill -0 "$1" 2>/dev/null; then return 1; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
    sleep 0.01
  done
  return 1
}

status_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# measure NAME: runs "$cmd" (set by the caller) $runs times; appends "name ms rss hwm threads"
measure() {
  local name=$1 i t0 t1 rss hwm threads
  for ((i = 1; i <= runs; i++)); do
    rm -rf "$work/state" && mkdir -p "$work/state"
    tcp=$(free_port)
    udp=$(free_port)
    "$prepare_fn"
    t0=$(now_ms)
    "${cmd[@]}" >"$work/out.log" 2>&1 &
    pid=$!
    if ! wait_listening "$pid" "$tcp"; then
      echo "footprint.sh: $name did not listen on 127.0.0.1:$tcp; its output:" >&2
      cat "$work/out.log" >&2
      exit 1
    fi
    t1=$(now_ms)
    sleep "$idle" # the idle period being measured, not a synchronisation
    rss=$(status_field "$pid" VmRSS)
    hwm=$(status_field "$pid" VmHWM)
    threads=$(status_field "$pid" Threads)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
    echo "$name $((t1 - t0)) $rss $hwm $threads" >>"$work/results"
    echo "  $name run $i: listening after $((t1 - t0)) ms, idle RSS $((rss / 1024)) MB, peak $((hwm / 1024)) MB, $threads threads" >&2
  done
}

relay_prepare() {
  cmd=("$launcher" --state-dir "$work/state" --host 127.0.0.1 --port "$tcp" --udp-port "$udp")
}
prepare_fn=relay_prepare
measure "tox-relay (packaging/tox-relay)"

# the same with the AppCDS archive the launcher records on a first run (TOX_RELAY_CDS)
export TOX_RELAY_CDS="$work/tox-relay.jsa"
runs_wanted=$runs
runs=1
measure "(first run: records the AppCDS archive)" 2>/dev/null
sed -i '$d' "$work/results"
runs=$runs_wanted
if [ ! -f "$TOX_RELAY_CDS" ]; then
  echo "footprint.sh: the first run recorded no AppCDS archive at $TOX_RELAY_CDS" >&2
  exit 1
fi
measure "tox-relay, AppCDS archive (TOX_RELAY_CDS)"
unset TOX_RELAY_CDS

if command -v tox-bootstrapd >/dev/null 2>&1; then
  bootstrapd_prepare() {
    cat >"$work/state/bootstrapd.conf" <<CONF
port = $udp;
keys_file_path = "$work/state/keys";
pid_file_path = "$work/state/tox-bootstrapd.pid";
enable_ipv6 = false;
enable_ipv4_fallback = true;
enable_lan_discovery = false;
enable_tcp_relay = true;
tcp_relay_ports = [$tcp];
enable_motd = false;
bootstrap_nodes = ();
CONF
    cmd=(tox-bootstrapd "--config=$work/state/bootstrapd.conf" --foreground --log-backend=stdout)
  }
  prepare_fn=bootstrapd_prepare
  measure "tox-bootstrapd $(dpkg-query -W -f='${Version}' toxcore-utils 2>/dev/null || echo '')"
else
  echo "footprint.sh: tox-bootstrapd not installed (Debian: toxcore-utils): its row is skipped" >&2
fi

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo
echo "Idle ${idle} s, median of ${runs} runs, $(nproc) cores, $(java -version 2>&1 | head -1),"
echo "load average at the start $load (start times grow with the machine's load)."
echo
echo "| program | start to listening | idle RSS | peak RSS | threads |"
echo "|---|---:|---:|---:|---:|"
awk '{ n = $0; sub(/ [0-9]+ [0-9]+ [0-9]+ [0-9]+$/, "", n); print n }' "$work/results" | uniq |
  while read -r name; do
    rows=$(grep -F "$name " "$work/results" | awk -v n="$name" '{ print substr($0, length(n) + 2) }')
    ms=$(echo "$rows" | awk '{ print $1 }' | median)
    rss=$(echo "$rows" | awk '{ print $2 }' | median)
    hwm=$(echo "$rows" | awk '{ print $3 }' | median)
    thr=$(echo "$rows" | awk '{ print $4 }' | median)
    awk -v n="$name" -v ms="$ms" -v rss="$rss" -v hwm="$hwm" -v thr="$thr" \
      'BEGIN { printf "| %s | %d ms | %.1f MB | %.1f MB | %d |\n", n, ms, rss / 1024, hwm / 1024, thr }'
  done
