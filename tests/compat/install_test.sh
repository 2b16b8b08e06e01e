#!/usr/bin/env bash
# install_test.sh - installs the build into a scratch root and builds the compat driver, a libpcap
# program, with nothing but `pkg-config --cflags --libs libcapture-pcap`; it must print what libpcap does.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
build=$1 src=$2 sample=$3 oracle=$4 sanitize=${5:-none}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

meson install -C "$build" --destdir "$root" --no-rebuild --quiet >/dev/null
pc=$(find "$root" -name libcapture-pcap.pc | head -n1)
[ -n "$pc" ] || { echo "FAIL: no libcapture-pcap.pc installed"; exit 1; }
for h in pcap.h pcap-namedb.h pcap/pcap.h pcap/bpf.h pcap/dlt.h pcap/namedb.h \
         pcap/pcap-inttypes.h pcap/funcattrs.h pcap/compiler-tests.h; do
  find "$root" -path "*/include/capture-pcap/$h" | grep . >/dev/null ||
    { echo "FAIL: include/capture-pcap/$h not installed"; exit 1; }
done
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$root
flags=$(pkg-config --cflags --libs libcapture-pcap)
echo "pkg-config: $flags"
# Never the system's headers: the flags must name capture-pcap's directory.
[[ "$flags" == *"/include/capture-pcap"* ]] || { echo "FAIL: cflags do not name include/capture-pcap"; exit 1; }
extra=()
[ "$sanitize" != none ] && extra=(-fsanitize="$sanitize")
"${CC:-cc}" -std=c11 -Wall -Werror "${extra[@]}" -o "$root/driver" "$src/tests/compat/compat_driver.c" "$src/tests/compat/compat_live.c" $flags -pthread

libdir=$(dirname "$(find "$root" -name 'libcapture-pcap.so.0' | head -n1)")
LD_LIBRARY_PATH=$libdir ldd "$root/driver" | grep -F "$libdir/libcapture-pcap.so.0" >/dev/null ||
  { echo "FAIL: the driver did not resolve the installed libcapture-pcap"; exit 1; }
if LD_LIBRARY_PATH=$libdir ldd "$root/driver" | grep 'libpcap\.so' >/dev/null; then
  echo "FAIL: the driver loads libpcap"; exit 1
fi
diff <("$oracle" read n next_ex "$sample") <(LD_LIBRARY_PATH=$libdir "$root/driver" read n next_ex "$sample") ||
  { echo "FAIL: installed layer and libpcap differ"; exit 1; }
echo "installed layer matches libpcap on $(basename "$sample")"
