# processes.sh: sourced by the benchmark scripts that start programs in the background. A script
# sets `work` (its scratch directory) first, then sources this file and appends the PID of every
# program it starts to `pids`. On exit each one is stopped by its PID (SIGTERM, then SIGKILL
# after 0.2 s) and `$work` is removed; an interrupt exits with 130.
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  sleep 0.2
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
