"""Ten years loaded, read on a phone and on a small projector: every number written on a chart keeps its
size and stands clear of the others.

The written counts were laid out for the sample's three years. With the program's years so far loaded
(2017–2026: the sample's workbooks moved to 2020–2026), Plotly shrank the Overview's applicants and
delegates counts to a few pixels on a phone, and the returning applicants' counts with them; with larger
counts (the bench's generated warehouses) the totals above the stacks ran into each other, and the
Benefits page's trend rows wrote ten values each into one line ("75.0%80.0%75.0%…").
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from bench.warehouses import ensure_big, scaled_counts
from etl.load import load_files
from etl.warehouse import Warehouse
from tests.workbooks import another_partners_year

from .harness import LOGS, SHOWN_CHART, RunningApp, new_context, open_page, save_screenshot, start_app, stop_app
from .written import check_written_numbers

YEARS = range(2017, 2027)
PHONE = {"width": 390, "height": 844}
SMALL_PROJECTOR = {"width": 1280, "height": 720}
PAGES = ("/", "/participation", "/activities", "/benefits")
# The timeline's month totals (level or upright) whose middle stands over no bar of their panel just below
# them; the panels' titles (the years) and a timeline of rows (its titles are words) are left out.
_TOTALS_ASTRAY_JS = """plot => {
  const bars = [...plot.querySelectorAll('.bars .point path')].map(path => path.getBoundingClientRect())
    .filter(bar => bar.width > 0);
  return [...plot.querySelectorAll('.annotation-text, .textpoint text')]
    .filter(text => /^[\\d.,]+$/.test(text.textContent.trim()) && !/^\\d{4}$/.test(text.textContent.trim()))
    .map(text => text.getBoundingClientRect())
    .filter(total => !bars.some(bar => bar.left <= (total.left + total.right) / 2
                                       && (total.left + total.right) / 2 <= bar.right
                                       && bar.top >= total.bottom - 2 && bar.top - total.bottom <= 20))
    .map(total => [Math.round(total.left), Math.round(total.top)]);
}"""


@pytest.fixture(scope="module")
def ten_years(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """A server on the sample warehouse with 2020–2026 loaded as well (each a sample year's workbook, moved)."""
    root = tmp_path_factory.mktemp("ten-years")
    shutil.copytree(sample_warehouse_dir, root / "data", symlinks=True)
    warehouse_file = root / "data" / "warehouse.duckdb"
    workbooks = [another_partners_year(root / "upload" / f"{year}.xlsx", year, "Beijing",
                                       source_year=2017 + (year - 2020) % 3) for year in range(2020, 2027)]
    load_files(Warehouse(warehouse_file), workbooks, loaded_by="test")
    app = start_app(warehouse_file, LOGS / "streamlit-ten-years.log")
    try:
        yield app
    finally:
        stop_app(app)


def _read_every_chart_page(app: RunningApp, browser: Browser, screen: str, lang: str, query: str,
                           name: str) -> dict[str, int]:
    """Every chart page on a phone or, in presentation mode, a small projector, its written numbers checked
    (_check_written_numbers) and a screenshot saved as ``name``-screen-lang-page."""
    viewport, mode = (PHONE, "") if screen == "phone" else (SMALL_PROJECTOR, "&present=1")
    context = new_context(browser, viewport=viewport)
    page = context.new_page()
    checked: dict[str, int] = {}
    try:
        for path in PAGES:
            open_page(page, app.url(path, f"lang={lang}{query}{mode}"))
            save_screenshot(page, f"{name}-{screen}-{lang}-{path.strip('/') or 'overview'}")
            checked |= check_written_numbers(page, path)
            if path == "/activities":  # each month's total stands over its own month's bars
                timeline = page.locator(f".st-key-figure-timeline {SHOWN_CHART}")
                astray = timeline.evaluate(_TOTALS_ASTRAY_JS)
                assert not astray, f"{screen} {lang}: month totals over no bar of theirs at {astray}"
    finally:
        context.close()
    return checked


@pytest.mark.parametrize(("screen", "lang"), [("phone", "en"), ("phone", "zh"), ("projector", "id")])
def test_every_written_number_keeps_its_size_and_its_place(ten_years: RunningApp, browser: Browser,
                                                           screen: str, lang: str) -> None:
    checked = _read_every_chart_page(ten_years, browser, screen, lang,
                                     f"&year={'&year='.join(map(str, YEARS))}", "ten-years")
    # The charts that write a number per year wrote one for each year (two panels' for the selection; the
    # returning applicants from the second year).
    per_year = {name: count for name, count in checked.items() if count >= len(YEARS) - 1}
    assert {"/ selection", "/participation selection-rate", "/participation repeat-applicants",
            "/ activities", "/activities by-type"} <= set(per_year), checked


def test_ten_years_of_activities_stand_as_bars_a_phone_can_read(ten_years: RunningApp, browser: Browser) -> None:
    """With ten years the timeline counts activities per month. On one date axis across the years, each
    month's bar was 3 px wide on a phone, between months of nothing; a panel per year of the months that
    hold activities gives each bar at least 20 px."""
    context = new_context(browser, viewport=PHONE)
    page = context.new_page()
    try:
        open_page(page, ten_years.url("/activities", f"lang=id&year={'&year='.join(map(str, YEARS))}"))
        chart = page.locator(".st-key-figure-timeline .js-plotly-plot").first
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        widths = chart.evaluate("""plot => [...plot.querySelectorAll('.bars .point path')]
            .map(path => path.getBoundingClientRect().width).filter(width => width > 0)""")
        panels = chart.evaluate("plot => plot.querySelectorAll('.cartesianlayer .subplot').length")
        save_screenshot(page, "ten-years-phone-id-timeline")
    finally:
        context.close()
    assert panels == len(YEARS)
    assert widths and min(widths) >= 20, sorted(widths)[:5]


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """A server on the bench's generated warehouse of 1M participants (ten years, 127,778 activities)."""
    counts = scaled_counts(1_000_000, {"participants": 345, "activities": 46, "benefits": 48, "obstacles": 18})
    app = start_app(ensure_big(tmp_path_factory.mktemp("million-rows"), counts), LOGS / "streamlit-million-rows.log")
    try:
        yield app
    finally:
        stop_app(app)


@pytest.mark.parametrize(("screen", "lang"), [("phone", "id"), ("projector", "zh")])
def test_every_written_number_keeps_its_place_at_a_million_rows(million_rows: RunningApp, browser: Browser,
                                                                screen: str, lang: str) -> None:
    """At 1M rows the counts have five and six digits, and the timeline's month totals four: a phone wrote
    eleven of them into one line ("1.0861.0491.104"). Every chart page, every written number clear."""
    checked = _read_every_chart_page(million_rows, browser, screen, lang, "", "million-rows")
    months = len(range(1, 12)) * len(YEARS)  # the generated activities start January to November
    assert checked.get("/activities timeline", 0) >= months + len(YEARS), checked  # totals and panel titles
