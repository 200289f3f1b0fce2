"""Measurements that need a process of their own: `python -m bench.worker <command> '<json>'`.

- cold-page: the first run of a page in a fresh process (new DuckDB connection,
  empty st.cache_data). Imports are done before the clock starts, so only the
  run is timed. With "discover", it then records which dashboard.queries
  functions the page calls (a second run, after clearing the caches).
- queries: each page's queries alone, each page on a fresh read-only connection.
- pandas: the pandas baseline (whole tables loaded once, figures per page),
  checked against DuckDB's figures; in its own process so its gigabytes are
  given back and its peak memory can be read.

The result is one line on stdout: MARKER followed by JSON.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from bench.measure import process_memory_mb, timed
from etl.warehouse import DB_ENV, Warehouse

MARKER = "BENCH_RESULT "
APP_FILE = Path(__file__).resolve().parents[1] / "navigation.py"  # the per-session script
DEFAULT_PAGE = "views/overview.py"
APP_TIMEOUT_S = 600  # AppTest's default of 3 s is far too short for a cold run at 10M rows

Call = tuple[str, str | None]


def preimport() -> None:
    """Import what a page run imports, so the clock sees the run and not module loading."""
    import plotly.express
    import plotly.graph_objects  # noqa: F401
    from streamlit.testing.v1 import AppTest  # noqa: F401

    import dashboard
    import translations  # noqa: F401

    for module in pkgutil.iter_modules(dashboard.__path__):
        importlib.import_module(f"dashboard.{module.name}")


def app_test(page: str) -> Any:
    """An AppTest of app.py opened on `page` (the default filters: every year, every field)."""
    from streamlit.testing.v1 import AppTest

    test = AppTest.from_file(str(APP_FILE), default_timeout=APP_TIMEOUT_S)
    if page != DEFAULT_PAGE:
        test.switch_page(page)
    return test


def run_errors(test: Any) -> list[str]:
    return [str(element.value)[:300] for element in test.exception]


def default_scope(database: str) -> Any:
    """The scope a reader gets without touching a filter: every loaded year, Beijing, all fields."""
    from dashboard.queries import Scope

    with Warehouse(Path(database)).connect_reader() as connection:
        years = [row[0] for row in connection.execute("SELECT DISTINCT year FROM loads ORDER BY year").fetchall()]
    return Scope(tuple(years))


def _discover(page: str) -> list[Call]:
    """The queries a page's run calls, found by profiling a run with an empty cache."""
    import streamlit as st

    from dashboard import context, queries

    public = set(queries.QUERIES)
    calls: list[Call] = []

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_globals.get("__name__") == queries.__name__ \
                and frame.f_code.co_name in public:
            calls.append((frame.f_code.co_name, None))

    st.cache_data.clear()
    # The charts and findings shared between sessions too: kept from the timed run, their builders' queries
    # went unseen (the Activities page's timeline, the Overview's charts).
    context._shared_answer.clear()
    test = app_test(page)
    sys.setprofile(profile)
    threading.setprofile(profile)  # in case the script runs in a thread of its own
    try:
        test.run()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    return list(dict.fromkeys(calls))  # each distinct call once, in page order


def cold_page(payload: dict[str, Any]) -> dict[str, Any]:
    os.environ[DB_ENV] = payload["db"]
    preimport()
    test = app_test(payload["page"])
    seconds, _ = timed(test.run)
    result: dict[str, Any] = {"seconds": seconds, "errors": run_errors(test)}
    if payload.get("discover"):
        result["calls"] = _discover(payload["page"])
    return result


def _calls(payload: dict[str, Any]) -> dict[str, list[Call]]:
    return {page: [(name, table) for name, table in calls] for page, calls in payload["pages"].items()}


def call_label(call: Call) -> str:
    name, table = call
    return name if table is None else f"{name}({table})"


def _run_calls(cursor: Any, calls: list[Call], scope: Any, per_call: dict[str, float] | None = None) -> float:
    """Seconds for all of a page's queries; each call's own time goes into `per_call` if given."""
    from bench.pandas_baseline import run_query

    total = 0.0
    for call in calls:
        seconds, _ = timed(lambda call=call: run_query(call, cursor, scope))
        total += seconds
        if per_call is not None:
            per_call[call_label(call)] = max(per_call.get(call_label(call), 0.0), seconds)
    return total


def queries_alone(payload: dict[str, Any]) -> dict[str, Any]:
    scope = default_scope(payload["db"])
    pages: dict[str, Any] = {page: {"cold": [], "warm": []} for page in payload["pages"]}
    per_call: dict[str, float] = {}  # the slowest first call of each query, over pages and repeats
    for repeat in range(payload["cold_repeats"]):
        for page, calls in _calls(payload).items():
            # A new connection per page and repeat: DuckDB drops a database's buffers
            # with its last connection, so the first calls start cold.
            with Warehouse(Path(payload["db"])).connect_reader() as connection:
                cursor = connection.cursor()
                pages[page]["cold"].append(_run_calls(cursor, calls, scope, per_call))
                if repeat == 0:
                    pages[page]["warm"] = [_run_calls(cursor, calls, scope) for _ in range(payload["repeats"])]
    return {"pages": pages, "per_call_cold": per_call}


def _time_loads(cursor: Any, needed: set[str]) -> tuple[dict[str, Any], dict[str, float]]:
    from bench.pandas_baseline import load_table

    frames, seconds = {}, {}
    for name in sorted(needed):  # the tables bench.pandas_baseline.TABLES says the figures read
        seconds[name], frames[name] = timed(lambda name=name: load_table(cursor, name))
    return frames, seconds


def pandas_baseline(payload: dict[str, Any]) -> dict[str, Any]:
    from bench.pandas_baseline import compute, run_query, same_figure, tables_of

    scope = default_scope(payload["db"])
    pages = _calls(payload)
    needed = {table for calls in pages.values() for call in calls for table in tables_of(call)}
    with Warehouse(Path(payload["db"])).connect_reader() as connection:
        cursor = connection.cursor()
        frames, load_s = _time_loads(cursor, needed)
        results: dict[str, Any] = {"pages": {}, "load_s": load_s}
        for page, calls in pages.items():
            def figures(calls: list[Call] = calls) -> None:
                for call in calls:
                    compute(call, frames, scope)

            first, _ = timed(figures)
            warm = [timed(figures)[0] for _ in range(payload["repeats"])]
            tables = {table for call in calls for table in tables_of(call)}
            results["pages"][page] = {"load": sum(load_s[t] for t in tables), "first": first, "warm": warm}
        distinct = list(dict.fromkeys(call for calls in pages.values() for call in calls))
        results["checked"] = len(distinct)
        results["mismatches"] = [list(call) for call in distinct
                                 if not same_figure(compute(call, frames, scope), run_query(call, cursor, scope))]
    results["vm_hwm_mb"] = process_memory_mb()
    return results


COMMANDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "cold-page": cold_page, "queries": queries_alone, "pandas": pandas_baseline}


def main(argv: list[str]) -> int:
    command, payload = argv[0], json.loads(argv[1])
    result = COMMANDS[command](payload)
    print(MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
