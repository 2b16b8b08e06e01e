#!/usr/bin/env python3
# filter_paren_shapes.py - generates short filter expressions around
# parentheses, bare ids (addresses, numbers, names) and 'not' after and/or
# and after qualifiers, and prints those that libcapture and libpcap accept
# or refuse differently (both compiled for DLT_EN10MB by filter_verdicts).
#   usage: filter_paren_shapes.py FILTER_VERDICTS [-n COUNT] [-s SEED] [-f LIST] [-a]
#   -f adds the expressions of LIST (one a line, '#' comments); -a prints
#   every expression with both verdicts ("ok"/"ERR", libcapture first) and
#   both messages, not only the differing ones. Exit status 1 if any differ.
# SPDX-License-Identifier: BSD-2-Clause
import random
import subprocess
import sys

# Leads: what an expression starts with, and the ids that fit its qualifier.
# Addresses and ports seen in tests/data/captures, so that the list's
# expressions match packets there (filter_diff -e compares the results).
ADDR_IDS = ["10.0.0.2", "10.0.0.0/8", "192.168.0.0 mask 255.255.0.0", "fe80::1", "fe80::/16",
            "00:10:18:b3:8f:10", "localhost"]
NUM_IDS = ["53", "(443)", "((67))", "domain"]
LEADS = [("host 10.0.0.1", ADDR_IDS), ("src and dst net 192.168.1.0/24", ADDR_IDS), ("not host 10.0.0.1", ADDR_IDS),
         ("ether host ff:ff:ff:ff:ff:ff", ["00:10:18:b3:8f:10"]), ("port 80", NUM_IDS),
         ("tcp port 80", NUM_IDS), ("tcp", ADDR_IDS), ("ip[0] = 1", NUM_IDS), ("(host 10.0.0.1)", ADDR_IDS),
         ("(host 10.0.0.1 or 10.0.0.2)", ADDR_IDS), ("((port 80))", NUM_IDS), ("not (tcp)", ADDR_IDS),
         ("src or dst host 10.0.0.1", ADDR_IDS), ("vlan (5)", NUM_IDS)]
TERMS = ["tcp", "udp", "ip[0] = 69", "host 192.168.1.249", "port 1985", "(tcp)", "len > 100", "not udp", "53 = 53",
         "(53) = 53", "((1 + 2)) = 3", "(ip[0] + 1) = 70", "(host 192.168.1.249 or 192.85.1.2)", "(53 = 53)",
         "vlan 5", "vlan (5)", "not (port 53 or 67)", "dst port ((67))"]
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


def main():
    args = sys.argv[1:]
    if not args:
        print("usage: filter_paren_shapes.py FILTER_VERDICTS [-n COUNT] [-s SEED] [-f LIST] [-a]", file=sys.stderr)
        return 2
    count, seed, show_all = 3000, 1, "-a" in args
    if "-n" in args:
        count = int(args[args.index("-n") + 1])
    if "-s" in args:
        seed = int(args[args.index("-s") + 1])
    listed = []
    if "-f" in args:
        with open(args[args.index("-f") + 1]) as f:
            listed = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    rng = random.Random(seed)
    exprs = list(dict.fromkeys(listed + [expression(rng) for _ in range(count)]))
    out = subprocess.run([args[0]], input="".join(e + "\n" for e in exprs), capture_output=True, text=True,
                         errors="replace", check=True).stdout
    differ = 0
    for line in out.splitlines():
        ours, theirs = line.split("\t")[:2]
        differ += ours != theirs
        if show_all or ours != theirs:
            print(line)
    print("filter_paren_shapes: %d expressions (%d listed, seed %d), %d accepted or refused differently"
          % (len(exprs), len(listed), seed, differ), file=sys.stderr)
    return 1 if differ or len(out.splitlines()) != len(exprs) else 0


if __name__ == "__main__":
    sys.exit(main())
