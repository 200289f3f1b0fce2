"""Read a workbook (or a CSV holding one sheet) into raw text columns.

Values are read as text by fastexcel (Rust, Arrow output; measured 15x
faster than pandas with openpyxl) and typed later by the validator in
DuckDB, so one code path checks .xlsx and .csv alike and every bad cell can
be reported instead of being coerced to null by the reader.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import fastexcel
import pyarrow as pa

from etl import schema
from etl.guard import XlsxLayout, check_size, column_number, inspect_xlsx
from etl.problems import Problem, Severity, WorkbookRefused
from etl.schema import DEFAULT_LIMITS, Limits, Sheet, column_letter, normalize_header

ROW_COLUMN = "_row"  # Excel row number of each data row (the header is row 1)
HEADER_SEARCH_ROWS = 10
XLSX_SUFFIXES = (".xlsx",)
CSV_SUFFIXES = (".csv",)

Progress = Callable[[str], None]


@dataclass
class RawSheet:
    """One sheet as read: text columns named by schema column, plus _row."""

    sheet: Sheet
    title: str  # the sheet's name as written in the workbook
    table: pa.Table
    headers: dict[str, str] = field(default_factory=dict)  # column -> header as written
    letters: dict[str, str] = field(default_factory=dict)  # column -> Excel column letter

    @property
    def rows(self) -> int:
        return self.table.num_rows


@dataclass
class RawWorkbook:
    path: Path
    file_name: str
    sha256: str
    sheets: dict[str, RawSheet]
    problems: list[Problem]  # structural problems found while reading


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def auxiliary_sheet_names() -> set[str]:
    """Normalised names of the sheets the template adds (instructions, lists)."""
    # Imported here: the template module pulls in openpyxl, which reading does not need.
    from etl.template import auxiliary_sheet_names as template_sheets

    return {normalize_header(name) for name in template_sheets()}


def read_file(path: Path, original_name: str | None = None, limits: Limits = DEFAULT_LIMITS,
              progress: Progress | None = None) -> RawWorkbook:
    """Read an .xlsx or .csv; raises WorkbookRefused when it cannot be read at all."""
    path = Path(path)
    name = original_name or path.name
    suffix = Path(name).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, name, limits)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, name, limits)
    if suffix in (".xlsm", ".xltm"):
        raise WorkbookRefused(Problem("macro_enabled"))
    if suffix == ".xls":
        raise WorkbookRefused(Problem("old_xls"))
    raise WorkbookRefused(Problem("unsupported_extension", params={"extension": suffix or name}))


# --------------------------------------------------------------------------
# .xlsx
# --------------------------------------------------------------------------

def _read_xlsx(path: Path, name: str, limits: Limits) -> RawWorkbook:
    layout = inspect_xlsx(path, limits)
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as error:  # the guard passed, so this is a damaged file
        raise WorkbookRefused(Problem("damaged", params={"detail": str(error)[:200]})) from None
    problems: list[Problem] = []
    sheets: dict[str, RawSheet] = {}
    aliases = schema.sheet_aliases()
    auxiliary = auxiliary_sheet_names()
    for title in reader.sheet_names:
        sheet_name = aliases.get(normalize_header(title))
        if sheet_name is None:
            if normalize_header(title) not in auxiliary:
                problems.append(Problem("ignored_sheet", sheet=title, severity=Severity.WARNING))
            continue
        if sheet_name in sheets:
            problems.append(Problem("duplicate_sheet", sheet=title,
                                    params={"expected": sheet_name, "other": sheets[sheet_name].title}))
            continue
        raw = _read_xlsx_sheet(reader, title, schema.SHEETS_BY_NAME[sheet_name], layout, problems)
        if raw is not None:
            sheets[sheet_name] = raw
    return RawWorkbook(path, name, file_sha256(path), sheets, problems)


def _read_xlsx_sheet(reader: fastexcel.ExcelReader, title: str, sheet: Sheet, layout: XlsxLayout,
                     problems: list[Problem]) -> RawSheet | None:
    sheet_layout = layout.sheet(title)
    if sheet_layout is None or sheet_layout.first_cell is None:
        if sheet.required:
            problems.append(Problem("empty_sheet", sheet=title))
        return None
    for merged in sheet_layout.merged:
        problems.append(Problem("merged_cells", sheet=title, cell=merged.split(":")[0], value=merged,
                                row=_row_of(merged)))
    for cell in sheet_layout.formula_cells:
        problems.append(Problem("formula", sheet=title, cell=cell, row=_row_of(cell)))
    if sheet_layout.formula_count > len(sheet_layout.formula_cells):
        problems.append(Problem("formulas_more", sheet=title,
                                params={"count": sheet_layout.formula_count - len(sheet_layout.formula_cells)}))

    first_letters, first_row = sheet_layout.first_cell
    # One parse of the whole sheet without a header row; calamine parses the whole
    # sheet even for n_rows, so a separate preview would double the cost.
    batch = reader.load_sheet(title, header_row=None, dtypes="string", eager=True)
    found = _find_header(batch.slice(0, HEADER_SEARCH_ROWS), sheet)
    if found is None:
        problems.append(Problem("header_not_found", sheet=title, row=1))
        return None
    header_index, header = found
    if first_row + header_index != 1:
        problems.append(Problem("header_not_first_row", sheet=title, row=first_row + header_index,
                                params={"found": first_row + header_index}))
        return None
    first_header_column = next(i for i, text in enumerate(header) if text)
    if column_number(first_letters) + first_header_column != 1:
        letter = column_letter(column_number(first_letters) - 1 + first_header_column)
        problems.append(Problem("header_not_column_a", sheet=title, row=1, params={"found": letter}))
        return None
    return _map_columns(pa.Table.from_batches([batch.slice(1)]), header, sheet, title, problems)


def _row_of(reference: str) -> int | None:
    digits = re.search(r"\d+", reference)
    return int(digits.group()) if digits else None


def _find_header(preview: pa.RecordBatch, sheet: Sheet) -> tuple[int, list[str | None]] | None:
    """The first of the top rows that names at least two of the sheet's columns."""
    aliases = schema.header_aliases(sheet)
    columns = [preview.column(i).to_pylist() for i in range(preview.num_columns)]
    for index in range(preview.num_rows):
        cells = [column[index] for column in columns]
        known = sum(1 for cell in cells if cell and normalize_header(cell) in aliases)
        if known >= 2:
            return index, [cell.strip() if cell and cell.strip() else None for cell in cells]
    return None


def _map_columns(table: pa.Table, header: list[str | None], sheet: Sheet, title: str,
                 problems: list[Problem]) -> RawSheet | None:
    """Rename positional columns to schema names; report unknown, duplicate and missing ones."""
    aliases = schema.header_aliases(sheet)
    arrays: dict[str, pa.ChunkedArray] = {}
    headers: dict[str, str] = {}
    letters: dict[str, str] = {}
    for index, text in enumerate(header):
        letter = column_letter(index)
        column = table.column(index) if index < table.num_columns else None
        if text is None:
            if column is not None and column.null_count < len(column):
                problems.append(Problem("data_without_header", sheet=title, cell=f"{letter}1", row=1,
                                        params={"column_letter": letter}))
            continue
        name = aliases.get(normalize_header(text))
        if name is None:
            problems.append(Problem("unknown_column", sheet=title, column=text, cell=f"{letter}1", row=1,
                                    severity=Severity.WARNING))
            continue
        if name in arrays:
            problems.append(Problem("duplicate_column", sheet=title, column=text, cell=f"{letter}1", row=1,
                                    params={"expected": name, "other": f"{letters[name]}1"}))
            continue
        arrays[name] = column if column is not None else pa.chunked_array([pa.nulls(table.num_rows, pa.string())])
        headers[name] = text
        letters[name] = letter
    missing = [column.name for column in sheet.columns if column.required and column.name not in arrays]
    for name in missing:
        problems.append(Problem("missing_column", sheet=title, row=1,
                                params={"expected": name, "label": sheet.column(name).label}))
    if missing:
        return None
    return _raw_sheet(sheet, title, arrays, headers, letters, table.num_rows)


def _raw_sheet(sheet: Sheet, title: str, arrays: dict[str, pa.ChunkedArray], headers: dict[str, str],
               letters: dict[str, str], num_rows: int) -> RawSheet:
    """Every schema column present (absent optional ones as nulls) plus the Excel row number."""
    columns = {ROW_COLUMN: pa.array(range(2, num_rows + 2), pa.int32())}
    for column in sheet.columns:
        columns[column.name] = arrays.get(column.name, pa.nulls(num_rows, pa.string()))
    return RawSheet(sheet, title, pa.table(columns), headers, letters)


# --------------------------------------------------------------------------
# .csv (one sheet)
# --------------------------------------------------------------------------

def _read_csv(path: Path, name: str, limits: Limits) -> RawWorkbook:
    check_size(path, limits)
    with open(path, "rb") as handle:
        if b"\x00" in handle.read(1 << 16):
            raise WorkbookRefused(Problem("csv_unreadable"))
    try:
        connection = duckdb.connect()
        table = connection.sql(
            "SELECT * FROM read_csv($path, all_varchar = true, header = false, null_padding = true)",
            params={"path": str(path)}).to_arrow_table()
    except duckdb.Error:
        # DuckDB's message names the server's temporary path: not for the analyst's eyes.
        raise WorkbookRefused(Problem("csv_unreadable")) from None
    if table.num_rows == 0:
        raise WorkbookRefused(Problem("empty_file"))
    header = [table.column(i)[0].as_py() for i in range(table.num_columns)]
    header = [cell.strip() if cell and cell.strip() else None for cell in header]
    sheet = _sheet_of_headers(header)
    if sheet is None:
        raise WorkbookRefused(Problem("csv_unknown_sheet"))
    problems: list[Problem] = []
    body = table.slice(1)
    raw = _map_columns(body, header, sheet, name, problems)
    sheets = {sheet.name: raw} if raw is not None else {}
    return RawWorkbook(path, name, file_sha256(path), sheets, problems)


def _sheet_of_headers(header: list[str | None]) -> Sheet | None:
    """The sheet whose headers the CSV's header row matches best (at least two)."""
    best, best_score = None, 1
    for sheet in schema.SHEETS:
        aliases = schema.header_aliases(sheet)
        score = sum(1 for cell in header if cell and normalize_header(cell) in aliases)
        if score > best_score:
            best, best_score = sheet, score
    return best
