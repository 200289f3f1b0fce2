"""Browser test harness: the real dashboard (`streamlit run`) on a copy of the sample warehouse, and Chromium.

- `dashboard` (session): the server on a free loopback port, DASHBOARD_DB pointing at a
  private copy of the sample warehouse, its log under artifacts/logs/; stopped by its
  process id afterwards.
- `browser` (session): Debian's Chromium through Playwright. Browser tests are never
  skipped: without /usr/bin/chromium they fail, saying how to install it.
- `page` (per test): a fresh browser context (1400×1000), so no test sees another's
  session; a failing test leaves a screenshot artifacts/screenshots/FAILED-<test>.png.

Waiting helpers (open_page, after_interaction, wait_for_app) live in harness.py and are
re-exported here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from .harness import (
    E2E_LOG,
    SCREENSHOTS,
    VIEWPORT,
    RunningApp,
    after_interaction,
    chromium_missing_message,
    launch_chromium,
    new_context,
    open_page,
    save_screenshot,
    start_app,
    stop_app,
    wait_for_app,
)

__all__ = ["after_interaction", "open_page", "save_screenshot", "wait_for_app"]


@pytest.fixture(scope="session", autouse=True)
def fresh_screenshots() -> None:
    """Screenshots of earlier runs are removed, so the artifact folder shows this run only."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def dashboard(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The dashboard served by `streamlit run app.py` on a private copy of the sample warehouse."""
    directory = tmp_path_factory.mktemp("e2e-warehouse") / "data"
    shutil.copytree(sample_warehouse_dir, directory, symlinks=True)
    app = start_app(directory / "warehouse.duckdb", E2E_LOG)
    try:
        yield app
    finally:
        stop_app(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium; fails (never skips) when /usr/bin/chromium is not installed."""
    missing = chromium_missing_message()
    if missing:
        pytest.fail(missing, pytrace=False)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item,
                               call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report on the test item, so `page` knows whether the test failed."""
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh browser context; screenshotted as FAILED-<test>.png when the test fails."""
    context = new_context(browser, viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        report = getattr(request.node, "e2e_report_call", None)
        if report is not None and report.failed:
            try:
                save_screenshot(tab, f"FAILED-{request.node.name}")
            except Exception as error:  # the screenshot must not hide the failure
                print(f"could not save the failure screenshot: {error}")
        context.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Open further pages, each in its own fresh context (a second reader opening a shared link)."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = new_context(browser, viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
