#!/usr/bin/env bash
# The abuse suite: attacks on our relay and on a net_crypto node, each with a canary, one line per
# case and a summary table; exit 1 if any case did not hold.
#
# Usage: tox-benchmarks/abuse.sh [--quick] [--case NAME]... [--list] [--help]
#
#   --quick      shorter attacks and smaller counts: about 3 minutes on a 2-core machine
#                (default mode, issue-sized numbers: about 7 minutes); the build, if one is
#                needed, comes on top
#   --case NAME  run only this case (repeatable); NAME is one of the cases below
#   --list       print the case names and exit
#
# Cases (relay = the shaded relay jar, node = "AbuseLoad echo-node"; see tox-benchmarks/README.md):
#   ping-flood-no-read   relay: one client floods pings and never reads its socket
#   route-flood-no-read  relay: the same with routing requests to random keys
#   unconfirmed-hold     relay: 1,200 connections from 20 addresses held unconfirmed
#   cookie-flood         node:  cookie requests with random keys from 2,000 forged sources
#   session-flood        node:  3,000 sessions opened by fresh keys
#   replay               node:  a captured session replayed from another address
#   fd-limit             relay: 2,300 connections against a relay run under ulimit -n 2000
#   metrics-slowloris    relay: a half-sent HTTP request held on the metrics port
#   observability        relay: tox_relay_clients and the kill/refusal counters after abuse
#
# For each case it starts a fresh target as its own process on 127.0.0.1 (free ports), runs
# "AbuseLoad <case>" against it with the target's PID (RSS sampled from /proc/PID/status), stops
# the target by PID and prints the case's CASE line; then a summary table. Every process it starts
# is stopped by PID on any exit. Attackers stop on their own at their deadline (and a watchdog ends
# the attacker JVM a minute after it), whatever the target does.
#
# Environment: JAVA (java), ATTACK_OPTS (attacker JVM options), TARGET_OPTS (target JVM options,
# default -Xms32m -Xmx128m: RSS growth then measures what the target keeps, not garbage),
# MVN (mvn), MVN_FLAGS (e.g. -o), KEEP_LOGS=1 (keep the work directory with every log).
set -uo pipefail

QUICK=0
CASES=()
ALL_CASES=(ping-flood-no-read route-flood-no-read unconfirmed-hold cookie-flood session-flood
  replay fd-limit metrics-slowloris observability)
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --case)
      [[ $# -ge 2 ]] || {
        echo "abuse.sh: --case needs a name (try --list)" >&2
        exit 2
      }
      CASES+=("$2")
      shift
      ;;
    --list)
      printf '%s\n' "${ALL_CASES[@]}"
      exit 0
      ;;
    -h | --help)
      sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "abuse.sh: unknown argument '$1' (try --help)" >&2
      exit 2
      ;;
  esac
  shift
done
((${#CASES[@]})) || CASES=("${ALL_CASES[@]}")
for c in "${CASES[@]}"; do
  if [[ " ${ALL_CASES[*]} " != *" $c "* ]]; then
    echo "abuse.sh: unknown case '$c' (try --list)" >&2
    exit 2
  fi
done

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$HERE/target/tox-benchmarks.jar"
RELAY_JAR="$ROOT/tox-relay-server/target/tox-relay-server.jar"
JAVA=${JAVA:-java}
ATTACK_OPTS=${ATTACK_OPTS:-}
# a bounded heap: RSS growth then shows what the target keeps, not how lazily a default heap (a
# quarter of RAM) collects its garbage; a target that keeps too much runs out of it instead
TARGET_OPTS=${TARGET_OPTS:--Xms32m -Xmx128m}
MAIN=org.toxreactive.benchmarks.abuse.AbuseLoad

# ------------------------------------------------------------------ build if needed
stale=""
for j in "$JAR" "$RELAY_JAR"; do
  if [[ ! -f "$j" ]]; then
    stale=missing
  elif [[ -z "$stale" ]]; then
    stale=$(find "$ROOT"/tox-core/src/main "$ROOT"/tox-transport-tcp/src/main \
      "$ROOT"/tox-transport-udp/src/main "$ROOT"/tox-netcrypto/src/main \
      "$ROOT"/tox-relay-server/src/main "$HERE"/src/main "$HERE"/pom.xml \
      -newer "$j" -type f 2> /dev/null | head -1)
  fi
done
if [[ -n "$stale" ]]; then
  echo "abuse.sh: building the relay jar and $JAR" >&2
  # shellcheck disable=SC2086
  (cd "$ROOT" && ${MVN:-mvn} -B -q ${MVN_FLAGS:-} package -DskipTests \
    -pl tox-relay-server,tox-benchmarks -am) || {
    echo "abuse.sh: build failed" >&2
    exit 1
  }
fi

# ------------------------------------------------------------------ parameters
# args per case: the AbuseLoad subcommand and its options (target options are added below)
if ((QUICK)); then
  declare -A ARGS=(
    [ping-flood-no-read]="flood-no-read --packet ping --seconds 8"
    [route-flood-no-read]="flood-no-read --packet route --seconds 8"
    [unconfirmed-hold]="unconfirmed-hold --connections 1200 --sources 20 --seconds 12"
    [cookie-flood]="cookie-flood --sources 500 --rate 20000 --seconds 5"
    [session-flood]="session-flood --sessions 500 --seconds 20"
    [replay]="replay --seconds 20"
    [fd-limit]="fd-limit --connections 2300 --seconds 8"
    [metrics-slowloris]="metrics-slowloris --seconds 5"
    [observability]="observability --clients 20 --seconds 4 --settle 3"
  )
else
  declare -A ARGS=(
    [ping-flood-no-read]="flood-no-read --packet ping --seconds 30"
    [route-flood-no-read]="flood-no-read --packet route --seconds 30"
    [unconfirmed-hold]="unconfirmed-hold --connections 1200 --sources 20 --seconds 30"
    [cookie-flood]="cookie-flood --sources 2000 --rate 50000 --seconds 10"
    [session-flood]="session-flood --sessions 3000 --seconds 90"
    [replay]="replay --seconds 20"
    [fd-limit]="fd-limit --connections 2300 --seconds 30"
    [metrics-slowloris]="metrics-slowloris --seconds 20"
    [observability]="observability --clients 50 --seconds 10 --settle 5"
  )
fi
declare -A KIND=(
  [ping-flood-no-read]=relay [route-flood-no-read]=relay [unconfirmed-hold]=relay
  [fd-limit]=relay [metrics-slowloris]=relay [observability]=relay
  [cookie-flood]=node [session-flood]=node [replay]=node
)
FD_LIMIT_NOFILE=2000

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tox-abuse.XXXXXX")
TARGET_PID=""
ATTACK_PID=""

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2> /dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2> /dev/null || {
      wait "$pid" 2> /dev/null
      return 0
    }
    sleep 0.1
  done
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [[ -n "$ATTACK_PID" ]] && stop_pid "$ATTACK_PID"
  [[ -n "$TARGET_PID" ]] && stop_pid "$TARGET_PID"
  if [[ "${KEEP_LOGS:-0}" == 1 ]]; then
    echo "abuse.sh: logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "abuse.sh: $*" >&2; }
if [[ -r /proc/loadavg ]]; then
  # the attackers and the target share this machine's cores: a high load starves the target
  log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
fi

# two distinct free TCP ports on 127.0.0.1
free_ports() {
  python3 - << 'EOF' 2> /dev/null || echo "$((20000 + RANDOM % 10000)) $((30000 + RANDOM % 2000))"
import socket
a = socket.socket(); a.bind(("127.0.0.1", 0))
b = socket.socket(); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])
EOF
}

# waits up to 30 s for a line matching $2 in file $1 while PID $3 lives; prints the line
await_line() {
  local file=$1 pattern=$2 pid=$3 line
  for _ in $(seq 1 300); do
    line=$(grep -m1 -E "$pattern" "$file" 2> /dev/null)
    if [[ -n "$line" ]]; then
      echo "$line"
      return 0
    fi
    kill -0 "$pid" 2> /dev/null || return 1
    sleep 0.1
  done
  return 1
}

# starts the relay jar (with a fd limit for fd-limit); sets TARGET_PID and TARGET_ARGS
start_relay() {
  local name=$1 dir="$WORK/$1" ports tcp prom key nofile=""
  mkdir -p "$dir"
  read -r tcp prom <<< "$(free_ports)"
  local config=""
  if [[ $name == fd-limit ]]; then
    nofile=$FD_LIMIT_NOFILE
    # an unconfirmed pool larger than the descriptors, so the open-file cap is what stops them
    config="$dir/relay.json"
    echo '{"limits": {"maxUnconfirmed": 20000, "maxUnconfirmedPerPrefix": 20000}}' > "$config"
  fi
  # shellcheck disable=SC2086
  (
    [[ -n "$nofile" ]] && ulimit -n "$nofile"
    exec "$JAVA" $TARGET_OPTS -jar "$RELAY_JAR" --host 127.0.0.1 --port "$tcp" --udp-port -1 \
      --keys "$dir/keys" --prometheus-port "$prom" ${config:+--config "$config"}
  ) > "$dir/target.log" 2>&1 &
  TARGET_PID=$!
  await_line "$dir/target.log" 'listening' "$TARGET_PID" > /dev/null || {
    log "$name: the relay did not start:"
    sed 's/^/  /' "$dir/target.log" >&2
    return 1
  }
  key=$(sed -n 's/.*public_key=\([0-9A-F]*\).*/\1/p' "$dir/target.log" | head -1)
  TARGET_ARGS="--relay 127.0.0.1:$tcp:$key --metrics-port $prom"
  [[ -n "$nofile" ]] && log "$name: relay pid $TARGET_PID runs with ulimit -n $nofile"
  return 0
}

start_node() {
  local name=$1 dir="$WORK/$1" line
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  "$JAVA" $TARGET_OPTS -cp "$JAR" "$MAIN" echo-node --host 127.0.0.1 --port 0 \
    > "$dir/target.log" 2>&1 &
  TARGET_PID=$!
  line=$(await_line "$dir/target.log" '^ECHO-NODE node=' "$TARGET_PID") || {
    log "$name: the echo node did not start:"
    sed 's/^/  /' "$dir/target.log" >&2
    return 1
  }
  TARGET_ARGS="--node ${line#ECHO-NODE node=}"
  return 0
}

RESULTS=()
FAILED=0
START=$(date +%s)
for name in "${CASES[@]}"; do
  dir="$WORK/$name"
  if [[ ${KIND[$name]} == relay ]]; then
    start_relay "$name"
  else
    start_node "$name"
  fi
  ok=$?
  line=""
  if ((ok == 0)); then
    log "$name: ${ARGS[$name]}"
    # shellcheck disable=SC2086
    "$JAVA" $ATTACK_OPTS -cp "$JAR" "$MAIN" ${ARGS[$name]} $TARGET_ARGS \
      --target-pid "$TARGET_PID" > "$dir/attack.log" 2>&1 &
    ATTACK_PID=$!
    wait "$ATTACK_PID"
    ATTACK_PID=""
    grep '^CHECK ' "$dir/attack.log" | sed 's/^/  /' >&2
    line=$(grep -m1 '^CASE ' "$dir/attack.log")
    if [[ -z "$line" ]]; then
      log "$name: no CASE line; the attacker's output:"
      tail -20 "$dir/attack.log" | sed 's/^/  /' >&2
    fi
  fi
  if [[ -n "$TARGET_PID" ]]; then
    stop_pid "$TARGET_PID"
    TARGET_PID=""
  fi
  [[ -n "$line" ]] || line="CASE $name verdict=FAIL failed=no_result"
  echo "$line"
  RESULTS+=("$line")
  [[ "$line" == *" verdict=PASS"* ]] || FAILED=$((FAILED + 1))
done

# ------------------------------------------------------------------ summary
field() { # field LINE KEY
  local v
  v=$(tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p" | head -1)
  echo "${v:--}"
}
echo
printf '%-20s %-7s %-9s %-9s %-9s %-9s %-9s %s\n' case verdict canary_ok p99_ms \
  rss_start rss_peak rss_end failed
for line in "${RESULTS[@]}"; do
  name=$(awk '{print $2}' <<< "$line")
  printf '%-20s %-7s %-9s %-9s %-9s %-9s %-9s %s\n' "$name" "$(field "$line" verdict)" \
    "$(field "$line" canary_ok)" "$(field "$line" canary_p99_ms)" \
    "$(field "$line" rss_start_mb)" "$(field "$line" rss_peak_mb)" \
    "$(field "$line" rss_end_mb)" "$(field "$line" failed)"
done
echo "SUMMARY cases=${#RESULTS[@]} failed=$FAILED mode=$( ((QUICK)) && echo quick || echo full)" \
  "seconds=$(($(date +%s) - START))"
((FAILED == 0))
