#!/usr/bin/env bash
# Set up (first time) and run every test: unit, AppTest and browser (Chromium) tests.
# Usage: bash scripts/run-tests.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-venv.sh requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  # Browser tests drive Debian's Chromium; a test tool cannot download its own browser here.
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"
