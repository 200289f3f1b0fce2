"""A running dashboard on the sample warehouse with some of its years reloaded from edited workbooks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from etl.load import load_files
from etl.warehouse import Warehouse
from tests.workbooks import Edit, edited_sample

from .harness import LOGS, RunningApp, start_app, stop_app


@contextmanager
def edited_sample_app(sample_warehouse_dir: Path, root: Path, edits: Mapping[int, Edit],
                      log_name: str) -> Iterator[RunningApp]:
    """`streamlit run` on a copy (in ``root``) of the sample warehouse whose years ``edits`` names are loaded
    again from their sample workbooks changed by each year's edit; its log in LOGS/``log_name``."""
    shutil.copytree(sample_warehouse_dir, root / "data", symlinks=True)
    warehouse = Warehouse(root / "data" / "warehouse.duckdb")
    load_files(warehouse, [edited_sample(root / "upload" / f"{year}.xlsx", edit, year=year)
                           for year, edit in edits.items()], replace=True, loaded_by="test")
    app = start_app(warehouse.path, LOGS / log_name)
    try:
        yield app
    finally:
        stop_app(app)
