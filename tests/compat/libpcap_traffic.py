# tests/compat/libpcap_traffic.py - runs libpcap's looping test programs (capturetest, selpolltest, ...) on the layer and on libpcap at once, over frames sent into the test's veth pair, and compares what each reports.
# SPDX-License-Identifier: BSD-2-Clause
"""Imported by libpcap_testprogs.py's live mode, which builds the programs
and owns the network namespace. Each run starts the layer's build and
libpcap's build of one program side by side on lcapb, sends FRAMES UDP
broadcast frames out of lcapa, interrupts both if the program waits for
SIGINT, and compares the two outputs after folding what timing decides (how
the packets split between dispatch calls, how often select woke, CPU seconds)."""
import os
import re
import signal
import subprocess
import threading
import time

import pcapfile

FRAMES = 40

# The folded output capturetest and writecaptest must give when interrupted after FRAMES frames.
INTERRUPTED = ["Listening on lcapb", "", "Broken out of loop from SIGINT handler", "packets counted: %d" % FRAMES]
# Why libpcap 1.10.3 is no oracle for a run (measured here: 3 runs each).
NO_ORACLE_NONBLOCK = ("libpcap 1.10.3 hangs in pcap_dispatch after the SIGINT in non-blocking mode "
                      "(5 of 6 runs on this kernel)")
NO_ORACLE_IMMEDIATE = "libpcap 1.10.3 loses 7 or 8 of the 40 frames in immediate mode here (ps_drop 7-8)"

# One run a row: arguments, whether the program ends by itself (else SIGINT ends it),
# how many frames to send, what the run shows, and either None (compare with libpcap's
# build, which must see the same) or (why libpcap is no oracle, the folded output the
# program's source says it prints).
TRAFFIC_RUNS = [
    (["capturetest", "-s", "-b", "-i", "lcapb", "udp"], False, FRAMES, "breakloop from a SIGINT handler", None),
    (["capturetest", "-s", "-r", "-b", "-t", "200", "-i", "lcapb", "udp"], False, FRAMES,
     "SA_RESTART, 200 ms timeout", None),
    (["capturetest", "-m", "-s", "-b", "-i", "lcapb", "udp"], False, FRAMES, "immediate mode",
     (NO_ORACLE_IMMEDIATE, INTERRUPTED)),
    (["capturetest", "-n", "-s", "-b", "-i", "lcapb", "udp"], False, FRAMES, "non-blocking",
     (NO_ORACLE_NONBLOCK, INTERRUPTED)),
    (["capturetest", "-n", "-m", "-s", "-b", "-i", "lcapb", "udp"], False, FRAMES, "non-blocking, immediate",
     (NO_ORACLE_NONBLOCK, INTERRUPTED)),
    (["selpolltest", "-s", "-i", "lcapb", "udp"], False, FRAMES, "select() on the selectable fd", None),
    (["selpolltest", "-p", "-n", "-i", "lcapb", "udp"], False, FRAMES, "poll(), non-blocking", None),
    (["selpolltest", "-s", "-t", "-i", "lcapb", "udp"], False, FRAMES, "select() with a timeout", None),
    (["selpolltest", "-i", "lcapb", "udp"], False, FRAMES, "pcap_dispatch alone", None),
    (["writecaptest", "-i", "lcapb", "-w", "{work}/{lib}-written.pcap"], False, FRAMES,
     "pcap_dump of what it captured, never closed (exit flushes it)", None),
    # Enough frames to fill libpcap's first ring block: without a timeout it hands
    # nothing over before.
    (["nonblocktest", "-i", "lcapb"], True, 5000,
     "set/get nonblock before and after activation, breakloop in a callback", None),
    (["valgrindtest", "-i", "lcapb", "udp"], True, 0, "pcap_open_live, compile and set a filter", None),
    (["valgrindtest", "-a", "-i", "lcapb", "udp"], True, 0, "the same through pcap_create/pcap_activate", None),
    (["findalldevstest-perf"], True, 0, "pcap_findalldevs in a loop", None),
]
# Run -> (the layer's last stderr line and exit status where libpcap's differ, why).
TRAFFIC_DIFFERENCES = {
    "nonblocktest -i lcapb": (("nonblocktest: pcap_setnonblock succeeded even though file table is full", 1),
                              "its last check expects pcap_setnonblock(0) to need a new descriptor (libpcap "
                              "1.10.3's eventfd on Linux) and fail with the file table full; libcapture's "
                              "needs none"),
}
# threadsignaltest stays built only: it sleeps 60 s before its breakloop.
TRAFFIC_BUILT_ONLY = {"threadsignaltest": "sleeps 60 seconds before it calls pcap_breakloop"}

COUNTED = re.compile(r"^(\d+) packets seen(?:, (\d+) packets counted after (\w+) returns)?$")
STATS = re.compile(r"^(\d+) ps_recv, (\d+) ps_drop, (\d+) ps_ifdrop$")
# Lines whose number depends on when the kernel woke the reader.
TIMING = re.compile(r"^(No packets seen by pcap_dispatch|Select returned a descriptor: .*"
                    r"|Poll returned a descriptor: .*)$")
# selpolltest -t starts a line with this each time its wait times out, the count (if any) after it.
TIMED_OUT = re.compile(r"^((?:Select|Poll) timed out: )+")


def send_frames(ns, count):
    """COUNT broadcast UDP frames out of lcapa, each with its number in its IP id and payload."""
    code = (
        "import socket,struct\n"
        "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);s.bind(('lcapa',0))\n"
        "for i in range(%d):\n"
        " udp=struct.pack('!HHHH',1000+i%%1000,9,8+4,0)+struct.pack('!I',i)\n"
        " ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(udp),i,0,64,17,0,bytes([192,0,2,1]),bytes([192,0,2,255]))\n"
        " s.send(b'\\xff'*6+b'\\x02\\x00\\x00\\x00\\x00\\x01'+b'\\x08\\x00'+ip+udp)\n" % count)
    subprocess.run(["ip", "netns", "exec", ns, "python3", "-c", code], check=True)


def fold(text):
    """(folded lines, packets counted, last stats line): dispatch counts summed, timing lines kept
    once each."""
    lines, total, seen_timing, last_stats = [], 0, set(), None
    for line in text.replace("\r\n", "\n").splitlines():
        line = line.rstrip()
        m = TIMED_OUT.match(line)
        if m:
            if "(timing) timed out" not in seen_timing:
                seen_timing.add("(timing) timed out")
                lines.append("(timing) timed out")
            line = line[m.end():]
            if not line:
                continue
        m = COUNTED.match(line)
        if m:
            total += int(m.group(1))
            if m.group(2) is not None and m.group(1) != m.group(2):
                lines.append("MISMATCH " + line)
            continue
        m = STATS.match(line)
        if m:
            last_stats = line
            continue
        if TIMING.match(line):
            if line not in seen_timing:
                seen_timing.add(line)
                lines.append("(timing) " + line)
            continue
        line = re.sub(r"\d+(\.\d+)?(e-?\d+)?", "N", line) if line.startswith("Total CPU secs") else line
        if line or (lines and lines[-1]):
            lines.append(line)
    lines.append("packets counted: %d" % total)
    return lines, total, last_stats


def libpcap_dropped(stats):
    m = STATS.match(stats or "")
    return m is not None and int(m.group(2)) > 0


def start(ns, exe, args, env):
    """The program in the namespace, its stdout on a pty (so it is line-buffered and
    survives a SIGINT that kills it), stderr on a pipe."""
    master, slave = os.openpty()
    p = subprocess.Popen(["ip", "netns", "exec", ns, exe] + args, stdout=slave, stderr=subprocess.PIPE,
                         env=env, start_new_session=True)
    os.close(slave)
    out = []

    def drain():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out.append(chunk)
        os.close(master)

    t = threading.Thread(target=drain)
    t.start()
    return p, t, out


def finish(p, t, out, interrupt):
    if interrupt:
        os.killpg(p.pid, signal.SIGINT)
    try:
        err = p.communicate(timeout=15)[1]
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        err = p.communicate()[1] + b"\n(hung: killed after 15 s)"
    t.join()
    return p.returncode, b"".join(out).decode(errors="replace"), err.decode(errors="replace")


def packets(path):
    """A savefile's header and packets as (captured length, original length, bytes), time stamps
    left out; None if it is missing or not a whole pcap file."""
    try:
        f = pcapfile.read(path)
    except (OSError, pcapfile.Bad):
        return None
    return f.header, [(r.caplen, r.length, r.data) for r in f.records]


def traffic_runs(ns, layer, oracle, work, env):
    """Runs TRAFFIC_RUNS; returns (runs as expected, runs)."""
    # No IPv6 neighbour discovery or router solicitations from here on: only our frames.
    for dev in ("lcapa", "lcapb"):
        subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev],
                       check=True)
    alike = 0
    for args, ends, frames, what, no_oracle in TRAFFIC_RUNS:
        name = " ".join(args).replace("{work}/{lib}-", "")
        libs = [("layer", layer[args[0]])] + ([("libpcap", oracle[args[0]])] if no_oracle is None else [])
        procs = {lib: start(ns, exe, [a.format(work=work, lib=lib) for a in args[1:]], env) for lib, exe in libs}
        time.sleep(2.0)
        if frames:
            send_frames(ns, frames)
        # Past capturetest's 1 s timeout, so a ring block not yet full is handed over.
        time.sleep(1.5)
        res = {lib: finish(*procs[lib], interrupt=not ends) for lib in procs}
        lrc, lout, lerr = res["layer"]
        lfold, ltotal, lstats = fold(lout)
        problems = []
        if no_oracle is None:
            prc, pout, perr = res["libpcap"]
            pfold = fold(pout)[0]
            # The oracle's binary is named libpcap-PROG: its messages start with that name.
            perr = re.sub(r"(?m)^libpcap-", "", perr)
            listed = TRAFFIC_DIFFERENCES.get(name)
            if listed is not None:
                (last_line, rc), why = listed
                if (lerr.strip().splitlines() or [""])[-1] != last_line or lrc != rc:
                    problems.append("the listed difference (%s) is no longer seen" % why)
                lerr, lrc = perr, prc
                print("note %s: differs as listed: %s" % (name, why))
            if (lrc, lfold, lerr) != (prc, pfold, perr):
                problems.append("the outputs differ")
        else:
            why, expected = no_oracle
            print("note %s: the program's own expected output, not libpcap's: %s" % (name, why))
            prc, pfold, perr = 0, expected, "(as the program's source prints it)"
            if (lrc, lfold) != (0, expected):
                problems.append("not what the program prints when it works")
        if frames and not ends:
            if ltotal != frames:
                problems.append("the layer counted %d of %d frames" % (ltotal, frames))
            if lstats is not None and lstats != "%d ps_recv, 0 ps_drop, 0 ps_ifdrop" % frames:
                problems.append("the layer's last stats: " + lstats)
        if args[0] == "writecaptest":
            written = {lib: packets(os.path.join(work, lib + "-written.pcap")) for lib in procs}
            if written["layer"] is None or written["layer"] != written["libpcap"] \
                    or len(written["layer"][1]) != frames:
                problems.append("the savefiles differ or do not hold the %d frames" % frames)
        if problems:
            print("FAIL %s (%s): %s\n  expected: exit %s %r %r\n  layer:    exit %s %r %r"
                  % (name, what, "; ".join(problems), prc, pfold, perr[-300:], lrc, lfold, lerr[-300:]))
        else:
            alike += 1
            print("same %s (%s): %s" % (name, what, " | ".join(x for x in lfold if x)))
    return alike, len(TRAFFIC_RUNS)
