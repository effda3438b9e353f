#!/usr/bin/env bash
# Makes Debian's wget available as /usr/bin/wget, installing the wget package with apt when missing.
# Exit 0 when it is usable, 1 otherwise (the reason is the last line on stderr). Every step is bounded.
set -uo pipefail
have_wget() { /usr/bin/wget --version >/dev/null 2>&1; }
have_wget && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "wget: apt-get is not available, cannot install wget" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "wget: installing wget with apt-get (once per machine)" >&2
if ! timeout 900 apt-get install -y -q wget; then
  echo "wget: install failed; running apt-get update and trying again" >&2
  timeout 300 apt-get update -q || true
  timeout 900 apt-get install -y -q wget || true
fi
if have_wget; then exit 0; fi
echo "wget: the wget package could not be installed (see the apt-get output above)" >&2
exit 1
