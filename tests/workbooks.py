"""Builders of good and hostile workbooks for the ETL tests.

Small edits go through openpyxl on a copy of a bundled sample workbook.
Big or malformed cases are made by editing the parts inside the zip (or the
zip's own headers), so no test writes a million rows or holds a bomb in
memory.
"""

from __future__ import annotations

import csv
import re
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from etl.warehouse import SAMPLE_DIR

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SHEET_PARTS = {  # worksheet parts of the bundled samples (openpyxl keeps this order on save)
    "participants": "xl/worksheets/sheet1.xml",
    "activities": "xl/worksheets/sheet2.xml",
    "benefits": "xl/worksheets/sheet3.xml",
    "obstacles": "xl/worksheets/sheet4.xml",
}


def _billion_laughs() -> bytes:
    """An XML prolog declaring ten nested levels of ten-fold entity expansion."""
    lines = [b'<?xml version="1.0" encoding="UTF-8"?>', b"<!DOCTYPE lolz [", b' <!ENTITY lol0 "lol">']
    for level in range(1, 10):
        lines.append(b' <!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10))
    return b"\n".join([*lines, b"]>", b""])


BILLION_LAUGHS = _billion_laughs()
Edit = Callable[[Workbook], None]


def sample(year: int = 2017) -> Path:
    """A bundled, valid sample workbook."""
    return SAMPLE_DIR / f"{year}.xlsx"


def copy_sample(target: Path, year: int = 2017) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample(year), target)
    return target


def edited_sample(target: Path, edit: Edit, year: int = 2017) -> Path:
    """A copy of a sample workbook changed by ``edit`` (openpyxl), saved as ``target``."""
    workbook = load_workbook(sample(year))
    edit(workbook)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def header_columns(sheet: Worksheet) -> dict[str, str]:
    """Header text of row 1 -> column letter."""
    return {str(cell.value): cell.column_letter for cell in sheet[1] if cell.value is not None}


def cell_of(sheet: Worksheet, column: str, row: int) -> str:
    """Reference such as "K5" of a schema column (found by its header) on an Excel row."""
    return f"{header_columns(sheet)[column]}{row}"


def set_cells(sheet_name: str, values: Mapping[tuple[str, int], object]) -> Edit:
    """An edit setting (column header, Excel row) -> value on one sheet."""

    def edit(workbook: Workbook) -> None:
        sheet = workbook[sheet_name]
        for (column, row), value in values.items():
            sheet[cell_of(sheet, column, row)] = value

    return edit


def read_parts(path: Path) -> dict[str, bytes]:
    """Every part of a zip, in directory order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(target: Path, parts: Mapping[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def rezipped(source: Path, target: Path, replace: Mapping[str, bytes | None] | None = None,
             add: Mapping[str, bytes] | None = None, first: Mapping[str, bytes] | None = None) -> Path:
    """A copy of a zip with parts replaced (None removes a part), added at the end or at the front."""
    parts = read_parts(source)
    for name, data in (replace or {}).items():
        assert name in parts, f"{name} not in {source.name}"
        if data is None:
            del parts[name]
        else:
            parts[name] = data
    return write_zip(target, {**(first or {}), **parts, **(add or {})})


def edit_part(source: Path, target: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of a zip whose one part is rewritten by ``change`` (which must change it)."""
    before = read_parts(source)[part]
    after = change(before)
    assert after != before, f"the edit did not change {part}"
    return rezipped(source, target, replace={part: after})


def with_doctype(xml: bytes) -> bytes:
    """The part with a billion-laughs DOCTYPE in its prolog (and an entity used in it)."""
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    body = body.replace(b"<t>", b"<t>&lol9;", 1) if b"<t>" in body else body
    return BILLION_LAUGHS + body.lstrip()


def ole_file(target: Path, stream_names: tuple[str, ...] = ()) -> Path:
    """A minimal OLE2 compound file: the signature, a header sector, a directory naming ``stream_names``.

    Enough for the first-bytes sniffing that tells an .xls from a password-protected .xlsx
    (an OLE container with an "EncryptedPackage" stream).
    """
    header = OLE_MAGIC + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header = header.ljust(512, b"\0")
    directory = b""
    for name in ("Root Entry", *stream_names):
        encoded = (name + "\0").encode("utf-16-le")
        entry = encoded.ljust(64, b"\0") + struct.pack("<H", len(encoded)) + b"\x02\x01"
        directory += entry.ljust(128, b"\0")
    filler = bytes(4096)  # some sectors of content before the directory, as in real files
    target.write_bytes(header + filler + directory.ljust(512, b"\0"))
    return target


def docx_file(target: Path) -> Path:
    """A minimal Word document (a zip without xl/workbook.xml)."""
    return write_zip(target, {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                               b'package/2006/content-types"/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                             b'wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>',
    })


def ods_file(target: Path) -> Path:
    """A minimal OpenDocument spreadsheet."""
    return write_zip(target, {
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                                 b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        "content.xml": b'<?xml version="1.0"?><office:document-content xmlns:office='
                       b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
    }, compression=zipfile.ZIP_STORED)


def _deflated_repeats(block: bytes, count: int) -> Iterator[bytes]:
    """Raw deflate of ``block`` repeated ``count`` times, yielded piece by piece.

    After a full flush the compressor starts afresh on a byte boundary, so the
    compressed form of the block is the same every time: it is made once and
    repeated, and the whole input never exists in memory.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    for _ in range(count):
        yield piece
    yield compressor.flush(zlib.Z_FINISH)


def zip_bomb(target: Path, bomb_part: str = "xl/worksheets/sheet1.xml", size: int = 1 << 30,
             year: int = 2017) -> Path:
    """A sample workbook whose ``bomb_part`` (first in the zip) inflates to ``size`` bytes of spaces.

    The zip is written by hand, streaming: about 1 MB on disk, never ``size`` bytes in memory.
    Every other part is copied from the sample, so only the bomb is wrong.
    """
    block_size = 1 << 20
    assert size % block_size == 0
    block = b" " * block_size
    crc = 0
    for _ in range(size // block_size):
        crc = zlib.crc32(block, crc)
    others = {name: data for name, data in read_parts(sample(year)).items() if name != bomb_part}
    entries: list[tuple[bytes, int, int, int, int, int]] = []  # name, crc, csize, usize, offset, method
    with open(target, "wb") as handle:

        def local(name: bytes, crc: int, csize: int, usize: int, method: int) -> None:
            entries.append((name, crc, csize, usize, handle.tell(), method))
            handle.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21,
                                     crc, csize, usize, len(name), 0) + name)

        # The bomb: its compressed size is only known after writing, so patch it in.
        name = bomb_part.encode()
        local(name, crc, 0, size, 8)
        start = handle.tell()
        for piece in _deflated_repeats(block, size // block_size):
            handle.write(piece)
        compressed = handle.tell() - start
        handle.seek(entries[0][4] + 18)
        handle.write(struct.pack("<I", compressed))
        handle.seek(0, 2)
        entries[0] = (name, crc, compressed, size, entries[0][4], 8)
        for other, data in others.items():
            packed = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = packed.compress(data) + packed.flush()
            local(other.encode(), zlib.crc32(data), len(body), len(data), 8)
            handle.write(body)
        directory_start = handle.tell()
        for entry_name, entry_crc, csize, usize, offset, method in entries:
            handle.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21,
                                     entry_crc, csize, usize, len(entry_name), 0, 0, 0, 0, 0, offset)
                         + entry_name)
        directory_size = handle.tell() - directory_start
        handle.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                                 directory_size, directory_start, 0))
    return target


def forge_declared_size(path: Path, part: str, declared: int) -> Path:
    """Patch the local and central headers of ``part`` to declare ``declared`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    assert declared < info.file_size
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    data[local + 22:local + 26] = struct.pack("<I", declared)
    patched = 0
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + name_length]) == part.encode():
            data[central + 24:central + 28] = struct.pack("<I", declared)
            patched += 1
        central = data.find(b"PK\x01\x02", central + 4)
    assert patched == 1
    path.write_bytes(bytes(data))
    return path


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
SPREADSHEET_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHARED_RELATIONSHIP = (b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/'
                        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
_SHARED_OVERRIDE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')


def _with_shared_part(parts: Mapping[str, bytes]) -> dict[str, bytes]:
    """The workbook relationships and content types, changed to declare xl/sharedStrings.xml."""
    return {
        "xl/_rels/workbook.xml.rels": parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", _SHARED_RELATIONSHIP + b"</Relationships>"),
        "[Content_Types].xml": parts["[Content_Types].xml"].replace(b"</Types>", _SHARED_OVERRIDE + b"</Types>"),
    }


def with_shared_strings(source: Path, target: Path, prolog: bytes = XML_DECLARATION) -> Path:
    """A copy whose participants!A2 is a shared string, in a sharedStrings part starting with ``prolog``.

    The bundled samples (like openpyxl 3.1) write inline strings only; Excel writes shared ones.
    """
    parts = read_parts(source)
    sheet = parts[SHEET_PARTS["participants"]]
    start = sheet.index(b'<c r="A2"')
    end = sheet.index(b"</c>", start) + len(b"</c>")
    text = sheet[start:end].split(b"<t>", 1)[1].split(b"</t>", 1)[0]
    shared = (prolog + b'<sst xmlns="' + SPREADSHEET_NS + b'" count="1" uniqueCount="1"><si><t>'
              + (text + b"&lol9;" if b"<!ENTITY" in prolog else text) + b"</t></si></sst>")
    return rezipped(source, target, replace={
        SHEET_PARTS["participants"]: sheet[:start] + b'<c r="A2" t="s"><v>0</v></c>' + sheet[end:],
        **_with_shared_part(parts),
    }, add={"xl/sharedStrings.xml": shared})


_INLINE_STRING = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)


def with_all_shared_strings(source: Path, target: Path) -> Path:
    """A copy whose every text cell, on every sheet, is a shared string (t="s"), as Excel writes them."""
    parts = read_parts(source)
    texts: dict[bytes, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        index = texts.setdefault(match.group(3), len(texts))
        return b'<c ' + match.group(1) + b't="s"' + match.group(2) + b"><v>%d</v></c>" % index

    replace: dict[str, bytes | None] = {part: _INLINE_STRING.sub(shared, parts[part]) for part in SHEET_PARTS.values()}
    items = b"".join(b"<si><t>" + text + b"</t></si>" for text in texts)
    counts = b' count="%d" uniqueCount="%d"' % (len(texts), len(texts))
    shared_part = XML_DECLARATION + b'<sst xmlns="' + SPREADSHEET_NS + b'"' + counts + b">" + items + b"</sst>"
    return rezipped(source, target, replace={**replace, **_with_shared_part(parts)},
                    add={"xl/sharedStrings.xml": shared_part})


def with_cell_xml(source: Path, target: Path, sheet_name: str, reference: str, cell: bytes) -> Path:
    """A copy whose cell ``reference`` on ``sheet_name`` is replaced by the raw XML ``cell``.

    For what openpyxl cannot write: an error value with its formula, attributes in another order.
    """
    def change(xml: bytes) -> bytes:
        found = re.search(rb'<c r="' + reference.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
        assert found, f"no cell {reference} in {sheet_name}"
        return xml[:found.start()] + cell + xml[found.end():]

    return edit_part(source, target, SHEET_PARTS[sheet_name], change)


def write_csv(target: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    """A CSV file (UTF-8) of ``rows``, the first being the header."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return target


def another_partners_year(target: Path, year: int, partner: str, source_year: int = 2019) -> Path:
    """A sample workbook moved to ``year`` and to the partner city ``partner`` (its label, as an analyst
    writes it): every row's year, activity dates and partner city, and the host cities and beneficiaries named
    Beijing."""
    workbook = load_workbook(sample(source_year))
    for sheet in workbook.worksheets:
        header = {cell.value: cell.column for cell in sheet[1]}
        for row in range(2, sheet.max_row + 1):
            if all(cell.value is None for cell in sheet[row]):
                continue
            for name in ("year", "partner_city", "host_city", "beneficiary", "start_date", "end_date"):
                if name not in header:
                    continue
                cell = sheet.cell(row, header[name])
                if name == "year":
                    cell.value = year
                elif name.endswith("_date"):
                    cell.value = cell.value.replace(year=cell.value.year + year - source_year)
                elif name == "partner_city" or cell.value == "Beijing":
                    cell.value = partner
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target
