#!/usr/bin/env python3
# make_filter_seeds.py - writes the filter fuzz harness's seed corpus: one file
# per expression of the conformance vectors ("DLTNAME\nEXPR", see
# fuzz_filter.c), accept and apply rows all, reject rows one in STEP.
# SPDX-License-Identifier: BSD-2-Clause
import json
import os
import sys

STEP = 20


def main():
    out, data = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    seen = set()

    def add(dlt, expr):
        key = (dlt, expr)
        if key in seen or expr == "_enumerate_bpf_image":
            return
        seen.add(key)
        with open(os.path.join(out, "seed_%05d" % len(seen)), "wb") as f:
            f.write(("%s\n%s" % (dlt, expr)).encode("utf-8", "replace"))

    with open(os.path.join(data, "accept.jsonl")) as f:
        for line in f:
            row = json.loads(line)
            for alias in row["aliases"]:
                add(row["DLT"], alias)
    with open(os.path.join(data, "apply.jsonl")) as f:
        for line in f:
            add("EN10MB", json.loads(line)["expr"])
    with open(os.path.join(data, "reject.jsonl")) as f:
        for i, line in enumerate(f):
            row = json.loads(line)
            if i % STEP == 0 and "DLT" in row:
                add(row["DLT"], row["expr"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
