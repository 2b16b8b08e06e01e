#!/usr/bin/env bash
# check_exports.sh - a shared library exports only its API's names, every function its headers
# declare, carries the expected SONAME, links what it must and never libpcap.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: check_exports.sh LIB SONAME ALLOWED_ERE DECL_MACRO NEEDED_ERE HEADER...
#   ALLOWED_ERE  every exported symbol must match it
#   DECL_MACRO   the macro in front of each declared function (CAPTURE_EXTERN, PCAP_API)
#   NEEDED_ERE   a library ldd must list ('' for none)
#   HEADER       a header, or a folder whose *.h are all read
set -euo pipefail
# Pipes end in `grep ... >/dev/null`, never `grep -q`: -q exits at the first match, and
# under pipefail the writer's SIGPIPE would then fail the pipe (a flaky test).
lib=$1 soname=$2 allowed=$3 macro=$4 needed=$5
shift 5
fail=0

exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u)
stray=$(grep -Ev "$allowed" <<<"$exported" || true)
if [ -n "$stray" ]; then
  echo "FAIL: exported symbols outside the API's names ($allowed):"; echo "$stray"; fail=1
fi

declared=$(for h in "$@"; do if [ -d "$h" ]; then cat "$h"/*.h; else cat "$h"; fi; done | grep -v '^#' | grep -o "$macro [^(]*(" | sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ]; then
  echo "FAIL: declared but not exported by $lib:"; echo "$missing"; fail=1
fi

if ldd "$lib" | grep -E 'libpcap\.so' >/dev/null; then
  echo "FAIL: $lib links libpcap:"; ldd "$lib"; fail=1
fi
if [ -n "$needed" ] && ! ldd "$lib" | grep -E "$needed" >/dev/null; then
  echo "FAIL: $lib does not link $needed:"; ldd "$lib"; fail=1
fi
if readelf -d "$lib" | grep -F "SONAME" | grep -F "[$soname]" >/dev/null; then :; else
  echo "FAIL: SONAME is not $soname:"; readelf -d "$lib" | grep SONAME || true; fail=1
fi

echo "exports: $(wc -l <<<"$exported") symbols, $(wc -l <<<"$declared") declared"
exit $fail
