"""Sign-in lock-out: one count per name on disk, shared by sessions, processes and restarts (issue 9, item 8)."""

from __future__ import annotations

import json
import logging
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from etl import accounts as accounts_module
from etl.accounts import LOCK_AFTER_FAILURES, SignInGuard, hash_password, verify_password
from tests.paths import REPO_ROOT

RIGHT = "right password 1"
WRONG = "wrong guess"
PARALLEL = 16


class CountingVerify:
    """verify_password, counting how often a password is really checked."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, password: str, stored: str) -> bool:
        with self._lock:
            self.calls += 1
        return verify_password(password, stored)


@pytest.fixture(scope="module")
def accounts() -> dict[str, str]:
    return {"ani": hash_password(RIGHT)}


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "signins.log"


def fail_until_locked(guard: SignInGuard, accounts: dict[str, str]) -> None:
    for attempt in range(1, LOCK_AFTER_FAILURES + 1):
        result = guard.attempt("ani", WRONG, accounts)
        assert (result.status, result.failures) == ("failed", attempt)
    assert guard.locked_for("ani") > 0


def test_a_restart_keeps_the_count_and_the_lock(log_path: Path, accounts: dict[str, str]) -> None:
    fail_until_locked(SignInGuard(log_path, delay_seconds=0), accounts)
    verify = CountingVerify()
    after_restart = SignInGuard(log_path, delay_seconds=0, verify=verify)  # nothing shared but the files
    assert after_restart.failures("ani") == LOCK_AFTER_FAILURES
    assert after_restart.locked_for("ani") > 14 * 60
    refused = after_restart.attempt("ani", RIGHT, accounts)
    assert refused.status == "locked" and not refused.ok and refused.locked_for > 0
    assert verify.calls == 0, "a locked name is refused before its password is checked"
    for path in (after_restart.state_path, after_restart.lock_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert after_restart.state_path == log_path.with_name("signins.state.json")
    lines = log_path.read_text().splitlines()
    assert [line.split("\t")[2:] for line in lines[-2:]] == [["failed", "8"], ["locked", "8"]]


def test_sixteen_parallel_threads_get_at_most_eight_checks(log_path: Path, accounts: dict[str, str]) -> None:
    verify = CountingVerify()
    guard = SignInGuard(log_path, delay_seconds=0, verify=verify)
    start = threading.Barrier(PARALLEL)
    statuses: list[str] = []

    def sign_in() -> None:
        start.wait()
        statuses.append(guard.attempt("ani", WRONG, accounts).status)

    threads = [threading.Thread(target=sign_in) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert verify.calls == LOCK_AFTER_FAILURES
    assert sorted(statuses) == ["failed"] * LOCK_AFTER_FAILURES + ["locked"] * (PARALLEL - LOCK_AFTER_FAILURES)
    assert guard.failures("ani") == LOCK_AFTER_FAILURES


CHILD = """
import os, sys, time
from pathlib import Path
from etl.accounts import SignInGuard, verify_password
log, counter, ready, go, stored = sys.argv[1:6]

def counting(password, hashed):
    descriptor = os.open(counter, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(descriptor, b"checked\\n")
    os.close(descriptor)
    return verify_password(password, hashed)

guard = SignInGuard(Path(log), delay_seconds=0, verify=counting)
Path(ready).touch()
while not os.path.exists(go):
    time.sleep(0.001)
print(guard.attempt("ani", "wrong guess", {"ani": stored}).status)
"""


def test_sixteen_parallel_processes_get_at_most_eight_checks(log_path: Path, accounts: dict[str, str],
                                                             tmp_path: Path) -> None:
    """Like 16 sessions spread over Streamlit servers: nothing is shared but the files."""
    counter, go = tmp_path / "checks", tmp_path / "go"
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(log_path), str(counter), str(tmp_path / f"ready{i}"),
                                  str(go), accounts["ani"]], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
                for i in range(PARALLEL)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready*"))) < PARALLEL and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    outputs = [child.communicate(timeout=60) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _, err in outputs]
    statuses = sorted(out.strip() for out, _ in outputs)
    assert len(counter.read_text().splitlines()) == LOCK_AFTER_FAILURES
    assert statuses == ["failed"] * LOCK_AFTER_FAILURES + ["locked"] * (PARALLEL - LOCK_AFTER_FAILURES)
    failed = [line for line in log_path.read_text().splitlines() if line.split("\t")[2] == "failed"]
    assert len(failed) == LOCK_AFTER_FAILURES
    assert SignInGuard(log_path).failures("ani") == LOCK_AFTER_FAILURES


def test_the_lock_runs_out_and_one_more_failure_locks_again(log_path: Path, accounts: dict[str, str]) -> None:
    guard = SignInGuard(log_path, lock_seconds=0.5, delay_seconds=0)
    fail_until_locked(guard, accounts)
    assert guard.attempt("ani", RIGHT, accounts).status == "locked", "the right password is refused while locked"
    time.sleep(0.6)
    assert guard.locked_for("ani") == 0
    again = guard.attempt("ani", WRONG, accounts)
    assert (again.status, again.failures) == ("failed", LOCK_AFTER_FAILURES + 1) and again.locked_for > 0
    time.sleep(0.6)
    assert guard.check("ani", RIGHT, accounts)
    assert guard.failures("ani") == 0 and guard.locked_for("ani") == 0


def test_a_right_password_resets_the_count(log_path: Path, accounts: dict[str, str]) -> None:
    guard = SignInGuard(log_path, delay_seconds=0)
    for _ in range(LOCK_AFTER_FAILURES - 1):
        assert not guard.check("ani", WRONG, accounts)
    assert guard.failures("ani") == LOCK_AFTER_FAILURES - 1
    assert guard.check("ani", RIGHT, accounts)
    assert SignInGuard(log_path).failures("ani") == 0, "the reset is on disk"
    for _ in range(LOCK_AFTER_FAILURES - 1):
        assert not guard.check("ani", WRONG, accounts)
    assert guard.locked_for("ani") == 0
    assert guard.attempt("ani", WRONG, accounts).locked_for > 0


def test_the_delay_grows_with_each_failure(log_path: Path, accounts: dict[str, str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Each failure is answered after twice the delay of the one before (the sleeps asked for, not a clock)."""
    slept: list[float] = []
    monkeypatch.setattr(accounts_module.time, "sleep", slept.append)
    guard = SignInGuard(log_path, delay_seconds=0.05)
    for _ in range(3):
        assert not guard.check("ani", WRONG, accounts)
    assert slept == [0.05, 0.1, 0.2]


@pytest.mark.parametrize("spoilt", [b"{\"version\": 1, \"names\": {\"ani\": {\"fail", b"",
                                    b'{"version": 1, "names": {"ani": {"failures": -1, "locked_until": 0}}}',
                                    b'{"version": 1, "names": []}', b'{"names": {}}'])
def test_a_spoilt_state_file_refuses_everyone(log_path: Path, accounts: dict[str, str], spoilt: bytes,
                                              caplog: pytest.LogCaptureFixture) -> None:
    """Fail closed: a count that cannot be read is never taken for zero."""
    guard = SignInGuard(log_path, delay_seconds=0, verify=(verify := CountingVerify()))
    fail_until_locked(guard, accounts)
    guard.state_path.write_bytes(spoilt)
    with caplog.at_level(logging.ERROR, logger="etl.accounts"):
        for name in ("ani", "somebody"):
            refused = guard.attempt(name, RIGHT, accounts)
            assert refused.status == "unavailable" and refused.locked_for > 0
    assert verify.calls == LOCK_AFTER_FAILURES, "no password is checked while the count cannot be read"
    assert guard.locked_for("ani") > 0
    assert guard.state_path.read_bytes() == spoilt, "the spoilt file is left for the administrator"
    assert "signins.state.json is unreadable" in caplog.text
    assert "\t-\tstate-unreadable\t" in log_path.read_text()
    guard.state_path.unlink()  # the administrator's deliberate reset
    assert guard.check("ani", RIGHT, accounts)


def test_an_unreadable_state_file_refuses_everyone(log_path: Path, accounts: dict[str, str]) -> None:
    guard = SignInGuard(log_path, delay_seconds=0)
    assert not guard.check("ani", WRONG, accounts)
    guard.state_path.unlink()
    guard.state_path.mkdir()  # read_bytes() raises an OSError, as for a permission or disk error
    assert guard.attempt("ani", RIGHT, accounts).status == "unavailable"
    assert guard.locked_for("ani") > 0


def test_names_that_cannot_be_accounts_share_one_counter_and_one_spelling(log_path: Path,
                                                                          accounts: dict[str, str]) -> None:
    guard = SignInGuard(log_path, delay_seconds=0)
    assert not guard.check("evil\n2030-01-01T00:00:00Z\tani\tok\t0", WRONG, accounts)
    assert not guard.check("Not A Name!", WRONG, accounts)
    assert guard.failures("<anything else>") == 2
    assert guard.failures("ani") == 0
    assert set(json.loads(guard.state_path.read_text())["names"]) == {"<not an account name>"}
    assert [line.split("\t")[1:] for line in log_path.read_text().splitlines()] == [
        ["<not an account name>", "failed", "1"], ["<not an account name>", "failed", "2"]]


def test_a_count_kept_for_weeks_still_answers(log_path: Path, accounts: dict[str, str]) -> None:
    """One guess per lock period adds up; the doubling delay must not overflow (2 ** 2000 is no float)."""
    guard = SignInGuard(log_path, delay_seconds=1e-6)
    guard.state_path.parent.mkdir(parents=True)
    guard.state_path.write_text(json.dumps(
        {"version": 1, "names": {"ani": {"failures": 2000, "locked_until": 0.0, "last": time.time()}}}))
    result = guard.attempt("ani", WRONG, accounts)
    assert (result.status, result.failures) == ("failed", 2001) and result.locked_for > 0
