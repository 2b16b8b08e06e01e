#!/usr/bin/env bash
# scripts/test.sh - configures, builds and runs the whole test suite; --sanitize
# does it again with clang under ASan+UBSan and runs the fuzz harnesses briefly.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-normal}
case "$mode" in
  normal)
    dir=build
    opts=(-Dtests=enabled)
    ;;
  --sanitize)
    dir=build-sanitize
    export CC=clang
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    opts=(-Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=true
          -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all)
    ;;
  *) echo "usage: $0 [--sanitize]" >&2; exit 2 ;;
esac

. scripts/setup-build.sh
setup_build "$dir" "${opts[@]}"
ninja -C "$dir"
status=0
meson test -C "$dir" --num-processes 2 --print-errorlogs || status=$?

# One closing line that any CI reader understands.
python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): passed += 1
    elif r == "SKIP": skipped += 1
    else: failed += 1
print(f"tests: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
