#!/usr/bin/env bash
# Regenerates BENCHMARKS.md (at the repository root) from one run of every comparison:
#
#   tox-benchmarks/benchmarks.sh [--quick]
#
# It runs tox-benchmarks/compare.sh (our relay vs tox-bootstrapd), tox-benchmarks/transfer.sh (our
# net_crypto transfer vs c-toxcore's file transfer, UDP and relayed), tox-benchmarks/providers.sh
# (the same figures on each crypto provider, in paired rounds) and a short JMH run of the
# hot paths with -prof gc, then writes the FIGURE lines as a table, each target of the
# performance issue against what this run measured, the machine, and what limits each figure.
# --quick passes --quick to both scripts (about 8 minutes in all on 2 cores); without it, the
# full runs take about 45 minutes on a quiet 2-core machine. Each script's own output is kept in
# tox-benchmarks/target/benchmarks-run/ (compare.out, transfer.err, ...) until the next run.
#
#   -h, --help   print this and exit (nothing runs, BENCHMARKS.md is left alone)
#
# Exit codes: 0 BENCHMARKS.md written, 2 bad arguments.
set -euo pipefail

quick=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick) ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "benchmarks.sh: unknown argument '$arg' (allowed: --quick, --help)" >&2
      exit 2
      ;;
  esac
done

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
bash "$here/compare.sh" "${quick[@]}" >"$work/compare.out" 2>"$work/compare.err" || true
bash "$here/transfer.sh" "${quick[@]}" >"$work/transfer.out" 2>"$work/transfer.err" || true
bash "$here/footprint.sh" >"$work/footprint.out" 2>"$work/footprint.err" || true
bash "$here/providers.sh" "${quick[@]}" >"$work/providers.out" 2>"$work/providers.err" || true
# the box at packet size (its size parameter is a box's, not a message's) on every crypto provider
# (its @Param), then the other hot paths on FastThreadLocalThreads (EventLoopThreads), where Netty
# recycles pooled buffers as on the relay's event loops; the relay frame also on pure Java
java -jar "$here/target/tox-benchmarks.jar" -f 1 -wi 1 -i 2 -w 2s -r 3s -prof gc -p size=1400 \
  'CryptoBoxBenchmark' -rf text -rff "$work/jmh1.txt" >"$work/jmh.out" 2>&1 || true
evloop='-Djmh.executor=CUSTOM -Djmh.executor.class=org.toxreactive.benchmarks.EventLoopThreads'
java -jar "$here/target/tox-benchmarks.jar" -f 1 -wi 1 -i 2 -w 2s -r 3s -prof gc -jvmArgsAppend "$evloop" \
  'RelayFrameBenchmark|RelayLendBenchmark|RelayRouterBenchmark|PacketRingBenchmark|PacketRequestBenchmark|NonceWindowBenchmark|NetCryptoTransferBenchmark.stream|RelayTransferBenchmark.stream|OnionNodeBenchmark' \
  -rf text -rff "$work/jmh2.txt" >>"$work/jmh.out" 2>&1 || true
java -jar "$here/target/tox-benchmarks.jar" -f 1 -wi 1 -i 2 -w 2s -r 3s -prof gc \
  -jvmArgsAppend "$evloop -Dtox.crypto=java" 'RelayFrameBenchmark.sealFrame' \
  -rf text -rff "$work/jmh3.txt" >>"$work/jmh.out" 2>&1 || true
{ cat "$work/jmh1.txt" 2>/dev/null; grep -v '^Benchmark' "$work/jmh2.txt" 2>/dev/null; } >"$work/jmh.txt"
# heap of the onion node's announce store (the requests/s figure comes from compare.sh)
java -cp "$here/target/tox-benchmarks.jar" org.toxreactive.benchmarks.load.RelayLoad onion-heap \
  --nodes 50 >"$work/onion-heap.out" 2>&1 || true

# From here on the runs are over: a figure a run did not produce is written as "?" or "not
# measured", never a reason to stop before BENCHMARKS.md is written (a grep that finds nothing
# fails its pipeline).
set +e +o pipefail
# every script's raw output stays in tox-benchmarks/target/benchmarks-run/ until the next run
keep="$here/target/benchmarks-run"
rm -rf "$keep" && mkdir -p "$keep" && cp -r "$work"/. "$keep"/

# value of field $3 (ours|reference|ratio) of FIGURE $2 in files $1...
fig() {
  grep -h "^FIGURE name=$1 " "${@:3}" 2>/dev/null | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}
# first capture of sed regex $1 in the DETAIL/NOTE lines
det() { grep -h '^\(DETAIL\|NOTE\) ' "$work/compare.out" "$work/transfer.err" "$work/transfer.out" 2>/dev/null |
  sed -n "s/.*$1.*/\1/p" | head -1; }
# a JMH score or B/op: benchmark regex, column (score|alloc)
jmh() {
  # JMH prints a score below 10^-4 as "≈ 10⁻⁵": that is 0 here
  local score='{ for (i = 2; i <= NF; i++) { if ($i == "≈") { print 0; exit } if ($i == "±") { print $(i - 1); exit } } print $(NF - 1) }'
  if [ "$2" = alloc ]; then
    grep -E "^$1:gc.alloc.rate.norm " "$work/jmh.txt" 2>/dev/null | head -1 | awk "$score"
  else
    grep -E "^$1 " "$work/jmh.txt" 2>/dev/null | head -1 | awk "$score"
  fi
}
# met / not met: value, comparison (ge|lt), threshold
verdict() {
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    if (v !~ /^[0-9.]+$/) { print "not measured"; exit }
    ok = (op == "ge") ? (v + 0 >= t + 0) : (v + 0 < t + 0)
    print ok ? "**met**" : "not met" }'
}
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$(verdict "${3:-}" "$4" "$5")"; }

# the "Footprint" section: footprint.sh's table (file $1) and what limits it
footprint_section() {
  echo "## Footprint"
  echo
  echo "\`tox-benchmarks/footprint.sh\`: each program started the way an operator starts it (ours"
  echo "through \`packaging/tox-relay\` with its default JVM flags, tox-bootstrapd with a loopback"
  echo "config, DHT and TCP relay on, LAN discovery off), start until its TCP port accepts a"
  echo "connection, then \`/proc/PID/status\` after the idle period with no client."
  echo
  if grep -q '^| ' "$1" 2>/dev/null; then sed '/./,$!d' "$1"; else echo "(footprint.sh failed)"; fi
  # the verdict from the first relay row (the launcher's defaults)
  local rss
  rss=$(grep -m1 '^| tox-relay (packaging/tox-relay)' "$1" 2>/dev/null | awk -F'|' '{ print $4 }' | tr -dc '0-9.')
  echo
  echo "Target: idle RSS <= 60 MB with the launcher's defaults: $(verdict "$rss" lt 60.05)."
  echo
  cat <<'EOF'
What the idle relay's RSS is, from Native Memory Tracking and `pmap -x`: libjvm and other
libraries ~13 MB; metaspace, class space and symbols ~25 MB for ~3,300 loaded classes (Reactor,
Netty, Logback, picocli, Micrometer, jffi, ours, and the JDK's: class-data sharing is off under the
default `--limit-modules` on Java 17); the heap ~8 MB (~6 MB live, ~1.4 MB of it the shaded jar's
zip index); malloc ~5 MB; JIT code ~1 MB; thread stacks ~1 MB. What cut it, each measured
paired (packaging/tox-relay's comments say why each flag): Serial GC, C1 only with one compiler
thread and 10x compile thresholds, a 96 MB heap ceiling, the boot layer limited to the JDK
modules the relay uses, libsodium through jffi, the open-file limit from /proc, Logback without
PatternLayout, the onion node's HMAC without the JCA's provider loading, a runnable jar without
Bouncy Castle's unused packages, event loops sized to the cores and started on first use, one
glibc malloc arena. The threads are the JVM's own (VM, compiler, sweeper, reference handling,
signal dispatch, the native-heap trimmer, ...) plus main, the router/UDP/timer thread and the
TCP accept and I/O loops; tox-bootstrapd is one thread of C.
EOF
}

table() {
  grep -h '^FIGURE ' "$@" | while read -r _ name ours ref unit ratio; do
    printf '| %s | %s | %s | %s | %s |\n' "${name#name=}" "${ours#ours=}" "${ref#reference=}" \
      "${unit#unit=}" "${ratio#ratio=}"
  done
}

{
  echo "# Benchmarks"
  echo
  echo "Generated by \`tox-benchmarks/benchmarks.sh${quick[*]:+ ${quick[*]}}\` on $(date -u +%Y-%m-%d) at"
  echo "commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`."
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "$(java -version 2>&1 | head -1), c-toxcore $(dpkg-query -W -f='${Version}' libtoxcore-dev 2>/dev/null || echo '?');"
  echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Everything runs on loopback, load generator and both implementations on the same cores:"
  echo "read the ratios, and treat absolute figures from a shared machine with care."
  echo
  echo "| figure | ours | reference (c-toxcore 0.2.18) | unit | ratio ours/reference |"
  echo "|---|---|---|---|---|"
  table "$work/compare.out" "$work/transfer.out"
  echo
  echo "## The targets"
  echo
  echo "| target | measured in this run | |"
  echo "|---|---|---|"
  tp_ratio=$(fig relay_throughput ratio "$work/compare.out")
  row "relay forwarding throughput >= 5x tox-bootstrapd" "${tp_ratio:-?}x ($(fig relay_throughput ours "$work/compare.out") vs $(fig relay_throughput reference "$work/compare.out") MB/s; packets lost: ours $(det 'DETAIL throughput.* lost ours=\([0-9]*\)'), tox-bootstrapd $(det 'DETAIL throughput.* lost ours=[0-9]* reference=\([0-9]*\)'))" "$tp_ratio" ge 5
  half_p99=$(det 'latency_half_our_peak .* p99_ms=\([0-9.]*\)')
  row "added hop latency p99 < 1 ms at half our peak load" "p99 ${half_p99:-?} ms at $(det 'latency_half_our_peak rate=\([0-9]*\)') packets/s" "$half_p99" lt 1
  idle=$(fig idle_clients ours "$work/compare.out")
  row "50,000 concurrent idle confirmed clients" "${idle:-?} held (fd limit $(det 'fd_limit=\([0-9]*\)'), requested $(det 'DETAIL idle requested=\([0-9]*\)'))" "$idle" ge 50000
  heap=$(det 'heap_per_client_bytes ours=\([0-9]*\)')
  row "heap per idle client < 8 KB" "${heap:-?} B" "$heap" lt 8192
  resp=$(det 'responsive ours=\([0-9]*\)')
  sampled=$(det 'sampled ours=\([0-9]*\)')
  row "pings still answered on time (idle)" "${resp:-?} of ${sampled:-?} sampled links answered, p99 $(det 'ping_p99_ms ours=\([0-9.]*\)') ms" "$(awk -v a="$resp" -v b="$sampled" 'BEGIN { if (b > 0) print (a == b) ? 1 : 0 }')" ge 1
  hs=$(fig handshakes ours "$work/compare.out")
  row ">= 8,000 relay handshakes per second" "${hs:-?}/s" "$hs" ge 8000
  tr_relay=$(fig transfer_relay ours "$work/transfer.out")
  row "net_crypto transfer through our relay >= 100 MB/s" "${tr_relay:-?} MB/s" "$tr_relay" ge 100
  tr_udp=$(fig transfer_udp ours "$work/transfer.out")
  row "net_crypto transfer over UDP >= 140 MB/s" "${tr_udp:-?} MB/s" "$tr_udp" ge 140
  first=$(det 'run=ours_udp .*first_second_mbps=\([0-9.]*\)')
  peak=$(det 'run=ours_udp .*peak_mbps=\([0-9.]*\)')
  row "at full speed within 1 s (UDP: first second vs peak second)" "${first:-?} vs ${peak:-?} MB/s" "$(awk -v a="$first" -v b="$peak" 'BEGIN { if (b > 0) printf "%.2f", a / b }')" ge 0.9
  runs=$(fig relayed_runs_ok ours "$work/transfer.out")
  row "0 stalls in 20 consecutive relayed runs" "${runs:-?} runs completed" "$(awk -v r="$runs" 'BEGIN { if (r ~ /^[0-9]+$/) print (r >= 20) ? 1 : 0 }')" ge 1
  ct=$(fig ctoxcore_relay ratio "$work/transfer.out")
  ct_ok=$(fig ctoxcore_relay_runs_ok ours "$work/transfer.out")
  ct_ok_ref=$(fig ctoxcore_relay_runs_ok reference "$work/transfer.out")
  row "c-toxcore peers through our relay >= 1.5x through tox-bootstrapd (one process)" "${ct:-?}x ($(fig ctoxcore_relay ours "$work/transfer.out") vs $(fig ctoxcore_relay reference "$work/transfer.out") MB/s over the runs that finished; longest gap $(fig ctoxcore_relay_max_gap ours "$work/transfer.out") vs $(fig ctoxcore_relay_max_gap reference "$work/transfer.out") ms)" "$ct" ge 1.5
  row "every c-toxcore run through our relay finishes (one process)" "${ct_ok:-?} of $( [ "${quick[*]:-}" = --quick ] && echo 1 || echo 3) (tox-bootstrapd: ${ct_ok_ref:-?})" "$(awk -v r="$ct_ok" -v n="$( [ "${quick[*]:-}" = --quick ] && echo 1 || echo 3)" 'BEGIN { if (r ~ /^[0-9]+$/) print (r >= n) ? 1 : 0 }')" ge 1
  ct2=$(fig ctoxcore_relay_split ratio "$work/transfer.out")
  row "c-toxcore peers through our relay >= 1.5x through tox-bootstrapd (two processes)" "${ct2:-?}x ($(fig ctoxcore_relay_split ours "$work/transfer.out") vs $(fig ctoxcore_relay_split reference "$work/transfer.out") MB/s over the runs that finished)" "$ct2" ge 1.5
  ct_split_ok=$(fig ctoxcore_relay_split_runs_ok ours "$work/transfer.out")
  row "every c-toxcore run through our relay finishes (two processes)" "${ct_split_ok:-?} of $( [ "${quick[*]:-}" = --quick ] && echo 1 || echo 3) (tox-bootstrapd: $(fig ctoxcore_relay_split_runs_ok reference "$work/transfer.out"); longest gap $(fig ctoxcore_relay_split_max_gap ours "$work/transfer.out") vs $(fig ctoxcore_relay_split_max_gap reference "$work/transfer.out") ms)" "$(awk -v r="$ct_split_ok" -v n="$( [ "${quick[*]:-}" = --quick ] && echo 1 || echo 3)" 'BEGIN { if (r ~ /^[0-9]+$/) print (r >= n) ? 1 : 0 }')" ge 1
  rtt=$(fig rtt_relay ours "$work/transfer.out")
  row "message round trip through our relay < 5 ms" "p50 ${rtt:-?} ms (c-toxcore: $(fig rtt_relay reference "$work/transfer.out") ms)" "$rtt" lt 5
  # issue 14's ceilings, from providers.sh (sodium, medians of the per-round ratios)
  pv() { grep -h "^PROVIDERS name=$1 " "$work/providers.out" 2>/dev/null | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
  row "our relay >= 85% of the C relay ceiling (sodium, same rounds)" "$(pv relay_throughput sodium_ceiling) ($(pv relay_throughput sodium) vs $(pv relay_throughput ceiling) MB/s)" "$(pv relay_throughput sodium_ceiling)" ge 0.85
  row "net_crypto over UDP >= 70% of the C UDP ceiling (sodium, same rounds)" "$(pv transfer_udp sodium_ceiling) ($(pv transfer_udp sodium) vs $(pv transfer_udp ceiling) MB/s)" "$(pv transfer_udp sodium_ceiling)" ge 0.70
  row "relayed transfer >= 50% of the C relay ceiling (sodium, same rounds)" "$(pv transfer_relay sodium_ceiling) ($(pv transfer_relay sodium) vs $(pv transfer_relay ceiling) MB/s)" "$(pv transfer_relay sodium_ceiling)" ge 0.50
  row "relay handshakes >= 3x issue 14's 1,945/s (sodium, same rounds)" "$(pv handshakes sodium)/s (C ceiling relay $(pv handshakes ceiling)/s, tox-bootstrapd $(pv handshakes ctoxcore)/s; CPU per handshake $(pv relay_cpu_per_handshake sodium) vs $(pv relay_cpu_per_handshake ceiling) us)" "$(pv handshakes sodium)" ge 5835
  alloc_max=0
  for b in 'RelayRouterBenchmark.forwardData' 'PacketRingBenchmark.sendBuffer' 'PacketRequestBenchmark.apply' \
    'CryptoBoxBenchmark.sealInPlace' 'CryptoBoxBenchmark.openInPlace'; do
    a=$(jmh "[^ ]*$b" alloc)
    [ -n "$a" ] && alloc_max=$(awk -v m="$alloc_max" -v a="$a" 'BEGIN { print (a > m) ? a : m }')
  done
  per_msg=$(awk -v b="$(jmh '[^ ]*NetCryptoTransferBenchmark.stream' alloc)" 'BEGIN { if (b ~ /^[0-9.]+$/) printf "%.0f", b / 1000 }')
  per_msg_relay=$(awk -v b="$(jmh '[^ ]*RelayTransferBenchmark.stream' alloc)" 'BEGIN { if (b ~ /^[0-9.]+$/) printf "%.0f", b / 1000 }')
  row "no allocation on the per-packet fast path (JMH -prof gc)" "router forwarding, send buffer, packet requests, in-place box: at most $alloc_max B/op; a relay frame sealed into a pooled buffer and opened: $(jmh '[^ ]*RelayFrameBenchmark.sealFrame' alloc) B/op; a relayed packet decoded on loan: $(jmh '[^ ]*RelayLendBenchmark.lend' alloc) B/op; but a net_crypto message end to end (1,000 per op, both nodes): ${per_msg:-?} B over UDP, ${per_msg_relay:-?} B through our relay in the same JVM (the relay's share included; section \"What limits\", Allocation)" "${per_msg:-}" lt 1
  echo
  echo "## Behind the figures"
  echo
  echo '```'
  grep -h '^DETAIL ' "$work/compare.out" || true
  grep -h '^NOTE ' "$work/transfer.err" || true
  echo '```'
  echo
  echo "JMH (one fork, one 2 s warm-up, two 3 s iterations, \`-prof gc\`; B/op counts every thread):"
  echo
  echo '```'
  grep -E '^Benchmark|Benchmark\.[A-Za-z]+ |gc\.alloc\.rate\.norm' "$work/jmh.txt" 2>/dev/null || echo "(JMH failed: see tox-benchmarks/README.md)"
  echo '```'
  echo
  echo "## Onion node"
  echo
  echo "Announce requests answered per second (\`RelayLoad onion\`, from compare.sh: 256 announcing keys,"
  echo "64 in flight, 16 source addresses, 10 s after a 2 s warm-up): ours $(fig onion_announces ours "$work/compare.out" || true)/s,"
  echo "tox-bootstrapd $(fig onion_announces reference "$work/compare.out" || true)/s, ratio $(fig onion_announces ratio "$work/compare.out" || true)."
  echo "Heap of the announce store (\`RelayLoad onion-heap --nodes 50\`):"
  echo "$(grep -h '^RESULT ' "$work/onion-heap.out" 2>/dev/null | sed 's/^RESULT mode=onion_heap //' || echo 'not measured')"
  echo "(bytes_per_slot: the store's 160 slots are allocated with the node; bytes_per_stored: what"
  echo "storing adds, the announcer's address and its cached shared key)."
  echo
  cat "$here/analysis.md"
  echo
  footprint_section "$work/footprint.out"
  echo "## Crypto providers"
  echo
  echo "The same figures on each crypto provider (\`-Dtox.crypto=java\`: Bouncy Castle; \`sodium\`:"
  echo "libsodium $(pkg-config --modversion libsodium 2>/dev/null || echo '?') through jnr-ffi, the default where it loads), on the C"
  echo "ceilings and on c-toxcore, from \`tox-benchmarks/providers.sh${quick[*]:+ ${quick[*]}}\`: rounds that run every side in a"
  echo "rotating order, so that the load of other work on this shared machine falls on each alike;"
  echo "read the ratios (medians of the per-round ratios). Load average when it started: $(sed -n 's/.*load average \(.*\)$/\1/p' "$work/providers.err" | head -1)."
  echo
  echo "| figure | java | sodium | C ceiling | c-toxcore | unit | sodium/java | sodium/ceiling | java/ceiling | sodium/c-toxcore | java/c-toxcore | rounds |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  grep -h '^PROVIDERS ' "$work/providers.out" 2>/dev/null | while read -r _ name j so ce ct unit sj sc jc sct jct n; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${name#name=}" "${j#java=}" "${so#sodium=}" \
      "${ce#ceiling=}" "${ct#ctoxcore=}" "${unit#unit=}" "${sj#sodium_java=}" "${sc#sodium_ceiling=}" "${jc#java_ceiling=}" \
      "${sct#sodium_ctoxcore=}" "${jct#java_ctoxcore=}" "${n#rounds=}"
  done
  echo
  echo "C ceilings: \`tox-benchmarks/c/relay_ceiling.c\`, a minimal relay on libsodium (one thread, epoll,"
  echo "every frame opened and re-sealed, writes flushed once per epoll round), driven by the same"
  echo "\`relay_load\` as the other relays; \`tox-benchmarks/c/udp_ceiling.c\`, a net_crypto-shaped UDP"
  echo "transfer on libsodium (1,400-byte datagrams sealed, sent with \`sendmmsg\` in batches of 32,"
  echo "received with \`recvmmsg\` and opened, an acknowledgement sealed back per batch, sender and"
  echo "receiver on one thread each: both cores). For \`transfer_relay\` the ceiling column is the"
  echo "relay ceiling's throughput of the same round (the target: a relayed transfer >= 50% of it)."
  echo "c-toxcore: tox-bootstrapd $(dpkg-query -W -f '${Version}' toxcore-utils 2>/dev/null || echo '?') for the relay figures (the same \`relay_load\`), \`tox_transfer\`"
  echo "(c-toxcore's file transfer, two instances in one process; relayed: TCP only, through that"
  echo "round's tox-bootstrapd) for the transfers. Relay CPU figures are costs (lower is better):"
  echo "their ratios read the other way. NA: that side has no such figure, or its run failed."
  echo
  echo "JMH, 1,400-byte box, one thread (ops/s; B/op; \`sodium-jna\` is libsodium through JNA direct"
  echo "mapping, the binding jnr-ffi was chosen over; \`*Direct\`: pooled direct ByteBuf to pooled direct"
  echo "ByteBuf, the relay's path with libsodium):"
  echo
  echo "| benchmark | java | sodium | sodium-jna | B/op java / sodium |"
  echo "|---|---|---|---|---|"
  # jmhp BENCHMARK PROVIDER [alloc]: a CryptoBoxBenchmark score (or B/op) for one provider
  jmhp() {
    grep -E "^CryptoBoxBenchmark\.$1${3:+:gc\.alloc\.rate\.norm} +$2 +1400 " "$work/jmh.txt" 2>/dev/null | head -1 |
      awk '{ for (i = 2; i <= NF; i++) { if ($i == "≈") { print 0; exit } if ($i == "±") { print $(i - 1); exit } } print $(NF - 1) }'
  }
  for b in sealInPlace openInPlace sealDirect openDirect seal open beforenm; do
    printf '| %s | %s | %s | %s | %s / %s |\n' "$b" "$(jmhp "$b" java)" "$(jmhp "$b" sodium)" \
      "$(jmhp "$b" sodium-jna)" "$(jmhp "$b" java alloc)" "$(jmhp "$b" sodium alloc)"
  done
  # frame FILE [:gc.alloc.rate.norm]: RelayFrameBenchmark.sealFrame's score (or B/op) in one JMH file
  frame() {
    grep -E "^[^ ]*RelayFrameBenchmark\.sealFrame${2:-} " "$1" 2>/dev/null | head -1 |
      awk '{ for (i = 2; i <= NF; i++) { if ($i == "≈") { print 0; exit } if ($i == "±") { print $(i - 1); exit } } print $(NF - 1) }'
  }
  printf '| RelayFrameBenchmark.sealFrame (a relay frame sealed and opened, on an event-loop thread) | %s | %s | | %s / %s |\n' \
    "$(frame "$work/jmh3.txt")" "$(frame "$work/jmh2.txt")" \
    "$(frame "$work/jmh3.txt" :gc.alloc.rate.norm)" "$(frame "$work/jmh2.txt" :gc.alloc.rate.norm)"
  echo
  echo '```'
  grep -h '^DETAIL provider=' "$work/providers.out" 2>/dev/null || echo "(providers.sh failed: $(tail -1 "$work/providers.err" 2>/dev/null))"
  echo '```'
  echo
  cat "$here/history.md"
} >"$root/BENCHMARKS.md"
echo "wrote $root/BENCHMARKS.md"
