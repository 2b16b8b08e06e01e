# testdata.py - where the Python tests find the test data ($LCAP_TESTDATA, else this tree's tests/data), a missing file stopping the test by its name; and how they read its lists and vectors.
# SPDX-License-Identifier: BSD-2-Clause
import os
import sys

ROOT = os.environ.get("LCAP_TESTDATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def path(rel):
    """ROOT/rel, which must exist."""
    p = os.path.join(ROOT, rel)
    if not os.path.exists(p):
        sys.exit("missing test data: %s" % p)
    return p


def xfail_list(path):
    """NAME -> REASON for each "NAME REASON" line of an expected-failure list (# starts a comment)."""
    listed = {}
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, why = line.partition(" ")
            listed[name] = why.strip()
    return listed


def netmask(row):
    """A conformance vector's netmask (its dotted quad "netmask") as a number; all ones when it has none."""
    if "netmask" not in row:
        return 0xFFFFFFFF
    a, b, c, d = (int(x) for x in row["netmask"].split("."))
    return (a << 24) | (b << 16) | (c << 8) | d
