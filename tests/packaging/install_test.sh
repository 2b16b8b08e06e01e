#!/usr/bin/env bash
# install_test.sh - installs the build into a scratch root and builds a downstream
# program with nothing but `pkg-config --cflags --libs libcapture`.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
# Pipes end in `grep ... >/dev/null`, never `grep -q`: -q exits at the first match, and
# under pipefail the writer's SIGPIPE would then fail the pipe (a flaky test).
build=$1 src=$2 sample=$3 sanitize=${4:-none}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

meson install -C "$build" --destdir "$root" --no-rebuild --quiet >/dev/null
pc=$(find "$root" -name libcapture.pc | head -n1)
[ -n "$pc" ] || { echo "FAIL: no libcapture.pc installed"; exit 1; }
for f in capture.h capsniff; do
  find "$root" -name "$f" | grep . >/dev/null || { echo "FAIL: $f not installed"; exit 1; }
done

export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$root
flags=$(pkg-config --cflags --libs libcapture)
echo "pkg-config: $flags"
extra=()
[ "$sanitize" != none ] && extra=(-fsanitize="$sanitize")
cc=${CC:-cc}
"$cc" -std=c11 -Wall -Werror "${extra[@]}" -o "$root/downstream" "$src/tests/packaging/downstream.c" $flags

libdir=$(dirname "$(find "$root" -name 'libcapture.so.0' | head -n1)")
out=$(LD_LIBRARY_PATH=$libdir "$root/downstream" "$sample")
echo "downstream: $out"
# The program must run against the installed library, not the build tree's.
LD_LIBRARY_PATH=$libdir ldd "$root/downstream" | grep -F "$libdir/libcapture.so.0" >/dev/null ||
  { echo "FAIL: downstream did not resolve the installed libcapture"; exit 1; }
[[ "$out" == "libcapture "*" EN10MB "* ]] || { echo "FAIL: unexpected output"; exit 1; }
