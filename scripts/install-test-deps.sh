#!/usr/bin/env bash
# Installs what the test suite needs from the operating system: PostgreSQL server binaries and
# Chromium (for the end-to-end tests, driven by Playwright). The tests start and stop their own
# throw-away servers; nothing here starts a service.
set -euo pipefail

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; }

have_chromium() { command -v chromium >/dev/null; }

missing=()
have_postgres || missing+=(postgresql)
have_chromium || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "missing ${missing[*]} and apt-get is not available: install them" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing ${missing[*]} (Debian packages)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The postgresql package may start a cluster of its own; the tests don't use it.
have_postgres
have_chromium
