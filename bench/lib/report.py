"""Medians over runs, Spindle-to-peer ratios, and the three outputs: results.json, results.md and SVG charts."""

import json
import os
import statistics

import charts

SCALARS = ["pages", "records", "errors", "pages_per_s", "pages_per_s_wall", "pages_per_s_second_half", "crawl_s",
           "first_page_s",
           "fetch_p50_ms", "fetch_p99_ms", "cpu_s", "pages_per_cpu_s", "peak_heap_mib", "max_heap_after_gc_mib",
           "last_heap_after_gc_mib", "gc_pause_total_ms", "gc_count", "peak_rss_mib", "wall_s", "fixture_cpu_s",
           "cpu_ms_per_page", "time_to_1000th_page_s", "worst_1s_after_1000", "worst_1s_after_1000_pages",
           "median_1s_pages_after_1000", "two_hosts_until_s"]
SERIES = ["series_pages_per_s", "series_heap_after_gc_mib", "series_heap_before_gc_mib", "series_rss_mib"]


def median(values):
    values = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not values:
        return None
    value = statistics.median(values)
    return round(value, 3) if isinstance(value, float) else value


def summarise_runs(runs):
    """Median, min and max of every figure over the runs, and the series of the median run."""
    summary = {"runs": len(runs), "median": {}, "min": {}, "max": {}}
    for key in SCALARS:
        values = [r.get(key) for r in runs if isinstance(r.get(key), (int, float))]
        summary["median"][key] = median(values)
        summary["min"][key] = min(values) if values else None
        summary["max"][key] = max(values) if values else None
    # a crawler the harness ended at its page limit (wget) ended as it should
    summary["all_exited_0"] = all((r["exit_code"] == 0 or r.get("stopped_at_limit")) and not r["timed_out"]
                                  for r in runs)
    # The median run: the one whose pages/s is the (lower) median; its series are the ones charted.
    ranked = sorted(range(len(runs)), key=lambda i: runs[i].get("pages_per_s") or 0)
    chosen = ranked[(len(ranked) - 1) // 2]
    summary["median_run"] = runs[chosen]["run"]
    summary["series"] = {key.replace("series_", ""): runs[chosen].get(key, []) for key in SERIES}
    summary["per_run"] = [{k: v for k, v in r.items() if not k.startswith("series_")} for r in runs]
    for nested in ("politeness", "faults", "disk"):
        if any(nested in r for r in runs):
            rows = [r[nested] for r in runs if nested in r]
            combined = {}
            for key in rows[0]:
                values = [row.get(key) for row in rows]
                if all(isinstance(v, bool) for v in values):
                    combined[key] = all(values)
                elif all(isinstance(v, (int, float)) or v is None for v in values):
                    combined[key] = median(values)
                else:
                    combined[key] = values[chosen] if len(values) == len(runs) else values[0]
            summary[nested] = combined
    return summary


def summarise(state):
    """results.json's content: the state of the run with every scenario reduced to medians and ratios."""
    result = {k: v for k, v in state.items() if k != "scenarios"}
    result["scenarios"] = {}
    for name, scenario in state["scenarios"].items():
        entry = {k: v for k, v in scenario.items() if k != "crawlers"}
        entry["crawlers"] = {c: summarise_runs(runs) for c, runs in scenario["crawlers"].items() if runs}
        spindle = entry["crawlers"].get("spindle", {}).get("median", {})
        entry["ratios"] = {}
        for peer, summary in entry["crawlers"].items():
            if peer == "spindle":
                continue
            ratio = {}
            for key in ("pages_per_s", "pages_per_cpu_s"):
                mine, theirs = spindle.get(key), summary["median"].get(key)
                ratio[key] = round(mine / theirs, 2) if mine and theirs else None
            entry["ratios"][peer] = ratio
        result["scenarios"][name] = entry
    return result


def write_all(out_dir, state):
    summary = summarise(state)
    with open(os.path.join(out_dir, "results.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1)
    chart_files = write_charts(out_dir, summary)
    with open(os.path.join(out_dir, "results.md"), "w", encoding="utf-8") as handle:
        handle.write(markdown(summary, chart_files))


def write_charts(out_dir, summary):
    files = {}
    for name, scenario in summary["scenarios"].items():
        crawlers = scenario["crawlers"]
        # One colour per crawler in every chart.
        rates = [(f"{c} (run {s['median_run']})", s["series"]["pages_per_s"], False, i)
                 for i, (c, s) in enumerate(crawlers.items())]
        heap = []
        for i, (c, s) in enumerate(crawlers.items()):
            heap.append((f"{c} after GC", s["series"]["heap_after_gc_mib"], False, i))
            heap.append((f"{c} before GC", s["series"]["heap_before_gc_mib"], True, i))
        rss = [(c, s["series"]["rss_mib"], False, i) for i, (c, s) in enumerate(crawlers.items())]
        made = []
        for suffix, title, y_label, series, note in (
                ("pages-per-s", f"{name}: pages/s over time", "pages/s", rates, "median run of each crawler"),
                ("heap", f"{name}: JVM heap used (from the GC log)", "MiB", heap, "solid: after GC (live)"),
                ("rss", f"{name}: resident memory (RSS)", "MiB", rss, "sampled every 0.5 s")):
            path = f"{name}-{suffix}.svg"
            charts.line_chart(os.path.join(out_dir, path), title, "seconds since the crawler started", y_label,
                              series, note)
            made.append((suffix, path))
        files[name] = made
    return files


def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# issue 17's goals: (scenario, figure, goal, at least?, label)
TARGET_GOALS = [("target-c16", "pages_per_s", 800, True, "Spindle at 16 fetchers, 8 per host: pages/s"),
                ("target-c16", "pages_per_cpu_s", 400, True, "Spindle at 16 fetchers: pages per CPU-second"),
                ("target-c16", "peak_rss_mib", 400, False, "Spindle at 16 fetchers: peak RSS MiB"),
                ("target-c16-warc", "pages_per_s", 650, True, "Spindle at 16 fetchers with WARC and Markdown text: "
                                                               "pages/s")]
STALL_GOAL = 0.5


def mark(value, goal, at_least=True):
    """'met' or 'NOT met' for a figure against its goal, '–' without a figure."""
    if value is None:
        return "–"
    return "met" if (value >= goal if at_least else value <= goal) else "NOT met"


def target_section(summary):
    """The target group against issue 17's goals: rate, CPU, memory, stalls, and Spindle at 16 ÷ wget."""
    scenarios = summary["scenarios"]
    names = [name for name, scenario in scenarios.items() if scenario.get("group") == "target"]
    if not names:
        return []
    lines = ["", "## Performance goals (target)", "",
             "| scenario | crawler | pages/s | pages/CPU-s | peak RSS MiB | worst 1 s ÷ median (lowest run) "
             "| worst / median pages in 1 s | 1,000th page s |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name in names:
        for crawler, s in scenarios[name]["crawlers"].items():
            md, low = s["median"], s["min"]
            stall = md.get("worst_1s_after_1000")
            stall_text = "–" if stall is None else (f"{fmt(stall, 2)} ({fmt(low.get('worst_1s_after_1000'), 2)}) "
                                                    f"{'✓' if stall >= STALL_GOAL else '✗'}")
            lines.append(f"| {name} | {crawler} | {fmt(md['pages_per_s'])} | {fmt(md['pages_per_cpu_s'])} | "
                         f"{fmt(md['peak_rss_mib'], 0)} | {stall_text} | "
                         f"{fmt(md.get('worst_1s_after_1000_pages'), 0)} / "
                         f"{fmt(md.get('median_1s_pages_after_1000'), 0)} | {fmt(md.get('time_to_1000th_page_s'))} |")
    lines.append("")
    for name, key, goal, at_least, label in TARGET_GOALS:
        value = scenarios.get(name, {}).get("crawlers", {}).get("spindle", {}).get("median", {}).get(key)
        if value is not None:
            lines.append(f"- {label}: **{fmt(value)}** (goal {'≥' if at_least else '≤'} {goal}): "
                         f"{mark(value, goal, at_least)}")
    ratio = scenarios.get("target-c16", {}).get("ratios", {}).get("wget")
    if ratio:
        lines.append(f"- Spindle at 16 fetchers ÷ wget: pages/s **{fmt(ratio['pages_per_s'], 2)}×** (goal ≥ 2×): "
                     f"{mark(ratio['pages_per_s'], 2)}; pages/CPU-s **{fmt(ratio['pages_per_cpu_s'], 2)}×** "
                     f"(goal ≥ 1×): {mark(ratio['pages_per_cpu_s'], 1)}")
    for name in names:
        spindle = scenarios[name]["crawlers"].get("spindle", {})
        stall = spindle.get("median", {}).get("worst_1s_after_1000")
        if stall is not None:
            lines.append(f"- No stalls, {name}: worst 1 s ÷ median **{fmt(stall, 2)}** (goal ≥ {STALL_GOAL}; lowest "
                         f"run {fmt(spindle['min'].get('worst_1s_after_1000'), 2)}): {mark(stall, STALL_GOAL)}")
    lines.append("- worst 1 s: the fewest pages that ended in any 1-second window (sliding) from the 1,000th page to "
                 "the moment fewer than two hosts have work (a host has work until its last fetch starts); median: "
                 "the median count of the consecutive 1-second windows over that stretch; – where a run has fewer "
                 "than 1,000 pages or that stretch is shorter than 1 s")
    return lines


WARC_PARTS = [("warc-off", "neither (baseline: no WARC, no text, no SimHash)"), ("warc-simhash", "SimHash only"),
              ("warc-text", "Markdown text only"), ("warc-warc", "WARC only"),
              ("warc-on", "WARC + Markdown text (the goal's pair)"), ("warc-all", "WARC + Markdown text + SimHash")]


def warc_section(summary):
    """The warc scenario: each configuration's pages/s and CPU per page against the baseline, and bytes on disk."""
    scenarios = summary["scenarios"]
    base = scenarios.get("warc-off", {}).get("crawlers", {}).get("spindle", {}).get("median", {})
    rows = [(name, label, scenarios[name]["crawlers"]["spindle"]) for name, label in WARC_PARTS
            if name in scenarios and "spindle" in scenarios[name]["crawlers"]]
    if not rows:
        return []
    lines = ["", "## WARC, text and SimHash (warc)", "",
             "| configuration | pages | pages/s | vs baseline | CPU ms/page | CPU vs baseline | JSON B/page "
             "| WARC B/page | CDXJ B/page |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, label, s in rows:
        md, disk = s["median"], s.get("disk", {})
        rate = md.get("pages_per_s")
        cpu = md.get("cpu_ms_per_page")
        vs_rate = f"{100 * (rate / base['pages_per_s'] - 1):+.1f} %" if rate and base.get("pages_per_s") else "–"
        vs_cpu = f"{100 * (cpu / base['cpu_ms_per_page'] - 1):+.1f} %" if cpu and base.get("cpu_ms_per_page") else "–"
        lines.append(f"| {label} (`{name}`) | {fmt(md.get('pages'))} | {fmt(rate)} | {vs_rate} | {fmt(cpu, 2)} | "
                     f"{vs_cpu} | {fmt(disk.get('output_bytes_per_page'), 0)} | {fmt(disk.get('warc_bytes_per_page'), 0)} | "
                     f"{fmt(disk.get('cdxj_bytes_per_page'), 0)} |")
    on = scenarios.get("warc-on", {}).get("crawlers", {}).get("spindle", {}).get("median", {})
    if on.get("pages_per_s") and base.get("pages_per_s"):
        ratio = on["pages_per_s"] / base["pages_per_s"]
        lines += ["", f"- WARC + Markdown text run at **{100 * ratio:.1f} %** of the baseline's pages/s "
                      f"(goal: at least 80 %, a cost of at most 20 %): "
                      f"{'met' if ratio >= 0.8 else 'NOT met'}; medians of {rows[0][2]['runs']} runs each, the "
                      "configurations interleaved run by run"]
    lines += ["- pages/s and CPU per page are medians per configuration; B/page = bytes on disk ÷ pages (the WARC "
              "files hold robots.txt, requests and warcinfo records too)"]
    return lines


def markdown(summary, chart_files):
    m = summary["machine"]
    git = summary["git"]
    lines = [f"# Spindle benchmark, {summary['started']}", ""]
    smoke = summary["quick"] or summary["runs"] < 3
    if smoke:
        lines += [f"**Smoke test ({'--quick, ' if summary['quick'] else ''}{summary['runs']} run(s) each): "
                  "these numbers only show that the harness works; they are not results.**", ""]
    lines += [
        f"- Status: {summary.get('status', 'running')}; runs per figure: {summary['runs']} "
        f"(each figure is the median over the runs)",
        f"- Commit: `{git.get('commit')}`{' (working tree dirty)' if git.get('dirty') else ''}; "
        f"distribution: `{summary['dist']['path']}` ({summary['dist']['origin']}, jar built "
        f"{summary['dist']['jar_modified']})",
        f"- Machine: {m.get('cores')} cores, {m.get('memory_gib')} GiB, {m.get('cpu_model')}; {m.get('java')}; "
        f"{m.get('os')}; load average at start {', '.join(f'{x:.2f}' for x in m.get('load_average_at_start', []))}",
        f"- Crawler JVM: `{summary['options']['java_opts']}`"
        + (f", with {summary['options'].get('cds_kind') or 'a class-data sharing archive'} as ./spindle makes one"
           if summary["options"].get("cds") else ""),
    ]
    for peer, status in summary.get("peers", {}).items():
        word = "ran" if status.get("status") == "ready" else "skipped"
        lines.append(f"- Peer {peer}: {word}. {status.get('detail', '')}".rstrip())
    lines += ["", "| scenario | crawler | pages | pages/s | 2nd half pages/s | fetch p50 / p99 ms | CPU s "
              "| pages/CPU-s | peak heap MiB | peak RSS MiB | worst 1 s ÷ median | 1,000th page s | wall s |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, scenario in summary["scenarios"].items():
        for crawler, s in scenario["crawlers"].items():
            md = s["median"]
            flag = "" if s["all_exited_0"] else " ⚠"
            lines.append(
                f"| {name} | {crawler}{flag} | {fmt(md['pages'])} | {fmt(md['pages_per_s'])} | "
                f"{fmt(md.get('pages_per_s_second_half'))} | {fmt(md['fetch_p50_ms'], 0)} / {fmt(md['fetch_p99_ms'], 0)} | {fmt(md['cpu_s'])} | "
                f"{fmt(md['pages_per_cpu_s'])} | {fmt(md['peak_heap_mib'], 0)} | {fmt(md['peak_rss_mib'], 0)} | "
                f"{fmt(md.get('worst_1s_after_1000'), 2)} | {fmt(md.get('time_to_1000th_page_s'))} | "
                f"{fmt(md['wall_s'])} |")
    if not all(s["all_exited_0"] for sc in summary["scenarios"].values() for s in sc["crawlers"].values()):
        lines += ["", "⚠: at least one run did not exit 0 or timed out (see results.json, per_run)."]
    lines += ["", "pages = 200 HTML pages; pages/s = pages ÷ (last page − first page); CPU s = user + system of the "
              "crawler process; peak heap = most heap used (before a GC); fetch times are each crawler's own "
              "(see README); worst 1 s ÷ median = the fewest pages in any 1-second window after the 1,000th page "
              "while two or more hosts have work, ÷ the median 1-second count over that stretch; "
              "1,000th page s = from process start."]
    ratio_rows = [(name, peer, r) for name, s in summary["scenarios"].items() for peer, r in s["ratios"].items()]
    if ratio_rows:
        lines += ["", "## Spindle ÷ peer", "", "| scenario | peer | pages/s | pages/CPU-s |", "|---|---|---:|---:|"]
        for name, peer, r in ratio_rows:
            lines.append(f"| {name} | {peer} | {fmt(r['pages_per_s'], 2)}× | {fmt(r['pages_per_cpu_s'], 2)}× |")
    for name, scenario in summary["scenarios"].items():
        spindle = scenario["crawlers"].get("spindle", {})
        p = spindle.get("politeness")
        if p and p.get("ratio") is not None:
            servers = p.get("names_per_server")
            lines += ["", f"## Politeness ({name})", "",
                      *([f"- politeness keyed by address (`spindle.politeness.key = ip`): each \"host\" below is one "
                         f"address crawled under {servers} names pinned to it (`spindle.dns.static`); the gaps and "
                         f"the requests before the delay are per address, whichever name a request used; the "
                         f"achieved rate counts each address's {servers - 1} robots.txt requests after its first"]
                        if servers else []),
                      f"- {p['hosts_seen']} of {p['hosts_expected']} hosts, {fmt(p['requests'])} pages, delay "
                      f"{p['delay_s']} s, mean fetch {fmt(p['mean_fetch_ms'])} ms, duration {fmt(p['duration_s'])} s "
                      "(from the first robots.txt request)",
                      f"- achieved {fmt(p['achieved_pages_per_s'])} pages/s; ideal {fmt(p['ideal_pages_per_s'])} "
                      f"= hosts ÷ (delay + mean fetch); **ratio {fmt(p['ratio'], 3)}** (goal > 0.9; "
                      f"{fmt(p['ratio_vs_hosts_over_delay'], 3)} against hosts ÷ delay = "
                      f"{fmt(p['ideal_hosts_over_delay'])})",
                      f"- concurrency {p['concurrency']}: at most {fmt(p['concurrency_bound_pages_per_s'])} pages/s at "
                      f"this fetch time (Little's law){' — below the ideal, so concurrency limits this run' if (p['concurrency_bound_pages_per_s'] or 0) < p['ideal_pages_per_s'] else ''}; "
                      f"first page {fmt(spindle['median']['first_page_s'])} s after the crawler started "
                      "(JVM start and every host's robots.txt)",
                      f"- per-host gap efficiency {fmt(p['gap_efficiency'], 3)}; time past the delay between two "
                      f"requests to a host: p50 {fmt(p['delay_overshoot_p50_ms'])} ms, p99 "
                      f"{fmt(p['delay_overshoot_p99_ms'])} ms; requests started before the delay had passed: "
                      f"{fmt(p['requests_before_delay'])}"]
            if p.get("delay_factor"):
                lines.append(f"- adaptive delay (factor {fmt(p['delay_factor'])}, max-delay {fmt(p['max_delay_s'])} s): "
                             f"{fmt(p['gaps_adapted'])} of {fmt(p['gaps'])} gaps lengthened past the delay by "
                             f"factor × previous fetch; gap efficiency against each gap's own delay "
                             f"{fmt(p['gap_efficiency_adaptive'], 3)}; requests started before their own delay: "
                             f"{fmt(p['requests_before_adaptive_delay'])}")
        f = spindle.get("faults")
        if f:
            lines += ["", f"## Faults ({name})", "",
                      f"- **{'PASS' if f['passed'] else 'FAIL'}** (every run must pass; the counts are medians over runs): finished {'yes' if f['finished'] else 'NO'}; "
                      f"{fmt(f['fault_urls'])} fault URLs of {fmt(f['fault_kinds_seen'])} kinds; URLs without exactly "
                      f"one record: {len(f['duplicate_fault_urls'])}; unexpected outcomes: {fmt(f['unexpected_count'])}",
                      *[f"- run {run['run']} failed: " + "; ".join(
                          f"{u['url']} expected {u['expected']}, got {u['got']}" for u in run['faults']['unexpected_outcomes'])
                        + ("" if run['faults']['finished'] else "; did not finish")
                        for run in spindle['per_run'] if 'faults' in run and not run['faults']['passed']],
                      f"- wall {fmt(spindle['median']['wall_s'])} s (bound {fmt(f['wall_bound_s'])} s); longest "
                      f"fetch {fmt(f['longest_fetch_ms'])} ms (bound {fmt(f['per_url_bound_ms'])} ms)",
                      "- outcomes per fault: " + "; ".join(
                          f"`{k}` {', '.join(f'{o} ×{n}' for o, n in v['outcomes'].items())}"
                          for k, v in f["per_fault"].items())]
        heaps = [run.get("heap_after_gc_at_10_50_100_mib") for run in spindle.get("per_run", [])]
        heaps = [h for h in heaps if h and all(v is not None for v in h)]
        if name == "scale" and heaps:
            middle = [median([h[i] for h in heaps]) for i in range(3)]
            lowest, highest = min(middle), max(middle)
            lines += ["", f"## Heap over a long crawl ({name})", "",
                      f"- heap after GC at 10 % / 50 % / 100 % of the pages: **{fmt(middle[0])} / {fmt(middle[1])} / "
                      f"{fmt(middle[2])} MiB** (median of {len(heaps)} run(s)); spread {fmt(100 * (highest - lowest) / lowest if lowest else None)} % of the lowest "
                      "(flat means within 20 %)",
                      "- each figure is the heap after the full GC nearest that moment (what is live), or without "
                      "full GCs the lowest heap-after-GC in the 5 % of the crawl before it; per run: "
                      + "; ".join("/".join(fmt(v) for v in h) for h in heaps)]
    lines += target_section(summary)
    lines += warc_section(summary)
    if chart_files:
        lines += ["", "## Charts", ""]
        for name, files in chart_files.items():
            lines.append(f"- {name}: " + ", ".join(f"[{suffix}]({path})" for suffix, path in files))
    return "\n".join(lines) + "\n"
