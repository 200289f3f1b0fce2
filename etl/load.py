"""Read, validate, stage and load workbooks: the one path the CLI and the app share.

A load has three steps, and the Upload page sits between the second and third:

1. check: read and validate the file (etl.reader, etl.validate);
2. stage: keep its clean, pseudonymised tables as a snapshot (etl.snapshots);
3. write: publish a warehouse version holding exactly that snapshot (etl.warehouse).

So what is written is exactly what was checked and previewed — the file is
never parsed a second time — and a restore is step 3 with an earlier
snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyarrow as pa

from etl import migrate
from etl.problems import Problem, Severity, WorkbookRefused, errors
from etl.reader import RawWorkbook, file_sha256, read_file
from etl.schema import DEFAULT_LIMITS, Limits
from etl.validate import Validation, validate
from etl.warehouse import SAMPLE_AUTHOR, SAMPLE_DIR, LoadResult, PendingLoad, Warehouse, fault_point

Progress = Callable[..., None]  # progress(message_key, **params)


@dataclass
class FileCheck:
    """What checking one file found: a refusal, or a validation (valid or not)."""

    file_name: str
    validation: Validation | None
    refusal: Problem | None = None

    @property
    def problems(self) -> list[Problem]:
        if self.refusal is not None:
            return [self.refusal]
        assert self.validation is not None
        return self.validation.problems

    @property
    def ok(self) -> bool:
        return self.refusal is None and self.validation is not None and self.validation.ok

    @property
    def year(self) -> int | None:
        return self.validation.year if self.validation is not None else None

    @property
    def rows(self) -> dict[str, int]:
        return self.validation.rows if self.validation is not None else {}


@dataclass
class Staged:
    """A checked file and, when it is valid, the snapshot a load will write.

    Plain data (it crosses the process boundary of etl.isolated): problems,
    rows per sheet, the year, and the snapshot's hash.
    """

    file_name: str
    sha256: str | None
    year: int | None
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    snapshot_sha256: str | None = None

    @property
    def ok(self) -> bool:
        return self.snapshot_sha256 is not None and not errors(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity is Severity.WARNING]


class LoadRejected(Exception):
    """Nothing was written; ``checks`` says why, file by file."""

    def __init__(self, checks: Sequence[Staged | FileCheck]):
        super().__init__("load rejected")
        self.checks = list(checks)


def check_file(path: Path, original_name: str | None = None, year: int | None = None,
               complete: bool = True, limits: Limits = DEFAULT_LIMITS,
               progress: Progress | None = None) -> FileCheck:
    """Read and validate one file; never raises for bad input."""
    name = original_name or Path(path).name
    if progress:
        progress("progress_read", file=name)
    try:
        raw: RawWorkbook = read_file(Path(path), original_name=name, limits=limits)
    except WorkbookRefused as refused:
        return FileCheck(name, None, refused.problem)
    if raw.path.suffix.lower() == ".csv" or Path(name).suffix.lower() == ".csv":
        complete = False  # a CSV holds one sheet
    if progress:
        progress("progress_validate", file=name)
    return FileCheck(name, validate(raw, year=year, complete=complete, limits=limits))


def stage_file(warehouse: Warehouse, path: Path, original_name: str | None = None, year: int | None = None,
               limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None) -> Staged:
    """Check one file and, when it is valid and loadable, keep its clean tables as a snapshot."""
    check = check_file(Path(path), original_name, year=year, limits=limits, progress=progress)
    validation = check.validation
    sha256 = validation.raw.sha256 if validation is not None else _sha_or_none(Path(path))
    staged = Staged(check.file_name, sha256, check.year, list(check.problems), dict(check.rows))
    try:
        if not check.ok or validation is None or validation.year is None:
            return staged
        if Path(check.file_name).suffix.lower() != ".xlsx":
            staged.problems.append(Problem("csv_not_loadable"))
            return staged
        if progress:
            progress("progress_stage", file=check.file_name)
        tables: dict[str, pa.Table] = validation.clean_tables(warehouse.pseudonym_key())
        snapshot = warehouse.snapshots.write(validation.year, check.file_name, validation.raw.sha256, tables)
        staged.snapshot_sha256 = snapshot.sha256
        return staged
    finally:
        if validation is not None:
            validation.close()


def _sha_or_none(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


@cache
def sample_hashes() -> frozenset[str]:
    """SHA-256 of the bundled sample workbooks: a load of one of them is sample data."""
    return frozenset(file_sha256(path) for path in sorted(SAMPLE_DIR.glob("*.xlsx")))


def load_files(warehouse: Warehouse, paths: Sequence[Path], replace: bool = False,
               loaded_by: str | None = None, original_names: Sequence[str] | None = None,
               year: int | None = None, progress: Progress | None = None, limits: Limits = DEFAULT_LIMITS,
               allow_empty: frozenset[str] = frozenset(),
               on_checked: Callable[[Staged], None] | None = None, provisional: bool = False) -> list[LoadResult]:
    """Check every file, then write all of them in one new version, or nothing.

    ``on_checked`` sees each checked file (the CLI prints its warnings, as
    validate does). ``provisional`` marks every year loaded as provisional
    (default final; see etl.warehouse, "Provisional years"). Raises
    LoadRejected (with every problem) or
    WorkbookRefused (year exists, a sheet would be emptied, lock timeout);
    the warehouse is unchanged in both cases.
    """
    names = list(original_names) if original_names else [Path(p).name for p in paths]
    staged = [stage_file(warehouse, Path(path), name, year=year, limits=limits, progress=progress)
              for path, name in zip(paths, names, strict=True)]
    _reject_duplicate_years(staged)
    if on_checked:
        for each in staged:
            on_checked(each)
    if not all(each.ok for each in staged):
        raise LoadRejected(staged)
    fault_point("after_archive")
    return write_staged(warehouse, staged, replace=replace, loaded_by=loaded_by, progress=progress,
                        allow_empty=allow_empty, provisional=provisional)


def write_staged(warehouse: Warehouse, staged: Sequence[Staged], replace: bool = False,
                 loaded_by: str | None = None, progress: Progress | None = None,
                 allow_empty: frozenset[str] = frozenset(), provisional: bool = False) -> list[LoadResult]:
    """Write checked files from their snapshots (verified by hash), all in one version, final or provisional."""
    pending = [PendingLoad(warehouse.snapshots.open(each.snapshot_sha256),
                           is_sample=each.sha256 in sample_hashes(), provisional=provisional) for each in staged]
    return warehouse.write(pending, replace=replace, loaded_by=loaded_by, progress=progress,
                           allow_empty=allow_empty)


def _reject_duplicate_years(staged: list[Staged]) -> None:
    seen: dict[int, str] = {}
    for each in staged:
        if each.ok and each.year is not None:
            if each.year in seen:
                each.problems.append(Problem("duplicate_year", params={"year": each.year, "other": seen[each.year]}))
            seen[each.year] = each.file_name


def load_record(warehouse: Warehouse, load_id: int) -> dict[str, object]:
    record = next((load for load in warehouse.history() if load["load_id"] == load_id), None)
    if record is None:
        raise WorkbookRefused(Problem("load_not_found", value=str(load_id)))
    return record


def restore(warehouse: Warehouse, load_id: int, loaded_by: str | None = None, progress: Progress | None = None,
            allow_empty: frozenset[str] = frozenset(), provisional: bool | None = None) -> LoadResult:
    """Write again exactly the rows of an earlier load, replacing its year.

    The rows come from the load's snapshot, checked against the hash the
    warehouse recorded for it; a missing or altered snapshot is refused.
    The year keeps the status it has now (provisional or final), not the one
    the restored load had, unless ``provisional`` says otherwise.
    """
    record = load_record(warehouse, load_id)
    year = int(str(record["year"]))
    if warehouse.current_loads().get(year) == load_id:
        # A load once replaced never becomes live again (a restore writes a new load): no race to guard.
        raise WorkbookRefused(Problem("load_is_live", value=str(load_id), params={"year": year}))
    snapshot = warehouse.snapshots.open(record.get("snapshot_sha256"))  # type: ignore[arg-type]
    (result,) = warehouse.write(
        [PendingLoad(snapshot, restored_from_load_id=load_id, is_sample=bool(record["is_sample"]),
                     provisional=provisional)],
        replace=True, loaded_by=loaded_by, progress=progress, allow_empty=allow_empty)
    return result


def _clean_tables_of(path: Path, year: int, name: str, key: bytes) -> dict[str, pa.Table] | None:
    """The clean tables of an archived workbook (for migrating loads of an older release), or None."""
    check = check_file(path, name, year=year)
    try:
        if not check.ok or check.validation is None:
            return None
        return check.validation.clean_tables(key)
    finally:
        if check.validation is not None:
            check.validation.close()


def upgrade_if_needed(warehouse: Warehouse) -> None:
    """Upgrade a warehouse of an older release (new columns; archived workbooks become snapshots)."""
    if warehouse.outdated():
        migrate.upgrade(warehouse, _clean_tables_of)


def ensure_built(warehouse: Warehouse, sample_dir: Path = SAMPLE_DIR) -> bool:
    """On first start, build the warehouse from the bundled sample workbooks; later, keep it current.

    Called once per process, explicitly, by app.py (the read side never
    writes) and by the CLI's commands. An existing warehouse of an older
    release is upgraded (new columns; archived workbooks become snapshots),
    and uploaded workbooks past their retention period are deleted.
    Returns True when it built the warehouse.
    """
    if warehouse.exists():
        upgrade_if_needed(warehouse)
        warehouse.uploads.purge()
        return False
    samples = sorted(sample_dir.glob("*.xlsx"))
    try:
        load_files(warehouse, samples, loaded_by=SAMPLE_AUTHOR)
    except WorkbookRefused as refused:
        if refused.problem.code != "year_exists":  # another process built it first
            raise
        return False
    return True
