#!/usr/bin/env bash
# tests/compat/same_output.sh - runs two programs (system libpcap's build, the layer's) and fails, showing the diff, when their outputs differ.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
diff -u <("$1") <("$2") && echo "same output: $("$1" | wc -l) lines"
