"""The README's two commands on a first run: scripts/run-dashboard.sh and scripts/run-tests.sh.

The scripts run for real in bash. What they would change on the machine is pointed at a
temporary folder instead: the files that show Debian's packages are installed
(DASHBOARD_CHROMIUM, DASHBOARD_CJK_FONT), the virtual environment (DASHBOARD_VENV, whose
`python` only records how it was called), and `apt-get`, `sudo` and `id` first on PATH
(they record their calls; `apt-get install` creates the files its packages would).
DASHBOARD_DRY_RUN=1 where the script itself must stop before installing.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
RUN_TESTS = REPO_ROOT / "scripts" / "run-tests.sh"
RUN_DASHBOARD = REPO_ROOT / "scripts" / "run-dashboard.sh"
MISSING_PACKAGES = 3  # run-tests.sh's exit status when packages stay missing

RECORDER = """#!/usr/bin/env bash
echo "{name} $*" >> "$FAKE_CALLS"
{action}
"""
# `apt-get install` "installs" by creating the file that shows each package is there.
APT_INSTALL = """for package in "$@"; do
  case "$package" in
    chromium) touch "$DASHBOARD_CHROMIUM"; chmod +x "$DASHBOARD_CHROMIUM" ;;
    fonts-noto-cjk) touch "$DASHBOARD_CJK_FONT" ;;
  esac
done"""


@dataclass
class Machine:
    """A temporary stand-in for the parts of the machine the scripts look at or change."""

    root: Path
    env: dict[str, str]

    @property
    def chromium(self) -> Path:
        return Path(self.env["DASHBOARD_CHROMIUM"])

    @property
    def font(self) -> Path:
        return Path(self.env["DASHBOARD_CJK_FONT"])

    @property
    def venv(self) -> Path:
        return Path(self.env["DASHBOARD_VENV"])

    def calls(self) -> list[str]:
        """The recorded calls of apt-get, sudo and the venv's python, in order."""
        path = Path(self.env["FAKE_CALLS"])
        return path.read_text().splitlines() if path.exists() else []

    def run(self, script: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run a script with stdin not a terminal; stdout and stderr together."""
        return subprocess.run(["bash", str(script), *args], cwd=REPO_ROOT, env={**self.env, **env},
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=30)

    def run_on_terminal(self, script: Path, typed: str, **env: str) -> tuple[int, str]:
        """Run a script with stdin a terminal on which `typed` has been typed."""
        controller, terminal = pty.openpty()
        try:
            os.write(controller, typed.encode())
            process = subprocess.run(["bash", str(script)], cwd=REPO_ROOT, env={**self.env, **env},
                                     stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, timeout=30)
        finally:
            os.close(terminal)
            os.close(controller)
        return process.returncode, process.stdout


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    """Chromium and the CJK font present, an up-to-date venv, fake apt-get/sudo/id; CI unset."""
    bin_dir = tmp_path / "bin"
    _executable(bin_dir / "apt-get", RECORDER.format(
        name="apt-get", action=f'if [ "$1" = install ]; then\n{APT_INSTALL}\nfi'))
    _executable(bin_dir / "sudo", RECORDER.format(name="sudo", action='exec "$@"'))
    _executable(bin_dir / "id", 'if [ "$1" = -u ]; then echo "${FAKE_UID:-0}"; else exec /usr/bin/id "$@"; fi\n')
    chromium = tmp_path / "usr" / "bin" / "chromium"
    _executable(chromium, "")
    font = tmp_path / "fonts" / "NotoSansCJK-Regular.ttc"
    font.parent.mkdir()
    font.write_text("")
    venv = tmp_path / "venv"
    _executable(venv / "bin" / "python", RECORDER.format(name="python", action=""))
    future = time.time() + 3600  # newer than any requirements file: nothing to install
    for requirements in ("requirements.txt", "requirements-dev.txt"):
        stamp = venv / f".installed-{requirements}"
        stamp.touch()
        os.utime(stamp, (future, future))
    env = {key: value for key, value in os.environ.items() if key not in {"CI", "DASHBOARD_DRY_RUN"}}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", FAKE_CALLS=str(tmp_path / "calls.log"),
               DASHBOARD_CHROMIUM=str(chromium), DASHBOARD_CJK_FONT=str(font), DASHBOARD_VENV=str(venv))
    return Machine(tmp_path, env)


def _pinned(requirements: str) -> int:
    return sum("==" in line.split("#")[0] for line in (REPO_ROOT / requirements).read_text().splitlines())


# -- the test command: Debian packages -------------------------------------------------


def test_tests_command_on_ci_installs_missing_packages_without_asking(machine: Machine) -> None:
    machine.chromium.unlink()
    result = machine.run(RUN_TESTS, "-q", CI="true", FAKE_UID="1000")
    assert result.returncode == 0, result.stdout
    assert "chromium: the browser tests drive Debian's Chromium" in result.stdout
    assert "Install now?" not in result.stdout
    assert "CI=true: installing without asking." in result.stdout
    # Not root: through sudo; only what is missing; then ruff and pytest run as usual.
    assert machine.calls() == ["sudo apt-get update -qq", "apt-get update -qq",
                               "sudo apt-get install -y -qq chromium", "apt-get install -y -qq chromium",
                               "python -m dashboard.bytecode", "python -m ruff check .", "python -m pytest -q"]


def test_tests_command_on_ci_dry_run_shows_the_command_and_runs_nothing(machine: Machine) -> None:
    machine.chromium.unlink()
    machine.font.unlink()
    result = machine.run(RUN_TESTS, CI="true", DASHBOARD_DRY_RUN="1")
    assert result.returncode == 0, result.stdout
    assert ("dry run: would run: apt-get update && apt-get install -y chromium fonts-noto-cjk"
            in result.stdout)
    assert "(usually about 25 s here)" in result.stdout
    assert "dry run: stopping before ruff and pytest." in result.stdout
    assert machine.calls() == []


@pytest.mark.parametrize("ci", [None, "false", "1"])
def test_tests_command_without_a_terminal_says_what_and_why_and_stops(machine: Machine, ci: str | None) -> None:
    machine.font.unlink()
    result = machine.run(RUN_TESTS, **({"CI": ci} if ci else {}))
    assert result.returncode == MISSING_PACKAGES, result.stdout
    assert "fonts-noto-cjk: a Chinese (CJK) font" in result.stdout
    assert "Command: apt-get update && apt-get install -y fonts-noto-cjk" in result.stdout
    assert "(usually about 8 s here)" in result.stdout
    assert "there is no terminal to ask on" in result.stdout
    assert "chromium:" not in result.stdout  # only what is missing
    assert machine.calls() == []  # neither apt-get nor the tests ran


def test_tests_command_on_a_terminal_asks_and_takes_no_for_an_answer(machine: Machine) -> None:
    machine.font.unlink()
    status, output = machine.run_on_terminal(RUN_TESTS, "\n", FAKE_UID="1000")
    assert status == MISSING_PACKAGES, output
    assert "Command: sudo apt-get update && sudo apt-get install -y fonts-noto-cjk" in output
    assert "Install now? [y/N]" in output
    assert "Nothing installed." in output
    assert machine.calls() == []


def test_tests_command_on_a_terminal_installs_after_yes(machine: Machine) -> None:
    machine.chromium.unlink()
    status, output = machine.run_on_terminal(RUN_TESTS, "y\n")
    assert status == 0, output
    assert output.index("Install now? [y/N]") < output.index("Installed chromium.")
    assert machine.calls() == ["apt-get update -qq", "apt-get install -y -qq chromium",
                               "python -m dashboard.bytecode", "python -m ruff check .", "python -m pytest"]


def test_tests_command_with_everything_present_says_nothing_about_installing(machine: Machine) -> None:
    result = machine.run(RUN_TESTS, "-q")
    assert result.returncode == 0, result.stdout
    assert "install" not in result.stdout.lower()
    assert "apt-get" not in result.stdout
    assert machine.calls() == ["python -m dashboard.bytecode", "python -m ruff check .", "python -m pytest -q"]


def test_tests_command_first_run_installs_the_test_tools_after_the_packages(machine: Machine) -> None:
    new_venv = machine.root / "new-venv"
    result = machine.run(RUN_TESTS, DASHBOARD_VENV=str(new_venv), DASHBOARD_DRY_RUN="1")
    assert result.returncode == 0, result.stdout
    assert (f"Installing {_pinned('requirements.txt') + _pinned('requirements-dev.txt')} pinned packages "
            "from requirements-dev.txt") in result.stdout
    assert "usually about 1½ minutes here" in result.stdout
    assert not new_venv.exists()


# -- the dashboard command --------------------------------------------------------------


def test_dashboard_command_first_run_says_what_it_installs_and_how_long(machine: Machine) -> None:
    new_venv = machine.root / "new-venv"
    result = machine.run(RUN_DASHBOARD, DASHBOARD_VENV=str(new_venv), DASHBOARD_DRY_RUN="1")
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == f"First run: setting up the Python environment in {new_venv}/ (once; later runs skip this)."
    assert re.fullmatch(rf"  Creating {re.escape(str(new_venv))} with Python 3\.\d+\.\d+ …", lines[1])
    assert lines[2] == (f"  Installing {_pinned('requirements.txt')} pinned packages from requirements.txt "
                        "and the packages they need; usually about a minute here.")
    assert f"  dry run: would run: {new_venv}/bin/python -m pip install -r requirements.txt" in lines
    assert f"  dry run: would run: {new_venv}/bin/python -m dashboard.bundles" in lines
    assert f"  dry run: would run: {new_venv}/bin/python -m dashboard.bytecode" in lines
    assert lines[-2:] == ["Starting the dashboard…", f"  dry run: would run: {new_venv}/bin/python -m streamlit "
                          "run app.py"]
    assert not new_venv.exists()


def test_dashboard_command_later_runs_start_at_once(machine: Machine) -> None:
    result = machine.run(RUN_DASHBOARD, "--server.port", "8599")
    assert result.returncode == 0, result.stdout
    assert result.stdout == "Starting the dashboard…\n"
    assert machine.calls() == ["python -m dashboard.bytecode", "python -m streamlit run app.py --server.port 8599"]


def test_an_update_compresses_streamlits_bundles_before_the_start(machine: Machine) -> None:
    """After pip installs (a requirements file changed), the bundles are compressed for new visitors."""
    (machine.venv / ".installed-requirements.txt").unlink()
    (machine.venv / ".installed-requirements-dev.txt").unlink()
    result = machine.run(RUN_DASHBOARD)
    assert result.returncode == 0, result.stdout
    assert machine.calls() == ["python -m pip install --progress-bar off --upgrade pip",
                               "python -m pip install --progress-bar off -r requirements.txt",
                               "python -m dashboard.bundles", "python -m dashboard.bytecode",
                               "python -m streamlit run app.py"]


def test_dashboard_address_is_the_first_thing_streamlit_prints(machine: Machine) -> None:
    """Real Streamlit with the project's config: its address comes first, no external-IP warning."""
    _executable(machine.venv / "bin" / "python", f'#!/usr/bin/env bash\nexec "{sys.executable}" "$@"\n')
    port = _free_port()
    env = {**machine.env, "DASHBOARD_DB": str(machine.root / "data" / "warehouse.duckdb"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(["bash", str(RUN_DASHBOARD), "--server.port", str(port), "--server.headless", "true"],
                               cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("URL" in line for line in seen):
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line.rstrip("\n"))
    finally:
        process.terminate()
        process.wait(timeout=10)
    said = [line.strip() for line in seen if line.strip()]
    assert said[:3] == ["Starting the dashboard…", "You can now view your Streamlit app in your browser.",
                        f"URL: http://localhost:{port}"], seen


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
