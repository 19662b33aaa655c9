#!/usr/bin/env bash
# Fuzzes the decoders with Jazzer: each target, one after the other, for N minutes.
#
# Usage: tox-benchmarks/fuzz.sh [--minutes N] [--offline] [--list] [TARGET...]
#
#   --minutes N   fuzzing time per target (default 2; a positive integer)
#   --offline     pass -o to Maven (a populated local repository)
#   --list        print every target and exit
#   TARGET        Class#method (e.g. RelayPacketFuzzTest#decode) or Class (all its targets);
#                 without one, every target of every module
#
# A target is a @FuzzTest method of a *FuzzTest class under */src/test/java. The normal build runs
# the same methods on their seed corpus only (src/test/resources/<package>/<Class>Inputs/<method>/).
# Here each runs under Maven as `JAZZER_FUZZ=1 mvn -pl MODULE -am test -Dtest=Class#method` (the
# modules it depends on come from this checkout, not from the local repository), with
# JAZZER_MAX_DURATION=<N>m, coverage instrumentation of org.toxreactive.** (the other modules
# too) and Jazzer's hooks on (-Djazzer.hooks=true). The corpus it grows is kept in
# <module>/.cifuzz-corpus/ (ignored by git) and reused by the next run; a crashing input is written
# next to the seeds, where the normal build then replays it until the bug is fixed.
#
# Prints, per target, one line:
#
#   FUZZ target=Class#method result=ok|FAILED runs=<executions> seconds=<s> corpus=<files> log=<path>
#
# and exits 1 if any target failed (crash, hang, leak, failed assertion), 2 on bad arguments.
# The whole Maven output of each target is in its log (target/fuzz/ of the module).
#
# Environment overrides: MVN (mvn), FUZZ_HEAP (the forked test JVM's -Xmx, default 768m).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
MVN=${MVN:-mvn}
FUZZ_HEAP=${FUZZ_HEAP:-768m}
MINUTES=2
OFFLINE=()
LIST=0
SELECTED=()

die() {
  echo "fuzz.sh: $1" >&2
  exit 2
}

while (($# > 0)); do
  case "$1" in
    --minutes)
      (($# >= 2)) || die "--minutes needs a value (try --help)"
      [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "--minutes must be a positive integer, not '$2'"
      MINUTES=$2
      shift 2
      ;;
    --minutes=*)
      v=${1#--minutes=}
      [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "--minutes must be a positive integer, not '$v'"
      MINUTES=$v
      shift
      ;;
    --offline)
      OFFLINE=(-o)
      shift
      ;;
    --list)
      LIST=1
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *)
      SELECTED+=("$1")
      shift
      ;;
  esac
done

# Every target as "module class method", from the sources: a @FuzzTest annotation and the name of
# the method declared after it.
discover() {
  local file module class
  while IFS= read -r file; do
    module=${file%%/src/test/java/*}
    class=$(basename "$file" .java)
    awk -v m="$module" -v c="$class" '
      /@FuzzTest/ { pending = 1; next }
      pending && match($0, /void [A-Za-z0-9_]+\(/) {
        name = substr($0, RSTART + 5, RLENGTH - 6)
        print m, c, name
        pending = 0
      }' "$file"
  done < <(cd "$ROOT" && find . -path ./.git -prune -o -path '*/src/test/java/*' -name '*FuzzTest.java' -print | sed 's|^\./||' | sort)
}

mapfile -t ALL < <(discover)
((${#ALL[@]} > 0)) || die "no @FuzzTest methods found under $ROOT"

if ((LIST)); then
  for t in "${ALL[@]}"; do
    read -r module class method <<<"$t"
    echo "$class#$method ($module)"
  done
  exit 0
fi

TARGETS=()
if ((${#SELECTED[@]} == 0)); then
  TARGETS=("${ALL[@]}")
else
  for want in "${SELECTED[@]}"; do
    found=0
    for t in "${ALL[@]}"; do
      read -r module class method <<<"$t"
      if [[ "$want" == "$class#$method" || "$want" == "$class" ]]; then
        TARGETS+=("$t")
        found=1
      fi
    done
    ((found)) || die "unknown target '$want' (--list shows them)"
  done
fi

FAILED=0
for t in "${TARGETS[@]}"; do
  read -r module class method <<<"$t"
  mkdir -p "$ROOT/$module/target/fuzz"
  log="$ROOT/$module/target/fuzz/$class-$method.log"
  echo "fuzz.sh: fuzzing $class#$method for $MINUTES min (log: $log)" >&2
  result=ok
  if ! (cd "$ROOT" && JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${MINUTES}m" \
    JAZZER_INSTRUMENTATION_INCLUDES='org.toxreactive.**' \
    "$MVN" -B -Dstyle.color=never "${OFFLINE[@]}" -pl "$module" -am test -Dtest="$class#$method" \
    -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.hooks=true \
    -DargLine="-Xmx$FUZZ_HEAP -Djunit.jupiter.execution.timeout.mode=disabled") \
    >"$log" 2>&1; then
    result=FAILED
    FAILED=1
  fi
  # libFuzzer's status lines start with "#<executions>"; the last one has the total so far
  runs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  seconds=$(grep -Eo '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $5}' || true)
  corpus_dir=$(ls -d "$ROOT/$module/.cifuzz-corpus/"*".$class/$method" 2>/dev/null | head -1 || true)
  corpus=$([[ -n "$corpus_dir" ]] && find "$corpus_dir" -type f | wc -l || echo 0)
  echo "FUZZ target=$class#$method result=$result runs=${runs:-?} seconds=${seconds:-?} corpus=$corpus log=$log"
done
exit "$FAILED"
