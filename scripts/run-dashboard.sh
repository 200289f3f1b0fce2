#!/usr/bin/env bash
# Set up (first time) and start the dashboard on the bundled sample data.
# Usage: bash scripts/run-dashboard.sh [extra streamlit options]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-venv.sh requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
