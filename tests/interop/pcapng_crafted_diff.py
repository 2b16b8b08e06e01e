#!/usr/bin/env python3
# pcapng_crafted_diff.py - writes seeded random pcapng savefiles full of edge
# cases (both byte orders, several sections, decimal and binary resolutions,
# offsets, EPB/SPB/PB, unknown and damaged blocks, odd options, snaplens,
# host-order pseudo-headers, truncation) and has savefile_diff compare
# libcapture with libpcap on every one of them.
# usage: pcapng_crafted_diff.py path/to/savefile_diff [files-per-seed]
#
# Left out on purpose, as documented deviations from libpcap 1.10.3:
# resolutions finer than 2^-34 (libpcap's 64-bit product wraps) and several
# interfaces whose LINKTYPE differs from its DLT (libpcap compares the one
# with the other and refuses the second interface).
# SPDX-License-Identifier: BSD-2-Clause
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from crafted_driver import main, payload  # noqa: E402

SHB, IDB, PB, SPB, EPB = 0x0a0d0d0a, 1, 2, 3, 6
# LINKTYPE == DLT for all of these; 101 (LINKTYPE_RAW) only with one interface.
LINKTYPES = [1, 1, 1, 113, 276, 189, 220, 239, 231, 0, 105]
SNAPLENS = [0, 0, 0, 65535, 262144, 262144, 40, 64, 300000, 0xffffffff, 0x80000000]
VERSIONS = [(1, 0)] * 30 + [(1, 2)] * 5 + [(1, 1), (2, 0), (0, 1)]
TSRESOLS = [None] * 10 + [3, 6, 9, 9, 9, 0, 12, 19, 0x80 | 3, 0x80 | 10, 0x80 | 20,
                           0x80 | 30, 0x80 | 34] * 3 + [20, 0x80 | 64]


def block(e, btype, body, rng=None):
    body += bytes((-len(body)) % 4)
    n = 12 + len(body)
    trailer = n
    if rng is not None and rng.random() < 0.02:
        trailer = n + 4
    return struct.pack(e + 'II', btype, n) + body + struct.pack(e + 'I', trailer)


def opt(e, code, val):
    return struct.pack(e + 'HH', code, len(val)) + val + bytes((-len(val)) % 4)


def shb(e, rng, version=(1, 0)):
    opts = b''
    if rng.random() < 0.3:
        opts = opt(e, 4, b'crafted') + opt(e, 0, b'')
    return block(e, SHB, struct.pack(e + 'IHHq', 0x1a2b3c4d, version[0], version[1], -1) + opts)


def idb(e, rng, lt, snap):
    opts = b''
    if rng.random() < 0.5:
        opts += opt(e, 2, b'eth%d' % rng.randint(0, 9))
    r = rng.choice(TSRESOLS)
    if r is not None:
        opts += opt(e, 9, bytes([r]))
        if rng.random() < 0.01:
            opts += opt(e, 9, bytes([6]))
    if rng.random() < 0.3:
        opts += opt(e, 14, struct.pack(e + 'q', rng.choice([-100, 1000, 1 << 40, -(1 << 62)])))
    if rng.random() < 0.01:
        opts += opt(e, 14, b'\x01\x02')
    if rng.random() < 0.01:
        opts += struct.pack(e + 'HH', 3, 200)  # runs past the block
    if rng.random() < 0.5:
        opts += opt(e, 0, b'')
    return block(e, IDB, struct.pack(e + 'HHI', lt, 0, snap) + opts, rng)


def packet(e, rng, nif):
    kind = rng.choice([EPB] * 6 + [SPB, PB])
    cap = rng.choice([0, 4, 20, 40, 48, 64, 65, 100, 300])
    data = payload(rng, cap, e)
    ifid = rng.choice([0] * 30 + [max(nif - 1, 0)] * 5 + [nif, 7])
    ts = rng.choice([0, 1, 5000007, 1 << 32, (1 << 63) - 1, (1 << 64) - 1, rng.getrandbits(64),
                     rng.getrandbits(40)])
    ln = rng.choice([cap, cap + 10, max(cap - 3, 0), 1 << 20])
    claimed = cap if rng.random() < 0.97 else cap + rng.choice([1, 4, 1000])
    if kind == EPB:
        body = struct.pack(e + 'IIIII', ifid, ts >> 32, ts & 0xffffffff, claimed, ln) + data
        body += bytes((-len(body)) % 4)
        if rng.random() < 0.3:
            body += opt(e, 1, b'comment') + opt(e, 0, b'')
    elif kind == PB:
        body = struct.pack(e + 'HHIIII', ifid & 0xffff, 0, ts >> 32, ts & 0xffffffff, claimed, ln) + data
    else:
        body = struct.pack(e + 'I', rng.choice([cap, cap + 50, max(cap - 2, 0)])) + data
    return block(e, kind, body, rng)


def other_block(e, rng):
    kind = rng.choice(['unknown', 'isb', 'short', 'odd', 'huge'])
    if kind == 'unknown':
        return block(e, rng.choice([4, 5, 7, 10, 0xbad, 0x99]), bytes(rng.randint(0, 40)))
    if kind == 'isb':
        return block(e, 5, struct.pack(e + 'III', 0, 0, 0))
    if kind == 'short':
        return struct.pack(e + 'II', rng.choice([IDB, EPB, SHB]), 12) + struct.pack(e + 'I', 12)
    if kind == 'odd':
        return struct.pack(e + 'II', 0x99, rng.choice([8, 14, 18])) + bytes(12)
    return struct.pack(e + 'II', 0x99, rng.choice([0xfffffff0, 16777220, 0x80000000])) + bytes(8)


def one_file(rng):
    e = rng.choice('<>')
    out = shb(e, rng, rng.choice(VERSIONS))
    lt = rng.choice(LINKTYPES)
    snap = rng.choice(SNAPLENS)
    if rng.random() < 0.1:
        out += other_block(e, rng)
    nif = 0
    for _ in range(rng.randint(1, 3)):  # sections
        if nif and rng.random() < 0.9:
            out += shb(e if rng.random() < 0.95 else ('>' if e == '<' else '<'), rng,
                       rng.choice(VERSIONS))
            nif = 0
        for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
            same = rng.random() < 0.95
            out += idb(e, rng, lt if same else rng.choice(LINKTYPES),
                       snap if same else rng.choice(SNAPLENS))
            nif += 1
        for _ in range(rng.randint(0, 8)):
            r = rng.random()
            if r < 0.92:
                out += packet(e, rng, nif)
            else:
                out += other_block(e, rng)
    if rng.random() < 0.25:
        out = out[:rng.randint(0, len(out))]
    return out


if __name__ == '__main__':
    sys.exit(main('pcapng_crafted_diff.py', 'pcapng', one_file, 'lcap-crafted-ng-'))
