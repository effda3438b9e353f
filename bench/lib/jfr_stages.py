#!/usr/bin/env python3
"""Where a crawl's CPU goes, by pipeline stage, from a JDK Flight Recorder recording of it.

    bench/lib/jfr_stages.py RECORDING.jfr [--top 15]

Reads the recording's jdk.ExecutionSample events (Java code running on a CPU; threads waiting in epoll or on a
lock are not sampled) with the JDK's `jfr` tool, puts each sample in the first stage whose code is on its stack,
and prints a Markdown table: the share of samples per stage, the share per thread pool, and the hottest methods.
Record a crawl with `-XX:StartFlightRecording=filename=FILE,settings=profile` (bench/README.md, "Profile").
Python 3 stdlib only.
"""
import argparse
import collections
import json
import shutil
import subprocess
import sys

# (stage, substrings of a frame's "class.method" that put a sample in it); the first stage that matches wins, so
# the more specific stages come first (a WARC write runs inside a stream stage, a link's resolution inside a parse).
STAGES = [
    ("WARC writing (records, gzip)", ["spindle/store/warc/", "org/netpreserve/jwarc/", "java/util/zip/Deflater"]),
    ("text extraction (main content, Markdown)", ["spindle/parse/MainContent", "spindle/parse/MarkdownWriter",
                                                  "spindle/parse/TextExtractor"]),
    ("SimHash", ["spindle/core/SimHash"]),
    ("links: resolution, normalisation, scope", ["spindle/parse/PageParser$Links", "spindle/core/url/",
                                                "spindle/core/ScopeRules"]),
    ("parse: the page walk (links, metas, title)", ["spindle/parse/PageParser$PageElements"]),
    ("parse: charset decoding", ["spindle/parse/SourceText", "java/lang/StringCoding", "sun/nio/cs/"]),
    ("parse: jsoup tokeniser and tree builder", ["org/jsoup/"]),
    ("content digest (SHA-1)", ["sun/security/provider/SHA", "java/security/MessageDigest"]),
    ("JSON lines output", ["spindle/store/JsonLinesWriter", "spindle/core/CrawlRecord", "com/fasterxml/jackson"]),
    ("frontier, seen-set, counts (RocksDB)", ["spindle/store/", "org/rocksdb/"]),
    ("HTTP client and body buffering", ["org/apache/pekko/http/", "org/apache/pekko/io/", "spindle/fetch/",
                                        "sun/nio/ch/", "org/apache/pekko/util/ByteString"]),
    ("engine actors (fetchers, host queues, broker)", ["spindle/engine/"]),
    ("Pekko streams, actors, dispatchers", ["org/apache/pekko/"]),
    ("logging", ["ch/qos/logback/", "org/slf4j/"]),
    ("metrics", ["io/micrometer/", "io/prometheus/"]),
]


def frames_of(event):
    trace = event["values"].get("stackTrace") or {}
    return [f"{frame['method']['type']['name']}.{frame['method']['name']}" for frame in trace.get("frames", [])]


def pool_of(event):
    thread = event["values"].get("sampledThread") or {}
    name = thread.get("javaName") or thread.get("osName") or "?"
    return name.rstrip("0123456789").rstrip("-")


def stage_of(frames):
    for stage, needles in STAGES:
        if any(needle in frame for frame in frames for needle in needles):
            return stage
    return "other (JDK, collections, strings)"


def table(title, counter, total):
    lines = [f"| {title} | samples | share |", "|---|---:|---:|"]
    for name, count in counter.most_common():
        lines.append(f"| {name} | {count} | {100 * count / total:.1f} % |")
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording")
    parser.add_argument("--top", type=int, default=15, help="hottest methods to list (default 15)")
    args = parser.parse_args(argv)
    jfr = shutil.which("jfr")
    if jfr is None:
        print("jfr_stages: error: the JDK's `jfr` tool is not on the PATH", file=sys.stderr)
        return 2
    try:
        dump = subprocess.run([jfr, "print", "--json", "--events", "jdk.ExecutionSample", args.recording],
                              check=True, capture_output=True, text=True, timeout=600).stdout
    except subprocess.CalledProcessError as failure:
        print(f"jfr_stages: error: {args.recording}: {failure.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return 2
    events = json.loads(dump)["recording"]["events"]
    if not events:
        print(f"jfr_stages: error: {args.recording} holds no execution samples (settings=profile?)", file=sys.stderr)
        return 2
    stages, pools, hottest = collections.Counter(), collections.Counter(), collections.Counter()
    for event in events:
        frames = frames_of(event)
        if not frames:
            continue
        stages[stage_of(frames)] += 1
        pools[pool_of(event)] += 1
        hottest[frames[0]] += 1
    total = sum(stages.values())
    print(f"{total} execution samples in {args.recording}\n")
    print(table("stage (first match on the stack)", stages, total) + "\n")
    print(table("thread pool", pools, total) + "\n")
    top = collections.Counter(dict(hottest.most_common(args.top)))
    print(table("hottest method (top frame)", top, total))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
