#!/usr/bin/env bash
# Installs what the test suite needs from the operating system: PostgreSQL server binaries.
# The tests start and stop their own throw-away server; nothing here starts a service.
set -euo pipefail

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; }

if have_postgres; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "PostgreSQL server binaries are missing and apt-get is not available: install PostgreSQL" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing PostgreSQL server (Debian package postgresql)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
# The package may start a cluster of its own; the tests don't use it.
have_postgres
