"""Inspect an .xlsx file before any parser sees it.

An .xlsx is a zip of XML parts. Hostile or broken files are refused here,
cheaply and with a message an analyst can act on:

1. By the first bytes and the central directory alone (nothing inflated):
   not a zip, an encrypted (OLE) workbook, .xls/.xlsb/.ods, macros, too many
   parts, a declared size or compression ratio beyond the limits. A 1 GiB
   bomb packed into 1 MB is refused here in milliseconds.
2. By one streaming pass over every part, inflated in 1 MiB chunks and never
   held whole: Python's zipfile stops at the declared size and checks the
   CRC, so a part that lies about its size is refused as damaged instead of
   growing in memory (measured: fastexcel itself ignores the declared size).
   The same pass refuses DOCTYPE/ENTITY declarations (entity-expansion
   attacks), a declared sheet dimension or a row count
   beyond the limits, and records what the reader must report per cell:
   formulas, Excel error values (#N/A, #DIV/0!...: fastexcel reads them as
   empty cells), merged cells and where each sheet's first cell is.

The fast Rust reader (fastexcel) parses the file only after step 1, and
beside step 2 only in a child process capped in memory that a refusal kills
(etl.parse); otherwise after step 2.

:func:`number_cells` is a second, targeted pass over one sheet, run only when
the reader holds cells whose text reads differently as a number cell and as
typed text (see etl/validate.py for the number rule).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from etl.problems import LocalNumber, Problem, WorkbookRefused
from etl.schema import DEFAULT_LIMITS, Limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
# Enough overlap between chunks for anything we look for to straddle a boundary: the
# longest is an error cell whose formula (at most 8,192 characters in Excel, more once
# XML-escaped) sits between its tag and its value.
OVERLAP = 32 << 10
# Ratios are only meaningful for parts big enough to matter.
RATIO_MIN_BYTES = 1 << 20
FORMULA_REFS_KEPT = 50
# Error cells are listed one by one like any bad cell (the validator lists up to
# Limits.max_problems), and the validator needs their places so an empty required
# cell holding an error is not also called "required but empty"; past this many the
# rest are only counted (a few hundred kilobytes of references at most).
ERROR_REFS_KEPT = 10_000

_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FIRST_VALUE_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?<!/)>(?:(?!</c>).){0,4000}?<(?:v|is)\b', re.S)
_FORMULA_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*?(?<!/)>\s*<f\b')
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
# A cell of type "e" (error) and its value, e.g. <c r="K5" s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c>.
# Attributes in double quotes, as every spreadsheet writer does (and _FIRST_VALUE_CELL assumes).
_ERROR_CELL = re.compile(
    rb'<c\b(?=[^>]*?\bt="e")[^>]*?\br="([A-Z]+\d+)"[^>]*?(?<!/)>'
    rb'(?:(?!</c>).){0,%d}?<v>([^<]{0,40})</v>' % (OVERLAP - 1024), re.S)
_LAST_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"')


@dataclass
class SheetLayout:
    """What the streaming pass learned about one worksheet part."""

    title: str
    part: str
    first_cell: tuple[str, int] | None = None  # (column letters, row) of the first value
    rows: int = 0
    merged: list[str] = field(default_factory=list)
    formula_cells: list[str] = field(default_factory=list)
    formula_count: int = 0
    error_cells: list[tuple[str, str]] = field(default_factory=list)  # (reference, error value) kept
    error_count: int = 0


@dataclass
class XlsxLayout:
    sheets: list[SheetLayout]

    def sheet(self, title: str) -> SheetLayout | None:
        return next((sheet for sheet in self.sheets if sheet.title == title), None)


def _refuse(code: str, **params: object) -> WorkbookRefused:
    return WorkbookRefused(Problem(code, params=params))


def column_number(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def check_size(path: Path, limits: Limits = DEFAULT_LIMITS) -> int:
    try:
        size = path.stat().st_size
    except OSError:
        raise _refuse("file_missing") from None
    refusal = size_refusal(size, limits)
    if refusal is not None:
        raise WorkbookRefused(refusal)
    return size


def size_refusal(size: int, limits: Limits = DEFAULT_LIMITS) -> Problem | None:
    """Why a file of ``size`` bytes is refused before it is read (empty, or above the limit), or None."""
    if size == 0:
        return Problem("empty_file")
    if size > limits.max_file_bytes:
        return Problem("too_large_file", params={"size_mb": LocalNumber(size / 2**20, 1),
                                                 "limit_mb": LocalNumber(limits.max_file_bytes / 2**20)})
    return None


def _check_signature(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(8)
        if head.startswith(ZIP_MAGIC):
            return
        if head == OLE_MAGIC:
            # Password-protected .xlsx files are OLE containers holding an
            # "EncryptedPackage" stream; anything else OLE is an old .xls/.doc.
            handle.seek(0)
            body = handle.read(4 << 20)
            if "EncryptedPackage".encode("utf-16-le") in body:
                raise _refuse("encrypted")
            raise _refuse("old_xls")
    raise _refuse("not_xlsx")


def _check_directory(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if len(infos) > limits.max_zip_entries:
        raise _refuse("too_many_parts", count=len(infos), limit=limits.max_zip_entries)
    if "mimetype" in names and "content.xml" in names:
        raise _refuse("ods")
    if "xl/workbook.bin" in names:
        raise _refuse("xlsb")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse("not_xlsx")
    if any(PurePosixPath(name).name.lower() == "vbaproject.bin" for name in names):
        raise _refuse("macro_enabled")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse("encrypted_entry")
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise _refuse("too_large_uncompressed", limit_mb=limits.max_uncompressed_bytes // 2**20)
        if info.file_size > RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise _refuse("zip_bomb", ratio=int(ratio), part=info.filename)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part path -> sheet title, from workbook.xml and its relationships."""
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = SafeET.fromstring(archive.read(rels_name), forbid_dtd=True) if rels_name in archive.namelist() else None
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in rels:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[rel.get("Id", "")] = str(PurePosixPath(path))
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet"):
            rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
            if rel_id in targets:
                parts[targets[rel_id]] = element.get("name", "")
    return parts


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, layout: SheetLayout | None,
               limits: Limits) -> None:
    """Inflate one part chunk by chunk and check it; never holds it whole."""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    tail = b""
    first_chunk = True
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            # XML allows a DOCTYPE (and the entities it declares) only in the prolog,
            # before the root element, so the first chunk is where an attack must sit;
            # a declaration later on is not well-formed, and neither fastexcel nor
            # openpyxl (which uses defusedxml) would expand it.
            if is_xml and first_chunk and (b"<!DOCTYPE" in window or b"<!ENTITY" in window):
                raise _refuse("xml_entities", part=info.filename)
            if layout is not None:
                _scan_sheet_chunk(window, len(tail), layout, first_chunk, limits)
            first_chunk = False
            tail = window[-OVERLAP:]


def _too_big(code: str, layout: SheetLayout, **params: object) -> WorkbookRefused:
    return WorkbookRefused(Problem(code, sheet=layout.title, params=params))


def _scan_sheet_chunk(window: bytes, overlap: int, layout: SheetLayout, first_chunk: bool,
                      limits: Limits) -> None:
    # Searches start at offsets instead of slicing: a slice would copy the megabyte.
    if first_chunk:
        dimension = _DIMENSION.search(window)
        if dimension and dimension.group(3):
            rows = int(dimension.group(4)) - int(dimension.group(2)) + 1
            columns = column_number(dimension.group(3).decode()) - column_number(dimension.group(1).decode()) + 1
            if rows > limits.max_rows_per_sheet + 1:
                raise _too_big("too_many_rows", layout, limit=limits.max_rows_per_sheet)
            if columns > limits.max_columns_per_sheet:
                raise _too_big("too_many_columns", layout, count=columns, limit=limits.max_columns_per_sheet)
    if layout.first_cell is None:
        found = _FIRST_VALUE_CELL.search(window)
        if found:
            layout.first_cell = (found.group(1).decode(), int(found.group(2)))
    # Counting row tags catches a sheet whose <dimension> is missing or lies.
    # Start 4 bytes early: a "<row " cut by the chunk boundary is counted here.
    layout.rows += window.count(b"<row", max(overlap - 4, 0))  # may count a <rowBreaks> too: harmless
    if layout.rows > limits.max_rows_per_sheet + 1:
        raise _too_big("too_many_rows", layout, limit=limits.max_rows_per_sheet)
    if window.find(b"<f", overlap) != -1:
        for match in _FORMULA_CELL.finditer(window):
            if match.end() <= overlap:
                continue  # counted with the previous chunk
            layout.formula_count += 1
            if len(layout.formula_cells) < FORMULA_REFS_KEPT:
                layout.formula_cells.append(match.group(1).decode())
    # Most sheets hold no error value: the regex runs only on a window that has one.
    if window.find(b't="e"') != -1:
        for match in _ERROR_CELL.finditer(window):
            if match.end() <= overlap:
                continue  # counted with the previous chunk
            layout.error_count += 1
            if len(layout.error_cells) < ERROR_REFS_KEPT:
                layout.error_cells.append((match.group(1).decode(), match.group(2).decode(errors="replace")))
    if window.find(b"<mergeCell ", max(overlap - 11, 0)) != -1:
        for match in _MERGE.finditer(window):
            if match.end() > overlap:
                layout.merged.append(match.group(1).decode())


def check_container(path: Path, limits: Limits = DEFAULT_LIMITS) -> int:
    """Step 1 of the module docstring (nothing inflated): refuse, or return the parts' declared total size."""
    check_size(path, limits)
    _check_signature(path)
    with _damage_refused(), zipfile.ZipFile(path) as archive:
        _check_directory(archive, limits)
        return sum(info.file_size for info in archive.infolist())


def scan_parts(path: Path, limits: Limits = DEFAULT_LIMITS) -> XlsxLayout:
    """Step 2 of the module docstring, on a file that passed :func:`check_container`."""
    with _damage_refused(), zipfile.ZipFile(path) as archive:
        # workbook.xml and its rels are read whole below: scan them first.
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if name in archive.namelist():
                _scan_part(archive, archive.getinfo(name), None, limits)
        parts = _sheet_parts(archive)
        sheets: list[SheetLayout] = []
        for info in archive.infolist():
            layout = None
            if info.filename in parts:
                layout = SheetLayout(title=parts[info.filename], part=info.filename)
                sheets.append(layout)
            _scan_part(archive, info, layout, limits)
    return XlsxLayout(sheets)


def inspect_xlsx(path: Path, limits: Limits = DEFAULT_LIMITS) -> XlsxLayout:
    """Refuse a hostile or unreadable .xlsx (WorkbookRefused), or describe its sheets."""
    check_container(path, limits)
    return scan_parts(path, limits)


@contextmanager
def _damage_refused() -> Iterator[None]:
    """What zipfile, zlib and the XML parser raise on a broken file, as a refusal an analyst can read."""
    try:
        yield
    except WorkbookRefused:
        raise
    except DefusedXmlException:
        raise _refuse("xml_entities", part="xl/workbook.xml") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError, ValueError,
            NotImplementedError, SafeET.ParseError) as error:
        raise _refuse("damaged", detail=str(error)[:200]) from None


def _cell_patterns(letters: Collection[str]) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """(column letters, row, type) of the cells of these columns: fast, and in any attribute order.

    Excel, LibreOffice and openpyxl write r first (<c r="K5" s="1" t="s">), which the fast
    pattern finds by its literal start; the second finds r anywhere, about seven times slower.
    """
    alternatives = b"|".join(sorted(letter.encode() for letter in letters))
    kind = rb'(?:[^>]*?\bt="(\w+)")?'
    fast = re.compile(rb'<c r="(' + alternatives + rb')(\d+)"' + kind)
    any_order = re.compile(rb'<c\b(?=[^>]*?\br="(' + alternatives + rb')(\d+)")' + kind)
    return fast, any_order


def _cell_types(path: Path, part: str, wanted: dict[str, set[int]], pattern: re.Pattern[bytes]) -> dict[str, bytes]:
    """Reference -> type ("" when none) of the wanted cells found, streaming the part."""
    last_row = max(max(rows) for rows in wanted.values())
    types: dict[str, bytes] = {}
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            # Tags are short: one cut by the previous chunk's end starts in the last bytes
            # of the overlap, and is read whole here (the later, whole reading wins).
            for letter, row, kind in pattern.findall(window, max(len(tail) - 1024, 0)):
                number = int(row)
                if number in wanted.get(letter.decode(), ()):
                    types[f"{letter.decode()}{number}"] = kind
            rows = _LAST_ROW.findall(window, max(len(window) - OVERLAP, 0))
            if rows and int(rows[-1]) > last_row:
                break  # rows come in order: every candidate is behind us
            tail = window[-OVERLAP:]
    return types


def number_cells(path: Path, part: str, candidates: Mapping[str, Collection[int]]) -> set[str]:
    """Of the candidate cells (column letters -> Excel rows), the references of number cells.

    A number cell has no type or type "n"; text is "s" (shared), "str" (a formula's text)
    or "inlineStr". The part is streamed like in :func:`inspect_xlsx` (it already passed
    that inspection), looking only at the candidate columns, and the pass stops after the
    last candidate row. A candidate not found stays out of the result, so it is read as
    text: a cell is taken for a number only when the file says so.
    """
    wanted = {letter: set(rows) for letter, rows in candidates.items() if rows}
    if not wanted:
        return set()
    fast, any_order = _cell_patterns(wanted)
    types = _cell_types(path, part, wanted, fast)
    missing: dict[str, set[int]] = {}
    for letter, rows in wanted.items():
        for row in rows:
            if f"{letter}{row}" not in types:
                missing.setdefault(letter, set()).add(row)
    if missing:  # a writer that puts r after other attributes
        types |= _cell_types(path, part, missing, any_order)
    return {reference for reference, kind in types.items() if kind in (b"", b"n")}
