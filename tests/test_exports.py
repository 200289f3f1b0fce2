"""Downloads (dashboard/exports.py) and the data dictionary (dashboard/dictionary.py).

A downloaded file is opened in Excel or LibreOffice by people who trust it: a text cell must never
run as a formula there (CSV/formula injection), numbers must stay numbers, and Indonesian and
Chinese text must survive (UTF-8 with a byte-order mark). The data dictionary must describe exactly
the columns of the schema and of the warehouse.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import exports
from dashboard.dictionary import dictionary
from etl import schema
from etl.warehouse import Warehouse
from tests.apptest import expected_connection, toml_catalogue
from translations import LANGUAGES

BOM = b"\xef\xbb\xbf"
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = 'HYPERLINK("http://evil.example","x")'  # has quotes and a comma: the CSV quotes the cell
BARE_PAYLOAD = "cmd|' /C calc'!A0"  # nothing the CSV would quote


def parsed_csv(data: bytes) -> list[list[str]]:
    """The rows a spreadsheet reads: UTF-8 after the BOM, CR, LF and CRLF all ending a record."""
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def xlsx_rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


# -- CSV ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [PAYLOAD, BARE_PAYLOAD], ids=["quoted", "bare"])
@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_csv_text_starting_a_formula_gets_an_apostrophe(prefix: str, payload: str) -> None:
    """A text cell starting with = + - @, a tab or a carriage return is written with a leading
    apostrophe, in its own cell of its own row, so no spreadsheet runs it."""
    frame = pd.DataFrame({"title": [prefix + payload, "safe"], "n": [1, 2]})
    rows = parsed_csv(exports.to_csv(frame))
    assert rows == [["title", "n"], ["'" + prefix + payload, "1"], ["safe", "2"]]


@pytest.mark.parametrize("payload", [PAYLOAD, BARE_PAYLOAD], ids=["quoted", "bare"])
def test_csv_carriage_return_inside_a_cell_cannot_start_a_row(payload: str) -> None:
    """A carriage return inside a text cell stays inside it (the cell is quoted): otherwise a reader
    that ends records at CR (as spreadsheets do) sees the rest as a new row starting with '='."""
    frame = pd.DataFrame({"note": ["fine\r=" + payload], "n": [1]})
    rows = parsed_csv(exports.to_csv(frame))
    assert rows == [["note", "n"], ["fine\r=" + payload, "1"]]
    assert not any(cell.startswith(tuple(PREFIXES)) for row in rows for cell in row)


def test_csv_headers_are_neutralised_too() -> None:
    """A column name that would start a formula is neutralised like any text."""
    frame = pd.DataFrame({"=cmd": ["a"], "@x": ["b"], "year": ["c"]})
    assert parsed_csv(exports.to_csv(frame))[0] == ["'=cmd", "'@x", "year"]


def test_csv_numbers_are_left_as_numbers() -> None:
    """Negative and decimal numbers are not injections: they are written unchanged."""
    frame = pd.DataFrame({"year": np.array([2019, 2020], dtype="int32"), "change": [-5, 3],
                          "score": [-1.5, 78.25], "budget": [150_000_000.0, math.nan]})
    rows = parsed_csv(exports.to_csv(frame))
    assert rows == [["year", "change", "score", "budget"], ["2019", "-5", "-1.5", "150000000.0"],
                    ["2020", "3", "78.25", ""]]


def test_csv_is_utf8_with_a_byte_order_mark() -> None:
    """The file starts with the UTF-8 BOM (so Excel reads it as UTF-8) and keeps Indonesian and Chinese
    text and typographic characters intact."""
    frame = pd.DataFrame({"label": ["Pemuda dan olahraga", "青年与体育", "Jakarta → Beijing – 22–30 Juli"]})
    data = exports.to_csv(frame)
    assert data.startswith(BOM)
    assert data.count(BOM) == 1
    assert parsed_csv(data) == [["label"], ["Pemuda dan olahraga"], ["青年与体育"],
                                ["Jakarta → Beijing – 22–30 Juli"]]


def test_safe_text_and_missing_values_are_untouched() -> None:
    """Text that does not start a formula (even with a sign inside) is written as is; missing is empty."""
    frame = pd.DataFrame({"text": ["a-b", "1+1", "e-mail@x", None], "when": ["2019-07-22", "x", "y", "z"]})
    rows = parsed_csv(exports.to_csv(frame))
    assert rows[1:] == [["a-b", "2019-07-22"], ["1+1", "x"], ["e-mail@x", "y"], ["", "z"]]


def test_neutralise_leaves_the_shown_table_unchanged() -> None:
    """Neutralising works on a copy: the table on the page keeps its values."""
    frame = pd.DataFrame({"=a": ["=1", "ok"], "n": [-1, 2]})
    before = frame.copy()
    exports.to_csv(frame)
    exports.to_xlsx(frame, "t")
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("dtype", ["object", "str", "string"])
def test_every_text_dtype_is_neutralised(dtype: str) -> None:
    """Text columns of every pandas text type (object, str, nullable string) are neutralised."""
    frame = pd.DataFrame({"t": pd.array(["=1+1", "ok"], dtype=dtype)})
    assert parsed_csv(exports.to_csv(frame))[1:] == [["'=1+1"], ["ok"]]
    assert xlsx_rows(exports.to_xlsx(frame, "t"))[1:] == [["'=1+1"], ["ok"]]


# -- XLSX ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_xlsx_text_is_a_string_cell_never_a_formula(prefix: str) -> None:
    """Text starting with a formula character is a plain string cell, with the apostrophe, and the
    sheet holds no formula at all. (XML reads a carriage return back as a line feed.)"""
    frame = pd.DataFrame({prefix + "head": [prefix + PAYLOAD], "n": [-3]})
    data = exports.to_xlsx(frame, "participants")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header, value, number = sheet["A1"], sheet["A2"], sheet["B2"]
    prefix = prefix.replace("\r", "\n")
    assert (header.value, header.data_type) == ("'" + prefix + "head", "s")
    assert (value.value, value.data_type) == ("'" + prefix + PAYLOAD, "s")
    assert (number.value, number.data_type) == (-3, "n")
    assert "<f>" not in sheet_xml(data) and "<f " not in sheet_xml(data)


def test_xlsx_keeps_numbers_dates_and_text_typed() -> None:
    """Numbers stay numeric cells (negative ones too), dates are dates, text is text; the header row
    is frozen and the sheet is named after the table."""
    frame = pd.DataFrame({
        "year": np.array([2019, 2020], dtype="int32"), "score": [-1.5, 78.25],
        "start_date": pd.to_datetime(["2019-07-22", "2020-01-02"]), "title": ["Youth Camp", "青年论坛"],
        "is_sample": [True, False]})
    data = exports.to_xlsx(frame, "activities")
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "activities"
    assert sheet.freeze_panes == "A2"
    assert xlsx_rows(data) == [["year", "score", "start_date", "title", "is_sample"],
                               [2019, -1.5, dt.datetime(2019, 7, 22), "Youth Camp", True],
                               [2020, 78.25, dt.datetime(2020, 1, 2), "青年论坛", False]]


def test_xlsx_sheet_name_is_cut_to_excels_limit() -> None:
    """Excel allows 31 characters in a sheet name."""
    data = exports.to_xlsx(pd.DataFrame({"a": [1]}), "x" * 40)
    assert load_workbook(io.BytesIO(data)).sheetnames == ["x" * 31]


def test_xlsx_missing_values_are_empty_cells() -> None:
    """None, NaN and NaT are written as empty cells."""
    frame = pd.DataFrame({"id": ["A1", "A2"], "text": ["a", None], "number": [1.5, math.nan],
                          "day": pd.to_datetime(["2019-07-22", None])})
    assert xlsx_rows(exports.to_xlsx(frame, "t")) == [
        ["id", "text", "number", "day"], ["A1", "a", 1.5, dt.datetime(2019, 7, 22)], ["A2", None, None, None]]


def test_xlsx_of_a_duckdb_result_with_empty_optional_numbers() -> None:
    """An optional whole-number or yes/no column with an empty cell (e.g. participants_jakarta of an
    activity) reaches the export as pandas <NA> (DuckDB gives nullable types): the XLSX download must
    write an empty cell, not fail."""
    frame = duckdb.connect().execute(
        "SELECT * FROM (VALUES ('A1', 3, true), ('A2', NULL::INTEGER, NULL::BOOLEAN)) "
        "t(activity_id, participants_jakarta, flag)").df()
    assert frame["participants_jakarta"].isna().tolist() == [False, True]
    assert xlsx_rows(exports.to_xlsx(frame, "activities")) == [
        ["activity_id", "participants_jakarta", "flag"], ["A1", 3, True], ["A2", None, None]]


# -- the data dictionary --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("sheet", schema.SHEETS, ids=lambda sheet: sheet.name)
def test_dictionary_rows_are_the_schema_columns(sheet: schema.Sheet, lang: str) -> None:
    """One row per workbook column then per derived column, in schema order, with its label, type,
    whether it is required, its allowed values and whether the warehouse stores it."""
    t = toml_catalogue(lang)
    table = dictionary(sheet, lang)
    assert list(table.columns) == [t[f"dictionary.{name}"] for name in (
        "column", "label", "type", "required", "allowed", "description", "warehouse")]
    columns = (*sheet.columns, *sheet.derived)
    assert table[t["dictionary.column"]].tolist() == [column.name for column in columns]
    assert table[t["dictionary.label"]].tolist() == [column.label(lang) for column in columns]
    assert table[t["dictionary.description"]].tolist() == [column.description(lang) for column in columns]
    assert table[t["dictionary.type"]].tolist() == [t[f"template.kind_{column.kind.value}"] for column in columns]
    assert table[t["dictionary.required"]].tolist() == [
        t["template.yes"] if isinstance(column, schema.Column) and column.required else t["template.no"]
        for column in columns]
    stored = [t["dictionary.derived"] if isinstance(column, schema.DerivedColumn)
              else t["dictionary.not_stored"] if column.private else t["dictionary.stored"] for column in columns]
    assert table[t["dictionary.warehouse"]].tolist() == stored
    for column, allowed in zip(columns, table[t["dictionary.allowed"]], strict=True):
        if isinstance(column, schema.Column) and column.vocabulary is not None:
            for category in column.vocabulary.categories:
                # The code, then its label, as VOCABULARY.md writes them; Chinese writes a full-width colon.
                noted = (f"{category.code}：{category.label(lang)}" if lang == "zh"
                         else f"{category.code}: {category.label(lang)}")
                assert noted in allowed, (column.name, category.code)
    if sheet.name == "benefits":  # a label holding brackets is not bracketed again
        unit = table[table[t["dictionary.column"]] == "unit"][t["dictionary.allowed"]].item()
        assert "(score)" not in unit and "（score）" not in unit  # was "Score (1–5) (score)"


def test_dictionary_matches_the_warehouse_tables(warehouse: Warehouse, tmp_path: Path) -> None:
    """The columns the dictionary says are stored or computed are exactly the warehouse table's columns
    (besides load_id), and the private ones are not in the warehouse."""
    connection = expected_connection(warehouse, tmp_path)
    t = toml_catalogue("en")
    for sheet in schema.SHEETS:
        table = dictionary(sheet, "en")
        in_warehouse = table[table[t["dictionary.warehouse"]] != t["dictionary.not_stored"]]
        actual = [row[0] for row in connection.execute(f'DESCRIBE "{sheet.name}"').fetchall()]
        assert in_warehouse[t["dictionary.column"]].tolist() == [name for name in actual if name != "load_id"]
        private = table[table[t["dictionary.warehouse"]] == t["dictionary.not_stored"]][t["dictionary.column"]]
        assert set(private).isdisjoint(actual)
