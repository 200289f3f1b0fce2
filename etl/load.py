"""Read, validate and load workbooks: the one path the CLI and the app share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.problems import Problem, WorkbookRefused
from etl.reader import RawWorkbook, file_sha256, read_file
from etl.schema import DEFAULT_LIMITS, Limits
from etl.validate import Validation, validate
from etl.warehouse import SAMPLE_DIR, LoadResult, PendingLoad, Warehouse

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


class LoadRejected(Exception):
    """Nothing was written; ``checks`` says why, file by file."""

    def __init__(self, checks: list[FileCheck]):
        super().__init__("load rejected")
        self.checks = checks


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


@cache
def sample_hashes() -> frozenset[str]:
    """SHA-256 of the bundled sample workbooks: a load of one of them is sample data."""
    return frozenset(file_sha256(path) for path in sorted(SAMPLE_DIR.glob("*.xlsx")))


def load_files(warehouse: Warehouse, paths: Sequence[Path], replace: bool = False,
               loaded_by: str | None = None, original_names: Sequence[str] | None = None,
               year: int | None = None, restored_from_load_id: int | None = None,
               progress: Progress | None = None, limits: Limits = DEFAULT_LIMITS) -> list[LoadResult]:
    """Check every file, then write all of them in one new version, or nothing.

    Raises LoadRejected (with every problem) or WorkbookRefused (year exists,
    lock timeout); the warehouse is unchanged in both cases.
    """
    names = list(original_names) if original_names else [Path(p).name for p in paths]
    checks = []
    for path, name in zip(paths, names, strict=True):
        check = check_file(Path(path), name, year=year, limits=limits, progress=progress)
        if check.ok and Path(name).suffix.lower() != ".xlsx":
            check = FileCheck(name, None, Problem("csv_not_loadable"))
        checks.append(check)
    _reject_duplicate_years(checks)
    if not all(check.ok for check in checks):
        raise LoadRejected(checks)
    key = warehouse.pseudonym_key()
    pending = []
    for path, check in zip(paths, checks, strict=True):
        validation = check.validation
        assert validation is not None
        archived = warehouse.archive(Path(path), validation.raw.sha256, check.file_name)
        pending.append(PendingLoad(validation, validation.clean_tables(key), archived,
                                   restored_from_load_id=restored_from_load_id,
                                   is_sample=validation.raw.sha256 in sample_hashes()))
        validation.close()
    return warehouse.write(pending, replace=replace, loaded_by=loaded_by, progress=progress)


def _reject_duplicate_years(checks: list[FileCheck]) -> None:
    seen: dict[int, str] = {}
    for check in checks:
        if check.ok and check.validation is not None and check.validation.year is not None:
            year = check.validation.year
            if year in seen:
                check.validation.problems.append(Problem(
                    "duplicate_year", params={"year": year, "other": seen[year]}))
            seen[year] = check.file_name


def restore(warehouse: Warehouse, load_id: int, loaded_by: str | None = None,
            progress: Progress | None = None) -> LoadResult:
    """Load again the archived file of an earlier load, replacing its year."""
    record = next((load for load in warehouse.history() if load["load_id"] == load_id), None)
    if record is None:
        raise WorkbookRefused(Problem("load_not_found", value=str(load_id)))
    archived = warehouse.archive_dir / str(record["archive_path"])
    if not archived.exists():
        raise WorkbookRefused(Problem("archive_missing", value=str(load_id)))
    (result,) = load_files(warehouse, [archived], replace=True, loaded_by=loaded_by,
                           original_names=[str(record["file_name"])], year=int(record["year"]),
                           restored_from_load_id=load_id, progress=progress)
    return result


def ensure_built(warehouse: Warehouse, sample_dir: Path = SAMPLE_DIR) -> bool:
    """On first start, build the warehouse from the bundled sample workbooks."""
    if warehouse.exists():
        if warehouse.outdated():  # built before a schema change: add the new columns once
            warehouse.upgrade()
        return False
    samples = sorted(sample_dir.glob("*.xlsx"))
    try:
        load_files(warehouse, samples, loaded_by="sample data")
    except WorkbookRefused as refused:
        if refused.problem.code != "year_exists":  # another process built it first
            raise
        return False
    return True
