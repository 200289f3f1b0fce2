"""A program year's activities can run into the next calendar year (a follow-up visit in January, a closing
event in June): the timeline's panel of that year names such a month or day with its year, and names only as
many months as stand level side by side, as Chromium draws them.

The panel "2019" of rows named its months "Jul … Des Jan": January of 2019 to a reader. A phone's panel of
twelve months turned its names upright. The month and day names are Plotly's, from the chart's locale, and
dashboard.figures.dated_ticks writes them back through labelalias: a label it fails to match would show
its year on the same line ("Jan 2019").
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.workbooks import set_cells
from translations import month_names

from .edited import edited_sample_app
from .harness import SHOWN_CHART, RunningApp, new_context, open_page, save_screenshot

# The sample's last three activities of 2019 (Excel rows 16 to 18): a closing event in June (environment,
# beside August's), a one-night stay over the new year (the only tourism activity of 2019), and a follow-up
# running from December into January.
CLOSING = {("start_date", 16): dt.datetime(2020, 6, 20), ("end_date", 16): dt.datetime(2020, 6, 22)}
NEW_YEARS_EVE = {("start_date", 17): dt.datetime(2019, 12, 31), ("end_date", 17): dt.datetime(2020, 1, 1)}
FOLLOW_UP = {("start_date", 18): dt.datetime(2019, 12, 20), ("end_date", 18): dt.datetime(2020, 1, 10)}

# Each x axis's tick labels, in order: a label's lines joined by "|", its box, and whether it is turned; and
# the bottom margin sent and drawn.
_TICKS_JS = """plot => {
  const axes = {};
  for (const text of plot.querySelectorAll('.xaxislayer-above text')) {
    const axis = [...text.parentNode.classList].find(c => /^x\\d*tick$/.test(c));
    const lines = [...text.querySelectorAll('tspan.line')].map(line => line.textContent);
    const box = text.getBoundingClientRect();
    (axes[axis] ??= []).push({text: lines.length ? lines.join('|') : text.textContent,
                              left: box.left, right: box.right,
                              turned: /rotate\\((?!0[,)])/.test(text.getAttribute('transform') || '')});
  }
  for (const labels of Object.values(axes)) labels.sort((a, b) => a.left - b.left);
  const last = Object.keys(axes).sort((a, b) => a.length - b.length || a.localeCompare(b)).pop();
  const gridlines = plot.querySelectorAll(`.${last.replace('tick', '')}grid, .${last.replace('tick', '')}minorgrid`);
  return {axes, given: plot._fullLayout.margin.b, drawn: plot._fullLayout._size.b, gridlines: gridlines.length};
}"""


@pytest.fixture(scope="module")
def into_next_year(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """`streamlit run` on the sample warehouse with 2019's last three activities moved into 2020."""
    with edited_sample_app(sample_warehouse_dir, tmp_path_factory.mktemp("e2e-new-year"),
                           {2019: set_cells("activities", CLOSING | NEW_YEARS_EVE | FOLLOW_UP)},
                           "streamlit-e2e-new-year.log") as app:
        yield app


def _timeline_ticks(app: RunningApp, browser: Browser, width: int, lang: str, query: str, shot: str) -> dict:
    context = new_context(browser, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        open_page(page, app.url("/activities", f"lang={lang}&{query}"))
        chart = page.locator(f".st-key-figure-timeline {SHOWN_CHART}")
        chart.scroll_into_view_if_needed()
        chart.locator(".xaxislayer-above text").first.wait_for()
        save_screenshot(page, shot)
        return chart.evaluate(_TICKS_JS)
    finally:
        context.close()


def _level_and_apart(labels: list[dict]) -> bool:
    """Every label level, and clear of the next."""
    return not any(label["turned"] for label in labels) and all(
        before["right"] <= after["left"] for before, after in itertools.pairwise(labels))


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_month_of_the_next_year_is_named_with_its_year(into_next_year: RunningApp, browser: Browser,
                                                        lang: str) -> None:
    """Every year. 2017's and 2018's panels name their months alone. 2019's runs from July to the next June,
    twelve months whose names, those of 2020 with "2020" below, do not stand level in a phone's panel: it
    names every second one, and the others keep their gridlines. A laptop's chart is as wide as the wide
    figure is laid out for, which it shows (Chart.wide_on_screen): every month named. The bottom margin
    holds the year's line (Plotly did not grow it)."""
    names = month_names(lang)
    twelve = [*names[6:12], *(f"{name}|2020" for name in names[:6])]
    # On a phone every second month, from January as Plotly counts: July, September … May.
    for width, device, named in ((1440, "laptop", twelve), (390, "phone", twelve[::2])):
        drawn = _timeline_ticks(into_next_year, browser, width, lang, "", f"new-year-{device}-{lang}-timeline")
        *earlier, last = (drawn["axes"][axis] for axis in sorted(drawn["axes"], key=lambda a: (len(a), a)))
        assert len(earlier) == 2 and all(label["text"] in names for labels in earlier for label in labels), drawn
        assert [label["text"] for label in last] == named, last
        assert all(_level_and_apart(labels) for labels in [*earlier, last]), drawn
        assert drawn["drawn"] == drawn["given"], drawn
        assert drawn["gridlines"] >= 11, drawn  # a gridline at each month's start inside the panel


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_day_of_the_next_year_is_named_with_its_year(into_next_year: RunningApp, browser: Browser,
                                                      lang: str) -> None:
    """2019's tourism: one activity, 31 December to 1 January, a panel marked by day. The days of 2020
    carry the year on a second line, those of 2019 none."""
    drawn = _timeline_ticks(into_next_year, browser, 390, lang, "year=2019&field=tourism",
                            f"new-year-phone-{lang}-timeline-days")
    (labels,) = drawn["axes"].values()
    december, january = month_names(lang)[11], month_names(lang)[0]
    assert len(labels) >= 3 and _level_and_apart(labels), labels
    for label in labels:
        day, _, year = label["text"].partition("|")
        assert (december in day and not year) or (january in day and year == "2020"), labels
    assert any("|2020" in label["text"] for label in labels), labels
    assert drawn["drawn"] == drawn["given"], drawn
