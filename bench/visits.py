"""(f) What a reader waits for, in Chromium, as ratios to the framework's floor measured in the same run.

- New visitor on a running server: page requested → first chart drawn, and → every chart of the page
  drawn; the baseline is the bare one-chart page (bench/bare_app.py) served by its own server. A second
  page, the same chart inside the Overview's frame (bench/chrome_app.py), says how much of the ratio that
  frame takes (here and in the cold starts).
- Page switch from the sidebar: click → the next page's first chart drawn, from the Overview to each of the
  other chart pages (SWITCHED_TO).
- Filter change: a year chip removed, then one field chosen → every chart redrawn, on each chart page, on a
  server started for that page's changes: each selection is new to it, as a reader's own choice mostly is
  (until 7 Dec one server took every round's, and from the second round on answered them from its caches).
- Cold `streamlit run` → first chart, dashboard against the bare page's cold start.
- New visitor on a phone's connection (throttled by Chromium, at sample size only: what is sent does not
  depend on the data's size): first chart, and the megabytes sent, against the bare page on the same link;
  with the cold starts, also the first visitor right after a restart on that link.

The dashboard's servers keep their compressed bundles where the set-up puts them (scripts/setup-venv.sh
runs `python -m dashboard.bundles` after each install): here a folder of the bench's, filled the same way.
They start from a checkout whose own modules the set-up compiled (`python -m dashboard.bytecode`, before
every start), as a checkout of a commit with that step is compiled here (`as_set_up`).

Runs are interleaved (bare, dashboard, bare, dashboard...) so a busy moment of the machine weighs on
both, and the load average is printed beside the medians. Nothing here is asserted.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bench.measure import error_line, log, median, middle_half
from bench.report import Row, Section, Target, Unit
from dashboard.bundles import CACHE_ENV, BundleCache, compressible_files, fill_cache, versioned
from dashboard.params import CHART_PAGES
from tests.e2e.harness import (
    VIEWPORT,
    RunningApp,
    after_interaction,
    launch_chromium,
    new_context,
    open_page,
    server_messages,
    start_app,
    stop_app,
    wait_for_app,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
BARE_SCRIPT = "bench/bare_app.py"
CHROME_SCRIPT = "bench/chrome_app.py"  # the bare page inside the dashboard's frame (sidebar, cards, navigation)
TIMEOUT_MS = 120_000
# A chart counts as drawn when its traces are in the SVG (bars, lines, funnel) or its heatmap image is.
DRAWN = "svg.main-svg g.trace, svg.main-svg .heatmaplayer image"
FRESH = '[data-testid="stElementContainer"]:not([data-stale="true"]) [data-testid="stPlotlyChart"]'
FIRST_CHART_JS = f"""() => [...document.querySelectorAll('{FRESH}')].some(c => c.querySelector('{DRAWN}'))"""
# Installed before a timed click: the click's own time (the event's timeStamp, on the page's clock) and the
# time of the last change inside any chart (a MutationObserver's callback runs right after the task that
# changed the DOM, so the last one is the end of the last redraw).
PROBE_JS = """() => {
  const probe = window.__benchProbe = {click: null, lastChartChange: null, firstChart: null};
  document.addEventListener('click', event => { probe.click = event.timeStamp; }, {capture: true, once: true});
  const inChart = node => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element && element.closest('[data-testid="stPlotlyChart"]');
  };
  window.__benchObserver?.disconnect();
  window.__benchObserver = new MutationObserver(records => {
    if (probe.click === null || !records.some(record => inChart(record.target))) return;
    probe.lastChartChange = performance.now();
  });
  const everything = {subtree: true, childList: true, attributes: true, characterData: true};
  window.__benchObserver.observe(document.body, everything);
}"""
# Polled every frame: when `condition` first holds after the click, on the page's clock.
FIRST_HOLDS_JS = """condition => {
  const probe = window.__benchProbe;
  if (probe.click === null || !eval(condition)()) return false;
  probe.firstChart = probe.firstChart ?? performance.now();
  return true;
}"""
# Quiet for this long after the last change inside a chart: that change ended the last redraw.
SETTLED_MS = 400
SETTLED_JS = """([condition, quiet]) => {
  const probe = window.__benchProbe;
  return eval(condition)() && probe.lastChartChange !== null && performance.now() - probe.lastChartChange > quiet;
}"""
_ALL_CHARTS_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(WHICH);
  return charts.length > 0 && charts.every(c => c.querySelector('DRAWN'));
}""".replace("DRAWN", DRAWN)
ALL_CHARTS_JS = _ALL_CHARTS_JS.replace("WHICH", "c => true")
# Only the charts a reader sees: while presenting, each chart is sent in two figures and the one not made for
# the screen's width is hidden (dashboard.components.SMALLEST_PROJECTOR_SCREEN).
ALL_SHOWN_CHARTS_JS = _ALL_CHARTS_JS.replace("WHICH", "c => c.offsetParent !== null")
PROJECTOR = {"width": 1920, "height": 1080}
# What a timeout's message reports: enough to tell a lost rerun from a slow one or an error on the page.
PAGE_STATE_JS = f"""() => {{
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return {{url: location.pathname + location.search, script: app?.getAttribute('data-test-script-state'),
    connection: app?.getAttribute('data-test-connection-state'), charts: charts.length,
    drawn: charts.filter(c => c.querySelector('{DRAWN}')).length,
    stale: document.querySelectorAll('[data-stale="true"]').length,
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
    serverMessages: window.__e2eServerMessages ?? null, probe: window.__benchProbe ?? null,
    errors: [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')]
      .map(e => e.innerText.slice(0, 300))}};
}}"""


# A phone on 4G, as Chromium emulates it (DevTools protocol): 9 Mbit/s down, 1.5 Mbit/s up, 165 ms latency.
PHONE_NETWORK = {"offline": False, "latency": 165, "downloadThroughput": 9e6 / 8 * 0.9,
                 "uploadThroughput": 1.5e6 / 8 * 0.9}
PHONE_LINK = "9 Mbit/s, 165 ms"
# Issue 13's ratio targets: the dashboard's time ÷ the bare page's, measured in the same run.
FIRST_CHART_LIMIT, EVERY_CHART_LIMIT, COLD_START_LIMIT = 1.3, 1.6, 1.5
# The pages a reader switches to from the Overview's sidebar, each timed: the Participation page alone was
# until 7 Dec, while the Activities page sends its timeline in two figures and the Benefits page draws most.
SWITCHED_TO = tuple(page for page in CHART_PAGES if page != "overview")
# The pages whose filters are changed, each timed: every chart page (the Overview alone was until 7 Dec).
FILTERED = CHART_PAGES


@dataclass(frozen=True)
class Timing:
    """One interaction, on the page's clock (the click event → drawn) and on the test driver's."""

    page_s: float
    driver_s: float


@dataclass
class VisitResult:
    label: str
    bare_first_s: list[float] = field(default_factory=list)
    chrome_first_s: list[float] = field(default_factory=list)
    first_chart_s: list[float] = field(default_factory=list)
    all_charts_s: list[float] = field(default_factory=list)
    switch: dict[str, list[Timing]] = field(default_factory=dict)  # by the page switched to (SWITCHED_TO)
    filter: dict[str, list[Timing]] = field(default_factory=dict)  # by the page filtered (FILTERED)
    bare_cold_s: list[float] = field(default_factory=list)
    chrome_cold_s: list[float] = field(default_factory=list)
    cold_s: list[float] = field(default_factory=list)
    bare_phone_s: list[float] = field(default_factory=list)
    phone_s: list[float] = field(default_factory=list)
    bare_phone_mb: list[float] = field(default_factory=list)
    phone_mb: list[float] = field(default_factory=list)
    bare_restart_phone_s: list[float] = field(default_factory=list)
    restart_phone_s: list[float] = field(default_factory=list)
    restart_phone_mb: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def _new_visitor(browser: Browser, viewport: dict[str, int] = VIEWPORT) -> Iterator[Page]:
    """A page in a browser context of its own: nothing of the app cached."""
    context = new_context(browser, viewport=viewport)
    try:
        yield context.new_page()
    finally:
        context.close()


def _timed_visit(browser: Browser, url: str) -> tuple[float, float]:
    """(first chart, every chart) in seconds after a new visitor asked for `url`."""
    with _new_visitor(browser) as page:
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        _waited(page, FIRST_CHART_JS, f"new visitor at {url}: the first chart")
        first = time.perf_counter() - started
        _waited(page, ALL_CHARTS_JS, f"new visitor at {url}: every chart")
        return first, time.perf_counter() - started


def _projector_visit(browser: Browser, url: str) -> float:
    """Every chart shown drawn, in seconds, after a new visitor on a 1920 × 1080 projector asked for `url`."""
    with _new_visitor(browser, PROJECTOR) as page:
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        _waited(page, ALL_SHOWN_CHARTS_JS, f"projector at {url}: every chart shown")
        return time.perf_counter() - started


def _phone_visit(browser: Browser, url: str) -> tuple[float, float]:
    """(first chart in seconds, megabytes received) for a new visitor on PHONE_NETWORK."""
    with _new_visitor(browser) as page:
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", PHONE_NETWORK)
        received: list[float] = []  # bytes on the wire per response (compressed when sent compressed)
        session.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        _waited(page, FIRST_CHART_JS, f"phone at {url}: the first chart")
        return time.perf_counter() - started, sum(received) / 1e6


def _probed(page: Page, predicate: str, arg: object, polling: float | str, step: str) -> dict[str, float | None]:
    """Wait for `predicate` over the probe; on a timeout, say which step and what the page showed."""
    _waited(page, predicate, step, arg=arg, polling=polling)
    return page.evaluate("window.__benchProbe")


def _waited(page: Page, predicate: str, step: str, arg: object = None, polling: float | str = 20) -> None:
    """Wait for `predicate`; on a timeout, raise one that names the step and describes the page."""
    try:
        page.wait_for_function(predicate, arg=arg, timeout=TIMEOUT_MS, polling=polling)
    except PlaywrightTimeoutError as error:
        raise TimeoutError(f"{step}: not within {TIMEOUT_MS / 1000:.0f} s; "
                           f"the page {page.evaluate(PAGE_STATE_JS)}") from error


def _switch(page: Page, url: str, to: str) -> Timing:
    """On a settled Overview: click the sidebar's link to the page `to` (its path) → its first chart drawn."""
    open_page(page, url)
    page.evaluate(PROBE_JS)
    started = time.perf_counter()
    page.click(f'[data-testid="stSidebarNavLink"][href$="/{to}"]')
    condition = f"() => location.pathname.endsWith('/{to}') && ({FIRST_CHART_JS})()"
    probe = _probed(page, FIRST_HOLDS_JS, condition, "raf", f"page switch to {to}: its first chart")
    driver = time.perf_counter() - started
    return Timing((probe["firstChart"] - probe["click"]) / 1000, driver)


def _filter(page: Page, url: str) -> list[Timing]:
    """On the settled page at `url`: remove the latest year's chip, then choose one field → all charts redrawn."""
    open_page(page, url)
    sidebar = page.get_by_test_id("stSidebar")
    latest = sidebar.get_by_role("button", name=re.compile(r"^Remove \d{4}$")).last
    times = [_changed(page, latest.click, "filter change (a year removed)")]
    fields = sidebar.get_by_test_id("stMultiSelect").nth(1)
    # Not timed: with no field the page has nothing to draw.
    after_interaction(page, fields.get_by_role("button", name=re.compile("clear all", re.I)).first.click)
    fields.locator("input").click()
    times.append(_changed(page, page.get_by_role("option", name="Tourism", exact=True).click,
                          "filter change (one field chosen)"))
    return times


def _new_selections(browser: Browser, started: Callable[[], RunningApp], path: str) -> list[Timing]:
    """_filter on page ``path`` of a server ``started`` for it: neither change's selection has been asked of it,
    so its queries run and its charts are built, as for a reader's own new choice (the server's warm-up, the
    default view's answers, has run: the page is opened before the changes)."""
    server = started()
    try:
        context = new_context(browser, viewport=VIEWPORT)
        try:
            return _filter(context.new_page(), server.url(path, "lang=en"))
        finally:
            context.close()
    finally:
        stop_app(server)


def _changed(page: Page, action: Callable[[], object], step: str) -> Timing:
    """The click → the end of the last chart's redraw (page clock); the driver's clock stops at its detection."""
    before = server_messages(page)
    page.evaluate(PROBE_JS)
    started = time.perf_counter()
    action()
    _waited(page, "n => window.__e2eServerMessages > n", f"{step}: the rerun reached the page", arg=before)
    _waited(page, ALL_CHARTS_JS, f"{step}: every chart redrawn")
    driver = time.perf_counter() - started
    probe = _probed(page, SETTLED_JS, [ALL_CHARTS_JS, SETTLED_MS], 50, f"{step}: the charts settled")
    wait_for_app(page)
    return Timing((probe["lastChartChange"] - probe["click"]) / 1000, driver)


def as_set_up(root: Path) -> None:
    """The checkout at ``root`` as its set-up leaves it before a start: its own modules compiled, where that
    commit's set-up compiles them (dashboard/bytecode.py). These machines set PYTHONDONTWRITEBYTECODE, so a
    server started from a checkout without them compiles them at every start."""
    if (root / "dashboard" / "bytecode.py").is_file():
        subprocess.run([sys.executable, "-m", "dashboard.bytecode"], cwd=root, check=True, capture_output=True)


def _kept_bundles(log_dir: Path) -> dict[str, str]:
    """The environment that gives a dashboard server the compressed bundles the set-up keeps."""
    base = log_dir / "bundle-cache"
    fill_cache(BundleCache(versioned(base)), compressible_files())
    return {CACHE_ENV: str(base)}


def _cold(browser: Browser, warehouse: Path, log_dir: Path, script: str, env: dict[str, str],
          root: Path = REPO_ROOT) -> float:
    """`streamlit run` started → the page's first chart drawn (the browser asks as soon as it is healthy)."""
    app = start_app(warehouse, log_dir / f"streamlit-cold-{Path(script).stem}.log", script=script, extra_env=env,
                    root=root)
    context = new_context(browser, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(app.url("/", "lang=en"), wait_until="commit", timeout=TIMEOUT_MS)
        _waited(page, FIRST_CHART_JS, f"cold start of {script}: the first chart")
        return time.monotonic() - app.started_at
    finally:
        context.close()
        stop_app(app)


def _restarted_on_phone(browser: Browser, warehouse: Path, log_dir: Path, script: str,
                        env: dict[str, str]) -> tuple[float, float]:
    """A new server, and at once a new visitor on the phone's link: (first chart in seconds, megabytes)."""
    app = start_app(warehouse, log_dir / f"streamlit-restart-{Path(script).stem}.log", script=script, extra_env=env)
    try:
        return _phone_visit(browser, app.url("/", "lang=en") if script == "app.py" else app.url("/"))
    finally:
        stop_app(app)


def measure_visits(warehouse: Path, label: str, repeats: int, log_dir: Path, cold_repeats: int = 0,
                   phone: bool = False) -> VisitResult:
    result = VisitResult(label)
    kept = _kept_bundles(log_dir)
    as_set_up(REPO_ROOT)
    servers: list[RunningApp] = []  # stopped at the end, also when a later one fails to start
    try:
        dashboard = _started(servers, start_app(warehouse, log_dir / f"streamlit-visits-{label}.log",
                                                extra_env=kept))
        bare = _started(servers, start_app(warehouse, log_dir / "streamlit-visits-bare.log", script=BARE_SCRIPT))
        chrome = _started(servers, start_app(warehouse, log_dir / "streamlit-visits-chrome.log",
                                             script=CHROME_SCRIPT))
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                _timed_visit(browser, bare.url("/"))  # the first visit pays the servers' first imports
                _timed_visit(browser, chrome.url("/"))
                _timed_visit(browser, dashboard.url("/", "lang=en"))
                for run in range(repeats):
                    log(f"visits @ {label}: run {run + 1}/{repeats}")
                    result.load.append(os.getloadavg()[0])
                    try:
                        bare_first = _timed_visit(browser, bare.url("/"))[0]
                        chrome_first = _timed_visit(browser, chrome.url("/"))[0]
                        first, every = _timed_visit(browser, dashboard.url("/", "lang=en"))
                        # Appended together, so the lists stay paired round by round (_per_round).
                        result.bare_first_s.append(bare_first)
                        result.chrome_first_s.append(chrome_first)
                        result.first_chart_s.append(first)
                        result.all_charts_s.append(every)
                        context = new_context(browser, viewport=VIEWPORT)
                        page = context.new_page()
                        for to in SWITCHED_TO:
                            result.switch.setdefault(to, []).append(_switch(page, dashboard.url("/", "lang=en"), to))
                        context.close()
                        for filtered in FILTERED:
                            result.filter.setdefault(filtered, []).extend(_new_selections(
                                browser, lambda: start_app(warehouse, log_dir / f"streamlit-filters-{label}.log",
                                                           extra_env=kept),
                                "/" if filtered == "overview" else f"/{filtered}"))
                        if phone:
                            bare_seconds, bare_megabytes = _phone_visit(browser, bare.url("/"))
                            seconds, megabytes = _phone_visit(browser, dashboard.url("/", "lang=en"))
                            result.bare_phone_s.append(bare_seconds)
                            result.bare_phone_mb.append(bare_megabytes)
                            result.phone_s.append(seconds)
                            result.phone_mb.append(megabytes)
                    except Exception as error:  # recorded, the next run is tried
                        result.errors.append(error_line(error))
                for server in servers:  # the cold starts have the machine to themselves
                    stop_app(server)
                for run in range(cold_repeats):
                    log(f"visits @ {label}: cold start {run + 1}/{cold_repeats}")
                    try:
                        bare_cold = _cold(browser, warehouse, log_dir, BARE_SCRIPT, {})
                        chrome_cold = _cold(browser, warehouse, log_dir, CHROME_SCRIPT, {})
                        cold = _cold(browser, warehouse, log_dir, "app.py", kept)
                        result.bare_cold_s.append(bare_cold)
                        result.chrome_cold_s.append(chrome_cold)
                        result.cold_s.append(cold)
                        if phone:
                            bare_seconds, _ = _restarted_on_phone(browser, warehouse, log_dir, BARE_SCRIPT, {})
                            seconds, megabytes = _restarted_on_phone(browser, warehouse, log_dir, "app.py", kept)
                            result.bare_restart_phone_s.append(bare_seconds)
                            result.restart_phone_s.append(seconds)
                            result.restart_phone_mb.append(megabytes)
                    except Exception as error:
                        result.errors.append(error_line(error))
            finally:
                browser.close()
    finally:
        for server in servers:
            stop_app(server)
    return result


def _started(servers: list[RunningApp], server: RunningApp) -> RunningApp:
    servers.append(server)
    return server


def _ratio(values: list[float], baseline: list[float]) -> float | None:
    a, b = median(values), median(baseline)
    return a / b if a and b else None


def _per_round(values: list[float], baseline: list[float], limit: float | None = None) -> str:
    """Each round's time ÷ the bare page's in the same round: their median, middle half, and rounds within `limit`.

    The headline ratio (median ÷ median) is comparable with earlier runs; this says how far one run's verdict
    can be trusted: the same code has measured 1.21× and 1.36× five minutes apart.
    """
    ratios = [value / base for value, base in zip(values, baseline, strict=True)]
    if len(ratios) < 2:
        return ""
    low, middle, high = middle_half(ratios)
    text = f"per round {middle:.2f}×, middle half {low:.2f}–{high:.2f}×"
    if limit is not None:
        text += f", ≤ {limit:g}× in {sum(ratio <= limit for ratio in ratios)} of {len(ratios)}"
    return text


def _median_text(values: list[float]) -> str:
    value = median(values)
    return f"{value:.2f} s (median)" if value is not None else "—"


def visits_section(result: VisitResult, is_sample: bool) -> Section:
    first, every = _ratio(result.first_chart_s, result.bare_first_s), _ratio(result.all_charts_s, result.bare_first_s)
    beyond_frame = _ratio(result.first_chart_s, result.chrome_first_s)
    cold = _ratio(result.cold_s, result.bare_cold_s)
    limit = 0.5 if is_sample else 1.0

    def ratio_text(value: float | None, rounds: str = "") -> str:
        return f"{value:.2f}× the bare page" + (f" ({rounds})" if rounds else "") if value else ""

    def framed_rows(measure: str, framed: list[float], bare: list[float]) -> list[Row]:
        """The framed page's row, a baseline beside the bare page's (none when it was not timed)."""
        if not framed:
            return []
        return [Row(measure, median(framed), Unit.SECONDS, len(framed),
                    ratio=ratio_text(_ratio(framed, bare), _per_round(framed, bare)))]

    section = Section(f"(f) What a reader waits for, in Chromium @ {result.label}")
    section.rows = [
        Row("bare one-chart page: new visitor → its chart drawn", median(result.bare_first_s), Unit.SECONDS,
            len(result.bare_first_s)),
        *framed_rows("the bare page in the dashboard's frame (its sidebar, cards, navigation): new visitor → its "
                     "chart", result.chrome_first_s, result.bare_first_s),
        Row("new visitor → Overview's first chart", median(result.first_chart_s), Unit.SECONDS,
            len(result.first_chart_s), target=Target(FIRST_CHART_LIMIT, Unit.TIMES), judged=first,
            ratio=ratio_text(first, _per_round(result.first_chart_s, result.bare_first_s, FIRST_CHART_LIMIT)),
            detail=f"{beyond_frame:.2f}× the framed page" if beyond_frame else ""),
        Row("new visitor → every chart of the Overview drawn", median(result.all_charts_s), Unit.SECONDS,
            len(result.all_charts_s), target=Target(EVERY_CHART_LIMIT, Unit.TIMES), judged=every,
            ratio=ratio_text(every, _per_round(result.all_charts_s, result.bare_first_s, EVERY_CHART_LIMIT))),
        *(Row(f"page switch (sidebar click) → next page's first chart: {to}", median([t.page_s for t in timings]),
              Unit.SECONDS, len(timings), target=Target(limit, Unit.SECONDS)) for to, timings in result.switch.items()),
        *(Row(f"filter change (a year removed; one field) → last chart redrawn: {filtered}",
              median([t.page_s for t in timings]), Unit.SECONDS, len(timings), target=Target(limit, Unit.SECONDS))
          for filtered, timings in result.filter.items()),
    ]
    if result.cold_s:
        beyond_cold_frame = _ratio(result.cold_s, result.chrome_cold_s)
        section.rows += [
            Row("bare page: cold `streamlit run` → its chart", median(result.bare_cold_s), Unit.SECONDS,
                len(result.bare_cold_s)),
            *framed_rows("the bare page in the dashboard's frame: cold `streamlit run` → its chart",
                         result.chrome_cold_s, result.bare_cold_s),
            Row("dashboard: cold `streamlit run` → first chart", median(result.cold_s), Unit.SECONDS,
                len(result.cold_s), target=Target(COLD_START_LIMIT, Unit.TIMES), judged=cold,
                ratio=ratio_text(cold, _per_round(result.cold_s, result.bare_cold_s, COLD_START_LIMIT)),
                detail=f"{beyond_cold_frame:.2f}× the framed page's" if beyond_cold_frame else ""),
        ]
    if result.phone_s:
        phone = _ratio(result.phone_s, result.bare_phone_s)
        section.rows += [
            Row(f"bare page on a phone's link ({PHONE_LINK}): new visitor → its chart", median(result.bare_phone_s),
                Unit.SECONDS, len(result.bare_phone_s), detail=f"{median(result.bare_phone_mb):.2f} MB received"),
            Row(f"new visitor on a phone's link ({PHONE_LINK}) → Overview's first chart", median(result.phone_s),
                Unit.SECONDS, len(result.phone_s),
                ratio=ratio_text(phone, _per_round(result.phone_s, result.bare_phone_s)),
                detail=f"{median(result.phone_mb):.2f} MB received"),
        ]
    if result.restart_phone_s:
        restarted = _ratio(result.restart_phone_s, result.bare_restart_phone_s)
        section.rows += [
            Row("bare page restarted, at once a new visitor on the phone's link → its chart",
                median(result.bare_restart_phone_s), Unit.SECONDS, len(result.bare_restart_phone_s)),
            Row("dashboard restarted, at once a new visitor on the phone's link → first chart",
                median(result.restart_phone_s), Unit.SECONDS, len(result.restart_phone_s), ratio=ratio_text(
                    restarted, _per_round(result.restart_phone_s, result.bare_restart_phone_s)),
                detail=f"{median(result.restart_phone_mb):.2f} MB received"),
        ]
    load = median(result.load)
    section.notes = [
        "Interleaved runs: bare page, the bare page in the dashboard's frame, then the dashboard's new visitor, "
        "page switch and filter changes, repeated. "
        "'Drawn' = the chart's traces (or heatmap image) are in its SVG, in an element that is not stale. "
        "Each new visitor is a new browser context (no cache of the app's static files is shared).",
        "A ratio's verdict judges the median ÷ the bare page's median, as earlier runs did; 'per round' divides each "
        "round's time by the bare page's in the same round (the two ran one after the other) and gives those "
        "ratios' median, their middle half (25th to 75th percentile) and the rounds within the target: how far "
        "one run's verdict can be trusted on a machine whose speed drifts.",
        "The framed page (bench/chrome_app.py) is the bare page's chart inside the elements the Overview draws "
        "around its charts, as many and of the same kinds (tests/test_bench_chrome.py): its ratio is what that "
        "frame alone costs a new visitor; the dashboard's first chart ÷ its time is what the rest of the "
        "Overview adds (headings, findings, captions, three more charts, its data)."
        if result.chrome_first_s else "",
        "Page switches go from a settled Overview to each other chart page, filter changes are made on each chart "
        "page (the page named in the row), each page's on a server started for them: both selections are new to "
        "it, so their queries run and their charts are built (until 7 Dec one server took every round's changes, "
        "from the second round on answering them from its caches). "
        "Page switch and filter change are timed on the page's clock, from the click event to the first frame "
        "showing the chart (switch) or to the end of the last chart's redraw (filter: the last change inside any "
        "chart, once none followed for 0.4 s). On the test driver's clock (before Playwright's click, with its "
        "checks that the target is ready, to its detection of the drawn charts) the same interactions took "
        f"{_median_text([t.driver_s for timings in result.switch.values() for t in timings])} (every switch) and "
        f"{_median_text([t.driver_s for timings in result.filter.values() for t in timings])} (every change).",
        "On the phone's link (Chromium's network emulation, a new browser context each time), the dashboard's "
        "server sends Streamlit's bundles gzip-compressed, from the copies the set-up keeps (or, without them, "
        "once it has compressed each after a quiet moment), and its chart pages preload Plotly's "
        "(dashboard/bundles.py); the bare page is Streamlit as it comes."
        if result.phone_s else "",
        f"Load average (1 min) during the runs: median {load:.2f} on {os.cpu_count()} CPUs." if load else "",
    ]
    section.notes += [f"ERROR in a run (left out): {error}" for error in result.errors]
    return section
