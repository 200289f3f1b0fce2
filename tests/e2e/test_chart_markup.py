"""Workbook text on a chart is drawn as text in a real browser: no planted link, no huge text.

What a reader would notice when this fails: an activity titled
`<a href="https://evil.example/login">Klik di sini</a>` is a clickable link on the public
Activities timeline, and `<span style="font-size:90px">` draws a title as huge text over it.

The dashboard runs here on its own warehouse (the sample, with 2017's workbook replaced by one
holding those titles), so the session's shared server keeps the plain sample data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from dashboard.figures import ELLIPSIS, LABEL_LIMIT, first_characters
from tests.workbooks import set_cells
from translations import translate

from .edited import edited_sample_app
from .harness import SHOWN_CHART, RunningApp, open_page

LINK = '<a href="https://evil.example/login">Klik di sini</a>'
SPAN = '<span style="font-size:90px">Besar sekali</span>'
LONG = ("Diskusi revitalisasi kawasan Kota Tua dan trotoar Sudirman–Thamrin bersama warga " * 2)[:150]
# An indicator code as the validator allows it (letters, digits, "-", "_", "."), in place of KC-KT-01 (the
# sample's percent indicator on row 2 of 2017's and 2018's benefits): in Markdown, "_KC_KT_" is italic "KC_KT".
CODE = "_KC_KT_"
CODE_ROW = 2
# ... and in place of RAY-NW-01 (the count indicator of 2017's row 8 and 2019's row 9, the largest change the
# count trend's text alternative names): GitHub's Markdown links a word starting "www." by itself, whatever
# its marks are escaped with.
ADDRESS_CODE = "www.evil.example"
ADDRESS_ROWS = {2017: 8, 2019: 9}

# Links and text sizes Plotly drew inside the timeline's SVG, and the titles written above its rows.
DRAWN_JS = """(chart) => {
  const xlink = 'http://www.w3.org/1999/xlink';
  const links = Array.from(chart.querySelectorAll('svg a')).map(a =>
      a.getAttribute('href') || a.getAttributeNS(xlink, 'href') || '');
  const sizes = Array.from(chart.querySelectorAll('svg text, svg tspan')).map(e =>
      [(e.getAttribute('style') || ''), getComputedStyle(e).fontSize]);
  const texts = Array.from(chart.querySelectorAll('.textpoint text'));
  const titles = texts.map(e => e.textContent);
  const rights = texts.map(e => e.getBoundingClientRect().right);
  return {links, sizes, titles, rights, right: chart.getBoundingClientRect().right};
}"""


@pytest.fixture(scope="module")
def hostile_dashboard(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """`streamlit run` on a copy of the sample warehouse whose 2017 activities have hostile titles."""
    titles = set_cells("activities", {("title", 2): LINK, ("title", 3): SPAN, ("title", 4): LONG})
    code = set_cells("benefits", {("indicator_code", CODE_ROW): CODE})  # the same indicator in both years
    address = {year: set_cells("benefits", {("indicator_code", row): ADDRESS_CODE})
               for year, row in ADDRESS_ROWS.items()}

    def edit_2017(workbook: Workbook) -> None:
        titles(workbook)
        code(workbook)
        address[2017](workbook)

    edits = {2017: edit_2017, 2018: code, 2019: address[2019]}
    with edited_sample_app(sample_warehouse_dir, tmp_path_factory.mktemp("e2e-markup"), edits,
                           "streamlit-e2e-markup.log") as app:
        yield app


def written_whole_or_cut(title: str, drawn: list[str]) -> bool:
    """Whether a timeline row shows ``title`` as text: whole, or its first characters ending in "…" (a row
    holds one line of a phone's plot; the hover label has the title whole)."""
    typed = first_characters(title, LABEL_LIMIT)
    return typed in drawn or any(text.endswith(ELLIPSIS) and typed.startswith(text[:-1]) for text in drawn)


def test_activities_timeline_draws_workbook_markup_as_text(hostile_dashboard: RunningApp, page: Page) -> None:
    open_page(page, hostile_dashboard.url("/activities", "lang=en"))
    title = translate("en", "activities.chart_timeline")
    # The chart's title is the heading of its figure, outside the plot (dashboard.components._figure).
    figure = page.locator('[class*="st-key-figure-"]').filter(has=page.get_by_role("heading", name=title))
    # Sent in two figures, a phone's and a wide screen's (Chart.wide_on_screen), one of them shown: both checked.
    charts = figure.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(2)
    shown = figure.locator(SHOWN_CHART)
    shown.scroll_into_view_if_needed()
    expect(shown.locator(".textpoint text").first).to_be_attached()
    for chart in charts.all():
        expect(chart.locator(".textpoint text").first).to_be_attached()
        drawn = chart.evaluate(DRAWN_JS)
        assert [href for href in drawn["links"] if "evil.example" in href] == []
        assert [size for size in drawn["sizes"] if "90px" in size[0] or size[1] == "90px"] == []
        # The markup is there to read, as the words the analyst typed.
        assert written_whole_or_cut(LINK, drawn["titles"]) and written_whole_or_cut(SPAN, drawn["titles"])
        # The long title is cut above its row, within the chart.
        assert written_whole_or_cut(LONG, drawn["titles"]) and LONG not in drawn["titles"]
        assert all(right <= drawn["right"] for right in drawn["rights"]), "every title inside the chart"
    expect(shown.locator(".textpoint text").filter(has_text='<a href="https://evil.example/login">')).to_be_visible()


def test_a_workbook_code_in_a_text_alternative_is_shown_as_typed(hostile_dashboard: RunningApp, page: Page) -> None:
    """The trends' text alternative names indicators by their codes, and a caption is Markdown: the code
    "_KC_KT_" would be drawn as an italic "KC_KT"."""
    open_page(page, hostile_dashboard.url("/benefits", "lang=en"))
    caption = page.locator(".st-key-figure-trend-percent").get_by_test_id("stCaptionContainer")
    caption.scroll_into_view_if_needed()
    expect(caption).to_contain_text(f"{CODE} 66.7% (2017) → 75.0% (2018)")
    expect(caption.locator("em, strong, code, a")).to_have_count(0)



def test_a_workbook_code_like_an_address_is_not_made_a_link(hostile_dashboard: RunningApp, page: Page) -> None:
    """The indicator code "www.evil.example" is valid (letters, digits, "-", "_", "."): in the count trend's
    text alternative it was a link to evil.example on the public Benefits page."""
    open_page(page, hostile_dashboard.url("/benefits", "lang=en"))
    caption = page.locator(".st-key-figure-trend-count").get_by_test_id("stCaptionContainer")
    caption.scroll_into_view_if_needed()
    expect(caption).to_contain_text(ADDRESS_CODE)
    expect(caption.locator("a")).to_have_count(0)
