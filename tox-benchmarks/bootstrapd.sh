# bootstrapd.sh: sourced by the benchmark scripts that start c-toxcore's tox-bootstrapd on
# loopback (after processes.sh, whose pids array it appends to). Never LAN discovery, never IPv6,
# never a public node: only what the caller passes as the extra config line.

# Starts one tox-bootstrapd (UDP DHT + TCP relay) in $1 with MOTD $2 and an optional extra config
# line $3 (e.g. bootstrap_nodes); sets bd_udp, bd_tcp, bd_key, bd_pid and appends bd_pid to pids.
# Ports below the ephemeral range (a TCP port taken makes it exit; a UDP port taken makes it move
# silently), up to 4 attempts.
start_bootstrapd() {
  local d="$1" motd="$2" extra="${3:-}" attempt hex_udp hex_tcp
  mkdir -p "$d"
  bd_key=""
  for attempt in 1 2 3 4; do
    bd_udp=$(( 20000 + RANDOM % 12000 ))
    bd_tcp=$(( bd_udp + 1 ))
    hex_udp="$(printf ':%04X ' "$bd_udp")"
    hex_tcp="$(printf ':%04X ' "$bd_tcp")"
    if grep -q "$hex_udp" /proc/net/udp || grep -q "$hex_tcp" /proc/net/tcp; then
      continue
    fi
    cat >"$d/conf" <<CONF
port = $bd_udp;
keys_file_path = "$d/keys";
pid_file_path = "$d/pid";
enable_ipv6 = false;
enable_ipv4_fallback = true;
enable_lan_discovery = false;
enable_tcp_relay = true;
tcp_relay_ports = [$bd_tcp];
enable_motd = true;
motd = "$motd";
$extra
CONF
    tox-bootstrapd --config="$d/conf" --foreground --log-backend=stdout >"$d/log" 2>&1 &
    bd_pid=$!
    pids+=("$bd_pid")
    for _ in $(seq 1 50); do
      bd_key="$(sed -n 's/.*Public Key: \([0-9A-Fa-f]\{64\}\).*/\1/p' "$d/log" | head -1)"
      [ -n "$bd_key" ] || ! kill -0 "$bd_pid" 2>/dev/null && break
      sleep 0.1
    done
    if [ -n "$bd_key" ] && grep -q "$hex_udp" /proc/net/udp && grep -q "$hex_tcp" /proc/net/tcp; then
      return 0
    fi
    echo "NOTE tox-bootstrapd attempt $attempt failed: $(grep -i "couldn't\|error" "$d/log" | head -1)" >&2
    kill "$bd_pid" 2>/dev/null || true
    wait "$bd_pid" 2>/dev/null || true
    bd_key=""
  done
  return 1
}
