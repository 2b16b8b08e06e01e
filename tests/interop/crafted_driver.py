# crafted_driver.py - shared by pcap_crafted_diff.py and pcapng_crafted_diff.py: packet payloads that reach the pseudo-header code, and the seeded write-then-savefile_diff loop.
# SPDX-License-Identifier: BSD-2-Clause
import random
import struct
import subprocess
import sys
import tempfile


def payload(rng, n, e, tlv_lengths=False):
    d = bytearray(rng.getrandbits(8) for _ in range(n))
    # Make the pseudo-header code paths likely: CAN protocols, isochronous
    # USB transfers with a few descriptors, NFLOG version 0 and (with
    # tlv_lengths) sane TLVs.
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
    if tlv_lengths and n >= 8 and rng.random() < 0.5:
        d[4:6] = struct.pack(e + 'H', rng.choice([4, 5, 8, 65535, 65533]))
    return bytes(d)


def main(script, kind, one_file, prefix):
    """Writes files-per-seed files of one_file(rng) for seeds 1..3 with the
    extension kind, has savefile_diff (argv[1]) compare each seed's batch and
    returns the exit status."""
    if len(sys.argv) < 2:
        print(f'usage: {script} savefile_diff [files-per-seed]')
        return 2
    per_seed = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    status = 0
    with tempfile.TemporaryDirectory(prefix=prefix) as d:
        for seed in (1, 2, 3):
            rng = random.Random(seed)
            paths = []
            for i in range(per_seed):
                p = f'{d}/s{seed}-{i:04d}.{kind}'
                with open(p, 'wb') as f:
                    f.write(one_file(rng))
                paths.append(p)
            # 'all': a cut file may lose its magic and then is no savefile at all.
            r = subprocess.run([sys.argv[1], 'all'] + paths, capture_output=True, text=True)
            sys.stdout.write(r.stdout)
            if r.returncode != 0:
                print(f'FAIL seed {seed}: savefile_diff exited {r.returncode}')
                status = 1
    print(f'crafted {kind} files: ' + ('all agree with libpcap' if status == 0 else 'DISAGREEMENTS above'))
    return status
