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
# full runs take about 25 minutes.
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
  'RelayFrameBenchmark|RelayRouterBenchmark|PacketRingBenchmark|PacketRequestBenchmark|NonceWindowBenchmark|NetCryptoTransferBenchmark.stream|OnionNodeBenchmark' \
  -rf text -rff "$work/jmh2.txt" >>"$work/jmh.out" 2>&1 || true
java -jar "$here/target/tox-benchmarks.jar" -f 1 -wi 1 -i 2 -w 2s -r 3s -prof gc \
  -jvmArgsAppend "$evloop -Dtox.crypto=java" 'RelayFrameBenchmark.sealFrame' \
  -rf text -rff "$work/jmh3.txt" >>"$work/jmh.out" 2>&1 || true
{ cat "$work/jmh1.txt" 2>/dev/null; grep -v '^Benchmark' "$work/jmh2.txt" 2>/dev/null; } >"$work/jmh.txt"
# heap of the onion node's announce store (the requests/s figure comes from compare.sh)
java -cp "$here/target/tox-benchmarks.jar" org.toxreactive.benchmarks.load.RelayLoad onion-heap \
  --nodes 50 >"$work/onion-heap.out" 2>&1 || true

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
  echo "Generated by \`tox-benchmarks/benchmarks.sh ${quick[*]:-}\` on $(date -u +%Y-%m-%d) at"
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
  ct_split_ok=$(fig ctoxcore_relay_split_runs_ok ours "$work/transfer.out")
  row "every c-toxcore run through our relay finishes (two processes)" "${ct_split_ok:-?} of $( [ "${quick[*]:-}" = --quick ] && echo 1 || echo 3) (tox-bootstrapd: $(fig ctoxcore_relay_split_runs_ok reference "$work/transfer.out"); longest gap $(fig ctoxcore_relay_split_max_gap ours "$work/transfer.out") vs $(fig ctoxcore_relay_split_max_gap reference "$work/transfer.out") ms)" "$(awk -v r="$ct_split_ok" -v n="$( [ "${quick[*]:-}" = --quick ] && echo 1 || echo 3)" 'BEGIN { if (r ~ /^[0-9]+$/) print (r >= n) ? 1 : 0 }')" ge 1
  rtt=$(fig rtt_relay ours "$work/transfer.out")
  row "message round trip through our relay < 5 ms" "p50 ${rtt:-?} ms (c-toxcore: $(fig rtt_relay reference "$work/transfer.out") ms)" "$rtt" lt 5
  # issue 14's ceilings, from providers.sh (sodium, medians of the per-round ratios)
  pv() { grep -h "^PROVIDERS name=$1 " "$work/providers.out" 2>/dev/null | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
  row "our relay >= 85% of the C relay ceiling (sodium, same rounds)" "$(pv relay_throughput sodium_ceiling) ($(pv relay_throughput sodium) vs $(pv relay_throughput ceiling) MB/s)" "$(pv relay_throughput sodium_ceiling)" ge 0.85
  row "net_crypto over UDP >= 70% of the C UDP ceiling (sodium, same rounds)" "$(pv transfer_udp sodium_ceiling) ($(pv transfer_udp sodium) vs $(pv transfer_udp ceiling) MB/s)" "$(pv transfer_udp sodium_ceiling)" ge 0.70
  row "relayed transfer >= 50% of the C relay ceiling (sodium, same rounds)" "$(pv transfer_relay sodium_ceiling) ($(pv transfer_relay sodium) vs $(pv transfer_relay ceiling) MB/s)" "$(pv transfer_relay sodium_ceiling)" ge 0.50
  row "relay handshakes >= 3x issue 14's 1,560/s (sodium, same rounds)" "$(pv handshakes sodium)/s (C ceiling relay $(pv handshakes ceiling)/s, tox-bootstrapd $(pv handshakes ctoxcore)/s; CPU per handshake $(pv relay_cpu_per_handshake sodium) vs $(pv relay_cpu_per_handshake ceiling) us)" "$(pv handshakes sodium)" ge 4680
  alloc_max=0
  for b in 'RelayRouterBenchmark.forwardData' 'PacketRingBenchmark.sendBuffer' 'PacketRequestBenchmark.apply' \
    'CryptoBoxBenchmark.sealInPlace' 'CryptoBoxBenchmark.openInPlace'; do
    a=$(jmh "[^ ]*$b" alloc)
    [ -n "$a" ] && alloc_max=$(awk -v m="$alloc_max" -v a="$a" 'BEGIN { print (a > m) ? a : m }')
  done
  per_msg=$(awk -v b="$(jmh '[^ ]*NetCryptoTransferBenchmark.stream' alloc)" 'BEGIN { if (b ~ /^[0-9.]+$/) printf "%.0f", b / 1000 }')
  row "no allocation on the per-packet fast path (JMH -prof gc)" "router forwarding, send buffer, packet requests, in-place box: at most $alloc_max B/op; but a relay frame sealed into a pooled buffer and opened: $(jmh '[^ ]*RelayFrameBenchmark.sealFrame' alloc) B/op, and a net_crypto message end to end (both nodes, 1,000 per op): ${per_msg:-?} B (payload copies at the API, table below)" "${per_msg:-}" lt 1
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
  cat <<'EOF'
## Method

- `relay_throughput`, `relay_latency_p99`, `handshakes`: `tox-benchmarks/c/relay_load.c` (a C
  relay client on libsodium, one thread, epoll: a load generator much cheaper than the relays it
  drives) against our relay in its own JVM and against `tox-bootstrapd`, same parameters, in one
  run (`tox-benchmarks/compare.sh`; `GENERATOR=java` uses our `RelayClient` instead). Latency is
  measured for both at half of the lower of the two peak packet rates, and for ours also at half
  of its own peak. `idle_clients`: `RelayLoad idle` (Java). Methods in `tox-benchmarks/README.md`.
- `transfer_udp`, `transfer_relay`: `TransferLoad` (two of our nodes in one JVM; relayed through
  our relay in that JVM) against `c/tox_transfer.c` (two libtoxcore instances in one process,
  a file transfer; relayed: TCP-only through one `tox-bootstrapd`), averaged from the start of
  the transfer to its last byte (`tox-benchmarks/transfer.sh`). `rtt_*`: one small message
  echoed back, one at a time.
- Every process runs on the same 2 cores: the load generator, both ends of a transfer and, for
  relayed transfers, the relay. CPU figures (`relay_cpu_us_per_packet`, `_per_handshake`) are
  what the relay process itself spent (`/proc/PID/stat`), independent of the generator.

## What limits each figure, and what was tried

Profiles: JFR (`-XX:StartFlightRecording=settings=profile`) of our relay under `relay_load`
throughput and handshake load and of `TransferLoad`, aggregated by top frame.

- **Crypto was the ceiling of every throughput figure on pure Java.** Pure Java
  XSalsa20-Poly1305 (Bouncy Castle's Salsa20 core and Poly1305) costs about 6 us per 1,400-byte
  box on this machine (`CryptoBoxBenchmark.sealInPlace`, provider java); libsodium's about 1-3 us
  with the call (provider sodium), the default wherever libsodium loads (section "Crypto
  providers": the relay's own CPU per packet fell about 40%, to about 3.4x the C ceiling relay's;
  what remains is Netty, the event-loop hand-offs and the per-frame decode copy). A relayed packet is opened
  and sealed by the relay (2 boxes); a net_crypto packet through a relay is boxed 6 times
  (sender, its relay link, the relay twice, the receiver's link, the receiver), over UDP twice.
  Under relay load about 85% of our relay's Java samples are `salsaCore`, `Poly1305` and our
  XOR; the kernel (stime against utime) is about 10% of its CPU.
  - Tried and kept: driving BC's Salsa20 core directly with a word-wise XOR instead of
    `XSalsa20Engine` (byte-wise, allocates per nonce): 1.4-1.6x per box, no allocation.
  - Tried and dropped: a hand-unrolled Salsa20 core (5-10% faster than BC's, within noise) and a
    radix-2^44 Poly1305 on `Math.multiplyHigh` (bit-exact against BC, 10-20% faster, within
    noise): not worth owning hand-written crypto for.
  - libsodium through the FFM API (final in Java 22) is a third provider, `sodium-ffm`, for
    Java 22+ only (tox-core's multi-release jar; not measured in this file's rounds, which run
    on Java 17); on Java 17 jnr-ffi is kept (JNA direct mapping costs about 0.5 us more per
    call).
- **Relay throughput**: besides crypto, the hand-offs between event loops. Each packet used to
  cost a task, a wake-up and a `write` system call at each of two thread hops (link loop, router
  loop, destination loop); packets now cross in per-read batches and leave the router in one
  write-and-flush task per destination per batch (relay CPU per packet 46-64 us before, 33-36 us
  after, same load). Frames are sealed and opened in place in a per-thread buffer (one copy each
  way instead of two plus a heap buffer). tox-bootstrapd spends more CPU per packet than we do
  (`relay_cpu_us_per_packet`) and is bounded by its poll loop.
- **Latency**: at light load our hop adds well under a millisecond (`latency_light`),
  tox-bootstrapd tens of ms (its 30 ms poll). At half our peak our p99 is queueing on two cores
  shared with the generator: at 8,000 packets/s p99 is about 1.6 ms, at 16,000 about 4.5 ms.
  - Tried and dropped: the router on one of the links' event loops instead of its own thread
    (packets of links on that loop routed with no hand-off; with one worker, none ever crosses a
    thread). One worker: relay CPU per packet 21 us instead of 23-25, but the peak fell to 48k
    packets/s (67 MB/s) and p99 at 32k packets/s rose to 250 ms (one thread does all the crypto).
    Two workers: 82 MB/s, p99 230 ms at 32k (the router's loop also seals for its own links and
    falls behind). Four workers: the same as a separate router thread. Reactor Netty's
    `ioWorkerCount` 1 or 2 with the separate router: p99 10-11 ms at 24k and 50-60 ms at 32k
    packets/s, against 8-9 ms for the default (4). The relay pinned to one core and the
    generator to the other (`taskset`): p50 4 ms, p99 25 ms at 16k packets/s, against 0.24 and
    5 ms unpinned; the relay needs more than one core's worth of crypto in bursts.
- **Handshakes**: on pure Java, X25519. A relay handshake is two X25519 agreements and one key
  generation; Bouncy Castle needs about 100-190 us per agreement here
  (`CryptoBoxBenchmark.beforenm`), libsodium about 30 us. About 70% of our relay's samples under
  handshake load are X25519 on pure Java. On libsodium crypto is no longer most of it: `perf
  record` of our relay (`RelayLoad serve`, sodium) under `relay_load handshakes` at concurrency
  32, after 10 s of warm-up, load average 16: libsodium 21% of the relay's CPU, the kernel
  (accept, TCP set-up and tear-down, epoll) 21%, C2 compiling 26%, JIT-compiled Java 26%; in
  JFR's event-loop samples our handshake handler (`ServerHandshakeHandler.decode`, crypto
  included) is 20%, channel registration 14% and the close path (our `channelInactive`, Reactor
  Netty's `ChannelOperations` disposal) 16%. The JIT is still compiling the connection set-up
  and tear-down after 10 s: relay CPU per handshake was 910 us after 8 s of warm-up, 638 us after
  12 s, 425 us after 25 s (the same relay and load generator, load average 16-17). The C
  ceiling relay needs 207 us per handshake and `relay_load` itself about 208 us (its own
  `time`), so on 2 shared cores the rate is bounded by the generator and the machine's other
  load, not by either relay: in the same minute the C ceiling relay did 1,237/s. Handshakes at
  3x today (about 4,700/s) would need the generator and the relay together under about 420 us
  of CPU per handshake on an otherwise idle 2-core machine: not reachable with our relay's
  steady-state 425 us alone. Not tried yet: Netty's native epoll transport (cheaper accept and
  registration), a plain Netty server bootstrap instead of Reactor Netty's `TcpServer` for
  the relay port (its per-connection `ChannelOperations` and disposal).
- **Idle clients**: the file-descriptor hard limit. This sandbox's root lacks CAP_SYS_RESOURCE,
  so `ulimit -Hn` (20,000) cannot be raised; compare.sh raises the soft limit as far as the hard
  limit allows and holds that many (full mode asks for 50,000). Memory is not the limit: our
  relay's heap per idle client is under 5 KB (per-thread cipher state, routing slots allocated
  on first use), tox-bootstrapd's RSS per client about 12 KB.
- **c-toxcore peers through a relay** (`ctoxcore_relay*`, issue 14 item 3, issue 19 item 1): the
  speed is c-toxcore's own (its net_crypto slow start and its iteration sleep; each relay takes 3-6%
  of a core at 1-2 MB/s), and the stalls are not the relay's: a receiving client that reads only
  whole frames is left with part of one and a receive buffer charged full, with a zero window
  (docs/protocol.md 8.14). They hit tox-bootstrapd as often as our relay, more often when the
  peers are in separate processes or the machine is loaded. Tried on our relay, none of which
  stopped them: flushing per frame, a 16 KiB `SO_SNDBUF`, and closing a link whose socket took
  nothing for 500 ms (c-toxcore then needed 19-21 s to recover the lost data). Our relay's RSS
  (about 220 MB: a JVM with default heap sizing) against tox-bootstrapd's 2 MB is the JVM's.
- **Transfers**: crypto on the two engine threads plus a system call per datagram, on 2 cores
  shared by both nodes (and the relay). The C UDP ceiling (`c/udp_ceiling.c`, section "Crypto
  providers") does the same crypto with a `sendmmsg`/`recvmmsg` per 32 datagrams and nothing
  else (no packet buffers, no congestion control, no JVM); our `transfer_udp` against it is
  the `sodium/ceiling` column there. c-toxcore's slow start (0.3 MB/s doubling every 2 s)
  dominates its short transfers, and its relayed transfers stall when a reader that takes only
  whole frames (a c-toxcore client, or tox-bootstrapd reading a client) is left with part of a
  frame and a receive buffer charged full (docs/protocol.md 8.14; 8.13's FIONREAD theory was
  wrong). The same stall hits our
  nodes through tox-bootstrapd (NOTE `ours_bootstrapd`): in the last three full runs that
  transfer failed twice, in its 20 MB warm-up, and once finished at 13.5 MB/s. Tried: 2 MiB UDP socket
  buffers (kept, as c-toxcore); one congestion reaction per smoothed RTT (kept: a slow-start
  overshoot used to be backed off four times in a row); a delay-based end of slow start
  (HyStart; dropped: JIT and load noise ended slow start at windows of 40-80).
  - **The JIT, not congestion control, was the slow first seconds of a warm JVM.** With one
    warm-up transfer, the measured one climbed from about 20 to about 60 MB/s over ~10 s with a
    steady window (the receiver's CPU was the bottleneck). JFR showed why: tearing down the
    warm-up nodes and setting up new ones deoptimised the compiled transfer path (class checks
    in shared Reactor and Netty code, untaken branches), and C2 recompiled `Session.onData`,
    `SendBuffer.pump` and the datagram read path for 0.3-0.8 s each, about one core for 5 s,
    during the measured transfer. After 8 warm-up rounds (`--warm-up-rounds`) the profile has
    seen set-up and tear-down: in separate runs the first second then ran at 75-100% of the
    peak over UDP, in full benchmarks.sh runs (a busier machine) at 62-73%; JFR of an
    8-round run still counted 0.8 s of C2 time during the 4 s measured transfer. A cold
    JVM still spends its first seconds compiling: the relayed-runs figure (each run a new JVM)
    is that case.
  - Kept: `PacketTransport.offer`, a send without the Mono, subscription, sink and listener
    that `send` costs per packet (about 130 B and a few megamorphic calls per packet; +2-3%
    over UDP, within noise).
- **Allocation**: the relay's forwarding, the send buffer, packet requests and the in-place box
  allocate nothing per packet (B/op above). A net_crypto message used to cost five payload-sized
  arrays across both nodes; two are gone: the send buffer keeps the application's immutable
  `Message` until it is acknowledged (no id-plus-payload copy; the packet is built from the id
  and the payload), and a received message's payload is a view of the opened data (`Bytes.adopt`
  with an offset) instead of a copy of it. Three remain: the sealed packet (an array, because
  the transport contract carries immutable `Bytes`), the received datagram copied out of
  Netty's pooled buffer into `Bytes` (the same contract), and the opened data. Removing those
  would mean pooled buffers across the `PacketTransport` API; see tox-benchmarks/README.md.
- **DHT nodes requests** (`dht_nodes_answered`, DETAIL dht): with cached shared keys, the two
  boxes per request and the scan of the 1,024-slot close list; with new sender keys (16,384 in
  the DETAIL run, more than either node caches), one X25519 per sender, where libsodium beats
  Bouncy Castle by 2-4x. On the relay the DHT runs on the router's thread, bounded by its global
  budget of 4,000 packets/s (docs/protocol.md 12.7). Heap per close-list entry: DETAIL
  dht_memory (`DhtLoad memory`).
EOF
  echo
  footprint_section "$work/footprint.out"
  echo "## Crypto providers"
  echo
  echo "The same figures on each crypto provider (\`-Dtox.crypto=java\`: Bouncy Castle; \`sodium\`:"
  echo "libsodium $(pkg-config --modversion libsodium 2>/dev/null || echo '?') through jnr-ffi, the default where it loads), on the C"
  echo "ceilings and on c-toxcore, from \`tox-benchmarks/providers.sh ${quick[*]:-}\`: rounds that run every side in a"
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
} >"$root/BENCHMARKS.md"
echo "wrote $root/BENCHMARKS.md"
