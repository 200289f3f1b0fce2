"""The warehouses the page benchmark reads: the bundled sample, and big ones built in bulk.

A big warehouse has the tables the loader writes (etl.warehouse.table_ddl for
every schema sheet, plus the loads table) filled by INSERT ... SELECT over
range(N) in DuckDB SQL: loading 10M rows through workbooks would take hours
and measure the ETL, not the pages. Codes come from the etl.schema
vocabularies and the consistency rules hold (a delegate reached "selected",
inbound rows come from the partner city, scores only from the written test
on). Rows are in year order, as year-by-year loads leave them; about 15% of
applicants reuse the person_key of an earlier row, so repeat applicants
across years exist. Activities, benefits and obstacles keep the sample's
ratios to participants.

It is then laid out as a published version (`<stem>.versions/v000001.duckdb`
and the `<stem>.duckdb` link) so Warehouse(path) and the app read it as they
read a real one. Builds are cached under artifacts/bench/cache/, keyed by the
row counts and GENERATOR_VERSION.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import schema
from etl.load import ensure_built
from etl.warehouse import LOADS_DDL, YEAR_STATUS_DDL, Warehouse, refresh_first_years, refresh_year_totals, table_ddl

GENERATOR_VERSION = 4  # 2: participants.first_year; 3: benefits.indicator_code, year_status; 4: year totals
FIRST_YEAR, YEARS = 2017, 10  # 2017..2026
OTHER_PARTNERS = ("seoul", "tokyo")  # 5% of rows, so the partner filter has something to drop
STEM = "warehouse"
SHEET_TABLES = tuple(sheet.name for sheet in schema.SHEETS)


@dataclass(frozen=True)
class Size:
    label: str
    participants: int | None  # None: the bundled sample workbooks

    @property
    def is_sample(self) -> bool:
        return self.participants is None


def parse_size(text: str) -> Size:
    """'sample', or a participant count such as '1m', '10M', '250k', '50000'."""
    text = text.strip().lower()
    if text == "sample":
        return Size("sample", None)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use sample, 1m, 10m, 250k...)")
    rows = int(float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)])
    return Size(text.upper() if match.group(2) else f"{rows:,}", rows)


def build_sample(directory: Path) -> Path:
    """The sample warehouse, built by the app's own first-start path; returns its DASHBOARD_DB path."""
    path = directory / f"{STEM}.duckdb"
    ensure_built(Warehouse(path))
    return path


def table_counts(database: Path) -> dict[str, int]:
    with Warehouse(database).connect_reader() as connection:
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in SHEET_TABLES}


def scaled_counts(participants: int, sample: dict[str, int]) -> dict[str, int]:
    """Rows per table for `participants` rows, in the sample's proportions."""
    base = sample["participants"]
    return {name: participants if name == "participants" else max(1, round(participants * sample[name] / base))
            for name in SHEET_TABLES}


def ensure_big(cache_dir: Path, counts: dict[str, int]) -> Path:
    """The cached big warehouse for these row counts (built first if missing); returns its link path."""
    key = "-".join(f"{name[0]}{counts[name]}" for name in SHEET_TABLES)
    directory = cache_dir / f"warehouse-{key}-g{GENERATOR_VERSION}"
    link = directory / f"{STEM}.duckdb"
    if link.exists():
        return link
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    versions = partial / f"{STEM}.versions"
    versions.mkdir(parents=True)
    database = versions / "v000001.duckdb"
    _fill(database, counts)
    os.symlink(os.path.relpath(database, partial), partial / f"{STEM}.duckdb")
    partial.rename(directory)  # only a complete build ever has the final name
    return link


def _fill(database: Path, counts: dict[str, int]) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute("SET enable_progress_bar = false")  # the bar would garble the benchmark's output
        for sheet in schema.SHEETS:
            connection.execute(table_ddl(sheet))
        connection.execute(LOADS_DDL)
        connection.execute(YEAR_STATUS_DDL)  # no status change: every year final, as loaded before
        connection.execute(_participants_sql(counts["participants"]))
        connection.execute(_activities_sql(counts["activities"]))
        connection.execute(_benefits_sql(counts["benefits"], counts["activities"]))
        connection.execute(_obstacles_sql(counts["obstacles"]))
        connection.execute(_loads_sql())
        refresh_first_years(connection)  # as the loader does after every write
        refresh_year_totals(connection)  # as every change does
        connection.execute("CHECKPOINT")


# -- SQL pieces: a row number i, hashed with a tag, gives each column its own stream ------

def _hash(tag: str) -> str:
    return f"hash(i, '{tag}')"


def _list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(f"'{value}'" for value in values) + "]"


def _pick(values: tuple[str, ...] | list[str], tag: str) -> str:
    return f"{_list(values)}[1 + CAST({_hash(tag)} % {len(values)} AS BIGINT)]"


def _uniform(tag: str, low: int, high: int) -> str:
    """An integer in [low, high]."""
    return f"({low} + CAST({_hash(tag)} % {high - low + 1} AS BIGINT))"


def _year(n: int) -> str:
    return f"CAST({FIRST_YEAR} + (i * {YEARS}) // {n} AS INTEGER)"


def _partner() -> str:
    return (f"CASE WHEN {_hash('partner')} % 100 < 95 THEN '{schema.DEFAULT_PARTNER_CITY}' "
            f"ELSE {_pick(OTHER_PARTNERS, 'other partner')} END")


def _id(prefix: str, digits: int) -> str:
    return f"'{prefix}' || year || '-' || lpad(CAST(i + 1 AS VARCHAR), {digits}, '0')"


def _by(column: str, choices: dict[str, tuple[str, ...]], tag: str) -> str:
    """A value consistent with `column`, from the schema's rule table (e.g. STATUS_STAGES)."""
    cases = " ".join(f"WHEN '{key}' THEN {_pick(values, tag)}" for key, values in choices.items())
    return f"CASE {column} {cases} END"


def _participants_sql(n: int) -> str:
    statuses = ["delegate"] * 3 + ["reserve"] * 4 + ["not_selected"] * 84 + ["withdrew"] * 9
    scored = list(schema.STAGE.codes[schema.STAGE.codes.index("written_test"):])
    base = f"""
        SELECT i, {_year(n)} AS year, {_partner()} AS partner_city,
               CASE WHEN {_hash('direction')} % 100 < 8 THEN 'inbound' ELSE 'outbound' END AS direction,
               CASE WHEN {_hash('repeat')} % 100 < 15 THEN {_hash('who')} % (i + 1) ELSE i END AS person
        FROM range({n}) r(i)"""
    outcome = f"""
        SELECT *, CASE direction WHEN 'inbound' THEN 'delegate' ELSE {_pick(statuses, 'status')} END AS status
        FROM ({base})"""
    staged = f"""
        SELECT *, {_by('status', schema.STATUS_STAGES, 'stage')} AS stage_reached FROM ({outcome})"""
    return f"""
        INSERT INTO participants
        SELECT {_id('P', 8)}, year, partner_city, direction, {_pick(schema.GENDER.codes, 'gender')},
               {_by('direction', schema.DIRECTION_ORIGINS, 'origin')},
               {_pick(schema.INSTITUTION_TYPE.codes, 'institution type')},
               'Institusi ' || {_uniform('institution', 1, 400)},
               {_pick(schema.FIELD.codes, 'field')}, stage_reached, status,
               CASE WHEN direction = 'outbound' AND list_contains({_list(scored)}, stage_reached)
                    THEN 40 + {_uniform('score', 0, 600)} / 10 END,
               CASE direction WHEN 'inbound' THEN {_uniform('age', 19, 28)} ELSE {_uniform('age', 15, 30)} END,
               sha256('bench-person-' || person), NULL, CAST(year - {FIRST_YEAR} + 1 AS INTEGER)
        FROM ({staged})"""


def _activities_sql(n: int) -> str:
    start = f"(make_date(year, 1, 1) + CAST({_uniform('start', 0, 329)} AS INTEGER))"
    return f"""
        INSERT INTO activities
        SELECT {_id('A', 7)}, year, {_partner()}, 'Kegiatan pertukaran ' || (i + 1),
               {_pick(schema.ACTIVITY_TYPE.codes, 'type')}, {_pick(schema.FIELD.codes, 'field')},
               {_pick(schema.HOST_CITY.codes, 'host')}, {start},
               {start} + CAST({_uniform('days', 0, 9)} AS INTEGER),
               {_uniform('jakarta', 0, 40)}, {_uniform('partner side', 0, 40)}, 'Dispora DKI Jakarta',
               {_uniform('budget', 10, 500)} * 1000000.0, 'Uraian kegiatan.', CAST(year - {FIRST_YEAR} + 1 AS INTEGER)
        FROM (SELECT i, {_year(n)} AS year FROM range({n}) r(i))"""


def _benefit_value() -> str:
    """A value inside the unit's plausible range (schema.UNIT_RANGES)."""
    cases = []
    for unit, (low, high) in schema.UNIT_RANGES.items():
        low_value, high_value = int(low or 0), int(high if high is not None else 1000)
        cases.append(f"WHEN '{unit}' THEN {low_value} + ({_uniform('value', 0, (high_value - low_value) * 10)}) / 10")
    return f"CASE unit {' '.join(cases)} END"


def _benefits_sql(n: int, activities: int) -> str:
    def sometimes(expression: str, tag: str, percent_null: int) -> str:
        return f"CASE WHEN {_hash(tag)} % 100 < {percent_null} THEN NULL ELSE {expression} END"

    activity = f"'A' || year || '-' || lpad(CAST({_uniform('activity', 1, activities)} AS VARCHAR), 7, '0')"
    return f"""
        INSERT INTO benefits
        SELECT {_id('B', 7)}, year, {_partner()}, {_pick(schema.BENEFICIARY.codes, 'beneficiary')},
               {_pick(schema.LEVEL.codes, 'level')}, {_pick(schema.BENEFIT_CATEGORY.codes, 'category')},
               {sometimes(_pick(schema.FRAMEWORK.codes, 'framework'), 'no framework', 20)},
               'IND-' || lpad(CAST(i % 40 + 1 AS VARCHAR), 3, '0'), 'Indikator ' || (i + 1), {_benefit_value()}, unit,
               {sometimes(_pick(schema.FIELD.codes, 'field'), 'no field', 10)},
               {sometimes(activity, 'no activity', 30)},
               {sometimes(_pick(schema.SOURCE.codes, 'source'), 'no source', 10)}, NULL,
               CAST(year - {FIRST_YEAR} + 1 AS INTEGER)
        FROM (SELECT i, {_year(n)} AS year, {_pick(schema.UNIT.codes, 'unit')} AS unit FROM range({n}) r(i))"""


def _obstacles_sql(n: int) -> str:
    return f"""
        INSERT INTO obstacles
        SELECT {_id('H', 7)}, year, {_partner()}, {_pick(schema.OBSTACLE_CATEGORY.codes, 'category')},
               {_uniform('severity', 1, 5)}, 'Uraian hambatan.', 'Langkah mitigasi.',
               CAST(year - {FIRST_YEAR} + 1 AS INTEGER)
        FROM (SELECT i, {_year(n)} AS year FROM range({n}) r(i))"""


def _loads_sql() -> str:
    counts = ", ".join(f"(SELECT count(*) FROM {name} t WHERE t.year = y.year)" for name in SHEET_TABLES)
    return f"""
        INSERT INTO loads
        SELECT year - {FIRST_YEAR} + 1, year, 'bench-' || year || '.xlsx', sha256('bench-' || year),
               sha256('bench-' || year) || '.xlsx', {counts}, 'bench', now()::TIMESTAMP, NULL, NULL, false
        FROM (SELECT DISTINCT year FROM participants) y ORDER BY year"""
