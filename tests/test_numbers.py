"""Numbers are read by one written rule, never guessed (issue 9, item 3).

A number cell keeps its value. A number typed as text (and every CSV value)
is read by the rule in etl/validate.py's docstring: plain digits; else the
Indonesian and the international conventions, used when only one fits or
both agree; refused as ambiguous when they disagree ("45.000" is never 45).
Each case reads the value the warehouse would store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from etl import guard, reader, schema
from etl.load import FileCheck, check_file
from etl.validate import PlainNumber
from tests.test_hostile_files import assert_clear, clean, error_codes, in_both, only
from tests.workbooks import (
    SHEET_PARTS,
    cell_of,
    edited_sample,
    read_parts,
    sample,
    set_cells,
    with_all_shared_strings,
    with_cell_xml,
    write_csv,
)

ROW = 3  # an activity row of the 2017 sample (its budget is a number cell)


def _budget(tmp_path: Path, value: object, name: str = "2017.xlsx") -> FileCheck:
    """The 2017 sample with activities!budget_idr on ROW set to ``value`` (str: a text cell)."""
    return check_file(edited_sample(tmp_path / name, set_cells("activities", {("budget_idr", ROW): value})))


def _stored_budget(check: FileCheck) -> float:
    return clean(check)["activities"][ROW - 2]["budget_idr"]


def _budget_cell() -> str:
    return cell_of(load_workbook(sample())["activities"], "budget_idr", ROW)


# --------------------------------------------------------------------------
# Number cells
# --------------------------------------------------------------------------

@pytest.mark.parametrize("value", [78.5, 12.345, 45.0, 45000, 120_000_000, 0.001, 999.999])
def test_a_number_cell_keeps_its_value(tmp_path: Path, value: float) -> None:
    """12.345 typed as a number is 12.345, though the same text typed as text is ambiguous."""
    check = _budget(tmp_path, value)
    assert check.ok, [(p.code, p.location()) for p in check.problems]
    assert _stored_budget(check) == value


def test_number_cells_among_shared_string_text_cells(tmp_path: Path) -> None:
    """Excel writes text as shared strings (t="s"): 12.345 as a number still reads as 12.345, as text it is refused."""
    number = edited_sample(tmp_path / "number" / "2017.xlsx", set_cells("activities", {("budget_idr", ROW): 12.345}))
    assert _stored_budget(check_file(with_all_shared_strings(number, tmp_path / "shared-number" / "2017.xlsx"))) \
        == 12.345
    text = edited_sample(tmp_path / "text" / "2017.xlsx", set_cells("activities", {("budget_idr", ROW): "12.345"}))
    shared = with_all_shared_strings(text, tmp_path / "shared-text" / "2017.xlsx")
    written = read_parts(shared)[SHEET_PARTS["activities"]]
    assert b't="s"' in written and b"inlineStr" not in written
    problem = only(check_file(shared), "ambiguous_number")
    assert (problem.cell, problem.value) == (_budget_cell(), "12.345")


@pytest.mark.parametrize("cell, stored", [
    (b'<c t="n" s="0" r="{ref}"><v>12.345</v></c>', 12.345),  # r after the other attributes
    (b'<c t="inlineStr" r="{ref}"><is><t>12.345</t></is></c>', None),
    (b'<c r="{ref}" t="str"><f>"12."&amp;"345"</f><v>12.345</v></c>', None),  # a formula's text
])
def test_cell_type_is_read_whatever_the_attribute_order(tmp_path: Path, cell: bytes, stored: float | None) -> None:
    """The type comes from the file: a number cell is a number, a text or formula-text cell is text."""
    ref = _budget_cell()
    path = with_cell_xml(sample(), tmp_path / "2017.xlsx", "activities", ref, cell.replace(b"{ref}", ref.encode()))
    check = check_file(path)
    if stored is not None:
        assert _stored_budget(check) == stored
    else:
        assert only(check, "ambiguous_number").cell == ref


# --------------------------------------------------------------------------
# Numbers typed as text
# --------------------------------------------------------------------------

@pytest.mark.parametrize("text, number", [
    ("45000", 45000),  # plain digits
    ("+45000", 45000),
    ("120.000.000", 120_000_000),  # Indonesian thousands: refused before
    ("1.234,5", 1234.5),
    ("78,5", 78.5),  # Indonesian decimal comma
    ("78.5", 78.5),  # international decimal point
    ("1,234,567.5", 1_234_567.5),  # international thousands
    ("0.500", 0.5),  # a leading 0 is never a thousands group
    ("0,500", 0.5),
    ("1234.567", 1234.567),  # four digits before the point: not a thousands group
    ("45.000,00", 45000),
    ("1,5E+8", 150_000_000),  # scientific notation, as Excel writes big numbers into a CSV
    ("  120.000.000 ", 120_000_000),
])
def test_text_is_read_by_the_rule(tmp_path: Path, text: str, number: float) -> None:
    check = _budget(tmp_path, text)
    assert check.ok, [(p.code, p.message("en")) for p in check.problems]
    assert _stored_budget(check) == number


@pytest.mark.parametrize("text, thousands, decimal", [
    ("45.000", "45000", ("45", "45")),
    ("1.500", "1500", ("1,5", "1.5")),
    ("1,500", "1500", ("1,5", "1.5")),
    ("12.345", "12345", ("12,3450", "12.3450")),  # a fourth decimal, so it is no thousands group again
])
def test_ambiguous_text_is_refused_with_both_readings(tmp_path: Path, text: str, thousands: str,
                                                      decimal: tuple[str, str]) -> None:
    """Never 45 for "45.000": refused, located, both readings in the message, and how to write it."""
    check = _budget(tmp_path, text)
    problem = only(check, "ambiguous_number")
    assert (problem.sheet, problem.row, problem.cell, problem.column, problem.value) == (
        "activities", ROW, _budget_cell(), "budget_idr", text)
    assert error_codes(check) == {"ambiguous_number"}  # and not also "not a number"
    assert_clear(problem)
    for lang, written in zip(("id", "en"), decimal, strict=True):
        message = problem.message(lang)
        assert f"“{text}”" in message and thousands in message and written in message, message
    assert check.validation is not None and not check.ok


def test_an_unambiguous_writing_in_the_message_reads_as_that_number(tmp_path: Path) -> None:
    """What the message proposes really is read one way: each suggestion, typed back as text, is accepted."""
    for index, text in enumerate(("12,3450", "12345", "1,5", "45")):
        check = _budget(tmp_path / str(index), text)
        assert check.ok, (text, [p.code for p in check.problems])
    assert [PlainNumber(value)("id") for value in (12.345, 45.0, -1.5, 1234.5)] == ["12,3450", "45", "-1,5", "1234,5"]
    assert PlainNumber(12.345)("en") == "12.3450"


@pytest.mark.parametrize("text", ["45 000", "Rp 45.000", "45.00.0", "1.2.3,4,5", "abc", "1,50,000"])
def test_text_fitting_neither_convention_is_not_a_number(tmp_path: Path, text: str) -> None:
    problem = only(_budget(tmp_path, text), "not_number")
    assert problem.value == text.strip()
    # The message says how to write it ("'Rp 45.000' is not a number." left the analyst to guess).
    assert problem.message("id") == (f"“{text.strip()}” bukan angka. Tulis angkanya saja, tanpa satuan, simbol mata "
                                     "uang, atau spasi (mis. 45000000), atau jadikan sel angka.")
    assert "without a unit, currency sign or spaces (e.g. 45000000)" in problem.message("en")
    assert "不带单位、货币符号或空格（例如 45000000）" in problem.message("zh")


def test_whole_number_columns_follow_the_same_rule(tmp_path: Path) -> None:
    """participants_jakarta (a whole number): "1.000" is ambiguous, "2.000.000" and "12,0" are read."""
    edit = set_cells("activities", {("participants_jakarta", 2): "1.000", ("participants_jakarta", 3): "2.000.000",
                                    ("participants_jakarta", 4): "12,0", ("participants_jakarta", 5): "1,5"})
    check = check_file(edited_sample(tmp_path / "2017.xlsx", edit))
    assert only(check, "ambiguous_number").row == 2
    assert only(check, "not_integer").value == "1,5"  # 1.5 people
    assert error_codes(check) == {"ambiguous_number", "not_integer"}


# --------------------------------------------------------------------------
# CSV: no cell types, every value is text
# --------------------------------------------------------------------------

def _obstacles_csv(tmp_path: Path, severities: list[str]) -> FileCheck:
    header = [column.name for column in schema.OBSTACLES.columns]
    rows = [[f"H2017-{index:02d}", "2017", "", "Anggaran", severity, "Biaya", ""]
            for index, severity in enumerate(severities, start=1)]
    return check_file(write_csv(tmp_path / "hambatan 2017.csv", [header, *rows]))


def test_csv_values_are_read_by_the_text_rule(tmp_path: Path) -> None:
    """In a CSV "3" and "3,0" are 3, and "3.000" is ambiguous (3 or 3000), as a text cell would be."""
    check = _obstacles_csv(tmp_path, ["3", "3,0", "3.000"])
    problem = only(check, "ambiguous_number")
    assert (problem.row, problem.cell, problem.value) == (4, "E4", "3.000")
    in_both(problem, "3000")
    assert error_codes(check) == {"ambiguous_number"}
    assert clean(_obstacles_csv(tmp_path / "ok", ["3", "3,0"]))["obstacles"][1]["severity"] == 3


def test_csv_budget_in_indonesian_thousands_is_stored_whole(tmp_path: Path) -> None:
    header = [column.label.id for column in schema.ACTIVITIES.columns]
    row = ["A2017-01", "2017", "", "Kemah", "Olahraga", "Pemuda dan olahraga", "Jakarta", "2017-08-07",
           "2017-08-09", "3", "4", "Dispora", "120.000.000", ""]
    check = check_file(write_csv(tmp_path / "kegiatan 2017.csv", [header, row], delimiter=";"))
    assert clean(check)["activities"][0]["budget_idr"] == 120_000_000


# --------------------------------------------------------------------------
# The second pass costs nothing when nothing looks alike
# --------------------------------------------------------------------------

def test_no_second_pass_over_the_xml_without_candidates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, object]] = []
    real = guard.number_cells

    def spy(path: Path, part: str, candidates: dict[str, list[int]]) -> set[str]:
        calls.append(dict(candidates))
        return real(path, part, candidates)

    monkeypatch.setattr(reader, "number_cells", spy)
    assert check_file(sample()).ok
    assert calls == []
    _budget(tmp_path, 12.345)
    letter = _budget_cell().rstrip("0123456789")
    assert calls == [{letter: [ROW]}]  # one sheet, one column, one cell


def test_number_cells_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Streamed in tiny chunks, the pass finds the same cells (tags cut by a chunk end are read whole)."""
    path = edited_sample(tmp_path / "2017.xlsx", set_cells("activities", {
        ("budget_idr", row): 12.345 if row % 2 else "12.345" for row in range(2, 12)}))
    letter = _budget_cell().rstrip("0123456789")
    candidates = {letter: list(range(2, 12))}
    expected = {f"{letter}{row}" for row in range(3, 12, 2)}
    assert guard.number_cells(path, SHEET_PARTS["activities"], candidates) == expected
    monkeypatch.setattr(guard, "CHUNK", 97)
    monkeypatch.setattr(guard, "OVERLAP", 300)
    assert guard.number_cells(path, SHEET_PARTS["activities"], candidates) == expected
