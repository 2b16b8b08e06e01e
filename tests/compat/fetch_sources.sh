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
# What building tcpdump and libpcap's test programs needs, beside the
# compiler, libpcap-dev and tcpdump .ci/run installs already: dpkg-source to
# unpack, make, libssl-dev for tcpdump's crypto tests (ESP, as Debian builds it),
# flex and bison for libpcap's configure.
apt-get install -y -qq --no-install-recommends dpkg-dev make libssl-dev flex bison >/dev/null

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
