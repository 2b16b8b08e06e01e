#!/usr/bin/env python3
# run_fuzz.py - one bounded libFuzzer run: gathers the seeds that fit a harness
# into a fresh temporary corpus, fuzzes for a fixed time, keeps any crash.
# SPDX-License-Identifier: BSD-2-Clause
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harness", required=True)
    ap.add_argument("--seconds", type=int, required=True)
    ap.add_argument("--artifacts", required=True, help="directory for crash-* files")
    ap.add_argument("--seeds", action="append", default=[], help="directory of seed inputs")
    ap.add_argument("--magic", action="append", default=[],
                    help="hex prefix a seed must start with (any of them); none: take all")
    ap.add_argument("--max-len", type=int, default=65536)
    args = ap.parse_args()

    # LCAP_FUZZ_SECONDS lengthens (or shortens) every run for a local campaign.
    seconds = int(os.environ.get("LCAP_FUZZ_SECONDS", args.seconds))
    magics = [bytes.fromhex(m) for m in args.magic]
    os.makedirs(args.artifacts, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="lcap-fuzz-") as corpus:
        taken = 0
        for d in args.seeds:
            if not os.path.isdir(d):
                print(f"run_fuzz: seed directory {d} is missing", file=sys.stderr)
                return 1
            for name in sorted(os.listdir(d)):
                path = os.path.join(d, name)
                if not os.path.isfile(path):
                    continue
                with open(path, "rb") as f:
                    head = f.read(16)
                if magics and not any(head.startswith(m) for m in magics):
                    continue
                shutil.copyfile(path, os.path.join(corpus, f"{taken:05d}-{name}"))
                taken += 1
        print(f"run_fuzz: {taken} seeds, {seconds} s")
        cmd = [args.harness, f"-max_total_time={seconds}", "-rss_limit_mb=2048",
               "-timeout=10", f"-max_len={args.max_len}", "-print_final_stats=1",
               f"-artifact_prefix={os.path.join(args.artifacts, '')}", corpus]
        rc = subprocess.call(cmd)
        if rc != 0:
            print(f"run_fuzz: {args.harness} failed (exit {rc}); reproducer in {args.artifacts}",
                  file=sys.stderr)
            # libFuzzer's own failure code is 77, which meson reads as "skipped":
            # a crash must fail the test.
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
