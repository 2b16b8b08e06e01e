# testexit.py - how the compat Python tests end: failing, or skipping (exit 77) what CI=true must run, and finding Debian's source trees.
# SPDX-License-Identifier: BSD-2-Clause
import os
import sys

SKIP = 77


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def skip(msg):
    """Skips the test (meson's exit 77); under CI=true, where every test must run, fails it."""
    if os.environ.get("CI") == "true":
        fail(msg + ": CI must run this test")
    print("SKIP: " + msg)
    sys.exit(SKIP)


def source_tree(var, marker, what):
    """The absolute path $var names, which must hold the file marker; skips the test otherwise."""
    src = os.environ.get(var, "")
    if not src or not os.path.isfile(os.path.join(src, marker)):
        skip("no %s source tree ($%s=%r; tests/compat/fetch_sources.sh fetches it)" % (what, var, src))
    return os.path.abspath(src)
