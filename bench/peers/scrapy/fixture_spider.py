"""Scrapy as a benchmark peer: crawls the fixture web from a seed file.

Run with Debian's Scrapy (bench/run does this):
  /usr/bin/python3 -m scrapy runspider fixture_spider.py -a seeds=SEEDS -a out=OUT.jsonl \
      -s CONCURRENT_REQUESTS=32 -s CLOSESPIDER_PAGECOUNT=40000

It follows every link to the seeds' hosts (host and port), obeys robots.txt and writes one JSON line per
response: url, status, content_type, bytes, fetch_ms (Scrapy's download_latency), t (epoch seconds when the
callback ran). The politeness and concurrency settings are below; bench/run overrides them with -s.
"""

import json
import time
from urllib.parse import urlsplit

import scrapy

BENCH_SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_DELAY": 0,
    "RANDOMIZE_DOWNLOAD_DELAY": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
    "CONCURRENT_REQUESTS_PER_IP": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "MEMUSAGE_ENABLED": False,
    "HTTPERROR_ALLOW_ALL": True,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
    "REDIRECT_MAX_TIMES": 5,
    "RETRY_TIMES": 2,
    "DEPTH_LIMIT": 0,
    "USER_AGENT": "scrapy-bench",
    "LOG_LEVEL": "INFO",
    "LOGSTATS_INTERVAL": 10,
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
}


def _authority(url):
    try:
        parts = urlsplit(url)
        return (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except ValueError:  # a malformed port: out of scope
        return None


class FixtureSpider(scrapy.Spider):
    """Breadth-first over the fixture: every <a href> to a seed host is followed once (Scrapy's dupefilter)."""

    name = "fixture"
    custom_settings = BENCH_SETTINGS

    def __init__(self, seeds, out, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with open(seeds, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle]
        self.seed_urls = list(dict.fromkeys(l for l in lines if l and not l.startswith("#")))
        self.hosts = {_authority(url) for url in self.seed_urls}
        self.out = open(out, "w", encoding="utf-8", buffering=1 << 16)

    def start_requests(self):
        for url in self.seed_urls:
            yield scrapy.Request(url, callback=self.parse)

    def closed(self, reason):
        self.out.close()

    def parse(self, response):
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        self.out.write(json.dumps({
            "url": response.meta.get("redirect_urls", [response.url])[0],
            "final_url": response.url,
            "status": response.status,
            "content_type": content_type,
            "bytes": len(response.body),
            "fetch_ms": round(response.meta.get("download_latency", 0.0) * 1000, 1),
            "t": time.time(),
        }) + "\n")
        if response.status != 200 or "html" not in content_type.lower():
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if url.startswith("http") and _authority(url) in self.hosts:
                yield scrapy.Request(url, callback=self.parse)
