"""Runs Spindle's benchmark scenarios (and the peers) against the fixture web; called by bench/run.

Each scenario group starts one fixture JVM on loopback, then runs every crawler --runs times, interleaved
(spindle 1, scrapy 1, crawler4j 1, spindle 2, ...), so a slow drift of the machine hits every crawler alike.
Results go to OUT/results.json, OUT/results.md and OUT/*.svg; per-run files go to OUT/raw/.
"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cds  # noqa: E402
import metrics  # noqa: E402
import procs  # noqa: E402
import report  # noqa: E402
import wgetpeer  # noqa: E402

# Spindle's JVM options: those `./spindle crawl` uses. crawler4j keeps the 256 MiB heap Spindle had until 2026-12-07
# (its RSS was ~410 MiB with it; a smaller heap is Spindle's choice, not one to impose on a peer).
DEFAULT_JAVA_OPTS = "-Xms176m -Xmx176m -Xmn88m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError"
DEFAULT_PEER_JAVA_OPTS = "-Xms256m -Xmx256m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError"
DEFAULT_FIXTURE_JAVA_OPTS = "-Xms256m -Xmx1g -XX:+UseParallelGC"
POLITENESS_OFF = {"spindle.politeness.delay": "0s", "spindle.politeness.per-host-concurrency": "64"}
# issue 17's setting: what a new user tries, 16 fetchers and at most 8 requests at once to one host, no delay
TARGET_C16 = {"spindle.politeness.delay": "0s", "spindle.politeness.per-host-concurrency": "8"}
SCRAPY_PER_DOMAIN = 64   # Scrapy's CONCURRENT_REQUESTS_PER_DOMAIN when politeness is off, like Spindle's 64


@dataclass
class Sub:
    """One measured configuration: a crawl setting run against its group's fixture."""
    name: str
    concurrency: int
    max_pages: int
    quick_max_pages: int
    peers: tuple = ()                # the peers crawled beside Spindle (those that are ready)
    settings: dict = field(default_factory=dict)
    per_host_pages: int = 0          # politeness: pages per host (max-pages = hosts x this)
    quick_per_host_pages: int = 0
    servers: int = 0                 # politeness-ip: fixture hosts (addresses) crawled, each under several names
    names_per_server: int = 0        # politeness-ip: names pinned to each address (spindle.dns.static)


@dataclass
class Group:
    """A scenario: one fixture and the configurations crawled against it."""
    name: str
    description: str
    fixture: dict
    subs: list
    quick_fixture: dict = None
    interleave: bool = False     # run 1 of every sub, then run 2 of every sub...: a drift of the machine hits all alike


FAULT_SETTINGS = {
    "spindle.politeness.delay": "0s",
    "spindle.politeness.per-host-concurrency": "64",
    "spindle.politeness.max-crawl-delay": "50ms",     # the robots mix has crawl-delay 1s hosts
    "spindle.fetch.connect-timeout": "2s",
    "spindle.fetch.response-timeout": "5s",          # above /fault/slow's 2 s, below /fault/hang
    "spindle.fetch.total-timeout": "10s",
    "spindle.fetch.idle-timeout": "10s",
    "spindle.robots.error-retry-interval": "2s",
}

# The warc scenario's parts. The baseline turns off SimHash too (on by default), so each part's cost shows alone.
WARC_PARTS_OFF = {"spindle.output.simhash": "off", "spindle.output.text": "off"}
WARC_ON = {"spindle.warc.dir": "{run_dir}/warc"}   # {run_dir}: the run's raw directory (spindle_run fills it in)
PEERS = ("scrapy", "crawler4j")   # the concurrent peers; wget has one connection, whatever the concurrency

GROUPS = [
    Group("target", "The performance goal: 8 hosts, 100-230 kB pages, ~100 links, no delay; concurrency 64 with "
          "politeness off, and 16 with 8 per host (plus WARC and Markdown text on).",
          {"hosts": 8, "pages-per-host": 6000, "page-size": "100000-230000", "links": 100,
           "robots": "allow-all", "faults": "none"},
          [Sub("target", 64, 40000, 500, peers=PEERS, settings=POLITENESS_OFF),
           Sub("target-c16", 16, 40000, 500, peers=("wget",), settings=TARGET_C16),
           Sub("target-c16-warc", 16, 40000, 500, settings={**TARGET_C16, **WARC_ON,
                                                              "spindle.output.text": "markdown"})]),
    Group("throughput", "50 hosts x 2,000 pages of 5-100 KiB, 40 links, politeness off, concurrency 16/32/64.",
          {"hosts": 50, "pages-per-host": 2000, "page-size": "5120-102400", "links": 40,
           "robots": "allow-all", "faults": "none"},
          [Sub("throughput-c16", 16, 30000, 1000, settings=POLITENESS_OFF),
           Sub("throughput-c32", 32, 30000, 1000, peers=PEERS, settings=POLITENESS_OFF),
           Sub("throughput-c64", 64, 30000, 1000, settings=POLITENESS_OFF)]),
    Group("politeness", "500 hosts, delay 1s (adaptive: factor 5, max-delay 30s), one request per host at a time: "
          "achieved vs ideal pages/s.",
          {"hosts": 500, "pages-per-host": 200, "page-size": "5120-20480", "links": 40,
           "robots": "allow-all", "faults": "none"},
          [Sub("politeness", 64, 0, 0, per_host_pages=40, quick_per_host_pages=4,
               settings={"spindle.politeness.delay": "1s", "spindle.politeness.per-host-concurrency": "1",
                         "spindle.politeness.delay-factor": "5", "spindle.politeness.max-delay": "30s"}),
           # 100 of the addresses, each under 5 names pinned to it: politeness per address must hold for the
           # address whichever name a request uses (README, "politeness-ip")
           Sub("politeness-ip", 64, 0, 0, per_host_pages=40, quick_per_host_pages=10, servers=100,
               names_per_server=5,
               settings={"spindle.politeness.delay": "1s", "spindle.politeness.per-host-concurrency": "1",
                         "spindle.politeness.key": "ip"})]),
    Group("faults", "--faults mixed, --robots mix, 20 hosts: the crawl finishes, one record per fault URL, bounded time.",
          {"hosts": 20, "pages-per-host": 200, "page-size": "5120-102400", "links": 40,
           "robots": "mix", "faults": "mixed"},
          [Sub("faults", 32, 0, 0, settings=FAULT_SETTINGS)],
          quick_fixture={"hosts": 20, "pages-per-host": 100, "page-size": "5120-102400", "links": 40,
                         "robots": "mix", "faults": "mixed"}),
    Group("warc", "The target site with WARC and Markdown text against the same crawl without them, and each part "
          "alone: pages/s, CPU per page, bytes on disk per page.",
          {"hosts": 8, "pages-per-host": 6000, "page-size": "100000-230000", "links": 100,
           "robots": "allow-all", "faults": "none"},
          [Sub("warc-off", 64, 3000, 500, settings={**POLITENESS_OFF, **WARC_PARTS_OFF}),
           Sub("warc-simhash", 64, 3000, 500, settings={**POLITENESS_OFF, **WARC_PARTS_OFF,
                                                          "spindle.output.simhash": "on"}),
           Sub("warc-text", 64, 3000, 500, settings={**POLITENESS_OFF, **WARC_PARTS_OFF,
                                                       "spindle.output.text": "markdown"}),
           Sub("warc-warc", 64, 3000, 500, settings={**POLITENESS_OFF, **WARC_PARTS_OFF, **WARC_ON}),
           Sub("warc-on", 64, 3000, 500, settings={**POLITENESS_OFF, **WARC_PARTS_OFF, **WARC_ON,
                                                     "spindle.output.text": "markdown"}),
           Sub("warc-all", 64, 3000, 500, settings={**POLITENESS_OFF, **WARC_ON, "spindle.output.simhash": "on",
                                                      "spindle.output.text": "markdown"})],
          interleave=True),
    Group("scale", "A long crawl of small pages for heap over time: 100 hosts x 10,000 pages of 5-20 kB.",
          {"hosts": 100, "pages-per-host": 10000, "page-size": "5000-20000", "links": 40,
           "robots": "allow-all", "faults": "none"},
          [Sub("scale", 32, 1_000_000, 50_000, settings=POLITENESS_OFF)]),
]


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived: stop, clean up, write what was measured."""


def _on_signal(signum, _frame):
    raise Interrupted(signal.Signals(signum).name)


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench/run", description="Spindle's benchmark harness (see bench/README.md).")
    parser.add_argument("--quick", action="store_true", help="small page limits: a smoke test, not a result")
    parser.add_argument("--runs", type=int, default=3, help="runs per crawler and scenario; figures are medians (default 3)")
    parser.add_argument("--scenarios", default="target,throughput,politeness,faults,warc,scale",
                        help="comma-separated groups or sub-scenarios, e.g. target,throughput-c32")
    parser.add_argument("--peers", default="scrapy,crawler4j,wget", help="comma-separated peers, or 'none'")
    parser.add_argument("--dist", help="a Spindle distribution: spindle-cli-*.jar and lib/ (default: build one)")
    parser.add_argument("--java-opts", default=os.environ.get("SPINDLE_BENCH_JAVA_OPTS", DEFAULT_JAVA_OPTS),
                        help=f"JVM options of the crawler (default: {DEFAULT_JAVA_OPTS})")
    parser.add_argument("--no-cds", dest="cds", action="store_false",
                        help="no class-data sharing archive for Spindle (by default one is made in the dist, as "
                             "./spindle makes one, by an unmeasured crawl, and used by every run)")
    parser.add_argument("--peer-java-opts", default=None, help=f"JVM options of crawler4j (default: {DEFAULT_PEER_JAVA_OPTS})")
    parser.add_argument("--fixture-java-opts", default=DEFAULT_FIXTURE_JAVA_OPTS)
    parser.add_argument("--port", type=int, default=18080, help="first port to try for the fixture (default 18080)")
    parser.add_argument("--max-pages", type=int, help="override every scenario's page limit")
    parser.add_argument("--peer-max-pages", type=int, default=10000,
                        help="page limit of the peers' crawls, when below the scenario's (default 10000; 0: none)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="extra Spindle job setting for every crawl; repeatable")
    parser.add_argument("--keep-output", action="store_true", help="keep each crawl's JSON-lines output in raw/")
    parser.add_argument("--out", help="results directory (default bench/results/<UTC timestamp>)")
    parser.add_argument("--peer-status", help=argparse.SUPPRESS)
    parser.add_argument("--dist-origin", default="given", help=argparse.SUPPRESS)
    parser.add_argument("--command-line", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.peer_java_opts = args.peer_java_opts or DEFAULT_PEER_JAVA_OPTS
    return args


def select_subs(spec):
    """[(group, [subs])] for a spec such as 'target,throughput-c32'; unknown names are an error."""
    wanted = [w.strip() for w in spec.split(",") if w.strip()]
    known = {g.name for g in GROUPS} | {s.name for g in GROUPS for s in g.subs}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise SystemExit(f"bench: unknown scenario {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    chosen = []
    for group in GROUPS:
        subs = [s for s in group.subs if group.name in wanted or s.name in wanted]
        if subs:
            chosen.append((group, subs))
    return chosen


# ---------------------------------------------------------------------------------------------------- machine

def machine_info():
    info = {"cores": os.cpu_count(), "os": platform.platform(), "kernel": platform.release(),
            "python": platform.python_version()}
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/etc/os-release", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("PRETTY_NAME="):
                    info["os"] = line.split("=", 1)[1].strip().strip('"') + " (" + platform.release() + ")"
    except OSError:
        pass
    try:
        version = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30).stderr
        info["java"] = " | ".join(line.strip() for line in version.splitlines()[:2])
    except (OSError, subprocess.TimeoutExpired):
        info["java"] = None
    info["load_average_at_start"] = list(os.getloadavg())
    return info


def git_info(repo):
    def git(*arguments):
        try:
            done = subprocess.run(["git", "-C", repo, *arguments], capture_output=True, text=True, timeout=30)
            return done.stdout.strip() if done.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            return None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None,
            "changed_files": status.splitlines()[:50] if status else []}


def dist_info(dist, origin):
    jars = sorted(f for f in os.listdir(dist) if f.startswith("spindle-cli-") and f.endswith(".jar"))
    jar = os.path.join(dist, jars[0])
    stat = os.stat(jar)
    return {"path": os.path.abspath(dist), "jar": jars[0], "origin": origin,
            "jar_modified": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stat.st_mtime)),
            "jar_sha256": _sha256(jar)}


def _sha256(path):
    import hashlib
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------------- fixture

class Fixture:
    """The fixture web in its own JVM; start() finds a free port from the first one tried upwards."""

    def __init__(self, table, classpath, java_opts, raw_dir, group, fixture_args):
        self.table, self.classpath, self.java_opts = table, classpath, java_opts
        self.dir = os.path.join(raw_dir, f"fixture-{group}")
        self.args = fixture_args
        self.process = None
        self.port = None
        self.seeds = None

    def start(self, first_port, attempts=10):
        os.makedirs(self.dir, exist_ok=True)
        hosts = self.args["hosts"]
        for port in range(first_port, first_port + attempts):
            if procs.port_answers("127.0.1.1", port):
                log(f"port {port} is in use on 127.0.1.1; trying {port + 1}")
                continue
            seeds = os.path.join(self.dir, f"seeds-{port}.txt")
            command = ["java", *shlex.split(self.java_opts), "-cp", self.classpath, "spindle.cli.Main", "fixture",
                       "--port", str(port), "--seeds-file", seeds]
            for key, value in self.args.items():
                command += [f"--{key}", str(value)]
            self.process = self.table.spawn(command, self.dir, os.path.join(self.dir, "stdout.log"),
                                            os.path.join(self.dir, "stderr.log"))
            if self._wait_ready(seeds, hosts, port, timeout_s=120):
                self.port, self.seeds = port, seeds
                with open(os.path.join(self.dir, "command.txt"), "w", encoding="utf-8") as handle:
                    handle.write(shlex.join(command) + "\n")
                return
            self.table.stop(self.process)
            log(f"the fixture did not start on port {port} (raw/fixture-*/stderr.log); trying {port + 1}")
        raise RuntimeError(f"the fixture could not start on ports {first_port}..{first_port + attempts - 1}")

    def _wait_ready(self, seeds, hosts, port, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with open(seeds, encoding="utf-8") as handle:
                    lines = [line for line in handle if line.strip()]
            except OSError:
                lines = []
            if len(lines) >= hosts:
                last = lines[-1].strip().split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
                if procs.port_answers("127.0.1.1", port) and procs.port_answers(last, port):
                    return True
            time.sleep(0.3)
        return False

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.process is not None:
            self.table.stop(self.process)
            self.process = None


# ---------------------------------------------------------------------------------------------------- crawlers

def named_seeds(fixture_seeds, sub, run_dir):
    """politeness-ip: the seed file of the first sub.servers fixture hosts, each under sub.names_per_server names
    (s{server}n{name}.test), and the spindle.dns.static pins of those names to the hosts' addresses."""
    with open(fixture_seeds, encoding="utf-8") as handle:
        bases = [line.strip() for line in handle if line.strip()][:sub.servers]
    seeds, pins = [], {}
    for server, base in enumerate(bases):
        parts = urlsplit(base)
        for name_index in range(sub.names_per_server):
            name = f"s{server}n{name_index}.test"
            pins[name] = parts.hostname
            seeds.append(f"{parts.scheme}://{name}:{parts.port}/")
    path = os.path.join(run_dir, "named-seeds.txt")
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(seed + "\n" for seed in seeds)
    return path, pins


def crawled_hosts(ctx, sub):
    """The host names a crawl of sub has: the fixture's hosts, or politeness-ip's names."""
    return sub.servers * sub.names_per_server if sub.names_per_server else ctx.fixture_hosts


def spindle_run(ctx, run_dir, sub, seeds, max_pages, pins=None):
    out = os.path.join(run_dir, "out.jsonl")
    gc_log = os.path.join(run_dir, "gc.log")
    settings = {
        "spindle.job.name": '"bench-' + sub.name + '"',
        "spindle.job.seed-file": json.dumps(seeds),
        "spindle.fetch.concurrency": str(sub.concurrency),
        "spindle.scope.max-pages": str(max_pages),
        "spindle.output.path": json.dumps(out),
        "spindle.robots.enabled": "on",
        # the fixture serves no sitemaps: on, each host's /sitemap.xml (a 404) would take a request and a page of
        # max-pages, and the runs would no longer compare with earlier results or with the peers (which read none)
        "spindle.sitemaps.enabled": "off",
        "spindle.progress.log-interval": "1s",
    }
    settings.update({key: json.dumps(value.replace("{run_dir}", run_dir)) if "{run_dir}" in value else value
                     for key, value in sub.settings.items()})
    if sub.per_host_pages:
        settings["spindle.scope.max-pages-per-host"] = str(max_pages // crawled_hosts(ctx, sub))
    for name, address in (pins or {}).items():
        settings[f'spindle.dns.static."{name}"'] = json.dumps(address)
    for pair in ctx.args.set:
        key, _, value = pair.partition("=")
        settings[key.strip()] = value.strip()
    settings.setdefault("spindle.store.dir", json.dumps(os.path.join(run_dir, "data")))   # a fresh store per run
    job = os.path.join(run_dir, "job.conf")
    with open(job, "w", encoding="utf-8") as handle:
        handle.write(f"# Written by bench/run for {sub.name}\n")
        handle.writelines(f"{key} = {value}\n" for key, value in settings.items())
    command = ["java", *shlex.split(ctx.args.java_opts), *ctx.cds_opts, f"-Xlog:gc:file={gc_log}:uptime",
               "-Dspindle.stderr.tty=false", "-cp", ctx.spindle_classpath, "spindle.cli.Main", "crawl", job]
    return command, out, gc_log


def scrapy_run(ctx, run_dir, sub, seeds, max_pages):
    out = os.path.join(run_dir, "out.jsonl")
    spider = os.path.join(ctx.bench_dir, "peers", "scrapy", "fixture_spider.py")
    command = ["/usr/bin/python3", "-m", "scrapy", "runspider", spider, "-a", f"seeds={seeds}", "-a", f"out={out}",
               "-s", f"CONCURRENT_REQUESTS={sub.concurrency}",
               "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={SCRAPY_PER_DOMAIN}",
               "-s", f"CLOSESPIDER_PAGECOUNT={max_pages}", "-s", "LOG_LEVEL=INFO"]
    return command, out, None


def crawler4j_run(ctx, run_dir, sub, seeds, max_pages):
    out = os.path.join(run_dir, "out.jsonl")
    gc_log = os.path.join(run_dir, "gc.log")
    target = os.path.join(ctx.bench_dir, "peers", "crawler4j", "target")
    classpath = os.path.join(target, "crawler4j-peer-0.1.0-SNAPSHOT.jar") + ":" + os.path.join(target, "lib", "*")
    command = ["java", *shlex.split(ctx.args.peer_java_opts), f"-Xlog:gc:file={gc_log}:uptime", "-cp", classpath,
               "spindle.bench.crawler4j.Crawler4jPeer", "--seeds", seeds, "--out", out,
               "--threads", str(sub.concurrency), "--max-pages", str(max_pages),
               "--storage", os.path.join(run_dir, "crawler4j-storage")]
    return command, out, gc_log


def wget_run(ctx, run_dir, sub, seeds, max_pages):
    """Debian's wget, recursive over the seed hosts from a page that links them all; README ('Peers') says why each
    flag. seeds: a wgetpeer.SeedPage. No page limit of its own: run_one follows its log and ends it at the limit."""
    out = os.path.join(run_dir, "out.jsonl")
    command = ["/usr/bin/wget", "--no-config", "--no-proxy", "--recursive", "--level=inf", "--span-hosts",
               "--domains=" + ",".join(seeds.hosts), "--execute", "robots=on", "--wait=0", "--tries=3",
               "--timeout=30", "--max-redirect=5", "--delete-after",
               "--directory-prefix=" + os.path.join(run_dir, "wget-files"), "--progress=dot:giga",
               "--output-file=" + os.path.join(run_dir, "wget.log"), seeds.url]
    return command, out, None


CRAWLERS = {"spindle": spindle_run, "scrapy": scrapy_run, "crawler4j": crawler4j_run, "wget": wget_run}


def peer_env():
    """Debian's Python for Scrapy: without the pyenv or virtualenv variables of the harness's Python."""
    env = dict(os.environ)
    for key in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYENV_VERSION"):
        env.pop(key, None)
    return env


# ---------------------------------------------------------------------------------------------------- scenarios

class Context:
    def __init__(self, args, table, out_dir):
        self.args = args
        self.table = table
        self.out_dir = out_dir
        self.raw_dir = os.path.join(out_dir, "raw")
        self.bench_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        jar = sorted(f for f in os.listdir(args.dist) if f.startswith("spindle-cli-") and f.endswith(".jar"))[0]
        self.spindle_classpath = os.path.join(args.dist, jar) + ":" + os.path.join(args.dist, "lib", "*")
        self.fixture_hosts = 0
        self.cds_opts = []   # class-data sharing as ./spindle uses it, once cds_training ran
        self.cds_kind = None


def page_limit(args, group_fixture, sub):
    if sub.per_host_pages:
        hosts = sub.servers or group_fixture["hosts"]
        per_host = sub.quick_per_host_pages if args.quick else sub.per_host_pages
        if args.max_pages:
            per_host = max(2, args.max_pages // hosts)   # 2: so there is a gap to measure
        per_host = max(per_host, 2 * sub.names_per_server)   # politeness-ip: two pages per name at least
        return per_host * hosts
    if sub.max_pages == 0:   # the whole site (faults), whatever --max-pages says: the fixture sizes it
        return group_fixture["hosts"] * group_fixture["pages-per-host"] * 2   # fault URLs come on top
    return args.max_pages or (sub.quick_max_pages if args.quick else sub.max_pages)


def fault_bounds(settings, pages):
    """(wall-time bound in s, one URL's bound in ms) for the faults scenario; see README."""
    def seconds(text):
        value = float(re.match(r"[\d.]+", text).group())
        return value / 1000 if text.endswith("ms") else value
    total = seconds(settings["spindle.fetch.total-timeout"])
    retries = 2                                       # spindle.fetch.retry.max-retries default
    backoffs = 2 + 4                                  # base-backoff 2s, doubled
    per_url = (retries + 1) * total + backoffs + 1    # one slow URL, every attempt timing out, +1 s slack
    robots = 4 * seconds(settings["spindle.robots.error-retry-interval"])   # max-error-retries 3, plus the first
    bound = 20 + pages / 50 + per_url + robots        # JVM start, >= 50 pages/s for ordinary pages, the worst URL
    return round(bound, 1), int(per_url * 1000)


def crawl_timeout(group, sub, max_pages):
    if group.name == "politeness":
        servers = sub.servers or group.fixture["hosts"]
        return 180 + 3 * (max_pages / servers + sub.names_per_server) * 1.5
    if group.name == "faults":
        return 600
    if group.name == "warc" or "spindle.warc.dir" in sub.settings:
        return 300 + max_pages / 4    # text extraction makes these crawls several times slower
    return 180 + max_pages / 20


def cds_training(ctx, sub, fixture):
    """As ./spindle does for a user, give every measured Spindle run what it starts from (cds.py): unless --no-cds,
    or the dist has a current one for this JVM, an unmeasured crawl of 4,000 pages records it."""
    if not ctx.args.cds or ctx.cds_opts:
        return
    archive = cds.Archive(ctx.args.dist, cds.java_version())
    if not archive.usable():
        archive.remove_stale()
        run_dir = os.path.join(ctx.raw_dir, "cds-training")
        os.makedirs(run_dir, exist_ok=True)
        ctx.cds_opts = archive.record
        command, out, _ = spindle_run(ctx, run_dir, sub, fixture.seeds, 4000)
        log(f"class-data sharing: an unmeasured 4,000-page crawl records {archive.kind}")
        procs.run_measured(ctx.table, command, run_dir, os.path.join(run_dir, "stdout.log"),
                           os.path.join(run_dir, "stderr.log"), 300, watch_pid=fixture.process.pid)
        _remove(out)
        shutil.rmtree(os.path.join(run_dir, "data"), ignore_errors=True)
    ctx.cds_opts = archive.use if os.path.exists(archive.path) else []
    ctx.cds_kind = archive.kind if ctx.cds_opts else None


def run_scenarios(ctx, chosen, peers_ok, state):
    args = ctx.args
    for group, subs in chosen:
        fixture_args = group.quick_fixture if args.quick and group.quick_fixture else group.fixture
        ctx.fixture_hosts = fixture_args["hosts"]
        log(f"scenario {group.name}: starting the fixture ({fixture_args['hosts']} hosts)")
        fixture = Fixture(ctx.table, ctx.spindle_classpath, args.fixture_java_opts, ctx.raw_dir, group.name,
                          fixture_args)
        try:
            fixture.start(args.port)
            log(f"fixture up on port {fixture.port}")
            if group.interleave:
                order = [(sub, run_index) for run_index in range(1, args.runs + 1) for sub in subs]
            else:
                order = [(sub, run_index) for sub in subs for run_index in range(1, args.runs + 1)]
            for sub, run_index in order:
                cds_training(ctx, sub, fixture)
                state["options"]["cds_kind"] = ctx.cds_kind
                max_pages = page_limit(args, fixture_args, sub)
                crawlers = ["spindle"] + [p for p in peers_ok if p in sub.peers]
                entry = state["scenarios"].setdefault(sub.name, {
                    "group": group.name, "description": group.description, "fixture": fixture_args,
                    "concurrency": sub.concurrency, "max_pages": max_pages,
                    "spindle_settings": sub.settings, "crawlers": {}})
                for crawler in crawlers:
                    if not fixture.alive():
                        log("the fixture died; restarting it")
                        fixture.start(args.port)
                    limit = max_pages
                    if crawler != "spindle" and args.peer_max_pages and max_pages:
                        limit = min(max_pages, args.peer_max_pages)
                    result = run_one(ctx, group, sub, crawler, run_index, fixture, limit)
                    result["max_pages"] = limit
                    entry["crawlers"].setdefault(crawler, []).append(result)
                    time.sleep(2)   # let sockets in TIME_WAIT and the fixture's GC settle
                report.write_all(ctx.out_dir, state)
        finally:
            fixture.stop()


def run_one(ctx, group, sub, crawler, run_index, fixture, max_pages):
    run_dir = os.path.join(ctx.raw_dir, sub.name, f"{crawler}-run{run_index}")
    os.makedirs(run_dir, exist_ok=True)
    seed_page = wgetpeer.SeedPage(fixture.seeds) if crawler == "wget" else None
    pins = {}
    try:
        if sub.names_per_server:   # Spindle alone: the peers have no pinned names
            seeds, pins = named_seeds(fixture.seeds, sub, run_dir)
            command, out, gc_log = spindle_run(ctx, run_dir, sub, seeds, max_pages, pins)
        else:
            command, out, gc_log = CRAWLERS[crawler](ctx, run_dir, sub, seed_page or fixture.seeds, max_pages)
        with open(os.path.join(run_dir, "command.txt"), "w", encoding="utf-8") as handle:
            handle.write(shlex.join(command) + "\n")
        timeout_s = crawl_timeout(group, sub, max_pages)
        follower = (wgetpeer.WgetLog(os.path.join(run_dir, "wget.log"), out, max_pages, seed_page.url)
                    if seed_page else None)
        measured = procs.run_measured(ctx.table, command, run_dir, os.path.join(run_dir, "stdout.log"),
                                      os.path.join(run_dir, "stderr.log"), timeout_s,
                                      env=peer_env() if crawler == "scrapy" else None, watch_pid=fixture.process.pid,
                                      at_limit=follower.at_limit if follower else None)
        if follower:
            follower.close(time.time())
    finally:
        if seed_page:
            seed_page.close()
    records = metrics.load_records(out, crawler)
    result = metrics.run_metrics(records, measured, metrics.parse_gc_log(gc_log) if gc_log else [])
    result["run"] = run_index
    result["timeout_s"] = timeout_s
    result["cpu_ms_per_page"] = round(1000 * result["cpu_s"] / result["pages"], 3) \
        if result.get("pages") and isinstance(result.get("cpu_s"), (int, float)) else None
    if crawler == "spindle":
        result["spindle_summary"] = metrics.spindle_summary(os.path.join(run_dir, "stderr.log"))
    if group.name == "politeness" and crawler == "spindle":
        chosen = {**sub.settings, **{k.strip(): v.strip() for k, _, v in (p.partition("=") for p in ctx.args.set)}}
        delay = float(chosen["spindle.politeness.delay"].rstrip("s"))
        factor = float(chosen.get("spindle.politeness.delay-factor", "0"))
        max_delay = float(chosen.get("spindle.politeness.max-delay", "30s").rstrip("s"))
        if pins:   # politeness per address: a server is an address, whichever of its names a request used
            result["politeness"] = metrics.politeness_metrics(
                records, delay, sub.servers, sub.concurrency, factor, max_delay,
                server_of=lambda host: pins[host.split(":")[0]], robots_per_server=sub.names_per_server)
        else:
            result["politeness"] = metrics.politeness_metrics(records, delay, ctx.fixture_hosts, sub.concurrency,
                                                              factor, max_delay)
    if group.name == "faults" and crawler == "spindle":
        bound, per_url = fault_bounds(sub.settings, max_pages // 2)
        result["faults"] = metrics.fault_metrics(records, measured, bound, per_url)
    if crawler == "spindle" and "spindle.warc.dir" in sub.settings:
        result["disk"] = disk_metrics(out, os.path.join(run_dir, "warc"), result["pages"])
        shutil.rmtree(os.path.join(run_dir, "warc"), ignore_errors=True)   # hundreds of MB a run
    with open(os.path.join(run_dir, "metrics.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1)
    if not ctx.args.keep_output and group.name != "faults":
        _remove(out)
        _remove(os.path.join(run_dir, "wget.log"))   # ~1 kB a URL; out.jsonl has what was read from it
    shutil.rmtree(os.path.join(run_dir, "crawler4j-storage"), ignore_errors=True)
    shutil.rmtree(os.path.join(run_dir, "wget-files"), ignore_errors=True)   # empty directories (--delete-after)
    status = "TIMED OUT" if measured["timed_out"] else \
        "stopped at the page limit" if measured.get("stopped_at_limit") else f"exit {measured['exit_code']}"
    log(f"{sub.name} {crawler} run {run_index}/{ctx.args.runs}: {result['pages']} pages, "
        f"{result['pages_per_s']} pages/s, {result['cpu_s']} CPU-s, peak RSS {result['peak_rss_mib']} MiB, "
        f"wall {result['wall_s']} s, {status}")
    return result


def disk_metrics(output, warc_dir, pages):
    """Bytes on disk of a run's JSON lines and WARC files (with their CDXJ indexes), in all and per page."""
    output_bytes = os.path.getsize(output) if os.path.exists(output) else 0
    warc_bytes = index_bytes = files = 0
    if os.path.isdir(warc_dir):
        for name in os.listdir(warc_dir):
            size = os.path.getsize(os.path.join(warc_dir, name))
            if name.endswith(".warc.gz"):
                warc_bytes += size
                files += 1
            elif name.endswith(".cdxj"):
                index_bytes += size
    per_page = lambda value: round(value / pages) if pages else None
    return {"output_bytes": output_bytes, "warc_bytes": warc_bytes, "cdxj_bytes": index_bytes, "warc_files": files,
            "output_bytes_per_page": per_page(output_bytes), "warc_bytes_per_page": per_page(warc_bytes),
            "cdxj_bytes_per_page": per_page(index_bytes)}


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def main(argv):
    # as ./spindle does: two malloc arenas keep a JVM's native memory from fragmenting across threads
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    args = parse_args(argv)
    if not args.out or not args.dist:
        raise SystemExit("bench: run me through bench/run (it passes --out and --dist)")
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    chosen = select_subs(args.scenarios)
    out_dir = os.path.abspath(args.out)
    raw_dir = os.path.join(out_dir, "raw")
    os.makedirs(raw_dir, exist_ok=True)
    table = procs.ProcessTable(os.path.join(raw_dir, "pids"))
    ctx = Context(args, table, out_dir)
    peer_status = {}
    if args.peer_status and os.path.exists(args.peer_status):
        with open(args.peer_status, encoding="utf-8") as handle:
            peer_status = json.load(handle)
    peers_ok = [p for p, s in peer_status.items() if s.get("status") == "ready"]
    repo = os.path.dirname(ctx.bench_dir)
    state = {
        "schema": 1,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": args.command_line,
        "quick": args.quick,
        "runs": args.runs,
        "options": {"java_opts": args.java_opts, "cds": args.cds, "peer_java_opts": args.peer_java_opts,
                    "fixture_java_opts": args.fixture_java_opts, "set": args.set, "max_pages": args.max_pages,
                    "scenarios": args.scenarios, "peers": args.peers},
        "machine": machine_info(),
        "git": git_info(repo),
        "dist": dist_info(args.dist, args.dist_origin),
        "peers": peer_status,
        "scenarios": {},
    }
    log(f"results go to {out_dir}")
    try:
        run_scenarios(ctx, chosen, peers_ok, state)
        state["status"] = "complete"
    except Interrupted as stop:
        state["status"] = f"interrupted ({stop})"
        log(f"interrupted ({stop}); stopping every process and writing what was measured")
    except Exception as failure:   # noqa: BLE001 - any failure still writes the partial results
        state["status"] = f"failed: {failure}"
        log(f"failed: {failure}")
        raise
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        table.stop_all()
        state["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        report.write_all(out_dir, state)
        log(f"wrote {os.path.join(out_dir, 'results.md')}")
    return 0 if state["status"] == "complete" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
