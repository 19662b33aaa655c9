#!/usr/bin/env bash
# Builds a c-toxcore release from Debian's source package into its own prefix, beside the
# system's c-toxcore (Debian bookworm ships 0.2.18). Used by .ci/run and by developers to run the
# interop suite against a second c-toxcore version (README "Interop against several c-toxcore
# versions").
#
#   tox-interop/scripts/build-toxcore.sh [VERSION]     (default 0.2.20)
#
# Prints the prefix on its last line. The prefix is ${TOX_TOXCORE_CACHE:-$HOME/.cache/tox-reactive}
# /c-toxcore-VERSION; when it already holds a finished build (the .built stamp) nothing is fetched
# or built, so the build is cached between runs on a machine that keeps the home directory.
#
# Source: the `.orig.tar.gz` of Debian's source package, looked up through a private apt
# configuration (a deb-src entry for the suite on the mirror the machine's own apt sources name),
# so the system's apt sources and lists are left as they are. Only the orig tarball is fetched, its
# SHA-256 checked against the signed Sources index. Needs: apt, cmake, gcc, pkg-config,
# libsodium-dev, libconfig-dev (for tox-bootstrapd).
set -euo pipefail

VERSION="${1:-0.2.20}"
case "$VERSION" in
  0.2.20) SUITE=trixie ;;
  *)
    echo "build-toxcore.sh: unknown c-toxcore version '$VERSION' (known: 0.2.20)" >&2
    exit 2
    ;;
esac
CACHE="${TOX_TOXCORE_CACHE:-$HOME/.cache/tox-reactive}"
PREFIX="$CACHE/c-toxcore-$VERSION"
STAMP="$PREFIX/.built"

# A finished build whose daemon loads the prefix's own libtoxcore (not the system's: both are
# libtoxcore.so.2) counts as cached.
cached() {
  [ -f "$STAMP" ] && [ -x "$PREFIX/bin/tox-bootstrapd" ] && [ -f "$PREFIX/include/tox/tox.h" ] \
    && ldd "$PREFIX/bin/tox-bootstrapd" 2>/dev/null | grep -q "libtoxcore\.so\.2 => $PREFIX/lib/"
}
if cached; then
  echo "c-toxcore $VERSION already built (cached)"
  echo "$PREFIX"
  exit 0
fi

for tool in apt-get cmake make cc pkg-config; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-toxcore.sh: '$tool' not found (install cmake, gcc, make, pkg-config)" >&2
    exit 1
  fi
done

# The Debian mirror the machine already uses (deb822 .sources or one-line sources.list).
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  mirror="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")"
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' /etc/apt/sources.list)"
fi
if [ -z "$mirror" ]; then
  echo "build-toxcore.sh: no Debian mirror found in /etc/apt/sources.list{,.d}" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/build-toxcore.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial" "$WORK/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SUITE main" \
  >"$WORK/sources.list"
APT=(-o "Dir::Etc::SourceList=$WORK/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$WORK/lists" -o "Dir::Cache=$WORK/cache" -o APT::Sandbox::User=root)

echo "fetching libtoxcore $VERSION source index for $SUITE from $mirror"
apt-get "${APT[@]}" -q update >/dev/null
line="$(cd "$WORK/src" && apt-get "${APT[@]}" -q source --print-uris libtoxcore \
  | grep -E "libtoxcore_${VERSION}\.orig\.tar\.gz' " || true)"
if [ -z "$line" ]; then
  echo "build-toxcore.sh: $SUITE has no libtoxcore $VERSION source package" >&2
  exit 1
fi
read -r uri file _size hash <<<"$line"
uri="${uri//\'/}"
/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$uri" "$WORK/src/$file" "$hash" >/dev/null
echo "fetched $file ($hash)"

tar -xzf "$WORK/src/$file" -C "$WORK/src"
srcdir="$(find "$WORK/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
[ -f "$srcdir/CMakeLists.txt" ] || {
  echo "build-toxcore.sh: $file has no CMakeLists.txt" >&2
  exit 1
}

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
cmake -S "$srcdir" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
  -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_RPATH="$PREFIX/lib" -DBUILD_TOXAV=OFF -DBOOTSTRAP_DAEMON=ON -DAUTOTEST=OFF \
  -DDHT_BOOTSTRAP=OFF -DENABLE_STATIC=OFF -DUNITTEST=OFF >"$WORK/cmake.log" 2>&1 || {
  tail -n 30 "$WORK/cmake.log" >&2
  echo "build-toxcore.sh: cmake configure failed" >&2
  exit 1
}
make -C "$WORK/build" -j"$(nproc)" install >"$WORK/make.log" 2>&1 || {
  tail -n 30 "$WORK/make.log" >&2
  echo "build-toxcore.sh: make failed" >&2
  exit 1
}
[ -x "$PREFIX/bin/tox-bootstrapd" ] || {
  echo "build-toxcore.sh: no tox-bootstrapd was installed (is libconfig-dev installed?)" >&2
  exit 1
}
echo "$VERSION" >"$STAMP"
cached || {
  echo "build-toxcore.sh: $PREFIX/bin/tox-bootstrapd does not load $PREFIX/lib/libtoxcore.so.2" >&2
  exit 1
}
echo "c-toxcore $VERSION built"
echo "$PREFIX"
