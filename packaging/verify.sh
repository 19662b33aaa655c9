#!/usr/bin/env bash
# packaging/verify.sh: checks the service files without installing anything (CI runs it after the
# build, from .ci/run):
#   1. the launcher is valid sh and runs --help from an installed layout (launcher and jar side by
#      side, as in /opt/tox-relay and the Docker image) and from the source checkout, and with
#      TOX_RELAY_CDS records an AppCDS archive and then maps it; the relay jar is multi-release and,
#      on a Java 22+ if one is found (TOX_JAVA22, /usr/lib/jvm), starts on the FFM crypto provider
#      (skipped with a SKIPPED line otherwise);
#   2. systemd-analyze verify accepts packaging/systemd/tox-relay.service (its ExecStart pointed at
#      this checkout's launcher, since /opt/tox-relay is not installed here), and the unit keeps
#      the settings the README promises (dedicated user, CAP_NET_BIND_SERVICE, state directory,
#      hardening);
#   3. every COPY source of packaging/docker/Dockerfile exists, and its ENTRYPOINT runs: the
#      image's files are laid out in a temp dir the way the Dockerfile copies them and the
#      entrypoint (paths moved there) runs --help, then --print-default-config.
# Needs: a built tox-relay-server/target/tox-relay-server.jar, java, systemd-analyze (Debian:
# systemd). Exit 0 when all pass, 1 with a line per failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
failures=0
fail() {
  echo "verify.sh: FAIL: $*" >&2
  failures=$((failures + 1))
}
ok() { echo "verify.sh: ok: $*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jar=tox-relay-server/target/tox-relay-server.jar
if [ ! -f "$jar" ]; then
  echo "verify.sh: $jar is missing: build first (mvn -B -q -DskipTests package)" >&2
  exit 1
fi

# --- 1. the launcher
launcher=packaging/tox-relay
if sh -n "$launcher"; then ok "$launcher parses as sh"; else fail "$launcher: sh syntax error"; fi
[ -x "$launcher" ] || fail "$launcher is not executable"
mkdir -p "$work/opt"
cp "$launcher" "$jar" "$work/opt/"
if out=$("$work/opt/tox-relay" --help 2>&1) && grep -q '^Usage: tox-relay' <<<"$out" &&
  grep -q -- '--state-dir' <<<"$out" && grep -q -- '--pid-file' <<<"$out"; then
  ok "launcher --help from an installed layout"
else
  fail "launcher --help from an installed layout: $out"
fi
if out=$("$launcher" --version 2>&1) && [ "$out" = "tox-relay 0.1.0" ]; then
  ok "launcher --version from the checkout"
else
  fail "launcher --version from the checkout: $out"
fi
if out=$(TOX_RELAY_JAR="$work/none.jar" "$launcher" --help 2>&1); then
  fail "launcher with a missing TOX_RELAY_JAR succeeded"
elif ! grep -q "none.jar: not a readable file" <<<"$out"; then
  fail "launcher with a missing TOX_RELAY_JAR: $out"
else
  ok "launcher names a missing jar"
fi

# the default flags (with --limit-modules) start the JVM: --version above; with TOX_RELAY_CDS the
# launcher drops --limit-modules, records the AppCDS archive at exit, and maps it the next time
# (-Xshare:on makes a run that cannot map it fail instead of running without it)
cds="$work/cds/tox-relay.jsa"
mkdir -p "$work/cds"
if ! out=$(TOX_RELAY_CDS="$cds" "$launcher" --version 2>&1) || [ ! -s "$cds" ]; then
  fail "launcher with TOX_RELAY_CDS recorded no archive: $out"
elif out=$(TOX_RELAY_CDS="$cds" TOX_RELAY_EXTRA_OPTS=-Xshare:on "$launcher" --version 2>&1) &&
  [ "$out" = "tox-relay 0.1.0" ]; then
  ok "launcher records and maps the AppCDS archive (TOX_RELAY_CDS)"
else
  fail "launcher with TOX_RELAY_CDS does not map its archive: $out"
fi

# the shaded jar is multi-release, so tox-core's FFM binding (META-INF/versions/22) loads from it:
# on a Java 22+ (TOX_JAVA22, or one under /usr/lib/jvm) the relay starts on -Dtox.crypto=sodium-ffm
mkdir -p "$work/manifest"
(cd "$work/manifest" && jar xf "$root/$jar" META-INF/MANIFEST.MF)
if grep -q '^Multi-Release: true' "$work/manifest/META-INF/MANIFEST.MF"; then
  ok "$jar is a multi-release jar"
else
  fail "$jar lacks 'Multi-Release: true' (the FFM crypto provider cannot load from it)"
fi
java22=""
for j in "${TOX_JAVA22:-}" /usr/lib/jvm/temurin-2[2-9]*/bin/java /usr/lib/jvm/java-2[2-9]*/bin/java; do
  if [ -n "$j" ] && [ -x "$j" ]; then
    java22=$j
    break
  fi
done
if [ -n "$java22" ]; then
  mkdir -p "$work/ffm"
  "$java22" --enable-native-access=ALL-UNNAMED -Dtox.crypto=sodium-ffm -jar "$jar" --host 127.0.0.1 \
    --port 0 --udp-port 0 --state-dir "$work/ffm" >"$work/ffm/log" 2>&1 &
  ffm_pid=$!
  for _ in $(seq 1 150); do
    grep -q 'listening tcp=' "$work/ffm/log" && break
    kill -0 "$ffm_pid" 2>/dev/null || break
    sleep 0.2
  done
  kill "$ffm_pid" 2>/dev/null || true
  wait "$ffm_pid" 2>/dev/null || true
  if grep -q 'crypto provider: sodium-ffm' "$work/ffm/log" && grep -q 'listening tcp=' "$work/ffm/log"; then
    ok "the relay jar runs on the FFM crypto provider ($("$java22" -version 2>&1 | head -1))"
  else
    fail "the relay jar on $java22 with -Dtox.crypto=sodium-ffm: $(head -3 "$work/ffm/log")"
  fi
else
  echo "verify.sh: SKIPPED: the relay jar on the FFM crypto provider: no Java 22+ found (set TOX_JAVA22)"
fi

# --- 2. the systemd unit
unit=packaging/systemd/tox-relay.service
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s|/opt/tox-relay/tox-relay|$root/packaging/tox-relay|" "$unit" >"$work/tox-relay.service"
  # a warning (an unknown key, a bad value: "ignoring") is a failure too
  if out=$(systemd-analyze verify "$work/tox-relay.service" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify $unit"
  else
    fail "systemd-analyze verify $unit: $out"
  fi
else
  fail "systemd-analyze not found (Debian package systemd)"
fi
for setting in 'User=tox-relay' 'AmbientCapabilities=CAP_NET_BIND_SERVICE' \
  'StateDirectory=tox-relay' 'ExecStart=/opt/tox-relay/tox-relay --state-dir /var/lib/tox-relay' \
  'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'MemoryMax='; do
  grep -q "^$setting" "$unit" || fail "$unit lacks $setting"
done
ok "$unit keeps its user, capability, state directory and hardening"

# --- 3. the Dockerfile
dockerfile=packaging/docker/Dockerfile
grep -q '^FROM .*jre' "$dockerfile" || fail "$dockerfile: not on a JRE base"
image="$work/image"
while read -r _ src dst; do
  if [ ! -e "$src" ]; then
    fail "$dockerfile: COPY source $src does not exist"
    continue
  fi
  mkdir -p "$image$(dirname "$dst")"
  cp -p "$src" "$image$dst"
  ok "$dockerfile: COPY $src -> $dst"
done < <(grep -E '^COPY ' "$dockerfile")
entrypoint=$(sed -n 's/^ENTRYPOINT \[\(.*\)\]$/\1/p' "$dockerfile")
if [ -z "$entrypoint" ]; then
  fail "$dockerfile: no ENTRYPOINT [...]"
else
  # the JSON array as arguments; absolute paths that the image holds are moved into $image
  mapfile -t argv < <(tr ',' '\n' <<<"$entrypoint" | sed 's/^ *"//; s/" *$//')
  [ -x "$image${argv[0]}" ] || fail "$dockerfile: ENTRYPOINT ${argv[0]} is not a copied executable"
  state=$(sed -n 's/^VOLUME \["\(.*\)"\]$/\1/p' "$dockerfile")
  mkdir -p "$image$state"
  args=("$image${argv[0]}")
  for a in "${argv[@]:1}"; do
    if [ "$a" = "$state" ]; then args+=("$image$a"); else args+=("$a"); fi
  done
  if out=$("${args[@]}" --help 2>&1) && grep -q '^Usage: tox-relay' <<<"$out"; then
    ok "$dockerfile: ENTRYPOINT --help"
  else
    fail "$dockerfile: ENTRYPOINT --help: $out"
  fi
  if out=$("${args[@]}" --print-default-config 2>&1) && grep -q '"ports"' <<<"$out"; then
    ok "$dockerfile: ENTRYPOINT --print-default-config"
  else
    fail "$dockerfile: ENTRYPOINT --print-default-config: $out"
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "verify.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "verify.sh: all packaging checks passed"
