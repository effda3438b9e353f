"""Figures of one crawl, computed from its output file, its GC log and the process measurements.

All crawlers are counted the same way: a *page* is a record with HTTP status 200 and an HTML content type and
no error. Times are seconds; t = 0 in every series is the moment the crawler process was started.
"""

import bisect
import json
import math
import re
import statistics
from datetime import datetime, timezone
from urllib.parse import urlsplit

GC_LINE = re.compile(
    r"^\[(?P<t>[\d.]+)s\].*GC\(\d+\) Pause .*?(?P<before>\d+)(?P<bu>[KMG])->(?P<after>\d+)(?P<au>[KMG])"
    r"\((?P<cap>\d+)(?P<cu>[KMG])\)\s+(?P<ms>[\d.]+)ms")
UNIT_MIB = {"K": 1 / 1024, "M": 1.0, "G": 1024.0}
STALL_AFTER_PAGES = 1000   # the stall figures start at this page: JVM start and warm-up are behind it
SPINDLE_SUMMARY = re.compile(r"spindle: done in (?P<s>[\d.,]+) s: (?P<recorded>[\d,]+) pages recorded.*?(?P<rate>[\d.,]+) pages/s")


def parse_instant(text):
    """Epoch seconds of an ISO-8601 instant such as 2026-11-25T04:24:59.897991700Z (nanoseconds allowed)."""
    text = text.rstrip("Z")
    whole, _, fraction = text.partition(".")
    base = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return base + (float("0." + fraction) if fraction else 0.0)


class Record:
    """One attempted URL, reduced to what the figures need."""

    __slots__ = ("url", "host", "t_end", "fetch_ms", "status", "ok", "error_kind", "redirects", "final_url",
                 "content_type")

    def __init__(self, url, t_end, fetch_ms, status, content_type, error_kind, redirects=0, final_url=None):
        self.url = url
        try:
            self.host = urlsplit(url).netloc
        except ValueError:
            self.host = ""
        self.t_end = t_end
        self.fetch_ms = fetch_ms
        self.status = status
        self.content_type = content_type or ""
        self.error_kind = error_kind
        self.redirects = redirects
        self.final_url = final_url
        self.ok = status == 200 and error_kind is None and "html" in self.content_type.lower()

    @property
    def t_start(self):
        return self.t_end - (self.fetch_ms or 0) / 1000.0


def load_records(path, crawler):
    """Reads a crawler's JSON-lines output. Spindle writes fetched_at (when the fetch ended); peers write t."""
    records = []
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError:
        return records
    with handle:
        for line in handle:
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line cut by a killed process
            if crawler == "spindle":
                error = row.get("error")
                records.append(Record(
                    row.get("url", ""), parse_instant(row["fetched_at"]), row.get("fetch_ms"), row.get("status"),
                    row.get("content_type"), error.get("kind", "ERROR") if isinstance(error, dict) else None,
                    len(row.get("redirects") or []), row.get("final_url")))
            else:
                status = row.get("status")
                error = None if isinstance(status, int) and status < 400 else f"HTTP_{status}"
                records.append(Record(row.get("url", ""), float(row["t"]), row.get("fetch_ms"), status,
                                      row.get("content_type"), error, 0, row.get("final_url")))
    return records


def quantile(sorted_values, q):
    """Nearest-rank quantile of an already sorted list, or None for an empty one."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def parse_gc_log(path):
    """[(uptime_s, used_before_mib, used_after_mib, capacity_mib, pause_ms, full)] from a -Xlog:gc log, or []."""
    events = []
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                match = GC_LINE.search(line)
                if match:
                    events.append((
                        float(match["t"]),
                        int(match["before"]) * UNIT_MIB[match["bu"]],
                        int(match["after"]) * UNIT_MIB[match["au"]],
                        int(match["cap"]) * UNIT_MIB[match["cu"]],
                        float(match["ms"]),
                        "Pause Full" in line))
    except OSError:
        pass
    return events


def rate_series(times_rel, span_s):
    """Pages per second in buckets of 1 s (wider for long runs, at most ~300 points): [[bucket_mid, rate]]."""
    if not times_rel:
        return []
    bucket = 1.0 if span_s <= 300 else math.ceil(span_s / 300)
    counts = {}
    for t in times_rel:
        key = int(t // bucket)
        counts[key] = counts.get(key, 0) + 1
    last = max(counts)
    return [[round((k + 0.5) * bucket, 2), round(counts.get(k, 0) / bucket, 2)] for k in range(0, last + 1)]


def spindle_summary(stderr_path):
    """Spindle's own closing line: {'seconds', 'recorded', 'pages_per_s'}, or None."""
    try:
        with open(stderr_path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                match = SPINDLE_SUMMARY.search(line)
                if match:
                    number = lambda s: float(s.replace(",", ""))
                    return {"seconds": number(match["s"]), "recorded": int(number(match["recorded"])),
                            "pages_per_s": number(match["rate"])}
    except OSError:
        pass
    return None


def run_metrics(records, measured, gc_events):
    """The figures of one run (see README: 'What each figure means')."""
    pages = [r for r in records if r.ok]
    start = measured["start_epoch"]
    metrics = {
        "records": len(records),
        "pages": len(pages),
        "errors": sum(1 for r in records if r.error_kind is not None),
        "exit_code": measured["exit_code"],
        "timed_out": measured["timed_out"],
        "stopped_at_limit": measured.get("stopped_at_limit", False),   # wget: the harness ended it at the limit
        "wall_s": measured["wall_s"],
        "cpu_s": measured["cpu_s"],
        "peak_rss_mib": round(measured["peak_rss_kib"] / 1024, 1),
        "fixture_cpu_s": measured["watched_cpu_s"],
    }
    if pages:
        ends = sorted(r.t_end for r in pages)
        span = ends[-1] - ends[0]
        metrics["crawl_s"] = round(span, 3)
        metrics["pages_per_s"] = round(len(pages) / span, 1) if span > 0 else None
        metrics["pages_per_s_wall"] = round(len(pages) / measured["wall_s"], 1)
        # the second half of the crawl: JIT warm-up and robots.txt are behind it (JVM crawlers warm up for ~20 s)
        middle = ends[0] + span / 2
        late = sum(1 for t in ends if t >= middle)
        metrics["pages_per_s_second_half"] = round(late / (span / 2), 1) if span > 0 else None
        metrics["first_page_s"] = round(ends[0] - start, 3)
        latencies = sorted(r.fetch_ms for r in pages if r.fetch_ms is not None)
        metrics["fetch_p50_ms"] = quantile(latencies, 0.50)
        metrics["fetch_p99_ms"] = quantile(latencies, 0.99)
        metrics["series_pages_per_s"] = rate_series([t - start for t in ends], ends[-1] - start)
        metrics.update(stall_metrics(pages, start))
    else:
        for key in ("crawl_s", "pages_per_s", "pages_per_s_wall", "pages_per_s_second_half", "first_page_s",
                    "fetch_p50_ms", "fetch_p99_ms"):
            metrics[key] = None
        metrics["series_pages_per_s"] = []
        metrics.update(stall_metrics([], start))
    metrics["pages_per_cpu_s"] = (round(len(pages) / measured["cpu_s"], 1) if measured["cpu_s"] else None)
    if gc_events:
        metrics["peak_heap_mib"] = round(max(e[1] for e in gc_events), 1)
        metrics["max_heap_after_gc_mib"] = round(max(e[2] for e in gc_events), 1)
        metrics["last_heap_after_gc_mib"] = round(gc_events[-1][2], 1)
        metrics["gc_pause_total_ms"] = round(sum(e[4] for e in gc_events), 1)
        metrics["gc_count"] = len(gc_events)
        metrics["series_heap_after_gc_mib"] = [[round(e[0], 2), round(e[2], 1)] for e in gc_events]
        metrics["series_heap_before_gc_mib"] = [[round(e[0], 2), round(e[1], 1)] for e in gc_events]
        metrics["heap_after_gc_at_10_50_100_mib"] = heap_at_progress(pages, start, gc_events)
    else:
        metrics["heap_after_gc_at_10_50_100_mib"] = None
        for key in ("peak_heap_mib", "max_heap_after_gc_mib", "last_heap_after_gc_mib", "gc_pause_total_ms",
                    "gc_count"):
            metrics[key] = None
        metrics["series_heap_after_gc_mib"] = []
        metrics["series_heap_before_gc_mib"] = []
    metrics["series_rss_mib"] = [[s[0], s[1]] for s in measured["samples"]]
    return metrics


def stall_metrics(pages, start, after=STALL_AFTER_PAGES):
    """The dips of a crawl's rate once it is warm, while two or more hosts still have pages to come (README).

    A host has work until its last fetch starts (its last page's end minus its fetch time; the end for a crawler
    without fetch times): after that it has nothing left to ask, only answers to wait for, so the requests in flight
    draining at the page limit are not taken for a stall. `two_hosts_until_s` is the second-latest such moment
    (after it at most one host has work). In the stretch from the `after`-th page to that moment:
    `worst_1s_after_1000_pages` is the fewest pages that ended in any 1-second window (sliding, every start
    time), `median_1s_pages_after_1000` the median page count of the consecutive 1-second windows from the
    `after`-th page, and `worst_1s_after_1000` their ratio (goal >= 0.5). `time_to_1000th_page_s` is from process
    start. None where the crawl has fewer pages or the stretch is shorter than 1 s.
    """
    figures = {"time_to_1000th_page_s": None, "worst_1s_after_1000": None, "worst_1s_after_1000_pages": None,
               "worst_1s_after_1000_at_s": None, "median_1s_pages_after_1000": None, "two_hosts_until_s": None}
    ends = sorted(r.t_end for r in pages)
    last_by_host = {}
    for r in pages:
        last_by_host[r.host] = max(r.t_start, last_by_host.get(r.host, r.t_start))
    lasts = sorted(last_by_host.values())
    until = lasts[-2] if len(lasts) >= 2 else None
    if until is not None:
        figures["two_hosts_until_s"] = round(until - start, 3)
    if len(ends) < after:
        return figures
    begin = ends[after - 1]
    figures["time_to_1000th_page_s"] = round(begin - start, 3)
    if until is None or until - begin < 1.0:
        return figures
    windows = int(until - begin)
    counts = [bisect.bisect_left(ends, begin + i + 1) - bisect.bisect_left(ends, begin + i) for i in range(windows)]
    middle = statistics.median(counts)
    # The fewest pages in [s, s + 1) over begin <= s <= until - 1. As s grows the count drops only when s passes a
    # page, so the fewest are at s = begin or just after a page t: the pages in (t, t + 1].
    worst, worst_at = bisect.bisect_left(ends, begin + 1) - bisect.bisect_left(ends, begin), begin
    for index in range(after - 1, len(ends)):
        t = ends[index]
        if t + 1.0 > until:
            break
        count = bisect.bisect_right(ends, t + 1.0) - bisect.bisect_right(ends, t)
        if count < worst:
            worst, worst_at = count, t
    figures["worst_1s_after_1000_pages"] = worst
    figures["worst_1s_after_1000_at_s"] = round(worst_at - start, 3)
    figures["median_1s_pages_after_1000"] = middle
    figures["worst_1s_after_1000"] = round(worst / middle, 3) if middle else None
    return figures


def heap_at_progress(pages, start, gc_events, fractions=(0.10, 0.50, 1.00)):
    """Live heap when 10 %, 50 % and 100 % of the pages were done: the heap after the full GC nearest that moment
    (a full collection leaves only what is live), or, in a run without full GCs, the lowest heap-after-GC among
    the GCs of the window before it (5 % of the crawl, at least 5 s). [MiB, MiB, MiB]; None where nothing fits."""
    if not pages:
        return None
    ends = sorted(r.t_end - start for r in pages)
    window = max(5.0, 0.05 * (ends[-1] - ends[0]))
    full = [e for e in gc_events if len(e) > 5 and e[5] and e[0] >= ends[0]]
    figures = []
    for fraction in fractions:
        moment = ends[max(0, int(fraction * len(ends)) - 1)]
        if full:
            nearest = min(full, key=lambda e: abs(e[0] - moment))
            figures.append(round(nearest[2], 1))
            continue
        inside = [e[2] for e in gc_events if moment - window <= e[0] <= moment + 1.0]
        figures.append(round(min(inside), 1) if inside else None)
    return figures


def adaptive_delay_s(delay_s, previous_fetch_s, factor, max_delay_s):
    """Spindle's delay after a healthy answer that took previous_fetch_s: at least factor x that, up to max_delay_s,
    never below delay_s (spindle.politeness.delay-factor and max-delay; a delay of 0 does not adapt)."""
    if delay_s <= 0 or factor <= 0:
        return delay_s
    return max(delay_s, min(max_delay_s, factor * previous_fetch_s))


def politeness_metrics(records, delay_s, hosts_expected, concurrency, factor=0.0, max_delay_s=None, server_of=None,
                       robots_per_server=1):
    """How close each host came to one request per (delay + fetch time); see README, 'politeness'.

    The delay counts from the end of one request to the start of the next, and every host's first request is
    its robots.txt (not in the output), so a host's first page cannot start before robots.txt + one delay.

    politeness-ip: server_of maps a record's host (name:port) to its server (the address its name is pinned to),
    and each server's first robots_per_server requests are the robots.txt of its names; "hosts" are then servers,
    and the robots.txt requests after each server's first count as requests in the achieved rate (README).
    With the adaptive delay on (factor > 0), each gap's own delay is also computed as Spindle computes it on a
    healthy host (at least factor x the previous fetch, up to max_delay_s) and the gaps are checked against it.
    """
    by_host = {}
    for r in records:
        by_host.setdefault(server_of(r.host) if server_of else r.host, []).append(r)
    if not records:
        return {"hosts_expected": hosts_expected, "hosts_seen": 0}
    fetch_s = [(r.fetch_ms or 0) / 1000 for r in records]
    mean_fetch_s = sum(fetch_s) / len(fetch_s)
    ideal_gap_sum = actual_gap_sum = adaptive_gap_sum = 0.0
    overshoot_ms = []
    adaptive_overshoot_ms = []
    adapted = 0
    max_delay_s = max_delay_s if max_delay_s is not None else delay_s
    for rows in by_host.values():
        rows.sort(key=lambda r: r.t_start)
        for previous, current in zip(rows, rows[1:]):
            previous_fetch_s = (previous.fetch_ms or 0) / 1000
            own_delay_s = adaptive_delay_s(delay_s, previous_fetch_s, factor, max_delay_s)
            adapted += own_delay_s > delay_s
            ideal_gap_sum += delay_s + previous_fetch_s
            adaptive_gap_sum += own_delay_s + previous_fetch_s
            actual_gap_sum += current.t_start - previous.t_start
            overshoot_ms.append((current.t_start - previous.t_end - delay_s) * 1000)
            adaptive_overshoot_ms.append((current.t_start - previous.t_end - own_delay_s) * 1000)
    overshoot_ms.sort()
    gaps = len(overshoot_ms)
    # the earliest robots.txt request: one per host, or one per name of a server, before its first page
    t0 = min(r.t_start for r in records) - robots_per_server * (delay_s + mean_fetch_s)
    t1 = max(r.t_end for r in records)
    hosts = len(by_host)
    achieved = (len(records) + (robots_per_server - 1) * hosts) / (t1 - t0)
    ideal = hosts / (delay_s + mean_fetch_s)
    too_early = sum(1 for o in overshoot_ms if o < -5)   # started > 5 ms before the delay had passed
    return {
        "hosts_expected": hosts_expected,
        "hosts_seen": hosts,
        "requests": len(records),
        "delay_s": delay_s,
        "mean_fetch_ms": round(mean_fetch_s * 1000, 2),
        "duration_s": round(t1 - t0, 3),
        "achieved_pages_per_s": round(achieved, 2),
        "ideal_pages_per_s": round(ideal, 2),
        "ideal_hosts_over_delay": round(hosts / delay_s, 2),
        # Little's law: with `concurrency` requests in flight at most, no crawl exceeds concurrency / fetch time.
        "concurrency": concurrency,
        "concurrency_bound_pages_per_s": round(concurrency / mean_fetch_s, 1) if mean_fetch_s else None,
        "ratio": round(achieved / ideal, 3),
        "ratio_vs_hosts_over_delay": round(achieved / (hosts / delay_s), 3),
        "gap_efficiency": round(ideal_gap_sum / actual_gap_sum, 3) if actual_gap_sum else None,
        "delay_overshoot_p50_ms": round(quantile(overshoot_ms, 0.5), 1) if overshoot_ms else None,
        "delay_overshoot_p99_ms": round(quantile(overshoot_ms, 0.99), 1) if overshoot_ms else None,
        "requests_before_delay": too_early,
        "names_per_server": robots_per_server if server_of else None,
        # the adaptive delay (spindle.politeness.delay-factor, max-delay): how many gaps it lengthened, and the
        # gaps measured against each one's own delay
        "delay_factor": factor,
        "max_delay_s": max_delay_s,
        "gaps": gaps,
        "gaps_adapted": adapted,
        "gap_efficiency_adaptive": round(adaptive_gap_sum / actual_gap_sum, 3) if actual_gap_sum else None,
        "requests_before_adaptive_delay": sum(1 for o in adaptive_overshoot_ms if o < -5),
    }


# What a correct crawler should record for each fault of the fixture (mirrors spindle.fixture.Fault).
# "error": an error record (or a 4xx/5xx status); "ok": a normal 200 record (redirects followed, retries done).
FAULT_EXPECTATIONS = [
    ("/fault/429-then-ok", "ok"),
    ("/fault/429", "error"),
    ("/fault/slow", "ok"),
    ("/fault/hang", "error"),
    ("/fault/drip?bytes=", "ok"),
    ("/fault/drip", "error"),
    ("/fault/endless", "error"),
    ("/fault/status/", "error"),
    ("/fault/reset-mid-body", "error"),
    ("/fault/reset", "error"),
    ("/fault/truncated", "error"),
    ("/fault/bad-response", "error"),
    ("/fault/malformed-html", "ok"),
    ("/fault/huge", "error"),
    ("/fault/loop/", "error"),
    ("/fault/chain/", "ok"),
    ("/fault/cross-host", "ok"),
    ("/fault/gzip-bomb", "error"),
    ("/fault/image-as-html", "ok"),
    ("/fault/html-as-octet-stream", "ok"),
    ("/fault/no-content-type", "ok"),
    ("/fault/charset/", "ok"),
]
ROBOTS_KINDS = {"ROBOTS_DISALLOWED", "ROBOTS_UNAVAILABLE"}


def fault_name(url):
    """The fixture's fault for a URL ('/fault/status/' for /fault/status/503), or None for an ordinary page."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    target = parts.path + ("?" + parts.query if parts.query else "")
    if not target.startswith("/fault/"):
        return None
    for prefix, _ in FAULT_EXPECTATIONS:
        if target.startswith(prefix):
            return prefix
    return "/fault/(unknown)"


def fault_metrics(records, measured, bound_s, per_url_bound_ms):
    """Checks of the faults scenario: one record per fault URL, the expected outcome, bounded times."""
    expectations = dict(FAULT_EXPECTATIONS)
    counts = {}
    per_fault = {}
    unexpected = []
    for r in records:
        name = fault_name(r.url)
        if name is None:
            continue
        counts[r.url] = counts.get(r.url, 0) + 1
        outcome = r.error_kind or f"status {r.status}"
        entry = per_fault.setdefault(name, {"urls": 0, "outcomes": {}})
        entry["urls"] += 1
        entry["outcomes"][outcome] = entry["outcomes"].get(outcome, 0) + 1
        expected = expectations.get(name)
        if r.error_kind in ROBOTS_KINDS:
            continue  # the host's robots.txt decides before the fault can
        got_error = r.error_kind is not None or (isinstance(r.status, int) and r.status >= 400)
        if expected == "error" and not got_error or expected == "ok" and got_error:
            unexpected.append({"url": r.url, "expected": expected, "got": outcome})
    duplicates = sorted(url for url, n in counts.items() if n != 1)
    longest = max((r.fetch_ms or 0 for r in records), default=0)
    finished = measured["exit_code"] == 0 and not measured["timed_out"]
    return {
        "finished": finished,
        "fault_urls": len(counts),
        "fault_kinds_seen": len(per_fault),
        "duplicate_fault_urls": duplicates[:20],
        "unexpected_outcomes": unexpected[:20],
        "unexpected_count": len(unexpected),
        "per_fault": dict(sorted(per_fault.items())),
        "longest_fetch_ms": longest,
        "per_url_bound_ms": per_url_bound_ms,
        "longest_fetch_within_bound": longest <= per_url_bound_ms,
        "wall_bound_s": bound_s,
        "wall_within_bound": measured["wall_s"] <= bound_s,
        "passed": (finished and not duplicates and not unexpected and measured["wall_s"] <= bound_s
                   and longest <= per_url_bound_ms),
    }
