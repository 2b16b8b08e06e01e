#!/usr/bin/env python3
# filter_paren_shapes.py - generates short filter expressions around
# parentheses, bare ids (addresses, numbers, names) and 'not' after and/or
# and after qualifiers, and prints those that libcapture and libpcap accept
# or refuse differently (both compiled for DLT_EN10MB through ctypes).
#   usage: filter_paren_shapes.py LIBCAPTURE_SO [-n COUNT] [-s SEED] [-a]
#   -a prints every expression with both verdicts ("ok"/"ERR", libcapture
#   first), not only the differing ones. Exit status 1 if any differ.
# SPDX-License-Identifier: BSD-2-Clause
import ctypes
import ctypes.util
import random
import sys

# Leads: what an expression starts with, and the ids that fit its qualifier.
ADDR_IDS = ["5.6.7.8", "10.0.0.0/8", "10.0.0.0 mask 255.0.0.0", "2001:db8::1", "2001:db8::/32",
            "00:11:22:33:44:55", "localhost"]
NUM_IDS = ["81", "(82)", "((83))", "domain"]
LEADS = [("host 1.2.3.4", ADDR_IDS), ("src and dst net 0.0.0.0/0", ADDR_IDS), ("not host 1.2.3.4", ADDR_IDS),
         ("ether host 00:11:22:33:44:66", ["00:11:22:33:44:55"]), ("port 80", NUM_IDS),
         ("tcp port 80", NUM_IDS), ("tcp", ADDR_IDS), ("ip[0] = 1", NUM_IDS), ("(host 1.2.3.4)", ADDR_IDS),
         ("(host 1.2.3.4 or 5.6.7.8)", ADDR_IDS), ("((port 80))", NUM_IDS), ("not (tcp)", ADDR_IDS),
         ("src or dst host 1.2.3.4", ADDR_IDS), ("vlan (5)", NUM_IDS)]
TERMS = ["tcp", "udp", "ip[0] = 1", "host 9.9.9.9", "port 53", "(tcp)", "len > 5", "not udp", "81 = 81",
         "(81) = 81", "((1 + 2)) = 3", "(ip[0] + 1) = 2", "(host 9.9.9.9 or 8.8.8.8)", "(81 = 81)", "vlan 5",
         "vlan (5)", "not (port 53 or 54)", "dst port ((54))"]
OPS = ["and", "or"]


def element(rng, ids, depth):
    """One operand after and/or (or inside parentheses)."""
    r = rng.random()
    if depth >= 3 or r < 0.35:
        return rng.choice(ids) if rng.random() < 0.7 else rng.choice(TERMS)
    if r < 0.5:
        return "not " + element(rng, ids, depth + 1)
    return group(rng, ids, depth + 1)


def group(rng, ids, depth):
    parts = [element(rng, ids, depth)]
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        parts += [rng.choice(OPS), element(rng, ids, depth)]
    return "(" + " ".join(parts) + ")"


def expression(rng):
    lead, ids = rng.choice(LEADS)
    if rng.random() < 0.2 and lead.split()[-2:-1] in (["host"], ["port"]):
        # a qualifier's own id as a group: "host (a or (b))"
        lead = " ".join(lead.split()[:-1]) + " " + group(rng, ids, 1)
    parts = [lead]
    for _ in range(rng.choice([1, 1, 2, 3])):
        parts += [rng.choice(OPS), element(rng, ids, 1)]
    return " ".join(parts)


# The lead's table (issue 11, seed 62 of filter_diff) comes first.
FIXED = [
    "src and dst net 0.0.0.0/0 or (net 2001:db8::/32 and src host 172.16.0.9) or ((172.16.0.9))",
    "host 1.2.3.4 or ((5.6.7.8))", "host 1.2.3.4 or (5.6.7.8)", "host 1.2.3.4 or ((5.6.7.8) or 1.1.1.1)",
    "host 1.2.3.4 or (1.1.1.1 or (5.6.7.8))", "host 1.2.3.4 or (1.1.1.1 or ((5.6.7.8)))",
    "port 80 or ((81))", "port 80 or ((81) or 82)", "host 1.2.3.4 or (5.6.7.8 or tcp)",
]


class Bpf(ctypes.Structure):
    _fields_ = [("bf_len", ctypes.c_uint), ("bf_insns", ctypes.c_void_p)]


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__ or "usage: filter_paren_shapes.py LIBCAPTURE_SO [-n COUNT] [-s SEED] [-a]", file=sys.stderr)
        return 2
    cap = ctypes.CDLL(args[0])
    count, seed, show_all = 3000, 1, "-a" in args
    if "-n" in args:
        count = int(args[args.index("-n") + 1])
    if "-s" in args:
        seed = int(args[args.index("-s") + 1])
    pcap = ctypes.CDLL(ctypes.util.find_library("pcap"))
    pcap.pcap_open_dead.restype = ctypes.c_void_p
    pcap.pcap_geterr.restype = ctypes.c_char_p
    pcap.pcap_geterr.argtypes = [ctypes.c_void_p]
    pcap.pcap_compile.argtypes = [ctypes.c_void_p, ctypes.POINTER(Bpf), ctypes.c_char_p, ctypes.c_int,
                                  ctypes.c_uint32]
    pcap.pcap_freecode.argtypes = [ctypes.POINTER(Bpf)]
    cap.capture_compile.restype = ctypes.c_void_p
    cap.capture_compile.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint32,
                                    ctypes.c_char_p]
    cap.capture_bpf_free.argtypes = [ctypes.c_void_p]
    dead = pcap.pcap_open_dead(1, 262144)

    rng = random.Random(seed)
    seen, exprs = set(), []
    for e in FIXED + [expression(rng) for _ in range(count)]:
        if e not in seen:
            seen.add(e)
            exprs.append(e)
    differ = 0
    for e in exprs:
        prog = Bpf()
        pok = pcap.pcap_compile(dead, ctypes.byref(prog), e.encode(), 0, 0xffffff00) == 0
        perr = "" if pok else pcap.pcap_geterr(dead).decode(errors="replace")
        if pok:
            pcap.pcap_freecode(ctypes.byref(prog))
        err = ctypes.create_string_buffer(256)
        b = cap.capture_compile(1, 262144, e.encode(), 0, 0xffffff00, err)
        cok = b is not None
        cap.capture_bpf_free(b)
        if cok != pok:
            differ += 1
        if show_all or cok != pok:
            print("%s\t%s\t%s\t%s\t%s" % ("ok" if cok else "ERR", "ok" if pok else "ERR", e,
                                         err.value.decode(errors="replace"), perr))
    print("filter_paren_shapes: %d expressions (seed %d), %d accepted or refused differently"
          % (len(exprs), seed, differ), file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
