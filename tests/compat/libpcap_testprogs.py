#!/usr/bin/env python3
# tests/compat/libpcap_testprogs.py - builds libpcap's own public-API test programs (Debian's libpcap source) against libcapture-pcap only and checks them: filtertest's output for every accept vector against capfilter's.
# SPDX-License-Identifier: BSD-2-Clause
"""Usage: libpcap_testprogs.py BUILD_ROOT WORK_DIR B_SANITIZE CAPFILTER ACCEPT_JSONL

The libpcap source tree (Debian's, unpacked by tests/compat/fetch_sources.sh)
is named by $LCAP_LIBPCAP_SRC. Without it the test is skipped (exit 77),
except under CI=true, where it fails: CI must run it.

Each program is compiled from testprogs/ with nothing but
`pkg-config --cflags --libs libcapture-pcap` (the build tree's uninstalled
.pc) and libpcap's varattrs.h (a build-side header of libpcap's, not API);
none may include a system libpcap header, link or load libpcap.
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def build(src, work, build_root, sanitize, prog):
    """Compiles testprogs/PROG.c against the layer; returns the binary's path."""
    env = dict(os.environ, PKG_CONFIG_LIBDIR=os.path.join(build_root, "meson-uninstalled"))
    env.pop("PKG_CONFIG_PATH", None)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libcapture-pcap"], env=env,
                           capture_output=True, text=True, check=True).stdout.split()
    out = os.path.join(work, prog)
    san = [] if sanitize in ("", "none") else ["-fsanitize=" + sanitize]
    cmd = [os.environ.get("CC", "cc"), "-O1", "-MD", "-MF", out + ".d", "-iquote", work,
           "-o", out, os.path.join(src, "testprogs", prog + ".c")] + flags + san + \
          ["-Wl,-rpath," + os.path.join(build_root, "compat")]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail("building %s: %s\n%s" % (prog, " ".join(cmd), r.stderr[-3000:]))
    deps = open(out + ".d").read()
    if re.search(r"/usr/(local/)?include/pcap", deps) or "compat/include/pcap/pcap.h" not in deps:
        fail("%s did not compile against the layer's headers only:\n%s" % (prog, deps))
    ldd = subprocess.run(["ldd", out], capture_output=True, text=True).stdout
    if "libpcap.so" in ldd or "libcapture-pcap.so.0" not in ldd:
        fail("%s does not load the layer alone:\n%s" % (prog, ldd))
    return out


def outcome(cmd, prefix):
    """(status ok, text): the program's output, or the compiler's message without the program's prefix."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode == 0:
        return True, r.stdout
    return False, r.stderr.strip().removeprefix(prefix)


def filtertest_mask(dotted):
    """The netmask 1.10.3's filtertest -m hands pcap_compile: inet_pton's bytes
    unconverted, so host order only on a big-endian machine (libpcap master
    converts it); capfilter -m is given that same number."""
    if sys.byteorder == "big":
        return dotted
    return ".".join(reversed(dotted.split(".")))


def filtertest_vs_capfilter(filtertest, capfilter, accept):
    """filtertest and capfilter on every alias of every accept vector, optimized and not."""
    jobs = []
    for line in open(accept):
        row = json.loads(line)
        snap = ["-s", str(row.get("snaplen", 262144))]
        ft_mask = cf_mask = []
        if "netmask" in row:
            ft_mask = ["-m", row["netmask"]]
            cf_mask = ["-m", filtertest_mask(row["netmask"])]
        for alias in row["aliases"]:
            for opt in ([], ["-O"]):
                jobs.append((row["name"], alias, opt,
                             [filtertest] + opt + snap + ft_mask + ["--", row["DLT"], alias],
                             [capfilter, "-l", row["DLT"]] + opt + snap + cf_mask + ["--", alias]))

    def one(job):
        return job, outcome(job[3], "filtertest: "), outcome(job[4], "capfilter: ")

    same = differ = 0
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for (name, alias, opt, _, _), ft, cf in pool.map(one, jobs):
            if ft == cf:
                same += 1
            else:
                differ += 1
                print("DIFF %s %r %s:\n  filtertest: %r\n  capfilter:  %r" % (name, alias, " ".join(opt), ft, cf))
    print("filtertest vs capfilter over accept vectors: %d same, %d different" % (same, differ))
    return differ == 0 and same > 0


def main():
    build_root, work, sanitize, capfilter, accept = sys.argv[1:6]
    src = os.environ.get("LCAP_LIBPCAP_SRC", "")
    if not src or not os.path.isfile(os.path.join(src, "testprogs", "filtertest.c")):
        msg = "no libpcap source tree ($LCAP_LIBPCAP_SRC=%r; tests/compat/fetch_sources.sh fetches it)" % src
        if os.environ.get("CI") == "true":
            fail(msg + ": CI must run this test")
        print("SKIP: " + msg)
        sys.exit(SKIP)
    build_root, work = os.path.abspath(build_root), os.path.abspath(work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copy(os.path.join(src, "varattrs.h"), work)
    ok = True
    filtertest = build(src, work, build_root, sanitize, "filtertest")
    ok = filtertest_vs_capfilter(filtertest, capfilter, accept) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
