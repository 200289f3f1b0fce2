"""Check a read workbook against the schema, in one pass, inside DuckDB.

Every check is generated from etl.schema and runs as set-based SQL over the
raw text columns (no Python loop over rows), so 100k rows are checked in a
fraction of a second and every problem is collected, not just the first.
Identifiers in the SQL come from the schema (constants of this program);
every value from the workbook or the caller is a bound parameter.

The same typed view that the checks read also produces the clean tables the
warehouse stores: category codes, real dates and numbers, the workbook's
year, and age and person_key instead of the name and date of birth.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl import privacy, schema
from etl.problems import Localized, Problem, Severity, errors
from etl.reader import ROW_COLUMN, RawSheet, RawWorkbook
from etl.schema import DEFAULT_LIMITS, Column, Kind, Limits, Sheet

_YEAR_IN_NAME = re.compile(r"(?<!\d)(\d{4})(?!\d)")
SUGGESTION_CUTOFF = 0.75


def quote(identifier: str) -> str:
    """Quote a schema identifier for SQL (they are constants, never user input)."""
    return '"' + identifier.replace('"', '""') + '"'


def typed(column: Column) -> str:
    return quote(f"{column.name}__v")


@cache
def _spellings(vocabulary_name: str) -> dict[str, str]:
    """Normalised spelling -> code for one vocabulary."""
    vocabulary = next(v for v in schema.VOCABULARIES if v.name == vocabulary_name)
    return dict(schema.category_spellings(vocabulary))


def _category_map(raw_sheet: RawSheet) -> pa.Table:
    """(column, value as written, code, partner city it names) for every distinct category cell.

    Category columns hold few distinct values, so each is normalised once here
    in Python (schema.normalize_value, the one definition of "same spelling")
    and joined back to the rows in SQL on the exact text.
    """
    partner_names = _spellings("partner_city")
    columns, values, codes, partners = [], [], [], []
    for column in raw_sheet.sheet.columns:
        if column.vocabulary is None:
            continue
        spellings = _spellings(column.vocabulary.name)
        for value in pc.unique(raw_sheet.table.column(column.name)).to_pylist():
            if value is None:
                continue
            key = schema.normalize_value(value)
            columns.append(column.name)
            values.append(value)
            codes.append(spellings.get(key))
            partners.append(partner_names.get(key) if column.vocabulary.partner_name_code else None)
    return pa.table({"col": pa.array(columns, pa.string()), "value": pa.array(values, pa.string()),
                     "code": pa.array(codes, pa.string()), "partner": pa.array(partners, pa.string())})


def _pairs_table(pairs: dict[str, tuple[str, ...]], left: str, right: str) -> pa.Table:
    rows = [(key, value) for key, values in pairs.items() for value in values]
    return pa.table({left: [r[0] for r in rows], right: [r[1] for r in rows]})


def _number_sql(text: str) -> str:
    # A decimal comma (Indonesian "78,5") is accepted when it is the only separator.
    return (f"TRY_CAST(CASE WHEN contains({text}, ',') AND regexp_full_match({text}, '-?[0-9]+,[0-9]+') "
            f"THEN replace({text}, ',', '.') ELSE {text} END AS DOUBLE)")


def _typed_sql(sheet: Sheet) -> str:
    """Trimmed text (blank as NULL) plus one typed twin per column, blank rows left out."""
    raw_table = quote(f"raw_{sheet.name}")
    trimmed = ", ".join(f"NULLIF(trim(r.{quote(c.name)}), '') AS {quote(c.name)}" for c in sheet.columns)
    selects = [f"s.{quote(ROW_COLUMN)}"] + [f"s.{quote(c.name)}" for c in sheet.columns]
    joins: list[str] = []
    for column in sheet.columns:
        text = f"s.{quote(column.name)}"
        if column.kind is Kind.TEXT:
            continue
        if column.kind is Kind.INTEGER:
            number = _number_sql(text)
            expression = (f"CASE WHEN isfinite({number}) AND {number} = round({number}) "
                          f"AND abs({number}) < 2e9 THEN CAST({number} AS INTEGER) END")
        elif column.kind is Kind.NUMBER:
            number = _number_sql(text)
            expression = f"CASE WHEN isfinite({number}) THEN {number} END"
        elif column.kind is Kind.DATE:
            expression = f"TRY_CAST({text} AS DATE)"
        else:
            alias = quote(f"m_{column.name}")
            joins.append(f"LEFT JOIN {quote('map_' + sheet.name)} {alias} ON {alias}.col = '{column.name}' "
                         f"AND {alias}.value = s.{quote(column.name + '__raw')}")
            expression = f"{alias}.code"
            vocabulary = column.vocabulary
            if vocabulary is not None and vocabulary.partner_name_code:
                # The row's own partner city, written by name, stands for "partner_city".
                partner = f"COALESCE(m_partner_city.code, '{schema.DEFAULT_PARTNER_CITY}')"
                expression = (f"COALESCE({alias}.code, CASE WHEN {alias}.partner = {partner} "
                              f"THEN '{vocabulary.partner_name_code}' END)")
        selects.append(f"{expression} AS {typed(column)}")
    # The untrimmed text of category cells is kept only to join the map on it.
    untrimmed = ", ".join(f"r.{quote(c.name)} AS {quote(c.name + '__raw')}"
                          for c in sheet.columns if c.vocabulary is not None)
    any_value = " OR ".join(f"NULLIF(trim(r.{quote(c.name)}), '') IS NOT NULL" for c in sheet.columns)
    staged = (f"SELECT r.{quote(ROW_COLUMN)}, {trimmed}, {untrimmed} FROM {raw_table} r "
              f"WHERE {any_value}")
    return f"SELECT {', '.join(selects)} FROM ({staged}) s {' '.join(joins)}"


def _checks_sql(sheet: Sheet, complete_sheets: set[str]) -> list[str]:
    """One SELECT per check, each returning (_row, col, value, code, extra)."""
    table = quote("t_" + sheet.name)
    checks: list[str] = []

    def add(column: str, value_sql: str, code: str, where: str, extra: str = "NULL") -> None:
        checks.append(f"SELECT {quote(ROW_COLUMN)}, '{column}', CAST({value_sql} AS VARCHAR), '{code}', "
                      f"CAST({extra} AS VARCHAR) FROM {table} WHERE {where}")

    for column in sheet.columns:
        raw, value = quote(column.name), typed(column)
        if column.required:
            add(column.name, "NULL", "required", f"{raw} IS NULL")
        if column.kind is not Kind.TEXT:
            code = {Kind.INTEGER: "not_integer", Kind.NUMBER: "not_number", Kind.DATE: "not_date",
                    Kind.CATEGORY: "unknown_category"}[column.kind]
            add(column.name, raw, code, f"{raw} IS NOT NULL AND {value} IS NULL")
        if column.minimum is not None:
            add(column.name, raw, "below_minimum", f"{value} < {column.minimum}", str(column.minimum))
        if column.maximum is not None:
            add(column.name, raw, "above_maximum", f"{value} > {column.maximum}", str(column.maximum))
        if column.unique:
            checks.append(
                f"SELECT {quote(ROW_COLUMN)}, '{column.name}', {raw}, 'duplicate_id', CAST(first_row AS VARCHAR) "
                f"FROM (SELECT {quote(ROW_COLUMN)}, {raw}, min({quote(ROW_COLUMN)}) OVER (PARTITION BY {raw}) "
                f"AS first_row FROM {table} WHERE {raw} IS NOT NULL) WHERE {quote(ROW_COLUMN)} > first_row")
        if column.not_before:
            other = typed(sheet.column(column.not_before))
            add(column.name, value, "end_before_start", f"{value} < {other}", other)
        if column.references and column.references[0] in complete_sheets:
            ref_sheet, ref_column = column.references
            add(column.name, raw, "unknown_activity",
                f"{raw} IS NOT NULL AND {raw} NOT IN (SELECT {quote(ref_column)} FROM "
                f"{quote('t_' + ref_sheet)} WHERE {quote(ref_column)} IS NOT NULL)")
        if column.name == "year":
            add("year", value, "wrong_year", f"{value} <> $year")
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
    return f"SELECT {', '.join(outputs)} FROM {quote('t_' + sheet.name)} ORDER BY {quote(ROW_COLUMN)}"


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
        connection.register(f"raw_{name}", raw_sheet.table)
        connection.register(f"map_{name}", _category_map(raw_sheet))
        connection.execute(f"CREATE TEMP TABLE {quote('t_' + name)} AS {_typed_sql(raw_sheet.sheet)}")
        rows[name] = connection.execute(f"SELECT count(*) FROM {quote('t_' + name)}").fetchall()[0][0]
        if raw_sheet.sheet.required and rows[name] == 0:
            problems.append(Problem("empty_sheet", sheet=raw_sheet.title))
    year, year_source = _workbook_year(connection, raw, year, problems)
    if year is not None and sheets:
        # Each check is tagged with its sheet, so problems sort by sheet, row, column.
        union = " UNION ALL ".join(
            f"SELECT '{raw_sheet.sheet.name}' AS sheet, * FROM ({check})"
            for raw_sheet in sheets.values() for check in _checks_sql(raw_sheet.sheet, set(sheets)))
        connection.execute(f"CREATE TEMP TABLE found AS {union}", {"year": year})
        total = connection.execute("SELECT count(*) FROM found").fetchall()[0][0]
        found = connection.execute("SELECT * FROM found ORDER BY sheet, 2, 3 LIMIT ?",
                                   [limits.max_problems]).fetchall()
        problems.extend(_to_problems(found, sheets, year, year_source))
        if total > len(found):
            problems.append(Problem("more_problems", params={"count": total - len(found)}))
    return Validation(raw, year, year_source, problems, rows, connection)


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


def _to_problems(found: list[tuple], sheets: dict[str, RawSheet], year: int | None,
                 year_source: str) -> list[Problem]:
    problems = []
    for sheet_name, row, column_name, value, code, extra in found:
        raw_sheet = sheets[sheet_name]
        column = raw_sheet.sheet.column(column_name)
        letter = raw_sheet.letters.get(column_name)
        params: dict[str, object] = {}
        suggestion = None
        if code == "unknown_category":
            assert column.vocabulary is not None
            suggestion = suggest(column.vocabulary, value)
            params["column_label"] = raw_sheet.headers.get(column_name, column_name)
            if suggestion:
                code = "unknown_category_suggestion"
        elif code == "below_minimum":
            params["minimum"] = _plain_number(extra)
        elif code == "above_maximum":
            params["maximum"] = _plain_number(extra)
        elif code == "duplicate_id":
            params["first_row"] = extra
        elif code == "wrong_year":
            params |= {"year": year, "year_source": Localized(f"year_source.{year_source}")}
        elif code == "end_before_start":
            params["start"] = extra
        elif code == "unknown_activity":
            params["year"] = year
        elif code == "age_out_of_range":
            params |= {"age": value, "year": year, "minimum": schema.MIN_AGE, "maximum": schema.MAX_AGE}
            value = None
        elif code == "value_out_of_unit_range":
            low, high = schema.UNIT_RANGES[str(extra)]
            unit = next(c.label for c in schema.UNIT.categories if c.code == extra)
            params |= {"unit": unit, "minimum": _plain_number(str(low)),
                       "maximum": "∞" if high is None else _plain_number(str(high))}
        elif code in ("stage_status_mismatch", "origin_direction_mismatch"):
            params |= _row_context(code, sheets, sheet_name, row)
        problems.append(Problem(
            code, sheet=raw_sheet.title, row=row, column=raw_sheet.headers.get(column_name, column_name),
            cell=f"{letter}{row}" if letter else None, value=value, suggestion=suggestion, params=params))
    return problems


def _row_context(code: str, sheets: dict[str, RawSheet], sheet_name: str, row: int) -> dict[str, object]:
    table = sheets[sheet_name].table
    index = row - 2
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
