"""Issue 9: nothing lost, nothing misread — replacements that empty a sheet, snapshots, retention, migration."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import time
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from etl.cli_parser import build_parser as cli_parser
from etl.load import ensure_built, load_files, restore
from etl.problems import WorkbookRefused
from etl.uploads import RETENTION_ENV
from etl.warehouse import Emptied, Warehouse, emptying_refused
from tests.paths import REPO_ROOT, SAMPLE_FILES
from tests.test_warehouse import counts, run_cli

SAMPLE_2019 = SAMPLE_FILES[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def renamed_obstacles(tmp_path: Path) -> Path:
    """The 2019 workbook with its obstacles sheet renamed to a name the vocabulary does not know."""
    workbook = openpyxl.load_workbook(SAMPLE_2019)
    workbook["obstacles"].title = "Kendala lapangan"
    path = tmp_path / "2019.xlsx"
    workbook.save(path)
    return path


def test_replace_that_would_empty_a_sheet_is_refused_and_says_how(warehouse: Warehouse, tmp_path: Path) -> None:
    obstacles_2019 = dict(counts(warehouse)["obstacles"])[2019]
    assert obstacles_2019 > 0
    before = digest(warehouse.current_file())
    refused = run_cli("load", "--replace", str(renamed_obstacles(tmp_path)))
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    # load shows the warning validate shows, and the refusal names the sheet, its rows and the way out.
    assert "Kendala lapangan" in output and "not part of the template" in output
    assert f"every row of Obstacles ({obstacles_2019} rows)" in output
    assert "--allow-empty obstacles" in output and "Nothing was written" in output
    assert digest(warehouse.current_file()) == before and dict(counts(warehouse)["obstacles"])[2019] == obstacles_2019

    allowed = run_cli("load", "--replace", "--allow-empty", "obstacles", str(renamed_obstacles(tmp_path)))
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert 2019 not in dict(counts(warehouse)["obstacles"])


def test_a_refusal_naming_two_sheets_lists_them_and_gives_a_command_that_parses() -> None:
    # Today only obstacles may be empty, so no workbook can empty two sheets; the message must still
    # hold when the schema gains another optional sheet (or a restore empties more than one).
    problem = emptying_refused([Emptied(2019, "benefits", 3), Emptied(2019, "obstacles", 1)]).problem
    assert "成效（3\u00a0行）、障碍（1\u00a0行）的全部行" in problem.message("zh")
    assert "Benefits (3 rows), Obstacles (1 row):" in problem.message("en")
    way_out = re.search(r"tambahkan ((?:--allow-empty \w+ ?)+);", problem.message("id"))
    assert way_out, problem.message("id")
    typed = cli_parser().parse_args(["load", "--replace", *way_out.group(1).split(), "2019.xlsx"])
    assert typed.allow_empty == ["benefits", "obstacles"] and typed.files == [Path("2019.xlsx")]


def test_emptying_is_checked_under_the_lock_for_the_api_too(warehouse: Warehouse, tmp_path: Path) -> None:
    before = digest(warehouse.current_file())
    with pytest.raises(WorkbookRefused) as refused:
        load_files(warehouse, [renamed_obstacles(tmp_path)], replace=True)
    assert refused.value.problem.code == "replace_empties_sheet"
    assert "--allow-empty obstacles" in refused.value.problem.message("id")
    assert digest(warehouse.current_file()) == before


def test_every_load_has_a_private_snapshot_without_personal_data(warehouse: Warehouse) -> None:
    history = warehouse.history()
    assert history and all(load["snapshot_sha256"] for load in history)
    directory = warehouse.snapshots.directory
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for path in directory.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for load in history:
        snapshot = warehouse.snapshots.open(str(load["snapshot_sha256"]))
        assert snapshot.rows["participants"] == load["rows_participants"]
        columns = set(pq.read_schema(snapshot.table_path("participants")).names)
        assert {"age", "person_key"} <= columns and not {"full_name", "birth_date"} & columns
    # Loading the samples copied no workbook: raw files come only from the Upload page.
    assert not warehouse.uploads.directory.exists()


def test_restore_needs_no_workbook_and_is_exact(warehouse: Warehouse, tmp_path: Path) -> None:
    original = counts(warehouse)
    with warehouse.connect_reader() as connection:
        rows_2019 = connection.execute("SELECT * EXCLUDE (load_id) FROM participants WHERE year = 2019 "
                                       "ORDER BY participant_id").fetchall()
    first_2019 = next(load for load in warehouse.history() if load["year"] == 2019)["load_id"]
    load_files(warehouse, [renamed_obstacles(tmp_path)], replace=True, allow_empty=frozenset({"obstacles"}))
    (tmp_path / "2019.xlsx").unlink()  # no workbook anywhere any more
    restore(warehouse, first_2019)
    assert counts(warehouse)["obstacles"] == original["obstacles"]
    with warehouse.connect_reader() as connection:
        again = connection.execute("SELECT * EXCLUDE (load_id) FROM participants WHERE year = 2019 "
                                   "ORDER BY participant_id").fetchall()
    assert again == rows_2019


@pytest.mark.parametrize("swap", ["table", "manifest"])
def test_restore_refuses_a_swapped_snapshot(warehouse: Warehouse, swap: str) -> None:
    load_files(warehouse, [SAMPLE_FILES[1]], replace=True)  # 2018's first load restorable
    loads = {load["year"]: load for load in warehouse.history()}  # newest first: each year's first load
    target, other = (warehouse.snapshots.open(str(loads[year]["snapshot_sha256"])) for year in (2018, 2019))
    if swap == "table":
        victim, replacement = target.table_path("participants"), other.table_path("participants")
    else:
        victim = warehouse.snapshots.directory / f"{target.sha256}.json"
        replacement = warehouse.snapshots.directory / f"{other.sha256}.json"
    os.chmod(victim, 0o600)
    shutil.copyfile(replacement, victim)
    before = digest(warehouse.current_file())
    result = run_cli("restore", str(loads[2018]["load_id"]))
    assert result.returncode == 1
    assert "no longer matches the hash recorded" in result.stdout
    assert digest(warehouse.current_file()) == before


def test_restore_of_a_load_without_snapshot_is_refused(warehouse: Warehouse) -> None:
    load = warehouse.history()[0]
    load_files(warehouse, [SAMPLE_FILES[load["year"] - 2017]], replace=True)  # the load is restorable now
    for path in warehouse.snapshots.directory.iterdir():
        path.unlink()
    with pytest.raises(WorkbookRefused) as refused:
        restore(warehouse, int(load["load_id"]))
    assert refused.value.problem.code == "snapshot_missing"


def test_purge_deletes_uploads_past_retention(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    old = warehouse.uploads.keep("2015.xlsx", b"old workbook", "a" * 64)
    young = warehouse.uploads.keep("2016.xlsx", b"new workbook", "b" * 64)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert stat.S_IMODE(warehouse.uploads.directory.stat().st_mode) == 0o700
    month = time.time() - 31 * 86400
    os.utime(old, (month, month))
    result = run_cli("purge")
    assert result.returncode == 0 and "30 days" in result.stdout, result.stdout
    assert not old.exists() and young.exists()
    week = time.time() - 8 * 86400
    os.utime(young, (week, week))
    assert run_cli("purge", env_extra={RETENTION_ENV: "7"}).returncode == 0
    assert not young.exists()


@pytest.mark.parametrize(("days", "shown"), [("-1", "-1"), ("nan", "nan"), ("inf", "inf")])
def test_purge_refuses_a_retention_that_is_not_a_number_of_days(warehouse: Warehouse, days: str,
                                                                shown: str) -> None:
    """--days -1 put the cut-off in the future: every upload was deleted, the youngest too."""
    young = warehouse.uploads.keep("2016.xlsx", b"new workbook", "b" * 64)
    result = run_cli("purge", "--days", days)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"✗ --days must be a number of days, 0 or more (for example 30): '{shown}' was given.\n"
    assert young.exists()


def test_purge_says_a_fraction_of_a_day_as_it_was_given(warehouse: Warehouse) -> None:
    result = run_cli("purge", "--days", "0.5")  # as the pages say the retention (translations.format_days)
    assert result.returncode == 0 and "older than 0.5 days" in result.stdout, result.stdout


# -- a warehouse of the release before snapshots ----------------------------------------------

OLD_LOADS_DDL = """
CREATE TABLE loads (
    load_id INTEGER PRIMARY KEY, year INTEGER NOT NULL, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    archive_path VARCHAR NOT NULL, rows_participants INTEGER NOT NULL, rows_activities INTEGER NOT NULL,
    rows_benefits INTEGER NOT NULL, rows_obstacles INTEGER NOT NULL, loaded_by VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL, replaced_load_id INTEGER, restored_from_load_id INTEGER,
    is_sample BOOLEAN NOT NULL DEFAULT false)"""


def as_older_release(warehouse: Warehouse) -> None:
    """Rewrite the published version and the folder as the release before snapshots left them."""
    archive = warehouse.legacy_archive_dir
    archive.mkdir()
    with duckdb.connect(str(warehouse.current_file())) as connection:
        loads = connection.execute("SELECT load_id, year, file_name, sha256, rows_participants, rows_activities, "
                                   "rows_benefits, rows_obstacles, loaded_by, loaded_at, replaced_load_id, "
                                   "restored_from_load_id, is_sample FROM loads").fetchall()
        connection.execute("DROP TABLE loads")
        connection.execute(OLD_LOADS_DDL)
        for row in loads:
            connection.execute("INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               [*row[:4], f"{row[3]}.xlsx", *row[4:]])
    for path in SAMPLE_FILES:
        copy = archive / f"{hashlib.sha256(path.read_bytes()).hexdigest()}.xlsx"
        shutil.copyfile(path, copy)
        os.chmod(copy, 0o644)  # as the old release left them: readable by every account
    shutil.rmtree(warehouse.snapshots.directory)


def test_an_older_warehouse_is_migrated_on_first_start(warehouse: Warehouse, tmp_path: Path) -> None:
    # A replaced load first, so one old load exists only in the archive.
    edited = openpyxl.load_workbook(SAMPLE_FILES[1])
    edited["participants"].delete_rows(2, 5)
    smaller = tmp_path / "2018.xlsx"
    edited.save(smaller)
    first_2018 = next(load for load in warehouse.history() if load["year"] == 2018)["load_id"]
    load_files(warehouse, [smaller], replace=True)
    original_2018 = dict(counts(warehouse)["participants"])[2018]
    as_older_release(warehouse)
    legacy = sorted(p.name for p in warehouse.legacy_archive_dir.iterdir())
    assert warehouse.outdated()

    assert ensure_built(warehouse) is False
    assert not warehouse.outdated()
    history = warehouse.history()
    assert "archive_path" not in history[0]
    replaced = next(load for load in history if load["load_id"] == first_2018)
    assert all(load["snapshot_sha256"] for load in history if load["load_id"] != history[0]["load_id"]) \
        and replaced["snapshot_sha256"], "the replaced load got its snapshot from the archived workbook"
    # The archive moved under the retention rule: owner-only, same names, old folder gone.
    assert not warehouse.legacy_archive_dir.exists()
    moved = warehouse.uploads.directory
    assert sorted(p.name for p in moved.iterdir()) == legacy
    assert stat.S_IMODE(moved.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in moved.iterdir())
    # The replaced load can be restored from its new snapshot, with no workbook needed.
    shutil.rmtree(moved)
    restore(warehouse, first_2018)
    assert dict(counts(warehouse)["participants"])[2018] == original_2018 + 5


# -- one door to DuckDB -----------------------------------------------------------------

PRODUCT = [REPO_ROOT / "app.py", REPO_ROOT / "navigation.py", *sorted((REPO_ROOT / "dashboard").glob("*.py")),
           *sorted((REPO_ROOT / "etl").glob("*.py")), *sorted((REPO_ROOT / "views").glob("*.py"))]


def test_only_the_warehouse_module_opens_a_database_file() -> None:
    """In-memory connections (duckdb.connect() with no file) check workbooks; every file is opened in one place."""
    opening = re.compile(r"duckdb\.connect\((?!\))|\bATTACH\b", re.IGNORECASE)
    openers = {path.relative_to(REPO_ROOT).as_posix() for path in PRODUCT if opening.search(path.read_text())}
    assert openers == {"etl/warehouse.py"}


def test_the_read_side_never_builds_a_warehouse(empty_warehouse: Warehouse) -> None:
    from dashboard import db

    with pytest.raises(FileNotFoundError):
        db.reader()
    assert not empty_warehouse.directory.exists() or not any(empty_warehouse.directory.iterdir())
