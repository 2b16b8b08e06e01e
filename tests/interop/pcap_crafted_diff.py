#!/usr/bin/env python3
# pcap_crafted_diff.py - writes seeded random pcap savefiles full of edge cases
# (both magics and byte orders, the modified format, old versions, odd
# snaplens, FCS bits, out-of-range timestamps, host-order pseudo-headers,
# absurd lengths, truncation) and has savefile_diff compare libcapture with
# libpcap on every one of them.
# usage: pcap_crafted_diff.py path/to/savefile_diff [files-per-seed]
# SPDX-License-Identifier: BSD-2-Clause
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from crafted_driver import main, payload  # noqa: E402

MAGICS = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34]
# Ethernet, SLL, SLL2, USB, USB mmapped, NFLOG, LINKTYPE_RAW (mapped), D-Bus, NULL
LINKTYPES = [1, 113, 276, 189, 220, 239, 101, 231, 0]
VERSIONS = [(2, 4)] * 6 + [(2, 3), (2, 2), (2, 0), (543, 0), (2, 5), (1, 0)]
SNAPLENS = [65535, 0, 10, 64, 0xffffffff, 0x80000000, 300000, 262144, 0x7ffffff5]
LT_EXTRA = [0, 0, 0, 0x04000000 | 0x20000000, 0x02000000, 0xfc000000]


def one_file(rng):
    e = rng.choice('<>')
    magic = rng.choice(MAGICS)
    major, minor = rng.choice(VERSIONS)
    lt = rng.choice(LINKTYPES) | rng.choice(LT_EXTRA)
    out = struct.pack(e + 'IHHIIII', magic, major, minor, 0, 0, rng.choice(SNAPLENS), lt)
    extra = bytes(8) if magic == 0xa1b2cd34 else b''
    for _ in range(rng.randint(0, 6)):
        sec = rng.choice([1, 0x7fffffff, 0x80000000, 0xffffffff, rng.getrandbits(32)])
        frac = rng.choice([0, 999999, 1000000, 999999999, 1000000000, 0xffffffff,
                           0x80000000, rng.getrandbits(32)])
        cap = rng.choice([0, 4, 16, 19, 20, 23, 24, 40, 44, 47, 48, 63, 64, 80, 100, 200, 300000])
        ln = rng.choice([cap, cap + 10, max(cap - 3, 0), rng.getrandbits(16)])
        data = payload(rng, cap, e, tlv_lengths=True) if cap < 5000 else b''
        out += struct.pack(e + 'IIII', sec, frac, cap, ln) + extra + data
    if rng.random() < 0.3:
        out = out[:rng.randint(0, len(out))]
    return out


if __name__ == '__main__':
    sys.exit(main('pcap_crafted_diff.py', 'pcap', one_file, 'lcap-crafted-'))
