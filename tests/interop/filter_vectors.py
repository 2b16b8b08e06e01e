#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""filter_vectors.py - libpcap's filter vectors against libcapture's compiler.

usage: filter_vectors.py apply|reject RUNNER [XFAIL_FILE]

apply:  every vector of tests/data/conformance/apply.jsonl is compiled
        (optimized, with its netmask) for its savefile's link type and snapshot
        length; the program's return value on each packet must equal
        "results". Vectors named in XFAIL_FILE (one "name  reason" a line) are
        expected to fail: the test fails if any other vector fails, and also
        if a listed one passes (so the list only shrinks). Prints the count.
reject: every row of reject.jsonl must be refused with a message (rows that
        need the conformance hosts/ethers/networks files only when
        LCAP_NAMEFILES=1, i.e. under with_namefiles.sh; the six rows naming a
        savefile that must fail to open belong to the reader's tests).
For reject, XFAIL_FILE names rows that are accepted on purpose (libpcap
master compiles the same expression in accept.jsonl).
Also prints, for apply, each vector's program length.
"""
import json
import os
import subprocess
import sys

import testdata


def main():
    mode, runner = sys.argv[1], sys.argv[2]
    xfail = testdata.xfail_list(sys.argv[3]) if len(sys.argv) > 3 else {}
    conf = testdata.path("conformance")
    namefiles = os.environ.get("LCAP_NAMEFILES") == "1"
    rows, reqs = [], []
    with open(os.path.join(conf, mode + ".jsonl")) as f:
        for line in f:
            row = json.loads(line)
            mask = "%x" % testdata.netmask(row)
            if mode == "apply":
                reqs.append("A\t%s\t%s\t%s" % (os.path.join(conf, "savefiles", row["savefile"]), mask, row["expr"]))
            else:
                if row.get("skip") and not namefiles:
                    continue
                if "savefile" in row:
                    continue  # a savefile that must fail to open: the reader's tests cover those
                reqs.append("C\t%s\t%s\t%s" % (row["DLT"], mask, row["expr"]))
            rows.append(row)
    for r in reqs:
        if "\n" in r:
            sys.exit("a vector holds a newline: %r" % r)
    out = subprocess.run([runner], input="\n".join(reqs) + "\n", capture_output=True, text=True, check=True).stdout
    answers = out.splitlines()
    if len(answers) != len(rows):
        sys.exit("runner gave %d answers for %d requests" % (len(answers), len(rows)))
    bad = 0
    if mode == "apply":
        passed = 0
        for row, ans in zip(rows, answers):
            name = row["name"]
            if ans.startswith("R "):
                vals = [int(x) for x in ans.split()[1:]]
                ok = vals[1:] == row["results"]
                info = "%d instructions" % vals[0]
            else:
                ok = False
                info = ans
            passed += ok
            if ok and name in xfail:
                print("XPASS %s (listed as failing: %s): remove it from the list" % (name, xfail[name]))
                bad += 1
            elif not ok and name not in xfail:
                print("FAIL %s: %r -> %s, want %s" % (name, row["expr"], ans[:300], row["results"]))
                bad += 1
            else:
                print("%s %s: %r, %s" % ("ok" if ok else "xfail", name, row["expr"], info))
        print("apply vectors: %d/%d give libpcap's results" % (passed, len(rows)))
    else:
        refused = 0
        for row, ans in zip(rows, answers):
            if row["name"] in xfail:
                if ans.startswith("E "):
                    print("XPASS %s: refused though listed (%s): remove it from the list" % (row["name"], xfail[row["name"]]))
                    bad += 1
                else:
                    print("xfail %s: %s" % (row["name"], xfail[row["name"]]))
                continue
            if ans.startswith("E ") and len(ans) > 2 and ans[2:].strip():
                refused += 1
            else:
                bad += 1
                print("ACCEPTED %s: %r on %s (libpcap: %s) -> %s" % (row["name"], row.get("expr"), row.get("DLT"),
                                                                      row["errstr"], ans))
        print("reject vectors: %d/%d refused with a message" % (refused, len(rows)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
