#!/usr/bin/env python3
# pcap_crafted_diff.py - writes seeded random pcap savefiles full of edge cases
# (both magics and byte orders, the modified format, old versions, odd
# snaplens, FCS bits, out-of-range timestamps, host-order pseudo-headers,
# absurd lengths, truncation) and has savefile_diff compare libcapture with
# libpcap on every one of them.
# usage: pcap_crafted_diff.py path/to/savefile_diff [files-per-seed]
import random
import struct
import subprocess
import sys
import tempfile

MAGICS = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34]
# Ethernet, SLL, SLL2, USB, USB mmapped, NFLOG, LINKTYPE_RAW (mapped), D-Bus, NULL
LINKTYPES = [1, 113, 276, 189, 220, 239, 101, 231, 0]
VERSIONS = [(2, 4)] * 6 + [(2, 3), (2, 2), (2, 0), (543, 0), (2, 5), (1, 0)]
SNAPLENS = [65535, 0, 10, 64, 0xffffffff, 0x80000000, 300000, 262144, 0x7ffffff5]
LT_EXTRA = [0, 0, 0, 0x04000000 | 0x20000000, 0x02000000, 0xfc000000]


def payload(rng, n, e):
    d = bytearray(rng.getrandbits(8) for _ in range(n))
    # Make the pseudo-header code paths likely: CAN protocols, isochronous
    # USB transfers with a few descriptors, NFLOG version 0 and sane TLVs.
    if n >= 16 and rng.random() < 0.5:
        d[14:16] = rng.choice([b'\x00\x0c', b'\x00\x0d'])
    if n >= 2 and rng.random() < 0.3:
        d[0:2] = rng.choice([b'\x00\x0c', b'\x00\x0d'])
    if n >= 10 and rng.random() < 0.5:
        d[9] = 0
    if n >= 4 and rng.random() < 0.5:
        d[1] = 0
    if n >= 64 and rng.random() < 0.5:
        d[60:64] = struct.pack(e + 'I', rng.randint(0, 3))
    if n >= 8 and rng.random() < 0.5:
        d[4:6] = struct.pack(e + 'H', rng.choice([4, 5, 8, 65535, 65533]))
    return bytes(d)


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
        data = payload(rng, cap, e) if cap < 5000 else b''
        out += struct.pack(e + 'IIII', sec, frac, cap, ln) + extra + data
    if rng.random() < 0.3:
        out = out[:rng.randint(0, len(out))]
    return out


def main():
    if len(sys.argv) < 2:
        print('usage: pcap_crafted_diff.py savefile_diff [files-per-seed]')
        return 2
    per_seed = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    status = 0
    with tempfile.TemporaryDirectory(prefix='lcap-crafted-') as d:
        for seed in (1, 2, 3):
            rng = random.Random(seed)
            paths = []
            for i in range(per_seed):
                p = f'{d}/s{seed}-{i:04d}.pcap'
                with open(p, 'wb') as f:
                    f.write(one_file(rng))
                paths.append(p)
            # 'all': a cut file may lose its magic and then is no savefile at all.
            r = subprocess.run([sys.argv[1], 'all'] + paths, capture_output=True, text=True)
            sys.stdout.write(r.stdout)
            if r.returncode != 0:
                print(f'FAIL seed {seed}: savefile_diff exited {r.returncode}')
                status = 1
    print('crafted pcap files: ' + ('all agree with libpcap' if status == 0 else 'DISAGREEMENTS above'))
    return status


if __name__ == '__main__':
    sys.exit(main())
