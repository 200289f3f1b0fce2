"""A program year's activities can run into the next calendar year (a follow-up visit in January): the
timeline's panel of that year names such a month or day with its year, as Chromium draws it.

The panel "2019" of rows named its months "Jul … Des Jan": January of 2019 to a reader. The month and
day names are Plotly's, from the chart's locale, and dashboard.figures.dated_ticks writes them back
through labelalias: a label it fails to match would show its year on the same line ("Jan 2019").
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Browser

from etl.load import load_files
from etl.warehouse import Warehouse
from tests.workbooks import edited_sample, set_cells
from translations import month_names

from .harness import LOGS, RunningApp, new_context, open_page, save_screenshot, start_app, stop_app

# The sample's last two activities of 2019 (Excel rows 17 and 18): a one-night stay over the new year, the
# only tourism activity of 2019, and a follow-up running from December into January.
NEW_YEARS_EVE = {("start_date", 17): dt.datetime(2019, 12, 31), ("end_date", 17): dt.datetime(2020, 1, 1)}
FOLLOW_UP = {("start_date", 18): dt.datetime(2019, 12, 20), ("end_date", 18): dt.datetime(2020, 1, 10)}

# Each x axis's tick labels, a label's lines joined by "|", and the bottom margin sent and drawn.
_TICKS_JS = """plot => {
  const axes = {};
  for (const text of plot.querySelectorAll('.xaxislayer-above text')) {
    const axis = [...text.parentNode.classList].find(c => /^x\\d*tick$/.test(c));
    const lines = [...text.querySelectorAll('tspan.line')].map(line => line.textContent);
    (axes[axis] ??= []).push(lines.length ? lines.join('|') : text.textContent);
  }
  return {axes, given: plot._fullLayout.margin.b, drawn: plot._fullLayout._size.b};
}"""


@pytest.fixture(scope="module")
def into_next_year(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """`streamlit run` on the sample warehouse with 2019's last two activities moved over the new year."""
    root = tmp_path_factory.mktemp("e2e-new-year")
    shutil.copytree(sample_warehouse_dir, root / "data", symlinks=True)
    warehouse = Warehouse(root / "data" / "warehouse.duckdb")

    def move(workbook: Workbook) -> None:
        set_cells("activities", NEW_YEARS_EVE | FOLLOW_UP)(workbook)

    load_files(warehouse, [edited_sample(root / "upload" / "2019.xlsx", move, year=2019)], replace=True,
               loaded_by="test")
    app = start_app(warehouse.path, LOGS / "streamlit-e2e-new-year.log")
    try:
        yield app
    finally:
        stop_app(app)


def _timeline_ticks(app: RunningApp, browser: Browser, width: int, lang: str, query: str, shot: str) -> dict:
    context = new_context(browser, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        open_page(page, app.url("/activities", f"lang={lang}&{query}"))
        chart = page.locator(".st-key-figure-timeline .js-plotly-plot")
        chart.scroll_into_view_if_needed()
        chart.locator(".xaxislayer-above text").first.wait_for()
        save_screenshot(page, shot)
        return chart.evaluate(_TICKS_JS)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_month_of_the_next_year_is_named_with_its_year(into_next_year: RunningApp, browser: Browser,
                                                        lang: str) -> None:
    """Every year: 2017's and 2018's panels name their months alone; 2019's, July to January, names
    January with "2020" below it, and the bottom margin holds that line (Plotly did not have to grow it)."""
    drawn = _timeline_ticks(into_next_year, browser, 390, lang, "", f"new-year-phone-{lang}-timeline")
    names = month_names(lang)
    *earlier, last = (drawn["axes"][axis] for axis in sorted(drawn["axes"], key=len))
    assert len(earlier) == 2 and all(label in names for labels in earlier for label in labels), drawn
    assert last == [*names[6:12], f"{names[0]}|2020"], drawn
    assert drawn["drawn"] == drawn["given"], drawn


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_day_of_the_next_year_is_named_with_its_year(into_next_year: RunningApp, browser: Browser,
                                                      lang: str) -> None:
    """2019's tourism: one activity, 31 December to 1 January, a panel marked by day. The days of 2020
    carry the year on a second line, those of 2019 none."""
    drawn = _timeline_ticks(into_next_year, browser, 1440, lang, "year=2019&field=tourism",
                            f"new-year-laptop-{lang}-timeline-days")
    (labels,) = drawn["axes"].values()
    december, january = month_names(lang)[11], month_names(lang)[0]
    assert len(labels) >= 3, labels
    for label in labels:
        day, _, year = label.partition("|")
        assert (december in day and not year) or (january in day and year == "2020"), labels
    assert any(year for _, _, year in (label.partition("|") for label in labels)), labels
    assert drawn["drawn"] == drawn["given"], drawn
