"""Driving the real dashboard in a real browser: start/stop `streamlit run`, launch Chromium, wait for runs.

Plain functions (no pytest) so the fixtures in conftest.py, tests/e2e/timing.py
and the benchmark can share them. What "the app has finished" means here:
the page is connected, Streamlit reports `notRunning`, no skeleton (a chart
still loading) is left, and that stays true, with no message from the server,
for a short quiet period, because a widget change or a page switch may start a
second run right after the first. That a run happened at all is told by the
server's messages, which every page opened by new_context counts.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.bundles import CACHE_ENV
from etl.warehouse import DB_ENV, PAUSE_ENV, Warehouse

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts"  # git-ignored; CI uploads it
SCREENSHOTS = ARTIFACTS / "screenshots"
LOGS = ARTIFACTS / "logs"
E2E_LOG = LOGS / "streamlit-e2e.log"  # the log of the session's server (conftest.dashboard)

CHROMIUM = Path("/usr/bin/chromium")
# A chart as a reader sees it. While presenting, each chart is in the page twice, and the one made for the
# screen's width is shown (dashboard.components.SMALLEST_PROJECTOR_SCREEN): a locator, and a JavaScript array.
SHOWN_CHART = ".js-plotly-plot:visible"
SHOWN_CHARTS_JS = "[...document.querySelectorAll('.js-plotly-plot')].filter(plot => plot.offsetParent !== null)"
# The charts shown (by key), the page's root font size, the card labels' words broken across two lines (Latin
# script), the card changes cut short, the texts of the charts shown that reach past their chart's edges, and
# how many cards show a change.
READING_JS = """() => {
  const shown = e => e.offsetParent !== null;
  const charts = '[class*="st-key-chart-"], [class*="st-key-screen-"], [class*="st-key-wide-"]';
  const keys = [...document.querySelectorAll(charts)].filter(shown)
      .map(e => [...e.classList].find(c => /^st-key-(chart|screen|wide)-/.test(c)).replace('st-key-', ''));
  const broken = [];
  for (const label of document.querySelectorAll('[data-testid="stMetricLabel"] p')) {
    const text = label.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) continue;
    for (const word of text.data.matchAll(/\\S+/g)) {
      if (/[\\u3000-\\u9fff\\uff00-\\uffef]/.test(word[0])) continue;  // Chinese lines may break between any two
      const range = document.createRange();
      range.setStart(text, word.index);
      range.setEnd(text, word.index + word[0].length);
      const rows = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (rows.size > 1) broken.push(word[0]);
    }
  }
  const cut = [...document.querySelectorAll('[data-testid="stMetricDelta"] div')]
      .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText);
  const outside = [];
  for (const plot of [...document.querySelectorAll('.js-plotly-plot')].filter(shown)) {
    const box = plot.getBoundingClientRect();
    for (const text of plot.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) outside.push(text.textContent);
    }
  }
  return {keys, font: parseFloat(getComputedStyle(document.documentElement).fontSize), broken, cut, outside,
          cards: document.querySelectorAll('[data-testid="stMetricDelta"]').length};
}"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
INSTALL_HINT = "sudo apt-get update && sudo apt-get install -y chromium"

HEALTH_TIMEOUT_S = 60.0
RUN_TIMEOUT_S = 45.0
QUIET_S = 0.5

# When the app has finished its run and drawn everything it lazily loads: the server's messages so far
# (0 on a page that does not count them); null while it has not.
_READY_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const ready = !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid="stSkeleton"]');
  return ready ? (window.__e2eServerMessages ?? 0) : null;
}"""

# Counts the messages the server sends over Streamlit's WebSocket, from before the app's own code runs
# (installed by new_context), so a test can tell that the run an interaction caused has reached the
# browser. The script-run state attribute cannot tell: a fast run's "running" and "notRunning" may be
# drawn in one React commit, so the attribute never changes (the bench saw it: a run that cleared the
# fields wrote its link, and the state never left "notRunning").
_MESSAGE_COUNTER_JS = """(() => {
  const Native = window.WebSocket;
  window.__e2eServerMessages = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { window.__e2eServerMessages += 1; });
    }
  };
})();"""


# -- the server -------------------------------------------------------------------


@dataclass
class RunningApp:
    """A `streamlit run app.py` process serving the dashboard on a loopback port."""

    base_url: str
    warehouse: Path  # DASHBOARD_DB: the link to the current version
    log_path: Path
    process: subprocess.Popen[bytes]
    started_at: float  # time.monotonic() just before the process was started
    healthy_at: float  # ... when /_stcore/health first answered "ok"
    bundle_cache: Path  # DASHBOARD_BUNDLE_CACHE: where it keeps compressed bundles between starts
    own_bundle_cache: bool  # made for this server alone: removed when it stops
    _log: IO[bytes] | None = field(default=None, repr=False)

    def url(self, path: str = "/", query: str = "") -> str:
        """The address of a page, e.g. url("/participation", "lang=en&year=2018")."""
        return f"{self.base_url}{path}" + (f"?{query}" if query else "")

    def database_file(self) -> Path:
        """The published DuckDB file DASHBOARD_DB points at (what the app reads)."""
        current = Warehouse(self.warehouse).current_file()
        assert current is not None, f"no warehouse at {self.warehouse}"
        return current

    def log_text(self, last_chars: int = 6000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-last_chars:]
        except OSError as error:
            return f"(log unreadable: {error})"


def last_traceback(log_path: Path, max_chars: int = 4000) -> str | None:
    """The last Python traceback a server wrote to its log (the reader only sees a redacted error)."""
    try:
        log = log_path.read_text(errors="replace")
    except OSError:
        return None
    start = log.rfind("Traceback (most recent call last)")
    return log[start:start + max_chars] if start >= 0 else None


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (OSError, urllib.error.URLError):
        return False


def start_app(warehouse: Path, log_path: Path, port: int | None = None,
              timeout_s: float = HEALTH_TIMEOUT_S, base_path: str = "",
              extra_env: dict[str, str] | None = None, script: str = "app.py",
              root: Path = REPO_ROOT) -> RunningApp:
    """Start the dashboard on `warehouse` (a DASHBOARD_DB path) and wait until it is healthy.

    `root` is the checkout whose `script` runs (the bench's before-and-after serves another
    commit's from a git worktree).

    `base_path` serves it under a path prefix (server.baseUrlPath), as behind a
    reverse proxy. Its cache of compressed bundles is a new temporary folder,
    removed by stop_app, unless `extra_env` names one (DASHBOARD_BUNDLE_CACHE):
    a test never reads what another server, or the venv's set-up, compressed.
    Raises RuntimeError with the end of the server log when the server exits or
    does not answer /_stcore/health with "ok" within `timeout_s`.
    """
    port = port or free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    own_bundle_cache = CACHE_ENV not in (extra_env or {})
    env = {**os.environ, DB_ENV: str(warehouse), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    if own_bundle_cache:
        env[CACHE_ENV] = tempfile.mkdtemp(prefix="e2e-bundles-")
    env.pop(PAUSE_ENV, None)
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    if base_path:
        command += ["--server.baseUrlPath", base_path.strip("/")]
    log = open(log_path, "wb")  # noqa: SIM115 - closed in stop_app
    started_at = time.monotonic()
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    prefix = f"/{base_path.strip('/')}" if base_path else ""
    app = RunningApp(f"http://127.0.0.1:{port}{prefix}", warehouse, log_path, process, started_at, started_at,
                     Path(env[CACHE_ENV]), own_bundle_cache, log)
    health = f"{app.base_url}/_stcore/health"
    deadline = started_at + timeout_s
    while not _healthy(health):
        if process.poll() is not None or time.monotonic() > deadline:
            reason = (f"exited with code {process.returncode}" if process.poll() is not None
                      else f"did not answer {health} with 'ok' within {timeout_s:.0f} s")
            stop_app(app)
            raise RuntimeError(f"The dashboard server {reason}. Command: {' '.join(command)}\n"
                               f"Server log ({log_path}):\n{app.log_text()}")
        time.sleep(0.05)
    app.healthy_at = time.monotonic()
    return app


def stop_app(app: RunningApp, timeout_s: float = 10.0) -> None:
    """Stop the server by its process id: terminate, then kill if it does not exit in time."""
    if app.process.poll() is None:
        app.process.terminate()
        try:
            app.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            app.process.kill()
            app.process.wait(timeout=timeout_s)
    if app._log is not None and not app._log.closed:
        app._log.close()
    if app.own_bundle_cache:
        shutil.rmtree(app.bundle_cache, ignore_errors=True)


# -- the browser ------------------------------------------------------------------


def chromium_missing_message() -> str | None:
    """Why the browser tests cannot run, or None when Chromium is installed."""
    if CHROMIUM.exists():
        return None
    where = "in CI (CI is set)" if os.environ.get("CI") else "on this machine"
    return (f"{CHROMIUM} is missing {where}. Browser tests are never skipped: install Debian's Chromium "
            f"with `{INSTALL_HINT}` (Playwright cannot download its own browser here).")


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, launched the way this environment allows."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


# -- waiting for the app ----------------------------------------------------------


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context (Playwright's options) whose pages count the server's messages (server_messages).

    Every page of the browser tests and the bench is opened in one of these.
    """
    context = browser.new_context(**options)
    context.add_init_script(_MESSAGE_COUNTER_JS)
    return context


def server_messages(page: Page) -> int:
    """How many messages the server has sent this page since it was loaded."""
    count = page.evaluate("window.__e2eServerMessages ?? null")
    if count is None:
        raise AssertionError(f"{page.url} counts no server messages: open it in a harness.new_context.")
    return int(count)


def wait_for_app(page: Page, timeout_s: float = RUN_TIMEOUT_S, quiet_s: float = QUIET_S) -> None:
    """Wait until the app's run has finished and stays finished, with no message from the server, for
    `quiet_s` seconds.

    Fails with what the app was doing if it is still running after `timeout_s`.
    """
    deadline = time.monotonic() + timeout_s
    ready_since: float | None = None
    seen: int | None = None  # the server's messages when the quiet period began
    while True:
        now = time.monotonic()
        messages = page.evaluate(_READY_JS)
        if messages is None or messages != seen:
            ready_since, seen = (None, None) if messages is None else (now, messages)
        elif ready_since is not None and now - ready_since >= quiet_s:
            return
        if now > deadline:
            state = page.evaluate("""() => { const a = document.querySelector('[data-testid="stApp"]');
                return a ? [a.getAttribute('data-test-script-state'), a.getAttribute('data-test-connection-state'),
                            document.querySelectorAll('[data-testid="stSkeleton"]').length] : null; }""")
            raise AssertionError(f"The app did not finish its run within {timeout_s:.0f} s at {page.url} "
                                 f"(script state, connection, skeletons: {state}).")
        page.wait_for_timeout(50)


def open_page(page: Page, url: str, timeout_s: float = RUN_TIMEOUT_S) -> None:
    """Navigate to `url` and wait until the app has run and drawn the page."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_s * 1000)
    # The first run has only started once the state left "initial".
    page.wait_for_function("""() => { const a = document.querySelector('[data-testid="stApp"]');
        return a && a.getAttribute('data-test-script-state') !== 'initial'; }""", timeout=timeout_s * 1000)
    wait_for_app(page, timeout_s)


def after_interaction(page: Page, action: Callable[[], object], timeout_s: float = RUN_TIMEOUT_S) -> None:
    """Do `action` (a click...), wait for the server's answer to reach the page, then for the app to settle."""
    before = server_messages(page)
    action()
    try:
        page.wait_for_function("n => window.__e2eServerMessages > n", arg=before, timeout=timeout_s * 1000)
    except Exception as error:
        raise AssertionError(f"The interaction did not make the app run again at {page.url}.") from error
    wait_for_app(page, timeout_s)


def save_screenshot(page: Page, name: str, max_height: int = 16000) -> Path:
    """A full-page screenshot under artifacts/screenshots/<name>.png (name made file-safe).

    Streamlit scrolls inside its main area (and the sidebar), not the document, so
    Playwright's full_page alone gives one viewport: the viewport is stretched to the
    content's height for the shot, then restored.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-')[:150]}.png"
    viewport = page.viewport_size
    # A collapsed sidebar (a phone's) is a 40-px strip moved off screen, so its text wraps a word per
    # line into a column thousands of pixels tall that nobody sees: only a sidebar on screen counts.
    height = int(page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...['stMain', 'stSidebarContent'].map(id => document.querySelector(`[data-testid="${id}"]`))
           .filter(e => e && e.getBoundingClientRect().right > 0).map(e => e.scrollHeight))"""))
    stretch = viewport is not None and viewport["height"] < height
    if stretch and viewport is not None:
        page.set_viewport_size({"width": viewport["width"], "height": min(height, max_height)})
        page.wait_for_timeout(300)  # charts re-fit the new size
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if stretch and viewport is not None:
            page.set_viewport_size(viewport)
            page.wait_for_timeout(200)
    return path


# Each heading of the page's main part against the nearest heading above it of a higher level (its parent):
# text of both and their font sizes in px, where the child is drawn larger than its parent.
_HEADINGS_LARGER_THAN_PARENT_JS = """() => {
  const found = [], open = [];
  document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)').forEach(heading => {
    if (heading.offsetParent === null) return;
    const level = Number(heading.tagName[1]), size = parseFloat(getComputedStyle(heading).fontSize);
    while (open.length && open[open.length - 1].level >= level) open.pop();
    const parent = open[open.length - 1];
    const text = heading.innerText.trim();
    if (parent && size > parent.size + 0.5)
      found.push(`h${level} "${text}" ${size}px under h${parent.level} "${parent.text}" ${parent.size}px`);
    open.push({level, size, text});
  });
  return found;
}"""


def headings_larger_than_their_parent(page: Page) -> list[str]:
    """The headings drawn larger than the heading they sit under (an h4 larger than its h3 reads as a new
    part, not a part of it), each with the parent's text and both sizes."""
    return page.evaluate(_HEADINGS_LARGER_THAN_PARENT_JS)


# What has the keyboard's focus: its text (what is hidden from a screen reader left out: icons' ligatures), and
# the test id of the Streamlit element it is in.
FOCUSED_JS = """() => { const el = document.activeElement, copy = el.cloneNode(true);
  copy.querySelectorAll('[aria-hidden="true"]').forEach(hidden => hidden.remove());
  return [copy.textContent.replace(/\\s+/g, ' ').trim(),
          el.closest('[data-testid]')?.getAttribute('data-testid') ?? null]; }"""


def focus_comes_to(page: Page, text: str) -> str | None:
    """Wait (up to 10 s) for the focus to come to an element whose text is ``text``; the test id of the
    Streamlit element it is in. Fails saying where the focus is instead."""
    try:
        page.wait_for_function(f"text => ({FOCUSED_JS})()[0] === text", arg=text, timeout=10_000)
    except PlaywrightTimeout:
        where, testid = page.evaluate(FOCUSED_JS)
        raise AssertionError(f"the focus never came to {text!r}: it is on {where[:80]!r} ({testid})") from None
    return page.evaluate(FOCUSED_JS)[1]


def tab_to(page: Page, name: str, most: int = 8) -> None:
    """Tab until the focus is on the control named ``name`` (at most ``most`` stops)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_JS)[0] == name:
            return
    raise AssertionError(f"{most} Tab stops never reached {name!r}: {page.evaluate(FOCUSED_JS)}")
