#!/usr/bin/env python3
# capsniff_expr.py - capsniff's trailing filter expression selects exactly the packets tcpdump's does.
# SPDX-License-Identifier: BSD-2-Clause
"""usage: capsniff_expr.py PATH_TO_CAPSNIFF

For each expression over each capture below, the packets `capsniff -w` writes
must be the packets `tcpdump -w` writes (times, lengths and bytes), and every
expression must select some packet in some capture, so a capsniff that ignored
its expression, or one that dropped everything, fails. Needs LCAP_TESTDATA."""
import os
import subprocess
import sys
import tempfile

import pcapfile
import testdata

CAPSNIFF = sys.argv[1]
CAPTURES = ["mptcp-v0.pcap", "afs.pcap", "802.1ad_QinQ.pcap", "pim-packet-assortment.pcap",
            "arp-oobr.pcap", "dhcp-rfc4388.pcap", "OSPFv3_with_AH.pcap", "LINKTYPE_RAW_ipv6.pcap",
            "of13_ericsson.pcapng", "vrrp.pcap", "pptp.pcap", "tcp-handshake-nano.pcap"]
EXPRESSIONS = ["tcp", "udp port 53", "icmp", "ip6", "arp", "vlan", "tcp[tcpflags] & tcp-syn != 0",
               "net 10.0.0.0/8", "not ip", "greater 1000", "less 100", "udp and not port 7000",
               "ip proto 112", "ip6 and udp", "tcp and port 6653 or udp port 7001", "ether broadcast",
               "ip multicast", "vlan 200 and vlan 2001 and arp", "vlan and not arp"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def packets(path):
    """What pcapfile.packets_usec says of the pcap file at path; None if it is not a whole one."""
    try:
        return pcapfile.packets_usec(pcapfile.read(path))
    except (OSError, pcapfile.Bad):
        return None


def compare(tmp, capture, expr):
    ours, theirs = os.path.join(tmp, "ours.pcap"), os.path.join(tmp, "theirs.pcap")
    t = subprocess.run(["tcpdump", "-n", "-r", capture, "-w", theirs, expr], capture_output=True, timeout=60)
    if t.returncode != 0:  # tcpdump refuses it for this link type: capsniff must refuse it too
        r = subprocess.run([CAPSNIFF, "-r", capture, "-w", ours, expr], capture_output=True, timeout=60)
        check(r.returncode == 65, "%s '%s': tcpdump refused (%r), capsniff rc %d"
              % (os.path.basename(capture), expr, t.stderr.strip()[-120:], r.returncode))
        return 0
    r = subprocess.run([CAPSNIFF, "-r", capture, "-w", ours] + expr.split(), capture_output=True, timeout=60)
    check(r.returncode == 0 and b"Sanitizer" not in r.stderr,
          "%s '%s': capsniff rc %d, %r" % (os.path.basename(capture), expr, r.returncode, r.stderr))
    a, b = packets(ours) if r.returncode == 0 else None, pcapfile.packets_usec(pcapfile.read(theirs))
    check(a is not None and a == b, "%s '%s': capsniff wrote %s packets, tcpdump %d (or they differ)"
          % (os.path.basename(capture), expr, "no" if a is None else len(a), len(b)))
    return len(b)


def main():
    selected = {e: 0 for e in EXPRESSIONS}
    with tempfile.TemporaryDirectory() as tmp:
        for name in CAPTURES:
            capture = testdata.path(os.path.join("captures", name))
            for expr in EXPRESSIONS:
                selected[expr] += compare(tmp, capture, expr)
        for expr, n in selected.items():
            check(n > 0, "'%s' selects no packet in any capture: pick a capture that has some" % expr)
        sample = os.path.join(tmp, "x.pcap")
        r = subprocess.run([CAPSNIFF, "-r", testdata.path("captures/" + CAPTURES[0]), "-w", sample,
                            "tcp", "and", "prot", "80"], capture_output=True, timeout=60)
        check(r.returncode == 65 and r.stderr.decode().startswith("capsniff: filter: syntax error at 'prot'"),
              "a bad expression: rc %d, %r" % (r.returncode, r.stderr))
    print("%d expressions over %d captures, %d failures" % (len(EXPRESSIONS), len(CAPTURES), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
