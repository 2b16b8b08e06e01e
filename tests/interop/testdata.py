# testdata.py - where the Python tests find the test data (tests/data, named by $LCAP_TESTDATA); a missing file stops the test by its name.
import os
import sys


def path(rel):
    """$LCAP_TESTDATA/rel, which must exist."""
    root = os.environ.get("LCAP_TESTDATA")
    if not root:
        sys.exit("LCAP_TESTDATA is not set: run the tests with meson test, or point it at tests/data")
    p = os.path.join(root, rel)
    if not os.path.exists(p):
        sys.exit("missing test data: %s" % p)
    return p
