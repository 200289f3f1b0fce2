"""The open-data package: the whole published data as a Frictionless Data Package (v2).

``python -m etl export-package DIR``, the Data page's download and the API's
``/datapackage.json`` all come from here, and the table schemas come from
etl.schema, like the validator, the template and the dictionary.

What it holds. The four tables of the workbook, every year and every row,
unfiltered (so the keys hold), with the columns of the downloads: the stored
columns but the pseudonym (``Sheet.published_columns``), then
``provisional``. Not ``loads`` or ``year_status``: they name staff and files.
Each table has the primary key (year, ID) — an ID is unique within its year
— and benefits (year, activity_id) refers to activities (year, activity_id).
A benefit measured for no single activity has an empty activity_id; SQL
skips such a key (MATCH SIMPLE), but frictionless-py checks a two-column key
unless every cell of it is empty, so ``frictionless validate`` reports those
rows as foreign-key errors, and nothing else (the spec is silent:
frictionlessdata/datapackage#941).

Metadata for a Satu Data / DCAT catalogue: title, description, publisher
(contributor with role "publisher"), licence (CC BY 4.0), version = the data
version, created, keywords; and, as custom properties named
``namespace:propertyName`` as the standard recommends, ``dc:temporal``
(start and end of the loaded years, the standard's own example),
``dc:language``, ``dispora:years``, ``dispora:provisionalYears`` and
``dispora:sampleYears``. Every title and description is English, with all
three languages in ``i18n:title`` and ``i18n:description``; a category field
lists its codes as an ``enum`` constraint, as v2 ``categories`` (English
label) and with every label in ``i18n:labels`` ({code: {id, en, zh}}).

The CSV files are written by DuckDB: UTF-8 without a byte-order mark, RFC
4180 (CRLF, a cell quoted when it holds a comma, quote or line break),
integers as integers, dates as YYYY-MM-DD, booleans as true/false, NULL as
an empty cell. Their text is NOT neutralised against spreadsheet formulas,
unlike the Data page's downloads (dashboard.exports): this package is for
machines — portals, validators, analysis tools — and must hold exactly what
the warehouse holds and what its schema says (an apostrophe before "-5" or
"=A1" would change the value, break an indicator code's pattern and push a
text at its maxLength over it). A reader who opens the data in Excel uses
the per-table downloads, which are neutralised; the Data page says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import schema
from etl.schema import Kind, quote
from etl.warehouse import PROVISIONAL_YEARS_SQL, Warehouse
from translations import LANGUAGES, format_list, translate

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
NAME = "jakarta-sister-city-youth-program"
DESCRIPTOR = "datapackage.json"
PUBLISHER = "Dinas Pemuda dan Olahraga Provinsi DKI Jakarta"
LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0 International"}
# The last column of every table: true on the rows of a year whose figures are provisional now.
PROVISIONAL_COLUMN = "provisional"
TABLES: tuple[str, ...] = tuple(sheet.name for sheet in schema.SHEETS)
FIELD_TYPES = {Kind.TEXT: "string", Kind.INTEGER: "integer", Kind.NUMBER: "number", Kind.DATE: "date",
               Kind.CATEGORY: "string"}
CSV_OPTIONS = "HEADER, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NEW_LINE '\\r\\n'"
DIALECT = {"header": True, "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True}


def published_columns(table: str) -> list[str]:
    """The columns of a table anyone may download, in order: the published stored columns, then provisional.

    The downloads, the API and this package give the same columns.
    """
    return [*(column.name for column in schema.SHEETS_BY_NAME[table].published_columns), PROVISIONAL_COLUMN]


@dataclass(frozen=True)
class _State:
    """What one published version holds, read through one cursor."""

    version: str
    years: tuple[int, ...]
    provisional: tuple[int, ...]
    sample: tuple[int, ...]


@contextmanager
def _published(warehouse: Warehouse) -> Iterator[tuple[duckdb.DuckDBPyConnection, _State]]:
    """A cursor on the published version and what it holds; the version is the file the cursor reads."""
    cursor, current = warehouse.shared_cursor()
    try:
        def years(sql: str) -> tuple[int, ...]:
            return tuple(int(year) for (year,) in cursor.execute(sql).fetchall())

        yield cursor, _State(
            version=current.stem,
            years=years("SELECT DISTINCT year FROM loads ORDER BY year"),
            provisional=years(f"{PROVISIONAL_YEARS_SQL} ORDER BY year"),
            # The bundled sample: the flag of each year's live load.
            sample=years("SELECT year FROM loads WHERE is_sample AND load_id IN "
                         "(SELECT max(load_id) FROM loads GROUP BY year) ORDER BY year"))
    finally:
        cursor.close()


# -- the descriptor ----------------------------------------------------------------------------------

def descriptor(warehouse: Warehouse, paths: Mapping[str, str | list[str]] | None = None) -> dict:
    """The Data Package v2 descriptor of the published data.

    A resource's path is "<table>.csv" unless ``paths`` gives one (the API gives URLs).
    Raises FileNotFoundError when nothing is published yet.
    """
    with _published(warehouse) as (_, state):
        return _descriptor(state, paths or {})


def _descriptor(state: _State, paths: Mapping[str, str | list[str]]) -> dict:
    package: dict = {
        "$schema": PROFILE,
        "name": NAME,
        "title": translate("en", "package.title"),
        "description": _description(state, "en"),
        "i18n:title": _languages(lambda lang: translate(lang, "package.title")),
        "i18n:description": _languages(lambda lang: _description(state, lang)),
        "version": state.version,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "licenses": [dict(LICENSE)],
        "contributors": [{"title": PUBLISHER, "roles": ["publisher"]}],
        "keywords": _keywords(),
        "dc:language": list(LANGUAGES),
    }
    if state.years:
        package["dc:temporal"] = {"start": f"{state.years[0]}-01-01", "end": f"{state.years[-1]}-12-31"}
    package |= {"dispora:years": list(state.years), "dispora:provisionalYears": list(state.provisional),
                "dispora:sampleYears": list(state.sample)}
    package["resources"] = [_resource(sheet, paths.get(sheet.name, f"{sheet.name}.csv")) for sheet in schema.SHEETS]
    return package


def _languages(text: Callable[[str], str]) -> dict[str, str]:
    """{id, en, zh} of a Text, or of any function of the language."""
    return {lang: text(lang) for lang in LANGUAGES}


def _description(state: _State, lang: str) -> str:
    parts = [translate(lang, "package.description", years=format_list(state.years, lang) or "–")]
    if state.provisional:
        parts.append(translate(lang, "package.note_provisional", years=format_list(state.provisional, lang)))
    if state.sample:
        parts.append(translate(lang, "package.note_sample", years=format_list(state.sample, lang)))
    return "\n\n".join(parts)


def _keywords() -> list[str]:
    keywords: list[str] = []
    for lang in LANGUAGES:
        for keyword in translate(lang, "package.keywords").split(","):
            if keyword.strip() and keyword.strip() not in keywords:
                keywords.append(keyword.strip())
    return keywords


def _resource(sheet: schema.Sheet, path: str | list[str]) -> dict:
    table_schema: dict = {
        "fields": [*(_field(column) for column in sheet.published_columns), _provisional_field()],
        "missingValues": [""],
        "primaryKey": ["year", sheet.id_column.name],
    }
    foreign_keys = [{"fields": ["year", column.name],
                     "reference": {"resource": column.references[0], "fields": ["year", column.references[1]]}}
                    for column in sheet.columns if column.references is not None]
    if foreign_keys:
        table_schema["foreignKeys"] = foreign_keys
    return {
        "name": sheet.name, "type": "table", "path": path, "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "title": sheet.label.en, "description": sheet.description.en,
        "i18n:title": _languages(sheet.label), "i18n:description": _languages(sheet.description),
        "dialect": dict(DIALECT), "schema": table_schema,
    }


def _field(column: schema.Column | schema.DerivedColumn) -> dict:
    field: dict = {"name": column.name, "type": FIELD_TYPES[column.kind], "title": column.label.en,
                   "description": column.description.en, "i18n:title": _languages(column.label),
                   "i18n:description": _languages(column.description)}
    if isinstance(column, schema.DerivedColumn):
        return field  # computed by the loader: no constraint of the workbook applies
    constraints: dict = {}
    if column.required:
        constraints["required"] = True
    if column.minimum is not None:
        constraints["minimum"] = _bound(column.minimum, column.kind)
    if column.maximum is not None:
        constraints["maximum"] = _bound(column.maximum, column.kind)
    if column.max_length is not None:
        constraints["maxLength"] = column.max_length
    if column.pattern is not None:
        constraints["pattern"] = column.pattern
    vocabulary = column.vocabulary
    if vocabulary is not None:
        constraints["enum"] = list(vocabulary.codes)
        field["categories"] = [{"value": c.code, "label": c.label.en} for c in vocabulary.categories]
        field["categoriesOrdered"] = vocabulary.ordered
        field["i18n:labels"] = {c.code: _languages(c.label) for c in vocabulary.categories}
    if constraints:
        field["constraints"] = constraints
    return field


def _bound(value: float, kind: Kind) -> int | float:
    return int(value) if kind is Kind.INTEGER or float(value).is_integer() else value


def _provisional_field() -> dict:
    return {"name": PROVISIONAL_COLUMN, "type": "boolean",
            "title": translate("en", "package.provisional_title"),
            "description": translate("en", "package.provisional_description"),
            "i18n:title": _languages(lambda lang: translate(lang, "package.provisional_title")),
            "i18n:description": _languages(lambda lang: translate(lang, "package.provisional_description")),
            "constraints": {"required": True}}


# -- the files ---------------------------------------------------------------------------------------

def _select(table: str) -> str:
    """Every row of a table with its published columns, ordered by year, then ID."""
    sheet = schema.SHEETS_BY_NAME[table]
    columns = ", ".join(quote(name) if name != PROVISIONAL_COLUMN
                        else f"year IN ({PROVISIONAL_YEARS_SQL}) AS {quote(name)}"
                        for name in published_columns(table))
    return f"SELECT {columns} FROM {quote(table)} ORDER BY year, {quote(sheet.id_column.name)}"


def _write_csv(cursor: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    target = "'" + str(path).replace("'", "''") + "'"
    cursor.execute(f"COPY ({_select(table)}) TO {target} ({CSV_OPTIONS})")


def export_package(warehouse: Warehouse, directory: Path) -> Path:
    """Write datapackage.json and one CSV per table into ``directory``; return the descriptor's path.

    The descriptor gives each file's size and SHA-256, so a validator notices a changed file.
    Raises FileNotFoundError when nothing is published yet.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with _published(warehouse) as (cursor, state):
        for table in TABLES:
            _write_csv(cursor, table, directory / f"{table}.csv")
        package = _descriptor(state, {})
    for resource in package["resources"]:
        size, digest = _fingerprint(directory / resource["path"])
        resource["bytes"], resource["hash"] = size, f"sha256:{digest}"
    target = directory / DESCRIPTOR
    target.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def _fingerprint(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def package_zip(warehouse: Warehouse) -> bytes:
    """The package as a zip (datapackage.json and the CSV files at its root), for the Data page's download."""
    with tempfile.TemporaryDirectory(prefix="datapackage-") as scratch:
        descriptor_path = export_package(warehouse, Path(scratch))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(descriptor_path, DESCRIPTOR)
            for table in TABLES:
                archive.write(Path(scratch) / f"{table}.csv", f"{table}.csv")
        return buffer.getvalue()


def published_rows(warehouse: Warehouse) -> dict[str, int]:
    """Rows each table of the package holds (every published row)."""
    cursor, _ = warehouse.shared_cursor()
    try:
        return {table: int(cursor.execute(f"SELECT count(*) FROM {quote(table)}").fetchall()[0][0])
                for table in TABLES}
    finally:
        cursor.close()
