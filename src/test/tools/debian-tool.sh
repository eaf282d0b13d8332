#!/usr/bin/env bash
# Prints the directory holding the binaries of a Debian package that a test needs (e.g.
# `prometheus` for prometheus and promtool, `chromium` for a real browser), providing it first
# when this machine lacks it:
#   1. the binary on PATH, if there is one;
#   2. a copy unpacked earlier into the tool cache ($CLOUDPODS_TOOLS, default ~/.cache/cloudpods-tools);
#   3. the package fetched with `apt-get download` (refreshing the package lists first when they
#      are empty and we may) and unpacked into the cache with `dpkg-deb -x`: nothing is installed
#      system-wide, so no root is needed once the lists exist.
# Usage: debian-tool.sh PACKAGE BINARY
#
# Packages that only run with their dependencies installed (chromium and chromium-driver need a
# few dozen shared libraries) cannot be unpacked into a cache. For those:
#   debian-tool.sh --install BINARY PACKAGE...
# prints the directory of BINARY when it is on PATH; otherwise, as root, installs the packages
# system-wide (`apt-get install -y --no-install-recommends`, refreshing the package lists first when
# that fails) and prints it; otherwise fails saying what to install.
set -euo pipefail

if [ "${1:-}" = "--install" ]; then
  shift
  bin="$1"
  shift
  if path="$(command -v "$bin" 2>/dev/null)"; then
    dirname "$path"
    exit 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "'$bin' is not installed and this user cannot install it; run as root:" >&2
    echo "  apt-get install -y --no-install-recommends $*" >&2
    exit 1
  fi
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$@" >"$log" 2>&1; then
    apt-get update -qq >>"$log" 2>&1 || true
    if ! apt-get install -y --no-install-recommends "$@" >>"$log" 2>&1; then
      echo "could not install the Debian packages $* (needed for '$bin'):" >&2
      tail -n 40 "$log" >&2
      exit 1
    fi
  fi
  if ! path="$(command -v "$bin" 2>/dev/null)"; then
    echo "the Debian packages $* installed no '$bin' on PATH" >&2
    exit 1
  fi
  dirname "$path"
  exit 0
fi

pkg="$1"
bin="$2"

if path="$(command -v "$bin" 2>/dev/null)"; then
  dirname "$path"
  exit 0
fi

cache="${CLOUDPODS_TOOLS:-$HOME/.cache/cloudpods-tools}/$pkg"
if [ -x "$cache/usr/bin/$bin" ]; then
  echo "$cache/usr/bin"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download "$pkg" >"$work/apt.log" 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >>"$work/apt.log" 2>&1 || true
  fi
  if ! apt-get download "$pkg" >>"$work/apt.log" 2>&1; then
    echo "cannot fetch the Debian package '$pkg' (needed for '$bin'):" >&2
    cat "$work/apt.log" >&2
    exit 1
  fi
fi
mkdir -p "$cache.partial"
dpkg-deb -x "$work"/"$pkg"_*.deb "$cache.partial"
rm -rf "$cache"
mv "$cache.partial" "$cache"
if [ ! -x "$cache/usr/bin/$bin" ]; then
  echo "the Debian package '$pkg' has no usr/bin/$bin" >&2
  exit 1
fi
echo "$cache/usr/bin"
