#!/usr/bin/env python3
"""CPU seconds of a running JVM by thread pool, compiler and GC threads included, measured until it exits.

    bench/lib/thread_cpu.py [--match TEXT] [--out DUMP] [--halves]

Waits for a java process whose command line contains TEXT (default `spindle.cli.Main crawl`; start it, or bench/run,
after this), then takes `jcmd PID Thread.print` once a second until the process is gone, and prints from the last
dump each pool's CPU seconds (the `cpu=` of its threads, numbered suffixes dropped: every
`spindle-spindle.dispatchers.parse-N` is one pool, every `C2 CompilerThreadN` one line). JFR's execution samples
leave out the JIT compiler and GC threads; this counts them. With `--halves`, also the CPU each pool spent in the
first and the second half of the process's life (the dump nearest the middle splits them), which shows what
warm-up costs. A thread that ended before the last dump is not counted (Spindle's pools keep their threads).
Python 3 stdlib and the JDK's jcmd only.
"""
import argparse
import collections
import re
import subprocess
import sys
import time


def find_pid(match):
    while True:
        listing = subprocess.run(["pgrep", "-af", "java"], capture_output=True, text=True).stdout
        for line in listing.splitlines():
            if match in line:
                return line.split()[0]
        time.sleep(0.1)


def by_pool(dump):
    pools = collections.Counter()
    for found in re.finditer(r'^"([^"]+)".*?cpu=([\d.]+)ms', dump, re.M):
        pools[re.sub(r"[-#]?\d+$", "", found.group(1))] += float(found.group(2)) / 1000
    return pools


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--match", default="spindle.cli.Main crawl")
    parser.add_argument("--out", help="write the last Thread.print dump here")
    parser.add_argument("--halves", action="store_true")
    args = parser.parse_args()
    pid = find_pid(args.match)
    dumps = []
    while True:
        taken = subprocess.run(["jcmd", pid, "Thread.print"], capture_output=True, text=True)
        if taken.returncode != 0 or "cpu=" not in taken.stdout:
            break
        dumps.append((time.monotonic(), taken.stdout))
        time.sleep(1)
    if not dumps:
        sys.exit(f"thread_cpu: no thread dump of process {pid}")
    if args.out:
        with open(args.out, "w") as out:
            out.write(dumps[-1][1])
    last = by_pool(dumps[-1][1])
    middle_time = (dumps[0][0] + dumps[-1][0]) / 2
    middle = by_pool(min(dumps, key=lambda dump: abs(dump[0] - middle_time))[1])
    print("| pool | CPU s |" + (" first half | second half |" if args.halves else ""))
    print("|---|---:|" + ("---:|---:|" if args.halves else ""))
    for pool, seconds in last.most_common():
        if seconds < 0.05:
            continue
        halves = f" {middle[pool]:.1f} | {seconds - middle[pool]:.1f} |" if args.halves else ""
        print(f"| {pool} | {seconds:.1f} |{halves}")
    total = sum(last.values())
    halves = f" {sum(middle.values()):.1f} | {total - sum(middle.values()):.1f} |" if args.halves else ""
    print(f"| all threads | {total:.1f} |{halves}")


if __name__ == "__main__":
    main()
