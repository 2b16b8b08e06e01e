#!/usr/bin/env python3
# capsniff_test.py - tests the capsniff example against tcpdump -n, its options and every shared capture.
# SPDX-License-Identifier: BSD-2-Clause
"""usage: capsniff_test.py PATH_TO_CAPSNIFF

Needs LCAP_SOURCE (the source tree) and LCAP_TESTDATA (tests/data, for its captures).
Exits 0 when every check passes; prints each failure on stderr."""
import os
import random
import re
import subprocess
import sys
import tempfile

import pcapfile
import testdata

CAPSNIFF = sys.argv[1]
SOURCE = os.environ["LCAP_SOURCE"]
CAPTURES = testdata.path("captures")
SAMPLE = os.path.join(SOURCE, "examples", "sample.pcap")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def run(args, **kw):
    return subprocess.run([CAPSNIFF] + args, capture_output=True, timeout=60, **kw)


def sanitizer_trouble(stderr):
    return b"Sanitizer" in stderr or b"runtime error:" in stderr


def sample_is_reproducible(tmp):
    out = os.path.join(tmp, "regen.pcap")
    subprocess.run([sys.executable, os.path.join(SOURCE, "examples", "make_sample.py"), out], check=True)
    check(open(out, "rb").read() == open(SAMPLE, "rb").read(),
          "examples/make_sample.py does not reproduce examples/sample.pcap")


def sample_output():
    r = run(["-r", SAMPLE])
    check(r.returncode == 0, "capsniff -r sample.pcap exited %d: %r" % (r.returncode, r.stderr))
    check(r.stderr == b"", "capsniff -r sample.pcap wrote to stderr: %r" % r.stderr)
    lines = r.stdout.decode().splitlines()
    check(len(lines) == 29, "expected 29 lines from sample.pcap, got %d" % len(lines))
    expected = [
        "22:13:20.000017 ARP, Request who-has 192.0.2.20 tell 192.0.2.10, length 46",
        "22:13:20.251017 ARP, Reply 192.0.2.20 is-at 02:00:00:00:00:14, length 46",
        "22:13:20.502017 IP 192.0.2.10 > 192.0.2.20: ICMP echo request, id 4660, seq 1, length 64",
        "22:13:21.506017 IP 192.0.2.10.53000 > 192.0.2.53.53: UDP, length 33",
        "22:13:22.761017 IP 192.0.2.80.80 > 192.0.2.10.49152: Flags [S.], seq 5000000, ack 1000001, win 65160, options [mss 1460], length 0",
        "22:13:23.263017 IP 192.0.2.10.49152 > 192.0.2.80.80: Flags [P.], seq 1000001:1000042, ack 5000001, win 64240, length 41",
        "22:13:24.267017 IP 192.0.2.10.49152 > 192.0.2.80.80: Flags [F.], seq 1000042, ack 5000059, win 64240, length 0",
        "22:13:25.271017 IP 192.0.2.80.443 > 192.0.2.10.49153: Flags [R.], seq 0, ack 7000001, win 0, length 0",
        "22:13:26.024017 IP6 2001:db8::10 > 2001:db8::20: ICMP6, echo request, id 22136, seq 1, length 64",
        "22:13:27.028017 IP6 2001:db8::10.53002 > 2001:db8::20.53: UDP, length 29",
    ]
    for e in expected:
        check(e in lines, "missing line: " + e)
    return lines


def head(line):
    """Time, protocol, addresses and ports: everything before the first ': '."""
    return line.split(": ", 1)[0]


def against_tcpdump(lines):
    env = dict(os.environ, TZ="UTC")
    t = subprocess.run(["tcpdump", "-n", "-S", "-r", SAMPLE], capture_output=True, env=env, timeout=60)
    check(t.returncode == 0, "tcpdump failed on sample.pcap: %r" % t.stderr)
    theirs = t.stdout.decode().splitlines()
    check(len(theirs) == len(lines), "tcpdump printed %d lines, capsniff %d" % (len(theirs), len(lines)))
    for i, (ours, ref) in enumerate(zip(lines, theirs), 1):
        check(head(ours) == head(ref), "packet %d: '%s' vs tcpdump '%s'" % (i, head(ours), head(ref)))
        f1, f2 = re.search(r"Flags \[([^\]]*)\]", ours), re.search(r"Flags \[([^\]]*)\]", ref)
        check((f1 and f1.group(1)) == (f2 and f2.group(1)), "packet %d: TCP flags differ: %s | %s" % (i, ours, ref))
        for field in ("seq", "ack", "win", "id"):
            a = re.search(r"\b%s (\d+(?::\d+)?)" % field, ours)
            b = re.search(r"\b%s (\d+(?::\d+)?)" % field, ref)
            if b:
                check(a is not None and a.group(1) == b.group(1),
                      "packet %d: %s differs: %s | %s" % (i, field, ours, ref))
        m = re.search(r"length (\d+)", ref)
        if m:
            mine = re.findall(r"length (\d+)", ours)
            check(mine and mine[-1] == m.group(1), "packet %d: length differs: %s | %s" % (i, ours, ref))
        if "ARP" in ref or "ICMP" in ref:
            check(ours == ref, "packet %d: line differs from tcpdump:\n  %s\n  %s" % (i, ours, ref))


def count_option(lines):
    r = run(["-r", SAMPLE, "-c", "5"])
    check(r.returncode == 0 and r.stdout.decode().splitlines() == lines[:5], "-c 5 did not print the first 5 packets")
    for bad in ("0", "-3", "x", "5x", "", "99999999999999999999"):
        r = run(["-r", SAMPLE, "-c", bad])
        want = ("capsniff: -c needs a positive number, got '%s'\n" % bad).encode()
        check(r.returncode == 2 and r.stderr.startswith(want) and not r.stdout,
              "-c '%s' was not refused saying why: %r" % (bad, r.stderr))
    r = run(["-r", SAMPLE, "-c5"])
    check(r.returncode == 0 and r.stdout.decode().splitlines() == lines[:5], "-c5 (glued) did not print 5 packets")


def help_and_version():
    """-h and --help print the usage on stdout, generated from the option table;
    --version names libcapture's version; refused arguments say which and why."""
    for flag in ("-h", "--help"):
        r = run([flag])
        out = r.stdout.decode()
        check(r.returncode == 0 and out.startswith("usage: capsniff -r FILE") and not r.stderr,
              "%s: rc %d, %r" % (flag, r.returncode, r.stderr))
        for opt in ("-r FILE", "-c COUNT", "-w OUT", "-F PROGRAM_FILE", "-e", "-h", "--version"):
            check(re.search(r"^  %s\s" % re.escape(opt), out, re.M), "%s does not list %s" % (flag, opt))
    r = run(["-r", SAMPLE, "-h"])
    check(r.returncode == 0 and r.stdout.startswith(b"usage:"), "-h after other options did not print the usage")
    r = run(["--version"])
    version = open(os.path.join(SOURCE, "meson.build")).read().split("version : '", 1)[1].split("'", 1)[0]
    check(r.returncode == 0 and re.fullmatch(r"capsniff \(libcapture example\) with libcapture[ -]?\S*%s\S*\n"
                                             % re.escape(version), r.stdout.decode()) is not None,
          "--version does not name libcapture %s: %r" % (version, r.stdout))
    for args, why in ((["-r", SAMPLE, "-x"], "capsniff: unknown option '-x'"),
                      (["-r", SAMPLE, "--bogus"], "capsniff: unknown option '--bogus'"),
                      (["-r"], "capsniff: -r needs FILE"),
                      (["-r", SAMPLE, "-w"], "capsniff: -w needs OUT"),
                      (["-r", SAMPLE, "-F", os.path.join(SOURCE, "examples", "tcp.bpf"), "tcp"],
                       "capsniff: -F PROGRAM_FILE and a filter expression exclude each other"),
                      (["-c", "3"], "capsniff: -r FILE is needed")):
        r = run(args)
        check(r.returncode == 2 and r.stderr.decode().startswith(why) and b"usage:" in r.stderr and not r.stdout,
              "%s: rc %d, %r (wanted %r)" % (args, r.returncode, r.stderr, why))


def write_option(tmp, lines):
    out = os.path.join(tmp, "copy.pcap")
    r = run(["-r", SAMPLE, "-w", out])
    check(r.returncode == 0, "-w failed: %r" % r.stderr)
    check(r.stdout.decode().splitlines() == lines, "-w changed what is printed")
    check(open(out, "rb").read() == open(SAMPLE, "rb").read(), "-w copy is not byte-identical to sample.pcap")
    out3 = os.path.join(tmp, "three.pcap")
    r = run(["-r", SAMPLE, "-c", "3", "-w", out3])
    check(r.returncode == 0, "-c 3 -w failed: %r" % r.stderr)
    t = subprocess.run(["tcpdump", "-n", "-r", out3], capture_output=True, timeout=60)
    check(t.returncode == 0 and len(t.stdout.decode().splitlines()) == 3, "tcpdump does not read 3 packets from -c 3 -w")
    r = run(["-r", out3])
    check(r.returncode == 0 and r.stdout.decode().splitlines() == lines[:3], "reading the -c 3 copy back differs")
    # "-" writes the capture to standard output and nothing else.
    r = run(["-r", SAMPLE, "-w", "-"])
    check(r.returncode == 0 and r.stdout == open(SAMPLE, "rb").read(), "-w - did not write the capture to stdout")
    # Errors: a directory that does not exist, a full device.
    r = run(["-r", SAMPLE, "-w", os.path.join(tmp, "no", "such", "dir.pcap")])
    check(r.returncode == 1 and b"No such file or directory" in r.stderr, "-w into a missing directory: %r" % r.stderr)
    r = run(["-r", SAMPLE, "-w", "/dev/full"])
    check(r.returncode == 1 and b"No space left on device" in r.stderr, "-w /dev/full: %r" % r.stderr)


def filter_option(tmp, lines):
    env = dict(os.environ, TZ="UTC")
    bpf = os.path.join(SOURCE, "examples", "tcp.bpf")
    t = subprocess.run(["tcpdump", "-d", "-r", SAMPLE, "tcp"], capture_output=True, timeout=60)
    check(t.stdout == open(bpf, "rb").read(), "examples/tcp.bpf is not what tcpdump -d -r sample.pcap tcp prints")
    r = run(["-r", SAMPLE, "-F", bpf])
    got = r.stdout.decode().splitlines()
    check(r.returncode == 0 and got == [l for l in lines if "Flags [" in l],
          "-F tcp.bpf did not keep exactly the TCP packets: %r" % got)
    check(len(got) == 12, "-F tcp.bpf: %d packets, expected 12" % len(got))
    # Other filters, compiled by tcpdump: the same packets as tcpdump selects.
    for expr in ("udp", "arp", "icmp or icmp6", "host 192.0.2.20", "port 53", "ip6",
                 "tcp[tcpflags] & tcp-syn != 0", "len > 100", "not tcp"):
        prog = os.path.join(tmp, "f.bpf")
        d = subprocess.run(["tcpdump", "-d", "-r", SAMPLE, expr], capture_output=True, timeout=60)
        open(prog, "wb").write(d.stdout)
        want = subprocess.run(["tcpdump", "-n", "-S", "-r", SAMPLE, expr], capture_output=True, env=env,
                              timeout=60).stdout.decode().splitlines()
        r = run(["-r", SAMPLE, "-F", prog])
        got = r.stdout.decode().splitlines()
        check(r.returncode == 0 and [head(l) for l in got] == [head(l) for l in want],
              "-F '%s': capsniff kept %d packets, tcpdump %d" % (expr, len(got), len(want)))
    r = run(["-r", SAMPLE, "-F", bpf, "-c", "2"])
    check(r.returncode == 0 and len(r.stdout.decode().splitlines()) == 2, "-F with -c 2")
    out = os.path.join(tmp, "tcp-only.pcap")
    r = run(["-r", SAMPLE, "-F", bpf, "-w", out])
    t = subprocess.run(["tcpdump", "-n", "-r", out], capture_output=True, timeout=60)
    check(r.returncode == 0 and len(t.stdout.decode().splitlines()) == 12, "-F with -w did not write the 12 TCP packets")
    bad = os.path.join(tmp, "bad.bpf")
    open(bad, "w").write("(000) ret #bogus\n")
    r = run(["-r", SAMPLE, "-F", bad])
    check(r.returncode == 1 and b"line 1" in r.stderr and not r.stdout, "a bad program: %r" % r.stderr)
    r = run(["-r", SAMPLE, "-F", os.path.join(tmp, "none.bpf")])
    check(r.returncode == 1 and b"No such file or directory" in r.stderr, "a missing program file: %r" % r.stderr)


def error_cases(tmp):
    r = run(["-r", os.path.join(tmp, "missing.pcap")])
    check(r.returncode == 1 and r.stderr and not r.stdout, "a missing file is not a clean error")
    r = run([])
    check(r.returncode == 2 and b"usage" in r.stderr, "no arguments: no usage message")
    # Words after the options are a filter expression: one that does not compile exits 65 (as capfilter).
    r = run(["-r", SAMPLE, "tcp", "and", "prot", "80"])
    check(r.returncode == 65 and not r.stdout and
          r.stderr.decode().startswith("capsniff: filter: syntax error at 'prot' (column 9)"),
          "a bad expression: rc %d, %r" % (r.returncode, r.stderr))
    # A file cut inside a record: the packets before it, then an error.
    data = open(SAMPLE, "rb").read()
    cut = os.path.join(tmp, "cut.pcap")
    open(cut, "wb").write(data[:300])
    r = run(["-r", cut])
    check(r.returncode == 1 and r.stderr and len(r.stdout.decode().splitlines()) >= 2,
          "a truncated file: rc %d, %r" % (r.returncode, r.stderr))


def hostile(tmp):
    """Every sample packet and every frame of capsniff_tcpdump's crafted capture
    (each decoder's cases: TCP options, IPv6 extension headers, SCTP, IGMP,
    LLC...) cut to every length, and damaged copies: no crash."""
    sample = pcapfile.read(SAMPLE)
    recs = [r.data for r in sample.records]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from capsniff_tcpdump import crafted_frames
    recs += crafted_frames()
    rng = random.Random(20261123)
    out = bytearray(pcapfile.header(1))
    n = 0
    for pkt in recs:
        for k in range(len(pkt) + 1):
            out += pcapfile.record(1700000000, n % 1000000, pkt[:k], len(pkt))
            n += 1
        for _ in range(40):
            b = bytearray(pkt)
            for _ in range(rng.randint(1, 6)):
                b[rng.randrange(14, len(b))] = rng.randrange(256)
            k = rng.randint(0, len(b))
            out += pcapfile.record(1700000000, n % 1000000, bytes(b[:k]), rng.randint(0, 70000))
            n += 1
    for dlt in (0, 108, 101, 113, 276, 228, 229):  # the other decoded link types, same bytes
        path = os.path.join(tmp, "hostile-%d.pcap" % dlt)
        open(path, "wb").write(pcapfile.header(dlt) + bytes(out[pcapfile.FILE_HEADER:]))
        r = run(["-r", path])
        check(r.returncode == 0 and not sanitizer_trouble(r.stderr),
              "hostile packets, LINKTYPE %d: rc %d %r" % (dlt, r.returncode, r.stderr[-300:]))
        check(len(r.stdout.decode().splitlines()) == n, "hostile packets, LINKTYPE %d: not one line per packet" % dlt)
    path = os.path.join(tmp, "hostile-eth.pcap")
    open(path, "wb").write(bytes(out))
    for extra in ([], ["-e"]):
        r = run(extra + ["-r", path])
        check(r.returncode == 0 and not sanitizer_trouble(r.stderr),
              "hostile Ethernet packets %s: rc %d" % (extra, r.returncode))
        check(len(r.stdout.decode().splitlines()) == n, "hostile Ethernet packets %s: not one line per packet" % extra)


def shared_captures():
    """The binary over every 8th shared capture (capsniff_sweep runs the same
    code over all of them in one process, which is far quicker under ASan)."""
    d = CAPTURES
    names = sorted(os.listdir(d))[::8]
    clean = errors = compared = 0
    env = dict(os.environ, TZ="UTC")
    for name in names:
        r = run(["-r", os.path.join(d, name)])
        # TCP lines of real traffic: the same addresses, ports and flags as tcpdump.
        t = subprocess.run(["tcpdump", "-n", "-S", "-r", os.path.join(d, name)], capture_output=True,
                           env=env, timeout=60)
        ours, theirs = r.stdout.decode(errors="replace").splitlines(), t.stdout.decode(errors="replace").splitlines()
        if len(ours) == len(theirs):
            for x, y in zip(ours, theirs):
                if "Flags [" not in x or x.split(" ")[1] not in ("IP", "IP6"):
                    continue
                y = re.sub(r"truncated-ip - \d+ bytes missing! ", "", y)
                fx, fy = re.search(r"Flags \[[^\]]*\]", x), re.search(r"Flags \[[^\]]*\]", y)
                check(head(x).split(" ", 1)[1] == head(y).split(" ", 1)[1] and fy and fx.group(0) == fy.group(0),
                      "%s: TCP line differs from tcpdump:\n  %s\n  %s" % (name, x, y))
                compared += 1
        ok = r.returncode in (0, 1) and not sanitizer_trouble(r.stderr)
        if r.returncode == 1:
            ok = ok and r.stderr.startswith(b"capsniff: ")
            errors += 1
        else:
            clean += 1
        check(ok, "%s: rc %d, stderr %r" % (name, r.returncode, r.stderr[-300:]))
    check(len(names) > 100, "only %d shared captures found" % len(names))
    check(compared > 50, "only %d TCP lines compared with tcpdump" % compared)
    print("capsniff: %d shared captures, %d read to the end, %d ended with a clean error, %d TCP lines as tcpdump"
          % (len(names), clean, errors, compared))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        sample_is_reproducible(tmp)
        lines = sample_output()
        against_tcpdump(lines)
        count_option(lines)
        help_and_version()
        write_option(tmp, lines)
        filter_option(tmp, lines)
        error_cases(tmp)
        hostile(tmp)
        shared_captures()
    print("capsniff_test: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
