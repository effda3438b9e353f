#!/usr/bin/env python3
"""One line on a crawl's JSON-lines output: when the hosts whose names start with PREFIX (the small ones) had their
last page, the pages/s of the 3 s before and after that, and the worst second from then until the last full second
of the crawl, with its ratio to the median second of that span.
  bench/uneven/analyse.py OUT.jsonl 127.0.2."""
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import metrics  # noqa: E402


def main(path, prefix):
    records = metrics.load_records(path, "spindle")
    small = [r.t_end for r in records if r.host.startswith(prefix)]
    if not records or not small:
        return f"no records from hosts {prefix}* in {path}"
    start = min(r.t_end for r in records)
    span = max(r.t_end for r in records) - start
    # 1-second buckets however long the crawl (rate_series widens them past 300 s)
    seconds = [int(rate) for _, rate in metrics.rate_series([r.t_end - start for r in records], min(span, 300))]
    small_last = max(small) - start
    end = int(small_last)   # the second in which the small hosts' last page came
    before = seconds[max(0, end - 3):end]
    after = seconds[end + 1:end + 4]
    rest = seconds[end + 1:len(seconds) - 1]   # the last second is cut short by the end of the crawl
    if not rest:
        return f"{len(records)} pages; the small hosts ended in the crawl's last second: nothing to compare"
    worst = min(rest)
    median = statistics.median(rest)
    return (f"{len(records)} pages in {span:.1f} s; small hosts' last page at {small_last:.1f} s; "
            f"pages/s the 3 s before {before}, after {after}; worst second after it {worst} "
            f"(at {end + 1 + rest.index(worst)} s), median {median:.0f}: {worst / median:.2f}")


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2]))
