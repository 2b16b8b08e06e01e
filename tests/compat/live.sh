#!/bin/sh
# live.sh - the compat suite's live half: a private network namespace with veth pairs (lv0-lv1
# up with IPv4 addresses, lv2-lv3 down, IPv6 off), where compare.py runs the driver built on
# libpcap and on libcapture-pcap in turn. Needs root (unshare -n); without it, exits 77 saying so.
#   usage: live.sh COMPARE.PY ORACLE LAYER SAVEFILE
# SPDX-License-Identifier: BSD-2-Clause
set -eu
if [ "${LCAP_LIVE_INSIDE:-}" != 1 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "live.sh: needs root for a network namespace; not run" >&2
        exit 77
    fi
    LCAP_LIVE_INSIDE=1 exec unshare --net "$0" "$@"
fi
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null || true
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
ip link set lo up
ip link add lv0 type veth peer name lv1
ip link add lv2 type veth peer name lv3
ip addr add 10.9.0.1/24 broadcast 10.9.0.255 dev lv0
ip addr add 10.9.1.1/16 dev lv3
ip link set lv0 up
ip link set lv1 up
exec python3 "$1" "$2" "$3" - live "$4"
