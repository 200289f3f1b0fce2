"""Every page says as of when its data is: the last load or change of a year's status, on Jakarta's clock, and
the data version. A policymaker quoting a figure says as of when; before, only the Data page named the
version, and nothing said a date."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db, queries
from dashboard.components import embed_source
from dashboard.context import PageContext
from dashboard.filters import Available, Filters
from dashboard.report import build_report
from etl import schema
from etl.load import load_files
from etl.warehouse import Warehouse
from tests.apptest import PAGES, open_app
from tests.paths import SAMPLE_FILES
from translations import LANGUAGES, jakarta_moment, translate

AGED = dt.timedelta(days=30, hours=5)


def latest_change(warehouse: Warehouse) -> dt.datetime:
    """The test's own SQL: the latest load or status change, in UTC as the warehouse keeps it."""
    with warehouse.connect_reader() as connection:
        (moment,) = connection.execute("""
            SELECT greatest((SELECT max(loaded_at) FROM loads),
                            coalesce((SELECT max(changed_at) FROM year_status), '-infinity'::TIMESTAMP))""").fetchone()
    return moment


def said(warehouse: Warehouse, lang: str) -> str:
    return translate(lang, "data.updated", moment=jakarta_moment(latest_change(warehouse), lang),
                     version=warehouse.data_version())


def captions(at: AppTest) -> str:
    return "\n".join(caption.value for caption in at.caption)


def age_the_loads(warehouse: Warehouse) -> None:
    """Every load and status change made a month earlier (in a new version): a date no other step of the test
    writes."""

    def age(connection: duckdb.DuckDBPyConnection) -> None:
        connection.execute("UPDATE loads SET loaded_at = loaded_at - $aged", {"aged": AGED})
        connection.execute("UPDATE year_status SET changed_at = changed_at - $aged", {"aged": AGED})

    warehouse.change(age)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_as_of_when_its_data_is(warehouse: Warehouse, page: str) -> None:
    age_the_loads(warehouse)
    for lang in LANGUAGES:
        at = open_app({"lang": lang}, page)
        assert not at.exception, at.exception
        expected = said(warehouse, lang)
        assert expected in captions(at), (page, lang, captions(at)[:400])
        assert captions(at).count(expected) == 1, "said once"


def test_a_load_or_a_finalise_moves_the_date_and_the_version(warehouse: Warehouse) -> None:
    age_the_loads(warehouse)
    aged, aged_version = latest_change(warehouse), warehouse.data_version()
    at = open_app({"lang": "en"})
    assert said(warehouse, "en") in captions(at)

    load_files(warehouse, [SAMPLE_FILES[2]], replace=True, provisional=True)
    loaded = latest_change(warehouse)
    assert loaded - aged > dt.timedelta(days=30) and warehouse.data_version() != aged_version
    assert said(warehouse, "en") in captions(open_app({"lang": "en"}))

    change = warehouse.finalise(2019, "budi")
    with warehouse.connect_reader() as connection:
        (changed_at,) = connection.execute("SELECT changed_at FROM year_status WHERE change_id = $id",
                                           {"id": change.change_id}).fetchone()
    assert latest_change(warehouse) == changed_at >= loaded
    at = open_app({"lang": "id"})
    assert said(warehouse, "id") in captions(at) and warehouse.data_version() in captions(at)


def test_the_report_and_an_embedded_chart_say_it_too(warehouse: Warehouse) -> None:
    age_the_loads(warehouse)
    for lang in LANGUAGES:
        reader = db.reader()
        ctx = PageContext(reader, Filters((2017, 2018, 2019), "beijing", schema.FIELD.codes, "both", lang))
        assert said(warehouse, lang) in build_report(ctx, Available.of(queries.fetch(reader, "available")))
        assert said(warehouse, lang) in embed_source(ctx)
    at = open_app({"lang": "zh", "frame": "funnel"}, "views/participation.py")
    assert not at.exception and said(warehouse, "zh") in captions(at)


@pytest.mark.parametrize("page", ["views/overview.py", "views/benefits.py"])
def test_presentation_mode_says_it_under_the_filters(warehouse: Warehouse, page: str) -> None:
    """On a projector the intro is left out; its "as of" line moves to the bar, under the filters."""
    at = open_app({"lang": "zh", "present": "1"}, page)
    assert not at.exception
    assert translate("zh", "overview.intro", partner="北京") not in captions(at)
    bar = next(caption.value for caption in at.caption if said(warehouse, "zh") in caption.value)
    # The filter line, then the moment; a run of years by its ends, as the headings write it (ten years listed
    # ran the bar to a second line on a projector).
    assert bar.startswith("2017–2019 · 北京 · "), bar
    assert captions(at).count(said(warehouse, "zh")) == 1
    apart = open_app({"lang": "zh", "present": "1", "year": ["2017", "2019"]}, page)
    assert any(caption.value.startswith("2017、2019 · 北京 · ") for caption in apart.caption), captions(apart)


def test_the_latest_of_loads_and_status_changes_is_the_update() -> None:
    """The query on a bare DuckDB: nothing loaded, loads only, a later status change, an earlier one."""
    connection = duckdb.connect()
    connection.execute("CREATE TABLE loads (loaded_at TIMESTAMP)")
    connection.execute("CREATE TABLE year_status (changed_at TIMESTAMP)")
    updated = lambda: queries.last_update(connection)["updated_at"].iloc[0]  # noqa: E731
    assert updated() is None or str(updated()) == "NaT"
    connection.execute("INSERT INTO loads VALUES ('2026-11-01 03:00'), ('2026-11-20 17:30')")
    assert updated() == dt.datetime(2026, 11, 20, 17, 30)
    connection.execute("INSERT INTO year_status VALUES ('2026-11-25 01:00')")
    assert updated() == dt.datetime(2026, 11, 25, 1, 0)
    connection.execute("INSERT INTO loads VALUES ('2026-12-01 09:15')")
    assert updated() == dt.datetime(2026, 12, 1, 9, 15)


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "21 Nov 2026 00.30"), ("en", "21 Nov 2026 00:30"), ("zh", "2026年11月21日 00:30")])
def test_the_moment_is_jakartas_day_and_time_in_the_readers_words(lang: str, expected: str) -> None:
    """17:30 UTC is half past midnight in Jakarta, the next day (WIB, UTC+7)."""
    assert jakarta_moment(dt.datetime(2026, 11, 20, 17, 30), lang) == expected


@pytest.mark.parametrize("page", ["views/signin.py", "views/upload.py"])
def test_presentation_mode_names_no_filter_where_none_acts(warehouse: Warehouse, page: str) -> None:
    """Sign-in and upload show no filters; presenting them, the bar says as of when the data is and names no
    years, fields or direction (they would seem to narrow what the page shows)."""
    at = open_app({"lang": "zh", "present": "1", "year": "2018"}, page)
    assert not at.exception
    bar = next(caption.value for caption in at.caption if said(warehouse, "zh") in caption.value)
    assert bar == said(warehouse, "zh")
    assert "2018" not in captions(at).replace(said(warehouse, "zh"), "")
