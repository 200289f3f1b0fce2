"""Command line and orchestration of `python -m bench`."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.contention import CpuSnapshot, adopt_orphans, describe, wait_until_quiet
from bench.machine import machine_info
from bench.measure import log, median
from bench.report import Section, render_report
from bench.warehouses import Size, build_sample, ensure_big, parse_size, scaled_counts, table_counts

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = REPO_ROOT / "artifacts" / "bench"
CACHE_DIR = OUT_DIR / "cache"
TEN_MILLION = 10_000_000
SECTIONS = ("etl", "pages", "memory", "upload", "startup", "visits", "against")
DEFAULT_SECTIONS = SECTIONS[:-1]  # "against" needs --against REF


@dataclass(frozen=True)
class Defaults:
    sizes: str
    repeats: int
    cold_repeats: int
    naive_rows: int | None  # None: as many as the ETL workbook
    pandas_full_up_to: int  # participant rows up to which the pandas baseline repeats like the rest


# quick: a smoke run of a few minutes; full: everything the issue asks for.
MODES = {"quick": Defaults("sample,1m", 3, 2, 10_000, 100_000),
         "full": Defaults("sample,1m,10m", 5, 3, None, 2_000_000)}


@dataclass(frozen=True)
class Config:
    mode: str
    sizes: tuple[Size, ...]
    repeats: int
    cold_repeats: int
    rows: int
    naive_rows: int
    seed: int
    sections: tuple[str, ...]
    wait_quiet_s: float
    pandas_full_up_to: int
    against: str | None = None  # the git commit the against section measures this checkout against


def parse_args(argv: list[str] | None) -> Config:
    parser = argparse.ArgumentParser(prog="python -m bench", description=(
        "Measure ETL throughput, page times, memory and start-up; print the medians with the targets "
        "(never asserted) and write artifacts/bench/results.md."))
    parser.add_argument("--quick", action="store_true",
                        help="smoke run (~2-3 min): sample and 1M, fewer repeats, naive ETL on 10k rows, "
                             "memory measured at 1M")
    parser.add_argument("--sizes", help="comma-separated warehouse sizes: sample, 1m, 10m, 250k... "
                                        "(default: quick sample,1m; full sample,1m,10m)")
    parser.add_argument("--repeats", type=_at_least_one, help="timed repeats of each warm measure (quick 3, full 5)")
    parser.add_argument("--cold-repeats", type=_at_least_one,
                        help="cold page runs per page, each a new process (quick 2, full 3)")
    parser.add_argument("--rows", type=_at_least_one, default=100_000, help="participant rows of the ETL workbook")
    parser.add_argument("--naive-rows", type=_at_least_one, help="rows for the naive ETL (quick 10000, full = --rows)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated ETL workbook")
    parser.add_argument("--sections", help=f"subset of {','.join(SECTIONS)} (default: all but against; "
                                           "with --against, against alone)")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="first wait up to SECONDS until other processes use under 15%% of the CPUs")
    parser.add_argument("--against", metavar="REF",
                        help="the against section: serve REF's dashboard (a git commit, from a temporary worktree) "
                             "beside this checkout's and time new visitors and cold starts on both, round by round, "
                             "at sample size")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    defaults = MODES[mode]
    given = args.sections or ("against" if args.against else ",".join(DEFAULT_SECTIONS))
    sections = tuple(s.strip() for s in given.split(",") if s.strip())
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    try:
        sizes = tuple(parse_size(text) for text in (args.sizes or defaults.sizes).split(","))
    except ValueError as error:
        parser.error(str(error))
    if ("against" in sections) != (args.against is not None):
        parser.error("the against section and --against REF go together")
    if args.against is not None:
        from bench.against import resolve

        try:
            resolve(args.against)
        except ValueError as error:
            parser.error(str(error))
    return Config(mode, sizes, _given(args.repeats, defaults.repeats), _given(args.cold_repeats, defaults.cold_repeats),
                  args.rows, _given(args.naive_rows, defaults.naive_rows or args.rows), args.seed, sections,
                  args.wait_quiet, defaults.pandas_full_up_to, args.against)


def _at_least_one(text: str) -> int:
    """A count of runs: a median needs at least one (0 used to be read as "not given")."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _given(value: int | None, default: int) -> int:
    return default if value is None else value


class Warehouses:
    """The sample warehouse (built fresh in a temporary directory) and the cached big ones."""

    def __init__(self, workdir: Path):
        self.sample = build_sample(workdir / "sample")
        self.sample_counts = table_counts(self.sample)
        self._big: dict[Size, tuple[Path, dict[str, int]]] = {}

    def get(self, size: Size) -> tuple[Path, dict[str, int]]:
        if size.participants is None:
            return self.sample, self.sample_counts
        if size not in self._big:
            counts = scaled_counts(size.participants, self.sample_counts)
            log(f"warehouse {size.label}: building (the first time, ~1 min per 10M rows) or reusing the cache")
            self._big[size] = ensure_big(CACHE_DIR, counts), counts
        return self._big[size]


FAILED = " — FAILED"  # ends the title of a section whose measure raised


def exit_status(sections: list[Section]) -> int:
    """1 when a section failed, so a script or a person running the bench notices beyond the report."""
    return 1 if any(section.title.endswith(FAILED) for section in sections) else 0


def _guarded(title: str, action: Callable[[], list[Section]]) -> list[Section]:
    """Run a section, noting how busy the machine was; a failure becomes a section saying so."""
    before = CpuSnapshot.take()
    try:
        sections = action()
    except Exception as error:
        log(f"{title} failed: {error}")
        traceback.print_exc()
        sections = [Section(f"{title}{FAILED}", notes=[f"{type(error).__name__}: {error}"])]
    contention = describe(before.others_share(CpuSnapshot.take()))
    for section in sections:
        section.notes.append(contention)
    return sections


def _etl(config: Config, warehouses: Warehouses, raw: dict[str, Any]) -> list[Section]:
    from bench.etl_bench import EtlConfig, run_etl

    big = [size for size in config.sizes if size.participants]
    into = None
    if big:  # a load into the largest warehouse of the run, as an analyst's next upload
        largest = max(big, key=lambda size: size.participants or 0)
        into = (largest.label, warehouses.get(largest)[0])
    section, raw["etl"] = run_etl(EtlConfig(config.rows, config.naive_rows, config.seed, config.repeats, CACHE_DIR,
                                            into))
    return [section]


def _pages(config: Config, warehouses: Warehouses, raw: dict[str, Any]) -> list[Section]:
    from bench.pages import SECTION_NOTES, Repeats, measure_size, size_section

    sections, sample = [], None
    raw["pages"] = {}
    repeats = Repeats(config.repeats, config.cold_repeats, config.pandas_full_up_to)
    for size in config.sizes:
        database, counts = warehouses.get(size)
        result = measure_size(size, database, counts, repeats)
        sample = result if size.is_sample else sample
        sections.append(size_section(result, sample))
        raw["pages"][size.label] = asdict(result)
    if sections:
        sections[0].notes = SECTION_NOTES + sections[0].notes
    return sections


def _memory_size(config: Config) -> Size:
    """10M in a full run; otherwise the largest size of the run (labelled as such)."""
    big = [size for size in config.sizes if size.participants]
    return max(big, key=lambda size: size.participants or 0) if big else config.sizes[0]


def _memory(config: Config, warehouses: Warehouses, raw: dict[str, Any]) -> list[Section]:
    from bench.browser import measure_memory, memory_section
    from bench.pages import TARGET_ROWS

    size = _memory_size(config)
    database, _ = warehouses.get(size)
    log(f"memory: streamlit run on the {size.label} warehouse, every page in Chromium")
    result = measure_memory(database, size.label, OUT_DIR / "logs")
    raw["memory"] = asdict(result)
    measured = raw.get("pages", {}).get(size.label, {})
    cold = {name: seconds for name, times in measured.get("pages", {}).items()
            if (seconds := median(times["run_cold"])) is not None}
    return [memory_section(result, (size.participants or 0) >= TARGET_ROWS,
                           measured.get("pandas", {}).get("vm_hwm_mb"), cold)]


def _upload(config: Config, warehouses: Warehouses, raw: dict[str, Any]) -> list[Section]:
    from bench.upload_memory import measure_upload_memory, upload_memory_section

    log("upload memory: a 200,000-row workbook uploaded in Chromium")
    result = measure_upload_memory(warehouses.sample, CACHE_DIR, OUT_DIR / "logs", seed=config.seed)
    raw["upload"] = asdict(result)
    return [upload_memory_section(result)]


def _visits(config: Config, warehouses: Warehouses, raw: dict[str, Any]) -> list[Section]:
    from bench.visits import measure_visits, visits_section

    sections = []
    raw["visits"] = {}
    for size in config.sizes:
        if not (size.is_sample or (size.participants or 0) >= TEN_MILLION):
            continue  # the targets are for sample size and 10M rows
        database, _ = warehouses.get(size)
        log(f"visits: new visitors, page switches and filter changes @ {size.label}")
        result = measure_visits(database, size.label, config.repeats, OUT_DIR / "logs",
                                cold_repeats=config.cold_repeats if size.is_sample else 0, phone=size.is_sample)
        raw["visits"][size.label] = asdict(result)
        sections.append(visits_section(result, size.is_sample))
    return sections


def _against(config: Config, warehouses: Warehouses, raw: dict[str, Any]) -> list[Section]:
    from bench.against import against_section, measure_against

    assert config.against is not None  # parse_args requires it with this section
    log(f"against: this checkout against {config.against}, at sample size")
    result = measure_against(warehouses.sample, config.against, config.repeats, config.cold_repeats, OUT_DIR / "logs")
    raw["against"] = asdict(result)
    return [against_section(result)]


def _startup(config: Config, warehouses: Warehouses, raw: dict[str, Any]) -> list[Section]:
    from bench.browser import measure_startups, startup_section

    log(f"startup: {config.repeats} + {config.cold_repeats} fresh servers on the sample warehouse")
    result = measure_startups(warehouses.sample, config.repeats, config.cold_repeats, OUT_DIR / "logs")
    raw["startup"] = asdict(result)
    return [startup_section(result)]


def _preamble(config: Config, argv: list[str], started: datetime, seconds: float,
              others: float | None) -> list[str]:
    sizes = ", ".join(size.label for size in config.sizes)
    busy = f" Other processes used {others:.0%} of the CPUs over the whole run (see each section)." \
        if others is not None else ""
    return [
        f"`{' '.join(['python -m bench', *argv])}`",
        "",
        f"Mode **{config.mode}**; sizes {sizes}; {config.repeats} warm repeats, {config.cold_repeats} cold runs; "
        f"started {started:%Y-%m-%d %H:%M:%S}, took {seconds / 60:.1f} min. Values are medians over n runs; every "
        f"ratio compares figures measured in this same run. Targets are printed, never asserted.{busy}",
    ]


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    config = parse_args(arguments)
    adopt_orphans()  # Chromium's leftover processes stay the bench's own (bench.contention)
    if config.wait_quiet_s > 0:
        wait_until_quiet(config.wait_quiet_s)
    started, clock, cpu = datetime.now(), time.monotonic(), CpuSnapshot.take()
    machine = machine_info()
    raw: dict[str, Any] = {"config": asdict(config), "machine": dict(machine)}
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    sections: list[Section] = []
    try:
        warehouses = Warehouses(workdir)
        steps: dict[str, Callable[[], list[Section]]] = {
            "etl": lambda: _etl(config, warehouses, raw),
            "pages": lambda: _pages(config, warehouses, raw),
            "memory": lambda: _memory(config, warehouses, raw),
            "upload": lambda: _upload(config, warehouses, raw),
            "startup": lambda: _startup(config, warehouses, raw),
            "visits": lambda: _visits(config, warehouses, raw),
            "against": lambda: _against(config, warehouses, raw),
        }
        for name in SECTIONS:
            if name in config.sections:
                sections += _guarded(name, steps[name])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    title = "Benchmark: Jakarta–Beijing youth exchange dashboard"
    preamble = _preamble(config, arguments, started, time.monotonic() - clock, cpu.others_share(CpuSnapshot.take()))
    report = render_report(title, machine, sections, preamble)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "results.md").write_text(report)
    (OUT_DIR / "results.json").write_text(json.dumps(raw, indent=2, default=str) + "\n")
    print(report)
    log(f"written {OUT_DIR / 'results.md'} and results.json")
    failed = [section.title for section in sections if section.title.endswith(FAILED)]
    if failed:
        log(f"{len(failed)} section(s) failed, their figures are missing: {', '.join(failed)}")
    return exit_status(sections)
