"""(c) Peak memory of the server after every page, and (d) start-up time, in a real Chromium.

Starting, stopping and waiting on the app reuse tests/e2e/harness.py, and the
start-up figures come from tests/e2e/timing.measure_startup, so the benchmark
and the browser tests measure the same thing in the same way.
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from bench.measure import error_line, log, median, process_memory_mb, timed
from bench.report import Row, Section, Target, Unit
from tests.e2e.harness import VIEWPORT, launch_chromium, new_context, open_page, start_app, stop_app
from tests.e2e.timing import measure_startup

PAGE_PATHS = {"overview": "/", "participation": "/participation", "activities": "/activities",
              "benefits": "/benefits", "data": "/data"}
TARGET_MEMORY = Target(600, Unit.MEGABYTES)
TARGET_FIRST_CHART = Target(2.0, Unit.SECONDS)
PAGE_TIMEOUT_S = 300.0


@dataclass
class MemoryResult:
    label: str
    peak_mb: float | None = None
    rss_mb: float | None = None
    page_s: dict[str, float] = field(default_factory=dict)
    error: str = ""


def measure_memory(warehouse: Path, label: str, log_dir: Path) -> MemoryResult:
    """Open every page once in one browser session, then read the server's VmHWM."""
    result = MemoryResult(label)
    app = start_app(warehouse, log_dir / f"streamlit-memory-{label}.log", timeout_s=120)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = new_context(browser, viewport=VIEWPORT).new_page()
                for name, path in PAGE_PATHS.items():
                    log(f"memory @ {label}: opening {name}")
                    result.page_s[name], _ = timed(lambda path=path: open_page(page, app.url(path), PAGE_TIMEOUT_S))
                result.peak_mb = process_memory_mb(app.process.pid, "VmHWM")
                result.rss_mb = process_memory_mb(app.process.pid, "VmRSS")
            finally:
                browser.close()
    except Exception as error:  # a failed measurement is reported in the table, not raised
        result.error = f"{type(error).__name__}: {str(error)[:300]}"
    finally:
        stop_app(app)
    return result


def _browser_rows(result: MemoryResult, apptest_cold_s: dict[str, float]) -> list[Row]:
    """Each page's first visit in Chromium, next to its AppTest cold run: AppTest cannot see drawing time."""
    rows = []
    for name, seconds in result.page_s.items():
        cold = apptest_cold_s.get(name)
        ratio = f"{seconds / cold:.1f}× its AppTest cold run ({cold:.2f} s)" if cold else ""
        rows.append(Row(f"  browser: {name} opened until settled", seconds, Unit.SECONDS, ratio=ratio))
    return rows


def memory_section(result: MemoryResult, is_target_size: bool, pandas_peak_mb: float | None,
                   apptest_cold_s: dict[str, float]) -> Section:
    section = Section(f"(c) Peak memory of the app process at {result.label}")
    ratio = ""
    if pandas_peak_mb and result.peak_mb:
        ratio = f"pandas baseline process: {pandas_peak_mb:,.0f} MB ({pandas_peak_mb / result.peak_mb:.1f}×)"
    section.rows = [
        Row(f"streamlit server VmHWM after opening every page @ {result.label}", result.peak_mb, Unit.MEGABYTES,
            target=TARGET_MEMORY, ratio=ratio, error=result.error,
            target_note="" if is_target_size else "target is for 10M"),
        Row("  its VmRSS at the end", result.rss_mb, Unit.MEGABYTES, error=result.error),
        *_browser_rows(result, apptest_cold_s),
    ]
    section.notes = [
        "`python -m streamlit run app.py --server.headless true` on a free port, DASHBOARD_DB = this warehouse; "
        "Chromium opens overview, participation, activities, benefits and data in one session (each waited "
        "until the script state is notRunning, no skeleton, 0.5 s quiet); then /proc/<pid>/status is read.",
        "Browser rows: from navigation until the page settled, including the 0.5 s quiet wait and drawing in "
        "Chromium; the first page also pays the server's first imports. Shared queries are already cached "
        "for later pages.",
    ]
    if result.error:
        section.notes.append(f"ERROR: {result.error} (rows above hold what was measured before it)")
    if not is_target_size:
        section.notes.append(f"Measured at {result.label} (the largest size of this run); the < 600 MB target "
                             "is for 10M rows: run the full mode or add 10m to --sizes.")
    return section


# Where the time to the first chart goes, as the page shows it (checked every 20 ms).
_APP = "document.querySelector('[data-testid=\"stApp\"]')"
MILESTONES = {
    "page shell rendered (stApp)": f"() => !!{_APP}",
    "script run started": f"() => {_APP}?.getAttribute('data-test-script-state') === 'running'",
    "script run finished (notRunning)": f"() => {_APP}?.getAttribute('data-test-script-state') === 'notRunning'",
    "first svg.main-svg visible": """() => { const svg = document.querySelector(
        '[data-testid="stPlotlyChart"] svg.main-svg'); return !!svg && svg.getBoundingClientRect().width > 0; }""",
}
MILESTONE_TIMEOUT_S = 120.0
MAX_FAILURES_IN_A_ROW = 2


@dataclass
class StartupResult:
    healthy_s: list[float] = field(default_factory=list)
    first_chart_s: list[float] = field(default_factory=list)
    after_request_s: list[float] = field(default_factory=list)
    milestones_s: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _watch_milestones(page: Page, started_at: float) -> dict[str, float]:
    """Seconds from `started_at` (just before `streamlit run`) until each milestone first holds."""
    seen: dict[str, float] = {}
    deadline = time.monotonic() + MILESTONE_TIMEOUT_S
    while len(seen) < len(MILESTONES) and time.monotonic() < deadline:
        for name, script in MILESTONES.items():
            if name not in seen and page.evaluate(script):
                seen[name] = time.monotonic() - started_at
        page.wait_for_timeout(20)
    return seen


def _milestone_run(warehouse: Path, browser: Browser, log_dir: Path) -> dict[str, float]:
    app = start_app(warehouse, log_dir / "streamlit-milestones.log")
    context = new_context(browser, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(app.url("/?lang=en"), wait_until="commit")
        return _watch_milestones(page, app.started_at)
    finally:
        context.close()
        stop_app(app)


def _startup_run(warehouse: Path, browser: Browser, log_dir: Path, result: StartupResult) -> None:
    with contextlib.redirect_stdout(sys.stderr):  # measure_startup prints its own line: keep stdout for tables
        timing = measure_startup(warehouse, browser, log_path=log_dir / "streamlit-startup.log")
    result.healthy_s.append(timing.healthy_s)
    result.first_chart_s.append(timing.first_chart_s)
    result.after_request_s.append(timing.first_chart_s - timing.page_requested_s)


def _milestones_into(warehouse: Path, browser: Browser, log_dir: Path, result: StartupResult) -> None:
    for name, seconds in _milestone_run(warehouse, browser, log_dir).items():
        result.milestones_s.setdefault(name, []).append(seconds)


def measure_startups(warehouse: Path, repeats: int, milestone_runs: int, log_dir: Path) -> StartupResult:
    """measure_startup (tests/e2e/timing.py) `repeats` times, then the milestones; a new server each time.

    A failed run is recorded and the next one tried (the app may be mid-edit in a shared
    working tree); two failures in a row end the section.
    """
    result = StartupResult()
    runs = [_startup_run] * repeats + [_milestones_into] * milestone_runs
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                failures = 0
                for run in runs:
                    try:
                        run(warehouse, browser, log_dir, result)
                        failures = 0
                    except Exception as error:
                        failures += 1
                        result.errors.append(error_line(error))
                        if failures >= MAX_FAILURES_IN_A_ROW:
                            break
            finally:
                browser.close()
    except Exception as error:  # Chromium itself could not start
        result.errors.append(f"{type(error).__name__}: {str(error)[:300]}")
    return result


def startup_section(result: StartupResult) -> Section:
    def row(measure: str, values: list[float], target: Target | None = None, ratio: str = "") -> Row:
        return Row(measure, median(values), Unit.SECONDS, len(values), target=target, ratio=ratio,
                   error="no measurement")

    healthy, chart = median(result.healthy_s), median(result.first_chart_s)
    share = f"healthy at {healthy / chart:.0%} of it" if healthy and chart else ""
    section = Section("(d) Start-up at sample size")
    section.rows = [
        row("`streamlit run` → /_stcore/health answers ok", result.healthy_s),
        row("`streamlit run` → first chart drawn in Chromium", result.first_chart_s, TARGET_FIRST_CHART, share),
        row("  of which: page requested → first chart drawn", result.after_request_s),
    ]
    section.rows += [row(f"  milestone: `streamlit run` → {name}", result.milestones_s[name])
                     for name in MILESTONES if name in result.milestones_s]  # in page order, not first-seen
    section.notes = [
        "Measured by tests/e2e/timing.measure_startup: a new server per run on the sample warehouse, "
        "Chromium opens /?lang=en as soon as the server is healthy. \"First chart drawn\" there means the "
        "first Plotly chart has its marks (`svg.main-svg .trace .point` or a heatmap image), a little later "
        "than the first `svg.main-svg` being visible.",
        "Milestones: separate runs (new server each) watching the page every 20 ms, to show where the time "
        "goes. The first script run in the server includes the first import of pandas, Plotly and the "
        "dashboard modules (AppTest cold runs in (b) exclude imports); Plotly's JavaScript is loaded by the "
        "browser when the first chart arrives.",
    ]
    section.notes += [f"ERROR in a run (left out of the medians): {error}" for error in result.errors]
    return section
