"""Local analyst accounts: salted scrypt hashes in .streamlit/secrets.toml (never in git).

    [analysts]
    siti = "scrypt$16384$8$1$<salt hex>$<hash hex>"

`python -m etl add-analyst NAME` asks for the password twice without echo
and writes (or replaces) the NAME line of the [analysts] table, leaving
the rest of the file, e.g. an [auth] section for OIDC, as it was.

Sign-in attempts are checked here too: every failure is counted per name
(in the process and in data/signins.log) and answered more slowly each
time, and a name is locked for a while after too many failures.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import hmac
import os
import re
import secrets
import sys
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0


@dataclass
class SignInGuard:
    """Counts failed sign-ins per name, slows each new failure and locks after too many."""

    log_path: Path | None = None
    _failures: dict[str, _Failures] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked_for(self, name: str) -> float:
        """Seconds left before this name may try again (0 if it may)."""
        with self._lock:
            state = self._failures.get(name)
            return max(0.0, state.locked_until - time.monotonic()) if state else 0.0

    def failures(self, name: str) -> int:
        with self._lock:
            state = self._failures.get(name)
            return state.count if state else 0

    def check(self, name: str, password: str, accounts: dict[str, str]) -> bool:
        """True when the password is right; a wrong one is counted, logged and answered slowly."""
        if self.locked_for(name) > 0:
            return False
        stored = accounts.get(name)
        # A missing name costs the same hashing time as a wrong password.
        ok = verify_password(password, stored or hash_password("", b"\0" * 16)) and stored is not None
        with self._lock:
            state = self._failures.setdefault(name, _Failures())
            if ok:
                state.count = 0
            else:
                state.count += 1
                if state.count >= LOCK_AFTER_FAILURES:
                    state.locked_until = time.monotonic() + LOCK_SECONDS
            count = state.count
        self._log(name, ok, count)
        if not ok:
            time.sleep(min(FAILURE_DELAY_CAP, FAILURE_DELAY_SECONDS * 2 ** (count - 1)))
        return ok

    def _log(self, name: str, ok: bool, failures: int) -> None:
        if self.log_path is None:
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        shown = name if NAME_PATTERN.match(name) else "<not an account name>"  # no log injection
        with open(self.log_path, "a") as handle:
            handle.write(f"{stamp}\t{shown}\t{'ok' if ok else 'failed'}\t{failures}\n")
