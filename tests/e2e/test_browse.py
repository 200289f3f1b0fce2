"""Browsing, filtering and sharing the dashboard in a real browser (Chromium against `streamlit run`).

What a reader would notice when one of these fails:
- a page shows a traceback, an empty chart frame, a title in the wrong language,
  or no warning that the figures are sample data;
- narrowing the sidebar filters leaves the headline figures wrong (they disagree
  with the warehouse) or unchanged;
- a link copied from the address bar opens a different view for the colleague
  who receives it (other filters, language, page or numbers);
- a mistyped or outdated link silently shows something else, or crashes.

Expected numbers come from our own SQL on the same warehouse file the server
reads, not from the app's query module.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb
import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from dashboard import components, figures
from dashboard.components import SMALLEST_PROJECTOR_SCREEN, TABLE_KEY_PREFIX
from dashboard.dictionary import dictionary
from dashboard.metrics import METRICS
from etl import schema
from etl.warehouse import Warehouse
from translations import format_number, translate

from .harness import (
    E2E_LOG,
    LOGS,
    READING_JS,
    SHOWN_CHART,
    RunningApp,
    after_interaction,
    last_traceback,
    new_context,
    open_page,
    save_screenshot,
    start_app,
    stop_app,
)
from .written import check_written_numbers

PAGES = {"/": "overview", "/participation": "participation", "/activities": "activities",
         "/benefits": "benefits", "/data": "data"}
PARTNER = schema.DEFAULT_PARTNER_CITY  # the sample data hold one partner city (no partner selector)


def page_title(lang: str, name: str) -> str:
    """A page's title, naming the partner city (the Overview's: "Jakarta–Beijing youth exchange …")."""
    return translate(lang, f"{name}.title", partner=schema.PARTNER_CITY.label(PARTNER, lang))

# Marks Plotly draws for data: bars/markers (.point), lines, funnel bars, heatmap image.
CHART_PROBLEMS_JS = """(el) => {
  const title = (el.querySelector('.gtitle') || {}).textContent || '(untitled chart)';
  const svg = el.querySelector('svg.main-svg');
  if (!svg) return title + ': no svg.main-svg (chart not drawn)';
  const marks = el.querySelectorAll('.trace .point, .trace path.js-line, .heatmaplayer image').length;
  if (marks === 0) return title + ': svg drawn but holds no data marks';
  // Hidden: in a tab not chosen, or the figure of a chart sent in two that is not for this width (st-key-widths-).
  const hidden = el.closest('[data-testid="stTabPanel"], [class*="st-key-widths-"]') && el.offsetParent === null;
  const box = svg.getBoundingClientRect();
  if (!hidden && (box.width < 50 || box.height < 50)) return title + ': drawn ' + box.width + 'x' + box.height;
  return null;
}"""

# The data behind each chart as Plotly holds it after drawing (title, and each trace's name, x, y).
CHART_DATA_JS = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot'))
  .map(gd => [(gd.querySelector('.gtitle') || {}).textContent || '',
              (gd._fullData || []).map(t => [t.name, t.type, Array.from(t.x || []).map(String),
                                             Array.from(t.y || []).map(String)])])"""


# -- what the page shows ----------------------------------------------------------


@dataclass(frozen=True)
class WidgetState:
    """The sidebar as a reader sees it: chosen language, year chips, field chips, direction."""

    lang: str
    years: tuple[str, ...]
    fields: tuple[str, ...]
    direction: str


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def widget_state(page: Page) -> WidgetState:
    """Read the filter widgets (multiselects in order: years, fields; one partner city → no selector)."""
    bar = sidebar(page)
    lang = bar.get_by_test_id("stButtonGroup").locator('[role="radio"][aria-checked="true"]').inner_text()
    multiselects = bar.get_by_test_id("stMultiSelect")
    expect(multiselects).to_have_count(2)

    def chips(index: int) -> tuple[str, ...]:
        return tuple(multiselects.nth(index).locator("[data-tag] span[title]").all_inner_texts())

    direction = bar.get_by_test_id("stRadioOption").filter(has=page.locator("input:checked")).inner_text()
    return WidgetState(lang.strip(), chips(0), chips(1), direction.strip())


def default_state(lang: str, years: list[int]) -> WidgetState:
    return WidgetState(lang, tuple(str(y) for y in years),
                       tuple(schema.FIELD.label(code, lang) for code in schema.FIELD.codes),
                       translate(lang, "filters.direction_both"))


def headline(page: Page) -> dict[str, tuple[str, str | None]]:
    """label -> (value, change) of every headline metric on the page."""
    shown: dict[str, tuple[str, str | None]] = {}
    for metric in page.get_by_test_id("stMetric").all():
        delta = metric.get_by_test_id("stMetricDelta")
        shown[metric.get_by_test_id("stMetricLabel").inner_text().strip()] = (
            metric.get_by_test_id("stMetricValue").inner_text().strip(),
            delta.inner_text().strip() if delta.count() else None)
    return shown


def metric_value(page: Page, label: str) -> Locator:
    label_exactly = re.compile(rf"^\s*{re.escape(label)}\s*$")
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=label_exactly))
    expect(metric).to_have_count(1)
    return metric.get_by_test_id("stMetricValue")


def link_params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def chart_data(page: Page) -> list[Any]:
    return page.evaluate(CHART_DATA_JS)


# -- what the warehouse says ------------------------------------------------------


def sql(app: RunningApp, statement: str, params: dict[str, object] | None = None) -> list[tuple[Any, ...]]:
    """Run our own SQL, read-only, on the file the server reads."""
    with duckdb.connect(str(app.database_file()), read_only=True) as connection:
        return connection.execute(statement, params or {}).fetchall()


def loaded_years(app: RunningApp) -> list[int]:
    return [row[0] for row in sql(app, "SELECT DISTINCT year FROM loads ORDER BY year")]


def sample_years(app: RunningApp) -> list[int]:
    return [row[0] for row in sql(app, """SELECT year FROM loads
        WHERE load_id IN (SELECT max(load_id) FROM loads GROUP BY year) AND is_sample ORDER BY year""")]


@dataclass(frozen=True)
class Narrowing:
    """Filters as codes: years, fields (all = no field condition), direction both|outbound|inbound."""

    years: tuple[int, ...]
    fields: tuple[str, ...] = schema.FIELD.codes
    direction: str = "both"


def figures_of_year(app: RunningApp, year: int, narrowing: Narrowing) -> dict[str, int]:
    """Applicants (outbound rows, or inbound ones when inbound is chosen), delegates each way, activities."""
    all_fields = set(narrowing.fields) == set(schema.FIELD.codes)
    params: dict[str, object] = {"year": year, "partner": PARTNER, "fields": list(narrowing.fields),
                                 "all": all_fields, "direction": narrowing.direction,
                                 "applying": "inbound" if narrowing.direction == "inbound" else "outbound"}
    (applicants, outbound, inbound), = sql(app, """
        SELECT count(*) FILTER (direction = $applying),
               count(*) FILTER (direction = 'outbound' AND status = 'delegate'),
               count(*) FILTER (direction = 'inbound' AND status = 'delegate')
        FROM participants
        WHERE year = $year AND partner_city = $partner AND ($all OR list_contains($fields, field))
          AND ($direction = 'both' OR direction = $direction)""", params)
    (activities,), = sql(app, """SELECT count(*) FROM activities WHERE year = $year AND partner_city = $partner
        AND ($all OR list_contains($fields, field))""",
                         {k: params[k] for k in ("year", "partner", "all", "fields")})
    figures = {"applicants": applicants, "delegates_outbound": outbound, "delegates_inbound": inbound,
               "activities": activities}
    return {key: value for key, value in figures.items() if key != other_directions_delegates(narrowing)}


def other_directions_delegates(narrowing: Narrowing) -> str | None:
    """The card one direction chosen leaves out: the other direction's delegates, which it leaves nothing to
    count (their 0 was read as "none came")."""
    return {"outbound": "delegates_inbound", "inbound": "delegates_outbound"}.get(narrowing.direction)


def expected_headline(app: RunningApp, narrowing: Narrowing, lang: str) -> dict[str, tuple[str, str | None]]:
    """label -> (value, change) as the overview must show them: latest selected year vs the loaded year before."""
    latest = max(narrowing.years)
    earlier = [y for y in loaded_years(app) if y < latest]
    now = figures_of_year(app, latest, narrowing)
    before = figures_of_year(app, max(earlier), narrowing) if earlier else None
    partner = schema.PARTNER_CITY.label(PARTNER, lang)
    shown: dict[str, tuple[str, str | None]] = {}
    for key, value in now.items():
        change = None
        if before is not None:
            difference = value - before[key]
            sign = "±" if difference == 0 else "+" if difference > 0 else "−"  # counts: zero is exact
            change = f"{sign}{format_number(abs(difference), lang)}"
        shown[METRICS[key].label(lang, partner)] = (format_number(value, lang), change)
    return shown


def assert_headline(page: Page, app: RunningApp, narrowing: Narrowing, lang: str) -> None:
    """The headline metrics the warehouse gives for `narrowing` are on the page (waits for them)."""
    latest = max(narrowing.years)
    heading = translate(lang, "metric.heading", year=latest)
    expect(page.get_by_test_id("stMarkdownContainer").filter(has_text=heading).first).to_be_visible()
    expected = expected_headline(app, narrowing, lang)
    for label, (value, _) in expected.items():
        expect(metric_value(page, label)).to_have_text(value)
    shown = headline(page)
    assert {label: shown.get(label) for label in expected} == expected, (
        f"headline of {latest} for {narrowing} differs from the warehouse")
    if left_out := other_directions_delegates(narrowing):
        assert METRICS[left_out].label(lang, schema.PARTNER_CITY.label(PARTNER, lang)) not in shown, shown


# -- interactions -----------------------------------------------------------------


def assert_no_exception(page: Page, doing: str) -> None:
    """No error box on the page; if there is one, say what was being done and show the server's traceback."""
    if page.get_by_test_id("stException").count():
        save_screenshot(page, f"exception-{doing}")
        logged = last_traceback(E2E_LOG) or "(no traceback in the server log)"
        raise AssertionError(f"The app showed an error after: {doing} ({page.url}).\nServer log:\n{logged}")


def remove_chip(page: Page, label: str) -> None:
    """Click the × of a multiselect chip: Streamlit names its button "Remove <label>", said in the page's
    language (dashboard.theme: "Hapus 2019", "移除2019")."""
    name = translate(page.evaluate("document.documentElement.lang"), "framework.remove", label=label)
    button = sidebar(page).get_by_role("button", name=name, exact=True)
    after_interaction(page, button.click)
    assert_no_exception(page, f"removing {label}")
    expect(sidebar(page).get_by_role("button", name=name, exact=True)).to_have_count(0)


def choose_direction(page: Page, label: str) -> None:
    option = sidebar(page).get_by_test_id("stRadioOption").filter(has_text=re.compile(rf"^{re.escape(label)}$"))
    after_interaction(page, option.click)
    assert_no_exception(page, f"choosing direction {label}")
    expect(option.locator("input")).to_be_checked()


def choose_language(page: Page, lang: str) -> None:
    button = sidebar(page).get_by_test_id("stButtonGroup").get_by_role("radio", name=lang, exact=True)
    after_interaction(page, button.click)
    assert_no_exception(page, f"switching language to {lang}")
    expect(button).to_have_attribute("aria-checked", "true")


def go_to(page: Page, lang: str, name: str) -> None:
    """Follow the sidebar navigation link of page `name` (e.g. "participation")."""
    title = translate(lang, f"nav.{name}")
    link = sidebar(page).get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    after_interaction(page, link.click)
    assert_no_exception(page, f"following the navigation link {title}")
    expect(page.locator("h1").first).to_have_text(page_title(lang, name))


@contextmanager
def soft(problems: list[str], where: str) -> Iterator[None]:
    """Record a failed check under `where` instead of stopping (to report every page at once)."""
    try:
        yield
    except AssertionError as error:
        problems.append(f"{where}: {str(error).splitlines()[0]}")


# -- 1. every page opens -----------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_opens_with_title_notice_and_drawn_charts(dashboard: RunningApp, page: Page,
                                                             lang: str) -> None:
    """A reader opening each page by its address, in Indonesian (default) or English, sees no error,
    the page's translated title, the sample-data warning, the default filters, and charts that are
    actually drawn (not empty frames). Every page is checked; the failure lists each page's problems.
    (One browser context per language: the five pages share its cache, which keeps the suite fast.)"""
    notice = translate(lang, "notice.sample", years=", ".join(str(y) for y in sample_years(dashboard)))
    defaults = default_state(lang, loaded_years(dashboard))
    browser_errors: list[str] = []
    page.on("pageerror", lambda error: browser_errors.append(f"{page.url}: {error}"))
    problems: list[str] = []
    for path, name in PAGES.items():
        where = f"{path} ({lang})"
        open_page(page, dashboard.url(path, "" if lang == "id" else f"lang={lang}"))
        save_screenshot(page, f"browse-{name}-{lang}")
        with soft(problems, where):
            assert_no_exception(page, f"opening {where}")
        with soft(problems, where):
            expect(page.locator("h1")).to_have_text(page_title(lang, name), timeout=2000)
        with soft(problems, where):
            expect(page.get_by_test_id("stAlert").filter(has_text=notice)).to_be_visible(timeout=2000)
        with soft(problems, where):
            shown = widget_state(page)
            assert shown == defaults, f"sidebar filters {shown}, expected the defaults {defaults}"
        if name != "data":
            charts = page.get_by_test_id("stPlotlyChart").all()
            if not charts:
                problems.append(f"{where}: no chart")
            problems += [f"{where}: {problem}" for chart in charts if (problem := chart.evaluate(CHART_PROBLEMS_JS))]
    assert not problems, "pages not shown as they should be:\n" + "\n".join(problems)
    assert not browser_errors, f"JavaScript errors in the browser: {browser_errors}"


# -- 2. narrowing changes the headline to what SQL gives ---------------------------------


def test_narrowing_filters_changes_headline_to_sql_figures(dashboard: RunningApp, page: Page) -> None:
    """Removing a year, a field and choosing a direction in the sidebar changes the overview's headline
    figures (and their change against the year before) to exactly what the warehouse holds.
    A failure means readers see wrong or stale numbers after filtering."""
    years = tuple(loaded_years(dashboard))
    assert len(years) >= 3, "the sample warehouse should hold three years"
    open_page(page, dashboard.url("/", "lang=en"))
    narrowing = Narrowing(years)
    assert_headline(page, dashboard, narrowing, "en")
    before = metric_value(page, "Applicants").inner_text()

    remove_chip(page, str(years[-1]))  # the latest year: the headline moves to the year before
    narrowing = Narrowing(years[:-1])
    assert_headline(page, dashboard, narrowing, "en")
    assert metric_value(page, "Applicants").inner_text() != before, "removing the latest year changed nothing"

    remove_chip(page, schema.FIELD.label("tourism", "en"))
    narrowing = Narrowing(years[:-1], tuple(c for c in schema.FIELD.codes if c != "tourism"))
    assert_headline(page, dashboard, narrowing, "en")

    choose_direction(page, schema.DIRECTION.label("inbound", "en"))
    narrowing = Narrowing(narrowing.years, narrowing.fields, "inbound")
    assert_headline(page, dashboard, narrowing, "en")
    save_screenshot(page, "filter-overview-en-no-latest-year-no-tourism-inbound")


# -- 3. a copied link reopens the same view ------------------------------------------


def narrow_in_english(dashboard: RunningApp, page: Page) -> Narrowing:
    """Open the Overview in English and leave out the last year and tourism, one way only (outbound)."""
    years = tuple(loaded_years(dashboard))
    open_page(page, dashboard.url("/", "lang=en"))
    remove_chip(page, str(years[-1]))
    remove_chip(page, schema.FIELD.label("tourism", "en"))
    choose_direction(page, schema.DIRECTION.label("outbound", "en"))
    return Narrowing(years[:-1], tuple(c for c in schema.FIELD.codes if c != "tourism"), "outbound")


def test_copied_link_reopens_same_view(dashboard: RunningApp, page: Page,
                                       new_page: Callable[[], Page]) -> None:
    """A reader narrows years, a field and the direction in English, switches to Indonesian, copies the
    link, moves to another page and copies that link too. A colleague opening either link in a fresh
    browser sees the same page, filters, language and numbers. A failure means shared links mislead."""
    narrowing = narrow_in_english(dashboard, page)
    assert_headline(page, dashboard, narrowing, "en")

    choose_language(page, "id")  # after narrowing a field: the URL keeps the same codes
    expect(page.locator("h1")).to_have_text(translate("id", "overview.title", partner="Beijing"))
    assert_headline(page, dashboard, narrowing, "id")
    overview_link = page.url
    assert link_params(overview_link) == {  # Indonesian is the default language: no lang parameter
        "year": [str(y) for y in narrowing.years],
        "field": list(narrowing.fields),
        "direction": ["outbound"],
    }, f"the link does not carry the filters as codes: {overview_link}"
    state = widget_state(page)
    assert state == WidgetState("id", tuple(str(y) for y in narrowing.years),
                                tuple(schema.FIELD.label(c, "id") for c in narrowing.fields),
                                schema.DIRECTION.label("outbound", "id"))
    numbers = headline(page)
    save_screenshot(page, "share-overview-id-before-copy")

    colleague = new_page()
    open_page(colleague, overview_link)
    save_screenshot(colleague, "share-overview-id-opened-from-link")
    assert_no_exception(colleague, f"opening the shared link {overview_link}")
    expect(colleague.locator("h1")).to_have_text(translate("id", "overview.title", partner="Beijing"))
    assert widget_state(colleague) == state, f"the link {overview_link} reopened other filters"
    assert headline(colleague) == numbers, f"the link {overview_link} reopened other numbers"
    assert_headline(colleague, dashboard, narrowing, "id")

    go_to(page, "id", "participation")
    participation_link = page.url
    assert urlsplit(participation_link).path == "/participation", participation_link
    assert link_params(participation_link) == link_params(overview_link), (
        f"the page switch changed the filters in the link: {participation_link}")
    assert widget_state(page) == state
    charts = chart_data(page)
    assert charts, "the participation page shows no chart"
    save_screenshot(page, "share-participation-id-before-copy")

    colleague = new_page()
    open_page(colleague, participation_link)
    save_screenshot(colleague, "share-participation-id-opened-from-link")
    assert_no_exception(colleague, f"opening the shared link {participation_link}")
    expect(colleague.locator("h1")).to_have_text(translate("id", "participation.title", partner="Beijing"))
    assert widget_state(colleague) == state, f"the link {participation_link} reopened other filters"
    assert chart_data(colleague) == charts, f"the link {participation_link} reopened other chart data"


# -- 4. a link with unknown values --------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_link_with_unknown_values_warns_and_shows_default_view(dashboard: RunningApp, page: Page,
                                                               lang: str) -> None:
    """An outdated or mistyped link (year 1900, field "Nonsense") tells the reader which parts were
    ignored and shows the default view, without an error; the address bar no longer holds them."""
    query = "year=1900&field=Nonsense" + ("" if lang == "id" else f"&lang={lang}")
    open_page(page, dashboard.url("/", query))
    save_screenshot(page, f"unknown-values-overview-{lang}")

    assert_no_exception(page, f"opening /?{query}")
    # Each value under the filter it was meant for, in the sidebar's words
    values = {"id": "Tahun program 1900; Bidang kerja sama Nonsense",
              "en": "Program years 1900; Fields of cooperation Nonsense"}[lang]
    ignored = translate(lang, "filters.ignored", values=values)
    expect(page.get_by_test_id("stAlert").filter(has_text=ignored)).to_be_visible()
    years = loaded_years(dashboard)
    assert widget_state(page) == default_state(lang, years)
    assert_headline(page, dashboard, Narrowing(tuple(years)), lang)
    assert "1900" not in page.url and "Nonsense" not in page.url, f"ignored values kept in the link: {page.url}"


def test_a_link_cannot_plant_a_link_or_markup_in_the_notice(dashboard: RunningApp, page: Page) -> None:
    """Whoever makes a link chooses the values the notice names. Written into its Markdown as they were,
    `field=[Klik di sini](https://evil.example/login)` put a clickable link into a warning on the public
    dashboard, "www.evil.example" too (linked by itself), and a line break started a heading."""
    values = ["[Klik di sini](https://evil.example/login)", "www.evil.example", "**besar**", "x\n# Judul"]
    query = urlencode([("field", value) for value in values])
    open_page(page, dashboard.url("/", query))
    assert_no_exception(page, "opening a link with Markdown in its values")
    starts = translate("id", "filters.ignored", values="\0").split("\0")[0]
    notice = page.get_by_test_id("stAlert").filter(has_text=starts)
    expect(notice).to_have_count(1)
    expect(notice.locator("a, img, strong, em, h1, h2, h3, h4, h5, h6, li")).to_have_count(0)
    shown = notice.inner_text()
    for value in values:  # each as typed (a line break read as a space)
        assert " ".join(value.split()) in shown, (value, shown)


@pytest.mark.parametrize(("lang", "path"), [("id", "/participasi"), ("zh", "/home"), ("en", "/data/2019")])
def test_a_link_to_a_missing_page_opens_the_overview_saying_so(dashboard: RunningApp, page: Page, lang: str,
                                                               path: str) -> None:
    """A mistyped or outdated page in a link opened Streamlit's English dialog "Page not found … Running
    the app's main page" over the Overview. Now the reader lands on the Overview, told in their language
    which page does not exist; the link's filters are kept and the notice's parameter is dropped."""
    query = "year=2018" + ("" if lang == "id" else f"&lang={lang}")
    open_page(page, dashboard.url(path, query))
    assert_no_exception(page, f"opening {path}")
    expect(page.get_by_role("dialog")).to_have_count(0)
    missing = path.strip("/")
    notice = page.get_by_test_id("stAlert").filter(has_text=translate(lang, "nav.page_missing", page=missing))
    expect(notice).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=page_title(lang, "overview"))).to_be_visible()
    assert widget_state(page).years == ("2018",)
    link = urlsplit(page.url)
    assert link.path.rstrip("/") == urlsplit(dashboard.url("/")).path.rstrip("/"), page.url
    assert parse_qs(link.query).get("year") == ["2018"] and "missing" not in parse_qs(link.query), page.url
    if lang == "id":
        save_screenshot(page, "missing-page-id")


def test_every_page_the_navigation_offers_is_a_page_the_server_knows(dashboard: RunningApp, page: Page) -> None:
    """The server sends a link to any other path to the Overview (dashboard.missing_pages): each page
    the sidebar links to must open itself, never the Overview's notice."""
    open_page(page, dashboard.url("/", "lang=en"))
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all("links => links.map(a => a.href)")
    assert len(hrefs) >= 7, hrefs  # six public pages and the sign-in
    for href in hrefs:
        with urllib.request.urlopen(urllib.request.Request(href, headers={"Accept": "text/html"}),
                                    timeout=30) as response:
            assert response.url == href, f"{href} was sent to {response.url}"
    for path in ("/overview", "/upload"):  # not in a reader's navigation, still pages
        with urllib.request.urlopen(urllib.request.Request(dashboard.url(path), headers={"Accept": "text/html"}),
                                    timeout=30) as response:
            assert response.url == dashboard.url(path), path


# -- found while writing these tests (they fail until the app is fixed) ----------------


def test_switching_language_after_narrowing_does_not_claim_the_link_was_ignored(dashboard: RunningApp,
                                                                                 page: Page) -> None:
    """A reader narrows the fields in English and switches to Indonesian. Nothing was ignored (the
    filters are kept and re-labelled), so the "part of the link could not be applied" warning must
    not appear. If it does, the reader is told their filters were reset when they were not."""
    open_page(page, dashboard.url("/", "lang=en"))
    remove_chip(page, schema.FIELD.label("tourism", "en"))
    choose_language(page, "id")
    save_screenshot(page, "language-switch-after-narrowing-id")
    assert widget_state(page).fields == tuple(schema.FIELD.label(c, "id") for c in schema.FIELD.codes
                                              if c != "tourism"), "the field narrowing was lost"
    warning_start = translate("id", "filters.ignored", values="\0").split("\0")[0]
    expect(page.get_by_test_id("stAlert").filter(has_text=warning_start)).to_have_count(0)


def test_filters_still_work_after_switching_language(dashboard: RunningApp, page: Page) -> None:
    """After switching the language, the next click (here: removing a year) must still show the page.
    If it fails with an error box, every reader who changes language is stuck until they reload."""
    years = loaded_years(dashboard)
    open_page(page, dashboard.url("/", "lang=en"))
    choose_language(page, "id")
    remove_chip(page, str(years[-1]))
    save_screenshot(page, "language-switch-then-filter-id")
    assert_headline(page, dashboard, Narrowing(tuple(years[:-1])), "id")
    assert set(link_params(page.url)) <= {"year"}, f"unexpected parameters in the link: {page.url}"


def test_sign_in_shows_the_language_alone_and_the_filters_come_back_after_it(dashboard: RunningApp,
                                                                             page: Page) -> None:
    """A reader narrows years, a field and the direction in English, opens the analysts' sign-in (which no
    filter acts on: filters there would seem to narrow something), switches to Chinese there and goes on to
    Participation. The sign-in page's sidebar offers the language alone; Participation shows the reader's
    filters in Chinese, its link carries them as codes and its headline counts them. Before, the sign-in
    page drew the filters; without their state kept through it, the fields came back empty on screen
    while the charts still counted them."""
    narrowing = narrow_in_english(dashboard, page)

    title = translate("en", "nav.signin")
    link = sidebar(page).get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    after_interaction(page, link.click)
    expect(page.locator("h1").first).to_have_text(translate("en", "auth.title"))
    assert_no_exception(page, "opening the sign-in page")
    bar = sidebar(page)
    expect(bar.get_by_test_id("stButtonGroup")).to_have_count(1)  # the language
    for widget in ("stMultiSelect", "stRadio", "stSelectbox"):
        expect(bar.get_by_test_id(widget)).to_have_count(0)
    expect(bar.get_by_text(translate("en", "filters.title"), exact=True)).to_have_count(0)
    choose_language(page, "zh")
    expect(page.locator("h1").first).to_have_text(translate("zh", "auth.title"))
    save_screenshot(page, "sign-in-language-alone-zh")

    go_to(page, "zh", "participation")
    assert widget_state(page) == WidgetState("zh", tuple(str(y) for y in narrowing.years),
                                             tuple(schema.FIELD.label(c, "zh") for c in narrowing.fields),
                                             schema.DIRECTION.label("outbound", "zh"))
    assert link_params(page.url) == {"lang": ["zh"], "year": [str(y) for y in narrowing.years],
                                     "field": list(narrowing.fields), "direction": ["outbound"]}, page.url
    go_to(page, "zh", "overview")
    assert_headline(page, dashboard, narrowing, "zh")


def test_a_column_with_a_missing_number_still_sorts_as_numbers(dashboard: RunningApp, page: Page) -> None:
    """The funnel's table: the first stage has no conversion (no stage before it). An analyst sorts the
    conversion column from its menu, largest first: the shares come in numeric order, the empty cell last,
    and the grid holds numbers (what a reader's "Format" choice acts on). Before, the column was sent as
    text for its empty cell, so it sorted as text: "9,5%" above "66,1%", "100,0%" below "25,0%"."""
    open_page(page, dashboard.url("/participation", "lang=id&year=2018"))
    holder = page.locator(f".st-key-{TABLE_KEY_PREFIX}funnel")
    after_interaction(page, holder.get_by_text(translate("id", "chart.data_table"), exact=True).click)
    table = holder.get_by_test_id("stDataFrame")
    table.scroll_into_view_if_needed()
    header = METRICS["stage_conversion"].label("id")
    # Glide's grid of cells for assistive technology (hidden: the table is drawn on a canvas).
    cells = table.locator("[role=columnheader]")
    expect(cells).to_have_count(4)
    headers = cells.all_inner_texts()
    assert headers[-1] == header, headers  # the last column: its header is clicked at the table's right edge
    box = table.bounding_box()
    assert box
    rows = table.locator("[role=row]")

    def stage(row: int) -> Locator:
        return rows.nth(row).locator("[role=gridcell]").nth(1)

    def conversions() -> list[str]:
        return [row.locator("[role=gridcell]").last.inner_text() for row in rows.all()[1:]]

    expect(stage(2)).to_have_text(schema.STAGE.label("administrative", "id"))  # the funnel's own order
    page.mouse.click(box["x"] + box["width"] - 60, box["y"] + 15)  # a click on a header sorts by it
    expect(stage(2)).not_to_have_text(schema.STAGE.label("administrative", "id"))
    ascending = conversions()
    assert ascending[0] == "" and "" not in ascending[1:], ascending
    values = [float(text) for text in ascending[1:]]  # numbers, not "66,1%" texts
    assert values == sorted(values) and len(values) == 5, ascending
    page.mouse.click(box["x"] + box["width"] - 60, box["y"] + 15)  # again: largest first
    expect(stage(1)).not_to_have_text(schema.STAGE.label("registered", "id"))
    save_screenshot(page, "funnel-table-sorted-id")
    assert conversions() == [*ascending[1:][::-1], ""]


def test_headline_change_arrow_follows_the_sign_of_the_change(dashboard: RunningApp, page: Page) -> None:
    """Each headline change shows an arrow: up for a rise, down for a fall, none for no change. A fall
    shown with an up arrow (and the colour of a rise) tells readers the opposite of what happened."""
    # In the sample data, Arts and culture had fewer applicants in 2019 than in 2018.
    open_page(page, dashboard.url("/", "lang=en&field=Arts+and+culture"))
    save_screenshot(page, "headline-arrows-en-arts-and-culture")
    mismatches: list[str] = []
    falls = rises = 0
    for metric in page.get_by_test_id("stMetric").all():
        delta = metric.get_by_test_id("stMetricDelta")
        if not delta.count():
            continue
        text = delta.inner_text().strip()
        icons = delta.locator('[data-testid^="stMetricDeltaIcon-"]')
        icon = (icons.get_attribute("data-testid") or "") if icons.count() else ""
        if text.startswith("±"):  # no change: no arrow at all
            if icon:
                mismatches.append(f"{text!r} shown with {icon}")
            continue
        falling = text[:1] in ("-", "−")
        falls, rises = falls + falling, rises + (not falling)
        if icon.endswith("-Down") != falling:
            label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
            mismatches.append(f"{label} {text!r} shown with {icon}")
    assert falls and rises, f"this view should show rises and falls (rises {rises}, falls {falls})"
    assert not mismatches, "changes drawn with the wrong arrow:\n" + "\n".join(mismatches)


# A timeline's ticks name the month ("Agu", "8月"), or the day over a short span ("6 Agu", "8月6日").
DATE_TICK = {"id": re.compile(r"(\d{1,2} )?(Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des)"),
             "zh": re.compile(r"\d{1,2}月(\d{1,2}日)?")}


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_dates_and_chart_toolbar_are_in_the_readers_language(dashboard: RunningApp, page: Page, lang: str) -> None:
    """Plotly names months and writes its toolbar in English unless a chart brings its own locale: the
    Indonesian timeline read "06 Aug … 15 Oct". Each chart's config now carries the reader's (CLDR
    months, the catalogue's tooltips); this is what Chromium draws from it."""
    open_page(page, dashboard.url("/activities", f"lang={lang}"))
    timeline = page.locator(".st-key-figure-timeline")
    timeline.scroll_into_view_if_needed()
    shown = timeline.locator(SHOWN_CHART)
    shown.locator(".xaxislayer-above text").first.wait_for()
    ticks = shown.locator(".xaxislayer-above text").evaluate_all("els => els.map(e => e.textContent)")
    assert ticks and all(DATE_TICK[lang].fullmatch(tick) for tick in ticks), ticks
    shown.hover()
    titles = timeline.locator(".modebar-btn").evaluate_all("els => els.map(e => e.getAttribute('data-title'))")
    assert translate(lang, "plotly.download_png") in titles, titles
    assert not {"Download plot as a PNG", "Autoscale", "Reset axes"} & set(titles), titles


# Per year's panel of the timeline: its date range as built, the month names drawn (shown, not hidden), the
# plot's width and the titles' horizontal extent, against the chart's.
TIMELINE_JS = """gd => {
  const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
  const axes = Object.keys(gd.layout).filter(k => /^xaxis\\d*$/.test(k)).sort();
  const drags = gd.querySelectorAll('.draglayer .nsewdrag');  // one per panel, the size of its plot
  const panels = Array.from(gd.querySelectorAll('.cartesianlayer .subplot')).map((panel, i) => {
    const plot = drags[i].getBoundingClientRect();
    const months = Array.from(panel.querySelectorAll('.xaxislayer-above text'))
        .filter(t => t.textContent && t.checkVisibility()).map(t => t.textContent);
    const titles = Array.from(panel.querySelectorAll('.textpoint text')).map(t => t.getBoundingClientRect());
    const bars = Array.from(panel.querySelectorAll('.bars .point path')).map(b => b.getBoundingClientRect());
    const over = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
        && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    return {range: gd.layout[axes[i]].range, months, plot: [plot.left, plot.right],
            titles: titles.map(r => [r.left, r.right]), crossed: titles.filter(t => bars.some(b => over(t, b))).length};
  });
  return {chart: [svg.left, svg.right], panels};
}"""


def measured_chart(browser: Browser, url: str, width: int, name: str, text: str, script: str) -> Any:
    """``script`` evaluated on the chart ``name`` of the page at ``url``, opened in a new browser context
    ``width`` px wide, once the chart has drawn its first ``text`` element."""
    context = new_context(browser, viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        open_page(page, url)
        chart = page.locator(f".st-key-figure-{name} {SHOWN_CHART}")
        chart.scroll_into_view_if_needed()
        chart.locator(text).first.wait_for()
        return chart.evaluate(script)
    finally:
        context.close()


def test_a_phone_timeline_gives_the_dates_the_charts_width(dashboard: RunningApp, browser: Browser) -> None:
    """On a phone the titles, beside the rows, took 240 of 320 px. They are written above the bars now, so
    the plot has the chart's width, every title fits inside it clear of the bars, and each month is named
    (Plotly hides the month names under labels drawn inside a plot, so they are not tick labels)."""
    drawn = measured_chart(browser, dashboard.url("/activities", "lang=id"), 390, "timeline", ".textpoint text",
                           TIMELINE_JS)
    left, right = drawn["chart"]
    assert len(drawn["panels"]) == 3  # 2017, 2018 and 2019
    for panel in drawn["panels"]:
        plot_left, plot_right = panel["plot"]
        assert plot_right - plot_left >= 0.85 * (right - left), panel
        assert panel["titles"] and all(plot_left - 1 <= a and b <= plot_right + 1 for a, b in panel["titles"]), panel
        assert panel["crossed"] == 0, panel  # no title written over a bar
        first, end = (dt.date.fromisoformat(day[:10]) for day in panel["range"])
        assert first.day == 1 and end.day == 1, panel  # months from their first day (the sample's spans are long)
        months = (end.year - first.year) * 12 + end.month - first.month
        assert len(panel["months"]) == months and all(DATE_TICK["id"].fullmatch(m) for m in panel["months"]), panel



# The timeline's figure shown (its element's key), the titles it writes, and how far they reach past its right edge.
_TIMELINE_TITLES_JS = """box => {
    const shown = [...box.querySelectorAll('.js-plotly-plot')].filter(plot => plot.offsetParent !== null);
    return shown.map(plot => {
        const right = plot.getBoundingClientRect().right;
        const titles = [...plot.querySelectorAll('.textpoint text')];
        return {key: [...plot.closest('[class*="st-key-"]').classList].find(c => c.startsWith('st-key-')),
                width: Math.round(plot.getBoundingClientRect().width), titles: titles.map(t => t.textContent),
                past: Math.max(...titles.map(t => t.getBoundingClientRect().right - right))};
    });
}"""


def test_a_laptop_timeline_writes_whole_the_titles_a_phone_has_cut(dashboard: RunningApp, browser: Browser) -> None:
    """The timeline's titles were cut to a phone's width on every screen: on a 1366 px laptop "Pertandingan
    persahabatan bulu tangkis pemuda Jaka…" ended halfway across the chart. Where the chart is at least as wide
    as the wide figure is laid out for, that figure is shown, its titles whole; narrower (a 900 px window with
    the sidebar open), the phone's; a window resized switches between them, each drawn to the chart's width."""
    context = new_context(browser, viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/activities", "lang=en"))
        box = page.locator(".st-key-widths-timeline")
        box.locator(f"{SHOWN_CHART} .textpoint text").first.wait_for()
        box.scroll_into_view_if_needed()
        (laptop,) = box.evaluate(_TIMELINE_TITLES_JS)
        save_screenshot(page, "activities-en-1366-timeline")
        assert laptop["key"] == f"st-key-{components.WIDE_SCREEN_CHART_KEY}timeline", laptop
        assert laptop["width"] >= figures.WIDE_WIDTH and laptop["past"] <= 0, laptop
        assert len(laptop["titles"]) == 46 and not [t for t in laptop["titles"] if t.endswith(figures.ELLIPSIS)]
        page.set_viewport_size({"width": 900, "height": 900})
        page.wait_for_function("""() => [...document.querySelectorAll('.st-key-widths-timeline .js-plotly-plot')]
            .some(plot => plot.offsetParent !== null && plot.querySelector('.textpoint text'))""")
        (narrow,) = box.evaluate(_TIMELINE_TITLES_JS)
        assert narrow["key"] == "st-key-chart-timeline" and narrow["width"] < figures.WIDE_WIDTH, narrow
        assert narrow["past"] <= 0 and [t for t in narrow["titles"] if t.endswith(figures.ELLIPSIS)], narrow
        page.set_viewport_size({"width": 1366, "height": 900})
        page.wait_for_timeout(500)
        assert box.evaluate(_TIMELINE_TITLES_JS) == [laptop], "the laptop's figure again, as first drawn"
    finally:
        context.close()

# The boxes of a chart's legend entries (each symbol and text as drawn) and of its panels' titles (the years).
_LEGEND_AND_YEARS_JS = """gd => {
    const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    return {legend: [...gd.querySelectorAll('.legend .traces .legendtext, .legend .traces .legendpoints path')]
                        .map(box),
            years: [...gd.querySelectorAll('.annotation-text')].filter(a => /^\\d{4}$/.test(a.textContent.trim()))
                                                               .map(box)};
}"""


@pytest.mark.parametrize(("query", "width"), [("lang=en&year=2019&field=tourism", 1440),
                                              ("lang=zh&year=2019&field=tourism", 390),
                                              ("lang=id&year=2018&field=urban_planning", 360),
                                              ("lang=id", 1440)])
def test_the_timelines_legend_stands_clear_of_its_years(dashboard: RunningApp, browser: Browser, query: str,
                                                        width: int) -> None:
    """The legend stands a share of the plot's height above it: over a timeline of one activity (2019,
    tourism) that was 2 px, and the year above the panel was written across the legend's entry."""
    drawn = measured_chart(browser, dashboard.url("/activities", query), width, "timeline", ".legend .traces",
                           _LEGEND_AND_YEARS_JS)
    assert drawn["legend"] and drawn["years"], drawn
    for left, top, right, bottom in drawn["legend"]:
        for y_left, y_top, y_right, y_bottom in drawn["years"]:
            apart = right <= y_left or y_right <= left or bottom <= y_top or y_bottom <= top
            assert apart, ("legend entry", (left, top, right, bottom), "year", (y_left, y_top, y_right, y_bottom))


def test_rupiah_amounts_are_written_in_one_form_on_the_bars_their_axis_and_the_trend(dashboard: RunningApp,
                                                                                    page: Page) -> None:
    """A projector audience cannot hover: every amount is written where it is drawn, abbreviated the same way
    on the bars, their axis and the trend's rows ("IDR174m" beside "IDR 100,000,000" gave one amount two
    forms). The trend writes each year's amount beside its point, in order of the years. The sign stands apart
    from the digits, as in the whole amount, by a space that never breaks ("IDR174m" until 4 Dec)."""
    open_page(page, dashboard.url("/benefits", "lang=en"))
    trend = page.locator(".st-key-figure-trend-idr .js-plotly-plot")
    trend.scroll_into_view_if_needed()
    trend.locator(".textpoint text").first.wait_for()
    written = trend.locator(".textpoint text").evaluate_all("els => els.map(e => e.textContent)")
    assert written and all(re.fullmatch(r"IDR\u00a0\d+m", amount) for amount in written), written
    assert {int(amount.removeprefix("IDR\u00a0").removesuffix("m")) for amount in written} == {134, 174}, written
    bars = page.locator(".st-key-figure-values-idr .js-plotly-plot")
    bars.scroll_into_view_if_needed()
    labels = bars.locator(".bartext").evaluate_all("els => els.map(e => e.textContent)")
    sideways = bars.locator(".xtick text").evaluate_all("els => els.map(e => e.textContent)")
    assert labels and all(re.fullmatch(r"IDR\u00a0[\d.]+m", label) for label in labels), labels
    assert sideways[0] == "IDR\u00a00" and all(re.fullmatch(r"IDR\u00a0\d+m", tick) for tick in sideways[1:]), sideways


# Each value written on a trend row: how far it reaches past its plot's left edge (over the row's name) and
# past the chart's right edge (off a phone's screen), in px.
_TREND_OVERHANG_JS = """gd => {
    const plots = [...gd.querySelectorAll('.nsewdrag')].map(r => r.getBoundingClientRect());
    const left = Math.min(...plots.map(r => r.left)), right = gd.getBoundingClientRect().right;
    return [...gd.querySelectorAll('.textpoint text')].map(t => t.getBoundingClientRect())
        .map(r => Math.max(0, left - r.left, r.right - right));
}"""


def test_trend_values_stay_between_the_row_names_and_the_screen_edge_on_a_phone(dashboard: RunningApp,
                                                                                 browser: Browser) -> None:
    """Plotly fits a line's points to its plot's edges: on a phone, "Rp134 jt" was written over the row's name
    and "Rp174 jt" ran off the screen. Each year now sits in the middle of its share of the width."""
    context = new_context(browser, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/benefits", "lang=id"))
        overhangs = {}
        for unit in schema.UNIT.codes:
            chart = page.locator(f".st-key-figure-trend-{unit} .js-plotly-plot")
            if chart.count():
                chart.scroll_into_view_if_needed()
                chart.locator(".textpoint text").first.wait_for()
                overhangs[unit] = chart.evaluate(_TREND_OVERHANG_JS)
    finally:
        context.close()
    assert set(overhangs) == {"idr", "percent", "count", "score"}, overhangs
    assert {unit: [px for px in found if px > 1] for unit, found in overhangs.items()} == {
        unit: [] for unit in overhangs}, overhangs


# Each row title of a chart as drawn (an annotation: an indicator's name above its bar or trend line), with
# the boxes of the figure, of every bar and of every written value.
_ROW_TITLES_JS = """gd => {
    const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    const texts = [...gd.querySelectorAll('.annotation-text')];
    return {figure: box(gd.getBoundingClientRect()),
            titles: texts.map(t => ({text: t.textContent, ...box(t.getBoundingClientRect())})),
            bars: [...gd.querySelectorAll('.point path')].map(p => box(p.getBoundingClientRect()))
                .filter(r => r.right - r.left > 0),
            values: [...gd.querySelectorAll('.bartext, .textpoint text')].map(t => box(t.getBoundingClientRect()))};
}"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 and (
        b["top"] < a["bottom"] - 1)


@pytest.mark.parametrize("width", [390, 1440])
def test_each_tables_two_download_buttons_stand_on_one_line(dashboard: RunningApp, browser: Browser,
                                                            width: int) -> None:
    """A phone puts columns one under the other: each table's CSV and XLSX buttons took a line each, eight
    lines of buttons under four table names. Both stand on one line, beside or under the table's name."""
    context = new_context(browser, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/data", "lang=id"))
        rows = {}
        for sheet in schema.SHEETS:
            boxes = [page.locator(f".st-key-download-{sheet.name}-{kind}").bounding_box() for kind in ("csv", "xlsx")]
            assert all(boxes), sheet.name
            csv, xlsx = boxes
            rows[sheet.name] = (round(abs(csv["y"] - xlsx["y"])), csv["x"] + csv["width"] <= xlsx["x"])
    finally:
        context.close()
    assert rows == {sheet.name: (0, True) for sheet in schema.SHEETS}, rows


# Each dictionary table as drawn: its width and its container's, each cell's text and width, in table order.
_REFERENCE_TABLES_JS = """() => [...document.querySelectorAll('[data-testid="stTable"]')].map(box => {
  const table = box.querySelector('table');
  return {width: table.scrollWidth, room: box.clientWidth,
          rows: [...table.rows].map(row => [...row.cells].map(cell => ({
              text: cell.innerText.trim(), width: cell.getBoundingClientRect().width,
              em: parseFloat(getComputedStyle(cell).fontSize),
              cut: cell.scrollWidth > cell.clientWidth + 1})))};
})"""


@pytest.mark.parametrize(("lang", "width", "presenting"), [("en", 1440, False), ("zh", 390, False),
                                                         ("id", 1280, True)])
def test_the_data_dictionary_is_read_whole(dashboard: RunningApp, browser: Browser, lang: str, width: int,
                                           presenting: bool) -> None:
    """In a grid, the dictionary's allowed values and descriptions were cut mid-word on a laptop
    ("jeddah: Jeddah; …; tokyo: To"), its last column past the page's edge, and on a projector. Every cell
    now holds its whole text as typed ("participant_id", not italics); on a laptop and a projector (where the
    dictionary stands open) the table stands within the page; on a phone it scrolls across rather than
    standing a Chinese label a character a line (no column under 5em)."""
    context = new_context(browser, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/data", f"lang={lang}" + ("&present=1" if presenting else "")))
        for summary in page.locator('[data-testid="stExpander"] summary').all()[:len(schema.SHEETS)]:
            summary.click()
        page.locator('[data-testid="stTable"]').nth(len(schema.SHEETS) - 1).wait_for()
        drawn = page.evaluate(_REFERENCE_TABLES_JS)
    finally:
        context.close()
    # Presenting, the load history stands as a static table too, after the dictionary's.
    assert len(drawn) == len(schema.SHEETS) + presenting
    if presenting:
        assert drawn[-1]["rows"][0][0]["text"] == translate(lang, "history.load_id"), drawn[-1]["rows"][0]
    for sheet, table in zip(schema.SHEETS, drawn[:len(schema.SHEETS)], strict=True):
        expected = dictionary(sheet, lang)
        assert [cell["text"] for cell in table["rows"][0]] == list(expected.columns), sheet.name
        assert [[cell["text"] for cell in row] for row in table["rows"][1:]] == [
            [re.sub(r"[ \t\n]+", " ", str(value)).strip() for value in row]  # a no-break space kept ("40 个字符")
            for row in expected.itertuples(index=False)], sheet.name
        cells = [cell for row in table["rows"] for cell in row]
        assert not [cell["text"] for cell in cells if cell["cut"]], sheet.name
        assert not [cell["text"] for cell in cells if cell["width"] < 5 * cell["em"] - 1], sheet.name
        if width >= 1280:
            assert table["width"] <= table["room"] + 1, (sheet.name, table["width"], table["room"])


def _column_borders(grid: Image.Image, header_px: int = 40) -> list[int]:
    """The x of each vertical border of a grid's screenshot (a canvas: no cell in the page to measure): the
    pixel columns light gray from the header down to the bottom row."""
    width, height = grid.size
    body = grid.crop((0, header_px, width, height - 4))
    pixels = body.load()
    return [x for x in range(width)
            if sum(200 <= pixels[x, y] <= 245 for y in range(body.size[1])) > 0.9 * body.size[1]]


def _ink_at_right_edge(grid: Image.Image, left: int, right: int, header_px: int = 40) -> int:
    """Dark pixels in the last three of a column's pixels: a text the grid drew on one line and cut at the
    column's edge reaches it; a wrapped one stops at the cell's padding (8 px)."""
    strip = grid.crop((right - 4, header_px, right - 1, grid.size[1] - 3))
    pixels = strip.load()
    return sum(pixels[x, y] < 140 for x in range(strip.size[0]) for y in range(strip.size[1]))


def test_sentences_beside_chinese_labels_wrap_in_a_grid(dashboard: RunningApp, browser: Browser) -> None:
    """A grid guesses where to break a line from the width of the characters it has measured so far; after a
    column of Chinese labels (each character twice a Latin one's width) it took the first Indonesian
    sentences beside them for one line and cut them at the column's edge ("Anggaran perjalanan hanya cukup
    untuk sedikit d"). The labels beside sentences are drawn as choices, which the grid does not measure that
    way, and every sentence wraps. Arts and culture has no benefit indicators in the sample: the obstacles'
    grid is the page's first."""
    context = new_context(browser, viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/benefits", "lang=zh&field=arts_culture"))
        grid = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)  # the canvas drawn
        shot = Image.open(io.BytesIO(grid.screenshot())).convert("L")
    finally:
        context.close()
    borders = _column_borders(shot)
    labels = ("year", "category", "severity", "description", "mitigation")
    assert len(borders) == len(labels) + 1, borders
    cut = {label: ink for label, left, right in zip(labels, borders[:-1], borders[1:], strict=True)
           if (ink := _ink_at_right_edge(shot, left, right))}
    assert cut == {}


# Each grid of the main area: the px its rows take and the px it shows of them (its header included).
_GRID_ROOM_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"]')]
  .map(grid => grid.querySelector('.dvn-scroller')).map(s => ({rows: s.scrollHeight, shown: s.clientHeight}))"""


@pytest.mark.parametrize("width", [390, 1440])
def test_a_grid_of_ten_rows_or_fewer_shows_every_row(dashboard: RunningApp, browser: Browser, width: int) -> None:
    """Streamlit's grid stops at 400 px, ten of its own 35 px rows: 2018's six obstacles, in rows wrapped to
    70 px, showed five and a sliver of the sixth, with no sign that a row was hidden. A grid of up to ten
    rows shows them all; a longer one (2018's sixteen indicators) shows ten and half the next, which says
    that it scrolls."""
    context = new_context(browser, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/benefits", "lang=en&year=2018"))
        page.get_by_test_id("stDataFrame").last.locator(".dvn-scroller").wait_for()
        indicators, obstacles = page.evaluate(_GRID_ROOM_JS)
    finally:
        context.close()
    with duckdb.connect(str(dashboard.database_file()), read_only=True) as connection:
        (count,), = connection.execute("SELECT count(*) FROM benefits WHERE year = 2018").fetchall()
        (obstacle_count,), = connection.execute("SELECT count(*) FROM obstacles WHERE year = 2018").fetchall()
    assert count > components.GRID_ROWS >= obstacle_count > 0, (count, obstacle_count)
    assert obstacles["rows"] <= obstacles["shown"], obstacles
    row = (indicators["rows"] - components.GRID_HEADER_PX) / count
    peeking = indicators["shown"] - components.GRID_HEADER_PX - components.GRID_ROWS * row
    assert row / 4 <= peeking <= row * 3 / 4, (indicators, row)


@pytest.mark.parametrize("width", [390, 1280])
def test_indicator_names_stand_whole_above_their_bars_and_lines(dashboard: RunningApp, browser: Browser,
                                                                width: int) -> None:
    """Beside their bars and lines, indicator names were cut for a phone ("Delegasi yang menerapkan
    pengetahuan dari Beijing d…"), on a laptop too. Written above them, every sample name is whole on a
    phone and a laptop, inside its figure, clear of every bar and written value, and each achieved value's
    title stands just above its own bar."""
    context = new_context(browser, viewport={"width": width, "height": 900})
    found: dict[str, Any] = {}
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/benefits", "lang=id"))
        for key in ("values-count", "values-percent", "trend-percent", "trend-count"):
            chart = page.locator(f".st-key-figure-{key} .js-plotly-plot")
            chart.scroll_into_view_if_needed()
            chart.locator(".annotation-text").first.wait_for()
            found[key] = chart.evaluate(_ROW_TITLES_JS)
    finally:
        context.close()
    with duckdb.connect(str(dashboard.database_file()), read_only=True) as connection:
        names = {name for (name,) in connection.execute("SELECT DISTINCT indicator FROM benefits").fetchall()}
    for key, drawn in found.items():
        figure = drawn["figure"]
        assert drawn["titles"], key
        for title in drawn["titles"]:
            shown = title["text"].split(" · ", 1)[-1] if key.startswith("trend") else title["text"]
            # Its lines are drawn as pieces of one text, joined without the space between them: the whole name.
            assert "".join(shown.split()) in {"".join(name.split()) for name in names}, (key, title)
            assert figure["left"] <= title["left"] and title["right"] <= figure["right"] + 1, (key, title)
            clashes = [r for r in drawn["bars"] + drawn["values"] if _overlap(title, r)]
            assert not clashes, (key, title["text"], clashes)
        if key.startswith("values"):
            for title in drawn["titles"]:
                below = min((bar["top"] - title["bottom"] for bar in drawn["bars"]
                             if bar["top"] >= title["bottom"] - 1 and bar["left"] < title["right"]), default=None)
                assert below is not None and below <= 8, (key, title["text"], below)


# Each chart's legend as drawn: its entries' and title's horizontal extent against the chart's.
_LEGENDS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
    const box = plot.getBoundingClientRect();
    const parts = [...plot.querySelectorAll('.legend .traces, .legend .legendtitletext')].map(t => {
        const r = t.getBoundingClientRect();
        return [t.textContent, r.left - box.left, box.right - r.right];
    });
    return [(plot.closest('[class*="st-key-figure-"]') || {className: ''}).className.match(/st-key-figure-[\\w-]+/)?.[0]
            || '', parts];
})"""


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_every_chart_text_stands_inside_its_chart_on_a_360_px_phone(dashboard: RunningApp, browser: Browser,
                                                                    lang: str) -> None:
    """360 px is the commonest Android phone's width. The charts were laid out for a 390 px phone, and at 360
    the Benefits page cut eleven indicator names at the chart's right edge ("… dalam rapa") and the Overview
    its benefit chart's axis title ("Benefit indicators recorde"). Every text of every chart of the four
    chart pages stands inside its chart (the profile tabs' first chart; each tab's are the same kind)."""
    context = new_context(browser, viewport={"width": 360, "height": 800})
    outside, seen = {}, 0
    try:
        page = context.new_page()
        for path in PAGES:
            if path == "/data":
                continue
            open_page(page, dashboard.url(path, f"lang={lang}"))
            for chart in page.locator(SHOWN_CHART).all():  # each drawn as it comes into view
                chart.scroll_into_view_if_needed()
                chart.locator("svg.main-svg").first.wait_for()
            read = page.evaluate(READING_JS)
            seen += len(read["keys"])
            if read["outside"]:
                outside[path] = read["outside"]
            save_screenshot(page, f"{PAGES[path]}-{lang}-360")
    finally:
        context.close()
    assert seen >= 20, seen
    assert outside == {}, outside


@pytest.mark.parametrize(("query", "width", "lang"), [("year=2017&field=tourism", 360, "id"),
                                                     ("year=2019", 360, "zh"),
                                                     ("year=2017&field=tourism&present=1", 1280, "zh")])
def test_every_written_number_keeps_its_size_when_little_is_chosen(dashboard: RunningApp, browser: Browser,
                                                                   query: str, width: int, lang: str) -> None:
    """One year, one field: charts of one bar or one row. Tourism's one percent indicator of 2017 wrote
    its "75,0%" at 0.82 of its size on a phone: Plotly's own range for the rows reached 1.2 rows past the
    one row, and its bar, 22 px for 26, was too thin for the text. Every number written on the four chart
    pages keeps its size, stays in its chart and clear of the others (tests/e2e/written.py)."""
    context = new_context(browser, viewport={"width": width, "height": 800})
    checked: dict[str, int] = {}
    try:
        page = context.new_page()
        for path in ("/", "/participation", "/activities", "/benefits"):
            open_page(page, dashboard.url(path, f"lang={lang}&{query}"))
            checked |= check_written_numbers(page, f"{path}?{query}")
    finally:
        context.close()
    assert checked.get("/benefits?" + query + " values-percent"), checked  # the one indicator's chart, read


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_every_headline_card_is_read_whole_on_the_narrowest_phone(dashboard: RunningApp, browser: Browser,
                                                                  lang: str) -> None:
    """On a 320 px phone the selection rate's change was cut to "+0,4 poin p…": a card's change wraps now, as
    its label does, and no word of a label is broken across two lines. (The charts are laid out for 360 px
    phones and wider: dashboard.margins.PHONE_WIDTH.)"""
    context = new_context(browser, viewport={"width": 320, "height": 700})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/", f"lang={lang}"))
        read = page.evaluate(READING_JS)
        save_screenshot(page, f"overview-{lang}-320")
    finally:
        context.close()
    assert read["cards"] == 9, read
    assert read["broken"] == [] and read["cut"] == [], read


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_every_legend_stands_inside_its_chart_on_a_phone(dashboard: RunningApp, browser: Browser, lang: str) -> None:
    """With its title beside it ("top left"), Plotly indented a legend's entries by the title's width and did
    not count the indent where it wraps them: on a phone the achieved values' last entry ("Kedua kota") ran
    off the chart. Every legend entry and title of the four chart pages stands inside its chart."""
    context = new_context(browser, viewport={"width": 390, "height": 844})
    outside, seen = [], 0
    try:
        page = context.new_page()
        for path in ("/", "/participation", "/activities", "/benefits"):
            open_page(page, dashboard.url(path, f"lang={lang}"))
            page.locator(".js-plotly-plot .legend").first.wait_for()
            for name, parts in page.evaluate(_LEGENDS_JS):
                seen += len(parts)
                outside += [(path, name, text, round(left), round(right)) for text, left, right in parts
                            if left < -1 or right < -1]
    finally:
        context.close()
    assert seen > 20, seen
    assert outside == [], outside


# Lying bars as drawn (the funnel's, the attendances'): each bar's box, and its written text with that text's
# box; the chart's box.
_LYING_BARS_JS = """gd => {
    const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width});
    const bars = [...gd.querySelectorAll('.trace.bars .point')].map(point => {
        const text = point.querySelector('.bartext');
        return {bar: box(point.querySelector('path').getBoundingClientRect()),
                text: text ? text.textContent : null, written: text ? box(text.getBoundingClientRect()) : null};
    });
    return {chart: box(gd.getBoundingClientRect()), bars, values: gd.data.flatMap(trace => trace.x)};
}"""


@pytest.mark.parametrize(("path", "name", "width", "lang"), [
    ("/participation", "funnel", 360, "id"), ("/participation", "funnel", 360, "zh"),
    ("/participation", "funnel", 1280, "en"),
    ("/activities", "participants-per-type", 360, "zh"), ("/activities", "participants-per-type", 1280, "id")])
def test_lying_bars_write_every_count_where_it_can_be_seen(
        dashboard: RunningApp, browser: Browser, path: str, name: str, width: int, lang: str) -> None:
    """A projector audience cannot hover. The stacked funnel hid the counts its narrow segments could not
    hold: 10 of the 18 on a phone, 6 (the last two stages') on a projector. Every count is written now, after
    the funnel's first stage with its share of the stage before (on hover only until then), each text whole
    inside its bar or beside it, within the chart, clear of the bars below and above. The attendances per
    activity type are placed by the same rule (they had one of their own: inside a quarter of the longest)."""
    url = dashboard.url(path, f"lang={lang}" + ("&present=1" if width >= SMALLEST_PROJECTOR_SCREEN else ""))
    drawn = measured_chart(browser, url, width, name, ".bartext", _LYING_BARS_JS)
    bars, chart = drawn["bars"], drawn["chart"]
    assert len(bars) == len(drawn["values"]) >= 16, drawn  # the funnel: six stages in each of three years
    counts = [int(re.sub(r"\D", "", text.split("(")[0].split("（")[0])) for text in (b["text"] for b in bars)]
    assert sorted(counts) == sorted(drawn["values"]), drawn
    if name == "funnel":
        shares = [bar["text"] for bar in bars if "%" in bar["text"]]
        assert len(bars) == 18 and len(shares) == 15, shares  # each stage after the first, in each year
    for drawn_bar in bars:
        bar, written = drawn_bar["bar"], drawn_bar["written"]
        assert written["width"] > 0 and chart["left"] <= written["left"] and written["right"] <= chart["right"]
        inside = written["left"] >= bar["left"] - 0.5 and written["right"] <= bar["right"] + 0.5
        beside = written["left"] >= bar["right"] - 0.5
        assert inside or beside, drawn_bar  # never across the bar's end
        if beside and width == 360:  # the page's figure is laid out for this phone: beside only a bar too short
            assert written["width"] + 6 > (bar["right"] - bar["left"]) * 0.9, drawn_bar
        middle = (written["top"] + written["bottom"]) / 2
        assert bar["top"] - 1 <= middle <= bar["bottom"] + 1, drawn_bar  # on its own bar's row


_STACK_TOTALS_JS = """gd => {
    // Each stack: the box around its parts (a stack's parts share their left edge when upright, their top
    // when lying sideways); each total: its text's box.
    const sideways = gd.data[0].orientation === 'h';
    const stacks = {};
    for (const bar of gd.querySelectorAll('.trace.bars .point path')) {
        const r = bar.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const key = Math.round(sideways ? r.top : r.left);
        const stack = stacks[key] || (stacks[key] = {left: r.left, right: r.right, top: r.top, bottom: r.bottom});
        Object.assign(stack, {left: Math.min(stack.left, r.left), right: Math.max(stack.right, r.right),
                              top: Math.min(stack.top, r.top), bottom: Math.max(stack.bottom, r.bottom)});
    }
    const box = gd.getBoundingClientRect();
    const totals = [...gd.querySelectorAll('.annotation-text')].map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    });
    return {sideways, stacks: Object.values(stacks), totals,
            plot: {top: box.top + gd._fullLayout._size.t, right: box.right - gd._fullLayout._size.r}};
}"""


def _middle(box: dict[str, float], axis: str) -> float:
    """A box's middle along the x or y axis."""
    return (box["left"] + box["right"]) / 2 if axis == "x" else (box["top"] + box["bottom"]) / 2


@pytest.mark.parametrize(("name", "width", "expected"), [
    ("activities", 390, ["13", "16", "17"]),  # the sample's 2017, 2018 and 2019
    ("activities", 1280, ["13", "16", "17"]),
    ("benefits", 390, ["8", "5", "7", "7", "7", "6", "8"]),  # its seven categories, from the top
    ("benefits", 1280, ["8", "5", "7", "7", "7", "6", "8"]),
])
def test_each_stacks_total_stands_at_its_end(dashboard: RunningApp, browser: Browser, name: str, width: int,
                                             expected: list[str]) -> None:
    """Stacks had no number on them: 13–17 activities a year, 5–8 benefit indicators a category. Each
    total is written centred on its own stack, just past its end and inside the plot (Plotly reads an
    annotation placed at "2017" on a category axis as the 2018th place: the stacks then shrank to a sliver
    at the left and the totals stood at the right edge)."""
    url = dashboard.url("/", "lang=zh" + ("&present=1" if width >= SMALLEST_PROJECTOR_SCREEN else ""))
    drawn = measured_chart(browser, url, width, name, ".annotation-text", _STACK_TOTALS_JS)
    across = "y" if drawn["sideways"] else "x"
    stacks = sorted(drawn["stacks"], key=lambda stack: _middle(stack, across))
    totals = sorted(drawn["totals"], key=lambda total: _middle(total, across))
    assert [total["text"] for total in totals] == expected, drawn
    assert len(stacks) == len(expected), drawn
    for stack, total in zip(stacks, totals, strict=True):
        assert abs(_middle(total, across) - _middle(stack, across)) <= 2, (stack, total)
        if drawn["sideways"]:
            assert stack["right"] <= total["left"] <= stack["right"] + 12, (stack, total)
            assert total["right"] <= drawn["plot"]["right"] + 1, (total, drawn["plot"])
        else:
            assert stack["top"] - 12 <= total["bottom"] <= stack["top"] + 1, (stack, total)
            assert total["top"] >= drawn["plot"]["top"] - 1, (total, drawn["plot"])


# Each part of a stack (a bar's point) as drawn: its box, and its written count with that count's box.
_STACK_PARTS_JS = """gd => [...gd.querySelectorAll('.trace.bars')].flatMap((trace, index) =>
    gd.data[index].textposition !== 'inside' ? [] : [...trace.querySelectorAll('.point')].map(point => {
        const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height});
        const text = point.querySelector('.bartext');
        return {part: box(point.querySelector('path').getBoundingClientRect()),
                text: text ? text.textContent : '', written: text ? box(text.getBoundingClientRect()) : null,
                size: text ? parseFloat(getComputedStyle(text).fontSize) : 0};
    }))"""


@pytest.mark.parametrize(("path", "name", "lang", "width", "least"), [
    ("/", "activities", "zh", 360, 5), ("/", "activities", "en", 1280, 5), ("/participation", "by-field", "id", 360, 5),
    ("/", "benefits", "zh", 360, 5), ("/", "benefits", "id", 1280, 5),
    ("/participation", "repeat-applicants", "zh", 390, 2)])  # 2018's and 2019's first-time applicants
def test_a_stacks_parts_write_their_counts_inside_them(dashboard: RunningApp, browser: Browser, path: str,
                                                       name: str, lang: str, width: int, least: int) -> None:
    """A stack's parts had their counts on hover only, which a projector's audience cannot do. A part with
    room writes its count inside it, whole, level and at the chart's size (never shrunk); a thinner part
    writes nothing."""
    url = dashboard.url(path, f"lang={lang}" + ("&present=1" if width >= SMALLEST_PROJECTOR_SCREEN else ""))
    drawn = measured_chart(browser, url, width, name, ".bartext", _STACK_PARTS_JS)
    written = [part for part in drawn if part["text"]]
    assert len(written) >= least, drawn  # the thinnest left out: test_chart_legibility.py
    for part in written:
        box, text = part["part"], part["written"]
        assert text["height"] > 0 and part["size"] >= figures.TEXT_SIZE, part
        assert box["left"] <= text["left"] and text["right"] <= box["right"], part
        assert box["top"] - 1 <= text["top"] and text["bottom"] <= box["bottom"] + 1, part


# Every bar standing on a category axis as drawn, by chart: whether it stands upright on years, its breadth
# across that axis, its middle along it and its plot's start and length along it.
_CATEGORY_BARS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(gd => gd.offsetParent !== null)
  .map(gd => {
    const holder = gd.closest('[class*="st-key-figure-"]');
    const name = [...holder.classList].find(c => c.startsWith('st-key-figure-')).replace('st-key-figure-', '');
    const bars = [...gd.querySelectorAll('.trace.bars')].flatMap(group => {
      const trace = group.__data__[0].trace;  // Plotly's calcdata, bound to the trace's group
      const lying = trace.orientation === 'h';
      const ref = lying ? trace.yaxis : trace.xaxis;
      const axis = gd._fullLayout[ref.replace(ref[0], ref[0] + 'axis')];
      if (axis.type !== 'category') return [];
      const years = !lying && axis._categories.every(year => /^\\d{4}$/.test(year));
      const frame = gd.getBoundingClientRect();
      // A y axis runs from the plot's top: its offset counts from the figure's top.
      const start = (lying ? frame.top : frame.left) + axis._offset;
      return [...group.querySelectorAll('.point path')].map(path => path.getBoundingClientRect())
        .filter(box => box.width > 0 && box.height > 0).map(box => ({
          years, breadth: lying ? box.height : box.width,
          middle: lying ? (box.top + box.bottom) / 2 : (box.left + box.right) / 2,
          plot: [start, axis._length]}));
    });
    return [name, bars];
  }).filter(([, bars]) => bars.length)"""


def _category_bars(browser: Browser, url: str) -> dict[str, list[dict[str, Any]]]:
    context = new_context(browser, viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        open_page(page, url)
        return dict(page.evaluate(_CATEGORY_BARS_JS))
    finally:
        context.close()


def _year_bars(browser: Browser, url: str) -> dict[str, list[dict[str, Any]]]:
    charts = {name: [bar for bar in bars if bar["years"]] for name, bars in _category_bars(browser, url).items()}
    return {name: bars for name, bars in charts.items() if bars}


def _centred(bar: dict[str, Any]) -> bool:
    start, length = bar["plot"]
    return abs(bar["middle"] - (start + length / 2)) <= 2


@pytest.mark.parametrize("path", ["/", "/participation", "/activities", "/benefits"])
def test_one_years_bar_is_as_broad_as_a_bar_of_three_years(dashboard: RunningApp, browser: Browser,
                                                            path: str) -> None:
    """One year chosen, its bar filled the plot: a 300 px block on a laptop (the selection's two panels side
    by side, each stack of the Participation and Activities pages), read as an area rather than a bar. A
    year's bar is no broader than in the same chart of the sample's three years, and one year's stands in
    the middle of its plot."""
    three = _year_bars(browser, dashboard.url(path, "lang=en"))
    one = _year_bars(browser, dashboard.url(path, "lang=en&year=2019"))
    assert set(one) == set(three) and one, (sorted(one), sorted(three))
    for name, bars in one.items():
        broadest = min(bar["breadth"] for bar in three[name])
        assert all(bar["breadth"] <= broadest + 1 for bar in bars), (name, bars, broadest)
        assert all(_centred(bar) for bar in bars), (name, bars)


@pytest.mark.parametrize("path", ["/", "/benefits"])
def test_one_categorys_lying_bar_is_no_thicker_than_one_of_three(dashboard: RunningApp, browser: Browser,
                                                                 path: str) -> None:
    """Tourism in 2017 recorded benefits in one category (city image): its lying bar filled the plot, top
    to bottom. It is as thick as a bar of a three-bar chart, in the middle of its plot."""
    drawn = _category_bars(browser, dashboard.url(path, "lang=zh&year=2017&field=tourism"))
    name = "benefits" if path == "/" else "category-beneficiary"
    bars = drawn[name]
    length = bars[0]["plot"][1]
    assert all(bar["breadth"] <= length / figures.FEWEST_BAR_PLACES * (1 - figures.BARGAP) + 1
                        for bar in bars), (length, bars)
    assert all(_centred(bar) for bar in bars), bars


# Per benefit-category chart as drawn: the middle of each category named on its axis, and of each bar.
_NAMED_ROWS_JS = """() => ['benefits', 'category-beneficiary'].map(name => document.querySelector(
    `.st-key-figure-${name} .js-plotly-plot`)).filter(gd => gd).map(gd => {
  const middle = box => Math.round((box.top + box.bottom) / 2);
  return {
    named: [...gd.querySelectorAll('.yaxislayer-above text')].map(t => [t.textContent,
                                                                       middle(t.getBoundingClientRect())]),
    bars: [...gd.querySelectorAll('.trace.bars .point path')].map(p => p.getBoundingClientRect())
      .filter(box => box.width > 0 && box.height > 0).map(middle)};
})"""


@pytest.mark.parametrize("path", ["/", "/benefits"])
def test_every_benefit_category_named_has_its_bar(dashboard: RunningApp, page: Page, path: str) -> None:
    """Youth and sports in 2018–2019 recorded no follow-up cooperation: its name stood on the axis between two
    recorded categories with neither a bar nor a total (Plotly's autorange kept an absent category lying
    between present ones, and dropped those beyond them). Every category the chart names has its bar."""
    open_page(page, dashboard.url(path, "lang=id&year=2018&year=2019&field=youth_sports"))
    charts = page.evaluate(_NAMED_ROWS_JS)
    assert charts, "no benefit-category chart drawn"
    for chart in charts:
        assert chart["named"], chart
        empty = [name for name, row in chart["named"] if not any(abs(row - bar) <= 2 for bar in chart["bars"])]
        assert not empty, chart


# Each drawn chart's title and, per axis, its tick labels as written.
_TICK_LABELS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot'))
  .map(gd => [(gd.querySelector('.gtitle') || {}).textContent || '',
              Array.from(gd.querySelectorAll('.xaxislayer-above, .yaxislayer-above'))
                .map(layer => Array.from(layer.querySelectorAll('text')).map(t => t.textContent))])"""


@pytest.mark.parametrize(("path", "query"), [
    ("/benefits", "year=2019&field=waste_management&lang=en"),  # one indicator of value 3, one obstacle a cell
    ("/participation", "year=2017&direction=inbound&lang=id"),  # four delegates of Beijing
])
def test_small_counts_are_ticked_at_whole_numbers(dashboard: RunningApp, page: Page, path: str,
                                                  query: str) -> None:
    """A count's axis from 0 to 3 was ticked every 0.5 and written "0, 1, 1, 2, 2, 3, 3": a reader took the
    second 1 for 1.5 or for a mistake. No axis writes a tick label twice, and the counts' axes count 0, 1, 2…"""
    open_page(page, dashboard.url(path, query))
    for chart in page.get_by_test_id("stPlotlyChart").all():
        chart.scroll_into_view_if_needed()
        chart.locator("svg.main-svg").first.wait_for()
    drawn = page.evaluate(_TICK_LABELS_JS)
    repeated = [(title, labels) for title, axes in drawn for labels in axes if len(set(labels)) < len(labels)]
    assert not repeated, repeated
    counting = [labels for _, axes in drawn for labels in axes if labels[:3] == ["0", "1", "2"]]
    assert counting, drawn


def test_server_log_has_no_traceback(dashboard: RunningApp) -> None:
    """Runs last in this module: the server log of all the browsing above holds no Python traceback
    (readers only see a redacted error box, or a page part silently missing)."""
    logged = last_traceback(dashboard.log_path)
    assert logged is None, f"server log {dashboard.log_path} holds a traceback:\n{logged}"


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_an_unexpected_failure_is_told_in_the_readers_language(sample_warehouse_dir: Path, browser: Browser,
                                                                tmp_path: Path, lang: str) -> None:
    """A damaged warehouse (obstacles' severities stored as text, which the Overview averages) fails the page.
    Streamlit's English box ("This app has encountered an error…") was the reader's only word. Now a notice in
    the reader's language where the page failed, with a reference the server's log repeats beside the
    traceback; what the page drew before the failure stays."""
    shutil.copytree(sample_warehouse_dir, tmp_path / "data", symlinks=True)
    warehouse = Warehouse(tmp_path / "data" / "warehouse.duckdb")
    # Damaged on disk, not by a change: a change rebuilds the year totals, which cannot sum text, and is refused.
    with duckdb.connect(str(warehouse.current_file())) as connection:
        for table, column in (("obstacles", "severity"), ("obstacles_by_year", "severity_sum")):
            connection.execute(f"ALTER TABLE {table} ALTER {column} TYPE VARCHAR")
            connection.execute(f"UPDATE {table} SET {column} = 'tinggi'")
    app = start_app(warehouse.path, LOGS / f"streamlit-failure-{lang}.log")
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        open_page(page, app.url("/", f"lang={lang}"))
        said = re.escape(translate(lang, "app.failure", reference="REFERENCE")).replace("REFERENCE", "([0-9a-f]{8})")
        notice = page.get_by_test_id("stAlert").filter(has_text=re.compile(said))
        expect(notice).to_have_count(1)
        reference = re.search(said, notice.inner_text()).group(1)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert "encountered an error" not in page.locator("body").inner_text()
        expect(page.get_by_role("heading", level=1, name=page_title(lang, "overview"))).to_be_visible()
        log = app.log_text()
        assert f"reference {reference}" in log and "BinderException" in log, log[-600:]
        if lang == "id":
            save_screenshot(page, "failure-id")
    finally:
        context.close()
        stop_app(app)


# The lines of the page's title as the browser broke it: each character's box, grouped by its top.
TITLE_LINES_JS = """() => {
  const title = document.querySelector('h1'), lines = [];
  const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
  let top = null;
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    for (let i = 0; i < text.data.length; i++) {
      const range = document.createRange();
      range.setStart(text, i);
      range.setEnd(text, i + 1);
      const at = Math.round(range.getBoundingClientRect().top);
      if (at !== top) { lines.push(''); top = at; }
      lines[lines.length - 1] += text.data[i];
    }
  }
  return lines.map(line => line.trim());
}"""


@pytest.mark.parametrize("width", [1024, 1180, 1280])
def test_the_title_keeps_the_two_cities_together_on_a_laptop(dashboard: RunningApp, browser: Browser,
                                                             width: int) -> None:
    """"Sekilas pertukaran pemuda Jakarta–" above "Beijing": a 1180–1280 px laptop (a projector's 1280 px
    with the sidebar open) broke the Overview's title after the dash. Headings are balanced now."""
    context = new_context(browser, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        open_page(page, dashboard.url("/", "lang=id"))
        lines = page.evaluate(TITLE_LINES_JS)
        assert "".join(lines).replace(" ", "") == page_title("id", "overview").replace(" ", ""), lines
        assert not any(line.endswith("–") for line in lines), lines
    finally:
        context.close()
