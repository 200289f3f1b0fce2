# shellcheck shell=bash
# Sourced by the run scripts: create .venv with Python 3.11+ and install a requirements file,
# saying what it does and how long that usually takes (the first install is a minute of
# silence otherwise). Re-installs only when a requirements file changed since the last
# install (stamp files), and after an install fills the cache of compressed bundles
# (dashboard/bundles.py). Sets VENV for the caller. Environment:
#   PYTHON             the Python that creates the venv (default python3)
#   DASHBOARD_VENV     where the venv lives (default .venv; tests/test_scripts.py points it elsewhere)
#   DASHBOARD_DRY_RUN  1: say what would be installed and install nothing
PYTHON="${PYTHON:-python3}"
VENV="${DASHBOARD_VENV:-.venv}"

# The number of pinned requirements in a file, following its `-r` includes.
_count_pins() {
  local file="$1" n=0 line include
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    case "$line" in
      "-r "*) include="${line#-r }"; include="${include// /}"
              n=$((n + $(_count_pins "$(dirname "$file")/$include"))) ;;
      *==*) n=$((n + 1)) ;;
    esac
  done < "$file"
  echo "$n"
}

# Shows pip's output compactly: on a terminal one line that counts the packages as pip
# collects them, elsewhere (CI logs) one line per phase; pip's errors as they come.
# Everything pip says is in the log (its warnings too: this machine's extra package
# indexes add one per package).
_pip_progress() {
  local n=0 line name version tty=""
  if [ -t 1 ]; then tty=1; fi
  while IFS= read -r line; do
    case "$line" in
      "Collecting "*|"Processing "*)
        n=$((n + 1))
        if [ "$n" = 1 ] && [ -z "$tty" ]; then echo "  Collecting packages …"; fi
        if [ -n "$tty" ]; then
          name="${line#* }"; name="${name%% *}"; name="${name##*/}"
          case "$name" in *.whl) IFS=- read -r name version _ <<< "$name"; name="$name $version" ;; esac
          printf '\r\033[K  collecting package %d: %s' "$n" "$name"
        fi ;;
      "Installing collected packages:"*)
        if [ -n "$tty" ]; then printf '\r\033[K'; fi
        echo "  Collected $n packages; unpacking them into $VENV/ …" ;;
      ERROR:*|error:*)
        if [ -n "$tty" ]; then printf '\r\033[K'; fi
        echo "  $line" ;;
    esac
  done
  if [ -n "$tty" ]; then printf '\r\033[K'; fi
}

_requirements="$1"
_stamp="$VENV/.installed-$(basename "$_requirements")"  # touched after each install of this file
_installed="$_stamp"  # what says when it was last installed
# requirements-dev.txt includes requirements.txt: its stamp stands for both.
if [ "$(basename "$_requirements")" = requirements.txt ] && [ -f "$VENV/.installed-requirements-dev.txt" ] \
    && [ "$VENV/.installed-requirements-dev.txt" -nt "$_stamp" ]; then
  _installed="$VENV/.installed-requirements-dev.txt"
fi
_new_venv=""
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)." >&2; exit 2; }
  _new_venv=1
fi
if [ -n "$_new_venv" ] || [ ! -f "$_installed" ] || [ "$_requirements" -nt "$_installed" ] \
    || [ requirements.txt -nt "$_installed" ]; then
  # How long this usually takes here, measured on 2026-11-29 on this project's 2-core
  # machines (shared with other work): `python3 -m venv` 6–14 s, then the pinned
  # requirements.txt 45–62 s, and requirements-dev.txt on top of it 14 s.
  if [ -n "$_new_venv" ]; then
    case "$(basename "$_requirements")" in
      requirements-dev.txt) _usual="about 1½ minutes" ;;
      *) _usual="about a minute" ;;
    esac
    echo "First run: setting up the Python environment in $VENV/ (once; later runs skip this)."
    echo "  Creating $VENV with $("$PYTHON" --version 2>&1) …"
  elif [ ! -f "$_installed" ]; then
    case "$(basename "$_requirements")" in
      requirements-dev.txt) _usual="about 15 s"
        if [ ! -f "$VENV/.installed-requirements.txt" ]; then _usual="about 1½ minutes"; fi ;;
      *) _usual="about a minute" ;;
    esac
    echo "Installing $_requirements into $VENV/ (once)."
  else
    _usual="a few seconds to a minute (by what changed)"
    echo "$_requirements changed since the last install: updating $VENV/."
  fi
  echo "  Installing $(_count_pins "$_requirements") pinned packages from $_requirements and the packages" \
       "they need; usually $_usual here."
  _log="$VENV/pip-install.log"
  if [ -n "${DASHBOARD_DRY_RUN:-}" ]; then
    if [ -n "$_new_venv" ]; then echo "  dry run: would run: $PYTHON -m venv $VENV"; fi
    echo "  dry run: would run: $VENV/bin/python -m pip install --upgrade pip"
    echo "  dry run: would run: $VENV/bin/python -m pip install -r $_requirements"
    echo "  dry run: would run: $VENV/bin/python -m dashboard.bundles"
  else
    _started=$SECONDS
    if [ -n "$_new_venv" ]; then "$PYTHON" -m venv "$VENV"; fi
    if ! "$VENV/bin/python" -m pip install --progress-bar off --upgrade pip > "$_log" 2>&1 \
       || ! "$VENV/bin/python" -m pip install --progress-bar off -r "$_requirements" 2>&1 \
            | tee -a "$_log" | _pip_progress; then
      echo "pip could not install $_requirements. Its last lines (all of them in $_log):" >&2
      tail -n 30 "$_log" >&2
      exit 1
    fi
    touch "$_stamp"
    echo "  Done in $((SECONDS - _started)) s (pip's full output: $_log)."
    # Streamlit's JavaScript compressed once per install (dashboard/bundles.py), so the server sends it
    # compressed from its first visitor on. Not needed to run: the server compresses it later by itself.
    "$VENV/bin/python" -m dashboard.bundles || true
  fi
fi
# The dashboard's own modules compiled before every start (dashboard/bytecode.py): with
# PYTHONDONTWRITEBYTECODE set, the server would compile them again at each start while its first
# visitor waits. Up-to-date files are only checked. Not needed to run: Python compiles them itself.
if [ -n "${DASHBOARD_DRY_RUN:-}" ]; then
  echo "  dry run: would run: $VENV/bin/python -m dashboard.bytecode"
else
  "$VENV/bin/python" -m dashboard.bytecode || true
fi
