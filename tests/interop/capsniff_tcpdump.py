#!/usr/bin/env python3
# capsniff_tcpdump.py - capsniff's lines against tcpdump -n -S (and -e), field by field, over every capture in tests/data.
"""usage: capsniff_tcpdump.py PATH_TO_CAPSNIFF CAPTURES_DIR [-v]

Runs `capsniff -r F`, `capsniff -e -r F`, `TZ=UTC tcpdump -n -S -r F` and
`TZ=UTC tcpdump -n -S -e -r F` over every file F of CAPTURES_DIR and compares,
packet by packet, every field capsniff prints with the same field of
tcpdump's line: time, IP addresses and ports, TCP flags / seq / ack / win /
urg / options / length, UDP length, the words of the ICMP, ICMPv6, IGMP,
SCTP, ARP and LLC messages, and (with -e, Ethernet files) MAC addresses,
EtherTypes, frame and 802.3 lengths, VLAN ids and priorities, LLC and SNAP
headers. Where tcpdump decodes further than capsniff (a DNS payload instead of
"UDP, length N"), the field counts as "beyond": tcpdump does not print it in
capsniff's form, so it is not compared. Every field capsniff prints must
agree, apart from the KNOWN differences below; the per-field agreement is
printed. Exits 1 on any other difference, or when a field is compared on far
fewer lines than today (capsniff stopped printing it).
"""
import collections
import concurrent.futures
import os
import re
import subprocess
import sys

CAPSNIFF, CAPTURES = sys.argv[1], sys.argv[2]
VERBOSE = "-v" in sys.argv[3:]

# Differences that cannot be removed, each with its reason: (field, file name regex, why).
KNOWN = [
    ("time", r"^(timestamp_invalid_(micro|nano)|atm-oam-loopback-print-overrun)\.pcap ",
     "a sub-second field of 10^6 us / 10^9 ns or more: tcpdump prints the raw field, libcapture "
     "carries it into the seconds (capture.h: ts_nsec is always 0..999999999)"),
    ("tcp options", r"^mptcp-dss-oobr\.pcap ",
     "tcpdump's MPTCP decoder calls a 3-byte DSS option bad; capsniff names MPTCP options without decoding them"),
    ("ip other", r"^ipv6-too-long-jumbo\.pcap ",
     "a fuzzed hop-by-hop header longer than the packet: tcpdump still finds a jumbo length in it, "
     "capsniff stops at the header it cannot hold"),
    ("time", r"^time_2(038_overflow|039|106|106_max)\.pcap ",
     "tcpdump 4.99 prints [Error converting time] for times from 2038 on; capsniff prints them"),
]

# Each field must be compared on at least this many lines (about 90% of what
# the captures give today): a field capsniff stops printing fails here.
FLOORS = {
    "packets": 800, "time": 9000, "addresses": 4800, "ports": 3300, "tcp flags": 1400, "tcp seq": 900,
    "tcp ack": 1350, "tcp win": 1400, "tcp options": 1300, "tcp length": 1400, "udp length": 350,
    "icmp": 40, "icmp6": 40, "igmp": 50, "sctp": 220, "dccp": 40, "arp": 2000, "mac addresses": 7500,
    "ethertype": 7200, "frame length": 6200, "vlan": 80, "802.3 length": 430, "llc": 430, "snap": 95,
    "-e addresses": 4000, "-e tcp flags": 1000, "-e udp length": 280, "-e arp": 1800,
}

TIME = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) ")
IP_HEAD = re.compile(r"^(IP6? |)(truncated-ip6? - \d+ bytes missing! ?)?(\S+) > (\S+?):(?: |$)(.*)$")
MAC = r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}"
LINK_TOKENS = [  # (field, regex) consumed in turn from the start of an -e line
    ("mac addresses", re.compile(r"(%s) > (%s), " % (MAC, MAC))),
    ("ethertype", re.compile(r"ethertype (.+?) \((0x[0-9a-f]{4})\), (?=length \d+: )")),
    ("frame length", re.compile(r"length (\d+): ")),
    ("802.3 length", re.compile(r"802\.3, length (\d+): ")),
    ("vlan", re.compile(r"vlan (\d+), p (\d+)(, DEI)?, ")),
    ("ethertype", re.compile(r"ethertype (.+?) \((0x[0-9a-f]{4})\), ")),
    ("802.3 length", re.compile(r"802\.3(?=LLC)()")),
    ("llc", re.compile(r"LLC, dsap (.+?) \((0x[0-9a-f]{2})\) (Individual|Group), ssap (.+?) "
                       r"\((0x[0-9a-f]{2})\) (Command|Response), ctrl (0x[0-9a-f]+)(?::|$) ?")),
    ("snap", re.compile(r"oui (.+?) \((0x[0-9a-f]{6})\), (pid|ethertype) (.+?) \((0x[0-9a-f]{4})\), "
                        r"length (\d+)(?::|$) ?")),
]


def run(args, env=None):
    r = subprocess.run(args, capture_output=True, timeout=120, env=env)
    return r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def tcpdump_packets(text):
    """tcpdump's output as one string per packet: continuation lines joined on."""
    packets = []
    for line in text.splitlines():
        if TIME.match(line) or line.startswith("[Invalid header") or not packets:
            packets.append(line)
        else:
            packets[-1] += " " + line.strip()
    return packets


def items_agree(ours, theirs):
    """Every ', '-separated word group of ours appears in theirs, in order;
    the last of ours may be followed there by more words of the same group."""
    a, b = ours.split(", "), theirs.split(", ")
    j = 0
    for item in a:
        while j < len(b) and not (b[j] == item or b[j].startswith(item + " ") or b[j].startswith(item + ":")):
            j += 1
        if j == len(b):
            return False
        j += 1
    return True


def bracketed(text, start):
    """The text of the [...] that opens at text[start], nested brackets included."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"[": 1, "]": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1:i]
    return text[start + 1:]


def tcp_fields(rest):
    """The fields of a TCP line after its ports, as capsniff and tcpdump print them."""
    f = {}
    m = re.match(r"Flags \[([^\]]*)\]", rest)
    if not m:
        return f
    f["tcp flags"] = m.group(1)
    tail = rest[m.end():]
    for name, rx in (("tcp seq", r"^, seq (\d+(?::\d+)?)"), ("tcp ack", r"^(?:, seq \S+)?, ack (\d+)"),
                     ("tcp win", r"^(?:, seq \S+)?(?:, ack \d+)?, win (\d+)"),
                     ("tcp urg", r"^(?:, seq \S+)?(?:, ack \d+)?, win \d+, urg (\d+)")):
        m = re.search(rx, tail)
        if m:
            f[name] = m.group(1)
    i = tail.find(", options [")
    after = tail
    if i >= 0 and i < tail.find(", length ") if ", length " in tail else i >= 0:
        opts = bracketed(tail, i + len(", options "))
        f["tcp options"] = opts
        after = tail[i + len(", options [") + len(opts):]
    m = re.search(r"\]?, length (\d+)", after)
    if m:
        f["tcp length"] = m.group(1)
    return f


def options_agree(ours, theirs):
    """Option by option; options capsniff names without contents (mptcp, md5, tfo, exp, tcp-ao) by name."""
    a, b = ours.split(","), re.split(r",(?![^{(]*[})])", theirs)
    if ours == theirs:
        return True
    if len(a) > len(b):
        return False
    for x, y in zip(a, b):
        if x != y and not (x in ("mptcp", "md5", "tfo", "exp", "tcp-ao") and y.startswith(x)):
            return False
    return True


class Tally:
    def __init__(self):
        self.compared = collections.Counter()
        self.agree = collections.Counter()
        self.beyond = collections.Counter()
        self.known = collections.Counter()
        self.diffs = collections.defaultdict(list)

    def check(self, field, ok, name, ours, theirs):
        self.compared[field] += 1
        if ok:
            self.agree[field] += 1
            return
        for kfield, rx, _ in KNOWN:
            if kfield in (field, field[3:]) and re.search(rx, name):
                self.known[field] += 1
                return
        self.diffs[field].append("%s:\n      capsniff: %s\n      tcpdump:  %s" % (name, ours, theirs))

    def merge(self, other):
        for a in ("compared", "agree", "beyond", "known"):
            getattr(self, a).update(getattr(other, a))
        for k, v in other.diffs.items():
            self.diffs[k].extend(v)


def compare_body(t, name, ours, theirs, pre):
    """One packet's line after the time (pre: "" or -e's prefix for field names)."""
    mo, mt = IP_HEAD.match(ours), IP_HEAD.match(theirs)
    if mo and mo.group(1) + mo.group(3) != "" and "(" not in mo.group(3):
        rest = mo.group(5)
        ported = rest.startswith(("Flags [", "UDP", "truncated-udplength", "sctp", "DCCP")) or (
            rest.startswith("[|") and rest[2:5] in ("tcp", "udp") and "." in mo.group(3)[-6:])
        if ported and not re.match(r"^(IP6? |)\S+\.\d+ > \S+\.\d+:", ours):
            ported = bool(re.match(r"^\d+ > \d+:", ours))
        if not mt:
            t.check(pre + "addresses", False, name, ours, theirs)
            return
        if ported:
            so, do = mo.group(3).rsplit(".", 1)[0], mo.group(4).rsplit(".", 1)[0]
            st, dt = mt.group(3).rsplit(".", 1)[0], mt.group(4).rsplit(".", 1)[0]
            t.check(pre + "ports", (mo.group(3).rsplit(".", 1)[-1], mo.group(4).rsplit(".", 1)[-1]) ==
                    (mt.group(3).rsplit(".", 1)[-1], mt.group(4).rsplit(".", 1)[-1]), name, ours, theirs)
        else:
            so, do, st, dt = mo.group(3), mo.group(4), mt.group(3), mt.group(4)
        t.check(pre + "addresses", (mo.group(1), mo.group(2), so, do) == (mt.group(1), mt.group(2), st, dt),
                name, ours, theirs)
        trest = mt.group(5)
        if rest.startswith("Flags ["):
            fo, ft = tcp_fields(rest), tcp_fields(trest)
            for field, v in fo.items():
                ok = options_agree(v, ft.get(field, "")) if field == "tcp options" else v == ft.get(field)
                t.check(pre + field, ok, name, ours, theirs)
        elif rest.startswith("UDP"):
            if trest.startswith("UDP,"):
                t.check(pre + "udp length", rest == trest[:len(rest)], name, ours, theirs)
            else:
                t.beyond[pre + "udp length"] += 1
        elif rest.startswith(("ICMP6", "ICMP", "igmp", "sctp", "DCCP")):
            field = rest.split(None, 1)[0].rstrip(",").split("[")[0].lower()
            t.check(pre + field, items_agree(rest, trest), name, ours, theirs)
        elif " ip-proto-" in rest or rest.startswith(" ip-proto"):
            if trest.startswith(" ip-proto-"):
                t.check(pre + "ip other", rest == trest, name, ours, theirs)
            else:
                t.beyond[pre + "ip other"] += 1
        else:
            t.check(pre + "ip other", items_agree(rest, trest) or trest.startswith(rest), name, ours, theirs)
        return
    if ours.startswith("ARP, ") or (pre and ours.startswith(("Request who-has", "Reply "))):
        t.check(pre + "arp", items_agree(ours, theirs), name, ours, theirs)
    elif ours.startswith(("802.3", "ethertype ", "link-type ", "loopback, ")):
        # Link-level words of a frame capsniff does not decode further: -e checks them.
        t.beyond[pre + "undecoded link"] += 1
    else:
        t.check(pre + "other", items_agree(ours, theirs) or theirs.startswith(ours), name, ours, theirs)


def compare_link(t, name, ours, theirs):
    """The -e prefix of an Ethernet line; returns the rest of both lines."""
    while True:
        for field, rx in LINK_TOKENS:
            mo = rx.match(ours)
            if mo:
                break
        else:
            return ours, theirs
        mt = rx.match(theirs)
        if mt is None:
            t.check(field, False, name, ours, theirs)
            return None, None
        vo, vt = mo.groups(), mt.groups()
        if field in ("ethertype", "llc", "snap"):
            # A name capsniff does not know is "Unknown": then only the numbers must agree.
            vo = tuple(x for x in vo if x != "Unknown")
            vt = tuple(y for x, y in zip(mo.groups(), vt) if x != "Unknown")
        t.check(field, vo == vt, name, ours, theirs)
        ours, theirs = ours[mo.end():], theirs[mt.end():]


def compare_file(fname):
    path = os.path.join(CAPTURES, fname)
    env = dict(os.environ, TZ="UTC")
    t = Tally()
    plain, _ = run([CAPSNIFF, "-r", path])
    withe, _ = run([CAPSNIFF, "-e", "-r", path])
    td, err = run(["tcpdump", "-n", "-S", "-r", path], env)
    tde, _ = run(["tcpdump", "-n", "-S", "-e", "-r", path], env)
    ethernet = "link-type EN10MB " in err
    ours, theirs = plain.splitlines(), tcpdump_packets(td)
    ourse, theirse = withe.splitlines(), tcpdump_packets(tde)
    t.check("packets", len(ours) == len(theirs), fname, "%d lines" % len(ours), "%d packets" % len(theirs))
    for i, (o, th) in enumerate(zip(ours, theirs)):
        name = "%s #%d" % (fname, i + 1)
        mo, mt = TIME.match(o), TIME.match(th)
        if mo is not None and th.startswith("[Error converting time] "):
            t.check("time", False, name, o, th)
            compare_body(t, name, o[mo.end():], th[len("[Error converting time] "):], "")
            continue
        if mo is None or mt is None:
            t.check("invalid header", o == th, name, o, th)
            continue
        t.check("time", mo.group(1) == mt.group(1), name, o, th)
        compare_body(t, name, o[mo.end():], th[mt.end():], "")
    if ethernet:
        for i, (o, th) in enumerate(zip(ourse, theirse)):
            name = "%s #%d (-e)" % (fname, i + 1)
            mo, mt = TIME.match(o), TIME.match(th)
            if mo is None or mt is None:
                continue
            ro, rt = compare_link(t, name, o[mo.end():], th[mt.end():])
            if ro is None or ro == "" or ro.startswith("[|"):
                continue
            # What follows the link header: the plain line's fields without its "IP " / "ARP, " name.
            compare_body(t, name, ro, rt, "-e ")
    return t


def main():
    names = sorted(n for n in os.listdir(CAPTURES) if n.endswith((".pcap", ".pcapng", ".cap")) or "." not in n)
    total = Tally()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for t in pool.map(compare_file, names):
            total.merge(t)
    failed = False
    print("capsniff vs tcpdump -n -S over %d captures (%s):" % (len(names), CAPTURES))
    print("  %-20s %8s %8s %8s %6s %8s" % ("field", "compared", "agree", "differ", "known", "beyond"))
    fields = sorted(set(total.compared) | set(total.beyond))
    for f in fields:
        n, a, k = total.compared[f], total.agree[f], total.known[f]
        print("  %-20s %8d %8d %8d %6d %8d" % (f, n, a, n - a - k, k, total.beyond[f]))
    for f in fields:
        d = total.diffs.get(f, [])
        if d:
            failed = True
            print("FAIL: %s: %d lines differ from tcpdump; the first ones:" % (f, len(d)), file=sys.stderr)
            for x in d[:None if VERBOSE else 4]:
                print("    " + x, file=sys.stderr)
    for f, floor in FLOORS.items():
        if total.compared[f] < floor:
            failed = True
            print("FAIL: %s compared on %d lines, fewer than the %d the captures give" % (f, total.compared[f], floor),
                  file=sys.stderr)
    for f, rx, why in KNOWN:
        print("  known difference in %s (%s): %s" % (f, rx, why))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
