"""The command line, run as `python -m etl --lang en ARGS`: in this process, or in one of its own."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys

import pytest

from etl.cli import main
from tests.paths import REPO_ROOT


def run_cli(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI called in this process: its exit code, stdout and stderr.

    The CLI reads its environment (DASHBOARD_DB, ...) when called, not at import, so ``env_extra``
    is set for the call only. An exception escapes (the test fails) where the process would have
    printed a traceback and exited 1. Tests that need a process of their own use run_cli_process.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    with (pytest.MonkeyPatch.context() as patch, contextlib.chdir(REPO_ROOT),
          contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr)):
        for name, value in (env_extra or {}).items():
            patch.setenv(name, value)
        try:
            code = main(["--lang", "en", *args])
        except SystemExit as exit_:  # argparse's usage error (2)
            code = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
    return subprocess.CompletedProcess(["python", "-m", "etl", "--lang", "en", *args], code,
                                       stdout.getvalue(), stderr.getvalue())


def run_cli_process(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own: for a kill, locks between processes, or the `-m etl` entry."""
    return subprocess.run([sys.executable, "-m", "etl", "--lang", "en", *args], cwd=REPO_ROOT,
                          env={**os.environ, **(env_extra or {})}, capture_output=True, text=True, timeout=120)
