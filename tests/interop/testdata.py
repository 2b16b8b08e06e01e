# testdata.py - where the Python tests find the test data ($LCAP_TESTDATA, else this tree's tests/data); a missing file stops the test by its name.
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
