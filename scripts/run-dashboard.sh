#!/usr/bin/env bash
# Set up (first time) and start the dashboard on the bundled sample data.
# Usage: bash scripts/run-dashboard.sh [extra streamlit options]
# The first run says what it installs and how long that usually takes (scripts/setup-venv.sh);
# then the first thing Streamlit prints is the dashboard's address (.streamlit/config.toml,
# browser.serverAddress). DASHBOARD_VENV, DASHBOARD_DRY_RUN: see scripts/setup-venv.sh; a dry
# run stops before starting the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-venv.sh requirements.txt
echo "Starting the dashboard…"
if [ -n "${DASHBOARD_DRY_RUN:-}" ]; then
  echo "  dry run: would run: $VENV/bin/python -m streamlit run app.py${*:+ $*}"
  exit 0
fi
exec "$VENV/bin/python" -m streamlit run app.py "$@"
