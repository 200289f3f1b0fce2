"""Built charts are shared by every session of the same data and filters, and never outlive their data."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from dashboard import charts, db
from dashboard.context import PageContext
from dashboard.filters import Filters
from dashboard.findings import overview_findings
from etl import schema
from etl.load import load_files
from etl.warehouse import Warehouse
from tests.apptest import drawn_charts, open_app
from tests.test_upload import year_2020
from translations import DEFAULT_LANGUAGE, LANGUAGES


def _context(years: tuple[int, ...], lang: str = "en", presenting: bool = False) -> PageContext:
    return PageContext(db.reader(), Filters(years, "beijing", schema.FIELD.codes, "both", lang), presenting)


def test_two_sessions_with_the_same_view_share_one_chart(warehouse: Warehouse) -> None:
    first = charts.overview_activities(_context((2017, 2018, 2019)))
    again = charts.overview_activities(_context((2017, 2018, 2019), presenting=True))  # another session
    assert first is not None and again is first
    assert charts.overview_activities(_context((2018, 2019))) is not first, "other filters, another chart"
    assert charts.overview_activities(_context((2017, 2018, 2019), "zh")) is not first, "another language"
    assert charts.activities_by(_context((2018,)), "type") is not charts.activities_by(_context((2018,)), "field")


def test_presentation_mode_makes_its_larger_figure_once_per_shared_chart(warehouse: Warehouse) -> None:
    chart = charts.overview_activities(_context((2017, 2018, 2019), presenting=True))
    assert chart is not None
    projected = chart.projector_figure
    assert chart.projector_figure is projected is not chart.figure
    assert projected.layout.font.size > chart.figure.layout.font.size
    assert projected.layout.margin.l >= chart.figure.layout.margin.l


def test_the_findings_of_a_view_are_shared_too_and_follow_its_filters(warehouse: Warehouse) -> None:
    found = overview_findings(_context((2017, 2018, 2019)))
    assert overview_findings(_context((2017, 2018, 2019), presenting=True)) is found
    earlier = overview_findings(_context((2017, 2018)))
    assert earlier is not found and earlier["selection"].year == 2018 and found["selection"].year == 2019


def test_a_load_is_a_new_version_and_its_charts_are_built_again(warehouse: Warehouse, tmp_path: Path) -> None:
    before = charts.overview_selection(_context((2017, 2018, 2019)))
    load_files(warehouse, [year_2020(tmp_path)], loaded_by="test")
    after = charts.overview_selection(_context((2017, 2018, 2019, 2020)))
    assert before is not None and after is not None and after is not before
    assert "2020" in after.data.iloc[:, 0].astype(str).tolist()
    same_years = charts.overview_selection(_context((2017, 2018, 2019)))
    assert same_years is not before, "the same filters on the new data version are not served the old chart"


def test_the_server_warms_the_overview_of_the_default_view_in_the_default_language(
        warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import figures, warmup

    try:
        warmup.warm()
        # What the warm-up loaded is kept out of later collections (Streamlit collects after every run).
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # this test process goes on with other tests
    built: list[str] = []
    real = figures.stacked_by_year
    monkeypatch.setattr(figures, "stacked_by_year", lambda *args, **kwargs: built.append("x") or real(*args, **kwargs))
    # A new visitor's first run of a link without lang=: every Overview chart comes from the warm-up.
    assert len(charts.page_charts(_context((2017, 2018, 2019), DEFAULT_LANGUAGE), "overview")) == 4
    assert built == []
    at = open_app()  # and the app's own default view is that view
    assert not at.exception and len(drawn_charts(at)) == 4
    assert built == []
    other = next(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)
    charts.overview_activities(_context((2017, 2018, 2019), other))
    assert built == ["x"], "the other languages are built by their first visitor (the warm-up would delay a cold start)"
    built.clear()
    charts.overview_activities(_context((2018, 2019)))
    assert built == ["x"], "a view the warm-up did not build is built on demand"
