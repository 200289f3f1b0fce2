"""The read side's access to the warehouse: a cursor per script run, never a write.

Streamlit runs each session's script in its own thread and a DuckDB
connection is not thread-safe, so every run takes ``reader()``, which hands
out a fresh cursor of the process's shared read-only connection
(etl.warehouse opens it: one module opens every connection to the
warehouse). The connection follows the published version: after a load,
the next run reads the new version.

Building the warehouse on first start, upgrading one of an older release
and applying the upload retention are writes: app.py asks for them once per
process, explicitly, through ``prepare_warehouse()``; ``reader()`` itself
never writes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb

from etl.warehouse import Warehouse


@dataclass(frozen=True)
class Reader:
    cursor: duckdb.DuckDBPyConnection
    data_version: str  # shown to readers, e.g. "v000012"
    # Identifies this exact file (path and write time): the cache key, so two
    # warehouses (tests, benchmark) never share cached answers.
    cache_key: str


_prepared: set[str] = set()
_prepare_lock = threading.Lock()


def prepare_warehouse() -> None:
    """Build (first start) or upgrade the warehouse of DASHBOARD_DB, once per process and path.

    Called by app.py when the server starts; never by a page.
    """
    warehouse = Warehouse()
    with _prepare_lock:
        if str(warehouse.path) not in _prepared:
            if warehouse.exists() and not warehouse.outdated():
                warehouse.uploads.purge()  # the usual start: nothing to build or upgrade
            else:
                # The loader (pandas, the Excel readers) is imported only when there is work for it: the
                # server answers sooner, and the warm-up thread imports pandas while the browser loads.
                from etl.load import ensure_built

                ensure_built(warehouse)
            _prepared.add(str(warehouse.path))


def reader() -> Reader:
    """A cursor on the current version of the warehouse, and that version's name (read-only)."""
    cursor, current = Warehouse().shared_cursor()
    return Reader(cursor, current.stem, f"{current}@{current.stat().st_mtime_ns}")
