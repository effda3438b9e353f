#!/usr/bin/env python3
"""One line on a crawl's JSON-lines output: when the hosts whose names start with PREFIX (the small ones) had their
last page, the pages/s of the 3 s before and after that, and the worst second from then until the last full second
of the crawl, with its ratio to the median second of that span.
  bench/uneven/analyse.py OUT.jsonl 127.0.2."""
import datetime
import json
import statistics
import sys
from urllib.parse import urlsplit


def main(path, prefix):
    times, small_last = [], None
    with open(path, encoding="utf-8") as records:
        for line in records:
            record = json.loads(line)
            at = datetime.datetime.fromisoformat(record["fetched_at"].replace("Z", "+00:00")).timestamp()
            times.append(at)
            if (urlsplit(record["url"]).hostname or "").startswith(prefix):
                small_last = at if small_last is None else max(small_last, at)
    if not times or small_last is None:
        return f"no records from hosts {prefix}* in {path}"
    start = min(times)
    seconds = [0] * (int(max(times) - start) + 1)
    for at in times:
        seconds[int(at - start)] += 1
    end = int(small_last - start)   # the second in which the small hosts' last page came
    before = seconds[max(0, end - 3):end]
    after = seconds[end + 1:end + 4]
    span = seconds[end + 1:len(seconds) - 1]   # the last second is cut short by the end of the crawl
    if not span:
        return f"{len(times)} pages; the small hosts ended in the crawl's last second: nothing to compare"
    worst = min(span)
    median = statistics.median(span)
    return (f"{len(times)} pages in {max(times) - start:.1f} s; small hosts' last page at {small_last - start:.1f} s; "
            f"pages/s the 3 s before {before}, after {after}; worst second after it {worst} "
            f"(at {end + 1 + span.index(worst)} s), median {median:.0f}: {worst / median:.2f}")


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2]))
