#!/usr/bin/env python3
"""Latency of the admin API under a crawl at full speed (bench/admin/README.md).

Starts the fixture web (the `target` scenario's: 8 hosts, 100-230 kB pages, 100 links) and `spindle serve`, submits
a job with politeness off, and while it crawls sends GET /api/jobs/{id} one after the other (a new request as
soon as the last one answered, at most --rate per second), timing each. Repeats --runs times and reports the
median p50, p99 and max, with the crawl's pages/s during the measurement. Loopback only; stdlib only.
"""
import argparse
import glob
import http.client
import json
import os
import shlex
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import procs  # noqa: E402  (bench/lib)

FIXTURE = {"hosts": 8, "pages-per-host": 6000, "page-size": "100000-230000", "links": 100,
           "robots": "allow-all", "faults": "none"}


def log(message):
    print(f"admin-latency: {message}", file=sys.stderr, flush=True)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))]


def request(port, method, path, body=None, content_type="application/json", timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until(predicate, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {timeout_s} s waiting for {what}")


def one_run(table, classpath, java_opts, work, fixture_port, seeds, admin_port, pages, requests_wanted, rate):
    service_dir = os.path.join(work, f"service-{admin_port}")
    os.makedirs(service_dir)
    command = ["java", *shlex.split(java_opts), "-cp", classpath, "spindle.cli.Main", "serve",
               "--set", f"spindle.admin.port={admin_port}",
               "--set", f"spindle.admin.jobs-dir={os.path.join(service_dir, 'jobs')}"]
    service = table.spawn(command, service_dir, os.path.join(service_dir, "stdout.log"),
                          os.path.join(service_dir, "stderr.log"))
    try:
        def ready():
            if service.poll() is not None:
                raise RuntimeError(f"the service exited with {service.returncode}: see {service_dir}/stderr.log")
            return request(admin_port, "GET", "/health/ready")[0] == 200
        wait_until(ready, 60, "the service to be ready")
        job = {"spindle": {
            "job": {"name": "latency", "seeds": seeds},
            "output": {"path": os.path.join(service_dir, "out.jsonl")},
            "store": {"dir": os.path.join(service_dir, "store")},
            "fetch": {"concurrency": 64},
            "politeness": {"delay": "0s", "per-host-concurrency": 64},
            "scope": {"max-pages": pages},
        }}
        status, body = request(admin_port, "POST", "/api/jobs", json.dumps(job))
        if status != 201:
            raise RuntimeError(f"POST /api/jobs answered {status}: {body[:300]!r}")
        # measure while the crawl runs at full speed: from its first 2,000 records on
        wait_until(lambda: json.loads(request(admin_port, "GET", "/api/jobs/latency")[1])["counts"]["fetched"]
                   >= 2000, 120, "the crawl to reach 2,000 pages")
        latencies = []
        first = last = None
        connection = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=10)
        interval = 1.0 / rate
        started = time.monotonic()
        while len(latencies) < requests_wanted:
            sent = time.perf_counter()
            connection.request("GET", "/api/jobs/latency")
            response = connection.getresponse()
            payload = response.read()
            latencies.append((time.perf_counter() - sent) * 1000)
            if response.status != 200:
                raise RuntimeError(f"GET /api/jobs/latency answered {response.status}")
            view = json.loads(payload)
            done = view["counts"]["fetched"] + view["counts"]["failed"]
            first = first or (time.monotonic(), done)
            last = (time.monotonic(), done)
            if view["state"] not in ("running", "paused"):
                log("the crawl ended before all requests were sent; measuring what was sent")
                break
            pause = interval - (time.monotonic() - started) % interval
            time.sleep(pause if pause > 0.0005 else 0)
        connection.close()
        crawl_rate = (last[1] - first[1]) / (last[0] - first[0]) if last[0] > first[0] else 0.0
        request(admin_port, "POST", "/api/jobs/latency/stop")
        return {"requests": len(latencies), "p50_ms": percentile(latencies, 0.50),
                "p99_ms": percentile(latencies, 0.99), "max_ms": max(latencies),
                "crawl_pages_per_s_during": crawl_rate}
    finally:
        table.stop(service)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", required=True, help="a Spindle distribution: spindle-cli-*.jar and lib/")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=1000, help="GETs per run (default 1000)")
    parser.add_argument("--rate", type=float, default=50, help="at most this many GETs per second (default 50)")
    parser.add_argument("--pages", type=int, default=40000, help="the crawl's page limit (default 40000)")
    parser.add_argument("--port", type=int, default=18280, help="fixture port; the service uses the next ones")
    parser.add_argument("--java-opts", default="-Xms256m -Xmx256m -XX:+UseParallelGC")
    parser.add_argument("--out", required=True, help="results directory")
    args = parser.parse_args()

    args.dist = os.path.abspath(args.dist)   # the processes run in their own directories
    jar = glob.glob(os.path.join(args.dist, "spindle-cli-*.jar"))
    if not jar:
        sys.exit(f"admin-latency: error: no spindle-cli-*.jar in {args.dist}")
    classpath = ":".join([jar[0], os.path.join(args.dist, "lib", "*")])
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="spindle-admin-latency-")
    table = procs.ProcessTable(os.path.join(work, "pids"))
    fixture_dir = os.path.join(work, "fixture")
    os.makedirs(fixture_dir)
    seeds_file = os.path.join(fixture_dir, "seeds.txt")
    command = ["java", "-Xms256m", "-Xmx1g", "-XX:+UseParallelGC", "-cp", classpath, "spindle.cli.Main", "fixture",
               "--port", str(args.port), "--seeds-file", seeds_file]
    for key, value in FIXTURE.items():
        command += [f"--{key}", str(value)]
    fixture = table.spawn(command, fixture_dir, os.path.join(fixture_dir, "stdout.log"),
                          os.path.join(fixture_dir, "stderr.log"))
    runs = []
    try:
        def fixture_ready():
            if fixture.poll() is not None:
                raise RuntimeError(f"the fixture exited with {fixture.returncode}: see {fixture_dir}/stderr.log")
            return (os.path.exists(seeds_file) and len(open(seeds_file).read().split()) >= FIXTURE["hosts"]
                    and procs.port_answers("127.0.1.1", args.port))
        wait_until(fixture_ready, 120, "the fixture")
        seeds = open(seeds_file).read().split()
        for run in range(1, args.runs + 1):
            figures = one_run(table, classpath, args.java_opts, work, args.port, seeds, args.port + run, args.pages,
                              args.requests, args.rate)
            log(f"run {run}/{args.runs}: {figures['requests']} GETs, p50 {figures['p50_ms']:.2f} ms, "
                f"p99 {figures['p99_ms']:.2f} ms, max {figures['max_ms']:.2f} ms, crawl "
                f"{figures['crawl_pages_per_s_during']:.0f} pages/s meanwhile")
            runs.append(figures)
    finally:
        table.stop(fixture)
        table.stop_all()
    medians = {key: statistics.median(run[key] for run in runs)
               for key in ("p50_ms", "p99_ms", "max_ms", "crawl_pages_per_s_during")}
    result = {"command": " ".join(shlex.quote(a) for a in sys.argv), "fixture": FIXTURE, "runs": runs,
              "median": medians, "cores": os.cpu_count(), "load_average_at_end": os.getloadavg()}
    with open(os.path.join(args.out, "admin-latency.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
    summary = (f"GET /api/jobs/{{id}} during a crawl at full speed, median of {len(runs)} runs: "
               f"p50 {medians['p50_ms']:.2f} ms, p99 {medians['p99_ms']:.2f} ms, max {medians['max_ms']:.2f} ms "
               f"(crawl meanwhile: {medians['crawl_pages_per_s_during']:.0f} pages/s)")
    with open(os.path.join(args.out, "admin-latency.md"), "w", encoding="utf-8") as handle:
        handle.write(summary + "\n")
    print(summary)


if __name__ == "__main__":
    main()
