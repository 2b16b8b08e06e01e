#!/bin/sh
# with_namefiles.sh - runs CMD [ARG...] in a private mount namespace where
# /etc/hosts, /etc/ethers and /etc/networks carry the entries of
# tests/data/conformance/{hosts,ethers,networks} (after the system's own
# hosts lines), and hosts are looked up in files only (nsswitch.conf; and
# resolv.conf points at loopback where nothing answers), so the vector rows
# marked "configure the hosts file" (ethers, networks) run and unknown names
# fail at once without any traffic leaving the machine. Needs root (unshare -m, mount
# --bind): without it, exits 77 (meson's "skipped") saying so, or 1 under CI=true.
#   usage: with_namefiles.sh CMD [ARG...]     (LCAP_NAMEFILES=1 is set for CMD)
# SPDX-License-Identifier: BSD-2-Clause
set -eu

if [ $# -eq 0 ]; then
    echo "usage: with_namefiles.sh CMD [ARG...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
data=${LCAP_NAMEFILES_DATA:-$here/../data/conformance}

if [ "${LCAP_NAMEFILES_INSIDE:-}" != 1 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "with_namefiles: needs root for unshare -m and mount --bind; not run" >&2
        [ "${CI:-}" = true ] && exit 1  # CI runs as root: a skip there would hide the tests
        exit 77
    fi
    LCAP_NAMEFILES_INSIDE=1 exec unshare --mount --propagation private "$0" "$@"
fi

tmp=$(mktemp -d /tmp/lcap_namefiles.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The conformance files are excerpts with a Perl line or two around the
# entries: keep the lines whose fields have the entry's shape.
{ cat /etc/hosts 2>/dev/null || true
  awk '$1 ~ /^[0-9a-fA-F:.]+$/ && $1 ~ /[.:]/ && NF >= 2' "$data/hosts"; } > "$tmp/hosts"
awk '$1 ~ /^[0-9a-fA-F]+([:.-][0-9a-fA-F]+)+$/ && NF >= 2' "$data/ethers" > "$tmp/ethers"
{ cat /etc/networks 2>/dev/null || true
  awk '$2 ~ /^[0-9][0-9a-fA-FxX.]*$/ && NF >= 2' "$data/networks"; } > "$tmp/networks"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$tmp/resolv.conf"
if [ -f /etc/nsswitch.conf ]; then
    awk '/^hosts:/ { print "hosts: files"; next } { print }' /etc/nsswitch.conf > "$tmp/nsswitch.conf"
    files="hosts ethers networks resolv.conf nsswitch.conf"
else
    files="hosts ethers networks resolv.conf"
fi

# Bind each file over its /etc twin; a missing twin (often /etc/ethers) has
# nothing to bind over, so then /etc as a whole is replaced by a copy.
missing=0
for f in $files; do
    [ -f "/etc/$f" ] || missing=1
done
if [ $missing -eq 0 ]; then
    for f in $files; do
        mount --bind "$tmp/$f" "/etc/$f"
    done
else
    mkdir "$tmp/etc"
    cp -a /etc/. "$tmp/etc/" 2>/dev/null || true
    for f in $files; do
        rm -f "$tmp/etc/$f"
        cp "$tmp/$f" "$tmp/etc/$f"
    done
    mount --bind "$tmp/etc" /etc
fi

# The resolver must now see the conformance entries, or nothing below means anything.
if ! getent ahostsv4 noeth-ipv4-noipv6.host123.libpcap.test | grep -q '^10\.20\.30\.40 '; then
    echo "with_namefiles: getaddrinfo does not see the conformance hosts file" >&2
    exit 1
fi
if ! getent networks net-10-20-0-0.libpcap.test >/dev/null; then
    echo "with_namefiles: getnetbyname does not see the conformance networks file" >&2
    exit 1
fi

LCAP_NAMEFILES=1 "$@"
