"""How long the dashboard takes from `streamlit run` to a healthy server and to its first chart drawn.

Measures and prints; never judges (no test asserts a timing: machines differ).
The benchmark imports `measure_startup`; by hand:

    python -m tests.e2e.timing [path/to/warehouse.duckdb]

Without a path, a throw-away warehouse is built from the bundled sample workbooks.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from .harness import LOGS, VIEWPORT, launch_chromium, new_context, start_app, stop_app

FIRST_CHART_JS = """() => !!document.querySelector(
  '[data-testid="stPlotlyChart"] svg.main-svg .trace .point, [data-testid="stPlotlyChart"] .heatmaplayer image')"""


@dataclass(frozen=True)
class StartupTiming:
    """Seconds from starting `streamlit run` (the same origin for every figure)."""

    healthy_s: float  # /_stcore/health answered "ok"
    page_requested_s: float  # the browser asked for the page
    first_chart_s: float  # the first Plotly chart had its marks drawn
    path: str

    def report(self) -> str:
        return (f"startup of {self.path}: healthy after {self.healthy_s:.2f} s, page requested at "
                f"{self.page_requested_s:.2f} s, first chart drawn after {self.first_chart_s:.2f} s "
                f"({self.first_chart_s - self.page_requested_s:.2f} s after the request)")


def measure_startup(warehouse: Path, browser: Browser | None = None, path: str = "/?lang=en",
                    log_path: Path | None = None, timeout_s: float = 60.0) -> StartupTiming:
    """Start a fresh server on `warehouse` (a DASHBOARD_DB path), open `path`, time it, stop the server.

    The script only runs when a browser connects, so "first chart" includes the
    first run of app.py in a new process (imports, warehouse connection, queries).
    """
    if browser is None:
        with sync_playwright() as playwright:
            own = launch_chromium(playwright)
            try:
                return measure_startup(warehouse, own, path, log_path, timeout_s)
            finally:
                own.close()
    app = start_app(warehouse, log_path or LOGS / "streamlit-startup.log", timeout_s=timeout_s)
    context = new_context(browser, viewport=VIEWPORT)
    try:
        page = context.new_page()
        requested = time.monotonic()
        page.goto(app.url(path), wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function(FIRST_CHART_JS, timeout=timeout_s * 1000, polling=20)
        drawn = time.monotonic()
    finally:
        context.close()
        stop_app(app)
    timing = StartupTiming(round(app.healthy_at - app.started_at, 3), round(requested - app.started_at, 3),
                           round(drawn - app.started_at, 3), path)
    print(timing.report())
    return timing


def main(argv: list[str]) -> int:
    if argv:
        print(asdict(measure_startup(Path(argv[0]))))
        return 0
    from etl.load import ensure_built
    from etl.warehouse import Warehouse

    directory = Path(tempfile.mkdtemp(prefix="startup-warehouse-"))
    try:
        ensure_built(Warehouse(directory / "warehouse.duckdb"))
        print(asdict(measure_startup(directory / "warehouse.duckdb")))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
