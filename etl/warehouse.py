"""The DuckDB warehouse: immutable versions, one writer at a time, archived loads.

Why versions. DuckDB lets one process write a database file, and while it
does, no other process may even open the file read-only ("Could not set
lock"). A dashboard that keeps a reader open and an ETL command that writes
would block each other. So a published database file is never written
again:

- ``DASHBOARD_DB`` (default data/warehouse.duckdb) is a symbolic link to the
  current version, e.g. ``warehouse.versions/v000012.duckdb``.
- A load copies the current version to a new file nobody else knows about,
  writes the year there in one transaction, checkpoints and closes it, then
  publishes it by atomically replacing the link (rename(2)).
- Readers resolve the link and open that file read-only; they see the old
  version or the new one, never a half-loaded year, and never block a load.
  A killed load leaves only an unpublished file, removed by the next load.
- Writers are serialised by an exclusive lock on ``warehouse.lock`` (flock),
  so two analysts uploading at once get one after the other.

Every loaded file is archived by its SHA-256 under ``archive/`` before
anything is written, and the ``loads`` table records who loaded what, when,
and which load it replaced, so any earlier state of a year can be restored
by loading its archived file again.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import schema
from etl.privacy import load_or_create_key
from etl.problems import Problem, WorkbookRefused
from etl.validate import Validation, quote

REPO_ROOT = Path(__file__).resolve().parents[1]
DB_ENV = "DASHBOARD_DB"
DEFAULT_DB = REPO_ROOT / "data" / "warehouse.duckdb"
SAMPLE_DIR = REPO_ROOT / "data" / "sample"
VERSIONS_KEPT = 3
LOCK_TIMEOUT_SECONDS = 120.0
PAUSE_ENV = "DASHBOARD_TEST_PAUSE_BEFORE_PUBLISH"
# Every read-only connection of a process uses this configuration: DuckDB refuses
# a second connection to an open file with a different one. Two threads (the
# machine has two cores) and a memory cap that keeps the app small at 10M rows.
READER_CONFIG = {"threads": 2, "memory_limit": "384MB"}
_VERSION_NAME = re.compile(r"^v(\d{6})\.duckdb$")

LOADS_DDL = """
CREATE TABLE IF NOT EXISTS loads (
    load_id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    archive_path VARCHAR NOT NULL,
    rows_participants INTEGER NOT NULL,
    rows_activities INTEGER NOT NULL,
    rows_benefits INTEGER NOT NULL,
    rows_obstacles INTEGER NOT NULL,
    loaded_by VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    replaced_load_id INTEGER,
    restored_from_load_id INTEGER,
    is_sample BOOLEAN NOT NULL DEFAULT false
)
"""

Progress = Callable[..., None]  # progress(message_key, **params)


def _pause_for_tests() -> None:
    """Fault injection for tests/test_warehouse.py: hold a written, unpublished version.

    The test kills the process during this pause to prove that an interrupted
    load leaves the warehouse as it was.
    """
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        time.sleep(float(seconds))


def missing_columns(connection: duckdb.DuckDBPyConnection,
                    sheet: schema.Sheet) -> list[schema.Column | schema.DerivedColumn]:
    """Stored columns of the schema that the sheet's table does not have (yet)."""
    present = {row[0] for row in connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [sheet.name]).fetchall()}
    if not present:
        return []  # no table at all: CREATE TABLE makes it whole
    return [column for column in sheet.stored_columns if column.name not in present]


def refresh_first_years(connection: duckdb.DuckDBPyConnection) -> None:
    """Set participants.first_year: the earliest year each person (key and partner city) appears.

    Kept in the table so "returning applicants" is a plain filter on 10M rows
    instead of a self-join (measured: 5 s → well under a second). Only rows
    whose value changes are written: a new year's rows, and people whose first
    year moved because an earlier year was loaded or replaced.
    """
    connection.execute("""
        UPDATE participants SET first_year = f.first_year
        FROM (SELECT person_key, partner_city, min(year) AS first_year FROM participants
              GROUP BY person_key, partner_city) f
        WHERE participants.person_key = f.person_key AND participants.partner_city = f.partner_city
          AND participants.first_year IS DISTINCT FROM f.first_year""")


def database_path() -> Path:
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def table_ddl(sheet: schema.Sheet) -> str:
    """CREATE TABLE for a sheet, from the schema (private columns replaced by derived ones)."""
    columns = [f"{quote(column.name)} {column.kind.sql_type}" for column in sheet.stored_columns]
    columns.append("load_id INTEGER NOT NULL")
    return f"CREATE TABLE IF NOT EXISTS {quote(sheet.name)} ({', '.join(columns)})"


@dataclass(frozen=True)
class LoadResult:
    load_id: int
    year: int
    file_name: str
    rows: dict[str, int]
    replaced_load_id: int | None
    restored_from_load_id: int | None


@dataclass(frozen=True)
class PendingLoad:
    """A valid workbook ready to be written, with its clean tables."""

    validation: Validation
    tables: dict[str, pa.Table]
    archive_path: Path
    restored_from_load_id: int | None = None
    is_sample: bool = False

    @property
    def year(self) -> int:
        assert self.validation.year is not None
        return self.validation.year


class Warehouse:
    """The versioned warehouse around one DASHBOARD_DB path."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else database_path()
        self.directory = self.path.parent
        self.versions_dir = self.directory / f"{self.path.stem}.versions"
        self.archive_dir = self.directory / "archive"
        self.lock_path = self.directory / f"{self.path.stem}.lock"
        self.key_path = self.directory / "pseudonym.key"

    # -- reading ------------------------------------------------------------

    def current_file(self) -> Path | None:
        """The published version the link points to (None before the first load)."""
        if self.path.is_symlink():
            return (self.path.parent / os.readlink(self.path)).resolve()
        return self.path if self.path.exists() else None

    def exists(self) -> bool:
        current = self.current_file()
        return current is not None and current.exists()

    def data_version(self) -> str:
        """Changes with every published load; part of every cache key."""
        current = self.current_file()
        return current.stem if current is not None else "empty"

    def connect_reader(self) -> duckdb.DuckDBPyConnection:
        current = self.current_file()
        if current is None:
            raise FileNotFoundError(f"no warehouse at {self.path}")
        return duckdb.connect(str(current), read_only=True, config=READER_CONFIG)

    def history(self) -> list[dict[str, object]]:
        if not self.exists():
            return []
        with self.connect_reader() as connection:
            cursor = connection.execute("SELECT * FROM loads ORDER BY load_id DESC")
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def current_loads(self) -> dict[int, int]:
        """year -> load_id of the load that is live for that year."""
        if not self.exists():
            return {}
        with self.connect_reader() as connection:
            return dict(connection.execute("SELECT year, max(load_id) FROM loads GROUP BY year").fetchall())

    def pseudonym_key(self) -> bytes:
        return load_or_create_key(self.key_path)

    # -- writing ------------------------------------------------------------

    @contextmanager
    def writer_lock(self, progress: Progress | None = None,
                    timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
        """Exclusive lock serialising every writer (CLI and app, all processes)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as handle:
            deadline = time.monotonic() + timeout
            announced = False
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise WorkbookRefused(Problem("locked")) from None
                    if progress and not announced:
                        progress("progress_wait_lock")
                        announced = True
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def archive(self, source: Path, sha256: str, file_name: str) -> Path:
        """Keep the uploaded file by hash (idempotent, atomic) before anything is written."""
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        suffix = Path(file_name).suffix.lower() or ".bin"
        target = self.archive_dir / f"{sha256}{suffix}"
        if not target.exists():
            temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)
        return target

    def write(self, pending: list[PendingLoad], replace: bool, loaded_by: str | None = None,
              progress: Progress | None = None) -> list[LoadResult]:
        """Publish a new version holding these years; all of them or none."""
        loaded_by = loaded_by or getpass.getuser()
        with self.writer_lock(progress):
            self._remove_unpublished()
            current = self.current_file()
            live = self.current_loads()
            for load in pending:
                if load.year in live and not replace:
                    raise WorkbookRefused(Problem("year_exists",
                                                  params={"year": load.year, "load_id": live[load.year]}))
            if progress:
                progress("progress_write")
            target = self._next_version_path(current)
            try:
                if current is not None and current.exists():
                    shutil.copyfile(current, target)
                results = self._write_version(target, pending, live, loaded_by)
                _pause_for_tests()
                self._publish(target)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            self._remove_old_versions()
        return results

    def _write_version(self, target: Path, pending: list[PendingLoad], live: dict[int, int],
                       loaded_by: str) -> list[LoadResult]:
        results: list[LoadResult] = []
        with duckdb.connect(str(target)) as connection:
            connection.execute("BEGIN TRANSACTION")
            self._create_tables(connection)
            next_id = connection.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()[0][0]
            for offset, load in enumerate(pending):
                load_id = next_id + offset
                rows = {sheet.name: 0 for sheet in schema.SHEETS}
                for sheet in schema.SHEETS:
                    connection.execute(f"DELETE FROM {quote(sheet.name)} WHERE year = ?", [load.year])
                    table = load.tables.get(sheet.name)
                    if table is None:
                        continue
                    connection.register("incoming", table)
                    # Named columns: a table upgraded by ALTER TABLE has its new columns last.
                    names = ", ".join(quote(c.name) for c in sheet.stored_columns)
                    connection.execute(f"INSERT INTO {quote(sheet.name)} ({names}, load_id) "
                                       f"SELECT {names}, ? FROM incoming", [load_id])
                    connection.unregister("incoming")
                    rows[sheet.name] = table.num_rows
                raw = load.validation.raw
                connection.execute(
                    "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [load_id, load.year, raw.file_name, raw.sha256, load.archive_path.name,
                     rows["participants"], rows["activities"], rows["benefits"], rows["obstacles"],
                     loaded_by, dt.datetime.now(dt.UTC).replace(tzinfo=None), live.get(load.year),
                     load.restored_from_load_id, load.is_sample])
                results.append(LoadResult(load_id, load.year, raw.file_name, rows, live.get(load.year),
                                          load.restored_from_load_id))
            refresh_first_years(connection)
            connection.execute("COMMIT")
            connection.execute("CHECKPOINT")
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())
        return results

    def _create_tables(self, connection: duckdb.DuckDBPyConnection) -> None:
        for sheet in schema.SHEETS:
            connection.execute(table_ddl(sheet))
            for column in missing_columns(connection, sheet):
                # A warehouse from before a schema change gets the new column (filled below or empty).
                connection.execute(f"ALTER TABLE {quote(sheet.name)} ADD COLUMN {quote(column.name)} "
                                   f"{column.kind.sql_type}")
        connection.execute(LOADS_DDL)

    def outdated(self) -> bool:
        """True when the published version lacks a column the schema now describes."""
        if not self.exists():
            return False
        with self.connect_reader() as connection:
            return any(missing_columns(connection, sheet) for sheet in schema.SHEETS)

    def upgrade(self, progress: Progress | None = None) -> None:
        """Publish a version with the current schema's columns (no year changes)."""
        self.write([], replace=False, loaded_by="schema upgrade", progress=progress)

    def _next_version_path(self, current: Path | None) -> Path:
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        number = 0
        if current is not None:
            match = _VERSION_NAME.match(current.name)
            number = int(match.group(1)) if match else 0
        return self.versions_dir / f"v{number + 1:06d}.duckdb"

    def _publish(self, target: Path) -> None:
        """Point the link at the new version in one rename(2): readers see old or new."""
        link = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        os.symlink(os.path.relpath(target, self.path.parent), link)
        if self.path.exists() and not self.path.is_symlink():
            # A plain database file from before versioning: keep it as a version.
            shutil.move(self.path, self.versions_dir / "v000000.duckdb")
        os.replace(link, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _versions(self) -> list[Path]:
        if not self.versions_dir.exists():
            return []
        return sorted(p for p in self.versions_dir.iterdir() if _VERSION_NAME.match(p.name))

    def _remove_unpublished(self) -> None:
        """Files left by a load that was killed before publishing (called under the lock)."""
        current = self.current_file()
        for version in self._versions():
            if current is None or version.name > current.name:
                version.unlink(missing_ok=True)
        for leftover in self.directory.glob(f".{self.path.name}.*.tmp"):
            leftover.unlink(missing_ok=True)

    def _remove_old_versions(self) -> None:
        """Keep a few versions; a reader still on a removed one keeps its open file (POSIX)."""
        for version in self._versions()[:-VERSIONS_KEPT]:
            version.unlink(missing_ok=True)
            Path(f"{version}.wal").unlink(missing_ok=True)
