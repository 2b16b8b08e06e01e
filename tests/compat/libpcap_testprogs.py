#!/usr/bin/env python3
# tests/compat/libpcap_testprogs.py - builds libpcap's own public-API test programs (Debian's libpcap source) against libcapture-pcap only and checks them: filtertest's output for every accept vector against capfilter's.
# SPDX-License-Identifier: BSD-2-Clause
"""Usage: libpcap_testprogs.py filtertest BUILD_ROOT WORK_DIR B_SANITIZE CAPFILTER ACCEPT_JSONL
       libpcap_testprogs.py live BUILD_ROOT WORK_DIR B_SANITIZE

filtertest: filtertest's output for every accept vector against capfilter's.
live: every other program of testprogs/ is built against the layer (each
must compile and link with it alone); those that end by themselves
(findalldevstest, opentest, reactivatetest, can_set_rfmon_test) run in a
network namespace made for the test (loopback and a veth pair, no traffic),
each beside the same program built against system libpcap, and must print
the same and exit the same. Listed below (LIVE_DIFFERENCES) with reasons are
the only differences allowed. The rest loop on captured traffic until
interrupted and are only built. Needs root (exit 77 without, a failure
under CI=true).

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

from libpcap_traffic import TRAFFIC_BUILT_ONLY, TRAFFIC_RUNS, traffic_runs
from testexit import fail, skip, source_tree


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
          ["-Wl,-rpath," + os.path.join(build_root, "compat"), "-lpthread"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail("building %s: %s\n%s" % (prog, " ".join(cmd), r.stderr[-3000:]))
    deps = open(out + ".d").read()
    if re.search(r"/usr/(local/)?include/pcap", deps) or "compat/include/pcap/pcap.h" not in deps:
        fail("%s did not compile against the layer's headers only:\n%s" % (prog, deps))
    env.pop("LD_LIBRARY_PATH", None)
    ldd = subprocess.run(["ldd", out], capture_output=True, text=True, env=env).stdout
    if "libpcap.so" in ldd or "libcapture-pcap.so.0" not in ldd:
        fail("%s does not load the layer alone:\n%s" % (prog, ldd))
    return out


def build_oracle(src, work, prog):
    """The same program against system libpcap (its own headers and library)."""
    out = os.path.join(work, "libpcap-" + prog)
    cmd = ["cc", "-O1", "-iquote", work, "-o", out, os.path.join(src, "testprogs", prog + ".c"),
           "-lpcap", "-lpthread"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail("building %s on libpcap: %s\n%s" % (prog, " ".join(cmd), r.stderr[-3000:]))
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


def filtertest_vs_capfilter(filtertest, capfilter, accept, sanitize):
    """filtertest and capfilter on every alias of every accept vector, optimized and not
    (optimized only in a sanitized build, where each process start costs ten times more)."""
    variants = ([],) if sanitize not in ("", "none") else ([], ["-O"])
    jobs = []
    for line in open(accept):
        row = json.loads(line)
        snap = ["-s", str(row.get("snaplen", 262144))]
        ft_mask = cf_mask = []
        if "netmask" in row:
            ft_mask = ["-m", row["netmask"]]
            cf_mask = ["-m", filtertest_mask(row["netmask"])]
        for alias in row["aliases"]:
            for opt in variants:
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


# The programs that end by themselves, with their arguments, run in the
# test's namespace (lo, and lcapa/lcapb: a veth pair, lcapa with 192.0.2.1/24).
LIVE_RUNS = [
    ["findalldevstest"],
    ["opentest", "-i", "lo"],
    ["opentest", "-a", "-i", "lo"],
    ["opentest", "-i", "lcapa", "-s", "100", "-B", "1000000", "-p"],
    ["opentest", "-a", "-i", "lcapb", "-s", "0"],
    ["opentest", "-i", "nosuch"],
    ["opentest", "-I", "-i", "lo"],
    ["reactivatetest"],
    ["can_set_rfmon_test", "lo"],
    ["can_set_rfmon_test", "lcapa"],
    ["can_set_rfmon_test", "nosuch"],
]
# The programs that loop on captured packets run over sent frames (libpcap_traffic.py);
# the one that would take too long is only built.
TRAFFIC_PROGS = sorted({r[0][0] for r in TRAFFIC_RUNS})
BUILD_ONLY = sorted(TRAFFIC_BUILT_ONLY)
# Run (joined by spaces) -> (what may differ, why).
LIVE_DIFFERENCES = {
    "findalldevstest": ("devices", "libpcap also lists its capture modules for Bluetooth, netfilter and D-Bus "
                        "(bluetooth-monitor, nflog, nfqueue, dbus-system, dbus-session), which libcapture has not"),
    "opentest -i nosuch": ("error text", "libcapture's wording of the no-such-device message"),
    "opentest -I -i lo": ("error text", "libcapture's wording of the monitor-mode-unsupported message"),
}
# Programs that end holding handles by design: a sanitized build's leak check is off for them.
OWN_LEAKS = {"reactivatetest": "returns from main with its pcap_t still open (no pcap_close)"}
PSEUDO_DEVICES = ("bluetooth-monitor", "nflog", "nfqueue", "dbus-system", "dbus-session")


def without_devices(text, names):
    """findalldevstest's output without the blocks (name line to blank line) of the named devices."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if not line.startswith((" ", "\t", "\n")):
            skipping = line.strip() in names
        if not skipping:
            out.append(line)
    return "".join(out)


def live(src, work, build_root, sanitize):
    if os.geteuid() != 0:
        skip("the live test programs need root (a network namespace)")
    progs = sorted({r[0] for r in LIVE_RUNS} | set(TRAFFIC_PROGS) | set(BUILD_ONLY))
    missing = [p for p in progs if not os.path.isfile(os.path.join(src, "testprogs", p + ".c"))]
    if missing:
        fail("not in %s/testprogs: %s" % (src, " ".join(missing)))
    if "findalldevstest-perf" in progs:
        # Windows-only helper header the perf test includes unconditionally.
        open(os.path.join(work, "portability.h"), "w").write("/* empty: what the test needs is POSIX */\n")
    layer = {p: build(src, work, build_root, sanitize, p) for p in progs}
    oracle = {p: build_oracle(src, work, p) for p in sorted({r[0] for r in LIVE_RUNS} | set(TRAFFIC_PROGS))}
    print("built against the layer: %s" % " ".join(progs))
    ns = "lcap-testprogs-%d" % os.getpid()
    setup = [["ip", "netns", "add", ns],
             ["ip", "-n", ns, "link", "set", "lo", "up"],
             ["ip", "-n", ns, "link", "add", "lcapa", "type", "veth", "peer", "name", "lcapb"],
             ["ip", "-n", ns, "addr", "add", "192.0.2.1/24", "dev", "lcapa"],
             ["ip", "-n", ns, "link", "set", "lcapa", "up"],
             ["ip", "-n", ns, "link", "set", "lcapb", "up"]]
    bad = same = 0
    try:
        for cmd in setup:
            subprocess.run(cmd, check=True)
        env = dict(os.environ)
        env.pop("LD_LIBRARY_PATH", None)
        for run in LIVE_RUNS:
            name = " ".join(run)
            run_env = dict(env)
            if run[0] in OWN_LEAKS and sanitize not in ("", "none"):
                run_env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
                print("leak check off for %s: it %s" % (name, OWN_LEAKS[run[0]]))
            got, ref = (subprocess.run(["ip", "netns", "exec", ns, "timeout", "20", exe] + run[1:],
                                       capture_output=True, text=True, env=run_env)
                        for exe in (layer[run[0]], oracle[run[0]]))
            what, why = LIVE_DIFFERENCES.get(name, (None, None))
            ref_out, got_out = ref.stdout, got.stdout
            if what == "devices":
                ref_out = without_devices(ref_out, PSEUDO_DEVICES)
            same_err = ref.stderr == got.stderr or what == "error text"
            if (got.returncode, got_out) == (ref.returncode, ref_out) and same_err:
                same += 1
                if what is not None:
                    differs = ref_out != ref.stdout or ref.stderr != got.stderr
                    if not differs:
                        bad += 1
                        print("FAIL %s: listed difference (%s) no longer seen" % (name, what))
                    else:
                        print("same %s, but for the listed %s: %s" % (name, what, why))
                continue
            bad += 1
            print("FAIL %s:\n  libpcap: exit %d %r %r\n  layer:   exit %d %r %r"
                  % (name, ref.returncode, ref.stdout[-400:], ref.stderr[-300:],
                     got.returncode, got.stdout[-400:], got.stderr[-300:]))
        traffic_env = dict(env)
        if sanitize not in ("", "none"):
            traffic_env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
            print("leak check off for the looping programs: they exit from loops or signal handlers "
                  "with their handles open")
        traffic_same, traffic_all = traffic_runs(ns, layer, oracle, work, traffic_env)
    finally:
        subprocess.run(["ip", "netns", "del", ns])
    print("libpcap's test programs on the layer: %d of %d runs as on libpcap, %d of %d over sent frames; "
          "built only: %s" % (same, len(LIVE_RUNS), traffic_same, traffic_all,
                              "; ".join("%s (%s)" % kv for kv in sorted(TRAFFIC_BUILT_ONLY.items()))))
    return bad == 0 and traffic_same == traffic_all


def main():
    mode, build_root, work, sanitize = sys.argv[1:5]
    src = source_tree("LCAP_LIBPCAP_SRC", os.path.join("testprogs", "filtertest.c"), "libpcap")
    build_root, work = os.path.abspath(build_root), os.path.abspath(work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copy(os.path.join(src, "varattrs.h"), work)
    if mode == "filtertest":
        capfilter, accept = sys.argv[5:7]
        ok = filtertest_vs_capfilter(build(src, work, build_root, sanitize, "filtertest"), capfilter, accept,
                                     sanitize)
    else:
        ok = live(src, work, build_root, sanitize)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
