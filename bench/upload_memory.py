"""(e) Peak memory of the app process while an analyst uploads a 200,000-row workbook, in a real Chromium.

The check runs in a child process (etl.isolated), so the server should stay
near its browsing footprint. Measured: the server's VmHWM after sign-in and
after the upload's report is shown, and — for comparison with the release
that checked inside the app — the peak of a process that runs the same
check (etl.load.stage_file) alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.measure import log, process_memory_mb, timed
from bench.report import Row, Section, Target, Unit
from bench.workbook import ensure_workbook
from etl import accounts
from tests.e2e.harness import VIEWPORT, after_interaction, launch_chromium, new_context, open_page, start_app, stop_app
from translations import catalogue

REPO_ROOT = Path(__file__).resolve().parents[1]
UPLOAD_ROWS = 200_000
TARGET_MEMORY = Target(600, Unit.MEGABYTES)
PASSWORD = "bench password 2026"
REPORT_TIMEOUT_MS = 600_000


# The messages a report opens with: valid, errors, remarks only.
REPORT_OUTCOMES = ("upload.valid", "upload.invalid", "upload.warnings")


def report_outcomes() -> list[str]:
    """The longest fixed part of each form (singular, plural) of each opening message, in English.

    Taken from the catalogue, so that a reworded or new outcome cannot leave the bench waiting for a text
    the page no longer writes (it waited ten minutes once, when remarks were added).
    """
    texts = catalogue("en")
    forms = [text for key, text in texts.items() if key in REPORT_OUTCOMES or key.rsplit(".", 1)[0] in REPORT_OUTCOMES]
    return [max(re.split(r"\{[^}]*\}", text), key=len).strip() for text in forms]


@dataclass
class UploadMemory:
    rows: int
    file_mb: float = 0.0
    before_mb: float | None = None
    peak_mb: float | None = None
    check_s: float | None = None
    standalone_peak_mb: float | None = None
    error: str = ""


def measure_upload_memory(sample_warehouse: Path, cache_dir: Path, log_dir: Path, seed: int = 42,
                          rows: int = UPLOAD_ROWS) -> UploadMemory:
    result = UploadMemory(rows)
    workbook = ensure_workbook(cache_dir, rows, seed)
    result.file_mb = workbook.stat().st_size / 2**20
    root = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    try:
        shutil.copytree(sample_warehouse.parent, root / "data", symlinks=True)
        database = root / "data" / sample_warehouse.name
        result.standalone_peak_mb = _standalone_check_peak(database, workbook)
        secrets = root / "secrets.toml"
        accounts.write_account("bench", accounts.hash_password(PASSWORD), secrets)
        app = start_app(database, log_dir / "streamlit-upload-memory.log", timeout_s=120,
                        extra_env={accounts.SECRETS_ENV: str(secrets)})
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    page = new_context(browser, viewport=VIEWPORT).new_page()
                    open_page(page, app.url("/signin", "lang=en"))
                    page.get_by_role("textbox", name="Account name").fill("bench")
                    page.get_by_role("textbox", name="Password").fill(PASSWORD)
                    after_interaction(page, lambda: page.get_by_role("button", name="Sign in").click())
                    # A link, not a new URL: a new page load would be a new session, signed out.
                    after_interaction(page, lambda: page.get_by_role("link", name="Upload").first.click())
                    result.before_mb = process_memory_mb(app.process.pid, "VmHWM")
                    log(f"upload memory: uploading {workbook.name} ({result.file_mb:.1f} MB)")
                    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')

                    def upload_and_wait() -> None:
                        uploader.set_input_files(str(workbook))
                        outcome, *others = (page.get_by_text(text) for text in report_outcomes())
                        for other in others:
                            outcome = outcome.or_(other)
                        outcome.first.wait_for(timeout=REPORT_TIMEOUT_MS)

                    result.check_s, _ = timed(upload_and_wait)
                    result.peak_mb = process_memory_mb(app.process.pid, "VmHWM")
                finally:
                    browser.close()
        finally:
            stop_app(app)
    except Exception as error:  # reported in the table, not raised
        result.error = f"{type(error).__name__}: {str(error)[:300]}"
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return result


_STANDALONE = """
import json, sys
from pathlib import Path
from etl import parse
from etl.load import stage_file
from etl.warehouse import Warehouse
parse.CHILD_MIN_BYTES = 1 << 62  # inside the app (a threaded process) the parse would run in-process too
staged = stage_file(Warehouse(), Path(sys.argv[1]))
status = Path("/proc/self/status").read_text().splitlines()
peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(json.dumps({"ok": staged.ok, "peak_mb": peak}))
"""


def _standalone_check_peak(database: Path, workbook: Path) -> float | None:
    """The same check alone in a fresh process: what an in-app check would have added to the server."""
    env = {**os.environ, "DASHBOARD_DB": str(database)}
    done = subprocess.run([sys.executable, "-c", _STANDALONE, str(workbook)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        log(f"upload memory: standalone check failed: {done.stderr[-500:]}")
        return None
    return float(json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"])


def upload_memory_section(result: UploadMemory) -> Section:
    section = Section(f"(e) Peak memory of the app process during a {result.rows:,}-row upload")
    section.rows = [
        Row("streamlit server VmHWM after sign-in, before the upload", result.before_mb, Unit.MEGABYTES,
            error=result.error),
        Row(f"streamlit server VmHWM after the {result.rows:,}-row upload was checked", result.peak_mb,
            Unit.MEGABYTES, target=TARGET_MEMORY, error=result.error),
        Row("  upload → report shown in Chromium", result.check_s, Unit.SECONDS, error=result.error),
        Row("  the same check alone in a fresh process (what it would add inside the app)",
            result.standalone_peak_mb, Unit.MEGABYTES),
    ]
    section.notes = [
        f"Workbook: bench/workbook.py, {result.rows:,} participant rows and the other sheets in proportion, "
        f"{result.file_mb:.1f} MB. The server runs on a copy of the sample warehouse with one analyst account; "
        "Chromium signs in, opens Upload, sets the file and waits for the report. The check runs in a child "
        "process (etl.isolated): the server receives the problems, row counts and the snapshot's hash only.",
    ]
    if result.error:
        section.notes.append(f"ERROR: {result.error}")
    return section
