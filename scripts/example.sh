#!/usr/bin/env bash
# scripts/example.sh - README's main job: build libcapture and run the example
# sniffer over the bundled sample capture with a filter that keeps TCP.
# SPDX-License-Identifier: BSD-2-Clause
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v meson >/dev/null || ! command -v ninja >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc meson ninja-build pkg-config >/dev/null
  else
    echo "example.sh: needs meson, ninja and a C compiler (apt-get install gcc meson ninja-build pkg-config)" >&2
    exit 1
  fi
fi
. scripts/setup-build.sh
setup_build build-example -Dtests=disabled -Dbench=disabled
quiet_build build-example
exec build-example/examples/capsniff -r examples/sample.pcap "$@" tcp
