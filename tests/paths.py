"""Paths the tests share: the repository root and the bundled sample workbooks."""

from __future__ import annotations

from pathlib import Path

from etl.warehouse import SAMPLE_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FILES = sorted(SAMPLE_DIR.glob("*.xlsx"))
