#!/usr/bin/env bash
# no_deps_test.sh - README's install line on a machine without the test and
# benchmark dependencies: with cmocka, libpcap, tcpdump, tshark and editcap out
# of sight, setup must succeed, say why tests and benchmarks are off, and leave
# only the library and capsniff to build (the same sources every other build
# compiles); -Dtests=enabled and -Dbench=enabled must fail naming what is missing.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
src=$1
meson=$(command -v meson)
ninja=$(command -v ninja)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A PATH of everything but the oracles and the tools that would find the
# libraries another way; no pkg-config files at all.
mkdir "$tmp/bin" "$tmp/pc"
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  for f in "$d"/*; do
    n=${f##*/}
    case $n in tcpdump|tshark|editcap|cmake|pcap-config) continue ;; esac
    [ -x "$f" ] && [ ! -e "$tmp/bin/$n" ] && ln -s "$f" "$tmp/bin/$n"
  done
done
hide() { env PATH="$tmp/bin" PKG_CONFIG_LIBDIR="$tmp/pc" PKG_CONFIG_PATH= "$@"; }

fail=0
out=$(hide "$meson" setup "$tmp/auto" "$src" 2>&1) || { echo "FAIL: setup with tests/bench auto failed:"; echo "$out"; exit 1; }
for want in "tests disabled because cmocka, libpcap, tcpdump, tshark, editcap not found" \
            "benchmarks disabled because libpcap not found"; do
  grep -F "$want" <<<"$out" >/dev/null || { echo "FAIL: setup output lacks \"$want\":"; echo "$out"; fail=1; }
done
# What would be built: the library and capsniff, nothing of tests/ or bench/.
targets=$(hide "$ninja" -C "$tmp/auto" -t targets all)
grep -F "libcapture.so.0.1.0:" <<<"$targets" >/dev/null || { echo "FAIL: no libcapture.so to build"; fail=1; }
if grep -E "^(tests|bench)/" <<<"$targets" >/dev/null; then
  echo "FAIL: tests or benchmarks would be built:"; grep -E "^(tests|bench)/" <<<"$targets" | head; fail=1
fi

# enabled: an error that names the missing dependency, not a quiet skip.
for opts in "-Dtests=enabled cmocka" "-Dbench=enabled libpcap"; do
  set -- $opts
  if out=$(hide "$meson" setup "$tmp/enabled$1" "$src" "$1" 2>&1); then
    echo "FAIL: setup $1 succeeded without $2"; fail=1
  elif ! grep -F "ERROR: Dependency \"$2\" not found" <<<"$out" >/dev/null; then
    echo "FAIL: setup $1 failed without naming $2:"; echo "$out"; fail=1
  fi
done
[ $fail = 0 ] && echo "no_deps: setup says why tests and benchmarks are off and builds the library alone; enabled fails naming the dependency"
exit $fail
