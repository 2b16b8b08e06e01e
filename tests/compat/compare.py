#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""compare.py - runs compat_driver built on libpcap (oracle) and on libcapture-pcap over every shared capture; any difference fails."""
import os
import subprocess
import sys
import tempfile


def sections(text):
    """The trace split per file: {name: lines}."""
    out, cur = {}, None
    for line in text.splitlines():
        if line.startswith("== "):
            cur = out.setdefault(line[3:], [])
        elif cur is not None:
            cur.append(line)
    return out


def run(driver, args):
    res = subprocess.run([driver] + args, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        sys.exit(f"FAIL: {driver} {args[:3]} exited {res.returncode}: {res.stderr[-500:]}")
    return sections(res.stdout)


def whole(oracle, layer, args):
    """Modes without files: the two traces must be the same, line for line."""
    out = []
    for d in (oracle, layer):
        res = subprocess.run([d] + args, capture_output=True, text=True, timeout=300)
        if res.returncode != 0:
            sys.exit(f"FAIL: {d} {args} exited {res.returncode}: {res.stderr[-500:]}")
        out.append(res.stdout.splitlines())
    a, b = out
    bad = [i for i in range(max(len(a), len(b))) if i >= len(a) or i >= len(b) or a[i] != b[i]]
    print(f"{' '.join(args)}: {len(a)} lines, {len(bad)} differ")
    for i in bad[:10]:
        print(f"  line {i}: libpcap {a[i] if i < len(a) else '<none>'!r}"
              f" / layer {b[i] if i < len(b) else '<none>'!r}")
    sys.exit(1 if bad or not a else 0)


def main():
    if sys.argv[3] == "-":
        with tempfile.TemporaryDirectory() as tmp:
            # TMPDIR in the arguments: a scratch directory for the driver.
            whole(sys.argv[1], sys.argv[2], [tmp if a == "TMPDIR" else a for a in sys.argv[4:]])
    oracle, layer, capdir, mode = sys.argv[1:5]
    files = sorted(os.path.join(capdir, f) for f in os.listdir(capdir))
    # A missing file: both must refuse it.
    files.append(os.path.join(capdir, "no-such-file.pcap"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.pcap")
        cases = {
            "read": [["read", "u", "next_ex"], ["read", "n", "next_ex"], ["read", "u", "loop"],
                     ["read", "n", "dispatch"], ["read", "n", "fopen"]],
            "dump": [["dump", "u", out], ["dump", "n", out]],
            "filter": [["filter", "tcp"], ["filter", "udp port 53 or icmp"], ["filter", "ip6 and not tcp"]],
            "break": [["break", "2"]],
        }[mode]
        bad = 0
        for case in cases:
            a, b = run(oracle, case + files), run(layer, case + files)
            if len(a) != len(files) or len(b) != len(files):
                sys.exit(f"FAIL: {case}: traces cover {len(a)} and {len(b)} of {len(files)} files")
            diff = [f for f in a if a[f] != b.get(f)]
            if case[0] == "filter":
                # Verdicts are compared on every file; where they differ and so do the programs
                # (or only one side compiled) the difference is the compiler's, counted, not the layer's.
                def prog(t):
                    return [ln for ln in t if ln.startswith("prog ") or ln == "compile failed"]
                def rest(t):
                    return [ln for ln in t if not ln.startswith("prog ")]
                diff = [f for f in a if rest(a[f]) != rest(b[f])]
                other = [f for f in diff if prog(a[f]) != prog(b[f])]
                diff = [f for f in diff if f not in other]
                nprog = sum(1 for f in a if prog(a[f]) != prog(b[f]))
                print(f"{' '.join(case[:2])}: programs differ on {nprog} files; verdicts differ with"
                      f" the program on {len(other)}: {' '.join(sorted(other)[:8])}")
            npk = sum(1 for f in a for ln in a[f] if ln.startswith("pkt "))
            print(f"{' '.join(case[:3])}: {len(files)} files, {npk} packet lines, {len(diff)} differ")
            for f in diff[:5]:
                la, lb = a[f], b.get(f, [])
                i = next((i for i in range(max(len(la), len(lb)))
                          if i >= len(la) or i >= len(lb) or la[i] != lb[i]), 0)
                print(f"  {f}: line {i}: libpcap {la[i] if i < len(la) else '<none>'!r}"
                      f" / layer {lb[i] if i < len(lb) else '<none>'!r}")
            bad += len(diff)
    sys.exit(1 if bad else 0)


main()
