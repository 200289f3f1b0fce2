"""Charts drawn once: the margins reserved by dashboard.margins hold every label, as Chromium draws them.

Plotly's automargin draws a figure a second time when its labels need more room than its margins give
(that second drawing was most of a chart's cost in the browser). At a laptop's size, in every language,
and in presentation mode on a 1920 × 1080 projector, no chart of any page may need it: each chart's
drawn margins are the ones it was sent with, and its width is the one its margins were reserved for
(half the page beside another chart, or the whole).
On a phone the legend wraps into more rows than reserved and automargin makes room (slower, never cut);
that is not asserted here.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from dashboard import margins, params
from dashboard.charts import SIDE_BY_SIDE

from .harness import SHOWN_CHARTS_JS, RunningApp, after_interaction, new_context, open_page

LAPTOP = {"width": 1440, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}

# Each drawn chart: its name (the figure container's key), width, the margins it was sent with and the
# ones Plotly ended up with.
_DRAWN_JS = """() => """ + SHOWN_CHARTS_JS + """.map(plot => {
  const holder = plot.closest('[class*="st-key-figure-"]');
  const key = holder ? [...holder.classList].find(c => c.startsWith('st-key-figure-')) : '';
  const size = plot._fullLayout._size, given = plot._fullLayout.margin;
  return {name: key.replace('st-key-figure-', ''), width: plot._fullLayout.width,
          given: [given.l, given.r, given.t, given.b], drawn: [size.l, size.r, size.t, size.b]};
})"""


def _drawn_charts(page: Page, url: str, tabs: bool) -> list[dict]:
    open_page(page, url)
    drawn = page.evaluate(_DRAWN_JS)
    if tabs:  # the profile tabs draw only the open one: open each
        tab_list = page.get_by_role("tab")
        for index in range(1, tab_list.count()):
            after_interaction(page, tab_list.nth(index).click)
            seen = {chart["name"] for chart in drawn}
            drawn += [chart for chart in page.evaluate(_DRAWN_JS) if chart["name"] not in seen]
    return drawn


@pytest.mark.parametrize(("screen", "lang"), [("laptop", "id"), ("laptop", "en"), ("laptop", "zh"),
                                             ("projector", "id")])
def test_every_chart_is_drawn_once(dashboard: RunningApp, browser: Browser, screen: str, lang: str) -> None:
    """At a laptop's size, and in presentation mode on a 1920 × 1080 projector (larger text)."""
    presenting = screen == "projector"
    context = new_context(browser, viewport=PROJECTOR if presenting else LAPTOP)
    try:
        page = context.new_page()
        problems, names = [], set()
        for name in params.CHART_PAGES:
            path = "/" if name == "overview" else f"/{name}"
            query = f"lang={lang}" + ("&present=1" if presenting else "")
            for chart in _drawn_charts(page, dashboard.url(path, query), tabs=name == "participation"):
                names.add((name, chart["name"]))
                grew = [round(d - g) for d, g in zip(chart["drawn"], chart["given"], strict=True)]
                if any(change > 0 for change in grew):
                    problems.append(f"{name}/{chart['name']}: margins {chart['given']} grew to {chart['drawn']}")
                width = (margins.PROJECTOR_WIDTH if presenting else margins.HALF_WIDTH
                         if (name, chart["name"]) in SIDE_BY_SIDE else margins.FULL_WIDTH)
                if abs(chart["width"] - width) > 8:
                    problems.append(f"{name}/{chart['name']}: drawn {chart['width']} px wide, reserved for {width}")
    finally:
        context.close()
    assert len(names) >= 25, names  # every chart of the four pages was seen
    assert names >= SIDE_BY_SIDE, SIDE_BY_SIDE - names
    assert not problems, "\n".join(problems)


def test_the_width_table_is_the_font_the_page_draws(dashboard: RunningApp, browser: Browser) -> None:
    """dashboard.margins measures labels with a table of Source Sans widths: Chromium agrees, letter by letter."""
    context = new_context(browser, viewport=LAPTOP)
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/", "lang=en"))
        letters = [chr(code) for code in (*range(0x20, 0x7F), *range(0xA0, 0x100))]
        letters += list("–—…·→’‘“”•×国，")
        measured = page.evaluate("""letters => {
          const context = document.createElement('canvas').getContext('2d');
          context.font = '1000px "Source Sans"';
          return [document.fonts.check('12px "Source Sans"'),
                  Object.fromEntries(letters.map(letter => [letter, context.measureText(letter).width]))];
        }""", letters)
    finally:
        context.close()
    loaded, widths = measured
    assert loaded, "the page's web font is there"
    wrong = {letter: (round(width), margins.char_width(letter)) for letter, width in widths.items()
             if abs(width - margins.char_width(letter)) > 2}
    assert wrong == {}
