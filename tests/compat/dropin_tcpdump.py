#!/usr/bin/env python3
# tests/compat/dropin_tcpdump.py - Debian's own /usr/bin/tcpdump run on the drop-in libpcap.so.0.8 (LD_LIBRARY_PATH) and on libpcap: the same output for every shared capture (-nn -tt -xx -r, with and without a filter) and the same -d programs for the apply vectors.
# SPDX-License-Identifier: BSD-2-Clause
"""Usage: dropin_tcpdump.py DROPIN_DIR CAPTURES_DIR APPLY_JSONL SAVEFILES_DIR RUN_LISTING DIFF_LIST APPLY_XFAIL B_SANITIZE

Fails when tcpdump needs a libpcap symbol the drop-in lacks, when it does not
resolve libpcap.so.0.8 to DROPIN_DIR, or when a run's standard output, exit
status or standard error differs and the run is not listed in DIFF_LIST
("FILE FILTER|- output|stderr reason" lines: output covers all three, stderr
standard error alone; a listed run that no longer differs fails too, so the
list stays true). One difference is allowed everywhere and counted: the
link type's description in tcpdump's "reading from file" line, which is
libcapture's own wording (pcap_datalink_val_to_description).

tcpdump -d EXPR -r SAVEFILE for each apply vector: the listing must be
libpcap 1.10.3's. Where it is not (Debian's 1.10.3 is older than the master
the vectors and libcapture's compiler follow), the drop-in's listing is run
over the savefile (RUN_LISTING) and must give the vector's expected results;
each such vector is listed in the output. Vectors libcapture's compiler is
known to fail (APPLY_XFAIL, filter_apply's list) are reported, not failed.

A sanitized drop-in (B_SANITIZE not none) runs under the compiler's shared
AddressSanitizer runtime, preloaded, since tcpdump itself carries none.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

from testexit import fail

TCPDUMP = "/usr/bin/tcpdump"
FILTERS = [None, "ip", "tcp"]


def check_symbols(dropin):
    """Every libpcap symbol tcpdump imports (it binds all at start: BIND_NOW) is defined by the drop-in."""
    und = subprocess.run(["objdump", "-T", TCPDUMP], capture_output=True, text=True, check=True).stdout
    wanted = {l.split()[-1] for l in und.splitlines() if "*UND*" in l and l.split()[-1].startswith(("pcap_", "bpf_"))}
    lib = os.path.join(dropin, "libpcap.so.0.8")
    nm = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
    have = {l.split()[-1] for l in nm.splitlines() if len(l.split()) == 3}
    missing = sorted(wanted - have)
    if missing:
        fail("%s imports %d libpcap symbols the drop-in lacks: %s" % (TCPDUMP, len(missing), " ".join(missing)))
    soname = subprocess.run(["readelf", "-d", lib], capture_output=True, text=True, check=True).stdout
    if "Library soname: [libpcap.so.0.8]" not in soname:
        fail("the drop-in's SONAME is not libpcap.so.0.8:\n" + soname)
    print("symbols: all %d libpcap symbols %s imports are defined by the drop-in" % (len(wanted), TCPDUMP))


def check_ldd(env_drop):
    ldd = subprocess.run(["ldd", TCPDUMP], capture_output=True, text=True, env=env_drop).stdout
    line = [l.strip() for l in ldd.splitlines() if "libpcap.so" in l]
    want = os.path.join(env_drop["LD_LIBRARY_PATH"], "libpcap.so.0.8")
    if len(line) != 1 or ("=> " + want + " ") not in line[0] + " ":
        fail("tcpdump does not resolve libpcap.so.0.8 to the drop-in:\n" + ldd)
    print("ldd: " + line[0])


def run(args, env):
    r = subprocess.run([TCPDUMP] + args, capture_output=True, env=env)
    return r.returncode, r.stdout, r.stderr


DESCRIPTION = re.compile(rb"(, link-type [^ ,]+) \(.*\)(, snapshot length)")


def without_description(err):
    return DESCRIPTION.sub(rb"\1\2", err)


def compare_reads(captures, env_sys, env_drop, listed):
    """tcpdump -nn -tt -xx -r FILE [FILTER] on both libraries, every capture and filter."""
    jobs = []
    for name in sorted(os.listdir(captures)):
        for flt in FILTERS:
            jobs.append((name, flt, ["-nn", "-tt", "-xx", "-r", os.path.join(captures, name)] + ([flt] if flt else [])))

    def one(job):
        name, flt, args = job
        return name, flt, run(args, env_sys), run(args, env_drop)

    bad, seen, outputs, descriptions = 0, set(), 0, 0
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for name, flt, ref, got in pool.map(one, jobs):
            outputs += len(ref[1])
            key = (name, flt or "-")
            if ref[2] != got[2] and without_description(ref[2]) == without_description(got[2]):
                descriptions += 1
                ref, got = ref[:2] + (b"",), got[:2] + (b"",)
            if ref[:2] != got[:2]:
                kind = "output"
            elif ref[2] != got[2]:
                kind = "stderr"
            else:
                continue
            seen.add(key)
            why = listed.get(key)
            if why is not None and (why[0] == kind or why[0] == "output"):
                print("listed %s %s %s (%s): exit %d vs %d, stdout %d vs %d bytes" %
                      (name, key[1], kind, why[1], ref[0], got[0], len(ref[1]), len(got[1])))
                continue
            bad += 1
            print("FAIL %s %s: %s differs: exit %d vs %d, stdout %d vs %d bytes\n  libpcap: %r\n  drop-in: %r"
                  % (name, key[1], kind, ref[0], got[0], len(ref[1]), len(got[1]), ref[2][-300:], got[2][-300:]))
    for key in sorted(set(listed) - seen):
        print("FAIL listed difference no longer seen: %s %s" % key)
        bad += 1
    print("-r: %d runs (%d files x %d filters), %d bytes of output on libpcap; %d differ (listed: %d); "
          "%d differ only in the link type's description"
          % (len(jobs), len(jobs) // len(FILTERS), len(FILTERS), outputs, len(seen), len(listed), descriptions))
    return bad == 0


def compare_programs(apply, savefiles, run_listing, env_sys, env_drop, xfail):
    """tcpdump -d -r SAVEFILE EXPR: 1.10.3's listing, or master's results where 1.10.3 differs."""
    rows = [json.loads(l) for l in open(apply)]
    namefiles = os.environ.get("LCAP_NAMEFILES") == "1"
    same, newer, bad, skipped = 0, [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            if row.get("skip") and not namefiles:
                skipped += 1
                continue
            args = ["-d", "-r", os.path.join(savefiles, row["savefile"]), row["expr"]]
            ref, got = run(args, env_sys), run(args, env_drop)
            if ref[:2] == got[:2]:
                same += 1
                continue
            if got[0] != 0:
                bad += 1
                print("FAIL %s: libpcap exit %d, drop-in exit %d: %s" % (row["name"], ref[0], got[0], got[2][-300:]))
                continue
            listing = os.path.join(tmp, "listing")
            with open(listing, "wb") as f:
                f.write(got[1])
            res = subprocess.run([run_listing, listing, os.path.join(savefiles, row["savefile"])],
                                 capture_output=True, text=True)
            results = [int(x) for x in res.stdout.split()] if res.returncode == 0 else None
            if results == row["results"]:
                newer.append(row["name"])
            elif row["name"] in xfail:
                print("xfail %s (filter_apply's list): %s" % (row["name"], xfail[row["name"]]))
            else:
                bad += 1
                print("FAIL %s: the drop-in's program differs from 1.10.3's and gives %s, not the vector's %s"
                      % (row["name"], results if results is not None else res.stderr.strip(), row["results"]))
    print("-d: %d apply vectors, %d listings as libpcap 1.10.3's, %d differ from 1.10.3 and give master's "
          "expected results%s" % (len(rows) - skipped, same, len(newer),
                                   ", %d need the name files (not under with_namefiles.sh)" % skipped if skipped else ""))
    for name in newer:
        print("  1.10.3 differs, master's results: " + name)
    return bad == 0


def read_list(path, fields):
    """Non-comment lines of path split into fields (the last one takes the rest)."""
    rows = []
    for line in open(path):
        line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if line:
            rows.append(line.split(None, fields - 1))
    return rows


def sanitizer_runtime(sanitize):
    """The shared ASan runtime $CC links against (clang's, then gcc's name), or fails."""
    cc = os.environ.get("CC", "cc")
    for name in ("libclang_rt.asan-x86_64.so", "libasan.so"):
        path = subprocess.run([cc, "-print-file-name=" + name], capture_output=True, text=True).stdout.strip()
        if os.path.isabs(path) and os.path.exists(path):
            return path
    fail("a drop-in built with -fsanitize=%s needs %s's shared ASan runtime, not found" % (sanitize, cc))


def main():
    dropin, captures, apply, savefiles, run_listing, diff_file, xfail_file, sanitize = sys.argv[1:9]
    dropin = os.path.abspath(dropin)
    listed = {(f, flt): (kind, why) for f, flt, kind, why in read_list(diff_file, 4)}
    xfail = {name: why for name, why in read_list(xfail_file, 2)}
    env_sys = dict(os.environ)
    env_sys.pop("LD_LIBRARY_PATH", None)
    env_drop = dict(env_sys, LD_LIBRARY_PATH=dropin)
    if sanitize not in ("", "none"):
        env_drop["LD_PRELOAD"] = " ".join(filter(None, [sanitizer_runtime(sanitize), env_sys.get("LD_PRELOAD")]))
    check_symbols(dropin)
    check_ldd(env_drop)
    ok = compare_reads(captures, env_sys, env_drop, listed)
    ok = compare_programs(apply, savefiles, run_listing, env_sys, env_drop, xfail) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
