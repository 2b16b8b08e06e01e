#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""bpf_conformance.py - libpcap's filter conformance vectors against libcapture's
BPF machine and savefile reader, libpcap as the oracle.

usage: bpf_conformance.py RUNNER   (LCAP_TESTDATA names tests/data)

Turns tests/data/conformance/accept.jsonl (every expected program, optimized and
not) and apply.jsonl (expression, savefile, exact return value per packet) into
the plain files bpf_conformance_run reads, then runs it over the conformance
savefiles and the test captures. (The apply vectors that need the
conformance hosts/ethers files all use "gateway", which libpcap 1.10 does not
compile when built with IPv6, so no name resolution is set up here; the run
lists every vector libpcap does not compile, with libpcap's reason.)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import testdata


def write_inputs(work):
    """Writes programs.txt and apply.txt; returns their paths."""
    programs = os.path.join(work, "programs.txt")
    with open(testdata.path("conformance/accept.jsonl")) as src, open(programs, "w") as out:
        for line in src:
            row = json.loads(line)
            for key in ("opt", "unopt", "optunopt"):
                text = row.get(key)
                if text:
                    out.write("# %s/%s\n%s\n\n" % (row["name"], key, text.rstrip("\n")))
    apply = os.path.join(work, "apply.txt")
    with open(testdata.path("conformance/apply.jsonl")) as src, open(apply, "w") as out:
        for line in src:
            row = json.loads(line)
            mask = testdata.netmask(row)
            fields = [row["name"], row["savefile"], "%#x" % mask, row["expr"],
                      ",".join(str(r) for r in row["results"])]
            if any("\t" in f or "\n" in f for f in fields):
                sys.exit("bpf_conformance: vector %s has a tab or newline" % row["name"])
            out.write("\t".join(fields) + "\n")
    return programs, apply


def main():
    runner = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="lcap-conformance-")
    try:
        programs, apply = write_inputs(work)
        rc = subprocess.run([runner, programs, apply, testdata.path("conformance/savefiles"),
                             testdata.path("captures")]).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
