"""Shared fixtures: a warehouse built once from the sample workbooks, copied per test; shared page runs.

The helpers tests import live in tests/apptest.py (AppTest helpers) and tests/paths.py (shared paths).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.load import ensure_built
from etl.warehouse import Warehouse
from tests.apptest import SharedApp


@pytest.fixture(scope="session")
def sample_warehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse directory holding the three sample years (built once per session)."""
    directory = tmp_path_factory.mktemp("sample-warehouse")
    assert ensure_built(Warehouse(directory / "warehouse.duckdb"))
    return directory


@pytest.fixture
def warehouse(sample_warehouse_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """A private copy of the sample warehouse; DASHBOARD_DB points at it."""
    directory = tmp_path / "data"
    shutil.copytree(sample_warehouse_dir, directory, symlinks=True)
    path = directory / "warehouse.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return Warehouse(path)


@pytest.fixture
def empty_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    path = tmp_path / "data" / "warehouse.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return Warehouse(path)


@pytest.fixture(scope="session")
def shared_app(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> SharedApp:
    """Read-only page runs shared by the whole session (a private copy of the sample warehouse)."""
    directory = tmp_path_factory.mktemp("shared-app") / "data"
    shutil.copytree(sample_warehouse_dir, directory, symlinks=True)
    return SharedApp(Warehouse(directory / "warehouse.duckdb"))
