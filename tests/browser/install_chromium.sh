#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium for the browser tests.
# Installs it with apt-get when it is missing and we are root; otherwise says what is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "chromium is missing at /usr/bin/chromium and cannot be installed here (needs root and apt-get)." >&2
if [ "${CI:-}" = "true" ]; then
  exit 1
fi
echo "browser tests will be skipped outside CI." >&2
