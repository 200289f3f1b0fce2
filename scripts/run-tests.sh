#!/usr/bin/env bash
# Set up (first time) and run every test: unit, AppTest and browser (Chromium) tests.
# Usage: bash scripts/run-tests.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-venv.sh requirements-dev.txt
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  # Browser tests drive Debian's Chromium (a test tool cannot download its own browser
  # here); the CJK font lets the Chinese pages render in screenshots.
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"
