#!/usr/bin/env python3
"""Regenerates docs/configuration.md from the modules' reference.conf files (their comments are the docs).

Run from the repository root: python3 docs/configuration.py > docs/configuration.md
A test (ConfigurationDocTest) fails when a key of the reference is missing from the page.
"""
import re
import sys
from pathlib import Path

MODULES = ["core", "fetch", "parse", "engine", "store", "admin", "cluster", "cli"]
SKIP_PREFIXES = ["spindle.dispatchers."]
NOTES = {
    "admin": "These keys configure the service (`spindle serve`, docs/admin-api.md): set them in `application.conf` "
             "or with `serve --set`. A job submitted to the service cannot set them (nor `pekko.*` or "
             "`spindle.dispatchers.*`, which configure the one actor system that all its jobs share).",
}


def entries(text):
    path, comments, out = [], [], []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            comments = []
            continue
        if line.startswith("#"):
            comments.append(line.lstrip("#").strip())
            continue
        if line == "}":
            path.pop()
            comments = []
            continue
        opened = re.match(r'^([\w.\-"]+)\s*\{$', line)
        if opened:
            path.append(opened.group(1).strip('"'))
            comments = []
            continue
        assigned = re.match(r'^([\w.\-"]+)\s*=\s*(.*)$', line)
        if assigned:
            key = ".".join(path + [assigned.group(1).strip('"')])
            out.append((key, assigned.group(2).strip(), " ".join(comments)))
            comments = []
    return out


def main():
    root = Path(__file__).resolve().parent.parent
    print("# Configuration\n")
    print("Every key Spindle reads, with its default and what it does. Set keys in a job file (HOCON), in the")
    print("operator's `application.conf` at the root (defaults for every job), or on the command line with")
    print("`--set key=value`; the most specific wins: `--set`, then the job file, then `application.conf`, then these")
    print("defaults. Durations take HOCON units (`500ms`, `30s`, `10m`), sizes take byte units (`512KiB`, `10MiB`).")
    print("A key that is not listed here is an error (exit code 2, with the nearest real key suggested).\n")
    print("This page is generated from the modules' `reference.conf` files by `docs/configuration.py`.\n")
    for module in MODULES:
        conf = root / "modules" / module / "src/main/resources/reference.conf"
        rows = [e for e in entries(conf.read_text()) if not any(e[0].startswith(p) for p in SKIP_PREFIXES)]
        if not rows:
            continue
        print(f"## From `modules/{module}`\n")
        if module in NOTES:
            print(NOTES[module] + "\n")
        print("| key | default | meaning |")
        print("|---|---|---|")
        for key, default, comment in rows:
            print(f"| `{key}` | `{default.replace('|', '&#124;')}` | {comment.replace('|', '&#124;')} |")
        print()
    print("## Dispatchers\n")
    print("`spindle.dispatchers.parse`, `spindle.dispatchers.blocking-io` and `spindle.dispatchers.store` are Pekko")
    print("dispatcher sections (see Pekko's dispatcher documentation): parsing runs on `parse` (one thread per core),")
    print("output writes on `blocking-io`, frontier calls on `store`. Their thread counts may be tuned like any Pekko")
    print("dispatcher; keys under them are not checked against this page.")


if __name__ == "__main__":
    sys.exit(main())
