"""Presenters in a real browser: the offline report, presentation mode, the slideshow, a path prefix."""

from __future__ import annotations

import html
import json
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page

from dashboard.framing import ANALYST_PAGES
from dashboard.metrics import METRICS
from dashboard.params import CHART_PAGES
from dashboard.theme import PRESENTING_FONT_PX
from etl import schema
from etl.load import load_files, restore
from etl.warehouse import Warehouse
from tests.paths import SAMPLE_FILES
from translations import translate

from .harness import (
    LOGS,
    READING_JS,
    SCREENSHOTS,
    SHOWN_CHART,
    SHOWN_CHARTS_JS,
    VIEWPORT,
    RunningApp,
    after_interaction,
    new_context,
    open_page,
    save_screenshot,
    start_app,
    stop_app,
    tab_to,
)

CHART = '[data-testid="stPlotlyChart"]'


def test_offline_report_renders_every_chart_with_the_network_blocked(dashboard: RunningApp, page: Page,
                                                                     browser: Browser, tmp_path: Path) -> None:
    """A presenter downloads the report; on a laptop with no network every chart is drawn."""
    open_page(page, dashboard.url("/participation", "lang=zh&year=2018"))
    label = translate("zh", "present.report")
    with page.expect_download() as download:
        page.get_by_role("button", name=label).click()
    report = tmp_path / download.value.suggested_filename
    download.value.save_as(report)
    assert report.name.startswith("report_all_2018_beijing") and report.suffix == ".html"

    offline = new_context(browser, viewport=VIEWPORT, offline=True)
    requests: list[str] = []
    offline.route("**/*", lambda route: (requests.append(route.request.url),
                                         route.continue_() if route.request.url.startswith("file:")
                                         else route.abort()))
    reader = offline.new_page()
    errors: list[str] = []
    reader.on("pageerror", lambda error: errors.append(str(error)))
    reader.goto(report.as_uri())
    reader.wait_for_function("() => document.querySelectorAll('.chart .main-svg').length > 0")
    reader.wait_for_timeout(1500)
    charts = reader.locator(".chart")
    # Every chart of the file is drawn: the 18 of Participation, Activities and Benefits (the Overview's four
    # are theirs, printed once) and the outcome charts of 2018.
    written = len(re.findall(r"data-chart='", report.read_text(encoding="utf-8")))
    assert written > 18 and charts.count() == written
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("svg.main-svg").count() >= 1, chart.get_attribute("data-chart")
        assert chart.locator(".plot .trace, .plot path, .heatmaplayer image, .bars path").count() > 0, \
            f"{chart.get_attribute('data-chart')} has no drawn marks"
    assert translate("zh", "report.title", partner="北京") in reader.title()
    assert not errors, errors
    assert all(url.startswith("file:") for url in requests), requests
    save_screenshot(reader, "report-offline-zh-2018")
    offline.close()


def test_presentation_mode_from_a_link_and_back(dashboard: RunningApp, page: Page) -> None:
    """present=1 hides the sidebar and shows the filters in one line; Leave brings the controls back."""
    open_page(page, dashboard.url("/activities", "lang=en&year=2018&present=1"))
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.get_by_text("2018 · Beijing · All fields · Both directions").is_visible()
    assert page.locator(CHART).count() >= 4
    title_size = float(page.locator("h1").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    save_screenshot(page, "presentation-activities-en-2018")
    after_interaction(page, lambda: page.get_by_role("button", name="Leave").click())
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert "present" not in page.url
    assert "year=2018" in page.url, "the filters stay as they were"
    assert float(page.locator("h1").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) < title_size


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_a_phone_opening_a_presenters_link_reads_the_page_made_for_its_width(dashboard: RunningApp,
                                                                                 browser: Browser, lang: str) -> None:
    """A presenter's link carries present=1; an audience member opened it on a phone. The projector's text
    size broke "keterpiliha-n" and cut "+0,4 poi…" in the cards, and the projector's figures, made for 1060 px,
    cut "Tingkat keparaha(n)" and "Delegasi terpilih" at the chart's edge. Below the smallest projector the
    page keeps its own text size and shows the page's figure of each chart; turned to a projector's width,
    the projector's figures."""
    context = new_context(browser, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/", f"lang={lang}&present=1"))
        for chart in page.locator(SHOWN_CHART).all():
            chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        phone = page.evaluate(READING_JS)
        save_screenshot(page, f"presentation-overview-{lang}-phone")
        page.set_viewport_size({"width": 1280, "height": 720})
        page.wait_for_timeout(1000)
        projector = page.evaluate(READING_JS)
    finally:
        context.close()
    assert len(phone["keys"]) >= 4 and all(key.startswith("screen-") for key in phone["keys"]), phone["keys"]
    assert phone["font"] == 16
    assert phone["broken"] == [] and phone["cut"] == [] and phone["outside"] == [], phone
    assert projector["keys"] == [key.replace("screen-", "chart-") for key in phone["keys"]]
    assert projector["font"] == PRESENTING_FONT_PX


# Each chart's legend: whether Plotly scrolls it (its scrollbar has a height), the plot's height below it,
# and the chart's name (an achieved values or trend chart has its rows sized in px: two rows make it short).
_LEGENDS_JS = """() => """ + SHOWN_CHARTS_JS + """.filter(gd => gd.querySelector('.legend'))
    .map(gd => ({scrolled: Number(gd.querySelector('.legend .scrollbar')?.getAttribute('height') || 0) > 0,
                 plot: Math.min(...[...gd.querySelectorAll('.nsewdrag')].map(r => r.getBoundingClientRect().height)),
                 name: [...(gd.closest('[class*="st-key-figure-"]')?.classList || [])]
                     .find(c => c.startsWith('st-key-figure-'))?.replace('st-key-figure-', '') || '',
                 names: gd.querySelectorAll('.legend .traces').length}))"""
ROWS_IN_PX = ("values-", "trend-")  # charts whose rows are sized in px (dashboard.figures.fit_rows)


def test_presentation_legends_do_not_squeeze_their_plots_on_a_small_projector(dashboard: RunningApp,
                                                                                browser: Browser) -> None:
    """On a 1280 × 720 projector, ten indicators' names in one column took half the chart (Plotly's limit for
    a legend), scrolled, and left the plot of the Benefits page's count trends about 100 px tall. A plot is
    300 px at least, or, where its rows are sized in px, as tall as they are (two rupiah values: 157 px; their
    heights are checked in tests/test_chart_text.py)."""
    context = new_context(browser, viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        legends = {}
        for name in CHART_PAGES:
            open_page(page, dashboard.url("/" if name == "overview" else f"/{name}", "lang=en&present=1"))
            for chart in page.locator(SHOWN_CHART).all():  # each drawn as it comes into view
                chart.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            legends[name] = page.evaluate(_LEGENDS_JS)
    finally:
        context.close()
    assert max(legend["names"] for found in legends.values() for legend in found) >= 9, "the activity types' legend"
    assert {name: [legend for legend in found
                   if legend["scrolled"] or (legend["plot"] < 300 and not legend["name"].startswith(ROWS_IN_PX))]
            for name, found in legends.items()} == {name: [] for name in CHART_PAGES}
    assert any(legend["name"].startswith(ROWS_IN_PX) for legend in legends["benefits"]), legends["benefits"]


# Each static table of the main area as drawn: its width and its room, its right edge, each cell's text,
# whether the cell cuts it and on how many lines it stands.
_TABLES_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stTable"]')].map(box => {
  const table = box.querySelector('table');
  return {width: table.scrollWidth, room: box.clientWidth, right: box.getBoundingClientRect().right,
          rows: [...table.rows].map(row => [...row.cells].map(cell => {
              const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), lines = new Set();
              for (let node = texts.nextNode(); node; node = texts.nextNode()) {
                const range = document.createRange();
                range.selectNodeContents(node);
                [...range.getClientRects()].filter(r => r.width > 0).forEach(r => lines.add(Math.round(r.top)));
              }
              return {text: cell.innerText.trim(), cut: cell.scrollWidth > cell.clientWidth + 1, lines: lines.size};
          }))};
})"""


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_projected_table_stands_whole_on_the_screen(dashboard: RunningApp, browser: Browser, width: int,
                                                      lang: str) -> None:
    """On a 1280 px projector the Benefits page's indicator table ran 280–600 px past the page (its ten
    columns) and the obstacles' table 36 px in Indonesian, a mitigation cut mid-word; both showed five or
    six rows in a grid the audience cannot scroll. Then, in a grid sized to stand whole, the Chinese page drew
    some Indonesian indicator names on one line cut at the column's edge ("Delegasi Beijing yang berminat
    kemba"), the grid's text layout misled by the Chinese labels beside them (a canvas: no cell to measure).
    Projected, both are static tables: every row on the page, every column within the screen, every cell's
    text whole (each indicator of the selection's years, as the warehouse holds it); an amount on one line
    ("IDR" stood above "174,000,000"), and a Chinese label or heading too ("签证与出" above "行")."""
    context = new_context(browser, viewport={"width": width, "height": 720})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/benefits", f"lang={lang}&present=1"))
        page.locator('[data-testid="stMain"] [data-testid="stTable"]').nth(1).wait_for()
        tables = page.evaluate(_TABLES_JS)
    finally:
        context.close()
    assert len(tables) == 2, tables
    assert [(table["width"] <= table["room"] + 1, table["right"] <= width) for table in tables] == [(True, True)] * 2
    assert not [cell["text"] for table in tables for row in table["rows"] for cell in row if cell["cut"]]
    indicators = tables[0]["rows"]
    header = [cell["text"] for cell in indicators[0]]
    year_at = header.index(translate(lang, "chart.year"))
    indicator_at = header.index(schema.column_label("indicator")(lang))
    drawn = sorted((int(row[year_at]["text"]), row[indicator_at]["text"]) for row in indicators[1:])
    years = sorted({year for year, _ in drawn})
    with duckdb.connect(str(dashboard.database_file()), read_only=True) as connection:
        held = sorted(connection.execute(
            "SELECT year, indicator FROM benefits WHERE partner_city = 'beijing' AND list_contains($years, year)",
            {"years": years}).fetchall())
    assert years and drawn == [(year, " ".join(name.split())) for year, name in held]
    partner = schema.PARTNER_CITY.label(schema.DEFAULT_PARTNER_CITY, lang)
    amount_at = header.index(METRICS["achieved_value"].label(lang, partner))
    assert {row[amount_at]["lines"] for row in indicators[1:]} == {1}
    if lang == "zh":  # words without spaces, kept whole; the sentences take the lines
        sentences = {schema.column_label(name)(lang) for name in ("indicator", "description", "mitigation")}
        broken = [cell["text"] for table in tables for row in table["rows"]
                  for heading, cell in zip([cell["text"] for cell in table["rows"][0]], row, strict=True)
                  if heading not in sentences and cell["lines"] > 1]
        assert not broken


def test_the_projected_load_history_stands_within_the_screen(sample_warehouse_dir: Path, tmp_path: Path,
                                                             browser: Browser) -> None:
    """The load history was a grid of thirteen columns: on a 1280 px projector "Replaced load", "Restored from
    load" and the fingerprints lay past the page's edge, out of the audience's reach. Projected, with a year
    replaced and then restored (every column the projector shows filled), it stands within the screen in
    each language, no cell cut and each moment on one line (at first "2026-12-" stood above "05")."""
    shutil.copytree(sample_warehouse_dir, tmp_path / "data", symlinks=True)
    warehouse = Warehouse(tmp_path / "data" / "warehouse.duckdb")
    load_files(warehouse, [SAMPLE_FILES[2]], replace=True, loaded_by="test")
    restore(warehouse, 3, loaded_by="test")
    app = start_app(warehouse.path, LOGS / "streamlit-history.log")
    context = new_context(browser, viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        for lang in ("id", "en", "zh"):
            open_page(page, app.url("/data", f"lang={lang}&present=1"))
            heading = translate(lang, "history.restored_from_load_id")
            page.locator('[data-testid="stMain"] [data-testid="stTable"] th', has_text=heading).wait_for()
            save_screenshot(page, f"load-history-projected-{lang}")
            history = page.evaluate(_TABLES_JS)[-1]
            header = [cell["text"] for cell in history["rows"][0]]
            assert header[-1] == heading and len(history["rows"]) == 6, header
            # Load 5 restored load 3 and replaced load 4, which replaced load 3; the others, nothing (empty).
            replaced_at = header.index(translate(lang, "history.replaced_load_id"))
            assert [[row[replaced_at]["text"], row[-1]["text"]] for row in history["rows"][1:]] == [
                ["4", "3"], ["3", ""], ["", ""], ["", ""], ["", ""]], lang
            assert history["width"] <= history["room"] + 1 and history["right"] <= 1280, (lang, history["width"])
            assert not [cell["text"] for row in history["rows"] for cell in row if cell["cut"]]
            moment_at = header.index(translate(lang, "history.loaded_at"))
            assert {row[moment_at]["lines"] for row in history["rows"][1:]} == {1}, lang
    finally:
        context.close()
        stop_app(app)


def test_slideshow_moves_to_the_next_page(dashboard: RunningApp, page: Page) -> None:
    """With slideshow=15 the Overview gives way to Participation after about 15 seconds, same filters. Paused
    from the keyboard (the presentation bar's button, the first control after the skip link and the bar's
    line), it stays for 20 seconds; resumed, it moves on."""
    open_page(page, dashboard.url("/overview", "lang=en&year=2018&present=1&slideshow=15"))
    overview = translate("en", "overview.title", partner="Beijing")
    assert page.locator("h1").first.inner_text() == overview
    tab_to(page, translate("en", "present.pause"), most=3)
    after_interaction(page, lambda: page.keyboard.press("Enter"))
    page.get_by_text(translate("en", "present.slideshow_paused")).wait_for()
    page.wait_for_timeout(20_000)
    assert page.locator("h1").first.inner_text() == overview and "/overview" in page.url, "paused"
    after_interaction(page, lambda: page.get_by_role("button", name=translate("en", "present.resume")).click())
    page.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').innerText === t",
                           arg=translate("en", "participation.title"), timeout=45_000)
    page.wait_for_selector(f"{CHART} svg.main-svg", timeout=30_000)
    assert re.search(r"/participation\?", page.url)
    assert page.get_by_text("2018 · Beijing · All fields · Both directions").is_visible()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()


@pytest.fixture(scope="module")
def prefixed(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The dashboard served under /sister-city, as behind a reverse proxy."""
    directory = tmp_path_factory.mktemp("prefixed") / "data"
    shutil.copytree(sample_warehouse_dir, directory, symlinks=True)
    app = start_app(directory / "warehouse.duckdb", LOGS / "streamlit-prefixed.log", base_path="sister-city")
    try:
        yield app
    finally:
        stop_app(app)


def test_app_works_under_a_path_prefix(prefixed: RunningApp, page: Page) -> None:
    assert prefixed.base_url.endswith("/sister-city")
    with urllib.request.urlopen(prefixed.url("/_stcore/health"), timeout=5) as response:
        assert response.read().decode().strip() == "ok"
    # The API's routes follow the prefix too (Streamlit does not add it to custom routes by itself).
    with urllib.request.urlopen(prefixed.url("/api/v1/summary.json", "year=2019"), timeout=30) as response:
        assert json.loads(response.read())["year"] == 2019
    with pytest.raises(urllib.error.HTTPError) as outside:
        urllib.request.urlopen(prefixed.base_url.removesuffix("/sister-city") + "/api/v1/summary.json", timeout=30)
    assert outside.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as no_endpoint:  # the index named under the prefix too
        urllib.request.urlopen(prefixed.url("/api/v1/summary"), timeout=30)
    assert json.loads(no_endpoint.value.read())["error"]["index"] == "/sister-city/api/v1"
    open_page(page, prefixed.url("/data", "lang=en"))  # the Data page's pointer to the index follows the prefix
    href = page.get_by_role("link", name="API's index").get_attribute("href")
    assert page.evaluate("href => new URL(href, document.baseURI).href", href) == prefixed.url("/api/v1", "lang=en")
    open_page(page, prefixed.url("/benefits", "lang=en&year=2019"))
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(f"{CHART} svg.main-svg").count() >= 5
    after_interaction(page, page.get_by_text(translate("en", "present.share")).click)  # filled when opened
    link = page.locator('[data-testid="stCode"]').first.inner_text().strip()  # then the embed snippet
    assert link == prefixed.url("/benefits", "lang=en&year=2019")
    page.keyboard.press("Escape")
    after_interaction(page, lambda: page.get_by_role("link", name=translate("en", "nav.activities")).click())
    assert "/sister-city/activities" in page.url
    save_screenshot(page, "prefix-activities-en")


def test_another_site_can_embed_the_public_pages_but_not_the_analysts(dashboard: RunningApp, browser: Browser,
                                                                      tmp_path: Path) -> None:
    """Framed by another site under a transparent layer, a signed-in analyst could be led to press "Load"
    unseen (click-jacking): the analysts' pages refuse to be framed by another origin, whatever the reverse
    proxy sends, and so does a public page in its plain form, whose sidebar led to the sign-in and the
    Upload page inside the frame. A public page embeds as the share control suggests (frame=page)."""
    refused = {path: dashboard.url(f"/{path}") for path in ANALYST_PAGES} | {
        "upload-as-embed": dashboard.url("/upload", "frame=page"),
        "plain": dashboard.url("/participation"),
        "root": dashboard.url("/", "lang=en"),
        "too-long-to-draw": dashboard.url("/participation", "frame=" + "x" * 61),  # drawn plain, sidebar and all
    }
    for name, url in refused.items():
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.headers["content-security-policy"] == "frame-ancestors 'self'", name
            assert response.headers["x-frame-options"] == "SAMEORIGIN", name
    embeds = {"public": dashboard.url("/participation", "frame=page"),
              "one-chart": dashboard.url("/", "frame=selection&lang=zh")}
    for name, url in embeds.items():
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.headers["content-security-policy"] is None, f"{name}: the deployer's call"
    host = tmp_path / "other-site.html"
    host.write_text("<!DOCTYPE html><html lang='en'><body>" + "".join(
        f"<iframe name='{name}' src='{src}' title='{name}' width='900' height='400'></iframe>"
        for name, src in {"public": embeds["public"], **refused}.items()) + "</body></html>", encoding="utf-8")
    context = new_context(browser, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(host.as_uri())
        page.frame_locator("iframe[name='public']").locator(f"{CHART} svg.main-svg").first.wait_for(timeout=60_000)
        frames = {frame.name: frame for frame in page.frames if frame.name}
        for name in refused:  # Chromium shows its own error page in place of the refused document
            assert not frames[name].url.startswith(dashboard.url("/")), (name, frames[name].url)
            assert frames[name].locator('[data-testid="stApp"]').count() == 0, name
    finally:
        context.close()


def test_a_chart_embedded_in_another_site_draws_without_controls(dashboard: RunningApp, browser: Browser,
                                                                 tmp_path: Path) -> None:
    """A page of another origin (a local file) embeds the share control's <iframe> of one chart, as the
    share control writes it: the chart is drawn in the frame, with no sidebar and no presenter tools, and
    the suggested height shows the chart's text alternative, caption and source without scrolling."""
    context = new_context(browser, viewport=VIEWPORT)
    page = context.new_page()
    open_page(page, dashboard.url("/participation", "lang=zh&year=2018"))
    after_interaction(page, page.get_by_text(translate("zh", "present.share")).click)  # filled when opened
    page.get_by_role("combobox", name=translate("zh", "present.embed")).click()  # opens the list: no run
    funnel = translate("zh", "participation.chart_funnel")
    after_interaction(page, page.get_by_role("option", name=funnel).click)
    snippet = page.locator('[data-testid="stCode"]').last.inner_text().strip()
    src = html.unescape(re.search(r'src="([^"]+)"', snippet).group(1))
    assert src == dashboard.url("/participation", "lang=zh&year=2018&frame=funnel")
    host = tmp_path / "partner-site.html"
    host.write_text(f'<!DOCTYPE html><html lang="en"><body><h1>Partner portal</h1>{snippet}</body></html>'
                    .replace('width="100%"', 'width="900"'), encoding="utf-8")
    page.goto(host.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(f"{CHART} svg.main-svg").first.wait_for(timeout=60_000)
    assert frame.locator(CHART).count() == 1
    assert frame.locator('[data-testid="stSidebar"]').evaluate_all(
        "els => els.every(el => getComputedStyle(el).display === 'none')")
    assert frame.get_by_text(translate("zh", "present.report")).count() == 0
    # The suggested height shows the text alternative, the caption and the source line.
    source = frame.locator('[data-testid="stCaptionContainer"]').last
    source.wait_for()
    box, bottom = page.locator("iframe").bounding_box(), source.bounding_box()
    assert box and bottom and bottom["y"] + bottom["height"] <= box["y"] + box["height"], (bottom, box)
    page.screenshot(path=str(SCREENSHOTS / "embed-funnel-zh.png"))
    context.close()
