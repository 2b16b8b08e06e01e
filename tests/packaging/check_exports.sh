#!/usr/bin/env bash
# check_exports.sh - the shared library exports only capture_* symbols, exports every
# function capture.h declares, and does not depend on libpcap.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
# Pipes end in `grep ... >/dev/null`, never `grep -q`: -q exits at the first match, and
# under pipefail the writer's SIGPIPE would then fail the pipe (a flaky test).
lib=$1
header=$2
fail=0

exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u)
stray=$(grep -v '^capture_' <<<"$exported" || true)
if [ -n "$stray" ]; then
  echo "FAIL: symbols exported without the capture_ prefix:"; echo "$stray"; fail=1
fi

declared=$(grep -v '^#' "$header" | grep -o 'CAPTURE_EXTERN[^(]*(' | sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ]; then
  echo "FAIL: declared in capture.h but not exported by $lib:"; echo "$missing"; fail=1
fi

if ldd "$lib" | grep -i pcap >/dev/null; then
  echo "FAIL: $lib links libpcap:"; ldd "$lib"; fail=1
fi
if readelf -d "$lib" | grep 'SONAME.*libcapture\.so\.0\]' >/dev/null; then :; else
  echo "FAIL: SONAME is not libcapture.so.0:"; readelf -d "$lib" | grep SONAME || true; fail=1
fi

n_exp=$(wc -l <<<"$exported"); n_decl=$(wc -l <<<"$declared")
echo "exports: $n_exp capture_* symbols, $n_decl declared in capture.h"
exit $fail
