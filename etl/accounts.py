"""Local analyst accounts: salted scrypt hashes in .streamlit/secrets.toml (never in git).

    [analysts]
    siti = "scrypt$16384$8$1$<salt hex>$<hash hex>"

`python -m etl add-analyst NAME` asks for the password twice without echo
and writes (or replaces) the NAME line of the [analysts] table, leaving
the rest of the file, e.g. an [auth] section for OIDC, as it was.

Sign-in attempts are checked here too: every attempt is counted per name
before its password is verified, in data/signins.state.json (shared by
every session, process and restart; SignInGuard says how), each is written
to the audit log data/signins.log, a failure is answered more slowly each
time, and a name is locked for a while after too many failures.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from etl.settings import period_setting
from translations import translate

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRETS_ENV = "DASHBOARD_SECRETS"
DEFAULT_SECRETS = REPO_ROOT / ".streamlit" / "secrets.toml"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
MIN_PASSWORD_LENGTH = 10
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
FAILURE_DELAY_SECONDS = 0.5  # doubled after each failure, up to the cap
FAILURE_DELAY_CAP = 8.0
LOCK_AFTER_FAILURES = 8
LOCK_SECONDS = 15 * 60
FORGET_AFTER_SECONDS = 24 * 60 * 60  # an unlocked name not tried for this long starts again from 0
IDLE_ENV = "DASHBOARD_ANALYST_IDLE_MINUTES"  # a sign-in unused this long ends (dashboard.auth)
DEFAULT_IDLE_MINUTES = 30.0
MAX_TRACKED_NAMES = 10_000  # unlocked names kept in the state file, most recently tried first


def idle_minutes() -> float:
    """How long a sign-in lasts without an action (a bad or non-positive value: the default)."""
    return period_setting(IDLE_ENV, DEFAULT_IDLE_MINUTES, zero_allowed=False)


def secrets_path() -> Path:
    return Path(os.environ.get(SECRETS_ENV) or DEFAULT_SECRETS)


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(digest.hex(), expected)


def read_accounts(path: Path | None = None) -> dict[str, str]:
    """name -> password hash, from the [analysts] table of the secrets file."""
    path = path or secrets_path()
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        table = tomllib.load(handle).get("analysts", {})
    return {str(name): str(value) for name, value in table.items() if isinstance(value, str)}


def write_account(name: str, password_hash: str, path: Path | None = None) -> None:
    """Add or replace one line of the [analysts] table; the rest of the file is kept as it is."""
    path = path or secrets_path()
    lines = path.read_text().splitlines() if path.exists() else []
    entry = f'{name} = "{password_hash}"'
    start = next((i for i, line in enumerate(lines) if line.strip() == "[analysts]"), None)
    if start is None:
        lines += ([""] if lines else []) + ["[analysts]", entry]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        existing = next((i for i in range(start + 1, end) if re.match(rf"^\s*{re.escape(name)}\s*=", lines[i])), None)
        if existing is None:
            lines.insert(end, entry)
        else:
            lines[existing] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(temporary, path)
    tomllib.loads(path.read_text())  # refuse to leave a file Streamlit cannot read


def add_analyst_interactive(name: str, path: Path | None, lang: str) -> int:
    """The add-analyst command: 0 done, 1 refused input, 2 usage error."""
    if not NAME_PATTERN.match(name):
        print(translate(lang, "accounts.bad_name"), file=sys.stderr)
        return 2
    first = getpass.getpass(translate(lang, "accounts.password_prompt", name=name))
    if len(first) < MIN_PASSWORD_LENGTH:
        print(translate(lang, "accounts.too_short", minimum=MIN_PASSWORD_LENGTH), file=sys.stderr)
        return 1
    if getpass.getpass(translate(lang, "accounts.password_again")) != first:
        print(translate(lang, "accounts.mismatch"), file=sys.stderr)
        return 1
    write_account(name, hash_password(first), path)
    print(translate(lang, "accounts.saved", name=name, path=path or secrets_path()))
    return 0


@dataclass(frozen=True)
class Attempt:
    """What one sign-in attempt came to."""

    status: Literal["ok", "failed", "locked", "unavailable"]
    failures: int = 0  # failed attempts counted for the name, this one included
    locked_for: float = 0.0  # seconds before the name may try again (0 if it may)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class StateUnreadable(Exception):
    """The sign-in state file exists but cannot be read or does not hold what this module writes."""


@dataclass(frozen=True)
class SignInGuard:
    """Counts failed sign-ins per name on disk, slows each new failure and locks after too many.

    Where the count lives: ``signins.state.json`` next to the audit log
    (``data/signins.log``), created 0600 and replaced atomically (temporary
    file, fsync, rename). Every read and write holds an exclusive
    ``fcntl.flock`` on ``signins.state.lock``, so every session (thread),
    every Streamlit server sharing ``data/`` and every restart sees one count
    per name. Lock expiry is wall-clock time (``time.time()``), which survives
    a restart; a clock set back lengthens a lock by as much, never beyond
    ``lock_seconds`` from now.

    Atomic: an attempt is reserved before its password is verified. Under the
    lock a locked name is refused without verifying anything; otherwise its
    count goes up by one and reaching ``LOCK_AFTER_FAILURES`` sets the lock.
    Only then is the password verified (scrypt, outside the lock), and a right
    one sets the count back to 0 and lifts the lock. However many attempts run
    at once, a name gets at most ``LOCK_AFTER_FAILURES`` verifications before
    it is locked, and one more each time the lock runs out (the count stays
    at the limit until a right password) — a right password while locked is
    refused too. A failure is then answered after a delay that doubles with
    the count, up to ``FAILURE_DELAY_CAP``.

    Names that cannot be account names (``NAME_PATTERN``) share one counter,
    as they share one spelling in the log. A name neither locked nor tried for
    ``FORGET_AFTER_SECONDS`` is forgotten, and at most ``MAX_TRACKED_NAMES``
    unlocked names are kept (the least recently tried go first), so guessing
    many names cannot grow the file without bound; a locked name is never
    forgotten before its lock runs out.

    Decision — a state file that cannot be read or parsed fails closed. Were
    it treated as empty, whoever can spoil the file (or a disk that loses it)
    would reset every count silently. So every attempt is refused without
    verifying any password, status "unavailable", each refusal writes a
    ``state-unreadable`` line to the audit log, and the error is logged with
    the path. Sign-in stays refused until an administrator repairs the file or
    deletes it, a reset made on purpose by someone who can already write to
    ``data/``. A missing file is a fresh start (first run), not corruption.
    The audit log is only appended to and never read back: it is the record,
    not the count.
    """

    log_path: Path
    lock_seconds: float = LOCK_SECONDS
    delay_seconds: float = FAILURE_DELAY_SECONDS
    verify: Callable[[str, str], bool] = verify_password

    @property
    def state_path(self) -> Path:
        return self.log_path.with_name(f"{self.log_path.stem}.state.json")

    @property
    def lock_path(self) -> Path:
        return self.log_path.with_name(f"{self.log_path.stem}.state.lock")

    # -- asking -----------------------------------------------------------

    def locked_for(self, name: str) -> float:
        """Seconds left before this name may try again (0 if it may; ``lock_seconds`` while unreadable)."""
        try:
            with self._locked():
                entry = self._read().get(_key(name))
        except StateUnreadable:
            return float(self.lock_seconds)
        return self._remaining(entry, time.time())

    def failures(self, name: str) -> int:
        """Failed attempts counted for this name since its last right password."""
        try:
            with self._locked():
                entry = self._read().get(_key(name))
        except StateUnreadable:
            return 0
        return int(entry["failures"]) if entry else 0

    def check(self, name: str, password: str, accounts: dict[str, str]) -> bool:
        """True when the password is right and the name not locked (see ``attempt``)."""
        return self.attempt(name, password, accounts).ok

    def attempt(self, name: str, password: str, accounts: dict[str, str]) -> Attempt:
        """Reserve an attempt, verify the password, and count, log and slow down a failure."""
        reserved = self._reserve(name)
        if reserved.status != "failed":  # locked or unavailable: no password is verified
            self._log(name, reserved.status, reserved.failures)
            return reserved
        stored = accounts.get(name)
        # A missing name costs the same hashing time as a wrong password.
        ok = self.verify(password, stored or _dummy_hash()) and stored is not None
        if ok:
            try:
                self._update(name, lambda entry, now: None)
            except StateUnreadable:
                self._log(name, "unavailable", reserved.failures)
                return Attempt("unavailable", reserved.failures, float(self.lock_seconds))
            self._log(name, "ok", 0)
            return Attempt("ok")
        self._log(name, "failed", reserved.failures)
        doublings = min(reserved.failures - 1, 16)  # a count kept for weeks must not overflow a float
        time.sleep(min(FAILURE_DELAY_CAP, self.delay_seconds * 2**doublings))
        return reserved

    # -- the count on disk ----------------------------------------------

    def _reserve(self, name: str) -> Attempt:
        """Under the lock: refuse a locked name, else count this attempt as a failure until proved right."""
        outcome: list[Attempt] = []

        def count(entry: dict | None, now: float) -> dict | None:
            remaining = self._remaining(entry, now)
            if entry and remaining > 0:
                outcome.append(Attempt("locked", int(entry["failures"]), remaining))
                return entry  # unchanged: nothing is written
            entry = dict(entry or {"failures": 0, "locked_until": 0.0})
            entry["failures"] = int(entry["failures"]) + 1
            entry["last"] = now
            if entry["failures"] >= LOCK_AFTER_FAILURES:
                entry["locked_until"] = now + self.lock_seconds
            outcome.append(Attempt("failed", entry["failures"], self._remaining(entry, now)))
            return entry

        try:
            self._update(name, count)
        except StateUnreadable:
            return Attempt("unavailable", 0, float(self.lock_seconds))
        return outcome[0]

    def _update(self, name: str, change: Callable[[dict | None, float], dict | None]) -> None:
        """Read, change one name's entry (None removes it) and write back, all under the exclusive lock."""
        with self._locked():
            names = self._read()
            now = time.time()
            key = _key(name)
            current = names.get(key)
            entry = change(current, now)
            if entry is current:
                return
            if entry is None:
                names.pop(key)
            else:
                names[key] = entry
            self._write(self._pruned(names, now))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive flock on the lock file: one holder across threads and processes."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the flock

    def _read(self) -> dict[str, dict]:
        """name -> {"failures", "locked_until", "last"}; raises StateUnreadable (and says so) when spoilt."""
        try:
            text = self.state_path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise self._unreadable(type(error).__name__) from error
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as error:
            raise self._unreadable("not JSON") from error
        names = data.get("names") if isinstance(data, dict) and data.get("version") == _STATE_VERSION else None
        if not isinstance(names, dict) or not all(_valid_entry(entry) for entry in names.values()):
            raise self._unreadable("unexpected content")
        return names

    def _unreadable(self, reason: str) -> StateUnreadable:
        _logger.error("Sign-in refused for every name: %s is unreadable (%s). Repair or delete it to allow "
                      "sign-in again (deleting resets every failure count).", self.state_path, reason)
        self._append_log(f"{_stamp()}\t-\tstate-unreadable\t0\n")
        return StateUnreadable(reason)

    def _write(self, names: dict[str, dict]) -> None:
        temporary = self.state_path.with_name(f".{self.state_path.name}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump({"version": _STATE_VERSION, "names": names}, handle, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.state_path)

    def _pruned(self, names: dict[str, dict], now: float) -> dict[str, dict]:
        """Without names idle for a day, and with at most MAX_TRACKED_NAMES unlocked ones."""
        locked = {key: entry for key, entry in names.items() if self._remaining(entry, now) > 0}
        recent = sorted(((key, entry) for key, entry in names.items()
                         if key not in locked and now - float(entry.get("last", 0.0)) < FORGET_AFTER_SECONDS),
                        key=lambda item: float(item[1].get("last", 0.0)), reverse=True)
        return locked | dict(recent[:MAX_TRACKED_NAMES])

    def _remaining(self, entry: dict | None, now: float) -> float:
        if not entry:
            return 0.0
        return min(float(self.lock_seconds), max(0.0, float(entry["locked_until"]) - now))

    # -- the audit log ------------------------------------------------------

    def _log(self, name: str, status: str, failures: int) -> None:
        shown = _key(name)  # no log injection
        self._append_log(f"{_stamp()}\t{shown}\t{status}\t{failures}\n")

    def _append_log(self, line: str) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a") as handle:
            handle.write(line)


_STATE_VERSION = 1
_NOT_A_NAME = "<not an account name>"
_logger = logging.getLogger(__name__)


@cache
def _dummy_hash() -> str:
    """What an unknown name is checked against, so that it costs the same time as a wrong password."""
    return hash_password("", b"\0" * 16)


def _key(name: str) -> str:
    """The name as counted and logged: itself, or one shared spelling for what cannot be an account name."""
    return name if NAME_PATTERN.match(name) else _NOT_A_NAME


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _valid_entry(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    failures, locked_until, last = entry.get("failures"), entry.get("locked_until"), entry.get("last", 0.0)
    return (isinstance(failures, int) and not isinstance(failures, bool) and failures >= 0
            and all(isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
                    for value in (locked_until, last)))
