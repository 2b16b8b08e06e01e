#!/usr/bin/env bash
# check_exports.sh - libcapture-pcap exports only libpcap's names, every function its headers
# declare, has its own SONAME, links libcapture and never libpcap.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
lib=$1
incdir=$2
fail=0

exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u)
stray=$(grep -Ev '^(pcap_|bpf_(filter|validate|image|dump)$)' <<<"$exported" || true)
if [ -n "$stray" ]; then
  echo "FAIL: exported names that are not libpcap's:"; echo "$stray"; fail=1
fi
declared=$(cat "$incdir"/pcap/*.h | grep -v "^#" | grep -o 'PCAP_API [^(]*(' | sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ]; then
  echo "FAIL: declared but not exported:"; echo "$missing"; fail=1
fi
if ldd "$lib" | grep -E 'libpcap\.so' >/dev/null; then
  echo "FAIL: $lib links libpcap:"; ldd "$lib"; fail=1
fi
if ldd "$lib" | grep 'libcapture\.so\.0' >/dev/null; then :; else
  echo "FAIL: $lib does not link libcapture:"; ldd "$lib"; fail=1
fi
if readelf -d "$lib" | grep 'SONAME.*libcapture-pcap\.so\.0\]' >/dev/null; then :; else
  echo "FAIL: SONAME is not libcapture-pcap.so.0"; fail=1
fi
echo "exports: $(wc -l <<<"$exported") symbols, $(wc -l <<<"$declared") declared"
exit $fail
