"""Check a read workbook against the schema, in one pass, inside DuckDB.

Every check is generated from etl.schema and runs as set-based SQL over the
raw text columns (no Python loop over rows), so 100k rows are checked in a
fraction of a second and every problem is collected, not just the first.
Identifiers in the SQL come from the schema (constants of this program);
every value from the workbook or the caller is a bound parameter.

The same typed view that the checks read also produces the clean tables the
warehouse stores: category codes, real dates and numbers, the workbook's
year, and age and person_key instead of the name and date of birth.

How numbers are read (the template's instructions sheet says the same)
----------------------------------------------------------------------
A number cell keeps its value: 78.5 stays 78.5, 12.345 stays 12.345 (the
reader marks number cells, see etl/reader.py). A number written as text, in
an .xlsx text cell or anywhere in a CSV file (which has no cell types), is
read by one rule, the same for every number column:

1. Plain digits, with an optional sign, are that number: 45000, -3.
2. Otherwise the text is tried in the Indonesian convention (thousands ".",
   decimal ","; ``-?([1-9]\\d{0,2}(\\.\\d{3})+|\\d+)(,\\d+)?``: 120.000.000,
   1.234,5, 78,5) and in the international one (thousands ",", decimal ".":
   1,234.5, 78.5). If it fits one of them, or both with the same value,
   that value is used: 120.000.000 is 120000000 and 78,5 is 78.5.
3. If it fits both with different values (45.000, 1,500, 1.500) it is
   refused as ``ambiguous_number``, with both readings in the message and
   how to write it: as a number cell, or as 45000 or 45 (12,3450 for a
   decimal with three decimals). 45 is never stored for "45.000".
4. Scientific notation, as Excel writes large numbers into a CSV file
   (1.5E+11, 1,5E+11), is read as such.
5. Anything else is not a number (``not_number`` / ``not_integer``).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl import privacy, schema
from etl.problems import LocalChoices, Localized, LocalList, LocalNumber, Problem, Severity, errors
from etl.reader import ROW_COLUMN, RawSheet, RawWorkbook, number_cell_column
from etl.schema import DEFAULT_LIMITS, Column, Kind, Limits, Sheet, quote

_YEAR_IN_NAME = re.compile(r"(?<!\d)(\d{4})(?!\d)")
SUGGESTION_CUTOFF = 0.75
SCAN_BATCH_ROWS = 10_000


def typed(column: Column) -> str:
    return quote(f"{column.name}__v")


@cache
def _spellings(vocabulary_name: str) -> dict[str, str]:
    """Normalised spelling -> code for one vocabulary."""
    vocabulary = next(v for v in schema.VOCABULARIES if v.name == vocabulary_name)
    return dict(schema.category_spellings(vocabulary))


def _code_name(column: Column) -> str:
    return column.name + "__code"


def _partner_name(column: Column) -> str:
    return column.name + "__partner"


def _code_column(column: Column) -> str:
    return quote(_code_name(column))


def _partner_column(column: Column) -> str:
    return quote(_partner_name(column))


def _with_category_codes(raw_sheet: RawSheet) -> pa.Table:
    """The raw table plus, per category column, each cell's code and the partner city it names.

    Category columns hold few distinct values, so each is normalised once here
    in Python (schema.normalize_value, the one definition of "same spelling")
    and looked up for every cell by Arrow on the exact text (measured: 0.1 s
    faster at 100,000 rows than a join per column in DuckDB).
    """
    partner_names = _spellings("partner_city")
    table = raw_sheet.table
    for column in raw_sheet.sheet.columns:
        vocabulary = column.vocabulary
        if vocabulary is None:
            continue
        spellings = _spellings(vocabulary.name)
        cells = table.column(column.name)
        values = pc.unique(cells).drop_null()
        keys = [schema.normalize_value(value) for value in values.to_pylist()]
        positions = pc.index_in(cells, value_set=values)
        codes = pa.array([spellings.get(key) for key in keys], pa.string())
        table = table.append_column(_code_name(column), pc.take(codes, positions))
        if vocabulary.partner_name_code:
            partners = pa.array([partner_names.get(key) for key in keys], pa.string())
            table = table.append_column(_partner_name(column), pc.take(partners, positions))
    return _in_slices(table)


def _in_slices(table: pa.Table) -> pa.Table:
    # In slices (zero-copy): DuckDB scans an Arrow table one batch per thread, and the
    # reader's one batch would keep the typed view on one core (measured at 100,000 rows:
    # 0.35 s in one batch, 0.26 s in slices of 10,000).
    return pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_BATCH_ROWS), schema=table.schema)


def _pairs_table(pairs: dict[str, tuple[str, ...]], left: str, right: str) -> pa.Table:
    rows = [(key, value) for key, values in pairs.items() for value in values]
    return pa.table({left: [r[0] for r in rows], right: [r[1] for r in rows]})


# The number rule of the module docstring. A thousands group starts with 1-3 digits and
# no leading 0, so "0.500" can only be a decimal. Both conventions accept plain digits.
_SIGN = "[-+]?"
INDONESIAN_NUMBER = _SIGN + r"([1-9][0-9]{0,2}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?"
INTERNATIONAL_NUMBER = _SIGN + r"([1-9][0-9]{0,2}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?"
SCIENTIFIC_NUMBER = _SIGN + r"[0-9]+([.,][0-9]+)?[eE][-+]?[0-9]+"


def _number_columns(sheet: Sheet) -> list[Column]:
    return [column for column in sheet.columns if column.kind in (Kind.INTEGER, Kind.NUMBER)]


def _readings_column(column: Column) -> str:
    return quote(column.name + "__readings")


def _readings_sql(column: Column) -> str:
    """The column's text read in each convention (NULL where it does not fit).

    Without a separator both conventions read the same plain digits: the second regex
    is skipped for them (most cells: years, counts, whole amounts), saving its cost.
    """
    text = quote(column.name)
    return (f"CASE WHEN regexp_full_match({text}, '{INDONESIAN_NUMBER}') "
            f"THEN TRY_CAST(replace(replace({text}, '.', ''), ',', '.') AS DOUBLE) END "
            f"AS {quote(column.name + '__id')}, "
            f"CASE WHEN (contains({text}, '.') OR contains({text}, ',')) "
            f"AND regexp_full_match({text}, '{INTERNATIONAL_NUMBER}') "
            f"THEN TRY_CAST(replace({text}, ',', '') AS DOUBLE) END AS {quote(column.name + '__en')}")


def _number_sql(column: Column) -> str:
    """The number (``__n``) and, for ambiguous text, both readings (``__readings``)."""
    text, flag = quote(column.name), quote(number_cell_column(column.name))
    indonesian, international = quote(column.name + "__id"), quote(column.name + "__en")
    # Different readings: NULL as a number, and the readings say why.
    differ = f"NOT coalesce({flag}, false) AND {indonesian} <> {international}"
    number = (f"CASE WHEN {flag} THEN TRY_CAST({text} AS DOUBLE) WHEN {differ} THEN NULL "
              f"ELSE coalesce({indonesian}, {international}, CASE WHEN regexp_full_match({text}, "
              f"'{SCIENTIFIC_NUMBER}') THEN TRY_CAST(replace({text}, ',', '.') AS DOUBLE) END) END")
    readings = (f"CASE WHEN {differ} THEN CAST({indonesian} AS VARCHAR) || ' ' || "
                f"CAST({international} AS VARCHAR) END")
    return f"{number} AS {quote(column.name + '__n')}, {readings} AS {_readings_column(column)}"


def _typed_sql(sheet: Sheet) -> str:
    """Trimmed text (blank as NULL) plus one typed twin per column, blank rows left out."""
    raw_table = quote(f"raw_{sheet.name}")
    numbers = _number_columns(sheet)
    trimmed = ", ".join(f"NULLIF(trim(r.{quote(c.name)}), '') AS {quote(c.name)}" for c in sheet.columns)
    flags = "".join(f", r.{quote(number_cell_column(c.name))}" for c in numbers)
    selects = [f"s.{quote(ROW_COLUMN)}"] + [f"s.{quote(c.name)}" for c in sheet.columns]
    for column in sheet.columns:
        text = f"s.{quote(column.name)}"
        if column.kind is Kind.TEXT:
            continue
        if column.kind is Kind.INTEGER:
            number = f"s.{quote(column.name + '__n')}"
            expression = (f"CASE WHEN isfinite({number}) AND {number} = round({number}) "
                          f"AND abs({number}) < 2e9 THEN CAST({number} AS INTEGER) END")
        elif column.kind is Kind.NUMBER:
            number = f"s.{quote(column.name + '__n')}"
            expression = f"CASE WHEN isfinite({number}) THEN {number} END"
        elif column.kind is Kind.DATE:
            expression = f"TRY_CAST({text} AS DATE)"
        else:
            expression = f"s.{_code_column(column)}"
            vocabulary = column.vocabulary
            if vocabulary is not None and vocabulary.partner_name_code:
                # The row's own partner city, written by name, stands for "partner_city".
                partner = f"COALESCE(s.{_code_column(sheet.column('partner_city'))}, '{schema.DEFAULT_PARTNER_CITY}')"
                expression = (f"COALESCE({expression}, CASE WHEN s.{_partner_column(column)} = {partner} "
                              f"THEN '{vocabulary.partner_name_code}' END)")
        selects.append(f"{expression} AS {typed(column)}")
    selects += [f"s.{_readings_column(c)}" for c in numbers]
    codes = "".join(f", r.{_code_column(c)}" + (f", r.{_partner_column(c)}" if c.vocabulary.partner_name_code else "")
                    for c in sheet.columns if c.vocabulary is not None)
    any_value = " OR ".join(f"NULLIF(trim(r.{quote(c.name)}), '') IS NOT NULL" for c in sheet.columns)
    staged = (f"SELECT r.{quote(ROW_COLUMN)}, {trimmed}{codes}{flags} FROM {raw_table} r "
              f"WHERE {any_value}")
    if numbers:
        # Two steps: each convention's reading once, then the rule that chooses between them.
        staged = f"SELECT *, {', '.join(_readings_sql(c) for c in numbers)} FROM ({staged})"
        staged = f"SELECT *, {', '.join(_number_sql(c) for c in numbers)} FROM ({staged})"
    return f"SELECT {', '.join(selects)} FROM ({staged}) s"


# Longest part of an over-long text quoted back in its problem.
TOO_LONG_PREVIEW = 60
# Wrong years listed in the one problem of a sheet; more are shown as "…".
WRONG_YEARS_SHOWN = 5
# Rows listed in the one warning about a code recorded more than once in a year.
ROWS_SHOWN = 5
# What the checks find that is shown but does not block the load (etl.problems.Severity.WARNING).
WARNING_CODES = ("repeated_code", "far_from_year")


def _far_from_year(date_sql: str) -> str:
    """A date more than schema.NEAR_YEARS calendar years from the program year ($year)."""
    return f"abs(year({date_sql}) - $year) > {schema.NEAR_YEARS}"


def _compared(column: Column) -> str:
    """The column as rows are compared on it: a category by its code (two spellings of one unit are one),
    an empty cell as its default (an empty partner city is Beijing, as the warehouse stores it)."""
    value = quote(column.name) if column.kind is Kind.TEXT else typed(column)
    return value if column.default is None else f"COALESCE({value}, '{column.default}')"


@dataclass
class _Checks:
    """A sheet's checks, each a SELECT returning (excel_row, col, value, code, extra, n).

    Most look at one row at a time: they read the sheet's suspect rows, those that meet
    any of their conditions (``conditions``), gathered in one scan of the typed view
    instead of one scan per check (measured at 100,000 valid rows: every check 0.17-0.24 s
    before, 0.11 s now). The others compare rows (duplicate IDs, a code recorded twice in the year) and read
    the whole view.
    """

    conditions: list[str] = field(default_factory=list)
    selects: list[str] = field(default_factory=list)


def _suspect_table(sheet: Sheet) -> str:
    return quote("suspect_" + sheet.name)


def _checks_sql(sheet: Sheet, complete_sheets: set[str], error_columns: set[str] = frozenset()) -> _Checks:
    """Every check of one sheet (see _Checks).

    ``n`` is how many cells the line stands for: 1, except for a summary (wrong years).
    ``error_columns`` hold Excel error values, already reported by the reader: their
    cells read as empty but must not also be called "required but empty".
    """
    table, suspects = quote("t_" + sheet.name), _suspect_table(sheet)
    row = quote(ROW_COLUMN)
    checks = _Checks()

    def add(column: str, value_sql: str, code: str, where: str, extra: str = "NULL") -> None:
        checks.conditions.append(where)
        checks.selects.append(
            f"SELECT {row} AS excel_row, '{column}' AS col, CAST({value_sql} AS VARCHAR) AS value, "
            f"'{code}' AS code, CAST({extra} AS VARCHAR) AS extra, 1 AS n FROM {suspects} WHERE {where}")

    for column in sheet.columns:
        raw, value = quote(column.name), typed(column)
        if column.required:
            where = f"{raw} IS NULL"
            if column.name in error_columns:
                where += (f" AND {row} NOT IN (SELECT {row} FROM excel_errors "
                          f"WHERE sheet = '{sheet.name}' AND col = '{column.name}')")
            add(column.name, "NULL", "required", where)
        if column.kind in (Kind.INTEGER, Kind.NUMBER):
            readings = _readings_column(column)
            add(column.name, raw, "ambiguous_number", f"{readings} IS NOT NULL", readings)
            code = "not_integer" if column.kind is Kind.INTEGER else "not_number"
            add(column.name, raw, code, f"{raw} IS NOT NULL AND {value} IS NULL AND {readings} IS NULL")
        elif column.kind is not Kind.TEXT:
            code = {Kind.DATE: "not_date", Kind.CATEGORY: "unknown_category"}[column.kind]
            add(column.name, raw, code, f"{raw} IS NOT NULL AND {value} IS NULL")
        if column.max_length is not None:
            add(column.name, f"left({raw}, {TOO_LONG_PREVIEW}) || '…'", "too_long",
                f"length({raw}) > {column.max_length}", f"length({raw})")
        if column.pattern is not None:  # a schema constant, never user input
            add(column.name, raw, "bad_code", f"{raw} IS NOT NULL AND NOT regexp_full_match({raw}, '{column.pattern}')")
        if column.minimum is not None:
            add(column.name, raw, "below_minimum", f"{value} < {column.minimum}", str(column.minimum))
        if column.maximum is not None:
            add(column.name, raw, "above_maximum", f"{value} > {column.maximum}", str(column.maximum))
        if column.unique:  # compares rows: over the whole typed view
            checks.selects.append(
                f"SELECT {row}, '{column.name}', {raw}, 'duplicate_id', CAST(first_row AS VARCHAR), 1 "
                f"FROM (SELECT {row}, {raw}, min({row}) OVER (PARTITION BY {raw}) "
                f"AS first_row FROM {table} WHERE {raw} IS NOT NULL) WHERE {row} > first_row")
        if column.once_a_year_with:  # compares rows: over the whole typed view
            together = [_compared(sheet.column(name)) for name in column.once_a_year_with]
            # extra: the first rows, and "+" when there are more ("3 4 9+").
            checks.selects.append(
                f"SELECT rows[1], '{column.name}', {raw}, 'repeated_code', "
                f"array_to_string(list_slice(rows, 1, {ROWS_SHOWN}), ' ') "
                f"|| CASE WHEN len(rows) > {ROWS_SHOWN} THEN '+' ELSE '' END, len(rows) "
                f"FROM (SELECT {raw}, list({row} ORDER BY {row}) AS rows FROM {table} "
                f"WHERE {' AND '.join(f'{value} IS NOT NULL' for value in [raw, *together])} "
                f"GROUP BY {', '.join([raw, *together])} HAVING count(*) > 1)")
        if column.near_program_year:
            where = _far_from_year(value)
            if column.not_before and sheet.column(column.not_before).near_program_year:
                # One remark per row: an end date is far by itself only where its start date is near.
                where += f" AND NOT {_far_from_year(typed(sheet.column(column.not_before)))}"
            add(column.name, f"strftime({value}, '%Y-%m-%d')", "far_from_year", where)
        if column.not_before:
            other = typed(sheet.column(column.not_before))
            add(column.name, value, "end_before_start", f"{value} < {other}", other)
        if column.references and column.references[0] in complete_sheets:
            ref_sheet, ref_column = column.references
            add(column.name, raw, "unknown_activity",
                f"{raw} IS NOT NULL AND {raw} NOT IN (SELECT {quote(ref_column)} FROM "
                f"{quote('t_' + ref_sheet)} WHERE {quote(ref_column)} IS NOT NULL)")
        if column.name == "year":
            # Once per sheet, at its first row: a file of another year would otherwise
            # bury every other problem under one line per row.
            wrong = f"{value} <> $year"
            checks.conditions.append(wrong)
            checks.selects.append(
                f"SELECT first_row, 'year', array_to_string(list_slice(years, 1, {WRONG_YEARS_SHOWN}), ', ') "
                f"|| CASE WHEN len(years) > {WRONG_YEARS_SHOWN} THEN ', …' ELSE '' END, 'wrong_year', NULL, n "
                f"FROM (SELECT min({row}) AS first_row, count(*) AS n, list(DISTINCT {value} ORDER BY {value}) "
                f"AS years FROM {suspects} WHERE {wrong}) WHERE n > 0")
    if sheet is schema.PARTICIPANTS:
        add("status", "status", "stage_status_mismatch",
            "status__v IS NOT NULL AND stage_reached__v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            "status_stages p WHERE p.status = status__v AND p.stage = stage_reached__v)")
        add("origin", "origin", "origin_direction_mismatch",
            "origin__v IS NOT NULL AND direction__v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            "direction_origins p WHERE p.direction = direction__v AND p.origin = origin__v)")
        age = privacy.age_sql("birth_date__v", "$year")
        add("birth_date", age, "age_out_of_range",
            f"birth_date__v IS NOT NULL AND ({age} < {schema.MIN_AGE} OR {age} > {schema.MAX_AGE})")
    if sheet is schema.BENEFITS:
        add("value", "value", "value_out_of_unit_range",
            "value__v IS NOT NULL AND EXISTS (SELECT 1 FROM unit_ranges u WHERE u.unit = unit__v "
            "AND (value__v < u.low OR value__v > u.high))", "unit__v")
    return checks


def _clean_sql(sheet: Sheet) -> str:
    """SELECT of the warehouse columns, in schema order, from the typed view."""
    outputs = []
    for column in sheet.stored_columns:
        if isinstance(column, schema.DerivedColumn):
            outputs.append(_derived_sql(column.name))
        elif column.name == "year":
            outputs.append("CAST($year AS INTEGER) AS year")
        elif column.kind is Kind.TEXT:
            outputs.append(quote(column.name))
        elif column.default is not None:
            outputs.append(f"COALESCE({typed(column)}, '{column.default}') AS {quote(column.name)}")
        else:
            outputs.append(f"{typed(column)} AS {quote(column.name)}")
    return (f"SELECT {', '.join(outputs)} FROM {quote('t_' + sheet.name)} "
            f"ORDER BY {quote(ROW_COLUMN)}")


def _derived_sql(name: str) -> str:
    if name == "age":
        return f"CAST({privacy.age_sql('birth_date__v', '$year')} AS INTEGER) AS age"
    if name == "person_key":
        return f"{privacy.person_key_sql('full_name', 'birth_date__v')} AS person_key"
    if name == "first_year":
        return "CAST(NULL AS INTEGER) AS first_year"  # needs every year: set by the warehouse when writing
    raise KeyError(f"no derivation for {name}")


@dataclass
class Validation:
    """The outcome of checking one workbook (or one CSV sheet)."""

    raw: RawWorkbook
    year: int | None
    year_source: str
    problems: list[Problem]
    rows: dict[str, int]
    _connection: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not errors(self.problems)

    def clean_tables(self, key: bytes) -> dict[str, pa.Table]:
        """The warehouse rows of every sheet present; only for a valid workbook."""
        if not self.ok or self._connection is None:
            raise ValueError("only a valid workbook has clean tables")
        inner, outer = privacy.hmac_pads(key)
        tables = {}
        for name in self.rows:
            sheet = schema.SHEETS_BY_NAME[name]
            parameters: dict[str, object] = {"year": self.year}
            if sheet is schema.PARTICIPANTS:
                parameters |= {"hmac_inner": inner, "hmac_outer": outer}
            # One query over the typed view's slices, on every core (the HMAC is most of its cost).
            tables[name] = self._connection.sql(_clean_sql(sheet), params=parameters).to_arrow_table()
        return tables

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def validate(raw: RawWorkbook, year: int | None = None, complete: bool = True,
             limits: Limits = DEFAULT_LIMITS) -> Validation:
    """Check every sheet; ``complete`` requires the sheets a program year must have."""
    problems = list(raw.problems)
    if complete:
        problems.extend(_missing_sheets(raw))
    connection = duckdb.connect()
    connection.register("status_stages", _pairs_table(schema.STATUS_STAGES, "status", "stage"))
    connection.register("direction_origins", _pairs_table(schema.DIRECTION_ORIGINS, "direction", "origin"))
    connection.register("unit_ranges", pa.table({
        "unit": list(schema.UNIT_RANGES),
        "low": pa.array([low for low, _ in schema.UNIT_RANGES.values()], pa.float64()),
        "high": pa.array([high for _, high in schema.UNIT_RANGES.values()], pa.float64())}))
    sheets = raw.sheets
    rows: dict[str, int] = {}
    for name, raw_sheet in sheets.items():
        connection.register(f"raw_{name}", _with_category_codes(raw_sheet))
        # Kept as Arrow, in slices, not as a DuckDB table: the conversion runs on both cores, and so
        # does every later scan (measured at 100,000 rows: validate and clean 0.66 s -> 0.60 s).
        typed_table = _in_slices(connection.sql(_typed_sql(raw_sheet.sheet)).to_arrow_table())
        connection.register(f"t_{name}", typed_table)
        rows[name] = typed_table.num_rows
        if raw_sheet.sheet.required and rows[name] == 0:
            problems.append(Problem("empty_sheet", sheet=raw_sheet.title))
    error_cells = [(name, column, row) for name, raw_sheet in sheets.items()
                   for column, error_rows in raw_sheet.error_rows.items() for row in error_rows]
    if error_cells:
        connection.register("excel_errors", pa.table({
            "sheet": pa.array([cell[0] for cell in error_cells], pa.string()),
            "col": pa.array([cell[1] for cell in error_cells], pa.string()),
            ROW_COLUMN: pa.array([cell[2] for cell in error_cells], pa.int32())}))
    year, year_source = _workbook_year(connection, raw, year, problems)
    if year is not None and sheets:
        selects = []
        for raw_sheet in sheets.values():
            checks = _checks_sql(raw_sheet.sheet, set(sheets), set(raw_sheet.error_rows))
            connection.execute(f"CREATE TEMP TABLE {_suspect_table(raw_sheet.sheet)} AS SELECT * FROM "
                               f"{quote('t_' + raw_sheet.sheet.name)} WHERE "
                               + " OR ".join(f"({condition})" for condition in checks.conditions), {"year": year})
            # Each check is tagged with its sheet, so problems sort by sheet, row, column.
            selects += [f"SELECT '{raw_sheet.sheet.name}' AS sheet, * FROM ({check})" for check in checks.selects]
        connection.execute(f"CREATE TEMP TABLE found AS {' UNION ALL '.join(selects)}", {"year": year})
        problems.extend(_listed(connection, sheets, year, year_source, limits))
    return Validation(raw, year, year_source, problems, rows, connection)


def _listed(connection: duckdb.DuckDBPyConnection, sheets: dict[str, RawSheet], year: int, year_source: str,
            limits: Limits) -> list[Problem]:
    """The checks' findings, at most ``limits.max_problems`` lines, then what was not listed.

    Errors are listed before warnings, so that warnings never push an error out of the list;
    the lines are then shown in the workbook's order (sheet, row, column).
    """
    is_warning = "list_contains($warnings, code)"
    bound = {"warnings": list(WARNING_CODES)}
    error_total, warning_total = connection.execute(
        f"SELECT coalesce(sum(n) FILTER (WHERE NOT {is_warning}), 0), count(*) FILTER (WHERE {is_warning}) "
        "FROM found", bound).fetchall()[0]
    found = connection.execute(f"SELECT * FROM found ORDER BY {is_warning}, sheet, excel_row, col LIMIT $limit",
                               bound | {"limit": limits.max_problems}).fetchall()
    found.sort(key=lambda line: line[:3])
    problems = _to_problems(found, sheets, year, year_source)
    # Exact: the errors not listed, counted by the cells each line stands for.
    unlisted = int(error_total) - sum(line[-1] for line in found if line[4] not in WARNING_CODES)
    if unlisted:
        problems.append(Problem("more_problems", params={"count": unlisted}, count=unlisted))
    unlisted_warnings = int(warning_total) - sum(1 for line in found if line[4] in WARNING_CODES)
    if unlisted_warnings:
        problems.append(Problem("more_warnings", params={"count": unlisted_warnings}, count=unlisted_warnings,
                                severity=Severity.WARNING))
    return problems


def _missing_sheets(raw: RawWorkbook) -> list[Problem]:
    """Required sheets neither read nor already reported as broken."""
    aliases = schema.sheet_aliases()
    mentioned = {aliases.get(schema.normalize_header(problem.sheet or "")) for problem in raw.problems
                 if problem.severity is Severity.ERROR}
    return [Problem("missing_sheet", params={"expected": sheet.name, "label": sheet.label}) for sheet in schema.SHEETS
            if sheet.required and sheet.name not in raw.sheets and sheet.name not in mentioned]


def _workbook_year(connection: duckdb.DuckDBPyConnection, raw: RawWorkbook, requested: int | None,
                   problems: list[Problem]) -> tuple[int | None, str]:
    """The workbook's year: as requested, else from the file name, else the rows' most common year."""
    counts: Counter[int] = Counter()
    for name in raw.sheets:
        rows = connection.execute(f"SELECT year__v, count(*) FROM {quote('t_' + name)} "
                                  "WHERE year__v IS NOT NULL GROUP BY ALL").fetchall()
        counts.update(dict(rows))
    data_year = counts.most_common(1)[0][0] if counts else None
    if requested is not None:
        return requested, "argument"
    name_years = [int(found) for found in _YEAR_IN_NAME.findall(raw.file_name)
                  if schema.FIRST_PROGRAM_YEAR <= int(found) <= schema.LAST_PROGRAM_YEAR]
    if name_years:
        file_year = name_years[-1]
        if data_year is not None and data_year != file_year:
            problems.append(Problem("year_conflict", params={"file_year": file_year, "data_year": data_year}))
        return file_year, "file_name"
    if data_year is not None:
        return data_year, "data"
    problems.append(Problem("year_unknown"))
    return None, "data"


@dataclass(frozen=True)
class PlainNumber:
    """A reading of an ambiguous number, written so the number rule reads it one way only.

    No thousands separator; the reader's decimal mark (1,5 in Indonesian, 1.5 in English);
    a fourth decimal where three would look like a thousands group again (12,3450).
    """

    value: float

    def __call__(self, lang: str) -> str:
        if self.value == int(self.value):
            return str(int(self.value))
        whole, fraction = f"{self.value:.10f}".rstrip("0").split(".")
        digits = whole.lstrip("-")
        if len(fraction) == 3 and len(digits) <= 3 and digits[0] != "0":
            fraction += "0"
        return f"{whole}{',' if lang == 'id' else '.'}{fraction}"


@dataclass(frozen=True)
class _Line:
    """One row of the checks' results, with what its message may need."""

    raw_sheet: RawSheet
    row: int
    column: Column
    value: str | None
    extra: str | None
    count: int
    year: int | None
    year_source: str

    @property
    def header(self) -> str:
        return self.raw_sheet.headers.get(self.column.name, self.column.name)


def _ambiguous(line: _Line) -> dict[str, object]:
    assert line.value is not None and line.extra is not None
    indonesian, international = (float(reading) for reading in line.extra.split())
    mark = "." if "." in line.value else ","
    # The mark as thousands separator gives the whole number, as decimal mark the fraction.
    thousands, decimal = (indonesian, international) if mark == "." else (international, indonesian)
    return {"mark": mark, "thousands": PlainNumber(thousands), "decimal": PlainNumber(decimal)}


def _choices(line: _Line) -> LocalChoices:
    vocabulary = line.column.vocabulary
    assert vocabulary is not None
    return LocalChoices(tuple((lang, tuple(vocabulary.labels(lang).values())) for lang in schema.LANGUAGES))


def _unit_range(line: _Line) -> dict[str, object]:
    low, high = schema.UNIT_RANGES[str(line.extra)]
    unit = next(c.label for c in schema.UNIT.categories if c.code == line.extra)
    return {"unit": unit, "minimum": _plain_number(str(low)),
            "maximum": "∞" if high is None else _plain_number(str(high))}


# Message parameters of each problem code found by the checks (others need none).
_PARAMS: dict[str, Callable[[_Line], dict[str, object]]] = {
    "unknown_category": lambda line: {"column_label": line.header, "allowed": _choices(line)},
    "bad_code": lambda line: {"column": line.header},
    "ambiguous_number": _ambiguous,
    "too_long": lambda line: {"column": line.header, "length": LocalNumber(int(line.extra or 0)),
                              "maximum": LocalNumber(line.column.max_length or 0)},
    "below_minimum": lambda line: {"minimum": _plain_number(str(line.extra))},
    "above_maximum": lambda line: {"maximum": _plain_number(str(line.extra))},
    "duplicate_id": lambda line: {"first_row": line.extra},
    "wrong_year": lambda line: {"year": line.year, "year_source": Localized(f"year_source.{line.year_source}"),
                                "rows": LocalNumber(line.count), "first_row": line.row},
    "end_before_start": lambda line: {"start": line.extra},
    "far_from_year": lambda line: {"date": line.value, "year": line.year},
    "unknown_activity": lambda line: {"year": line.year},
    "age_out_of_range": lambda line: {"age": line.value, "year": line.year, "minimum": schema.MIN_AGE,
                                      "maximum": schema.MAX_AGE},
    "value_out_of_unit_range": _unit_range,
    "repeated_code": lambda line: {"rows": LocalNumber(line.count), "page": Localized("nav.benefits"),
                                   "row_list": LocalList(tuple(str(line.extra).rstrip("+").split()),
                                                         more=str(line.extra).endswith("+"))},
    "stage_status_mismatch": lambda line: _row_context("stage_status_mismatch", line),
    "origin_direction_mismatch": lambda line: _row_context("origin_direction_mismatch", line),
}


def _to_problems(found: list[tuple], sheets: dict[str, RawSheet], year: int | None,
                 year_source: str) -> list[Problem]:
    problems = []
    for sheet_name, row, column_name, value, code, extra, count in found:
        raw_sheet = sheets[sheet_name]
        line = _Line(raw_sheet, row, raw_sheet.sheet.column(column_name), value, extra, count, year, year_source)
        params = _PARAMS[code](line) if code in _PARAMS else {}
        suggestion = None
        if code == "unknown_category":
            assert line.column.vocabulary is not None
            suggestion = suggest(line.column.vocabulary, value)
            if suggestion:
                code = "unknown_category_suggestion"
        elif code == "age_out_of_range":
            value = None  # the age is in the message; the date of birth stays out of it
        letter = raw_sheet.letters.get(column_name)
        severity = Severity.WARNING if code in WARNING_CODES else Severity.ERROR
        problems.append(Problem(
            code, sheet=raw_sheet.title, row=row, column=line.header, cell=f"{letter}{row}" if letter else None,
            value=value, suggestion=suggestion, params=params, count=count, severity=severity))
    return problems


def _row_context(code: str, line: _Line) -> dict[str, object]:
    table = line.raw_sheet.table
    index = line.row - 2
    cell = lambda name: table.column(name)[index].as_py()  # noqa: E731
    if code == "stage_status_mismatch":
        return {"status": cell("status"), "stage": cell("stage_reached")}
    return {"direction": cell("direction")}


def _plain_number(text: str) -> str:
    number = float(text)
    return str(int(number)) if number == int(number) else str(number)


def suggest(vocabulary: schema.Vocabulary, value: str) -> str | None:
    """The closest accepted spelling (as written in the schema), if close enough."""
    originals: dict[str, str] = {}
    for category in vocabulary.categories:
        for spelling in (category.label.id, category.label.en, category.label.zh, category.code):
            originals.setdefault(schema.normalize_value(spelling), spelling)
    match = difflib.get_close_matches(schema.normalize_value(value), list(originals), n=1,
                                      cutoff=SUGGESTION_CUTOFF)
    return originals[match[0]] if match else None
