"""Read a workbook (or a CSV holding one sheet) into raw text columns.

Values are read as text by fastexcel (Rust, Arrow output; measured 15x
faster than pandas with openpyxl) and typed later by the validator in
DuckDB, so one code path checks .xlsx and .csv alike and every bad cell can
be reported instead of being coerced to null by the reader.

Reading as text loses one fact the validator needs: whether a cell of a
number column was a number cell or typed text, which etl/validate.py reads
by the number rule ("45.000" typed as text may mean forty-five thousand or
forty-five, and is refused as ambiguous). fastexcel writes a number cell as
its shortest decimal text ("78.5", "45", "12.345", never a thousands
separator), which the rule reads as the same number, except texts like
"12.345" (one to three digits, a point, three digits). Only for such
cells, and only when there are any, the sheet's XML is streamed once more
to take their type from the file (guard.number_cells); the reader passes it
on as a boolean column ``<column>__number_cell``. A CSV has no cell types:
every value in it is text.

Excel error values (#N/A, #DIV/0!...) read as empty; the guard finds them in
the XML and the reader reports each at its cell, naming its column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl import schema
from etl.guard import SheetLayout, XlsxLayout, check_size, column_number, number_cells
from etl.parse import guarded_parse
from etl.problems import Problem, Severity, WorkbookRefused
from etl.schema import DEFAULT_LIMITS, Kind, Limits, Sheet, column_letter, normalize_header
from etl.snapshots import sha256_of

ROW_COLUMN = "_row"  # Excel row number of each data row (the header is row 1)
HEADER_SEARCH_ROWS = 10
XLSX_SUFFIXES = (".xlsx",)
CSV_SUFFIXES = (".csv",)
NUMBER_CELL_SUFFIX = "__number_cell"
# The only number-cell texts the number rule would read otherwise if typed: "12.345".
CANDIDATE_PATTERN = r"^-?[1-9][0-9]{0,2}\.[0-9]{3}$"

Progress = Callable[[str], None]


@dataclass
class RawSheet:
    """One sheet as read: text columns named by schema column, plus _row."""

    sheet: Sheet
    title: str  # the sheet's name as written in the workbook
    table: pa.Table
    headers: dict[str, str] = field(default_factory=dict)  # column -> header as written
    letters: dict[str, str] = field(default_factory=dict)  # column -> Excel column letter
    # column -> Excel rows whose cell holds an Excel error value (reported by the reader)
    error_rows: dict[str, list[int]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.table.num_rows


def number_cell_column(name: str) -> str:
    """The boolean column that marks the number cells of number column ``name``."""
    return name + NUMBER_CELL_SUFFIX


@dataclass
class RawWorkbook:
    path: Path
    file_name: str
    sha256: str
    sheets: dict[str, RawSheet]
    problems: list[Problem]  # structural problems found while reading


def file_sha256(path: Path) -> str:
    """The raw file's SHA-256, as the archive and the loads table record it (one definition)."""
    return sha256_of(path)


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
    if path.is_dir():  # the CLI given a folder (the upload page sends files only)
        raise WorkbookRefused(Problem("is_folder", params={"folder": str(path)}))
    refusal = refusal_by_name(name)
    if refusal is not None:
        raise WorkbookRefused(refusal)
    if Path(name).suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path, name, limits)
    return _read_csv(path, name, limits)


def refusal_by_name(name: str, csv_accepted: bool = True) -> Problem | None:
    """Why a file of this name is refused before its content is read, or None (.xlsx; .csv where accepted).

    The upload page takes workbooks only (a year is loaded as a whole workbook); the command line also
    checks a single sheet's CSV."""
    suffix = Path(name).suffix.lower()
    if suffix in XLSX_SUFFIXES or (csv_accepted and suffix in CSV_SUFFIXES):
        return None
    if suffix in (".xlsm", ".xltm"):
        return Problem("macro_enabled")
    if suffix == ".xls":
        return Problem("old_xls")
    if suffix in (".xlsb", ".ods"):
        return Problem(suffix.removeprefix("."))
    return Problem("unsupported_extension" if csv_accepted else "unsupported_extension_upload",
                   params={"extension": suffix or name})


# --------------------------------------------------------------------------
# .xlsx
# --------------------------------------------------------------------------

def _read_xlsx(path: Path, name: str, limits: Limits) -> RawWorkbook:
    aliases = schema.sheet_aliases()
    layout, parsed = guarded_parse(path, lambda title: normalize_header(title) in aliases, limits)
    problems: list[Problem] = []
    sheets: dict[str, RawSheet] = {}
    auxiliary = auxiliary_sheet_names()
    for title in parsed.titles:
        sheet_name = aliases.get(normalize_header(title))
        if sheet_name is None:
            if normalize_header(title) not in auxiliary:
                problems.append(Problem("ignored_sheet", sheet=title, severity=Severity.WARNING))
            continue
        if sheet_name in sheets:
            problems.append(Problem("duplicate_sheet", sheet=title,
                                    params={"expected": sheet_name, "other": sheets[sheet_name].title}))
            continue
        raw = _read_xlsx_sheet(path, parsed.batches[title], title, schema.SHEETS_BY_NAME[sheet_name], layout,
                               problems)
        if raw is not None:
            sheets[sheet_name] = raw
    return RawWorkbook(path, name, file_sha256(path), sheets, problems)


def _read_xlsx_sheet(path: Path, batch: pa.RecordBatch, title: str, sheet: Sheet, layout: XlsxLayout,
                     problems: list[Problem]) -> RawSheet | None:
    sheet_layout = layout.sheet(title)
    if sheet_layout is None or sheet_layout.first_cell is None:
        if sheet.required:
            problems.append(Problem("empty_sheet", sheet=title))
        return None
    first_letters, first_row = sheet_layout.first_cell
    found = _find_header(batch.slice(0, HEADER_SEARCH_ROWS), sheet)
    # Batch column i is Excel column first_letters + i. Headers by letter name the column
    # of a formula, even when the header is misplaced and the sheet goes no further.
    offset = column_number(first_letters) - 1
    header_at = {} if found is None else {
        column_letter(offset + index): text for index, text in enumerate(found[1]) if text}

    for merged in sheet_layout.merged:
        problems.append(Problem("merged_cells", sheet=title, cell=merged.split(":")[0], value=merged,
                                row=_row_of(merged)))
    for cell in sheet_layout.formula_cells:
        letter = _letters_of(cell)
        problems.append(Problem("formula", sheet=title, cell=cell, row=_row_of(cell), column=header_at.get(letter),
                                params={"column": header_at.get(letter, letter)}))
    if sheet_layout.formula_count > len(sheet_layout.formula_cells):
        more = sheet_layout.formula_count - len(sheet_layout.formula_cells)
        problems.append(Problem("formulas_more", sheet=title, params={"count": more}, count=more))

    if found is None:
        problems.append(Problem("header_not_found", sheet=title, row=1))
        return None
    header_index, header = found
    if first_row + header_index != 1:
        problems.append(Problem("header_not_first_row", sheet=title, row=first_row + header_index,
                                params={"found": first_row + header_index}))
        return None
    first_header_column = next(i for i, text in enumerate(header) if text)
    if offset + first_header_column != 0:
        letter = column_letter(offset + first_header_column)
        problems.append(Problem("header_not_column_a", sheet=title, row=1, params={"found": letter}))
        return None
    raw = _map_columns(pa.Table.from_batches([batch.slice(1)]), header, sheet, title, problems)
    if raw is None:
        return None
    _report_error_cells(raw, sheet_layout, problems)
    return _mark_number_cells(raw, path, sheet_layout.part)


def _letters_of(reference: str) -> str:
    return reference.rstrip("0123456789")


def _report_error_cells(raw: RawSheet, layout: SheetLayout, problems: list[Problem]) -> None:
    """One problem per Excel error value (#N/A, #DIV/0!...) in a column of the schema.

    Errors in a column the schema does not know are not reported: that column is
    ignored with its own warning and none of its values is read, so nothing is lost.
    """
    names = {letter: name for name, letter in raw.letters.items()}
    for cell, error in layout.error_cells:
        row, name = _row_of(cell), names.get(_letters_of(cell))
        if name is None or row is None or row == 1:
            continue
        header = raw.headers[name]
        problems.append(Problem("excel_error", sheet=raw.title, row=row, column=header, cell=cell, value=error,
                                params={"column": header, "cell": cell}))
        raw.error_rows.setdefault(name, []).append(row)
    if layout.error_count > len(layout.error_cells):
        more = layout.error_count - len(layout.error_cells)
        problems.append(Problem("excel_errors_more", sheet=raw.title, params={"count": more}, count=more))


def _mark_number_cells(raw: RawSheet, path: Path, part: str) -> RawSheet:
    """Set the ``__number_cell`` flags of cells that look alike as number and as text (module docstring)."""
    candidates: dict[str, list[int]] = {}
    for column in raw.sheet.columns:
        if column.kind in (Kind.NUMBER, Kind.INTEGER) and column.name in raw.letters:
            looks_alike = pc.match_substring_regex(raw.table.column(column.name), CANDIDATE_PATTERN)
            if pc.any(looks_alike).as_py():
                candidates[column.name] = pc.filter(raw.table.column(ROW_COLUMN), looks_alike).to_pylist()
    if not candidates:
        return raw
    found = number_cells(path, part, {raw.letters[name]: rows for name, rows in candidates.items()})
    table = raw.table
    for name in candidates:
        letter = raw.letters[name]
        rows = [int(reference[len(letter):]) for reference in found if _letters_of(reference) == letter]
        flags = pc.is_in(table.column(ROW_COLUMN), value_set=pa.array(rows, pa.int32()))
        table = table.set_column(table.schema.get_field_index(number_cell_column(name)),
                                 number_cell_column(name), flags)
    raw.table = table
    return raw


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
        # Located by sheet and column name: it has no cell, and "row 1" would point at nothing.
        problems.append(Problem("missing_column", sheet=title, column=name,
                                params={"expected": name, "label": sheet.column(name).label}))
    if missing:
        return None
    return _raw_sheet(sheet, title, arrays, headers, letters, table.num_rows)


def _raw_sheet(sheet: Sheet, title: str, arrays: dict[str, pa.ChunkedArray], headers: dict[str, str],
               letters: dict[str, str], num_rows: int) -> RawSheet:
    """Every schema column present (absent optional ones as nulls) plus the Excel row number.

    Number columns get their ``__number_cell`` flags, all empty here: a CSV has no cell
    types, so every value is read by the rule for text; _mark_number_cells sets them.
    """
    columns = {ROW_COLUMN: pa.array(range(2, num_rows + 2), pa.int32())}
    for column in sheet.columns:
        columns[column.name] = arrays.get(column.name, pa.nulls(num_rows, pa.string()))
    for column in sheet.columns:
        if column.kind in (Kind.NUMBER, Kind.INTEGER):
            columns[number_cell_column(column.name)] = pa.nulls(num_rows, pa.bool_())
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
