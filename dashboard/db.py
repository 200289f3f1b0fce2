"""One read-only DuckDB connection per process, a cursor per script run.

Streamlit runs each session's script in its own thread and a DuckDB
connection is not thread-safe, so every run takes ``reader()``, which hands
out a fresh cursor of the shared connection. The connection follows the
warehouse's published version: after a load, the next run opens the new
version (see etl.warehouse for why versions never change once published).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.load import ensure_built
from etl.warehouse import READER_CONFIG, Warehouse

_lock = threading.Lock()
_connections: dict[str, tuple[Path, duckdb.DuckDBPyConnection]] = {}
_built: set[str] = set()


@dataclass(frozen=True)
class Reader:
    cursor: duckdb.DuckDBPyConnection
    data_version: str  # shown to readers, e.g. "v000012"
    # Identifies this exact file (path and write time): the cache key, so two
    # warehouses (tests, benchmark) never share cached answers.
    cache_key: str


def ensure_warehouse() -> Warehouse:
    """The warehouse of DASHBOARD_DB, built from the sample workbooks on first start."""
    warehouse = Warehouse()
    key = str(warehouse.path)
    if key not in _built:
        with _lock:
            if key not in _built:
                ensure_built(warehouse)
                _built.add(key)
    return warehouse


def reader() -> Reader:
    """A cursor on the current version of the warehouse, and that version's name."""
    warehouse = ensure_warehouse()
    current = warehouse.current_file()
    if current is None:
        raise FileNotFoundError(f"no warehouse at {warehouse.path}")
    key = str(warehouse.path)
    with _lock:
        entry = _connections.get(key)
        if entry is None or entry[0] != current:
            # The previous version's connection is dropped, not closed: a run in
            # another thread may still be reading through its cursor.
            entry = (current, duckdb.connect(str(current), read_only=True, config=READER_CONFIG))
            _connections[key] = entry
        return Reader(entry[1].cursor(), current.stem, f"{current}@{current.stat().st_mtime_ns}")
