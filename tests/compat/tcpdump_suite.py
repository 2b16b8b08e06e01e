#!/usr/bin/env python3
# tests/compat/tcpdump_suite.py - builds Debian's tcpdump source twice, against system libpcap and against libcapture-pcap only, runs tcpdump's own test suite (tests/TESTrun) with each, and fails when a test that passes on libpcap does not pass on the layer.
# SPDX-License-Identifier: BSD-2-Clause
"""Usage: tcpdump_suite.py BUILD_ROOT WORK_DIR B_SANITIZE

The tcpdump source tree (Debian's, unpacked by tests/compat/fetch_sources.sh)
is named by $LCAP_TCPDUMP_SRC. Without it the test is skipped (exit 77),
except under CI=true, where it fails: CI must run it.

The layer's build must be libpcap-free: configure sees only the build tree's
uninstalled libcapture-pcap.pc (behind a libpcap.pc shim, the name tcpdump's
configure asks pkg-config for), no compiled file may include a header from
the system's libpcap, the binary must not need or load libpcap.so, and
configure must find every libpcap function it finds in libpcap itself
(otherwise tcpdump would be built with parts left out).
"""
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys

from testexit import fail, source_tree

RESULT = re.compile(r"^    (\S+)\s*: (passed|TEST FAILED|skipped)")


def run(cmd, cwd, env, log):
    with open(log, "w") as out:
        r = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.stdout.write(open(log).read()[-4000:])
        fail("%s exited %d (log %s)" % (" ".join(cmd), r.returncode, log))


def configure(src, bdir, env, cflags, ldflags):
    """Starts configure in a fresh bdir; returns the running process."""
    shutil.rmtree(bdir, ignore_errors=True)
    os.makedirs(bdir)
    # As Debian builds it (debian/rules): crypto on, large files.
    cmd = [os.path.join(src, "configure"), "--with-crypto=yes", "--disable-local-libpcap",
           "CFLAGS=-O1 -D_FILE_OFFSET_BITS=64 " + cflags, "LDFLAGS=" + ldflags]
    log = open(os.path.join(bdir, "configure.log"), "w")
    return subprocess.Popen(cmd, cwd=bdir, env=env, stdout=log, stderr=subprocess.STDOUT)


def have_pcap(bdir):
    """The HAVE_PCAP_* results of configure: which libpcap functions tcpdump will use."""
    found = set()
    for line in open(os.path.join(bdir, "config.h")):
        m = re.match(r"#define (HAVE_PCAP_\w+) 1", line)
        if m:
            found.add(m.group(1))
    return found


def testrun(src, bdir, env):
    """Runs TESTrun in bdir; returns {test name: passed|TEST FAILED|skipped}."""
    e = dict(env, TCPDUMP_BIN=os.path.join(bdir, "tcpdump"), srcdir=src)
    log = os.path.join(bdir, "testrun.log")
    with open(log, "w") as out:
        subprocess.run(["perl", os.path.join(src, "tests", "TESTrun")], cwd=bdir, env=e,
                       stdout=out, stderr=subprocess.STDOUT)
    results = {}
    for line in open(log, errors="replace"):
        m = RESULT.match(line)
        if m:
            if m.group(1) in results:
                fail("test name %s twice in %s" % (m.group(1), log))
            results[m.group(1)] = m.group(2)
    if not results:
        fail("no test results in " + log)
    return results


def check_layer_only(bdir, layer_dir):
    """The layer's tcpdump saw the layer's headers and links and loads the layer, never libpcap."""
    deps = glob.glob(os.path.join(bdir, "*.d"))
    if not deps:
        fail("no dependency files (-MD) in " + bdir)
    ours = False
    for d in deps:
        text = open(d).read()
        if re.search(r"/usr/(local/)?include/pcap", text):
            fail("%s includes a system libpcap header:\n%s" % (d, text))
        ours = ours or "compat/include/pcap/pcap.h" in text
    if not ours:
        fail("no file of the layer's build includes the layer's pcap/pcap.h")
    tcpdump = os.path.join(bdir, "tcpdump")
    needed = subprocess.run(["readelf", "-d", tcpdump], capture_output=True, text=True).stdout
    if "libpcap.so" in needed:
        fail("the layer's tcpdump needs libpcap.so:\n" + needed)
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    ldd = subprocess.run(["ldd", tcpdump], capture_output=True, text=True, env=env).stdout
    if "libpcap.so" in ldd:
        fail("the layer's tcpdump loads libpcap:\n" + ldd)
    if os.path.join(layer_dir, "libcapture-pcap.so.0") not in ldd:
        fail("the layer's tcpdump does not load the build tree's libcapture-pcap:\n" + ldd)
    print("layer build: no system libpcap header, libpcap not linked or loaded; ldd:")
    print("".join("  " + l.strip() + "\n" for l in ldd.splitlines() if "capture" in l), end="")


def main():
    build, work, sanitize = sys.argv[1:4]
    src = source_tree("LCAP_TCPDUMP_SRC", os.path.join("tests", "TESTrun"), "tcpdump")
    work = os.path.abspath(work)
    layer_dir = os.path.join(os.path.abspath(build), "compat")

    base_env = dict(os.environ)
    # meson's LD_LIBRARY_PATH would reach the build tree: each tcpdump finds
    # its library by the system's rules (libpcap) or its own rpath (the layer).
    for var in ("PKG_CONFIG_LIBDIR", "PKG_CONFIG_PATH", "LD_LIBRARY_PATH"):
        base_env.pop(var, None)
    # The layer's pkg-config world: a libpcap.pc that is only libcapture-pcap,
    # and the build tree's uninstalled .pc files; nothing of the system's.
    shim = os.path.join(work, "pkgconfig")
    os.makedirs(shim, exist_ok=True)
    with open(os.path.join(shim, "libpcap.pc"), "w") as pc:
        pc.write("Name: libpcap\nDescription: libcapture-pcap under the name tcpdump's configure asks for\n"
                 "Version: 1.10.3\nRequires: libcapture-pcap\nLibs:\nCflags:\n")
    layer_env = dict(base_env, PKG_CONFIG_LIBDIR=shim + ":" + os.path.join(build, "meson-uninstalled"))
    # A sanitized layer needs the sanitizer runtime in the program; tcpdump's
    # own code is not instrumented (this tests the layer, not tcpdump).
    san = "" if sanitize in ("", "none") else " -fsanitize=" + sanitize
    layer_ld = "-Wl,-rpath," + layer_dir + san
    if san:
        layer_env["CC"] = base_env.get("CC", "cc")

    bpcap, blayer = os.path.join(work, "libpcap"), os.path.join(work, "layer")
    procs = [(configure(src, bpcap, base_env, "", ""), bpcap),
             (configure(src, blayer, layer_env, "-MD", layer_ld), blayer)]
    for p, d in procs:
        if p.wait() != 0:
            sys.stdout.write(open(os.path.join(d, "configure.log")).read()[-4000:])
            fail("configure failed in " + d)
    missing = have_pcap(bpcap) - have_pcap(blayer)
    if missing:
        fail("configure finds in libpcap but not in the layer: " + " ".join(sorted(missing)))
    for d, env in ((bpcap, base_env), (blayer, layer_env)):
        run(["make", "-j2", "-s", "tcpdump"], d, env, os.path.join(d, "make.log"))
    check_layer_only(blayer, layer_dir)

    # The two runs side by side: one core each.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        ref, got = pool.map(lambda a: testrun(src, *a), ((bpcap, base_env), (blayer, layer_env)))
    def count(res, what):
        return sum(1 for v in res.values() if v == what)
    for name, res in (("libpcap 1.10.3", ref), ("libcapture-pcap", got)):
        print("tcpdump tests on %-16s: %d passed, %d failed, %d skipped (of %d)"
              % (name, count(res, "passed"), count(res, "TEST FAILED"), count(res, "skipped"), len(res)))
    lost = sorted(n for n, v in ref.items() if v == "passed" and got.get(n) != "passed")
    gained = sorted(n for n, v in got.items() if v == "passed" and ref.get(n) != "passed")
    print("passing on libpcap, not on the layer: %d %s" % (len(lost), " ".join(lost)))
    print("passing on the layer, not on libpcap: %d %s" % (len(gained), " ".join(gained)))
    if set(ref) != set(got):
        fail("the two runs ran different test lists: %s" % " ".join(sorted(set(ref) ^ set(got))))
    if lost:
        print(open(os.path.join(blayer, "tests", "failure-outputs.txt"), errors="replace").read()[-6000:])
        fail("%d tcpdump tests pass on libpcap but not on libcapture-pcap" % len(lost))
    print("tcpdump suite on the layer: every one of the %d tests passing on libpcap passes" % count(ref, "passed"))


if __name__ == "__main__":
    main()
