#!/usr/bin/env python3
# capsniff_tcpdump.py - capsniff's lines against tcpdump -n -S (and -e), field by field, over every capture in tests/data.
# SPDX-License-Identifier: BSD-2-Clause
"""usage: capsniff_tcpdump.py PATH_TO_CAPSNIFF CAPTURES_DIR [-v]

Runs `capsniff -r F`, `capsniff -e -r F`, `TZ=UTC tcpdump -n -S -r F` and
`TZ=UTC tcpdump -n -S -e -r F` over every file F of CAPTURES_DIR and compares,
packet by packet, every field capsniff prints with the same field of
tcpdump's line: time, IP addresses and ports, TCP flags / seq / ack / win /
urg / options / length, UDP length, the words of the ICMP, ICMPv6, IGMP,
SCTP, ARP and LLC messages, and with -e the link-level header: Ethernet's
MAC addresses, EtherTypes, frame and 802.3 lengths, VLAN ids and priorities,
LLC and SNAP headers; BSD loopback's address family; Linux SLL's direction,
address and protocol; raw IP's "ip: ". The rest of an -e line is compared as
the plain line is. Where tcpdump decodes further than capsniff (a DNS payload instead of
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
import struct
import subprocess
import sys
import tempfile

import pcapfile

CAPSNIFF = None  # set by main(); capsniff_test.py imports crafted_frames() from here

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
    "loopback family": 110, "sll": 600, "raw ip": 45,
}

TIME = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) ")
IP_HEAD = re.compile(r"^(IP6? |)(truncated-ip6? - \d+ bytes missing! ?)?(\S+) > (\S+?):(?: |$)(.*)$")
MAC = r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}"
LINK_TOKENS = [  # (field, regex) consumed in turn from the start of an -e line
    ("loopback family", re.compile(r"AF (.+?) \((\d+)\), length (\d+)(?:: |$)")),
    ("sll", re.compile(r" *(In|Out|B|M|P|\?) (?:([0-9a-f]{2}(?::[0-9a-f]{2})*) )?ethertype (.+?) "
                       r"\((0x[0-9a-f]{4})\), length (\d+)(?:: |$)")),
    ("raw ip", re.compile(r"ip: ()")),
    ("mac addresses", re.compile(r"(%s) > (%s), " % (MAC, MAC))),
    ("ethertype", re.compile(r"ethertype (.+?) \((0x[0-9a-f]{4})\), (?=length \d+(?:: |$))")),
    ("frame length", re.compile(r"length (\d+)(?:: |$)")),
    ("802.3 length", re.compile(r"802\.3, length (\d+): ")),
    ("vlan", re.compile(r"vlan (\d+), p (\d+)(, DEI)?, ")),
    ("ethertype", re.compile(r"ethertype (.+?) \((0x[0-9a-f]{4})\), ")),
    ("802.3 length", re.compile(r"802\.3(?=LLC)()")),
    ("llc", re.compile(r"LLC, dsap (.+?) \((0x[0-9a-f]{2})\) (Individual|Group), ssap (.+?) "
                       r"\((0x[0-9a-f]{2})\) (Command|Response), ctrl (0x[0-9a-f]+)(?::|$) ?")),
    ("snap", re.compile(r"oui (.+?) \((0x[0-9a-f]{6})\), (pid|ethertype) (.+?) \((0x[0-9a-f]{4})\), "
                        r"length (\d+)(?::|$) ?")),
]


VLAN_TOKEN = dict(LINK_TOKENS)["vlan"]
# The link types whose header capsniff -e prints (print_link.c), by tcpdump's names for them.
LINK_HEADERS = ("EN10MB", "LINUX_SLL", "NULL", "LOOP", "RAW", "IPV4", "IPV6")


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
    """Every ', '-separated item of ours appears in theirs, in order (tcpdump
    may print more items between them); only our last item may stop short of
    tcpdump's, where capsniff names a message without decoding its contents."""
    a, b = ours.split(", "), theirs.split(", ")
    j = 0
    for k, item in enumerate(a):
        last = k == len(a) - 1
        while j < len(b) and not (b[j] == item or (last and b[j].startswith((item + " ", item + ":")))):
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
            field = rest.split(None, 1)[0].rstrip(",").split("[")[0].split("-")[0].lower()
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
        if field in ("ethertype", "llc", "snap", "sll", "loopback family"):
            # A name capsniff does not know is "Unknown": then only the numbers must agree.
            vo = tuple(x for x in vo if x != "Unknown")
            vt = tuple(y for x, y in zip(mo.groups(), vt) if x != "Unknown")
        t.check(field, vo == vt, name, ours, theirs)
        ours, theirs = ours[mo.end():], theirs[mt.end():]


def compare_file(captures, fname):
    path = os.path.join(captures, fname)
    env = dict(os.environ, TZ="UTC")
    t = Tally()
    plain, _ = run([CAPSNIFF, "-r", path])
    td, err = run(["tcpdump", "-n", "-S", "-r", path], env)
    link = re.search(r"link-type (\S+) ", err)
    with_header = link is not None and link.group(1) in LINK_HEADERS
    withe = tde = ""
    if with_header:  # -e shows nothing more for the other link types
        withe, _ = run([CAPSNIFF, "-e", "-r", path])
        tde, _ = run(["tcpdump", "-n", "-S", "-e", "-r", path], env)
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
    if with_header:
        for i, (o, th) in enumerate(zip(ourse, theirse)):
            name = "%s #%d (-e)" % (fname, i + 1)
            mo, mt = TIME.match(o), TIME.match(th)
            if mo is None or mt is None:
                continue
            ro, rt = compare_link(t, name, o[mo.end():], th[mt.end():])
            if ro == "" and VLAN_TOKEN.match(rt):
                t.check("vlan", False, name, o, th)  # a tag tcpdump sees and capsniff does not
            if ro is None or ro == "" or ro.startswith("[|"):
                continue
            # What follows the link header: the plain line's fields without its "IP " / "ARP, " name.
            compare_body(t, name, ro, rt, "-e ")
    return t


def crafted_frames():
    """Ethernet frames for the cases the captures lack: lengths that disagree
    between layers, every VLAN tag form, each TCP option, the ICMP, ICMPv6 and
    IGMP types capsniff names, ARP's operations, 802.3 LLC and SNAP."""
    mac = bytes.fromhex("020000000001020000000002")

    def ip4(proto, payload, total=None, src=b"\xc0\x00\x02\x01", dst=b"\xc0\x00\x02\x02"):
        total = 20 + len(payload) if total is None else total
        return struct.pack(">BBHHHBBH4s4s", 0x45, 0, total, 1, 0, 64, proto, 0, src, dst) + payload

    def ip6(nh, payload, plen=None):
        plen = len(payload) if plen is None else plen
        return struct.pack(">IHBB16s16s", 0x60000000, plen, nh, 64, bytes.fromhex("20010db8" + "0" * 23 + "1"),
                           bytes.fromhex("20010db8" + "0" * 23 + "2")) + payload

    def eth(etype, payload, tags=()):
        head = mac
        for tpid, tci in tags:
            head += struct.pack(">HH", tpid, tci)
        return head + struct.pack(">H", etype) + payload

    def udp(ulen, data):
        return struct.pack(">HHHH", 40001, 40002, ulen, 0) + data

    def tcp(flags, opts=b"", data=b"", urg=0):
        hlen = 20 + len(opts)
        return struct.pack(">HHIIBBHHH", 40000, 4000, 1000, 2000, (hlen // 4) << 4, flags, 512, 0, urg) + opts + data

    frames = [
        eth(0x0800, ip4(17, udp(20, b"x" * 20))),            # UDP shorter than the IP payload
        eth(0x0800, ip4(17, udp(100, b"x" * 20))),           # UDP longer than the IP payload
        eth(0x0800, ip4(17, udp(4, b"x" * 20))),             # UDP length below its header
        eth(0x86dd, ip6(17, udp(12, b"y" * 30))),            # the same over IPv6
        eth(0x0800, ip4(17, udp(28, b"z" * 20)), tags=((0x8100, 0xbfff),)),           # prio 5, DEI, vlan 4095
        eth(0x0800, ip4(17, udp(28, b"z" * 20)), tags=((0x88a8, 0x0123), (0x8100, 0x4456))),
        eth(0x0806, bytes(28), tags=((0x9100, 0x0007),)),
        eth(0x86dd, ip6(17, udp(16, b"q" * 8)), tags=((0x8100, 0x2abc),)),
        eth(0x0800, ip4(6, tcp(0x02, bytes.fromhex("020405b4010303070402080a0000000100000002")))),
        eth(0x0800, ip4(6, tcp(0x10, bytes.fromhex("0101050a0000006400000190") + bytes(4)))),   # SACK, one block
        eth(0x0800, ip4(6, tcp(0x10, bytes.fromhex("0101051200000064000001900000025800000320"))[:-2] + b"\x00\x00")),
        eth(0x0800, ip4(6, tcp(0x18, bytes.fromhex("1c040258fa0401020000"), b"data"))),       # UTO, unknown, eol
        eth(0x0800, ip4(6, tcp(0x12, bytes.fromhex("0206000005b4") + bytes(2)))),             # mss of length 6
        eth(0x0800, ip4(6, tcp(0x38, bytes.fromhex("02ff0000"), b"u", urg=7))),               # a length past the end
        eth(0x0800, ip4(6, tcp(0x10, bytes.fromhex("1312") + bytes(range(16)) + bytes(2)))),  # md5
        eth(0x0800, ip4(6, tcp(0xc1, bytes.fromhex("0000")  + bytes(2)))),
    ]
    inner = ip4(17, udp(30, b"i" * 22), src=b"\x0a\x00\x00\x01", dst=b"\x0a\x00\x00\x09")
    for t, c, rest in ((3, 0, b""), (3, 1, b""), (3, 2, b""), (3, 3, b""), (3, 4, b"\x00\x00\x05\xdc"),
                       (11, 0, b""), (11, 1, b""), (4, 0, b""), (0, 0, b"\x12\x34\x00\x07"), (8, 0, b"\x00\x01\x00\x02"),
                       (13, 0, b"\x00\x05\x00\x06"), (42, 0, b"")):
        body = struct.pack(">BBH", t, c, 0) + (rest or bytes(4)) + inner
        frames.append(eth(0x0800, ip4(1, body)))
    inner6 = ip6(17, udp(16, b"j" * 8))
    for t, rest in ((1, bytes(4) + inner6), (2, struct.pack(">I", 1280) + inner6), (3, bytes(4) + inner6),
                    (3, bytes(4)), (-3, bytes(4) + inner6),
                    (128, b"\x00\x07\x00\x09"),
                    (129, b"\x00\x07\x00\x09"), (133, bytes(4)), (135, bytes(4) + bytes.fromhex("fe80" + "0" * 27 + "1")),
                    (136, bytes(4) + bytes.fromhex("fe80" + "0" * 27 + "2")), (143, b"\x00\x00\x00\x01" + bytes(20)),
                    (200, bytes(4)), (250, bytes(4))):
        frames.append(eth(0x86dd, ip6(58, struct.pack(">BBH", abs(t), t < 0, 0) + rest + bytes(8))))
    group = b"\xe0\x01\x02\x03"
    for t, code, extra in ((0x12, 0, b""), (0x16, 0, b""), (0x17, 0, b""), (0x11, 0, b""), (0x11, 100, b""),
                           (0x11, 50, b""), (0x11, 10, bytes(4)), (0x11, 200, bytes(4)), (0x22, 0, b""), (0x33, 0, b"")):
        g = b"\x00\x00\x00\x01" + bytes.fromhex("01000000") + group if t == 0x22 else group
        frames.append(eth(0x0800, ip4(2, struct.pack(">BBH", t, code, 0) + g + extra)))
    frames.append(eth(0x0800, ip4(132, struct.pack(">HHII", 6704, 9, 0, 0) + struct.pack(">BBH", 1, 0, 20) + bytes(16))))
    frames.append(eth(0x0800, ip4(132, struct.pack(">HHII", 2905, 2905, 0, 0) + struct.pack(">BBH", 0, 3, 20) + bytes(16))))
    for op, tha in ((1, bytes(6)), (1, b"\x02\x00\x00\x00\x00\x09"), (2, mac[:6]), (3, mac[6:]), (4, mac[:6]),
                    (8, mac[:6]), (9, mac[:6]), (77, bytes(6))):
        frames.append(eth(0x0806, struct.pack(">HHBBH", 1, 0x0800, 6, 4, op) + mac[6:] + b"\xc0\x00\x02\x01" +
                          tha + b"\xc0\x00\x02\x02"))
    # IPv6 extension headers: hop-by-hop, destination options, fragments, AH, routing, a jumbogram.
    u6 = udp(16, b"e" * 8)
    for nh, payload, plen in (
            (0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + u6, None),
            (60, bytes([6, 0, 1, 4, 0, 0, 0, 0]) + tcp(0x18, b"", b"ab"), None),
            (44, bytes([17, 0, 0, 1, 0, 0, 0, 9]) + u6, None),
            (44, bytes([17, 0, 0x05, 0x01, 0, 0, 0, 9]) + b"f" * 16, None),
            (51, bytes([58, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 5]) + bytes(12) + struct.pack(">BBH", 128, 0, 0) +
             b"\x00\x01\x00\x02", None),
            (43, bytes([17, 2, 0, 1, 0, 0, 0, 0]) + bytes(16) + u6, None),
            (0, bytes([17, 0, 0xc2, 4]) + struct.pack(">I", 70000) + udp(0, b"g" * 8), 0),
            (0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + u6, 0)):
        frames.append(eth(0x86dd, ip6(nh, payload, plen)))
    stp = bytes.fromhex("424203") + bytes(35)
    frames.append(mac + struct.pack(">H", len(stp)) + stp + bytes(8))              # STP, padded to 60
    frames.append(mac + struct.pack(">H", 200) + stp)                              # length past the frame
    cdp = bytes.fromhex("aaaa0300000c2000") + bytes(20)
    frames.append(mac + struct.pack(">H", len(cdp)) + cdp)
    snap_ip = bytes.fromhex("aaaa030000000800") + ip4(17, udp(12, b"s" * 4))
    frames.append(mac + struct.pack(">H", len(snap_ip)) + snap_ip)
    frames.append(mac + struct.pack(">H", 10) + bytes.fromhex("f0f1" + "0e00") + bytes(6))   # an I frame
    return frames


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(pcapfile.header(1))
        for i, fr in enumerate(frames):
            f.write(pcapfile.record(1700000000 + i, 1000 * i, fr))


def main():
    global CAPSNIFF
    CAPSNIFF, captures, verbose = sys.argv[1], sys.argv[2], "-v" in sys.argv[3:]
    names = sorted(n for n in os.listdir(captures) if n.endswith((".pcap", ".pcapng")))
    total = Tally()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for t in pool.map(lambda n: compare_file(captures, n), names):
            total.merge(t)
    with tempfile.TemporaryDirectory() as tmp:
        frames = crafted_frames()
        write_pcap(os.path.join(tmp, "crafted.pcap"), frames)
        crafted = compare_file(tmp, "crafted.pcap")
        total.merge(crafted)
    # Every crafted frame printed by both (else a broken crafted.pcap would agree on nothing).
    failed = crafted.compared["time"] != len(frames)
    if failed:
        print("FAIL: crafted.pcap: %d of its %d frames compared" % (crafted.compared["time"], len(frames)),
              file=sys.stderr)
    print("capsniff vs tcpdump -n -S over %d captures (%s) and crafted.pcap:" % (len(names), captures))
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
            for x in d[:None if verbose else 4]:
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
