"""The DuckDB warehouse: immutable versions, one writer at a time, every load restorable.

This module is the one door to the warehouse file: every connection to it —
the app's readers, the writer, the preview's read-only attachment — is
opened here. (In-memory DuckDB connections that check a workbook are not
the warehouse and live with the validator.)

Why versions. DuckDB lets one process write a database file, and while it
does, no other process may even open the file read-only ("Could not set
lock"). A dashboard that keeps a reader open and an ETL command that writes
would block each other. So a published database file is never written
again:

- ``DASHBOARD_DB`` (default data/warehouse.duckdb) is a symbolic link to the
  current version, e.g. ``warehouse.versions/v000012.duckdb``.
- A change (a load, a restore, a schema upgrade) copies the current version
  to a new file nobody else knows about, writes there in one transaction,
  checkpoints and closes it, then publishes it by atomically replacing the
  link (rename(2)).
- Readers resolve the link and open that file read-only; they see the old
  version or the new one, never a half-loaded year, and never block a load.
- Every file of a version that was not published — the database and its
  ``.wal`` — is removed under the lock before the next change starts. (A
  load killed after COMMIT but before CHECKPOINT leaves a WAL; if it stayed,
  the next load, which reuses the version number, would replay it and the
  killed load would come back.)
- Writers are serialised by an exclusive lock on ``warehouse.lock`` (flock),
  so two analysts uploading at once get one after the other.

Every load's cleaned, pseudonymised tables are kept as a snapshot verified
by hash (etl.snapshots), and the ``loads`` table records who loaded what,
when, from which file (its SHA-256), from which snapshot, and which load it
replaced, so any earlier state of a year can be restored exactly.

Year totals. Beside each sheet's rows sits a derived table of their counts
per year and per value of each part a reader filters by (``YEAR_TOTALS``:
partner city, field, direction, status, ...), rebuilt from the rows in
every change's transaction, so it always counts the rows it is published
with. The pages' counts (dashboard.queries: the every-year summary, the
participation breakdown, the selection funnel, the returning applicants, the
downloads' row counts) sum these rows instead of scanning every row. A
version whose totals lack a column of the current definition is outdated,
and upgraded on start like a missing schema column.

Provisional years. A year's figures may be published before they are final
(as the Erasmus+ statistics mark the current and previous year), so each
year has a status, provisional or final, kept as a history in
``year_status``: one row per change (who, when, and the load that made it,
if any), never updated or deleted; the current status of a year is its
latest change (PROVISIONAL_YEARS_SQL), and a year without any change row —
every year loaded before this table existed — is final.

- Every load records the status it was loaded with: final unless the load
  says provisional (``python -m etl load --provisional``, the Upload
  page's checkbox). A replacement says again what it is; it does not
  inherit the status of the load it replaces.
- A restore keeps the status the year has now, unless it is asked for one
  (``restore(..., provisional=...)``): restoring earlier rows is a repair,
  not a statement that the figures became final or provisional again.
- ``finalise(year)`` appends a change (final, who, when, no load) and, like
  a load, publishes a new version through ``change()``, so the data version
  changes and every cache keyed on it and every reader follows. Finalising
  a year that is not loaded, or not provisional, is refused and writes
  nothing.

Fault injection (tests/test_warehouse.py): ``DASHBOARD_TEST_FAULT=<point>``
kills the process with SIGKILL at that point of a load, and
``DASHBOARD_TEST_PAUSE=<point>:<seconds>`` holds it there; the points are
FAULT_POINTS. Both are read only from the environment, which a deployment
does not set.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import os
import re
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb

from etl import schema
from etl.privacy import load_or_create_key
from etl.problems import Problem, WorkbookRefused
from etl.schema import quote
from etl.snapshots import Snapshot, SnapshotStore, private_directory
from etl.uploads import UploadStore

REPO_ROOT = Path(__file__).resolve().parents[1]
DB_ENV = "DASHBOARD_DB"
DEFAULT_DB = REPO_ROOT / "data" / "warehouse.duckdb"
SAMPLE_DIR = REPO_ROOT / "data" / "sample"
# Who the load history names for the bundled sample's loads (the pages say it in the reader's language).
SAMPLE_AUTHOR = "sample data"
VERSIONS_KEPT = 3
LOCK_TIMEOUT_SECONDS = 120.0
FAULT_ENV = "DASHBOARD_TEST_FAULT"
PAUSE_ENV = "DASHBOARD_TEST_PAUSE"
# The steps of a load at which tests kill it (SIGKILL) or hold it, in order.
FAULT_POINTS = ("after_archive", "during_write", "after_commit", "after_checkpoint", "after_publish")
# Every read-only connection of a process uses this configuration: DuckDB refuses
# a second connection to an open file with a different one. Two threads (the
# machine has two cores) and a memory cap that keeps the app small at 10M rows.
READER_CONFIG = {"threads": 2, "memory_limit": "384MB"}
# The writer's connection. No vacuum at checkpoint: DuckDB would merge the row groups a
# year's replacement leaves part-empty and rewrite every row group after them (measured on
# the 10M-row warehouse: the checkpoint after deleting one year 2.1-2.7 s, 0.3 s without).
# Row groups a replacement empties are dropped either way; the deleted rows of at most two
# part-empty ones per table stay unused in the file, as freed blocks do.
WRITER_CONFIG = {"max_vacuum_tasks": 0}
_VERSION_NAME = re.compile(r"^v(\d{6})\.duckdb$")
_VERSION_FILE = re.compile(r"^(v\d{6}\.duckdb)(\.wal|\.tmp)?$")

LOADS_COLUMNS = """
    load_id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    snapshot_sha256 VARCHAR,
    rows_participants INTEGER NOT NULL,
    rows_activities INTEGER NOT NULL,
    rows_benefits INTEGER NOT NULL,
    rows_obstacles INTEGER NOT NULL,
    loaded_by VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    replaced_load_id INTEGER,
    restored_from_load_id INTEGER,
    is_sample BOOLEAN NOT NULL DEFAULT false
"""
LOADS_DDL = f"CREATE TABLE IF NOT EXISTS loads ({LOADS_COLUMNS})"
LOADS_COLUMN_NAMES = tuple(line.split()[0] for line in LOADS_COLUMNS.strip().splitlines())
# The history of each year's status (see "Provisional years" above): appended to, never updated.
# load_id is the load that recorded the change, NULL for a change of its own (finalise).
YEAR_STATUS_DDL = """CREATE TABLE IF NOT EXISTS year_status (
    change_id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    provisional BOOLEAN NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    load_id INTEGER
)"""
# Each year's status now, its latest change: the one definition, used by the warehouse, the
# dashboard's queries and the downloads.
YEAR_STATUS_NOW_SQL = "SELECT year, arg_max(provisional, change_id) AS provisional FROM year_status GROUP BY year"
PROVISIONAL_YEARS_SQL = f"SELECT year FROM ({YEAR_STATUS_NOW_SQL}) WHERE provisional"
# Each sheet's rows totalled per year and per value of the parts of a reader's scope (partner city, field,
# direction) and of what the pages count by (status, stage, the participation breakdown's dimensions, an earlier
# application; see "Year totals" above). Every group of rows is one row here, NULLs included, so a filter on
# these columns keeps the same rows of the totals as it keeps of the rows. Measured at 10M participants: 20,563
# rows of participant totals, 0.50 s to rebuild them all per change (30 ms at 100k).


@dataclass(frozen=True)
class YearTotals:
    """A derived table: the rows of ``sheet`` counted per value of ``groups``, with ``measures`` (name -> SQL)."""

    sheet: str
    groups: dict[str, str]
    measures: dict[str, str]

    @property
    def table(self) -> str:
        return f"{self.sheet}_by_year"

    @property
    def columns(self) -> set[str]:
        """What the table holds, known without reading it (an upgrade compares them with the stored table's)."""
        return {*self.groups, *self.measures}

    def select(self) -> str:
        expressions = {**self.groups, **self.measures}
        return (f"SELECT {', '.join(f'{sql} AS {quote(name)}' for name, sql in expressions.items())} "
                f"FROM {quote(self.sheet)} GROUP BY ALL")


def _same(*names: str) -> dict[str, str]:
    return {name: quote(name) for name in names}


_COUNTED = {"row_count": "count(*)"}
YEAR_TOTALS: dict[str, YearTotals] = {totals.table: totals for totals in (
    YearTotals("participants", {**_same("year", "partner_city", "field", "direction", "status", "stage_reached",
                                        "gender", "origin", "institution_type"),
                                "applied_before": "first_year < year"}, _COUNTED),
    YearTotals("activities", _same("year", "partner_city", "field"),
               {**_COUNTED, **{name: f"sum({name})" for name in ("participants_jakarta", "participants_partner",
                                                                 "budget_idr")}}),
    YearTotals("benefits", _same("year", "partner_city", "field"), _COUNTED),
    YearTotals("obstacles", _same("year", "partner_city"),
               {**_COUNTED, "severity_sum": "sum(severity)", "severity_count": "count(severity)"}))}

Progress = Callable[..., None]  # progress(message_key, **params)
T = TypeVar("T")


def fault_point(point: str) -> None:
    """Fault injection for tests: die (or pause) here when the environment asks for it."""
    if os.environ.get(FAULT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
    pause = os.environ.get(PAUSE_ENV, "")
    if pause.startswith(f"{point}:"):
        time.sleep(float(pause.split(":", 1)[1]))


def missing_columns(connection: duckdb.DuckDBPyConnection,
                    sheet: schema.Sheet) -> list[schema.Column | schema.DerivedColumn]:
    """Stored columns of the schema that the sheet's table does not have (yet)."""
    return _missing_from(sheet, _table_columns(connection, sheet.name))


def _missing_from(sheet: schema.Sheet, present: set[str]) -> list[schema.Column | schema.DerivedColumn]:
    if not present:
        return []  # no table at all: CREATE TABLE makes it whole
    return [column for column in sheet.stored_columns if column.name not in present]


def _table_columns(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {row[0] for row in connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}


def _every_table_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """table -> its columns, for every table, in one lookup (an upgrade check asks about a dozen tables)."""
    tables: dict[str, set[str]] = {}
    for table, column in connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns").fetchall():
        tables.setdefault(table, set()).add(column)
    return tables


def refresh_first_years(connection: duckdb.DuckDBPyConnection, people: str | None = None) -> None:
    """Set participants.first_year: the earliest year each person (key and partner city) appears.

    Kept in the table so "returning applicants" is a plain filter on 10M rows
    instead of a self-join (measured: 5 s → well under a second). Only rows
    whose value changes are written: a new year's rows, and people whose first
    year moved because an earlier year was loaded or replaced. ``people`` names
    a table of the (person_key, partner_city) whose rows were added or removed:
    no one else's first year can have moved, so only theirs are recomputed
    (measured on 10M rows: 3.8 s for everyone).
    """
    scope = "" if people is None else f"SEMI JOIN {quote(people)} USING (person_key, partner_city)"
    # Rows are matched by rowid, not by the two text keys again (measured on 10M rows,
    # replacing a year: 1.3-1.6 s joined on the keys, 0.9-1.1 s by rowid). A row without
    # either key has no person to follow: its first year stays empty.
    connection.execute(f"""
        UPDATE participants SET first_year = f.first_year
        FROM (SELECT rowid AS row_id, first_year AS stored,
                     min(year) OVER (PARTITION BY person_key, partner_city) AS first_year
              FROM participants {scope}
              WHERE person_key IS NOT NULL AND partner_city IS NOT NULL) f
        WHERE participants.rowid = f.row_id AND f.stored IS DISTINCT FROM f.first_year""")


def refresh_year_totals(connection: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every YEAR_TOTALS table from the rows (inside the change's transaction)."""
    for table, totals in YEAR_TOTALS.items():
        connection.execute(f"CREATE OR REPLACE TABLE {quote(table)} AS {totals.select()}")


def year_statuses(connection: duckdb.DuckDBPyConnection) -> dict[int, bool]:
    """year -> provisional, by each year's latest change (years without a change are final: absent here)."""
    if not _table_columns(connection, "year_status"):
        return {}  # a warehouse of an older release, before it is upgraded: every year is final
    return dict(connection.execute(YEAR_STATUS_NOW_SQL).fetchall())


def _record_status(connection: duckdb.DuckDBPyConnection, year: int, provisional: bool, changed_by: str,
                   changed_at: dt.datetime, load_id: int | None) -> StatusChange:
    change_id = connection.execute("SELECT coalesce(max(change_id), 0) + 1 FROM year_status").fetchall()[0][0]
    connection.execute("INSERT INTO year_status VALUES (?, ?, ?, ?, ?, ?)",
                       [change_id, year, provisional, changed_by, changed_at, load_id])
    return StatusChange(change_id, year, provisional, changed_by, changed_at, load_id)


def _finalise_refusal(connection: duckdb.DuckDBPyConnection, year: int) -> Problem | None:
    """Why ``year`` cannot be finalised (not loaded, or not provisional), or None."""
    if not connection.execute("SELECT count(*) FROM loads WHERE year = ?", [year]).fetchall()[0][0]:
        return Problem("year_not_loaded", params={"year": year})
    if not year_statuses(connection).get(year, False):
        return Problem("year_not_provisional", params={"year": year})
    return None


def _now() -> dt.datetime:
    """UTC, without a time zone (the warehouse's TIMESTAMP columns are UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def database_path() -> Path:
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def table_ddl(sheet: schema.Sheet) -> str:
    """CREATE TABLE for a sheet, from the schema (private columns replaced by derived ones)."""
    columns = [f"{quote(column.name)} {column.kind.sql_type}" for column in sheet.stored_columns]
    columns.append("load_id INTEGER NOT NULL")
    return f"CREATE TABLE IF NOT EXISTS {quote(sheet.name)} ({', '.join(columns)})"


def snapshot_columns(sheet: schema.Sheet) -> list[str]:
    """The columns a snapshot holds: what the workbook gave, not what the warehouse derives across years."""
    return [column.name for column in sheet.stored_columns if not getattr(column, "across_years", False)]


@dataclass(frozen=True)
class LoadResult:
    load_id: int
    year: int
    file_name: str
    rows: dict[str, int]
    replaced_load_id: int | None
    restored_from_load_id: int | None
    provisional: bool = False  # the status the load recorded for its year
    was_provisional: bool = False  # the year's status just before the load


@dataclass(frozen=True)
class StatusChange:
    """One row of ``year_status``: a year became provisional or final."""

    change_id: int
    year: int
    provisional: bool
    changed_by: str
    changed_at: dt.datetime
    load_id: int | None


@dataclass(frozen=True)
class PendingLoad:
    """One year ready to be written: its verified snapshot, where it came from, and its status.

    ``provisional`` None keeps the status the year has now (a restore); a
    new load says final (False) or provisional (True).
    """

    snapshot: Snapshot
    restored_from_load_id: int | None = None
    is_sample: bool = False
    provisional: bool | None = False

    @property
    def year(self) -> int:
        return self.snapshot.year


@dataclass(frozen=True)
class Emptied:
    """A sheet whose every row of a year a replacement would remove."""

    year: int
    sheet: str
    rows: int


def emptied_sheets(current_rows: dict[str, int], incoming_rows: dict[str, int], year: int) -> list[Emptied]:
    return [Emptied(year, sheet.name, current_rows.get(sheet.name, 0)) for sheet in schema.SHEETS
            if current_rows.get(sheet.name, 0) > 0 and incoming_rows.get(sheet.name, 0) == 0]


class _SheetsWithRows:
    """Message parameter: 'obstacles (7 rows)' in the reader's language."""

    def __init__(self, emptied: list[Emptied]):
        self.emptied = emptied

    def __call__(self, lang: str) -> str:
        from translations import format_list, format_number, translate

        return format_list((translate(lang, "problem.sheet_rows", quantity=e.rows,
                                      sheet=schema.SHEETS_BY_NAME[e.sheet].label(lang), code=e.sheet,
                                      count=format_number(e.rows, lang)) for e in self.emptied), lang)


def emptying_refused(emptied: list[Emptied]) -> WorkbookRefused:
    return WorkbookRefused(Problem(
        "replace_empties_sheet", sheet=emptied[0].sheet,
        params={"year": emptied[0].year, "sheets": _SheetsWithRows(emptied),
                # One flag per sheet: --allow-empty takes a single sheet each time it is given.
                "options": " ".join(f"--allow-empty {e.sheet}" for e in emptied)}))


@dataclass
class _ReaderCache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    connections: dict[str, tuple[Path, duckdb.DuckDBPyConnection]] = field(default_factory=dict)


_READERS = _ReaderCache()


def _referenced_snapshots(connection: duckdb.DuckDBPyConnection) -> set[str]:
    """The snapshots the loads of the version being written point at (the others can go once it is published)."""
    return {sha for (sha,) in connection.execute(
        "SELECT DISTINCT snapshot_sha256 FROM loads WHERE snapshot_sha256 IS NOT NULL").fetchall()}


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


@contextmanager
def _flushed_meanwhile(path: Path) -> Iterator[None]:
    """Write the copy of the current version to disk while the change runs, not in its commit.

    A copy of the 10M-row warehouse is half a gigabyte of dirty pages, which
    DuckDB's checkpoint at COMMIT would otherwise wait for. The final fsync
    before publishing still covers every write of the change.
    """
    failures: list[OSError] = []

    def flush() -> None:
        try:
            _fsync(path)
        except OSError as error:  # raised below: Linux reports a write error to one fsync only
            failures.append(error)

    thread = threading.Thread(target=flush, name="flush-copy", daemon=True)
    if path.exists():
        thread.start()
    try:
        yield
    finally:
        if thread.ident is not None:
            thread.join()
    if failures:
        raise failures[0]


class Warehouse:
    """The versioned warehouse around one DASHBOARD_DB path."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else database_path()
        self.directory = self.path.parent
        self.versions_dir = self.directory / f"{self.path.stem}.versions"
        self.legacy_archive_dir = self.directory / "archive"  # raw workbooks kept by releases before snapshots
        self.snapshots = SnapshotStore(self.directory / "snapshots")
        self.uploads = UploadStore(self.directory / "uploads")
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
        """A new read-only connection to the published version (close it when done)."""
        current = self.current_file()
        if current is None:
            raise FileNotFoundError(f"no warehouse at {self.path}")
        return duckdb.connect(str(current), read_only=True, config=READER_CONFIG)

    def shared_cursor(self) -> tuple[duckdb.DuckDBPyConnection, Path]:
        """A cursor of this process's read-only connection to the published version, and that version.

        One connection per process and version (opening one per script run would
        cost a file open and a catalogue read each time); a cursor per caller,
        because a DuckDB connection is not thread-safe and Streamlit runs each
        session in its own thread. After a load, the next call opens the new version.
        """
        current = self.current_file()
        if current is None or not current.exists():
            raise FileNotFoundError(f"no warehouse at {self.path}")
        key = str(self.path)
        with _READERS.lock:
            entry = _READERS.connections.get(key)
            if entry is None or entry[0] != current:
                # The previous version's connection is dropped, not closed: a run in
                # another thread may still be reading through its cursor.
                entry = (current, duckdb.connect(str(current), read_only=True, config=READER_CONFIG))
                _READERS.connections[key] = entry
            return entry[1].cursor(), current

    def attach_current(self, connection: duckdb.DuckDBPyConnection, alias: str = "warehouse") -> bool:
        """Attach the published version read-only to a scratch connection (False when there is none yet)."""
        current = self.current_file()
        if current is None or not current.exists():
            return False
        connection.execute(f"ATTACH $path AS {quote(alias)} (READ_ONLY)", {"path": str(current)})
        return True

    def history(self) -> list[dict[str, object]]:
        if not self.exists():
            return []
        with self.connect_reader() as connection:
            cursor = connection.execute("SELECT * FROM loads ORDER BY load_id DESC")
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def status_history(self) -> list[dict[str, object]]:
        """Every status change of every year, oldest first (empty for a warehouse not yet upgraded)."""
        if not self.exists():
            return []
        with self.connect_reader() as connection:
            if not _table_columns(connection, "year_status"):
                return []
            cursor = connection.execute("SELECT * FROM year_status ORDER BY change_id")
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def provisional_years(self) -> set[int]:
        """Loaded years whose figures are provisional now."""
        if not self.exists():
            return set()
        with self.connect_reader() as connection:
            return {year for year, provisional in year_statuses(connection).items() if provisional}

    def current_loads(self) -> dict[int, int]:
        """year -> load_id of the load that is live for that year."""
        if not self.exists():
            return {}
        with self.connect_reader() as connection:
            return dict(connection.execute("SELECT year, max(load_id) FROM loads GROUP BY year").fetchall())

    def year_rows(self, year: int) -> dict[str, int]:
        """Rows per sheet the published warehouse holds for ``year``."""
        if not self.exists():
            return {}
        with self.connect_reader() as connection:
            return self._year_rows(connection, year)

    @staticmethod
    def _year_rows(connection: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
        present = {row[0] for row in connection.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        return {sheet.name: connection.execute(f"SELECT count(*) FROM {quote(sheet.name)} WHERE year = ?",
                                               [year]).fetchall()[0][0]
                for sheet in schema.SHEETS if sheet.name in present}

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

    def write(self, pending: list[PendingLoad], replace: bool, loaded_by: str | None = None,
              progress: Progress | None = None, allow_empty: frozenset[str] = frozenset()) -> list[LoadResult]:
        """Publish a new version holding these years; all of them or none.

        Refused (WorkbookRefused, nothing written) when a year is loaded and
        ``replace`` is not asked, when a snapshot no longer matches its hash,
        and when a replacement would remove every row of a sheet the year
        holds, unless that sheet is named in ``allow_empty``.
        """
        loaded_by = loaded_by or getpass.getuser()
        for load in pending:
            load.snapshot.verify()

        def change(connection: duckdb.DuckDBPyConnection) -> list[LoadResult]:
            live = dict(connection.execute("SELECT year, max(load_id) FROM loads GROUP BY year").fetchall())
            for load in pending:
                if load.year in live and not replace:
                    raise WorkbookRefused(Problem("year_exists",
                                                  params={"year": load.year, "load_id": live[load.year]}))
                emptied = [e for e in emptied_sheets(self._year_rows(connection, load.year), load.snapshot.rows,
                                                     load.year) if e.sheet not in allow_empty]
                if emptied:
                    raise emptying_refused(emptied)
            if progress:
                progress("progress_write")
            return self._write_loads(connection, pending, live, loaded_by)

        return self.change(change, progress)

    def _write_loads(self, connection: duckdb.DuckDBPyConnection, pending: list[PendingLoad],
                     live: dict[int, int], loaded_by: str) -> list[LoadResult]:
        results: list[LoadResult] = []
        next_id = connection.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()[0][0]
        statuses = year_statuses(connection)
        # The people of the years written, before and after: the only ones whose first year can move.
        people = "people_written"
        collect = ("SELECT DISTINCT person_key, partner_city FROM participants "
                   "WHERE list_contains($years, year)")
        years = {"years": [load.year for load in pending]}
        connection.execute(f"CREATE TEMP TABLE {quote(people)} AS {collect}", years)
        for offset, load in enumerate(pending):
            load_id = next_id + offset
            snapshot = load.snapshot
            for sheet in schema.SHEETS:
                connection.execute(f"DELETE FROM {quote(sheet.name)} WHERE year = ?", [load.year])
                path = snapshot.table_path(sheet.name)
                if path is None:
                    continue
                # Named columns: a table upgraded by ALTER TABLE has its new columns last.
                names = ", ".join(quote(name) for name in snapshot_columns(sheet))
                connection.execute(f"INSERT INTO {quote(sheet.name)} ({names}, load_id) "
                                   f"SELECT {names}, $load_id FROM read_parquet($path)",
                                   {"load_id": load_id, "path": str(path)})
                fault_point("during_write")
            rows = snapshot.rows
            loaded_at = _now()
            values = {
                "load_id": load_id, "year": load.year, "file_name": snapshot.file_name,
                "sha256": snapshot.source_sha256, "snapshot_sha256": snapshot.sha256,
                **{f"rows_{sheet}": count for sheet, count in rows.items()},
                "loaded_by": loaded_by, "loaded_at": loaded_at,
                "replaced_load_id": live.get(load.year), "restored_from_load_id": load.restored_from_load_id,
                "is_sample": load.is_sample}
            names = ", ".join(values)
            connection.execute(f"INSERT INTO loads ({names}) VALUES ({', '.join('$' + n for n in values)})", values)
            was_provisional = statuses.get(load.year, False)
            provisional = was_provisional if load.provisional is None else load.provisional
            _record_status(connection, load.year, provisional, loaded_by, loaded_at, load_id)
            results.append(LoadResult(load_id, load.year, snapshot.file_name, rows, live.get(load.year),
                                      load.restored_from_load_id, provisional, was_provisional))
        connection.execute(f"INSERT INTO {quote(people)} {collect}", years)
        refresh_first_years(connection, people)
        return results

    def finalise(self, year: int, changed_by: str | None = None, progress: Progress | None = None) -> StatusChange:
        """Mark a provisional year final, in a new published version (its rows are not touched).

        Refused (WorkbookRefused: year_not_loaded, year_not_provisional) with
        nothing written. Checked first on the published version, so a refusal
        costs no copy of the warehouse, and again under the writer lock.
        """
        changed_by = changed_by or getpass.getuser()
        if not self.exists():
            raise WorkbookRefused(Problem("year_not_loaded", params={"year": year}))
        with self.connect_reader() as connection:
            refusal = _finalise_refusal(connection, year)
        if refusal is not None:
            raise WorkbookRefused(refusal)

        def change(connection: duckdb.DuckDBPyConnection) -> StatusChange:
            refusal = _finalise_refusal(connection, year)
            if refusal is not None:
                raise WorkbookRefused(refusal)
            if progress:
                progress("progress_write")
            return _record_status(connection, year, False, changed_by, _now(), None)

        return self.change(change, progress)

    def change(self, change: Callable[[duckdb.DuckDBPyConnection], T], progress: Progress | None = None) -> T:
        """Run ``change`` in one transaction on a copy of the current version, then publish the copy.

        Everything that alters the warehouse goes through here, under the writer
        lock: the copy is written, committed, checkpointed (so no WAL is left),
        fsynced and only then published. An exception inside ``change`` removes
        the copy and leaves the published version as it was.
        """
        with self.writer_lock(progress):
            self._remove_unpublished()
            current = self.current_file()
            target = self._next_version_path(current)
            try:
                if current is not None and current.exists():
                    shutil.copyfile(current, target)
                with _flushed_meanwhile(target), duckdb.connect(str(target), config=WRITER_CONFIG) as connection:
                    connection.execute("BEGIN TRANSACTION")
                    self._create_tables(connection)
                    result = change(connection)
                    refresh_year_totals(connection)
                    referenced = _referenced_snapshots(connection)
                    connection.execute("COMMIT")
                    fault_point("after_commit")
                    connection.execute("CHECKPOINT")
                fault_point("after_checkpoint")
                _fsync(target)
                self._publish(target)
            except BaseException:
                self._remove_version_files(target)
                raise
            fault_point("after_publish")
            self._remove_old_versions()
            self.snapshots.remove_unreferenced(referenced)
            self.uploads.purge()  # the retention period holds at every change, with no scheduled job
        return result

    def _create_tables(self, connection: duckdb.DuckDBPyConnection) -> None:
        for sheet in schema.SHEETS:
            connection.execute(table_ddl(sheet))
            for column in missing_columns(connection, sheet):
                # A warehouse from before a schema change gets the new column (filled below or empty).
                connection.execute(f"ALTER TABLE {quote(sheet.name)} ADD COLUMN {quote(column.name)} "
                                   f"{column.kind.sql_type}")
        connection.execute(LOADS_DDL)
        connection.execute(YEAR_STATUS_DDL)

    def outdated(self) -> bool:
        """True when the published version lacks a column the schema now describes, keeps the old archive,
        has no ``year_status`` table (a release before provisional years), or has year totals of another
        definition than YEAR_TOTALS, or none (a release before them)."""
        if not self.exists():
            return False
        with self.connect_reader() as connection:
            tables = _every_table_columns(connection)
        no_columns: set[str] = set()
        return (any(_missing_from(sheet, tables.get(sheet.name, no_columns)) for sheet in schema.SHEETS)
                or tables.get("loads", no_columns) != set(LOADS_COLUMN_NAMES)
                or "year_status" not in tables
                or any(tables.get(table, no_columns) != totals.columns for table, totals in YEAR_TOTALS.items()))

    def upgrade(self, migrate_loads: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
                progress: Progress | None = None) -> None:
        """Publish a version with the current schema's columns (no year changes).

        ``migrate_loads`` rebuilds a ``loads`` table of an older release
        (etl.migrate): it runs inside the same transaction.
        """

        def change(connection: duckdb.DuckDBPyConnection) -> None:
            if migrate_loads is not None:
                migrate_loads(connection)
            refresh_first_years(connection)

        self.change(change, progress)

    def _next_version_path(self, current: Path | None) -> Path:
        private_directory(self.versions_dir)  # pseudonymised rows: the server account's only
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

    @staticmethod
    def _remove_version_files(version: Path) -> None:
        """A version's database and everything DuckDB keeps beside it (its WAL)."""
        for path in (version, Path(f"{version}.wal"), Path(f"{version}.tmp")):
            path.unlink(missing_ok=True)

    def _remove_unpublished(self) -> None:
        """Every file left by a change that was not published (called under the lock)."""
        current = self.current_file()
        if self.versions_dir.exists():
            for path in self.versions_dir.iterdir():
                match = _VERSION_FILE.match(path.name)
                if match is None:
                    continue
                base = match.group(1)
                if current is None or base > current.name or (base == current.name and match.group(2)):
                    # Newer than the published version, or a WAL beside it (a published
                    # version was checkpointed: a WAL there can only be a stale one).
                    path.unlink(missing_ok=True)
        for leftover in self.directory.glob(f".{self.path.name}.*.tmp"):
            leftover.unlink(missing_ok=True)

    def _remove_old_versions(self) -> None:
        """Keep a few versions; a reader still on a removed one keeps its open file (POSIX)."""
        for version in self._versions()[:-VERSIONS_KEPT]:
            self._remove_version_files(version)
