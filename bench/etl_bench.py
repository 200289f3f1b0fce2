"""(a) ETL throughput: the real validate+load path against the bare read and a naive baseline."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import fastexcel

from bench.machine import usable_cores
from bench.measure import log, median, timed, timed_with_cpu
from bench.naive import NaiveResult, run_naive
from bench.report import Row, Section, Target, Unit
from bench.workbook import BENCH_YEAR, ensure_workbook
from etl.load import load_files
from etl.reader import read_file
from etl.validate import validate
from etl.warehouse import PendingLoad, Warehouse

TARGET_RATE = Target(150_000, Unit.ROWS_PER_SECOND, at_most=False)
TARGET_OVER_BARE = Target(1.7, Unit.TIMES)


@dataclass(frozen=True)
class EtlConfig:
    rows: int
    naive_rows: int
    seed: int
    repeats: int
    cache_dir: Path
    into: tuple[str, Path] | None = None  # (size label, link path) of a big warehouse to load into


# Loads into a copy of a big warehouse: each copies it first (half a gigabyte at 10M).
INTO_REPEATS = 3


@dataclass(frozen=True)
class Timing:
    seconds: float
    cpu_seconds: float  # every core, the parse's child process included


def _real_load(path: Path, into: Path | None = None) -> Timing:
    """One load into a fresh temporary warehouse (archive, key, new version and all), or into a copy of
    the big warehouse whose link is ``into``, replacing the workbook's year (the copy is not timed)."""
    directory = Path(tempfile.mkdtemp(prefix="bench-etl-"))
    try:
        target = directory / "warehouse.duckdb"
        if into is not None:
            shutil.copytree(into.parent, directory / into.parent.name, symlinks=True)
            target = directory / into.parent.name / into.name
        seconds, cpu, results = timed_with_cpu(lambda: load_files(Warehouse(target), [path], replace=into is not None))
        assert results[0].rows["participants"] > 0
        return Timing(seconds, cpu)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _bare_read(path: Path) -> Timing:
    """The limit: fastexcel parses the participants sheet to Arrow, nothing else."""
    seconds, cpu, _ = timed_with_cpu(lambda: fastexcel.read_excel(str(path)).load_sheet("participants", eager=True))
    return Timing(seconds, cpu)


STAGES = {
    "read": "etl.reader.read_file (zip/XML guard beside the parse of every sheet as text, SHA-256)",
    "validate": "etl.validate.validate (typed view and every check, in DuckDB)",
    "clean": "Validation.clean_tables (codes, age, HMAC pseudonym)",
    "snapshot": "the clean tables kept as a snapshot (Parquet, SHA-256, fsync)",
    "write": "Warehouse.write from the snapshot (verify hashes, copy, one transaction, fsync, publish)",
}


def _staged_load(path: Path) -> dict[str, float]:
    """The steps of load_files one by one, each timed, to show where the real path spends its time."""
    directory = Path(tempfile.mkdtemp(prefix="bench-etl-"))
    try:
        warehouse = Warehouse(directory / "warehouse.duckdb")
        times: dict[str, float] = {}
        times["read"], raw = timed(lambda: read_file(path))
        times["validate"], validation = timed(lambda: validate(raw))
        assert validation.ok, validation.problems[:5]
        key = warehouse.pseudonym_key()
        times["clean"], tables = timed(lambda: validation.clean_tables(key))
        validation.close()

        times["snapshot"], snapshot = timed(
            lambda: warehouse.snapshots.write(validation.year, path.name, raw.sha256, tables))
        times["write"], _ = timed(lambda: warehouse.write([PendingLoad(snapshot)], replace=False))
        return times
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _interleaved(path: Path, repeats: int) -> tuple[list[Timing], list[Timing]]:
    """The real path and the bare read timed in turn, so both see the same machine.

    This machine's speed drifts by a third over minutes (other tenants of the host); timed
    one after the other, the ratio of the two would compare different moments.
    """
    _real_load(path)
    _bare_read(path)  # warm-ups, discarded: first-call imports and file cache
    rounds = [(_real_load(path), _bare_read(path)) for _ in range(repeats)]
    return [real for real, _ in rounds], [bare for _, bare in rounds]


def _stage_medians(path: Path, repeats: int) -> dict[str, float]:
    _staged_load(path)  # warm-up, discarded
    runs = [_staged_load(path) for _ in range(repeats)]
    return {stage: median([run[stage] for run in runs]) or 0.0 for stage in STAGES}


def _naive(config: EtlConfig) -> NaiveResult:
    path = ensure_workbook(config.cache_dir, config.naive_rows, config.seed)
    directory = Path(tempfile.mkdtemp(prefix="bench-naive-"))
    try:
        return run_naive(path, directory / "naive.duckdb", BENCH_YEAR)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run_etl(config: EtlConfig) -> tuple[Section, dict[str, object]]:
    log(f"ETL: workbook of {config.rows:,} participant rows (cached under {config.cache_dir})")
    path = ensure_workbook(config.cache_dir, config.rows, config.seed)
    log("ETL: real path (etl.load.load_files) and the bare fastexcel read, in turn")
    real_runs, bare_runs = _interleaved(path, config.repeats)
    real, bare = median([run.seconds for run in real_runs]), median([run.seconds for run in bare_runs])
    real_cpu, bare_cpu = median([run.cpu_seconds for run in real_runs]), median([run.cpu_seconds for run in bare_runs])
    log("ETL: the real path's stages one by one")
    stages = _stage_medians(path, config.repeats)
    into = None
    if config.into is not None:
        label, link = config.into
        log(f"ETL: the real path into a copy of the {label} warehouse, {INTO_REPEATS} times")
        into = (label, median([_real_load(path, link).seconds for _ in range(INTO_REPEATS)]))
    log(f"ETL: naive baseline on {config.naive_rows:,} rows (executemany is slow: about a minute per 100k)")
    naive = _naive(config)
    assert real is not None and bare is not None and real_cpu is not None and bare_cpu is not None
    section = _section(config, path, Timing(real, real_cpu), stages, Timing(bare, bare_cpu), naive, into)
    raw = {"workbook": str(path), "real_s": real, "stages_s": stages, "bare_read_s": bare,
           "real_cpu_s": real_cpu, "bare_read_cpu_s": bare_cpu,
           "naive": naive.__dict__, "rows": config.rows, "into": into}
    return section, raw


def _stage_rows(stages: dict[str, float], n: int) -> list[Row]:
    total = sum(stages.values())
    return [Row(f"  stage {stage}: {STAGES[stage]}", seconds, Unit.SECONDS, n,
                ratio=f"{seconds / total:.0%} of the stages' sum") for stage, seconds in stages.items()]


def _rate_row(measure: str, rows: int, seconds: float, n: int, target: Target | None = None, ratio: str = "") -> Row:
    return Row(measure, rows / seconds, Unit.ROWS_PER_SECOND, n, target=target, ratio=ratio, detail=f"{seconds:.2f} s")


def _cpu_rows(real: Timing, bare: Timing, n: int) -> list[Row]:
    """The work behind the ratio: CPU seconds on every core, and the ratio if that work were spread evenly."""
    cores = usable_cores()
    spread = real.cpu_seconds / cores
    return [
        Row("  real path CPU time (every core, the parse's child process included)", real.cpu_seconds,
            Unit.SECONDS, n, ratio=f"{real.cpu_seconds / real.seconds:.1f} cores busy on average"),
        Row("  bare read CPU time", bare.cpu_seconds, Unit.SECONDS, n,
            ratio=f"{bare.cpu_seconds / bare.seconds:.1f} cores busy on average"),
        Row(f"  floor of the ratio: real path CPU time spread evenly on the {cores} cores / bare read time",
            spread / bare.seconds, Unit.TIMES, n, detail=f"{spread:.2f} s"),
    ]


AFTER_THE_READ = ("validate", "clean", "snapshot", "write")


def budget_rows(stages: dict[str, float], bare_seconds: float, n: int) -> list[Row]:
    """What the ratio's target leaves for the stages after the read, and what they take.

    The read cannot be faster than the bare read it contains (the same parse), so at the
    target every later stage must fit in (target - 1) x the bare read.
    """
    budget = (TARGET_OVER_BARE.limit - 1) * bare_seconds
    after = sum(stages[stage] for stage in AFTER_THE_READ)
    return [
        Row(f"  time the {TARGET_OVER_BARE.text} target leaves for the stages after the read "
            f"({TARGET_OVER_BARE.limit - 1:g} × the bare read)", budget, Unit.SECONDS, n),
        Row(f"  the stages after the read ({', '.join(AFTER_THE_READ)})", after, Unit.SECONDS, n,
            ratio=f"{after / budget:.1f}× that time" if budget > 0 else ""),
    ]


def _section(config: EtlConfig, path: Path, real_timing: Timing, stages: dict[str, float], bare_timing: Timing,
             naive: NaiveResult, into: tuple[str, float | None] | None) -> Section:
    rows, n = config.rows, config.repeats
    real, bare = real_timing.seconds, bare_timing.seconds
    real_rate, naive_rate = rows / real, naive.rows / naive.total_s
    on = f" on {naive.rows:,} rows" if naive.rows != rows else ""
    section = Section(f"(a) ETL throughput — {rows:,}-row participants workbook")
    section.rows = [
        _rate_row("Real path: etl.load.load_files → fresh temporary Warehouse", rows, real, n,
                  target=TARGET_RATE, ratio=f"{real_rate / naive_rate:,.0f}× the naive rate"),
        *_stage_rows(stages, n),
        _rate_row("Bare read (the limit): fastexcel load_sheet(participants, eager)", rows, bare, n),
        Row("Real path time / bare read time", real / bare, Unit.TIMES, n, target=TARGET_OVER_BARE),
        *_cpu_rows(real_timing, bare_timing, n),
        *budget_rows(stages, bare, n),
        *([_rate_row(f"Real path into a copy of the {into[0]} warehouse (replacing the year)", rows, into[1],
                     INTO_REPEATS)] if into and into[1] else []),
        _rate_row(f"Naive: pandas.read_excel(openpyxl) + per-cell Python checks + executemany{on}",
                  naive.rows, naive.total_s, 1, ratio=f"real path is {real_rate / naive_rate:,.0f}× faster"),
        _rate_row("  naive stage 1: pandas.read_excel(engine='openpyxl'), all sheets", naive.rows, naive.read_s, 1),
        _rate_row("  naive stage 2: row-wise checks and derived values in Python", naive.rows, naive.check_s, 1),
        _rate_row("  naive stage 3: executemany INSERT, one row at a time", naive.rows, naive.insert_s, 1),
    ]
    section.notes = [
        f"Workbook {path.name}: 4 sheets, {rows:,} participant rows plus a few hundred activities, benefits "
        "and obstacles, Indonesian labels, Excel dates, all valid (naive checks found "
        f"{naive.problems} problems). Rates count participant rows; the other sheets add <1%.",
        "Each real load goes into a new temporary warehouse (archive copy, pseudonym key, new version, "
        "fsync, publish). The stages are timed in a separate pass that calls the same functions in "
        "load_files' order. The real path and the bare read are timed in turn (a real load, then a bare "
        "read, each round), so their ratio compares the same moments. One warm-up run of each measure "
        "is discarded.",
        "CPU time is os.times() of the bench's process (every thread: DuckDB's and the HMAC's) and its "
        "ended children (the parse's child process). It is steadier than the clock on a busy machine, and "
        "it bounds the ratio: no scheduling of the same work on the usable cores can bring the real path "
        "below its CPU time spread evenly on them, so a floor above the target means less work, not more "
        "parallelism, is what the target needs.",
        "The second bound is the path's order: every stage after the read needs the parsed sheets, and the "
        "read contains the bare read's parse of the participants sheet, so at the target those stages must "
        "fit in (target − 1) × the bare read, however many cores each of them uses.",
    ]
    if into:
        section.notes.append(f"The load into the {into[0]} warehouse is what an analyst's next upload costs: a copy "
                             "of the cached warehouse (not timed) gets the workbook's year replaced, with the "
                             "copy-on-write version, first years recomputed for the people written, and fsync.")
    if on:
        section.notes.append(f"Naive baseline run{on} (quick mode); its rate is compared with the real "
                             f"path's rate on {rows:,} rows.")
    return section
