#!/usr/bin/env bash
# tests/compat/fetch_sources.sh - fetches Debian's tcpdump and libpcap source packages (the versions of the installed binaries) into DIR for suite compat.
# SPDX-License-Identifier: BSD-2-Clause
# Usage: fetch_sources.sh DIR   (as root; adds deb-src to apt's deb822 sources once)
# Prints the two unpacked source directories as shell assignments
# LCAP_TCPDUMP_SRC=... and LCAP_LIBPCAP_SRC=...
set -euo pipefail
dir=${1:?usage: $0 DIR}
export DEBIAN_FRONTEND=noninteractive

# deb-src beside every plain deb stanza of the deb822 file, idempotently.
src_list=/etc/apt/sources.list.d/debian.sources
if [ -f "$src_list" ] && ! grep -q '^Types:.*deb-src' "$src_list"; then
  sed -i 's/^Types: deb$/Types: deb deb-src/' "$src_list"
  apt-get update -qq
elif ! apt-cache showsrc tcpdump 2>/dev/null | grep -q '^Package:'; then
  apt-get update -qq
fi
# Of tcpdump's build dependencies (debhelper, dh-apparmor, dpkg-dev,
# libpcap0.8-dev, libssl-dev) only what a plain configure && make needs,
# beside the compiler and libpcap-dev that .ci/run installs: dpkg-source to
# unpack, make, perl for tests/TESTrun, libssl-dev for the crypto (ESP) tests
# as Debian builds it. libpcap's test programs are compiled directly, without
# libpcap's configure.
apt-get install -y -qq --no-install-recommends dpkg-dev make perl libssl-dev >/dev/null

mkdir -p "$dir"
cd "$dir"
out=()
for pkg in tcpdump libpcap0.8; do
  src=$(dpkg-query -W -f='${source:Package}' "$pkg")
  ver=$(dpkg-query -W -f='${source:Version}' "$pkg")
  upstream=${ver#*:}; upstream=${upstream%-*}
  if [ ! -d "$src-$upstream" ]; then
    apt-get source -qq --download-only "$src=$ver" >/dev/null
    dpkg-source -x --no-check "${src}_${upstream}"*.dsc "$src-$upstream" >/dev/null
  fi
  out+=("$(pwd)/$src-$upstream")
done
echo "LCAP_TCPDUMP_SRC=${out[0]}"
echo "LCAP_LIBPCAP_SRC=${out[1]}"
