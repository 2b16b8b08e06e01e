#!/usr/bin/env python3
# capfilter_savefile.py - capfilter -r selects exactly the packets tcpdump -r selects, savefile rules included.
# SPDX-License-Identifier: BSD-2-Clause
"""usage: capfilter_savefile.py PATH_TO_CAPFILTER

For each expression over each capture below (DLT_NULL files written on BSDs
whose AF_INET6 is not Linux's, a savefile with a snapshot length above
262144, Ethernet, Linux cooked, big-endian, nanosecond stamps), the packets
to which `capfilter -r` gives a non-zero result must be those `tcpdump -r -w`
writes (to the microsecond), and every accepted packet's result must be the
file's snapshot length, as libpcap's ret #snaplen. Every expression must
select some packet somewhere. Needs LCAP_TESTDATA and
tcpdump (a missing one fails the test)."""
import os
import subprocess
import sys
import tempfile

import pcapfile
import testdata

CAPFILTER = sys.argv[1]
CAPTURES = ["icmpv6-RFC2894-RR.pcap", "quic_vn.pcap", "unsupported-link-type-dbus.pcap", "afs.pcap",
            "forces1.pcap", "mptcp-v0.pcap", "pptp.pcap", "tcp-handshake-nano.pcap"]
EXPRESSIONS = ["ip6", "not ip6", "ip", "tcp", "udp", "len > 100", "link[0] != 0"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def main():
    selected = {e: 0 for e in EXPRESSIONS}
    with tempfile.TemporaryDirectory() as tmp:
        theirs = os.path.join(tmp, "theirs.pcap")
        for name in CAPTURES:
            capture = testdata.path(os.path.join("captures", name))
            original = pcapfile.read(capture)
            snaplen, pkts = original.snaplen, pcapfile.packets_usec(original)
            for expr in EXPRESSIONS:
                t = subprocess.run(["tcpdump", "-r", capture, "-w", theirs, expr], capture_output=True, timeout=60)
                c = subprocess.run([CAPFILTER, "-r", capture, expr], capture_output=True, timeout=60, text=True)
                if t.returncode != 0:
                    check(c.returncode == 65, "%s '%s': tcpdump refused, capfilter rc %d" % (name, expr, c.returncode))
                    continue
                check(c.returncode == 0, "%s '%s': capfilter rc %d %s" % (name, expr, c.returncode, c.stderr))
                results = [int(x) for x in c.stdout.split()]
                check(len(results) == len(pkts),
                      "%s '%s': %d results for %d packets" % (name, expr, len(results), len(pkts)))
                ours = [p for p, r in zip(pkts, results) if r != 0]
                check(all(r in (0, snaplen) for r in results),
                      "%s '%s': results other than 0 and the snapshot length %d" % (name, expr, snaplen))
                written = pcapfile.packets_usec(pcapfile.read(theirs))
                check(ours == written, "%s '%s': capfilter selects %d packets, tcpdump %d (or others)"
                      % (name, expr, len(ours), len(written)))
                selected[expr] += len(ours)
    for expr, n in selected.items():
        check(n > 0, "'%s' selects no packet in any capture" % expr)
    print("%d expressions over %d captures, %d failures" % (len(EXPRESSIONS), len(CAPTURES), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
