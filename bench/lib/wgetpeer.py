"""wget as a benchmark peer: the page it starts from, and its log, followed while it runs and written as the JSON
lines the other peers write.

wget starts a separate recursion, with its own record of the URLs it has seen, for each URL it is given (given
three seeds it fetched every page three times), so it is given one start URL: a page the harness serves on
127.0.0.1 that links every seed (SeedPage). Its breadth-first crawl then begins on all the seed hosts at once, as
the other crawlers' does.

wget has no page limit and its log times are whole seconds, so the harness reads the log (default verbosity,
`--progress=dot:giga`: one short block per URL) about 20 times a second while wget runs (procs.run_measured's
at_limit). Each finished URL becomes one JSON line: url, final_url, status, content_type, bytes, fetch_ms (None:
wget logs no time per request finer than a second), and t = the epoch time at which the harness read the line that
ended it (within ~50 ms of wget writing it; wget flushes its log after each message). robots.txt requests are not
records. Once `max_pages` pages (status 200, HTML) are in, at_limit returns True and the harness ends wget.

A block of wget's log for one URL:

    --2026-12-06 19:06:13--  http://127.0.1.1:18790/
    Reusing existing connection to 127.0.1.1:18790.
    HTTP request sent, awaiting response... 200 OK
    Length: 121687 (119K) [text/html]
    Saving to: 'files/127.0.1.1:18790/index.html.tmp'
         0K                                    100%  253M=0s
    2026-12-06 19:06:13 (253 MB/s) - 'files/127.0.1.1:18790/index.html.tmp' saved [121687/121687]

A redirect ends with `Location: URL [following]` and the next block is its target; an HTTP error ends with
`2026-12-06 19:06:13 ERROR 404: Not Found.`
"""

import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlsplit

START = re.compile(r"^--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d--  (?P<url>\S+)$")
STATUS = re.compile(r"awaiting response\.\.\. (?P<status>\d{3})\b")
LENGTH = re.compile(r"^Length: .*\[(?P<type>[^\]]*)\]\s*$")
SAVED = re.compile(r" saved \[(?P<bytes>\d+)(?:/\d+)?\]\s*$")
ERROR = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ERROR (?P<status>\d{3}):")


class SeedPage:
    """An HTML page linking every seed, served on 127.0.0.1 (a free port) from a thread of the harness; close() ends it."""

    def __init__(self, seeds_file):
        with open(seeds_file, encoding="utf-8") as handle:
            seeds = list(dict.fromkeys(line.strip() for line in handle if line.strip() and not line.startswith("#")))
        self.hosts = list(dict.fromkeys(urlsplit(url).hostname for url in seeds))
        body = ("<!DOCTYPE html>\n<html><head><title>seeds</title></head><body>\n"
                + "".join(f'<a href="{html.escape(url)}">{html.escape(url)}</a>\n' for url in seeds)
                + "</body></html>\n").encode("utf-8")

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                found = self.path == "/"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body) if found else 0))
                self.end_headers()
                if found:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, name="wget-seed-page", daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class WgetLog:
    """Follows a wget log file and appends one JSON line per finished URL to an output file (not skip_url's)."""

    def __init__(self, log_path, out_path, max_pages, skip_url=None):
        self.log_path = log_path
        self.max_pages = max_pages
        self.skip_url = skip_url
        self.out = open(out_path, "w", encoding="utf-8")
        self.log = None
        self.rest = b""
        self.current = None      # the URL whose block is being read: {"url", "final_url", "status", "type"}
        self.pages = 0
        self.records = 0

    def at_limit(self, now):
        """Reads what wget has written since the last call; True once max_pages pages are in (0: no limit)."""
        self._read(now)
        return bool(self.max_pages) and self.pages >= self.max_pages

    def close(self, now):
        """Reads the rest of the log (wget has exited) and closes both files."""
        self._read(now)
        if self.rest:
            self._line(self.rest.decode("utf-8", "replace"), now)
            self.rest = b""
        self.out.close()
        if self.log is not None:
            self.log.close()

    def _read(self, now):
        if self.log is None:
            try:
                self.log = open(self.log_path, "rb")
            except OSError:
                return   # wget has not created it yet
        data = self.log.read()
        if not data:
            return
        lines = (self.rest + data).split(b"\n")
        self.rest = lines.pop()   # an unfinished line waits for the next read
        for line in lines:
            self._line(line.decode("utf-8", "replace"), now)
        self.out.flush()

    def _line(self, line, now):
        start = START.match(line)
        if start:
            url = start["url"]
            previous = self.current
            if previous and previous["status"] and 300 <= previous["status"] < 400:
                self.current = {"url": previous["url"], "final_url": url, "status": None, "type": None}
            else:
                self.current = {"url": url, "final_url": url, "status": None, "type": None}   # a retry starts anew
            return
        if self.current is None:
            return
        status = STATUS.search(line)
        if status:
            self.current["status"] = int(status["status"])
            return
        length = LENGTH.match(line)
        if length:
            self.current["type"] = length["type"]
            return
        saved = SAVED.search(line)
        if saved:
            self._record(int(saved["bytes"]), now)
            return
        error = ERROR.match(line)
        if error:
            self.current["status"] = int(error["status"])
            self._record(0, now)

    def _record(self, size, now):
        current, self.current = self.current, None
        if current["url"] == self.skip_url:
            return
        try:
            if urlsplit(current["final_url"]).path == "/robots.txt":
                return
        except ValueError:
            pass
        status, content_type = current["status"], current["type"] or ""
        self.out.write(json.dumps({"url": current["url"], "final_url": current["final_url"], "status": status,
                                   "content_type": content_type, "bytes": size, "fetch_ms": None,
                                   "t": round(now, 4)}) + "\n")
        self.records += 1
        if status == 200 and "html" in content_type.lower():
            self.pages += 1
