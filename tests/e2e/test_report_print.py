"""The printed report: Chromium prints the offline report to A4 portrait, as a reader's Ctrl+P would.

The report is built in-process (dashboard.report.build_report) from the sample warehouse and
opened from a file. Chromium's page.pdf() fires `beforeprint` like a print dialog does, so the
PDF shows what a reader gets from any print. The PDF is read back with pypdf: page size and
count, the cover's text, each chart's page, a long table's header on every page it spans, and
no text running off the page.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from pypdf import PdfReader

from dashboard import charts, db
from dashboard.context import PageContext
from dashboard.filters import Available, Filters, filter_line
from dashboard.report import (
    DRAW_WIDTH_PX,
    PAGE_MARGIN_MM,
    PRINT_PAGE_HEIGHT_PX,
    PRINT_WIDTH_PX,
    build_report,
    printed_charts,
)
from etl import schema
from etl.warehouse import Warehouse
from translations import LANGUAGE_NAMES, jakarta_moment

from .harness import ARTIFACTS, SCREENSHOTS, new_context
from .written import check_written_numbers

PRINTS = ARTIFACTS / "print"
AVAILABLE = Available(years=(2017, 2018, 2019), partners=("beijing",))
GENERATED = dt.datetime(2026, 3, 5, 2, 30, tzinfo=dt.UTC)  # 09:30 WIB
PT_PER_MM = 72 / 25.4
A4_PT = (210 * PT_PER_MM, 297 * PT_PER_MM)
SCREEN = {"width": 1400, "height": 1000}  # charts drawn on screen far wider than the page

# Every chart's shown figure drawn: its printed one on a wide screen (a narrow screen's is drawn when first shown).
_DRAWN_JS = """() => [...document.querySelectorAll('.chart')].every(chart => {
    const plot = chart.querySelector('.js-plotly-plot');
    return plot && plot._fullLayout && chart.querySelector('svg.main-svg'); })"""
# Each chart: its block's box and its plot's box (CSS px of the page), and whether a mode bar shows.
_BOXES_JS = """() => [...document.querySelectorAll('.chart')].map(chart => {
    const printed = chart.querySelector('.figure.paper');
    const box = chart.getBoundingClientRect(), plot = printed.querySelector('svg.main-svg').getBoundingClientRect();
    const bar = printed.querySelector('.modebar-container');
    // Space above the legend: the top margin reserved for it (it stands just above the plot), less its height.
    const legend = printed.querySelector('.legend');
    const aboveLegend = legend ? legend.getBoundingClientRect().top - plot.top : null;
    return {name: chart.dataset.chart, top: box.top, height: box.height, plotLeft: plot.left, plotRight: plot.right,
            aboveLegend,
            plotWidth: Number(printed.querySelector('svg.main-svg').getAttribute('width')),
            modeBar: !!bar && getComputedStyle(bar).display !== 'none'}; })"""
LEGEND_TOP_SLACK_PX = 20  # at most this much space above a printed chart's legend (CSS px, as printed)
# The printed figures' widths (a narrow screen's figures are not printed).
_SVG_WIDTHS_JS = """() => [...document.querySelectorAll('.chart .figure.paper svg.main-svg')]
    .map(svg => Number(svg.getAttribute('width')))"""


def text(value: str) -> str:
    """Text as compared with the PDF's: ligatures undone (NFKC), every dash a '-', no white space."""
    value = re.sub(r"[\u2010-\u2015\u2212]", "-", unicodedata.normalize("NFKC", value))
    return re.sub(r"\s+", "", value)


def pattern(value: str) -> str:
    """A regular expression finding `value` in a page's text(). The CJK font maps a few glyphs to
    radicals in the PDF (青 reads as ⻘), so a CJK character also matches a radical."""
    return "".join(f"(?:{re.escape(char)}|[\u2e80-\u2fdf])" if "\u4e00" <= char <= "\u9fff" else re.escape(char)
                   for char in text(value))


def contains(page: str, value: str) -> bool:
    return re.search(pattern(value), page) is not None


@dataclass
class Printed:
    pdf: bytes
    pages: list[str]  # each page's text, as text() gives it
    runs: list[list[tuple[float, float, str]]]  # each page's text runs: x, y (pt from the bottom left), text
    sizes: list[tuple[float, float]]


def read_pdf(pdf: bytes) -> Printed:
    reader = PdfReader(BytesIO(pdf))
    pages, runs, sizes = [], [], []
    for page in reader.pages:
        found: list[tuple[float, float, str]] = []

        def visit(run: str, cm: list[float], tm: list[float], *_: object, found: list = found) -> None:
            if run.strip():
                found.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5], run))

        pages.append(text(page.extract_text(visitor_text=visit)))
        runs.append(found)
        sizes.append((float(page.mediabox.width), float(page.mediabox.height)))
    return Printed(pdf, pages, runs, sizes)


def axe_violations(page: Page) -> list[tuple[str, str, int]]:
    """axe-core's findings on the report as it stands, of any impact: (rule, impact, elements). The report is
    all our own markup (no framework's): it had no main landmark, so its content lay outside every landmark
    (axe: landmark-one-main, region), and its headline table's first header cell was empty."""
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [(violation["id"], violation["impact"], len(violation["nodes"])) for violation in found]


def pages_with(printed: Printed, needle: str, start: int = 0) -> list[int]:
    return [index for index, page in enumerate(printed.pages) if index >= start and contains(page, needle)]


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_report_prints_to_a4_with_a_cover_whole_charts_and_repeated_table_headers(
        warehouse: Warehouse, browser: Browser, tmp_path: Path, lang: str) -> None:
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", schema.FIELD.codes, "both", lang))
    report = tmp_path / f"report-{lang}.html"
    report.write_text(build_report(ctx, AVAILABLE, generated=GENERATED), encoding="utf-8")
    every_chart = printed_charts(ctx)

    context = new_context(browser, viewport=SCREEN, offline=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(report.as_uri())
        page.wait_for_function(_DRAWN_JS, timeout=30_000)
        assert page.locator(".chart").count() == len(every_chart)
        assert axe_violations(page) == []

        check_print_layout(page, lang)
        page.emulate_media(media="no-override")  # "screen" would print with the screen's styles
        page.set_viewport_size(SCREEN)
        screen_widths(page)  # back on screen, at the screen's width again

        # As a reader's print: from the screen, the browser fires beforeprint and lays out the pages. Printed
        # from a page of its own: in Chromium 156.0.8078.129 a page whose viewport or media was emulated after
        # it loaded (as above) is printed to its first 6 to 14 pages of 16 (its page numbers still say 16),
        # however long one waits; a reader's browser emulates neither.
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(report.as_uri())
        page.wait_for_function(_DRAWN_JS, timeout=30_000)
        pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
        PRINTS.mkdir(parents=True, exist_ok=True)
        (PRINTS / f"report-{lang}.pdf").write_bytes(pdf)
        widths = screen_widths(page)  # afterprint gave the charts back to the screen
        assert min(widths) > PRINT_WIDTH_PX, widths
        assert not errors, errors
    finally:
        context.close()

    printed = read_pdf(pdf)
    check_pages(printed, ctx, every_chart)
    check_table_headers(printed, ctx)
    check_nothing_off_the_page(printed)
    # A blank part of a stack is said on paper too, without pointing to the data table paper does not print.
    assert pages_with(printed, ctx.t("chart.parts_blank"), start=1), "no printed caption says a part is blank"
    assert not pages_with(printed, ctx.t("chart.data_table")), "paper names a table it does not print"


# The printed timeline's titles, and those whose box overlaps a bar's (by more than a pixel each way).
_TIMELINE_TEXT_JS = """() => {
  const chart = document.querySelector("[data-chart='activities/timeline'] .figure.paper");
  const box = e => e.getBoundingClientRect();
  const titles = Array.from(chart.querySelectorAll('.ytick text, .textpoint text'));
  const bars = Array.from(chart.querySelectorAll('.bars .point path')).map(box);
  const over = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  return [titles.length, titles.filter(t => bars.some(b => over(box(t), b))).map(t => t.textContent)];
}"""


def check_print_layout(page: Page, lang: str) -> None:
    """In print media at the page's content width: every chart drawn at the printed size, fits one page,
    no mode bar. Also saves a picture of the first page (artifacts/print/report-<lang>-cover.png)."""
    page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": PRINT_PAGE_HEIGHT_PX})
    page.emulate_media(media="print")
    page.wait_for_function(f"() => ({_SVG_WIDTHS_JS})().every(width => width === {DRAW_WIDTH_PX})",
                           timeout=30_000)
    for box in page.evaluate(_BOXES_JS):
        assert box["plotWidth"] == DRAW_WIDTH_PX, box
        assert box["plotLeft"] >= -0.5 and box["plotRight"] <= PRINT_WIDTH_PX + 0.5, f"wider than the page: {box}"
        assert box["height"] <= PRINT_PAGE_HEIGHT_PX, f"taller than a page: {box}"
        assert not box["modeBar"], box
        # Margins reserved for the printed width: a chart side by side on a laptop kept, printed full width,
        # a band of up to 106 px above its legend for the rows the legend needed at half width.
        assert box["aboveLegend"] is None or box["aboveLegend"] <= LEGEND_TOP_SLACK_PX, f"space above the legend: {box}"
    # The timeline, squeezed to a page: each title whole, none written over a bar (printed beside the rows).
    titles, crossed = page.evaluate(_TIMELINE_TEXT_JS)
    assert titles >= 3 and not crossed, f"{titles} titles, these over a bar: {crossed}"
    widest = page.evaluate("() => document.documentElement.scrollWidth")
    assert widest <= PRINT_WIDTH_PX, f"something is {widest} px wide: the browser would shrink every page or cut it"
    cover = page.locator(".cover").bounding_box()
    assert cover is not None and cover["height"] <= PRINT_PAGE_HEIGHT_PX, "the cover fits its page"
    PRINTS.mkdir(parents=True, exist_ok=True)
    page.locator(".cover").screenshot(path=str(PRINTS / f"report-{lang}-cover.png"))


def screen_widths(page: Page) -> list[float]:
    """The charts' widths once they have left their printed size (they follow the window on screen)."""
    page.wait_for_function(f"() => ({_SVG_WIDTHS_JS})().every(width => width !== {DRAW_WIDTH_PX})",
                           timeout=30_000)
    return page.evaluate(_SVG_WIDTHS_JS)


def check_pages(printed: Printed, ctx: PageContext, every_chart: list[charts.Chart]) -> None:
    """A4 portrait; the cover alone on page 1; each chart whole on one page; a sane page count."""
    for width, height in printed.sizes:
        assert abs(width - A4_PT[0]) < 1 and abs(height - A4_PT[1]) < 1, (width, height)
    cover = printed.pages[0]
    expected = [ctx.t("report.title", partner=ctx.partner_name()),
                ctx.t("report.meta", moment=jakarta_moment(GENERATED, ctx.lang), updated=ctx.data_updated()),
                ctx.t("filters.shown", filters=filter_line(ctx.filters)),
                ctx.t("report.language", language=LANGUAGE_NAMES[ctx.lang]),
                ctx.t("report.parameters", query=f"lang={ctx.lang}" if ctx.lang != "id" else "–"),
                # the years listed as the dashboard's notice lists them (it wrote "2017, 2018, 2019" in Chinese)
                ctx.t("notice.sample", years="2017、2018、2019" if ctx.lang == "zh" else "2017, 2018, 2019"),
                ctx.t("report.findings")]
    for line in expected:
        assert contains(cover, line), f"page 1 lacks {line!r}"
    assert not re.search(label_pattern(ctx, r"\d+"), cover), "the cover holds no chart"
    # The cover is the Overview; the charts start on page 2, with the first page after it that has any.
    assert contains(printed.pages[1], ctx.t("participation.title", partner=ctx.partner_name())), \
        "the charts start on page 2"

    chart_pages = set()
    for number, chart in enumerate(every_chart, start=1):
        found = [index for index, page in enumerate(printed.pages) if re.search(label_pattern(ctx, str(number)), page)]
        assert len(found) == 1, f"{chart.page}/{chart.name} (figure {number}) is on pages {found}"
        title = text(chart.heading)[:16]
        assert title and contains(printed.pages[found[0]], title), \
            f"{chart.page}/{chart.name}: its title is not on page {found[0] + 1} with its caption: cut across pages"
        chart_pages.add(found[0])
    assert min(chart_pages) == 1 and max(chart_pages) - min(chart_pages) + 1 == len(chart_pages)
    # Two or three charts share a page, a tall one has its own; then the tables and the notes.
    assert math.ceil(len(every_chart) / 3) <= len(chart_pages) <= len(every_chart)
    rest = len(printed.pages) - 1 - len(chart_pages)
    assert 2 <= rest <= 8, f"{rest} pages of tables and notes"


def label_pattern(ctx: PageContext, number: str) -> str:
    """A figure's label ("Figure 12.") as it reads in the PDF, not matching Figure 120."""
    before, after = text(ctx.t("report.figure", number="{}")).split("{}")
    return rf"{re.escape(before)}{number}{re.escape(after)}"


def check_table_headers(printed: Printed, ctx: PageContext) -> None:
    """The indicator table runs over pages, each with its header; no row is cut across pages."""
    data, _ = charts.indicator_table(ctx)
    start = pages_with(printed, ctx.t("benefits.indicator_table"), start=1)[-1]
    end = pages_with(printed, ctx.t("benefits.mitigation_table"), start=start)[0]
    codes = set(data[ctx.column("indicator_code")].dropna())
    spanned = [index for index in range(start, end + 1)
               if any(contains(printed.pages[index], code) for code in codes)]
    # Indonesian's and English's rows take two pages; Chinese's shorter labels fit one since Chromium
    # 156.0.8078.129 (two before): the header's repetition is checked where the table runs over pages.
    assert len(spanned) >= (1 if ctx.lang == "zh" else 2), f"the indicator table is long enough to need pages {spanned}"
    for index in spanned:
        for header in data.columns:
            assert contains(printed.pages[index], header), f"page {index + 1} lacks the header {header!r}"
    rows = [index for indicator in data[ctx.column("indicator")] for index in spanned
            if contains(printed.pages[index], indicator)]
    assert len(rows) >= len(data), "every row's text is whole on a page"


def check_nothing_off_the_page(printed: Printed) -> None:
    """No text starts outside the page's content box (a chart drawn at the screen's width would)."""
    top, right, _, left = (mm * PT_PER_MM for mm in PAGE_MARGIN_MM)
    for number, runs in enumerate(printed.runs, start=1):
        for x, y, run in runs:
            if y < PAGE_MARGIN_MM[2] * PT_PER_MM:
                continue  # the page number, in the bottom margin
            assert left - 1 <= x <= A4_PT[0] - right and y <= A4_PT[1] - top + 1, \
                f"page {number}: {run!r} at ({x:.0f}, {y:.0f}) pt is off the page's content box"


PHONE = {"width": 390, "height": 844}
# Each chart: whether it has a narrow figure, which of its figures are shown and drawn, and the shown one's width.
_PHONE_CHARTS_JS = """() => [...document.querySelectorAll('.chart')].map(chart => {
    const figures = [...chart.querySelectorAll('.figure')];
    const shown = figures.filter(figure => getComputedStyle(figure).display !== 'none');
    const svg = shown.length === 1 ? shown[0].querySelector('svg.main-svg') : null;
    return {name: chart.dataset.chart, narrow: chart.classList.contains('has-narrow'),
            shown: shown.map(figure => figure.classList.contains('narrow') ? 'narrow' : 'paper'),
            drawn: figures.filter(figure => figure.querySelector('.js-plotly-plot')).length,
            width: svg ? Number(svg.getAttribute('width')) : null,
            right: svg ? svg.getBoundingClientRect().right : null}; })"""


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_on_a_phone_the_report_draws_each_chart_as_the_dashboard_does_there(
        warehouse: Warehouse, browser: Browser, tmp_path: Path, lang: str) -> None:
    """On a phone the report was 831 px wide (the view's parameters on one line, the Benefits tables), so
    the whole page slid sideways. Then each chart kept the printed figure's 850 px in a box of its own that
    slid sideways: a reader saw less than half of each. Now a chart laid out for its width shows the page's
    own figure, as the dashboard draws it on a phone, and only that one is drawn; every chart fits the
    screen, every number written on it keeps its size and its place (in the report's own inlined font: in
    the system's wider sans-serif the indicators' names ran past the edge), and a wide table still slides
    in its own box, reachable by keyboard. Printed from the phone, the report is the A4 one."""
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", schema.FIELD.codes, "both", lang))
    report = tmp_path / f"report-phone-{lang}.html"
    report.write_text(build_report(ctx, AVAILABLE, generated=GENERATED), encoding="utf-8")
    every_chart = printed_charts(ctx)
    context = new_context(browser, viewport=PHONE, offline=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(report.as_uri())
        page.wait_for_function(_DRAWN_JS, timeout=30_000)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert axe_violations(page) == []
        shown = page.evaluate(_PHONE_CHARTS_JS)
        assert len(shown) == len(every_chart) and sum(chart["narrow"] for chart in shown) >= len(shown) / 2, shown
        for chart in shown:
            assert chart["shown"] == (["narrow"] if chart["narrow"] else ["paper"]) and chart["drawn"] == 1, chart
            assert chart["width"] <= PHONE["width"] - 32 and chart["right"] <= PHONE["width"] - 16 + 0.5, chart
        written = check_written_numbers(page, f"report ({lang}, phone)")
        assert len(written) == len(every_chart) and sum(written.values()) > 100, written
        tables = page.evaluate("""() => [...document.querySelectorAll('.tables .table-scroll')].map(box =>
            ({focusable: box.tabIndex === 0, scrolls: box.scrollWidth > box.clientWidth,
              fits: box.getBoundingClientRect().right <= innerWidth + 0.5}))""")
        assert tables and all(box["focusable"] and box["fits"] and box["scrolls"] for box in tables), tables
        # Each chart's data, folded under it: the funnel's opens to its conversions, in a box of its own.
        funnel = page.locator("[data-chart='participation/funnel'] details.chart-data")
        funnel.locator("summary").click()
        opened = funnel.locator(".table-scroll").evaluate("""box => ({rows: box.querySelectorAll('tbody tr').length,
            fits: box.getBoundingClientRect().right <= innerWidth + 0.5, focusable: box.tabIndex === 0})""")
        assert opened["rows"] > 0 and opened["fits"] and opened["focusable"], opened
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.locator("details.chart-data").count() == len(every_chart)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"report-phone-{lang}.png"), full_page=True)

        # Printed from the phone: the printed figures are drawn then, at their printed size.
        pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
        assert not errors, errors
    finally:
        context.close()
    printed = read_pdf(pdf)
    check_pages(printed, ctx, every_chart)
    check_nothing_off_the_page(printed)
