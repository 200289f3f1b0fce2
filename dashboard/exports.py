"""Downloads: CSV and XLSX that are safe to open in a spreadsheet.

A text cell starting with = + - @, a tab or a carriage return would be run
as a formula by Excel or LibreOffice (CSV/formula injection, OWASP). Such
cells get a leading apostrophe, which spreadsheets show as plain text.
Numbers are left alone (a negative number is not an injection).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header row


def neutralise_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and headers) cannot start a formula."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_text)
    safe.columns = [neutralise_text(str(column)) for column in safe.columns]
    return safe


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads Indonesian and Chinese text correctly."""
    # CRLF line ends make the csv writer quote any cell holding a CR or LF, so a
    # "\r=cmd" inside a cell cannot start a new row that begins with a formula.
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """One sheet, header row bold-free and frozen; text cells neutralised."""
    # Imported here, at the first XLSX download: openpyxl (with Pillow, which it loads) took
    # 0.07-0.09 s of a cold start's first visit, for a file most visits never ask for.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    safe = neutralise(frame.head(XLSX_MAX_ROWS))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.freeze_panes = "A2"
    sheet.append([str(column) for column in safe.columns])

    def text_cell(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # never interpreted as a formula, even if it starts with "="
        return cell

    for row in safe.itertuples(index=False):
        sheet.append([_cell(value, text_cell) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: object, text_cell: Callable[[str], WriteOnlyCell]) -> object:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return text_cell(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value
