#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""filter_accept.py - libcapture's compiler against libpcap master's expected programs.

usage: filter_accept.py RUNNER [XFAIL_FILE [LONGER_FILE]]

Every alias of every block of tests/data/conformance/accept.jsonl is compiled
for its DLT, snaplen and netmask (optimized for "opt" programs, not for
"unopt" ones), and run with the expected program over the packets of every
conformance and shared capture: both must return the same value on every
packet. "opt": null rows must be refused by the optimizer. The optimized
programs, in all, must be no longer than libpcap master's (issue 11). Rows needing the
name files run only under with_namefiles.sh (LCAP_NAMEFILES=1). Blocks named
in XFAIL_FILE are expected to fail (the test fails when one passes). Each
optimized program (protochain aside: master's loops) must also be no longer
than master's own, but for the "DLT TAB expression TAB reason" lines of
LONGER_FILE (the test fails when one of those is no longer longer).
"""
import glob
import json
import os
import subprocess
import sys

import testdata


def main():
    runner = sys.argv[1]
    xfail = testdata.xfail_list(sys.argv[2]) if len(sys.argv) > 2 else {}
    longer_ok = {}
    if len(sys.argv) > 3:
        for line in open(sys.argv[3]):
            if line.strip() and not line.startswith("#"):
                dlt, expr, why = line.rstrip("\n").split("\t", 2)
                longer_ok[(dlt, expr)] = why
    files = sorted(glob.glob(os.path.join(testdata.path("conformance/savefiles"), "*"))) + \
        sorted(glob.glob(os.path.join(testdata.path("captures"), "*")))[:200]
    namefiles = os.environ.get("LCAP_NAMEFILES") == "1"
    reqs, meta = [], []
    for line in open(testdata.path("conformance/accept.jsonl")):
        row = json.loads(line)
        if row["name"] == "bpf_image" or row.get("linuxext") or (row.get("skip") and not namefiles):
            continue
        snap = str(row.get("snaplen", 262144))
        mask = "%x" % testdata.netmask(row)
        progs = []
        if "optunopt" in row:
            progs = [("1", row["optunopt"]), ("0", row["optunopt"])]
        else:
            if "opt" in row:
                progs.append(("1", row["opt"]))
            if "unopt" in row:
                progs.append(("0", row["unopt"]))
        if row.get("generate_offline_filter"):  # libpcap compiled it for a savefile
            progs = [(opt + "s", text) for opt, text in progs]
        for alias in row["aliases"]:
            for opt, text in progs:
                t = "-" if text is None else text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
                a = alias.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
                reqs.append("\t".join([row["DLT"], snap, mask, opt, a, t]))
                meta.append((row["name"], alias, opt, row["DLT"]))
    out = subprocess.run([runner] + files, input="\n".join(reqs) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    if len(out) != len(reqs):
        sys.exit("runner gave %d answers for %d requests" % (len(out), len(reqs)))
    failed_blocks, counts = {}, {}
    mine_len = want_len = longer = shorter = nopt = 0
    too_long, seen_long = [], set()
    for (name, alias, opt, dlt), ans in zip(meta, out):
        kind = ans[0]
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "S" and opt == "1":
            m, w = (int(x) for x in ans.split()[2:4])
            mine_len += m
            want_len += w
            nopt += 1
            longer += m > w
            shorter += m < w
            if "protochain" not in alias and (dlt, alias) in longer_ok:
                seen_long.add((dlt, alias))
                if m <= w:
                    too_long.append("XPASS %s\t%s: %d insns, master %d: remove it from the list" % (dlt, alias, m, w))
            elif "protochain" not in alias and m > w:
                too_long.append("FAIL longer than master: %s\t%s: %d insns, master %d" % (dlt, alias, m, w))
        if kind in "DEU":
            failed_blocks.setdefault(name, []).append("%s (%s): %s" % (alias, "opt" if opt == "1" else "unopt", ans))
    bad = 0
    for name, why in sorted(failed_blocks.items()):
        if name in xfail:
            print("xfail %s: %s" % (name, why[0][:200]))
        else:
            bad += 1
            for w in why:
                print("FAIL %s: %s" % (name, w[:300]))
    for name in xfail:
        if name not in failed_blocks:
            print("XPASS %s: remove it from the list" % name)
            bad += 1
    print("accept vectors: %d expressions agree on every packet, %d refused as libpcap does, %d differ, "
          "%d refused by libcapture, %d compiled though libpcap refuses, %d expected programs unusable here"
          % (counts.get("S", 0), counts.get("N", 0), counts.get("D", 0), counts.get("E", 0), counts.get("U", 0),
             counts.get("A", 0)))
    print("optimized program length: libcapture %d insns, libpcap master %d, over %d expressions "
          "(libcapture longer for %d, shorter for %d)" % (mine_len, want_len, nopt, longer, shorter))
    if namefiles:  # every row ran: an entry matching none is stale
        too_long += ["STALE %s\t%s: no such optimized accept.jsonl expression" % k for k in longer_ok if k not in seen_long]
    for line in too_long:
        print(line)
        bad += 1
    if mine_len > want_len:
        print("FAIL the optimized programs are longer than libpcap master's in all")
        bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
