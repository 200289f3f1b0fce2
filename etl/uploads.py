"""Uploaded workbooks as received: owner-only, and only for the retention period (UU PDP 27/2022).

An uploaded workbook holds names and dates of birth. It is needed while the
analyst works on it — to check it, to annotate it with its problems — and,
for a short while after, to answer "which exact file was this?". It is not
needed to restore a load (snapshots do that, without personal data). So:

- every file uploaded through the app, accepted or refused, is kept under
  ``<warehouse dir>/uploads/<sha256>.xlsx`` (folder 0700, file 0600);
- it is deleted once older than the retention period: ``DASHBOARD_RAW_RETENTION_DAYS``
  (default 30) — by ``python -m etl purge``, and also on every app start and
  every load, so the rule holds without a scheduled job;
- the ``loads`` table keeps the file's SHA-256 for audit, which identifies
  the file without holding its content.

The command line reads the analyst's own file where it lies and keeps no
copy. Workbooks kept by an earlier release in ``archive/`` (readable by
everyone, kept forever) are moved here on first start, keeping their age.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

from etl.settings import period_setting
from etl.snapshots import private_directory, sha256_of, write_private

RETENTION_ENV = "DASHBOARD_RAW_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30.0


def retention_days() -> float:
    """The configured retention period in days (0: deleted at the next purge; a bad value: the default)."""
    return period_setting(RETENTION_ENV, DEFAULT_RETENTION_DAYS, zero_allowed=True)


@dataclass(frozen=True)
class Purged:
    removed: int
    kept: int
    days: float


class UploadStore:
    """Raw uploads of one warehouse directory."""

    def __init__(self, directory: Path):
        self.directory = directory

    def keep(self, file_name: str, content: bytes, sha256: str) -> Path:
        """Store an upload under its hash (0600 in a 0700 folder); a re-upload renews its age."""
        private_directory(self.directory)
        suffix = Path(file_name).suffix.lower() or ".bin"
        target = self.directory / f"{sha256}{suffix}"
        if target.exists():
            os.utime(target)
        else:
            write_private(target, content)
        return target

    def path_of(self, sha256: str) -> Path | None:
        if not self.directory.exists():
            return None
        return next((p for p in self.directory.iterdir() if p.stem == sha256 and not p.name.startswith(".")), None)

    def purge(self, days: float | None = None, now: float | None = None) -> Purged:
        """Delete uploads older than the retention period."""
        days = retention_days() if days is None else days
        if not self.directory.exists():
            return Purged(0, 0, days)
        cutoff = (time.time() if now is None else now) - days * 86400
        removed = kept = 0
        for path in self.directory.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
            else:
                kept += 1
        return Purged(removed, kept, days)

    def adopt_legacy(self, legacy_dir: Path) -> int:
        """Move workbooks an earlier release archived (world-readable, kept forever) here, keeping their age."""
        if not legacy_dir.exists():
            return 0
        private_directory(self.directory)
        moved = 0
        for path in legacy_dir.iterdir():
            if not path.is_file():
                continue
            if path.name.startswith("."):  # an interrupted copy of the old archive
                path.unlink(missing_ok=True)
                continue
            target = self.directory / path.name
            stat = path.stat()
            if sha256_of(path) != path.stem:
                # Not the file its name claims: kept for the audit trail, but under its real hash.
                target = self.directory / f"{sha256_of(path)}{path.suffix}"
            os.replace(path, target)
            os.chmod(target, 0o600)
            os.utime(target, (stat.st_atime, stat.st_mtime))
            moved += 1
        with contextlib.suppress(OSError):  # something else lives there: left alone
            legacy_dir.rmdir()
        return moved


def expires_at(path: Path, days: float | None = None) -> dt.datetime:
    """The moment (UTC) a kept upload is past its retention period: the next purge deletes it."""
    days = retention_days() if days is None else days
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC) + dt.timedelta(days=days)
