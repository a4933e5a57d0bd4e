#!/bin/sh
# Install Debian's Chromium for the browser tests when it is missing and we are root.
# Playwright drives it at /usr/bin/chromium; no browser is downloaded at test time.
set -e
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "chromium is missing: run 'sudo apt-get install -y chromium' (browser tests will skip)" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
