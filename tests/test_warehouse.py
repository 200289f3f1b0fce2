"""Loading, replacing, restoring, and the coexistence of readers and writers."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

import etl.warehouse
from etl.cli_parser import build_parser
from etl.load import LoadRejected, ensure_built, load_files, restore
from etl.problems import WorkbookRefused
from etl.warehouse import FAULT_ENV, FAULT_POINTS, PAUSE_ENV, Warehouse
from tests.cli import run_cli, run_cli_process
from tests.paths import REPO_ROOT, SAMPLE_FILES
from tests.workbooks import edited_sample
from translations import translate

SAMPLE_2018 = SAMPLE_FILES[1]


def counts(warehouse: Warehouse) -> dict[str, list[tuple]]:
    with warehouse.connect_reader() as connection:
        return {table: connection.execute(f"SELECT year, count(*) FROM {table} GROUP BY year ORDER BY year")
                .fetchall() for table in ("participants", "activities", "benefits", "obstacles", "loads")}


def test_first_start_builds_the_sample_years_once(empty_warehouse: Warehouse) -> None:
    assert not empty_warehouse.exists()
    assert ensure_built(empty_warehouse) is True
    assert ensure_built(empty_warehouse) is False
    history = empty_warehouse.history()
    assert sorted(load["year"] for load in history) == [2017, 2018, 2019]
    assert all(load["is_sample"] for load in history)
    assert empty_warehouse.path.is_symlink()


def test_tables_hold_codes_and_the_2017_facts(warehouse: Warehouse) -> None:
    with warehouse.connect_reader() as connection:
        applicants, delegates = connection.execute(
            "SELECT count(*), count(*) FILTER (status = 'delegate') FROM participants "
            "WHERE year = 2017 AND direction = 'outbound'").fetchall()[0]
        fields = connection.execute("SELECT DISTINCT field FROM participants ORDER BY 1").fetchall()
        partner = connection.execute("SELECT DISTINCT partner_city FROM participants").fetchall()
    assert (applicants, delegates) == (96, 3)
    assert {f for (f,) in fields} == {"youth_sports", "urban_planning", "arts_culture", "transportation",
                                      "tourism", "waste_management", "environment"}
    assert partner == [("beijing",)]


def test_a_loaded_year_is_refused_unless_replace_is_asked(warehouse: Warehouse) -> None:
    before = warehouse.data_version()
    with pytest.raises(WorkbookRefused) as refused:
        load_files(warehouse, [SAMPLE_2018])
    assert refused.value.problem.code == "year_exists"
    assert warehouse.data_version() == before
    (result,) = load_files(warehouse, [SAMPLE_2018], replace=True, loaded_by="analyst-a")
    assert result.year == 2018 and result.replaced_load_id is not None
    assert warehouse.data_version() != before
    assert warehouse.history()[0]["loaded_by"] == "analyst-a"


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_refusal_of_a_loaded_year_says_how_to_replace_it(warehouse: Warehouse, lang: str) -> None:
    """Shown on the command line and the Upload page alike: it names the command's option, which the
    command accepts, rather than a step neither has ("Ask for replacement"), and the Upload page's own way
    (its confirmation; the page had named only the command line's --replace to an analyst on the web)."""
    with pytest.raises(WorkbookRefused) as refused:
        load_files(warehouse, [SAMPLE_2018])
    message = refused.value.problem.message(lang)
    assert "--replace" in message, message
    assert translate(lang, "nav.upload") in message, message
    arguments = build_parser(lang).parse_args(["load", "--replace", str(SAMPLE_2018)])
    assert arguments.replace is True


def test_replace_then_restore_brings_the_earlier_rows_back(warehouse: Warehouse, tmp_path: Path) -> None:
    import openpyxl

    edited = tmp_path / "2018.xlsx"
    workbook = openpyxl.load_workbook(SAMPLE_2018)
    sheet = workbook["participants"]
    sheet.delete_rows(3, 10)  # ten applicants fewer
    workbook.save(edited)
    original = counts(warehouse)
    first_2018 = next(load for load in warehouse.history() if load["year"] == 2018)["load_id"]
    (replaced,) = load_files(warehouse, [edited], replace=True)
    assert dict(counts(warehouse)["participants"])[2018] == dict(original["participants"])[2018] - 10
    restored = restore(warehouse, first_2018, loaded_by="analyst-b")
    assert restored.restored_from_load_id == first_2018 and restored.replaced_load_id == replaced.load_id
    after = counts(warehouse)
    for table in ("participants", "activities", "benefits", "obstacles"):
        assert after[table] == original[table]
    assert len(warehouse.history()) == sum(count for _, count in original["loads"]) + 2
    assert {load["load_id"] for load in warehouse.history()} >= {first_2018, replaced.load_id, restored.load_id}


def test_restore_of_an_unknown_load_is_refused(warehouse: Warehouse) -> None:
    with pytest.raises(WorkbookRefused) as refused:
        restore(warehouse, 999)
    assert refused.value.problem.code == "load_not_found"


def test_restoring_the_live_load_is_refused_and_writes_nothing(warehouse: Warehouse) -> None:
    """It would write the year's rows again as a new load, changing nothing but the history; once replaced,
    the same load is restored."""
    live = next(load["load_id"] for load in warehouse.history() if load["year"] == 2018)
    before = warehouse.data_version()
    with pytest.raises(WorkbookRefused) as refused:
        restore(warehouse, live)
    assert refused.value.problem.code == "load_is_live"
    assert refused.value.problem.message("en") == (
        f"Load {live} is the load of 2018 shown now: restoring it would change nothing.")
    assert warehouse.data_version() == before and len(warehouse.history()) == 3
    load_files(warehouse, [SAMPLE_2018], replace=True)
    assert restore(warehouse, live).restored_from_load_id == live


def test_bad_workbook_writes_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    bad = tmp_path / "2020.xlsx"
    bad.write_bytes(SAMPLE_2018.read_bytes())  # rows say 2018, the file name says 2020
    before, history = warehouse.data_version(), warehouse.history()
    with pytest.raises(LoadRejected) as rejected:
        load_files(warehouse, [bad, SAMPLE_2018], replace=True)
    assert not rejected.value.checks[0].ok and rejected.value.checks[1].ok
    assert warehouse.data_version() == before and warehouse.history() == history


def test_reader_open_while_the_cli_loads(warehouse: Warehouse) -> None:
    """The app's read-only connection and the CLI's load never block each other."""
    reader = duckdb.connect(str(warehouse.current_file()), read_only=True)
    before = reader.execute("SELECT count(*) FROM loads").fetchall()[0][0]
    result = run_cli_process("load", "--replace", str(SAMPLE_2018))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Could not set lock" not in result.stdout + result.stderr
    # The open reader still sees its consistent version...
    assert reader.execute("SELECT count(*) FROM loads").fetchall()[0][0] == before
    # ...and a new reader sees the new one.
    with warehouse.connect_reader() as fresh:
        assert fresh.execute("SELECT count(*) FROM loads").fetchall()[0][0] == before + 1
    reader.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_a_load_killed_at_any_step_leaves_old_or_new_and_no_trace(warehouse: Warehouse, point: str) -> None:
    """SIGKILL at each step: the published warehouse is exactly the old or the new one, the next load
    succeeds, and history holds no trace of a load that was not published (a WAL left after COMMIT
    must not be replayed by the next load)."""
    before_file, before_digest = warehouse.current_file(), file_digest(warehouse.current_file())
    history, rows = warehouse.history(), counts(warehouse)
    killed = run_cli_process("load", "--replace", "--by", "killed", str(SAMPLE_2018), env_extra={FAULT_ENV: point})
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    if point == "after_publish":  # published, then killed before cleaning up: exactly the new version
        assert warehouse.current_file() != before_file
        assert warehouse.history()[0]["loaded_by"] == "killed" and len(warehouse.history()) == len(history) + 1
        assert counts(warehouse)["participants"] == rows["participants"]
    else:  # exactly the old version, byte for byte
        assert warehouse.current_file() == before_file and file_digest(before_file) == before_digest
        assert warehouse.history() == history and counts(warehouse) == rows
    next_load = run_cli("load", "--replace", "--by", "next", str(SAMPLE_2018))
    assert next_load.returncode == 0, next_load.stdout + next_load.stderr
    loads = warehouse.history()
    assert loads[0]["loaded_by"] == "next"
    assert [load["loaded_by"] for load in loads].count("killed") == (1 if point == "after_publish" else 0)
    assert counts(warehouse)["participants"] == rows["participants"]
    # Nothing of the unpublished version is left: only published versions, no WAL.
    leftovers = [p.name for p in warehouse.versions_dir.iterdir() if not p.name.endswith(".duckdb")]
    assert leftovers == []
    assert warehouse.current_file().name == sorted(p.name for p in warehouse.versions_dir.iterdir())[-1]


def test_a_stale_wal_beside_the_next_version_is_never_replayed(warehouse: Warehouse) -> None:
    """The exact failure of issue 9: a WAL of a load killed after COMMIT, named like the next version."""
    killed = run_cli_process("load", "--replace", "--by", "killed", str(SAMPLE_2018),
                             env_extra={FAULT_ENV: "after_commit"})
    assert killed.returncode == -signal.SIGKILL
    assert any(p.name.endswith(".wal") for p in warehouse.versions_dir.iterdir()), "the kill left no WAL to test"
    assert run_cli("load", "--replace", "--by", "next", str(SAMPLE_FILES[2])).returncode == 0
    assert "killed" not in {load["loaded_by"] for load in warehouse.history()}


def test_two_loads_at_once_are_serialised(warehouse: Warehouse) -> None:
    env = {**os.environ, PAUSE_ENV: "after_checkpoint:0.5"}
    command = [sys.executable, "-m", "etl", "--lang", "en", "load", "--replace"]
    first = subprocess.Popen([*command, "--by", "one", str(SAMPLE_FILES[1])], cwd=REPO_ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen([*command, "--by", "two", str(SAMPLE_FILES[2])], cwd=REPO_ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    loads = warehouse.history()
    assert {loads[0]["loaded_by"], loads[1]["loaded_by"]} == {"one", "two"}
    assert {loads[0]["year"], loads[1]["year"]} == {2018, 2019}
    assert warehouse.data_version() == "v000003"  # two successive versions, none lost


def test_cli_exit_codes(warehouse: Warehouse, tmp_path: Path) -> None:
    assert run_cli("validate", str(SAMPLE_2018)).returncode == 0
    assert run_cli("validate", str(tmp_path / "missing.xlsx")).returncode == 1
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("load").returncode == 2
    history = run_cli("history")
    assert history.returncode == 0 and "2018.xlsx" in history.stdout and "sha256" in history.stdout
    assert run_cli("restore", "999").returncode == 1


def test_cli_template_is_valid_input_once_filled(tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    result = run_cli("template", str(out))
    assert result.returncode == 0 and out.exists()
    empty = run_cli("validate", str(out))
    # An empty template is readable and reports empty sheets, not a crash.
    assert empty.returncode == 1 and "no data rows" in empty.stdout and "Traceback" not in empty.stderr


@pytest.mark.parametrize("command", [("finalise", "1800"), ("load", "--year", "1800", str(SAMPLE_2018)),
                                     ("validate", "--year", "3000", str(SAMPLE_2018))])
def test_cli_refuses_a_year_no_workbook_can_hold(warehouse: Warehouse, command: tuple[str, ...]) -> None:
    """Said as such, before anything is read: load --year 1800 used to report every participant's age."""
    before = warehouse.data_version()
    result = run_cli(*command)
    year = "1800" if "1800" in command else "3000"
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"✗ {year} is not a program year: give a year from 1992 to 2100.\n"
    assert warehouse.data_version() == before


def test_cli_names_a_folder_given_as_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "workbooks"
    folder.mkdir()
    result = run_cli("validate", str(folder))
    assert result.returncode == 1
    assert f"✗ This is a folder, not a file: name the workbooks in it (for example {folder}/2019.xlsx)." \
        in result.stdout


def test_cli_says_year_needs_one_file_in_the_readers_language() -> None:
    """It was said in English whatever --lang asked for."""
    result = run_cli("--lang", "zh", "load", "--year", "2018", str(SAMPLE_2018), str(SAMPLE_2018))
    assert (result.returncode, result.stderr) == (2, "✗ --year 只能用于恰好一个文件。\n")


def test_cli_says_why_a_template_cannot_be_written(tmp_path: Path) -> None:
    """A folder that does not exist, a file in the way or a folder as the target: one line naming the path
    the reader gave (not the temporary file beside it) and why, exit 1; it was a traceback."""
    (tmp_path / "a file").write_text("x")
    cases = {tmp_path / "missing" / "template.xlsx": "its folder does not exist",
             tmp_path / "a file" / "template.xlsx": "a part of its path is a file, not a folder",
             tmp_path: "it is a folder"}
    for target, reason in cases.items():
        result = run_cli("template", str(target))
        assert (result.returncode, result.stdout) == (1, ""), result
        assert result.stderr == f"✗ Cannot write {target}: {reason}.\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a file"], "no temporary file is left"


def test_a_warehouse_from_before_a_schema_change_is_upgraded_on_start(warehouse: Warehouse) -> None:
    """first_year was added after the first release: an older warehouse gets it, filled, at the next start."""
    with duckdb.connect(str(warehouse.current_file())) as connection:  # as an older release wrote it
        connection.execute("ALTER TABLE participants DROP COLUMN first_year")
    before = counts(warehouse)
    assert warehouse.outdated()
    assert ensure_built(warehouse) is False  # not rebuilt from the samples: upgraded in place
    assert not warehouse.outdated()
    assert counts(warehouse) == before
    with warehouse.connect_reader() as connection:
        returning = connection.execute(
            "SELECT count(*) FROM participants WHERE first_year < year").fetchall()[0][0]
    assert returning > 0
    # And a later load writes into the upgraded table by column name.
    assert run_cli("load", "--replace", str(SAMPLE_2018)).returncode == 0


def test_first_year_follows_years_loaded_out_of_order(empty_warehouse: Warehouse) -> None:
    """Loading 2019 before 2018 still marks the 2019 rows of 2018's applicants as returning."""
    load_files(empty_warehouse, [SAMPLE_FILES[2]])
    with empty_warehouse.connect_reader() as connection:
        assert connection.execute("SELECT count(*) FROM participants WHERE first_year < year").fetchall() == [(0,)]
    load_files(empty_warehouse, [SAMPLE_2018])
    with empty_warehouse.connect_reader() as connection:
        stored = connection.execute("SELECT count(*) FROM participants WHERE first_year < year").fetchall()[0][0]
        expected = connection.execute("""
            SELECT count(*) FROM participants p
            WHERE EXISTS (SELECT 1 FROM participants q WHERE q.person_key = p.person_key
                          AND q.partner_city = p.partner_city AND q.year < p.year)""").fetchall()[0][0]
    assert stored == expected > 0


def _first_years_wrong(warehouse: Warehouse) -> int:
    """Rows whose first_year differs from the earliest year of their person, recomputed over every row."""
    with warehouse.connect_reader() as connection:
        return connection.execute("""
            SELECT count(*) FROM (SELECT first_year, min(year) OVER (PARTITION BY person_key, partner_city)
                                  AS earliest FROM participants) WHERE first_year IS DISTINCT FROM earliest
            """).fetchall()[0][0]


def _returning(warehouse: Warehouse) -> int:
    with warehouse.connect_reader() as connection:
        return connection.execute("SELECT count(*) FROM participants WHERE first_year < year").fetchall()[0][0]


def test_replacing_a_year_moves_the_first_year_of_the_people_it_no_longer_holds(
        empty_warehouse: Warehouse, tmp_path: Path) -> None:
    """A load recomputes only the people of the years it writes: enough, when 2018 loses its returning people."""
    load_files(empty_warehouse, [SAMPLE_2018, SAMPLE_FILES[2]])
    returning = _returning(empty_warehouse)
    assert returning > 0 and _first_years_wrong(empty_warehouse) == 0
    later = load_workbook(SAMPLE_FILES[2], read_only=True)["participants"]
    header, *rows = list(later.iter_rows(values_only=True))
    people_of_2019 = {(row[header.index("full_name")], row[header.index("birth_date")]) for row in rows}

    def without_them(workbook: Workbook) -> None:
        sheet = workbook["participants"]
        columns = [cell.value for cell in sheet[1]]
        for number in range(sheet.max_row, 1, -1):
            person = (sheet.cell(number, columns.index("full_name") + 1).value,
                      sheet.cell(number, columns.index("birth_date") + 1).value)
            if person in people_of_2019:
                sheet.delete_rows(number)

    load_files(empty_warehouse, [edited_sample(tmp_path / "2018.xlsx", without_them, 2018)], replace=True)
    assert _first_years_wrong(empty_warehouse) == 0
    assert _returning(empty_warehouse) == 0  # every 2019 applicant now applies for the first time


def _first_row_group_storage(warehouse: Warehouse) -> list[tuple]:
    """Where the scratch table ``rows`` keeps its first row group (122,880 rows of 2017): block and offset."""
    with warehouse.connect_reader() as connection:
        return connection.execute("""
            SELECT column_name, segment_type, block_id, block_offset FROM pragma_storage_info('rows')
            WHERE row_group_id = 0 ORDER BY ALL""").fetchall()


def test_replacing_a_year_rewrites_only_the_storage_it_changes(empty_warehouse: Warehouse) -> None:
    """The writer does not vacuum: row groups the replacement does not touch stay where they are.

    DuckDB's vacuum would merge the row groups a replacement leaves part-empty and rewrite the
    others around them (on 10M rows, two seconds of an analyst's load). Three years of 150,000
    rows in a table of the warehouse's file, written through change(); 2018 is replaced.
    """
    def fill(connection: duckdb.DuckDBPyConnection) -> None:
        connection.execute("CREATE TABLE rows (year INTEGER, value BIGINT)")
        for year in (2017, 2018, 2019):
            connection.execute(f"INSERT INTO rows SELECT {year}, i FROM range(150000) r(i)")

    def replace_2018(connection: duckdb.DuckDBPyConnection) -> None:
        connection.execute("DELETE FROM rows WHERE year = 2018")
        connection.execute("INSERT INTO rows SELECT 2018, -i FROM range(150000) r(i)")

    empty_warehouse.change(fill)
    before = _first_row_group_storage(empty_warehouse)
    empty_warehouse.change(replace_2018)
    with empty_warehouse.connect_reader() as connection:
        assert connection.execute("SELECT year, count(*), sum(value) FROM rows GROUP BY year ORDER BY year"
                                  ).fetchall() == [(2017, 150000, 11249925000), (2018, 150000, -11249925000),
                                                   (2019, 150000, 11249925000)]
    assert before and _first_row_group_storage(empty_warehouse) == before


def test_the_copy_is_flushed_to_disk_while_the_change_runs(warehouse: Warehouse,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The new version's copy is fsynced beside the transaction, then once more before it is published."""
    flushes: list[tuple[str, str]] = []
    fsync = etl.warehouse._fsync

    def recorded(path: Path) -> None:
        flushes.append((threading.current_thread().name, path.name))
        fsync(path)

    monkeypatch.setattr(etl.warehouse, "_fsync", recorded)
    warehouse.change(lambda connection: connection.execute("DELETE FROM obstacles WHERE year = 2019"))
    version = warehouse.current_file().name
    assert ("flush-copy", version) in flushes
    assert flushes[-1] == ("MainThread", version)  # the last write before publishing covers the change


def test_a_write_error_while_flushing_the_copy_publishes_nothing(warehouse: Warehouse,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Linux reports a write error to one fsync only: the background flush's error must fail the change."""
    before_file, before_digest = warehouse.current_file(), file_digest(warehouse.current_file())
    rows = counts(warehouse)
    fsync = etl.warehouse._fsync

    def failing_in_background(path: Path) -> None:
        if threading.current_thread().name == "flush-copy":
            raise OSError(errno.EIO, "Input/output error", str(path))
        fsync(path)

    monkeypatch.setattr(etl.warehouse, "_fsync", failing_in_background)
    with pytest.raises(OSError) as raised:
        warehouse.change(lambda connection: connection.execute("DELETE FROM obstacles"))
    assert raised.value.errno == errno.EIO
    assert warehouse.current_file() == before_file and file_digest(before_file) == before_digest
    assert counts(warehouse) == rows
    assert sorted(p.name for p in warehouse.versions_dir.iterdir()) == [before_file.name]
