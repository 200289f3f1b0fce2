"""Provisional years: marked by a load or the Upload page, cleared by finalise, shown everywhere, kept with history."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from dashboard import charts, db, exports, params
from dashboard.context import PageContext
from dashboard.filters import Available, Filters
from dashboard.queries import export_columns, export_rows
from dashboard.report import build_report
from etl import schema
from etl.cli import main
from etl.load import ensure_built, load_files, restore
from etl.warehouse import Warehouse
from tests.apptest import expected_connection, open_app, toml_catalogue, visible_texts
from tests.paths import SAMPLE_FILES
from tests.test_upload import XLSX, app, secrets_file, sign_in, texts, year_2020  # noqa: F401  (fixture)
from translations import LANGUAGES, translate

SAMPLE_2018, SAMPLE_2019 = SAMPLE_FILES[1], SAMPLE_FILES[2]


def cli(capsys: pytest.CaptureFixture[str], *args: str, lang: str = "en") -> tuple[int, str]:
    """Run `python -m etl --lang <lang> ...` in this process: (exit code, what it printed)."""
    code = main(["--lang", lang, *args])
    return code, capsys.readouterr().out


def provisional_now(warehouse: Warehouse) -> list[int]:
    """The provisional years by the test's own SQL: the latest change of each year."""
    with warehouse.connect_reader() as connection:
        return [year for (year,) in connection.execute("""
            SELECT year FROM year_status s
            WHERE change_id = (SELECT max(change_id) FROM year_status t WHERE t.year = s.year) AND provisional
            ORDER BY year""").fetchall()]


def notices(at) -> list[str]:
    return [str(element.value) for element in at.info]


# -- marking and finalising ---------------------------------------------------------------------

def test_cli_load_provisional_then_history_shows_it(warehouse: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(capsys, "load", "--replace", "--provisional", "--by", "ani", str(SAMPLE_2019))
    assert code == 0, out
    assert "Year 2019 is marked provisional" in out
    assert provisional_now(warehouse) == [2019] and warehouse.provisional_years() == {2019}
    load_id = warehouse.history()[0]["load_id"]
    code, out = cli(capsys, "history")
    assert code == 0
    loads, statuses = out.split("Status of the years", 1)
    row = next(line for line in loads.splitlines() if line.startswith(f"{load_id} "))
    assert row.split()[-1] == "provisional" and " ani " in row
    assert all(line.split()[-1] == "final" for line in loads.splitlines()[1:] if line.strip() and line != row)
    newest = statuses.splitlines()[2].split()
    assert newest[1:4] == ["2019", "provisional", "ani"] and newest[-1] == str(load_id)


def test_finalise_publishes_a_new_version_and_clears_the_notice(
        warehouse: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    load_files(warehouse, [SAMPLE_2019], replace=True, provisional=True)
    at = open_app({"lang": "en"}, "views/data.py")
    assert not at.exception
    assert any("Figures for 2019 are provisional" in notice for notice in notices(at))
    version = warehouse.data_version()

    code, out = cli(capsys, "finalise", "2019", "--by", "budi")
    assert code == 0, out
    assert warehouse.data_version() != version, "a status change is published as a new version"
    assert f"data version {warehouse.data_version()}" in out
    assert provisional_now(warehouse) == [] and warehouse.provisional_years() == set()
    with warehouse.connect_reader() as connection:  # the rows themselves are untouched
        assert connection.execute("SELECT count(*) FROM participants WHERE year = 2019").fetchall() == [(137,)]

    at.run()  # the same reader session, rerun: it follows the new version (the cache is keyed on it)
    assert not at.exception
    assert not any("provisional" in notice for notice in notices(at))


def test_status_history_keeps_every_change_with_who_and_when(warehouse: Warehouse) -> None:
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    (loaded,) = load_files(warehouse, [SAMPLE_2019], replace=True, loaded_by="ani", provisional=True)
    assert loaded.provisional and not loaded.was_provisional
    change = warehouse.finalise(2019, changed_by="budi")
    assert (change.year, change.provisional, change.changed_by, change.load_id) == (2019, False, "budi", None)
    changes = [c for c in warehouse.status_history() if c["year"] == 2019]
    # The sample load (final), the provisional load, the finalisation: nothing overwritten.
    assert [(c["provisional"], c["changed_by"], c["load_id"]) for c in changes] == [
        (False, "sample data", loaded.replaced_load_id), (True, "ani", loaded.load_id), (False, "budi", None)]
    assert started <= changes[1]["changed_at"] <= changes[2]["changed_at"] <= dt.datetime.now(dt.UTC).replace(
        tzinfo=None)
    assert [c["change_id"] for c in warehouse.status_history()] == sorted(c["change_id"]
                                                                           for c in warehouse.status_history())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_finalise_of_a_final_or_unknown_year_is_refused(
        warehouse: Warehouse, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    catalogue = toml_catalogue(lang)
    version, versions = warehouse.data_version(), sorted(warehouse.versions_dir.iterdir())
    for year, code in ((2018, "year_not_provisional"), (2031, "year_not_loaded")):
        exit_code, out = cli(capsys, "finalise", str(year), lang=lang)
        assert exit_code == 1
        assert catalogue[f"problem.{code}"].format(year=year) in out
        assert catalogue["cli.nothing_written"] in out
    assert warehouse.data_version() == version and sorted(warehouse.versions_dir.iterdir()) == versions


def test_a_restore_keeps_the_status_the_year_has_now(warehouse: Warehouse) -> None:
    final_2019 = next(load for load in warehouse.history() if load["year"] == 2019)["load_id"]
    load_files(warehouse, [SAMPLE_2019], replace=True, provisional=True)
    restored = restore(warehouse, final_2019)
    assert restored.provisional and warehouse.provisional_years() == {2019}, "restoring rows is no finalisation"
    restore(warehouse, final_2019, provisional=False)
    assert warehouse.provisional_years() == set(), "unless the restore is asked for a status"
    load_files(warehouse, [SAMPLE_2018], replace=True, provisional=True)
    (again,) = load_files(warehouse, [SAMPLE_2018], replace=True)
    assert again.was_provisional and not again.provisional, "a load says what it is: final by default"
    assert warehouse.provisional_years() == set()


# -- the Upload page -----------------------------------------------------------------------------

def test_upload_checkbox_loads_a_provisional_year(warehouse: Warehouse, secrets_file: Path,  # noqa: F811
                                                  tmp_path: Path) -> None:
    at = sign_in(app())
    at.switch_page("views/upload.py").run()
    workbook = year_2020(tmp_path)
    at.get("file_uploader")[0].upload(workbook.name, workbook.read_bytes(), XLSX).run()
    assert "The workbook is valid (year 2020)." in texts(at)
    box = next(b for b in at.checkbox if b.label == "Provisional figures (sementara)")
    assert box.value is False, "a new year is final unless the analyst says otherwise"
    box.check().run()
    next(b for b in at.button if b.label == "5. Load year 2020").click().run()
    assert not at.exception
    assert "year 2020 is live on every page, marked as provisional figures (sementara)" in texts(at)
    assert provisional_now(warehouse) == [2020]
    load = warehouse.history()[0]
    assert (load["year"], load["loaded_by"]) == (2020, "siti")
    assert warehouse.status_history()[-1]["load_id"] == load["load_id"]
    assert warehouse.status_history()[-1]["changed_by"] == "siti"

    at.switch_page("views/overview.py").run()
    assert any("Figures for 2020 are provisional" in notice for notice in notices(at))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_load_that_makes_a_provisional_year_final_says_so(lang: str, warehouse: Warehouse,
                                                           secrets_file: Path) -> None:  # noqa: F811
    """The command line said "Year 2019 was provisional; this load is final, so it is final now."; the page
    said only that the load was live, and the analyst had to find the notice gone to learn the status."""
    load_files(warehouse, [SAMPLE_2019], replace=True, provisional=True)
    at = sign_in(app(lang), lang=lang)
    at.switch_page("views/upload.py").run()
    at.get("file_uploader")[0].upload("2019.xlsx", SAMPLE_2019.read_bytes(), XLSX).run()
    box = next(b for b in at.checkbox if b.label == translate(lang, "upload.provisional"))
    assert box.value is True, "a provisional year stays provisional unless the analyst says otherwise"
    box.uncheck().run()
    next(b for b in at.checkbox if b.label != translate(lang, "upload.provisional")).check().run()  # replace
    next(b for b in at.button if b.label == translate(lang, "upload.load_button", year=2019)).click().run()
    assert not at.exception
    load_id = warehouse.history()[0]["load_id"]
    assert [s.value for s in at.success] == [translate(lang, "upload.done_now_final", load_id=load_id, year=2019)]
    assert provisional_now(warehouse) == []


# -- every page, the report, the downloads -----------------------------------------------------

NOTICE = {"id": "Angka 2018, 2019 bersifat sementara", "en": "Figures for 2018, 2019 are provisional",
          "zh": "2018、2019年数据为暂定"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_notice_on_every_page_in_every_language(warehouse: Warehouse, lang: str) -> None:
    load_files(warehouse, [SAMPLE_2018, SAMPLE_2019], replace=True, provisional=True)
    params: dict[str, str | list[str]] = {"lang": lang} if lang != "id" else {}
    for page in ("views/overview.py", "views/participation.py", "views/activities.py", "views/benefits.py",
                 "views/data.py"):
        at = open_app(params, page)
        assert not at.exception, page
        assert [n for n in notices(at) if NOTICE[lang] in n], (page, notices(at))
    # Only while a selected year is provisional.
    at = open_app({**params, "year": "2017"})
    assert not at.exception
    sentence = toml_catalogue(lang)["notice.provisional"].split("{years}")[1]
    assert not [text for text in visible_texts(at) if sentence in text]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_notes_the_provisional_years(warehouse: Warehouse, lang: str) -> None:
    load_files(warehouse, [SAMPLE_2019], replace=True, provisional=True)
    available = Available(years=(2017, 2018, 2019), partners=("beijing",))
    shown = {"en": "Figures for 2019 are provisional", "zh": "2019年数据为暂定"}[lang]

    def report(years: tuple[int, ...]) -> str:
        return build_report(PageContext(db.reader(), Filters(years, "beijing", schema.FIELD.codes, "both", lang)),
                            available)

    html = report((2018, 2019))
    notes = html.split(toml_catalogue(lang)["data.section_notes"], 1)[1]
    assert shown in notes
    assert shown not in report((2017, 2018))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_charts_caption_says_which_of_its_years_are_provisional(warehouse: Warehouse, lang: str) -> None:
    """A chart is projected, printed and embedded without the page's notice: its caption says it."""
    load_files(warehouse, [SAMPLE_2019], replace=True, provisional=True)
    said = toml_catalogue(lang)["chart.provisional"].format(years="2019")

    def captions(years: tuple[int, ...]) -> dict[str, str]:
        ctx = PageContext(db.reader(), Filters(years, "beijing", schema.FIELD.codes, "both", lang))
        return {f"{page}/{chart.name}": chart.caption
                for page in params.CHART_PAGES for chart in charts.page_charts(ctx, page)}

    with_2019 = captions((2017, 2018, 2019))
    assert len(with_2019) > 15
    assert {name: caption for name, caption in with_2019.items() if said not in caption} == {}
    assert all(caption.count(said) == 1 for caption in with_2019.values())
    assert {name: caption for name, caption in captions((2017, 2018)).items()
            if toml_catalogue(lang)["chart.provisional"].split("{years}")[-1] in caption} == {}


def test_downloads_carry_the_provisional_column(warehouse: Warehouse, tmp_path: Path) -> None:
    from dashboard.queries import Scope

    load_files(warehouse, [SAMPLE_2019], replace=True, provisional=True)
    connection = expected_connection(warehouse, tmp_path)
    scope = Scope((2017, 2018, 2019))
    for sheet in schema.SHEETS:
        rows = export_rows(connection, sheet.name, scope)
        assert list(rows.columns) == export_columns(sheet.name) and list(rows.columns)[-1] == "provisional"
        assert rows["provisional"].tolist() == (rows["year"] == 2019).tolist()
        assert rows["provisional"].any() and not rows["provisional"].all()
        csv_rows = exports.to_csv(rows).decode("utf-8-sig").splitlines()
        header = csv_rows[0].split(",")
        assert header[-1] == "provisional"
        year_at = header.index("year")
        for line in csv_rows[1:3]:
            cells = line.split(",")
            if len(cells) == len(header):  # a text cell holding a comma is quoted: skip such lines
                assert cells[-1] == str(cells[year_at] == "2019")
        sheet_rows = list(load_workbook(io.BytesIO(exports.to_xlsx(rows, sheet.name))).worksheets[0].iter_rows(
            values_only=True))
        assert sheet_rows[0][-1] == "provisional"
        assert [row[-1] for row in sheet_rows[1:]] == [row[year_at] == 2019 for row in sheet_rows[1:]]
        assert all(isinstance(row[-1], bool) for row in sheet_rows[1:]), "typed booleans in Excel"


# -- a warehouse of the release before provisional years -------------------------------------------

def test_an_older_warehouse_without_the_status_table_is_upgraded(
        warehouse: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    with duckdb.connect(str(warehouse.current_file())) as connection:  # as the release before wrote it
        connection.execute("DROP TABLE year_status")
    assert warehouse.outdated()
    assert warehouse.provisional_years() == set() and warehouse.status_history() == []
    db.prepare_warehouse()  # what app.py runs when the server starts
    at = open_app({"lang": "en"}, "views/data.py")  # and the pages read the upgraded warehouse
    assert not at.exception
    assert not warehouse.outdated()
    assert warehouse.status_history() == [], "years loaded before count as final: no change rows invented"
    assert provisional_now(warehouse) == []
    code, out = cli(capsys, "load", "--replace", "--provisional", str(SAMPLE_2019))
    assert code == 0, out
    assert ensure_built(warehouse) is False and provisional_now(warehouse) == [2019]
