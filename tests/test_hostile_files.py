"""Malformed and hostile files: each gets a clear, located problem and changes nothing.

This is the SPEC's "Bad input" quality bar. Every case asserts what the analyst
sees: the problem code, where it is (sheet, Excel row, cell, column header),
and a message in Indonesian and English that is not a traceback or a repr.
A representative subset goes through ``load_files`` to prove the warehouse is
left exactly as it was. A few spellings analysts really use must be accepted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pyarrow as pa
import pytest
from openpyxl import Workbook, load_workbook

from etl import guard, parse, schema
from etl.load import FileCheck, LoadRejected, check_file, load_files
from etl.problems import Problem, Severity, error_count, errors
from etl.schema import Limits
from etl.warehouse import Warehouse
from tests.cli import run_cli, run_cli_process
from tests.workbooks import (
    BILLION_LAUGHS,
    SHEET_PARTS,
    cell_of,
    copy_sample,
    docx_file,
    edit_part,
    edited_sample,
    forge_declared_size,
    ods_file,
    ole_file,
    read_parts,
    rezipped,
    sample,
    set_cells,
    with_cell_xml,
    with_doctype,
    with_shared_strings,
    zip_bomb,
)
from translations import translate

REPO_ROOT = Path(__file__).resolve().parents[1]
LANGS = ("id", "en")
KEY = b"k" * 32  # a fixed pseudonymisation key, so clean tables can be compared
# What must never reach an analyst: tracebacks, reprs, unfilled placeholders, bytes.
NOT_FOR_ANALYSTS = re.compile(
    r"Traceback|File \"|Error\(|Exception|object at 0x|<class|\{|\}|\bNone\b|\\x[0-9a-f]{2}|b'")
SAMPLE_PARTS = len(read_parts(sample()))  # parts in the sample zip, for the too-many-parts case

Builder = Callable[[Path], Path]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def assert_clear(problem: Problem) -> None:
    """The message is there in both languages, differs between them, and is plain text."""
    messages = {lang: problem.message(lang) for lang in LANGS}
    for lang, message in messages.items():
        assert message.strip(), f"empty {lang} message for {problem.code}"
        assert not message.startswith("problem."), f"no {lang} catalogue entry for {problem.code}"
        assert not NOT_FOR_ANALYSTS.search(message), f"{lang} message of {problem.code}: {message!r}"
    assert messages["id"] != messages["en"], f"{problem.code} is not translated: {messages['en']!r}"


def refused(path: Path, **kwargs: object) -> Problem:
    """The one problem of a file refused as a whole (nothing parsed), checked for clarity."""
    check = check_file(path, **kwargs)  # type: ignore[arg-type]
    assert not check.ok
    assert check.refusal is not None, [p.code for p in check.problems]
    assert check.validation is None
    assert check.problems == [check.refusal]
    assert check.refusal.severity is Severity.ERROR
    assert_clear(check.refusal)
    return check.refusal


def checked(path: Path, **kwargs: object) -> FileCheck:
    """A file that was read and validated (not refused), every problem checked for clarity."""
    check = check_file(path, **kwargs)  # type: ignore[arg-type]
    assert check.refusal is None, check.refusal
    for problem in check.problems:
        assert_clear(problem)
    return check


def problems_of(check: FileCheck, code: str) -> list[Problem]:
    return [problem for problem in check.problems if problem.code == code]


def only(check: FileCheck, code: str) -> Problem:
    """The single problem with this code; fails listing every code found otherwise."""
    found = problems_of(check, code)
    assert len(found) == 1, f"{code}: {[(p.code, p.location()) for p in check.problems]}"
    return found[0]


def error_codes(check: FileCheck) -> set[str]:
    return {problem.code for problem in check.problems if problem.severity is Severity.ERROR}


def in_both(problem: Problem, *fragments: str) -> None:
    """Each fragment (a cell, a value, a number) appears in the Indonesian and English message."""
    for lang in LANGS:
        message = problem.message(lang)
        for fragment in fragments:
            assert fragment in message, f"{fragment!r} not in {lang} message {message!r}"


def clean(check: FileCheck) -> dict[str, list[dict[str, object]]]:
    """The rows the warehouse would store, per sheet."""
    assert check.ok and check.validation is not None, [(p.code, p.location()) for p in check.problems]
    tables: dict[str, pa.Table] = check.validation.clean_tables(KEY)
    return {name: table.to_pylist() for name, table in tables.items()}


def snapshot(warehouse: Warehouse) -> dict[str, object]:
    """Everything a load could change: version, history, rows per sheet and year, files on disk."""
    with warehouse.connect_reader() as connection:
        rows = {sheet.name: connection.execute(
            f'SELECT year, count(*) FROM "{sheet.name}" GROUP BY year ORDER BY year').fetchall()
            for sheet in schema.SHEETS}
    files = sorted((str(p.relative_to(warehouse.directory)), hashlib.sha256(p.read_bytes()).hexdigest())
                   for p in warehouse.directory.rglob("*") if p.is_file() and not p.is_symlink())
    return {"version": warehouse.data_version(), "history": warehouse.history(), "rows": rows,
            "current": warehouse.current_file(), "files": files}


def read_rows(path: Path, sheet_name: str) -> list[tuple[object, ...]]:
    """The data rows (without the header) of a sheet."""
    return list(load_workbook(path, read_only=True)[sheet_name].iter_rows(min_row=2, values_only=True))


@cache
def _sample_rows(sheet_name: str, year: int = 2017) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    rows = list(load_workbook(sample(year), read_only=True)[sheet_name].iter_rows(values_only=True))
    return tuple(str(name) for name in rows[0]), rows[1:]


def sample_value(sheet_name: str, column: str, row: int, year: int = 2017) -> object:
    """A cell of a sample workbook, by column name and Excel row."""
    names, rows = _sample_rows(sheet_name, year)
    return rows[row - 2][names.index(column)]


def first_sample_row(sheet_name: str, column: str, code: str, year: int = 2017) -> int:
    """The first Excel row of a sample sheet whose category cell means ``code``."""
    names, rows = _sample_rows(sheet_name, year)
    vocabulary = schema.SHEETS_BY_NAME[sheet_name].column(column).vocabulary
    assert vocabulary is not None
    spellings = dict(schema.category_spellings(vocabulary))
    index = names.index(column)
    return next(number + 2 for number, row in enumerate(rows)
                if row[index] is not None and spellings.get(schema.normalize_value(str(row[index]))) == code)


def relabel(sheet_name: str, headers: dict[str, str], order: list[str]) -> Callable[[Workbook], None]:
    """An edit rewriting a sheet with the columns in ``order`` and headers renamed by ``headers``."""

    def edit(workbook: Workbook) -> None:
        sheet = workbook[sheet_name]
        rows = list(sheet.iter_rows(values_only=True))
        names = [str(name) for name in rows[0]]
        assert sorted(order) == sorted(names)
        sheet.delete_rows(1, sheet.max_row)
        sheet.append([headers.get(name, name) for name in order])
        for row in rows[1:]:
            values = dict(zip(names, row, strict=True))
            sheet.append([values[name] for name in order])

    return edit


def respell(sheet_name: str, spell: Callable[[schema.Column, str, int], str]) -> Callable[[Workbook], None]:
    """An edit replacing every category cell of a sheet by ``spell(column, code, row)``."""

    def edit(workbook: Workbook) -> None:
        sheet = workbook[sheet_name]
        definition = schema.SHEETS_BY_NAME[sheet_name]
        for column in definition.columns:
            if column.vocabulary is None:
                continue
            spellings = dict(schema.category_spellings(column.vocabulary))
            letter = cell_of(sheet, column.name, 1)[:-1]
            for row in range(2, sheet.max_row + 1):
                value = sheet[f"{letter}{row}"].value
                code = spellings.get(schema.normalize_value(str(value))) if value is not None else None
                if code is not None:
                    sheet[f"{letter}{row}"] = spell(column, code, row)

    return edit


# --------------------------------------------------------------------------
# Builders of files refused as a whole
# --------------------------------------------------------------------------

def pdf_named_xlsx(directory: Path) -> Path:
    path = directory / "2019.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n")
    return path


def text_named_xlsx(directory: Path) -> Path:
    path = directory / "peserta 2019.xlsx"
    path.write_text("participant_id,year\nP2019-001,2019\n", encoding="utf-8")
    return path


def docx_named_xlsx(directory: Path) -> Path:
    return docx_file(directory / "2019.xlsx")


def docx_as_docx(directory: Path) -> Path:
    return docx_file(directory / "laporan 2019.docx")


def xls(directory: Path) -> Path:
    return ole_file(directory / "2019.xls", ("Workbook",))


def xls_named_xlsx(directory: Path) -> Path:
    return ole_file(directory / "2019.xlsx", ("Workbook", "\x05SummaryInformation"))


def encrypted_xlsx(directory: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE container, not a zip."""
    return ole_file(directory / "2019.xlsx", ("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"))


def xlsm(directory: Path) -> Path:
    return copy_sample(directory / "2017.xlsm")


def xlsx_with_vba(directory: Path) -> Path:
    """A macro-enabled workbook renamed to .xlsx still carries its VBA project."""
    vba_project = ole_file(directory / "vbaProject.bin", ("VBA", "PROJECT")).read_bytes()
    return rezipped(sample(), directory / "2017.xlsx", add={"xl/vbaProject.bin": vba_project})


def ods_named_xlsx(directory: Path) -> Path:
    return ods_file(directory / "2019.xlsx")


def ods(directory: Path) -> Path:
    return ods_file(directory / "2019.ods")


def entities_in_sheet(directory: Path) -> Path:
    return edit_part(sample(), directory / "2017.xlsx", SHEET_PARTS["activities"], with_doctype)


def entities_in_shared_strings(directory: Path) -> Path:
    return with_shared_strings(sample(), directory / "2017.xlsx", BILLION_LAUGHS)


def entities_in_workbook_xml(directory: Path) -> Path:
    return edit_part(sample(), directory / "2017.xlsx", "xl/workbook.xml", with_doctype)


def too_many_parts(directory: Path) -> Path:
    extra = {f"customXml/item{number}.xml": b"<a/>" for number in range(2001)}
    return rezipped(sample(), directory / "2017.xlsx", add=extra)


def size_forged(directory: Path) -> Path:
    """The participants part declares 1,000 bytes but inflates to about 76 kB."""
    return forge_declared_size(copy_sample(directory / "2017.xlsx"), SHEET_PARTS["participants"], 1000)


def empty_file(directory: Path) -> Path:
    path = directory / "2019.xlsx"
    path.write_bytes(b"")
    return path


def csv_with_binary(directory: Path) -> Path:
    path = directory / "peserta.csv"
    path.write_bytes(b"participant_id,year\nP1,2019\n\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n")
    return path


def csv_with_binary_without_nul(directory: Path) -> Path:
    """Binary content with no NUL byte (e.g. a JPEG header and high bytes): only the CSV parser can tell."""
    path = directory / "peserta.csv"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(1, 256)) * 4)
    return path


def xlsx_named_csv(directory: Path) -> Path:
    return copy_sample(directory / "peserta.csv")


# --------------------------------------------------------------------------
# Files refused as a whole
# --------------------------------------------------------------------------

@pytest.mark.parametrize(("build", "code", "fragments"), [
    pytest.param(pdf_named_xlsx, "not_xlsx", (".xlsx",), id="pdf-renamed-xlsx"),
    pytest.param(text_named_xlsx, "not_xlsx", (".xlsx",), id="text-renamed-xlsx"),
    pytest.param(docx_named_xlsx, "not_xlsx", (".xlsx",), id="docx-renamed-xlsx"),
    pytest.param(docx_as_docx, "unsupported_extension", (".docx", ".xlsx"), id="docx"),
    pytest.param(xls, "old_xls", (".xls", ".xlsx"), id="xls"),
    pytest.param(xls_named_xlsx, "old_xls", (".xls", ".xlsx"), id="xls-renamed-xlsx"),
    pytest.param(encrypted_xlsx, "encrypted", (), id="password-protected"),
    pytest.param(xlsm, "macro_enabled", ("VBA", ".xlsx"), id="xlsm"),
    pytest.param(xlsx_with_vba, "macro_enabled", ("VBA", ".xlsx"), id="vba-project-in-xlsx"),
    pytest.param(ods_named_xlsx, "ods", (".ods", ".xlsx"), id="ods-renamed-xlsx"),
    pytest.param(ods, "ods", (".ods", ".xlsx"), id="ods"),  # by its name: how to save it, not only "not accepted"
    pytest.param(entities_in_sheet, "xml_entities", ("xl/worksheets/sheet2.xml",), id="entities-in-sheet"),
    pytest.param(entities_in_shared_strings, "xml_entities", ("xl/sharedStrings.xml",),
                 id="entities-in-shared-strings"),
    pytest.param(entities_in_workbook_xml, "xml_entities", ("xl/workbook.xml",),
                 id="entities-in-workbook-xml"),
    pytest.param(too_many_parts, "too_many_parts", (str(SAMPLE_PARTS + 2001), "2000"), id="too-many-parts"),
    pytest.param(size_forged, "damaged", ("sheet1.xml",), id="declared-size-forged"),
    pytest.param(empty_file, "empty_file", (), id="empty-file"),
    pytest.param(csv_with_binary, "csv_unreadable", ("CSV",), id="csv-binary"),
    pytest.param(csv_with_binary_without_nul, "csv_unreadable", ("CSV",), id="csv-binary-without-nul"),
    pytest.param(xlsx_named_csv, "csv_unreadable", ("CSV",), id="xlsx-renamed-csv"),
])
def test_file_is_refused_with_a_clear_reason(tmp_path: Path, build: Builder, code: str,
                                             fragments: tuple[str, ...]) -> None:
    """A file that is not a safe .xlsx/.csv is refused before parsing, saying why and what to do."""
    problem = refused(build(tmp_path))
    assert problem.code == code
    in_both(problem, *fragments)


def test_unreadable_csv_message_does_not_show_the_server_path(tmp_path: Path) -> None:
    """BUG: an uploaded file is stored under a temporary name; the message must not show that path."""
    stored = tmp_path / "upload-7f3a.csv"
    csv_with_binary_without_nul(tmp_path).rename(stored)
    problem = refused(stored, original_name="peserta.csv")
    assert problem.code == "csv_unreadable"
    for lang in LANGS:
        assert str(tmp_path) not in problem.message(lang)
        assert stored.name not in problem.message(lang)


def test_shared_strings_builder_is_readable_without_the_doctype(tmp_path: Path) -> None:
    """Guards the test above: the shared-strings workbook is refused for its DOCTYPE alone."""
    check = check_file(with_shared_strings(sample(), tmp_path / "2017.xlsx"))
    assert check.ok, [(p.code, p.location()) for p in check.problems]


def test_docx_builder_is_a_zip_without_a_workbook(tmp_path: Path) -> None:
    """Guards the renamed-.docx case: it is a zip (so refused by content, not by its first bytes)."""
    parts = read_parts(docx_named_xlsx(tmp_path))
    assert "word/document.xml" in parts and "xl/workbook.xml" not in parts


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample workbook whose participants part inflates to 1 GiB of spaces (about 1 MB on disk)."""
    path = zip_bomb(tmp_path_factory.mktemp("bomb") / "2017.xlsx")
    assert path.stat().st_size < 2 * 2**20
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET_PARTS["participants"]).file_size == 2**30
    return path


def test_zip_bomb_is_refused_without_inflating_it(bomb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1 GiB part packed into 1 MB is refused from the zip directory alone: no part is inflated,
    no parse starts (how fast that is, is the benchmark's to say)."""
    streamed: list[str] = []
    scan = guard._scan_part

    def spy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *args: object) -> None:
        streamed.append(info.filename)
        scan(archive, info, *args)  # type: ignore[arg-type]

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a parse started")

    monkeypatch.setattr(guard, "_scan_part", spy)
    monkeypatch.setattr(parse, "parse_sheets", no_parse)
    monkeypatch.setattr(parse._Child, "start", no_parse)
    problem = refused(bomb)
    assert problem.code == "zip_bomb"
    assert problem.params["part"] == SHEET_PARTS["participants"]
    assert int(problem.params["ratio"]) > Limits().max_compression_ratio  # type: ignore[call-overload]
    in_both(problem, SHEET_PARTS["participants"], str(problem.params["ratio"]))
    assert streamed == []  # no part was inflated


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    """A file over Limits.max_file_bytes is refused by its size, saying both sizes."""
    padding = {"xl/media/image1.png": os.urandom(3 * 2**20 // 2)}  # incompressible: the file is ~1.5 MB
    path = rezipped(sample(), tmp_path / "2017.xlsx", add=padding)
    problem = refused(path, limits=Limits(max_file_bytes=2**20))
    assert problem.code == "too_large_file"
    assert "1,5 MB" in problem.message("id") and "1.5 MB" in problem.message("en")
    for lang in LANGS:
        assert " 1 MB" in problem.message(lang)


# --------------------------------------------------------------------------
# Huge sheets
# --------------------------------------------------------------------------

def _dimension(ref: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', xml, count=1)


def _without_dimension(xml: bytes) -> bytes:
    return re.sub(rb"<dimension [^>]*/>", b"", xml, count=1)


@pytest.mark.parametrize(("change", "limits", "code", "fragments"), [
    pytest.param(_dimension(b"A1:N2000000"), Limits(), "too_many_rows", ("1048576",),
                 id="declared-2M-rows"),
    pytest.param(_dimension(b"A1:ZZ14"), Limits(), "too_many_columns", ("702", "100"),
                 id="declared-702-columns"),
    pytest.param(None, Limits(max_rows_per_sheet=10), "too_many_rows", ("10",), id="rows-over-small-limit"),
    pytest.param(_without_dimension, Limits(max_rows_per_sheet=10), "too_many_rows", ("10",),
                 id="rows-counted-without-dimension"),
    pytest.param(_dimension(b"A1:N2"), Limits(max_rows_per_sheet=10), "too_many_rows", ("10",),
                 id="rows-counted-when-dimension-lies"),
])
def test_huge_sheet_is_refused_before_parsing(tmp_path: Path, change: Callable[[bytes], bytes] | None,
                                              limits: Limits, code: str, fragments: tuple[str, ...]) -> None:
    """A sheet beyond the row/column limits is refused by the guard, whatever its <dimension> says."""
    target = tmp_path / "2017.xlsx"
    if change is None:
        path = copy_sample(target)
    else:
        path = edit_part(sample(), target, SHEET_PARTS["activities"], change)
    problem = refused(path, limits=limits)
    assert problem.code == code
    in_both(problem, *fragments)


def test_huge_sheet_refusal_names_the_sheet(tmp_path: Path) -> None:
    """BUG: "The sheet has more than N rows" must say which of the four sheets it is."""
    path = edit_part(sample(), tmp_path / "2017.xlsx", SHEET_PARTS["activities"], _dimension(b"A1:N2000000"))
    problem = refused(path)
    assert problem.code == "too_many_rows"
    assert problem.sheet == "activities"


def test_sample_is_within_a_limit_it_meets() -> None:
    """Guards the row-limit cases: the same sample passes when the limit fits its 100 rows."""
    assert check_file(sample(), limits=Limits(max_rows_per_sheet=100)).ok


# --------------------------------------------------------------------------
# Layout problems (header, merged cells, formulas)
# --------------------------------------------------------------------------

@pytest.mark.parametrize("title", ["Data peserta Jakarta Sister City Youth Program 2017", None],
                         ids=["title-row", "blank-row"])
def test_header_not_on_first_row(tmp_path: Path, title: str | None) -> None:
    """A title (or blank) row above the header is reported on the sheet, with the row it found."""

    def edit(workbook: Workbook) -> None:
        workbook["participants"].insert_rows(1)
        workbook["participants"]["A1"] = title

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    problem = only(check, "header_not_first_row")
    assert (problem.sheet, problem.row) == ("participants", 2)
    assert problem.location() == "participants!2"
    in_both(problem, "2", "1")
    assert "missing_sheet" not in error_codes(check)  # the sheet is named as broken, not as missing
    assert not check.ok


def test_header_not_starting_in_column_a(tmp_path: Path) -> None:
    """A header shifted right by an empty column is reported with the column where it starts."""
    check = checked(edited_sample(tmp_path / "2017.xlsx", lambda wb: wb["activities"].insert_cols(1)))
    problem = only(check, "header_not_column_a")
    assert (problem.sheet, problem.row, problem.params["found"]) == ("activities", 1, "B")
    in_both(problem, "B", "A")
    assert error_codes(check) == {"header_not_column_a"}


def test_merged_cells(tmp_path: Path) -> None:
    """Merged cells are reported by their range, at the first cell."""
    check = checked(edited_sample(tmp_path / "2017.xlsx", lambda wb: wb["participants"].merge_cells("J2:J3")))
    problem = only(check, "merged_cells")
    assert (problem.sheet, problem.row, problem.cell, problem.value) == ("participants", 2, "J2", "J2:J3")
    in_both(problem, "J2:J3")
    assert not check.ok


def test_formulas_are_reported_per_cell(tmp_path: Path) -> None:
    """Each formula cell gets its own problem with its cell reference."""

    def edit(workbook: Workbook) -> None:
        workbook["participants"]["N2"] = "=80+5"
        workbook["activities"]["M4"] = "=SUM(1000000,2000000)"
        workbook["participants"]["N5"] = "=N2/2"

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    found = sorted((p.sheet, p.row, p.cell) for p in problems_of(check, "formula"))
    assert found == [("activities", 4, "M4"), ("participants", 2, "N2"), ("participants", 5, "N5")]
    assert not check.ok


def test_many_formulas_are_summarised(tmp_path: Path) -> None:
    """Past the first cells listed, the remaining formulas are counted in one problem."""

    def edit(workbook: Workbook) -> None:
        for row in range(2, 72):
            workbook["participants"][f"N{row}"] = f"=50+{row}"

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    listed = problems_of(check, "formula")
    assert len(listed) == guard.FORMULA_REFS_KEPT
    assert listed[0].cell == "N2"
    more = only(check, "formulas_more")
    assert more.sheet == "participants"
    in_both(more, str(70 - guard.FORMULA_REFS_KEPT))


def test_formula_message_names_the_column(tmp_path: Path) -> None:
    """The formula problem says which column it is in, by the sheet's header (or the letter without one)."""

    def edit(workbook: Workbook) -> None:
        workbook["participants"]["N2"] = "=80+5"
        workbook["participants"]["P3"] = "=1+1"  # a column without a header

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    named = next(p for p in problems_of(check, "formula") if p.cell == "N2")
    assert named.column == "score"
    in_both(named, "score")
    loose = next(p for p in problems_of(check, "formula") if p.cell == "P3")
    assert loose.column is None
    in_both(loose, "“P”")


def test_many_formulas_count_every_cell(tmp_path: Path) -> None:
    """The error count is exact: 70 formula cells are 70 errors, though 51 lines list them."""

    def edit(workbook: Workbook) -> None:
        for row in range(2, 72):
            workbook["participants"][f"N{row}"] = f"=50+{row}"

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    assert len(errors(check.problems)) == guard.FORMULA_REFS_KEPT + 1
    assert only(check, "formulas_more").count == 70 - guard.FORMULA_REFS_KEPT
    assert error_count(check.problems) == 70


def test_problems_past_the_listing_limit_are_counted_exactly(tmp_path: Path) -> None:
    """With a limit of 5 listed problems, 20 bad cells are 20 errors: 5 listed, 15 in "more problems"."""
    edit = set_cells("participants", {("gender", row): "X" for row in range(2, 22)})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit), limits=Limits(max_problems=5))
    assert len(problems_of(check, "unknown_category")) == 5
    more = only(check, "more_problems")
    assert more.count == 15
    in_both(more, "15")
    assert error_count(check.problems) == 20


# --------------------------------------------------------------------------
# Excel error values (#N/A, #DIV/0!...), which fastexcel reads as empty
# --------------------------------------------------------------------------

def test_excel_error_in_an_optional_cell_is_reported(tmp_path: Path) -> None:
    """#DIV/0! in budget_idr (optional) is not silently empty: located, naming the column and the error."""
    check = checked(edited_sample(tmp_path / "2017.xlsx", set_cells("activities", {("budget_idr", 4): "#DIV/0!"})))
    problem = only(check, "excel_error")
    assert (problem.sheet, problem.row, problem.cell, problem.column, problem.value) == (
        "activities", 4, "M4", "budget_idr", "#DIV/0!")
    in_both(problem, "M4", "budget_idr", "#DIV/0!")
    assert error_codes(check) == {"excel_error"}


def test_excel_error_in_a_required_cell_is_not_called_empty(tmp_path: Path) -> None:
    """#N/A in full_name (required) is an Excel error, and not also "required but empty"."""
    edit = set_cells("participants", {("full_name", 3): "#N/A", ("gender", 5): "#VALUE!", ("full_name", 6): None})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    found = sorted((p.cell, p.value) for p in problems_of(check, "excel_error"))
    assert found == [("E3", "#N/A"), ("F5", "#VALUE!")]
    assert [p.cell for p in problems_of(check, "required")] == ["E6"]  # a really empty cell still is
    assert error_codes(check) == {"excel_error", "required"}


def test_excel_error_with_its_formula(tmp_path: Path) -> None:
    """A formula whose result is an error: both the formula and the error value are reported, by column."""
    path = with_cell_xml(sample(), tmp_path / "2017.xlsx", "activities", "M3",
                         b'<c r="M3" t="e"><f>M2/0</f><v>#DIV/0!</v></c>')
    check = checked(path)
    assert (only(check, "formula").cell, only(check, "formula").column) == ("M3", "budget_idr")
    assert (only(check, "excel_error").cell, only(check, "excel_error").value) == ("M3", "#DIV/0!")


def test_excel_error_in_an_unknown_column_is_ignored(tmp_path: Path) -> None:
    """A column the schema does not know is ignored with a warning; its error values lose nothing."""

    def edit(workbook: Workbook) -> None:
        workbook["participants"]["O1"] = "Catatan internal"
        workbook["participants"]["O2"] = "#REF!"

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    assert check.ok
    assert [p.code for p in check.problems] == ["unknown_column"]


def test_many_excel_errors_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the references kept, the remaining error cells are counted in one problem; the count stays exact."""
    monkeypatch.setattr(guard, "ERROR_REFS_KEPT", 3)
    edit = set_cells("participants", {("score", row): "#N/A" for row in range(2, 10)})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    assert [p.cell for p in problems_of(check, "excel_error")] == ["N2", "N3", "N4"]
    more = only(check, "excel_errors_more")
    assert (more.sheet, more.count) == ("participants", 5)
    in_both(more, "5")
    assert error_count(check.problems) == 8


def test_excel_errors_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamed in tiny chunks, the guard finds each error cell once."""
    edit = set_cells("participants", {("score", row): "#N/A" for row in range(2, 40, 3)})
    path = edited_sample(tmp_path / "2017.xlsx", edit)
    monkeypatch.setattr(guard, "CHUNK", 101)
    layout = guard.inspect_xlsx(path).sheet("participants")
    assert layout is not None
    assert layout.error_cells == [(f"N{row}", "#N/A") for row in range(2, 40, 3)]
    assert layout.error_count == len(range(2, 40, 3))


# --------------------------------------------------------------------------
# Sheets and columns
# --------------------------------------------------------------------------

def test_empty_participants_sheet(tmp_path: Path) -> None:
    """A required sheet with a header and no rows is reported by name."""

    def edit(workbook: Workbook) -> None:
        sheet = workbook["participants"]
        sheet.delete_rows(2, sheet.max_row)

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    problem = only(check, "empty_sheet")
    assert problem.sheet == "participants"
    assert error_codes(check) == {"empty_sheet"}


def test_missing_required_sheet(tmp_path: Path) -> None:
    """A workbook without the benefits sheet is told which sheet is missing."""

    def edit(workbook: Workbook) -> None:
        del workbook["benefits"]

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    problem = only(check, "missing_sheet")
    assert problem.params["expected"] == "benefits"
    in_both(problem, "benefits")
    assert error_codes(check) == {"missing_sheet"}


def test_missing_optional_sheet_is_fine(tmp_path: Path) -> None:
    """The obstacles sheet is optional: a workbook without it is valid."""

    def edit(workbook: Workbook) -> None:
        del workbook["obstacles"]

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    assert check.ok and "obstacles" not in check.validation.rows  # type: ignore[union-attr]


def test_missing_required_column(tmp_path: Path) -> None:
    """A deleted required column (full_name) is located by its sheet and name, not by a row or cell."""
    check = checked(edited_sample(tmp_path / "2017.xlsx", lambda wb: wb["participants"].delete_cols(5)))
    problem = only(check, "missing_column")
    assert (problem.sheet, problem.column, problem.params["expected"]) == ("participants", "full_name", "full_name")
    assert (problem.row, problem.cell) == (None, None)
    assert problem.location() == "participants"  # printed as "participants [full_name]", not "participants!1"
    in_both(problem, "full_name")
    assert not check.ok


def test_unknown_extra_column_is_only_a_warning(tmp_path: Path) -> None:
    """An extra column is ignored with a warning naming its header and cell; the file stays valid."""

    def edit(workbook: Workbook) -> None:
        workbook["participants"]["O1"] = "Catatan internal"
        workbook["participants"]["O2"] = "hubungi lagi"

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    assert check.ok
    problem = only(check, "unknown_column")
    assert problem.severity is Severity.WARNING
    assert (problem.sheet, problem.cell, problem.column) == ("participants", "O1", "Catatan internal")
    assert clean(check) == clean(check_file(sample()))


# --------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------

def test_unknown_category_with_a_near_miss_suggestion(tmp_path: Path) -> None:
    """A misspelt category is located and a close spelling suggested; a far one gets no suggestion."""
    edit = set_cells("participants", {("field", 2): "Pariwisataa", ("field", 3): "Astronomi"})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    near = only(check, "unknown_category_suggestion")
    assert (near.sheet, near.row, near.cell, near.column) == ("participants", 2, "K2", "field")
    assert (near.value, near.suggestion) == ("Pariwisataa", "Pariwisata")
    in_both(near, "“Pariwisataa”", "“Pariwisata”")
    far = only(check, "unknown_category")
    assert (far.cell, far.value, far.suggestion) == ("K3", "Astronomi", None)
    in_both(far, "Astronomi")
    assert error_codes(check) == {"unknown_category", "unknown_category_suggestion"}


def test_an_unknown_category_says_what_to_write_instead(tmp_path: Path) -> None:
    """"'Tokyo' is not an allowed value for host_city" left the analyst to guess what is: the message names
    the column's values in the reader's language (each accepted in any of the three, or as its code); the
    18 partner cities are left to the template's column table."""
    edit = set_cells("activities", {("host_city", 2): "Tokyo"})
    edit_partner = set_cells("participants", {("partner_city", 2): "Atlantis"})
    host = only(checked(edited_sample(tmp_path / "host" / "2017.xlsx", edit)), "unknown_category")
    assert host.message("en") == ("“Tokyo” is not an allowed value for host_city. Write one of: “Jakarta”, "
                                  "“Partner city”, “Other” (or its label in another language, or its code).")
    assert host.message("id").endswith("Tulis salah satu dari: “Jakarta”, “Kota mitra”, “Lainnya” (atau labelnya "
                                       "dalam bahasa lain, atau kodenya).")
    assert host.message("zh").endswith("请填写以下之一：“雅加达”、“友好城市”、“其他”（或其他语言的标签，或其代码）。")
    partner = only(checked(edited_sample(tmp_path / "partner" / "2017.xlsx", edit_partner)), "unknown_category")
    assert partner.message("en").endswith("The template's column table lists the values allowed.")


def test_duplicate_id_names_the_first_row(tmp_path: Path) -> None:
    """A repeated participant_id is reported on the repeat, naming the row it first appears on."""
    first_id = str(sample_value("participants", "participant_id", 2))
    edit = set_cells("participants", {("participant_id", 5): first_id})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    problem = only(check, "duplicate_id")
    assert (problem.sheet, problem.row, problem.cell, problem.value) == ("participants", 5, "A5", first_id)
    assert problem.params["first_row"] == "2"
    assert "row 2" in problem.message("en") and "baris 2" in problem.message("id")
    assert error_codes(check) == {"duplicate_id"}


def test_indicator_code_recorded_twice_in_a_year_is_a_warning(tmp_path: Path) -> None:
    """An indicator code on four rows with one unit (two spellings of "Jumlah", count) and one partner city
    (an empty one is Beijing) is one warning, at its first row, listing the rows; the workbook stays valid
    and every row is loaded."""
    edit = set_cells("benefits", {("indicator_code", 4): "LOK-KT-01", ("indicator_code", 9): "LOK-KT-01",
                                  ("unit", 9): "count", ("indicator_code", 11): "LOK-KT-01",
                                  # the same code with another unit or partner city is another series
                                  ("indicator_code", 8): "RAY-IC-01",
                                  ("indicator_code", 10): "LOK-KT-01", ("partner_city", 10): "Tokyo",
                                  ("beneficiary", 10): "Jakarta"})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    problem = only(check, "repeated_code")
    assert problem.severity is Severity.WARNING
    assert (problem.sheet, problem.row, problem.cell, problem.value) == ("benefits", 3, "H3", "LOK-KT-01")
    assert problem.count == 4
    in_both(problem, "LOK-KT-01", "3, 4, 9, 11")
    assert "3、4、9、11" in problem.message("zh")
    for lang in ("id", "en", "zh"):  # the page is named as the reader's navigation names it
        assert translate(lang, "nav.benefits") in problem.message(lang)
    assert error_codes(check) == set() and check.ok
    assert len(clean(check)["benefits"]) == 12


def test_a_code_on_many_rows_names_the_first_five(tmp_path: Path) -> None:
    edit = set_cells("benefits", {("indicator_code", row): "LOK-KT-01" for row in (3, 4, 8, 9, 10, 11)})
    problem = only(checked(edited_sample(tmp_path / "2017.xlsx", edit)), "repeated_code")
    assert problem.count == 6
    in_both(problem, "3, 4, 8, 9, 10, …", "6")
    assert "3、4、8、9、10、…" in problem.message("zh")


def test_warnings_never_push_errors_out_of_the_list(tmp_path: Path) -> None:
    """With room for two lines, the two errors are listed and the three warnings counted after them,
    as warnings: they do not block the load."""
    codes = {("indicator_code", row): "LOK-KT-01" for row in (3, 4)}
    codes |= {("indicator_code", row): "LOK-NW-01" for row in (8, 9)}
    codes |= {("indicator_code", row): "LOK-FU-01" for row in (10, 11)}
    edit = set_cells("benefits", codes | {("value", 12): "many", ("value", 13): "lots"})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit), limits=Limits(max_problems=2))
    assert [(p.code, p.cell) for p in errors(check.problems)] == [("not_number", "J12"), ("not_number", "J13")]
    assert not problems_of(check, "more_problems") and not problems_of(check, "repeated_code")
    more = only(check, "more_warnings")
    assert (more.severity, more.count) == (Severity.WARNING, 3)
    in_both(more, "3")
    assert error_count(check.problems) == 2


def test_row_with_a_different_year(tmp_path: Path) -> None:
    """A row whose year is not the workbook's is reported at its year cell."""
    check = checked(edited_sample(tmp_path / "2017.xlsx", set_cells("participants", {("year", 7): 2018})))
    problem = only(check, "wrong_year")
    assert (problem.sheet, problem.row, problem.cell, problem.value) == ("participants", 7, "B7", "2018")
    assert problem.params["year"] == 2017
    in_both(problem, "2018", "2017")
    assert error_codes(check) == {"wrong_year"}


def test_wrong_year_message_says_where_the_year_comes_from(tmp_path: Path) -> None:
    """BUG: the message shows the internal code "(file_name)" instead of "from the file name"."""
    check = checked(edited_sample(tmp_path / "2017.xlsx", set_cells("participants", {("year", 7): 2018})))
    problem = only(check, "wrong_year")
    for lang in LANGS:
        assert "file_name" not in problem.message(lang)
        assert translate(lang, "year_source.file_name") in problem.message(lang)


def test_file_name_year_differs_from_every_row(tmp_path: Path) -> None:
    """2018 data saved as 2019.xlsx: the conflict is named once, and the wrong year once per sheet
    with its row count (not once per row), at the sheet's first row; the error count stays exact."""
    check = checked(copy_sample(tmp_path / "2019.xlsx", year=2018))
    conflict = only(check, "year_conflict")
    assert conflict.params == {"file_year": 2019, "data_year": 2018}
    in_both(conflict, "2019", "2018")
    wrong = problems_of(check, "wrong_year")
    rows_2018 = check_file(sample(2018)).validation.rows  # type: ignore[union-attr]
    assert {p.sheet: p.count for p in wrong} == rows_2018
    assert {(p.row, p.cell, p.value) for p in wrong} == {(2, "B2", "2018")}
    participants = next(p for p in wrong if p.sheet == "participants")
    in_both(participants, str(rows_2018["participants"]), "2018", "2019")
    assert error_count(check.problems) == 1 + sum(rows_2018.values())
    assert error_codes(check) == {"year_conflict", "wrong_year"}


def test_year_given_explicitly_wins_over_the_file_name(tmp_path: Path) -> None:
    """With --year 2018 the same file is valid: the analyst can state the year."""
    assert check_file(copy_sample(tmp_path / "2019.xlsx", year=2018), year=2018).ok


def test_end_date_before_start_date(tmp_path: Path) -> None:
    """An activity ending before it starts is reported at its end date, quoting both dates."""
    start = sample_value("activities", "start_date", 3)
    assert isinstance(start, dt.datetime)
    end = start - dt.timedelta(days=9)
    check = checked(edited_sample(tmp_path / "2017.xlsx", set_cells("activities", {("end_date", 3): end})))
    problem = only(check, "end_before_start")
    assert (problem.sheet, problem.row, problem.cell, problem.column) == ("activities", 3, "I3", "end_date")
    assert problem.value == end.date().isoformat()
    in_both(problem, end.date().isoformat(), start.date().isoformat())
    assert error_codes(check) == {"end_before_start"}


def test_benefit_activity_not_in_activities(tmp_path: Path) -> None:
    """A benefit pointing at an activity ID that does not exist is reported at that cell."""
    edit = set_cells("benefits", {("activity_id", 2): "A2017-99"})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    problem = only(check, "unknown_activity")
    cell = cell_of(load_workbook(sample())["benefits"], "activity_id", 2)  # L2, or M2 with indicator_code
    assert (problem.sheet, problem.row, problem.cell, problem.value) == ("benefits", 2, cell, "A2017-99")
    in_both(problem, "A2017-99", "2017")
    assert error_codes(check) == {"unknown_activity"}


def test_delegate_who_was_not_selected(tmp_path: Path) -> None:
    """A delegate whose stage is not "selected" is reported at the status cell, naming both values."""
    row = first_sample_row("participants", "status", "delegate")
    edit = set_cells("participants", {("stage_reached", row): "Wawancara"})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    problem = only(check, "stage_status_mismatch")
    assert (problem.sheet, problem.row, problem.column) == ("participants", row, "status")
    assert problem.cell == f"M{row}"
    in_both(problem, str(sample_value("participants", "status", row)), "Wawancara")
    assert error_codes(check) == {"stage_status_mismatch"}


def test_over_long_text_is_refused_by_sheet_row_and_column(tmp_path: Path) -> None:
    """A 2,800-character title is refused at its cell, with its length and the limit in the message."""
    limit = schema.ACTIVITIES.column("title").max_length
    assert limit is not None
    edit = set_cells("activities", {("title", 3): "Kemah " * 466 + "ab", ("title", 4): "x" * limit})
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    problem = only(check, "too_long")
    assert (problem.sheet, problem.row, problem.cell, problem.column) == ("activities", 3, "D3", "title")
    assert problem.value is not None and len(problem.value) <= 61 and problem.value.startswith("Kemah Kemah")
    assert "2.798" in problem.message("id") and "2,798" in problem.message("en")
    in_both(problem, str(limit), "title")
    assert error_codes(check) == {"too_long"}  # exactly the limit (row 4) is accepted


# --------------------------------------------------------------------------
# What analysts really write, which must be accepted
# --------------------------------------------------------------------------

def test_indonesian_headers_in_any_order_case_and_spacing(tmp_path: Path) -> None:
    """Headers written as Indonesian labels, shuffled, in odd case and spacing give the same rows."""
    definition = schema.PARTICIPANTS
    order = [column.name for column in reversed(definition.columns)]
    headers = {column.name: "  " + column.label.id.upper().replace(" ", "   ") + " "
               for column in definition.columns}
    headers["participant_id"] = "id_peserta"
    check = checked(edited_sample(tmp_path / "2017.xlsx", relabel("participants", headers, order)))
    assert check.ok
    assert clean(check) == clean(check_file(sample()))


def test_categories_as_codes_and_labels_in_odd_case_and_spacing(tmp_path: Path) -> None:
    """Every category cell as a code, an English or an Indonesian label, oddly cased and spaced."""

    def spell(column: schema.Column, code: str, row: int) -> str:
        assert column.vocabulary is not None
        category = next(c for c in column.vocabulary.categories if c.code == code)
        text = (code.upper(), category.label.en.lower(), category.label.id.swapcase())[row % 3]
        return f"  {text.replace(' ', '  ')} "

    def edit(workbook: Workbook) -> None:
        for name in ("participants", "activities", "benefits", "obstacles"):
            respell(name, spell)(workbook)

    path = edited_sample(tmp_path / "2017.xlsx", edit)
    written = read_parts(path)[SHEET_PARTS["participants"]]
    for spelling in (b"  OUTBOUND ", b"  jakarta  to  partner  city ", b"  jAKARTA  KE  KOTA  MITRA "):
        assert spelling in written  # the three spellings really are in the file
    check = checked(path)
    assert clean(check) == clean(check_file(sample()))


def test_gender_letters_partner_name_iso_dates_and_decimal_comma(tmp_path: Path) -> None:
    """P/L for gender, "Beijing" as host city, dates as ISO text and "78,5" are read as meant."""
    born = sample_value("participants", "birth_date", 2)
    assert isinstance(born, dt.datetime)

    def edit(workbook: Workbook) -> None:
        participants = workbook["participants"]
        participants[cell_of(participants, "gender", 2)] = "P"
        participants[cell_of(participants, "gender", 3)] = "l"
        participants[cell_of(participants, "birth_date", 2)] = born.date().isoformat()
        participants[cell_of(participants, "score", 2)] = "78,5"
        activities = workbook["activities"]
        activities[cell_of(activities, "host_city", 2)] = "Beijing"
        activities[cell_of(activities, "start_date", 2)] = "2017-08-07"
        activities[cell_of(activities, "end_date", 2)] = " 2017-08-09 "

    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    rows = clean(check)
    original = clean(check_file(sample()))
    first, second = rows["participants"][0], rows["participants"][1]
    assert (first["gender"], second["gender"], first["score"]) == ("female", "male", 78.5)
    assert (first["age"], first["person_key"]) == (original["participants"][0]["age"],
                                                   original["participants"][0]["person_key"])
    activity = rows["activities"][0]
    assert activity["host_city"] == "partner_city"
    assert (activity["start_date"], activity["end_date"]) == (dt.date(2017, 8, 7), dt.date(2017, 8, 9))
    assert not check.problems


def test_csv_of_one_sheet_validates(tmp_path: Path) -> None:
    """A CSV holding the activities sheet (semicolons, Indonesian headers) is checked on its own."""
    definition = schema.ACTIVITIES
    rows = read_rows(sample(), "activities")
    path = tmp_path / "kegiatan 2017.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([column.label.id for column in definition.columns])
        for row in rows:
            writer.writerow([value.date().isoformat() if isinstance(value, dt.datetime) else value
                             for value in row])
    check = checked(path)
    assert check.ok
    assert check.validation is not None
    assert (check.validation.rows, check.validation.year) == ({"activities": len(rows)}, 2017)
    assert clean(check)["activities"] == clean(check_file(sample()))["activities"]


def test_csv_with_a_bad_cell_is_located_by_column(tmp_path: Path) -> None:
    """In a CSV a problem is located like in a sheet: row and column letter."""
    path = tmp_path / "hambatan 2017.csv"
    path.write_text("obstacle_id,year,category,severity,description\n"
                    "H2017-01,2017,Anggaran,3,Biaya tiket naik\n"
                    "H2017-02,2017,Anggaran,9,Jadwal bentrok\n", encoding="utf-8")
    check = checked(path)
    problem = only(check, "above_maximum")
    assert (problem.row, problem.cell, problem.value) == (3, "D3", "9")
    in_both(problem, "9", "5")


# --------------------------------------------------------------------------
# A bad file leaves the warehouse unchanged
# --------------------------------------------------------------------------

def _title_row(directory: Path) -> Path:
    def edit(workbook: Workbook) -> None:
        workbook["participants"].insert_rows(1)
        workbook["participants"]["A1"] = "Data peserta 2017"

    return edited_sample(directory / "2017.xlsx", edit)


def _formulas(directory: Path) -> Path:
    return edited_sample(directory / "2017.xlsx", set_cells("participants", {("score", 2): "=80+5"}))


def _unknown_category(directory: Path) -> Path:
    return edited_sample(directory / "2017.xlsx", set_cells("participants", {("field", 2): "Pariwisataa"}))


def _duplicate(directory: Path) -> Path:
    return edited_sample(directory / "2017.xlsx", set_cells("activities", {("activity_id", 3): "A2017-01"}))


def _wrong_year(directory: Path) -> Path:
    return copy_sample(directory / "2019.xlsx", year=2018)


def _empty_sheet(directory: Path) -> Path:
    return edited_sample(directory / "2017.xlsx", lambda wb: wb["participants"].delete_rows(2, 200))


def _huge(directory: Path) -> Path:
    change = _dimension(b"A1:N2000000")
    return edit_part(sample(), directory / "2017.xlsx", SHEET_PARTS["participants"], change)


def _bomb(directory: Path) -> Path:
    return zip_bomb(directory / "2017.xlsx")


def _csv(directory: Path) -> Path:
    path = directory / "hambatan 2017.csv"
    path.write_text("obstacle_id,year,category,severity,description\nH2017-01,2017,Anggaran,3,Biaya\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("build", "code"), [
    pytest.param(encrypted_xlsx, "encrypted", id="encrypted"),
    pytest.param(xlsx_with_vba, "macro_enabled", id="macros"),
    pytest.param(_bomb, "zip_bomb", id="zip-bomb"),
    pytest.param(entities_in_shared_strings, "xml_entities", id="xml-entities"),
    pytest.param(size_forged, "damaged", id="forged-size"),
    pytest.param(_huge, "too_many_rows", id="huge-sheet"),
    pytest.param(_title_row, "header_not_first_row", id="title-row"),
    pytest.param(_formulas, "formula", id="formula"),
    pytest.param(_unknown_category, "unknown_category_suggestion", id="unknown-category"),
    pytest.param(_duplicate, "duplicate_id", id="duplicate-id"),
    pytest.param(_wrong_year, "year_conflict", id="wrong-year"),
    pytest.param(_empty_sheet, "empty_sheet", id="empty-sheet"),
    pytest.param(_csv, "csv_not_loadable", id="csv"),
])
def test_bad_file_leaves_the_warehouse_unchanged(warehouse: Warehouse, tmp_path: Path, build: Builder,
                                                 code: str) -> None:
    """Even with replace=True, a rejected file writes, archives and publishes nothing."""
    before = snapshot(warehouse)
    assert before["version"] != "empty" and before["history"]
    path = build(tmp_path)
    with pytest.raises(LoadRejected) as rejected:
        load_files(warehouse, [path], replace=True, loaded_by="test")
    (check,) = rejected.value.checks
    assert code in {problem.code for problem in check.problems}
    assert snapshot(warehouse) == before


def test_one_bad_file_rejects_the_whole_batch(warehouse: Warehouse, tmp_path: Path) -> None:
    """A good 2018 and a bad 2017 loaded together: nothing is written, the good file is reported ok."""
    before = snapshot(warehouse)
    good = copy_sample(tmp_path / "good" / "2018.xlsx", year=2018)
    bad = _formulas(tmp_path)
    with pytest.raises(LoadRejected) as rejected:
        load_files(warehouse, [good, bad], replace=True, loaded_by="test")
    assert [check.ok for check in rejected.value.checks] == [True, False]
    assert snapshot(warehouse) == before


# --------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------

def _database(path: Path) -> dict[str, str]:
    return {"DASHBOARD_DB": str(path)}


def test_cli_validate_reports_cells_of_a_bad_file(tmp_path: Path) -> None:
    """`validate` of a bad file exits 1 and prints sheet!cell and the message, without a traceback.

    The one run of the real `python -m etl` here (the others call etl.cli.main in this process):
    the entry point passes main()'s exit code on, and its output (✗ markers) prints in a process.
    """
    path = edited_sample(tmp_path / "2017.xlsx", set_cells("participants", {("field", 2): "Pariwisataa"}))
    result = run_cli_process("validate", str(path), env_extra=_database(tmp_path / "db" / "warehouse.duckdb"))
    assert result.returncode == 1, result.stderr
    assert "participants!K2" in result.stdout
    assert "Did you mean “Pariwisata”?" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "db").exists()


def test_cli_validate_refuses_a_hostile_file(tmp_path: Path) -> None:
    """`validate` of a file refused whole (XML entities) exits 1 with the reason, without a traceback."""
    path = entities_in_sheet(tmp_path)
    result = run_cli("validate", str(path), env_extra=_database(tmp_path / "db" / "warehouse.duckdb"))
    assert result.returncode == 1, result.stderr
    assert "xl/worksheets/sheet2.xml" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_validate_accepts_a_good_file(tmp_path: Path) -> None:
    """`validate` of a valid workbook exits 0 and writes nothing."""
    result = run_cli("validate", str(sample(2019)), env_extra=_database(tmp_path / "db" / "warehouse.duckdb"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2019.xlsx" in result.stdout and "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "db").exists()


def test_cli_validate_prints_a_remark_and_accepts_the_file(tmp_path: Path) -> None:
    """A remark (an indicator code twice in the year) is printed with its place, counted as a remark, and
    the file is still valid: exit 0."""
    edit = set_cells("benefits", {("indicator_code", 4): "LOK-KT-01"})
    path = edited_sample(tmp_path / "2017.xlsx", edit)
    result = run_cli("validate", str(path), env_extra=_database(tmp_path / "db" / "warehouse.duckdb"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "2017.xlsx: valid — participants 100, activities 13, benefits 12, obstacles 5 (2017)." in lines
    assert "2017.xlsx: 1 remark (it does not block the load)." in lines
    assert "  ! benefits!H3 (indicator_code): The indicator code “LOK-KT-01” is recorded 2 times this year " \
           "with the same unit and partner city (rows 3, 4)." in "\n".join(lines)


def test_cli_load_of_a_bad_file_writes_nothing(tmp_path: Path, warehouse: Warehouse) -> None:
    """`load` of a bad file exits 1: a fresh warehouse is not created, an existing one is unchanged."""
    path = _formulas(tmp_path)
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    result = run_cli("load", str(path), env_extra=_database(fresh))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "participants!N2" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not fresh.exists() and not fresh.is_symlink()
    assert not fresh.parent.exists() or not any(fresh.parent.iterdir())

    before = snapshot(warehouse)
    result = run_cli("load", "--replace", str(path), env_extra=_database(warehouse.path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(warehouse) == before


def test_an_activity_dated_years_away_from_its_program_year_is_a_remark(tmp_path: Path) -> None:
    """A sheet copied from another year's workbook keeps that year's dates, and the timeline would show the
    program year's activities there. A date more than a year from the program year is a remark (one per row,
    at its start date, or at its end date where only that is far), never an error: a program of 2017 may
    end in January 2018, and such a row is loaded as written."""
    edit = set_cells("activities", {
        ("start_date", 2): dt.datetime(2014, 8, 7), ("end_date", 2): dt.datetime(2014, 8, 9),  # both far: one remark
        ("end_date", 3): dt.datetime(2027, 8, 11),  # a typed end date
        ("start_date", 4): dt.datetime(2017, 12, 20), ("end_date", 4): dt.datetime(2018, 1, 5)})  # into the next year
    check = checked(edited_sample(tmp_path / "2017.xlsx", edit))
    remarks = problems_of(check, "far_from_year")
    assert [(p.cell, p.value, p.severity) for p in remarks] == [
        ("H2", "2014-08-07", Severity.WARNING), ("I3", "2027-08-11", Severity.WARNING)]
    assert remarks[0].message("en") == (
        "The date 2014-08-07 is more than a year away from the program year 2017. The row is loaded as written, "
        "and the timeline places it on that date; if the row was copied from another year's workbook, correct "
        "the date.")
    assert "Tanggal 2014-08-07 berjarak lebih dari setahun dari tahun program 2017." in remarks[0].message("id")
    assert "日期 2014-08-07\u00a0与项目年份 2017\u00a0相差一年以上。" in remarks[0].message("zh")
    assert error_codes(check) == set() and check.ok
    assert len(clean(check)["activities"]) == 13
