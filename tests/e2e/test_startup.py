"""Start-up time of the dashboard, measured and printed (never asserted: machines differ)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .harness import ARTIFACTS, LOGS
from .timing import measure_startup


def test_startup_is_measured(sample_warehouse_dir: Path, tmp_path: Path, browser: Browser,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """Starts a second server and reports seconds to healthy and to the first chart drawn
    (also in artifacts/startup-timing.json). Fails only if the app never draws a chart."""
    directory = tmp_path / "data"
    shutil.copytree(sample_warehouse_dir, directory, symlinks=True)
    timing = measure_startup(directory / "warehouse.duckdb", browser, log_path=LOGS / "streamlit-startup.log")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "startup-timing.json").write_text(json.dumps(timing.__dict__, indent=2) + "\n")
    with capsys.disabled():
        print(f"\n{timing.report()}")
    assert timing.healthy_s <= timing.first_chart_s
