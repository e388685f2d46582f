#!/usr/bin/env bash
# Installs what the benchmarks need from the operating system: wrk, the HTTP load generator
# that benchmarks/api_load.py drives the server with.
set -euo pipefail
if command -v wrk >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "wrk is missing and apt-get is not available: install wrk" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing wrk (Debian package wrk)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
command -v wrk >/dev/null
