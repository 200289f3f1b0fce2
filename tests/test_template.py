"""The Excel template: written from etl.schema, read back with openpyxl as an analyst's Excel would."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.dictionary import dictionary
from etl import schema, template
from etl.load import check_file
from etl.reader import read_file
from etl.schema import Kind
from translations import LANGUAGES, catalogue, translate

# 'Sheet name'!$A$2:$A$9 — quoted sheet, absolute range
ABSOLUTE_RANGE = re.compile(r"^'((?:[^']|'')+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$")
TEMPLATE_SOURCE = Path(template.__file__)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Workbook]:
    """The template in every language, written to disk and opened again."""
    folder = tmp_path_factory.mktemp("templates")
    return {lang: openpyxl.load_workbook(template.write_template(folder / f"{lang}.xlsx", lang))
            for lang in LANGUAGES}


def _t(lang: str, key: str) -> str:
    return translate(lang, f"template.{key}")


def _explained_in(lang: str) -> tuple[str, ...]:
    return ("id", "en", "zh") if lang == "zh" else ("id", "en")


def _shown(lang: str, key: str) -> str:
    """A template text as the template shows it: 'Indonesian / English' (/ Chinese), repeats once."""
    return " / ".join(dict.fromkeys(_t(each, key) for each in _explained_in(lang)))


def _validations(ws: Worksheet) -> dict[str, DataValidation]:
    """Column letter -> its validation; each validation must cover exactly one column's data rows."""
    found: dict[str, DataValidation] = {}
    for validation in ws.data_validations.dataValidation:
        ranges = str(validation.sqref).split()
        assert len(ranges) == 1, ranges
        match = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", ranges[0])
        assert match, ranges[0]
        first_letter, first_row, last_letter, last_row = match.groups()
        assert first_letter == last_letter
        assert (int(first_row), int(last_row)) == (template.FIRST_DATA_ROW, template.LAST_DATA_ROW)
        assert first_letter not in found, f"two validations on column {first_letter}"
        found[first_letter] = validation
    return found


def _range_values(wb: Workbook, formula: str) -> tuple[str, list[object]]:
    match = ABSOLUTE_RANGE.match(formula)
    assert match, f"not a quoted absolute range: {formula}"
    sheet, first_letter, first_row, last_letter, last_row = match.groups()
    assert first_letter == last_letter
    sheet = sheet.replace("''", "'")
    ws = wb[sheet]
    values = [ws[f"{first_letter}{row}"].value for row in range(int(first_row), int(last_row) + 1)]
    return sheet, values


def _columns(sheet: schema.Sheet) -> list[tuple[str, schema.Column]]:
    return [(get_column_letter(index), column) for index, column in enumerate(sheet.columns, start=1)]


def _rgb(cell: object) -> str:
    return str(cell.fill.fgColor.rgb)[-6:].upper()


# --------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------


def test_write_template_returns_the_path_and_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "2020.xlsx"
    assert template.write_template(target) == target
    assert [path.name for path in tmp_path.iterdir()] == ["2020.xlsx"]
    assert openpyxl.load_workbook(target).sheetnames[0] == translate("id", "template.sheet_instructions")


def test_build_template_returns_a_workbook() -> None:
    workbook = template.build_template("en")
    assert isinstance(workbook, Workbook)
    assert workbook.sheetnames[1:-1] == [sheet.name for sheet in schema.SHEETS]


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError):
        template.build_template("fr")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sheets_are_instructions_then_schema_sheets_then_hidden_lists(books: dict[str, Workbook],
                                                                    lang: str) -> None:
    wb = books[lang]
    instructions, lists = _t(lang, "sheet_instructions"), _t(lang, "sheet_lists")
    assert wb.sheetnames == [instructions, *(sheet.name for sheet in schema.SHEETS), lists]
    assert wb.active.title == instructions
    assert wb[lists].sheet_state == "hidden"
    assert all(wb[name].sheet_state == "visible" for name in wb.sheetnames[:-1])


def test_template_sheet_names_differ_by_language(books: dict[str, Workbook]) -> None:
    assert books["id"].sheetnames[0] == "Petunjuk"
    assert books["en"].sheetnames[0] == "Instructions"
    assert books["zh"].sheetnames[0] == "说明"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headers_are_the_schema_codes_in_order_with_nothing_below(books: dict[str, Workbook],
                                                                  lang: str) -> None:
    for sheet in schema.SHEETS:
        ws = books[lang][sheet.name]
        assert [cell.value for cell in ws[1]] == [column.name for column in sheet.columns]
        assert ws.max_row == 1, "a template sheet holds only its header"
        assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_is_bold_filled_and_marks_required_columns(books: dict[str, Workbook], lang: str) -> None:
    assert template.REQUIRED_FILL != template.OPTIONAL_FILL
    for sheet in schema.SHEETS:
        ws = books[lang][sheet.name]
        for letter, column in _columns(sheet):
            cell = ws[f"{letter}1"]
            assert cell.font.bold
            expected = template.REQUIRED_FILL if column.required else template.OPTIONAL_FILL
            assert _rgb(cell) == expected, (sheet.name, column.name)
            width = ws.column_dimensions[letter].width
            assert len(column.name) <= width <= 50, (sheet.name, column.name, width)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_header_has_a_comment_explaining_the_column(books: dict[str, Workbook], lang: str) -> None:
    for sheet in schema.SHEETS:
        ws = books[lang][sheet.name]
        for letter, column in _columns(sheet):
            comment = ws[f"{letter}1"].comment
            assert comment is not None, (sheet.name, column.name)
            text = comment.text
            for each in _explained_in(lang):
                assert column.label(each) in text
                assert column.description(each) in text
                assert _t(each, "required" if column.required else "optional") in text
            if column.vocabulary is not None:
                for category in column.vocabulary.categories:
                    assert category.code in text
                    assert category.label("id") in text and category.label("en") in text
    # Chinese is only added to a Chinese template.
    participants = schema.SHEETS[0]
    zh_only = participants.columns[0].description("zh")
    assert zh_only in books["zh"][participants.name]["A1"].comment.text
    assert zh_only not in books["id"][participants.name]["A1"].comment.text


# --------------------------------------------------------------------------
# Validations
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_column_has_one_validation_over_the_data_rows(books: dict[str, Workbook], lang: str) -> None:
    for sheet in schema.SHEETS:
        validations = _validations(books[lang][sheet.name])
        assert set(validations) == {letter for letter, _ in _columns(sheet)}
        for letter, column in _columns(sheet):
            validation = validations[letter]
            assert bool(validation.allowBlank) == (not column.required), (sheet.name, column.name)
            # Excel refuses a file whose validation texts exceed these limits.
            assert len(validation.promptTitle or "") <= 32 and len(validation.errorTitle or "") <= 32
            assert len(validation.prompt or "") <= 255 and len(validation.error or "") <= 255


@pytest.mark.parametrize("lang", LANGUAGES)
def test_category_dropdowns_list_the_vocabulary_labels_from_the_hidden_sheet(
        books: dict[str, Workbook], lang: str) -> None:
    wb = books[lang]
    checked = 0
    for sheet in schema.SHEETS:
        validations = _validations(wb[sheet.name])
        for letter, column in _columns(sheet):
            if column.kind is not Kind.CATEGORY:
                continue
            validation = validations[letter]
            assert validation.type == "list"
            list_sheet, values = _range_values(wb, validation.formula1)
            assert list_sheet == _t(lang, "sheet_lists")
            assert values == [category.label(lang) for category in column.vocabulary.categories]
            # A code or the other language's label is accepted too: warn, do not stop.
            assert validation.errorStyle == "warning"
            assert validation.showErrorMessage
            assert validation.error == _t(lang, "error_category")
            checked += 1
    assert checked == sum(column.kind is Kind.CATEGORY for sheet in schema.SHEETS for column in sheet.columns)


def test_dropdown_labels_differ_between_english_and_chinese(books: dict[str, Workbook]) -> None:
    sheet = schema.SHEETS[0]
    letter, column = next((letter, column) for letter, column in _columns(sheet) if column.vocabulary)
    english = _range_values(books["en"], _validations(books["en"][sheet.name])[letter].formula1)[1]
    chinese = _range_values(books["zh"], _validations(books["zh"][sheet.name])[letter].formula1)[1]
    assert english != chinese
    assert english == list(column.vocabulary.labels("en").values())
    assert chinese == list(column.vocabulary.labels("zh").values())
    lists_en = [c.value for row in books["en"][_t("en", "sheet_lists")].iter_rows(min_row=2) for c in row]
    lists_zh = [c.value for row in books["zh"][_t("zh", "sheet_lists")].iter_rows(min_row=2) for c in row]
    assert set(lists_en) & set(lists_zh) <= {None}, "no Chinese label should equal an English one here"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_integer_and_number_validations_use_the_schema_bounds(books: dict[str, Workbook], lang: str) -> None:
    for sheet in schema.SHEETS:
        validations = _validations(books[lang][sheet.name])
        for letter, column in _columns(sheet):
            if column.kind not in (Kind.INTEGER, Kind.NUMBER):
                continue
            validation = validations[letter]
            assert validation.type == ("whole" if column.kind is Kind.INTEGER else "decimal")
            assert validation.errorStyle == "stop" and validation.showErrorMessage
            low, high = column.minimum, column.maximum
            if low is not None and high is not None:
                assert validation.operator == "between"
                assert (float(validation.formula1), float(validation.formula2)) == (low, high)
            elif low is not None:
                assert validation.operator == "greaterThanOrEqual"
                assert float(validation.formula1) == low
            elif high is not None:
                assert validation.operator == "lessThanOrEqual"
                assert float(validation.formula1) == high
        # Every sheet's year is limited to the program years.
        year = validations[get_column_letter([c.name for c in sheet.columns].index("year") + 1)]
        assert (validation_bounds := (year.formula1, year.formula2)) == (
            str(schema.FIRST_PROGRAM_YEAR), str(schema.LAST_PROGRAM_YEAR)), validation_bounds


def test_score_and_severity_ranges() -> None:
    wb = template.build_template("id")
    score = _validations(wb["participants"])[
        get_column_letter([c.name for c in schema.PARTICIPANTS.columns].index("score") + 1)]
    assert (score.type, score.formula1, score.formula2) == ("decimal", "0", "100")
    severity = _validations(wb["obstacles"])[
        get_column_letter([c.name for c in schema.OBSTACLES.columns].index("severity") + 1)]
    assert (severity.type, severity.formula1, severity.formula2) == ("whole", "1", "5")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_date_columns_have_a_date_range_and_a_date_format(books: dict[str, Workbook], lang: str) -> None:
    earliest = str(int(to_excel(template.EARLIEST_DATE)))
    latest = str(int(to_excel(template.LATEST_DATE)))
    assert template.EARLIEST_DATE.year >= 1900  # Excel has no earlier dates
    assert template.LATEST_DATE.year == schema.LAST_PROGRAM_YEAR
    dates = 0
    for sheet in schema.SHEETS:
        ws = books[lang][sheet.name]
        validations = _validations(ws)
        letters = {column.name: letter for letter, column in _columns(sheet)}
        for letter, column in _columns(sheet):
            if column.kind is not Kind.DATE:
                continue
            dates += 1
            validation = validations[letter]
            assert (validation.type, validation.operator) == ("date", "between")
            assert validation.formula2 == latest
            if column.not_before:
                # Each row's date may not be earlier than that row's own earlier date.
                assert validation.formula1 == f"MAX({earliest},{letters[column.not_before]}2)"
            else:
                assert validation.formula1 == earliest
            assert ws.column_dimensions[letter].number_format == "yyyy-mm-dd"
    assert dates == sum(column.kind is Kind.DATE for sheet in schema.SHEETS for column in sheet.columns) > 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ids_are_checked_for_duplicates_and_references_offer_the_ids(books: dict[str, Workbook],
                                                                    lang: str) -> None:
    for sheet in schema.SHEETS:
        validations = _validations(books[lang][sheet.name])
        for letter, column in _columns(sheet):
            if column.unique:
                validation = validations[letter]
                assert validation.type == "custom"
                last = template.LAST_DATA_ROW
                assert validation.formula1 == f"COUNTIF(${letter}$2:${letter}${last},{letter}2)<=1"
            if column.references:
                target_sheet, target_column = column.references
                target_letter = get_column_letter(
                    [c.name for c in schema.SHEETS_BY_NAME[target_sheet].columns].index(target_column) + 1)
                validation = validations[letter]
                assert validation.type == "list" and validation.errorStyle == "warning"
                assert validation.formula1 == (
                    f"'{target_sheet}'!${target_letter}$2:${target_letter}${template.LAST_DATA_ROW}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_cell_holds_a_formula(books: dict[str, Workbook], lang: str) -> None:
    for ws in books[lang].worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.coordinate


# --------------------------------------------------------------------------
# Instructions sheet
# --------------------------------------------------------------------------


def _instructions(wb: Workbook, lang: str) -> Worksheet:
    return wb[_t(lang, "sheet_instructions")]


def _table(ws: Worksheet, lang: str) -> tuple[int, list[tuple[object, ...]]]:
    """(header row, data rows) of the column table."""
    header = _shown(lang, "col_column")
    header_rows = [cell.row for cell in ws["B"] if cell.value == header]
    assert len(header_rows) == 1, "the column table's header is missing"
    rows = []
    for values in ws.iter_rows(min_row=header_rows[0] + 1, values_only=True):
        if values[0] is None:
            break
        rows.append(values)
    return header_rows[0], rows


@pytest.mark.parametrize("lang", LANGUAGES)
def test_instruction_table_has_one_row_per_schema_column(books: dict[str, Workbook], lang: str) -> None:
    ws = _instructions(books[lang], lang)
    header_row, rows = _table(ws, lang)
    expected = [(sheet, column) for sheet in schema.SHEETS for column in sheet.columns]
    assert [(row[0], row[1]) for row in rows] == [(sheet.name, column.name) for sheet, column in expected]
    headers = [cell.value for cell in ws[header_row]]
    required_at = headers.index(_shown(lang, "col_required"))
    allowed_at = headers.index(_shown(lang, "col_allowed"))
    for row, (_, column) in zip(rows, expected, strict=True):
        assert (row[2], row[3]) == (column.label("id"), column.label("en"))
        assert _t("en", "yes" if column.required else "no") in row[required_at]
        for each in _explained_in(lang):
            assert column.label(each) in row and column.description(each) in row
        if column.vocabulary is not None:
            assert all(code in row[allowed_at] for code in column.vocabulary.codes)
        if column.minimum is not None:
            assert str(int(column.minimum)) in row[allowed_at]
    assert all(ws.cell(header_row, index).font.bold for index in range(1, len(rows[0]) + 1))
    assert ws.auto_filter.ref.startswith(f"A{header_row}:")
    assert all(ws.cell(header_row + 1, index).alignment.wrap_text for index in range(1, len(rows[0]) + 1))
    # A Chinese template adds the Chinese label and description.
    assert len(rows[0]) == (11 if lang == "zh" else 9)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_instructions_are_in_indonesian_and_english(books: dict[str, Workbook], lang: str) -> None:
    texts = {cell.value for row in _instructions(books[lang], lang).iter_rows() for cell in row if cell.value}
    for each in LANGUAGES:
        present = {_t(each, key) in texts for key in ("step_rows", "step_values", "step_dates")}
        assert present == {each in _explained_in(lang)}, each
    joined = "\n".join(map(str, texts))
    assert "2020.xlsx" in joined and "YYYY-MM-DD" in joined and "UU PDP 27/2022" in joined
    optional = [sheet.name for sheet in schema.SHEETS if not sheet.required]
    assert optional and all(name in joined for name in optional)
    private = [column.name for sheet in schema.SHEETS for column in sheet.columns if column.private]
    assert private and all(name in joined for name in private)
    # Lists as each text's language writes them: the Chinese steps read "participants, activities, benefits"
    # inside Chinese sentences.
    required = [sheet.name for sheet in schema.SHEETS if sheet.required]
    for each in _explained_in(lang):
        listed = ("、" if each == "zh" else ", ").join(required)
        assert _t(each, "step_sheets").split("{")[0] + listed in joined, (each, listed)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_legend_uses_the_header_fills(books: dict[str, Workbook], lang: str) -> None:
    ws = _instructions(books[lang], lang)
    legend = {_shown(lang, "required"): template.REQUIRED_FILL,
              _shown(lang, "optional"): template.OPTIONAL_FILL}
    found = {cell.value: _rgb(cell) for cell in ws["A"] if cell.value in legend}
    assert found == legend


# --------------------------------------------------------------------------
# Names, properties, translations
# --------------------------------------------------------------------------


def test_auxiliary_sheet_names_cover_every_language(books: dict[str, Workbook]) -> None:
    names = template.auxiliary_sheet_names()
    schema_names = {sheet.name for sheet in schema.SHEETS}
    for lang, wb in books.items():
        assert set(wb.sheetnames) - schema_names <= names, lang
        assert {_t(lang, "sheet_instructions"), _t(lang, "sheet_lists")} <= names
    # The reader must never mistake a template sheet for a data sheet (or the other way round).
    aliases = schema.sheet_aliases()
    assert not {schema.normalize_header(name) for name in names} & set(aliases)
    for name in names:
        assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\"), name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_document_properties(books: dict[str, Workbook], lang: str) -> None:
    properties = books[lang].properties
    assert properties.title == _t(lang, "doc_title")
    assert properties.creator == _t(lang, "doc_creator")
    assert properties.creator != "openpyxl"


def test_template_texts_exist_in_every_catalogue() -> None:
    keys = [{key for key in catalogue(lang) if key.startswith("template.")} for lang in LANGUAGES]
    assert keys[0] and all(each == keys[0] for each in keys)
    for key in keys[0]:
        placeholders = [set(re.findall(r"{(\w+)}", catalogue(lang)[key])) for lang in LANGUAGES]
        assert all(each == placeholders[0] for each in placeholders), key


def test_template_module_spells_no_schema_name_or_label() -> None:
    """Columns, codes and labels come from etl.schema, never typed into template.py."""
    vocabulary: set[str] = set()
    for sheet in schema.SHEETS:
        vocabulary |= {sheet.name, *(sheet.label(lang) for lang in LANGUAGES)}
        for column in sheet.columns:
            vocabulary |= {column.name, *(column.label(lang) for lang in LANGUAGES)}
    for each in schema.VOCABULARIES:
        vocabulary.add(each.name)
        for category in each.categories:
            vocabulary |= {category.code, *(category.label(lang) for lang in LANGUAGES)}
    tree = ast.parse(TEMPLATE_SOURCE.read_text(encoding="utf-8"))
    literals = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                and isinstance(node.value, str)}
    assert not literals & vocabulary


# --------------------------------------------------------------------------
# Round trip through the project's own reader and validator
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reader_ignores_the_template_sheets_silently(lang: str, tmp_path: Path) -> None:
    raw = read_file(template.write_template(tmp_path / "2020.xlsx", lang))
    assert list(raw.sheets) == [sheet.name for sheet in schema.SHEETS]
    assert [problem.code for problem in raw.problems] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_template_filled_with_the_schema_examples_is_valid(lang: str, tmp_path: Path) -> None:
    """One row of every sheet from the schema's examples: the whole chain accepts it without a remark."""
    workbook = template.build_template(lang)
    convert = {Kind.INTEGER: int, Kind.NUMBER: float, Kind.DATE: dt.date.fromisoformat}
    for sheet in schema.SHEETS:
        ws = workbook[sheet.name]
        for index, column in enumerate(sheet.columns, start=1):
            if column.example:
                ws.cell(2, index, convert.get(column.kind, str)(column.example))
            elif column.required:
                assert column.kind is Kind.TEXT, f"{sheet.name}.{column.name} needs an example"
                ws.cell(2, index, column.label("en"))
    path = tmp_path / f"{schema.PARTICIPANTS.column('year').example}.xlsx"
    workbook.save(path)
    check = check_file(path)
    assert [(problem.code, problem.sheet, problem.column, problem.value) for problem in check.problems] == []
    assert check.ok


# --------------------------------------------------------------------------
# Limits and the number rule, written where the analyst reads them
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_limits_are_in_comments_table_and_validations(books: dict[str, Workbook], lang: str) -> None:
    """Each text column's maximum length, from the schema, in its header comment, the column table and
    (for free text) an Excel validation that stops a longer text."""
    ws = _instructions(books[lang], lang)
    header_row, rows = _table(ws, lang)
    allowed_at = [cell.value for cell in ws[header_row]].index(_shown(lang, "col_allowed"))
    allowed = {(row[0], row[1]): row[allowed_at] or "" for row in rows}
    limited = 0
    for sheet in schema.SHEETS:
        validations = _validations(books[lang][sheet.name])
        for letter, column in _columns(sheet):
            if column.max_length is None:
                continue
            limited += 1
            for each in _explained_in(lang):
                limit = translate(each, "template.max_length", maximum=column.max_length)
                assert limit in books[lang][sheet.name][f"{letter}1"].comment.text, (sheet.name, column.name)
                assert limit in allowed[(sheet.name, column.name)], (sheet.name, column.name)
            if not (column.unique or column.references):
                validation = validations[letter]
                assert (validation.type, validation.operator, validation.formula1) == (
                    "textLength", "lessThanOrEqual", str(column.max_length))
                assert validation.errorStyle == "stop" and str(column.max_length) in validation.error
    assert limited == sum(column.kind is Kind.TEXT for sheet in schema.SHEETS for column in sheet.columns)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_code_followed_across_years_says_so_where_the_analyst_reads(books: dict[str, Workbook], lang: str) -> None:
    """indicator_code's rule (once a year per unit and partner city, else its values are not followed; the
    validator makes a remark) is in its header comment, the column table and the data dictionary, naming the
    columns as each language labels them."""
    ws = _instructions(books[lang], lang)
    header_row, rows = _table(ws, lang)
    allowed_at = [cell.value for cell in ws[header_row]].index(_shown(lang, "col_allowed"))
    allowed = {(row[0], row[1]): row[allowed_at] or "" for row in rows}
    followed = [(sheet, letter, column) for sheet in schema.SHEETS for letter, column in _columns(sheet)
                if column.once_a_year_with]
    assert [(sheet.name, column.name) for sheet, _, column in followed] == [("benefits", "indicator_code")]
    ((sheet, letter, column),) = followed
    for each in _explained_in(lang):
        rule = template.once_a_year_text(column, each)
        if each == "en":
            assert rule.startswith("at most once a year with the same “Unit” and “Partner city”, so ")
        assert rule in books[lang][sheet.name][f"{letter}1"].comment.text
        assert rule in allowed[(sheet.name, column.name)]
    table = dictionary(schema.BENEFITS, lang)
    row = table[table[translate(lang, "dictionary.column")] == "indicator_code"].iloc[0]
    assert template.once_a_year_text(column, lang) in row[translate(lang, "dictionary.allowed")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_dates_near_the_program_year_say_so_in_the_column_table(books: dict[str, Workbook], lang: str) -> None:
    """The activities' dates are expected within a year of the program year (a remark otherwise): the column
    table and the data dictionary say it, from the schema's near_program_year."""
    ws = _instructions(books[lang], lang)
    header_row, rows = _table(ws, lang)
    allowed_at = [cell.value for cell in ws[header_row]].index(_shown(lang, "col_allowed"))
    allowed = {(row[0], row[1]): row[allowed_at] or "" for row in rows}
    near = [(sheet.name, column.name) for sheet in schema.SHEETS for column in sheet.columns
            if column.near_program_year]
    assert near == [("activities", "start_date"), ("activities", "end_date")]
    for key in near:
        for each in _explained_in(lang):
            assert translate(each, "template.near_year") in allowed[key], (key, each)
    table = dictionary(schema.ACTIVITIES, lang)
    row = table[table[translate(lang, "dictionary.column")] == "start_date"].iloc[0]
    assert translate(lang, "template.near_year") in row[translate(lang, "dictionary.allowed")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_instructions_state_the_number_rule(books: dict[str, Workbook], lang: str) -> None:
    """The rule for numbers typed as text (and for CSV files) is on the instructions sheet."""
    texts = {cell.value for row in _instructions(books[lang], lang).iter_rows() for cell in row if cell.value}
    for each in _explained_in(lang):
        rule = _t(each, "step_numbers")
        assert rule in texts
        for example in ("120.000.000", "1.234,5", "45.000", "1,500", "45000", "CSV"):
            assert example in rule, (each, example)
