"""The naive ETL the real path is compared with: what one writes without thinking about speed.

pandas.read_excel with openpyxl for every sheet, then a Python loop over every
row and every cell checking it against etl.schema (required, type, category,
range, unique IDs, the status/stage and direction/origin rules), computing the
same stored values (codes, age, keyed pseudonym), and finally inserting the
rows one by one with executemany into the same DuckDB tables (one transaction,
which is the kind choice: autocommit per row would be slower still).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from bench.measure import timed
from etl import privacy, schema
from etl.schema import quote
from etl.warehouse import table_ddl

NAIVE_KEY = b"naive-benchmark-key-32-bytes-ok!"


@dataclass
class NaiveResult:
    rows: int  # participant rows
    read_s: float
    check_s: float
    insert_s: float
    problems: int

    @property
    def total_s(self) -> float:
        return self.read_s + self.check_s + self.insert_s


def run_naive(path: Path, database: Path, year: int) -> NaiveResult:
    """Read, check and insert one workbook the naive way; returns the time of each stage."""
    read_s, frames = timed(lambda: pd.read_excel(path, sheet_name=None, engine="openpyxl"))
    check_s, (clean, problems) = timed(lambda: _check_all(frames, year))
    insert_s, _ = timed(lambda: _insert_all(database, clean))
    return NaiveResult(len(frames["participants"]), read_s, check_s, insert_s, problems)


def _spellings() -> dict[str, dict[str, str]]:
    return {v.name: dict(schema.category_spellings(v)) for v in schema.VOCABULARIES}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip()) or value is pd.NaT


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _as_number(value: object) -> float | None:
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _check_cell(column: schema.Column, value: object, spellings: dict[str, dict[str, str]]) -> tuple[bool, object]:
    """(ok, typed value) of one cell."""
    if _missing(value):
        return (not column.required), column.default
    if column.kind is schema.Kind.TEXT:
        return True, str(value)
    if column.kind is schema.Kind.DATE:
        parsed = _as_date(value)
        return parsed is not None, parsed
    if column.kind is schema.Kind.CATEGORY:
        assert column.vocabulary is not None
        key = schema.normalize_value(str(value))
        code = spellings[column.vocabulary.name].get(key)
        if code is None and column.vocabulary.partner_name_code and key in spellings["partner_city"]:
            code = column.vocabulary.partner_name_code
        return code is not None, code
    number = _as_number(value)
    if number is None or (column.kind is schema.Kind.INTEGER and number != int(number)):
        return False, None
    in_range = (column.minimum is None or number >= column.minimum) and (
        column.maximum is None or number <= column.maximum)
    return in_range, int(number) if column.kind is schema.Kind.INTEGER else number


def _check_row(sheet: schema.Sheet, record: dict[str, object], year: int, seen: set[object],
               spellings: dict[str, dict[str, str]]) -> tuple[int, dict[str, object]]:
    problems, typed = 0, {}
    for column in sheet.columns:
        ok, typed[column.name] = _check_cell(column, record.get(column.name), spellings)
        problems += not ok
    identifier = typed[sheet.id_column.name]
    problems += identifier in seen
    seen.add(identifier)
    problems += typed["year"] != year
    if sheet is schema.PARTICIPANTS:
        problems += typed["stage_reached"] not in schema.STATUS_STAGES.get(str(typed["status"]), ())
        problems += typed["origin"] not in schema.DIRECTION_ORIGINS.get(str(typed["direction"]), ())
    return problems, typed


def _stored(sheet: schema.Sheet, typed: dict[str, object]) -> tuple[object, ...]:
    values = []
    for column in sheet.stored_columns:
        if column.name == "age":
            born = typed["birth_date"]
            assert isinstance(born, date)
            month, day = schema.AGE_REFERENCE_MONTH_DAY
            values.append(typed["year"] - born.year - ((born.month, born.day) > (month, day)))  # type: ignore[operator]
        elif column.name == "person_key":
            values.append(privacy.person_key(NAIVE_KEY, str(typed["full_name"]), str(typed["birth_date"])))
        elif column.name == "first_year":
            values.append(typed["year"])  # a single year: everyone's first
        else:
            values.append(typed[column.name])
    return (*values, 1)  # load_id


def _check_all(frames: dict[str, pd.DataFrame], year: int) -> tuple[dict[str, list[tuple[object, ...]]], int]:
    spellings = _spellings()
    clean: dict[str, list[tuple[object, ...]]] = {}
    problems = 0
    for name, frame in frames.items():
        sheet = schema.SHEETS_BY_NAME[name]
        seen: set[object] = set()
        rows = []
        for record in frame.to_dict("records"):
            found, typed = _check_row(sheet, record, year, seen, spellings)
            problems += found
            rows.append(_stored(sheet, typed))
        clean[name] = rows
    return clean, problems


def _insert_all(database: Path, clean: dict[str, list[tuple[object, ...]]]) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute("BEGIN TRANSACTION")
        for name, rows in clean.items():
            sheet = schema.SHEETS_BY_NAME[name]
            connection.execute(table_ddl(sheet))
            marks = ", ".join("?" for _ in range(len(sheet.stored_columns) + 1))
            connection.executemany(f"INSERT INTO {quote(name)} VALUES ({marks})", rows)
        connection.execute("COMMIT")
