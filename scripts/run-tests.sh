#!/usr/bin/env bash
# Set up (first time) and run every test: unit, AppTest and browser (Chromium) tests.
# Usage: bash scripts/run-tests.sh [pytest options]
#
# The browser tests need two Debian packages. When one is missing, this script installs it
# without asking only when CI=true (.ci/run); otherwise it says which packages, why, and the
# command, and asks first. With no terminal to ask on it installs nothing and stops with
# exit status 3 before any test runs: browser tests are never skipped.
# For tests/test_scripts.py: DASHBOARD_CHROMIUM and DASHBOARD_CJK_FONT (the files that show
# the packages are installed), DASHBOARD_VENV and DASHBOARD_DRY_RUN (scripts/setup-venv.sh;
# a dry run installs nothing and stops before ruff and pytest).
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${DASHBOARD_CHROMIUM:-/usr/bin/chromium}"  # what tests/e2e/harness.py launches
CJK_FONT="${DASHBOARD_CJK_FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
MISSING_PACKAGES=3  # exit status when they stay missing

# Each missing package as "package<TAB>why it is needed<TAB>seconds its install usually takes
# here" (chromium with its libraries on a fresh machine: 17 s, docs NOTES; fonts-noto-cjk,
# 57 MB: download 2 s and unpack 4 s, measured 2026-11-29).
missing_system_packages() {
  if [ ! -x "$CHROMIUM" ]; then
    printf '%s\t%s\t%s\n' chromium "the browser tests drive Debian's Chromium ($CHROMIUM); a test tool cannot download its own browser here" 17
  fi
  if [ ! -f "$CJK_FONT" ]; then
    printf '%s\t%s\t%s\n' fonts-noto-cjk "a Chinese (CJK) font: without it the zh pages render as empty boxes in the browser tests and their screenshots ($CJK_FONT)" 8
  fi
}

# Installs the missing packages: without asking when CI=true, otherwise only after a yes.
ensure_system_packages() {
  local missing packages="" seconds=0 sudo="" name why usual answer
  missing="$(missing_system_packages)"
  if [ -z "$missing" ]; then return 0; fi
  echo "The browser tests need Debian packages that are not installed:"
  while IFS=$'\t' read -r name why usual; do
    echo "  - $name: $why"
    packages="$packages $name"; seconds=$((seconds + usual))
  done <<< "$missing"
  packages="${packages# }"
  if [ "$(id -u)" != 0 ]; then sudo="sudo "; fi
  local update="${sudo}apt-get update" install="${sudo}apt-get install -y $packages"
  echo "Command: $update && $install"
  echo "(usually about $seconds s here)"
  if [ "${CI:-}" = true ]; then
    echo "CI=true: installing without asking."
  elif [ -t 0 ]; then
    read -r -p "Install now? [y/N] " answer || answer=""
    case "$answer" in
      [yY]|[yY][eE][sS]) ;;
      *) echo "Nothing installed. Run the command above, then this one again (browser tests are never skipped)." >&2
         exit "$MISSING_PACKAGES" ;;
    esac
  else
    echo "Nothing installed: there is no terminal to ask on (stdin is not a terminal)." >&2
    echo "Run the command above yourself, or set CI=true to let this script install without asking;" \
         "then run this command again. Browser tests are never skipped." >&2
    exit "$MISSING_PACKAGES"
  fi
  if [ -n "${DASHBOARD_DRY_RUN:-}" ]; then
    echo "  dry run: would run: $update && $install"
    return 0
  fi
  if [ -n "$sudo" ] && ! command -v sudo > /dev/null; then
    echo "Not root and no sudo here: run as root: apt-get update && apt-get install -y $packages" >&2
    exit "$MISSING_PACKAGES"
  fi
  local log
  log="$(mktemp "${TMPDIR:-/tmp}/run-tests-apt.XXXXXX")"
  # shellcheck disable=SC2086  # $sudo and $packages split into words on purpose
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq $packages; } > "$log"; then
    echo "apt-get failed (its output: $log)." >&2
    exit "$MISSING_PACKAGES"
  fi
  if [ -n "$(missing_system_packages)" ]; then
    echo "Still missing after apt-get install: $(missing_system_packages | cut -f1 | tr '\n' ' ')(apt's output: $log)" >&2
    exit "$MISSING_PACKAGES"
  fi
  rm -f "$log"
  echo "Installed $packages."
}

ensure_system_packages  # first: a question belongs at the start, not after a minute of pip
source scripts/setup-venv.sh requirements-dev.txt
if [ -n "${DASHBOARD_DRY_RUN:-}" ]; then
  echo "dry run: stopping before ruff and pytest."
  exit 0
fi
"$VENV/bin/python" -m ruff check .
exec "$VENV/bin/python" -m pytest "$@"
