#!/bin/sh
# Install the load generator the gateway bench prefers (Debian's wrk) when missing and root.
# Without it the bench falls back to an asyncio httpx client on the same cores (and says so).
set -e
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "wrk is missing: run 'sudo apt-get install -y wrk' (the gateway bench falls back to httpx)" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
