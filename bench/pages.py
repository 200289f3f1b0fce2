"""(b) Page times: full script runs (cold, warm), their queries alone, and the pandas baseline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import log, median, timed
from bench.report import Row, Section, Target, Unit, format_value, slower_or_faster
from bench.warehouses import Size
from bench.worker import MARKER, app_test, run_errors
from etl.warehouse import DB_ENV

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGES = {"overview": "views/overview.py", "participation": "views/participation.py",
         "activities": "views/activities.py", "benefits": "views/benefits.py", "data": "views/data.py"}
TARGET_WARM = Target(0.5, Unit.SECONDS)
TARGET_COLD = Target(1.5, Unit.SECONDS)
TARGET_ROWS = 10_000_000  # the issue sets the page targets at 10M participant rows
WORKER_TIMEOUT_S = 1800
SLOWEST_SHOWN = 4


class WorkerFailed(RuntimeError):
    pass


@dataclass
class PageTimes:
    run_cold: list[float] = field(default_factory=list)
    run_warm: list[float] = field(default_factory=list)
    queries_cold: list[float] = field(default_factory=list)
    queries_warm: list[float] = field(default_factory=list)
    pandas_cold: list[float] = field(default_factory=list)
    pandas_warm: list[float] = field(default_factory=list)
    calls: list[list[Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class SizeResult:
    size: Size
    database: Path
    counts: dict[str, int]
    pages: dict[str, PageTimes]
    pandas: dict[str, Any] = field(default_factory=dict)
    query_cold_s: dict[str, float] = field(default_factory=dict)  # slowest first call of each query


def run_worker(command: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run bench.worker in a fresh interpreter and return its JSON result."""
    done = subprocess.run([sys.executable, "-m", "bench.worker", command, json.dumps(payload)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=WORKER_TIMEOUT_S,
                          env={k: v for k, v in os.environ.items() if k != DB_ENV})
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    raise WorkerFailed(f"bench.worker {command} exited with {done.returncode}: {done.stderr.strip()[-1500:]}")


def _cold_runs(database: Path, pages: dict[str, PageTimes], repeats: int) -> None:
    """Each cold run in a new process; pages interleaved so drift spreads over all of them."""
    for repeat in range(repeats):
        for name, times in pages.items():
            try:
                result = run_worker("cold-page", {"db": str(database), "page": PAGES[name], "discover": repeat == 0})
            except (WorkerFailed, subprocess.TimeoutExpired) as error:
                times.errors.append(f"cold run: {error}")
                continue
            if result["errors"]:  # a run that raised is short, not fast: keep it out of the medians
                times.errors += [f"cold run (left out): {error}" for error in result["errors"]]
            else:
                times.run_cold.append(result["seconds"])
            if repeat == 0:
                times.calls = result["calls"]


def _warm_runs(database: Path, pages: dict[str, PageTimes], repeats: int) -> None:
    """Repeated runs in this process with the same filters: the cache and the connection are warm."""
    previous = os.environ.get(DB_ENV)
    os.environ[DB_ENV] = str(database)
    try:
        for name, times in pages.items():
            test = app_test(PAGES[name])
            test.run()  # fills the cache for this page; not timed
            for _ in range(repeats):
                seconds, _ = timed(test.run)
                errors = run_errors(test)
                if errors:  # as for cold runs: noted, left out of the medians
                    times.errors += [f"warm run (left out): {error}" for error in errors]
                else:
                    times.run_warm.append(seconds)
    finally:
        if previous is None:
            os.environ.pop(DB_ENV, None)
        else:
            os.environ[DB_ENV] = previous


def _queries(database: Path, pages: dict[str, PageTimes], repeats: int, cold_repeats: int) -> dict[str, float]:
    payload = {"db": str(database), "repeats": repeats, "cold_repeats": cold_repeats,
               "pages": {n: t.calls for n, t in pages.items() if t.calls}}
    result = run_worker("queries", payload)
    for name, figures in result["pages"].items():
        pages[name].queries_cold += figures["cold"]
        pages[name].queries_warm += figures["warm"]
    return result["per_call_cold"]


def _pandas(database: Path, pages: dict[str, PageTimes], repeats: int) -> dict[str, Any]:
    payload = {"db": str(database), "repeats": repeats, "pages": {n: t.calls for n, t in pages.items() if t.calls}}
    result = run_worker("pandas", payload)
    for name, figures in result["pages"].items():
        pages[name].pandas_cold.append(figures["load"] + figures["first"])
        pages[name].pandas_warm += figures["warm"]
    return result


@dataclass(frozen=True)
class Repeats:
    warm: int
    cold: int
    # Above this many participant rows the pandas baseline makes one warm pass: at 10M a
    # pass over the pages takes minutes, and its spread is small next to its size.
    pandas_full_up_to: int

    def pandas(self, size: Size) -> int:
        return self.warm if (size.participants or 0) <= self.pandas_full_up_to else 1


def measure_size(size: Size, database: Path, counts: dict[str, int], repeats: Repeats) -> SizeResult:
    pages = {name: PageTimes() for name in PAGES}
    result = SizeResult(size, database, counts, pages)
    log(f"pages @ {size.label}: {repeats.cold} cold run(s) per page, each in a new process")
    _cold_runs(database, pages, repeats.cold)
    log(f"pages @ {size.label}: queries alone on fresh connections")
    result.query_cold_s = _queries(database, pages, repeats.warm, repeats.cold)
    log(f"pages @ {size.label}: pandas baseline (whole tables in memory)")
    try:
        result.pandas = _pandas(database, pages, repeats.pandas(size))
    except (WorkerFailed, subprocess.TimeoutExpired) as error:
        result.pandas = {"error": str(error)}
    log(f"pages @ {size.label}: {repeats.warm} warm run(s) per page in this process")
    _warm_runs(database, pages, repeats.warm)
    return result


# -- the table ------------------------------------------------------------------------

def _row(measure: str, values: list[float], target: Target | None = None, ratio: str = "",
         applies: bool = True) -> Row:
    value = median(values)
    return Row(measure, value, Unit.SECONDS, len(values), target=target, ratio=ratio,
               target_note="" if applies else "target is for 10M", error="no measurement" if value is None else "")


def _times(numerator: list[float], denominator: list[float], text: str) -> str:
    top, bottom = median(numerator), median(denominator)
    return text.format(top / bottom) if top is not None and bottom else ""


def _pandas_ratio(pandas: list[float], duckdb: list[float]) -> str:
    top, bottom = median(pandas), median(duckdb)
    return slower_or_faster("pandas", top / bottom) if top is not None and bottom else ""


def page_rows(name: str, times: PageTimes, applies: bool, sample: PageTimes | None) -> list[Row]:
    growth = ""
    if sample is not None:
        growth = _times(times.run_warm, sample.run_warm, "{:.2f}× the sample's")
    return [
        _row(f"{name}: full run, cold", times.run_cold, TARGET_COLD,
             _times(times.run_cold, times.run_warm, "{:.1f}× warm"), applies),
        _row(f"{name}: full run, warm", times.run_warm, TARGET_WARM, growth, applies),
        _row(f"{name}: its queries alone, cold", times.queries_cold,
             ratio=_pandas_ratio(times.pandas_cold, times.queries_cold)),
        _row(f"{name}: its queries alone, warm", times.queries_warm,
             ratio=_pandas_ratio(times.pandas_warm, times.queries_warm)),
        _row(f"{name}: pandas baseline, cold (load tables + group)", times.pandas_cold),
        _row(f"{name}: pandas baseline, warm (group in memory)", times.pandas_warm),
    ]


def size_section(result: SizeResult, sample: SizeResult | None) -> Section:
    counts = ", ".join(f"{count:,} {name}" for name, count in result.counts.items())
    section = Section(f"(b) Pages at {result.size.label} ({counts})")
    applies = (result.size.participants or 0) >= TARGET_ROWS
    for name, times in result.pages.items():
        baseline = sample.pages.get(name) if sample is not None and sample is not result else None
        section.rows += page_rows(name, times, applies, baseline)
        for error in dict.fromkeys(times.errors):
            section.notes.append(f"{name}: ERROR {error}")
    for name, times in result.pages.items():
        calls = ", ".join(c[0] if c[1] is None else f"{c[0]}({c[1]})" for c in times.calls)
        section.notes.append(f"{name} runs: {calls or 'unknown (cold run failed)'}")
    slowest = sorted(result.query_cold_s.items(), key=lambda item: -item[1])[:SLOWEST_SHOWN]
    if slowest:
        section.notes.append("Slowest queries (slowest first call on a fresh connection): " + ", ".join(
            f"{name} {format_value(seconds, Unit.SECONDS)}" for name, seconds in slowest))
    section.notes += _pandas_notes(result.pandas)
    return section


def _pandas_notes(pandas: dict[str, Any]) -> list[str]:
    if not pandas:
        return ["pandas baseline: not run"]
    if "error" in pandas:
        return [f"pandas baseline: ERROR {pandas['error']}"]
    loads = ", ".join(f"{name} {format_value(seconds, Unit.SECONDS)}" for name, seconds in pandas["load_s"].items())
    mismatches = pandas["mismatches"]
    check = (f"all {pandas['checked']} figures equal to DuckDB's" if not mismatches
             else f"MISMATCH on {len(mismatches)} of {pandas['checked']}: {mismatches}")
    return [f"pandas baseline: whole-table loads (once, n=1): {loads}; peak memory of its process "
            f"{pandas['vm_hwm_mb']:,.0f} MB; {check}."]


SECTION_NOTES = [
    "Full run = app.py and the page through AppTest (filters, navigation, queries, Plotly figures), default "
    "filters (every year, Beijing, all fields, both directions). Cold = the first run in a new process "
    "(subprocess; imports done before the clock starts; new DuckDB connection; empty st.cache_data). Warm = "
    "repeated runs in one process with the same filters (one untimed run first).",
    "Queries alone = the dashboard.queries functions the page called in its cold run (recorded by profiling), "
    "called directly on a fresh read-only connection (READER_CONFIG: 2 threads, 384 MB): cold = the first "
    "call of each on a new connection (one per cold run), warm = median over repeats of all of them.",
    "pandas baseline = the same figures (verified equal) from whole tables read into pandas via Arrow and "
    "grouped in memory: cold = loading the tables the page needs + the first pass; warm = a pass on loaded "
    "frames (one warm pass only above 2M rows, above 100k in quick mode).",
    "Targets (every page < 0.5 s warm, < 1.5 s cold) are set at 10M participant rows; smaller sizes show "
    "them for reference without a verdict.",
]
