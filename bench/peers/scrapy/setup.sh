#!/usr/bin/env bash
# Makes Debian's Scrapy importable by /usr/bin/python3, installing python3-scrapy with apt when missing.
# Exit 0 when Scrapy is usable, 1 otherwise (the reason is the last line on stderr). Every step is bounded.
set -uo pipefail
have_scrapy() { /usr/bin/python3 -c 'import scrapy' >/dev/null 2>&1; }
have_scrapy && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "scrapy: apt-get is not available, cannot install python3-scrapy" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "scrapy: installing python3-scrapy with apt-get (once per machine)" >&2
if ! timeout 900 apt-get install -y -q python3-scrapy; then
  echo "scrapy: install failed; running apt-get update and trying again" >&2
  timeout 300 apt-get update -q || true
  timeout 900 apt-get install -y -q python3-scrapy || true
fi
if have_scrapy; then exit 0; fi
echo "scrapy: python3-scrapy could not be installed (see the apt-get output above)" >&2
exit 1
