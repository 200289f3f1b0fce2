"""The Excel template analysts fill in for each program year.

Everything in it (sheets, headers, header comments, dropdowns, ranges, text
length limits and the column table of the instructions sheet) is generated
from ``etl.schema``, so the template cannot drift from what the validator
accepts. Its own texts come from the ``template.*`` keys of the translation
catalogues; among them the rule for numbers typed as text and for CSV files
(``step_numbers``), which etl/validate.py implements and documents.

Layout: an instructions sheet first, one sheet per schema sheet with the
column codes on row 1, and a hidden sheet holding the dropdown lists (a list
typed into a validation is limited to 255 characters; a range is not).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from babel.dates import format_skeleton
from babel.lists import format_list as babel_list
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from etl import schema
from etl.schema import Column, Kind, Sheet, Vocabulary
from translations import BABEL_LOCALES, LANGUAGE_NAMES, LANGUAGES, display_width, format_list, translate

HEADER_ROW = 1
FIRST_DATA_ROW = 2
# Validations and column formats reach this row; raise it if a year ever has more rows.
LAST_DATA_ROW = 5000

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"  # text columns keep what is typed (e.g. leading zeros of an ID)

# Excel holds no date before 1900, which is later than the birth date of the oldest
# possible applicant of the first program year, so the range starts at the later of both.
EARLIEST_DATE = max(dt.date(1900, 1, 1), dt.date(schema.FIRST_PROGRAM_YEAR - schema.MAX_AGE, 1, 1))
LATEST_DATE = dt.date(schema.LAST_PROGRAM_YEAR, 12, 31)
# Warehouse integers are 32-bit; an unbounded number column still has to hold a number.
INTEGER_LIMITS = ("-2147483648", "2147483647")
NUMBER_LIMITS = ("-1E+307", "1E+307")

# Excel rejects the whole file when a validation title or message is longer than this.
TITLE_MAX = 32
MESSAGE_MAX = 255

REQUIRED_FILL = "F8CBAD"  # warm: must be filled
OPTIONAL_FILL = "DDEBF7"  # cool: may stay empty
TABLE_HEADER_FILL = "D9D9D9"
AUX_TAB_COLOUR = "808080"

_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_LINE_HEIGHT = 15.0  # points per text line at the default font size
_MAX_ROW_HEIGHT = 409.0  # Excel's limit


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def auxiliary_sheet_names() -> set[str]:
    """Names of the sheets the template adds, in every language.

    The workbook reader ignores these when a filled-in template is uploaded.
    """
    return {_text(lang, key) for lang in LANGUAGES for key in ("sheet_instructions", "sheet_lists")}


def build_template(lang: str = "id") -> Workbook:
    """An empty template whose dropdowns and sheet names are in ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = _text(lang, "sheet_instructions")
    lists = workbook.create_sheet(_text(lang, "sheet_lists"))
    ranges = _fill_lists(lists, lang)
    for position, sheet in enumerate(schema.SHEETS, start=1):
        # Inserted before the lists sheet, which stays last.
        _fill_data_sheet(workbook.create_sheet(sheet.name, position), sheet, lang, ranges)
    _fill_instructions(instructions, lang, lists.title)
    workbook.active = 0

    properties = workbook.properties
    properties.title = _text(lang, "doc_title")
    properties.subject = _text(lang, "doc_subject")
    properties.creator = _text(lang, "doc_creator")
    properties.lastModifiedBy = properties.creator
    properties.description = _text(lang, "doc_description")
    properties.language = lang
    return workbook


def write_template(path: Path, lang: str = "id") -> Path:
    """Write an empty template to ``path`` (.xlsx) and return the path."""
    path = Path(path)
    workbook = build_template(lang)
    # Save beside the target and rename, so nobody downloads a half-written file.
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        workbook.save(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


# --------------------------------------------------------------------------
# Texts
# --------------------------------------------------------------------------


def _text(lang: str, key: str, **params: object) -> str:
    return translate(lang, f"template.{key}", **params)


def _languages(lang: str) -> tuple[str, ...]:
    """Explanations are always Indonesian and English; a Chinese template adds Chinese."""
    return ("id", "en", "zh") if lang == "zh" else ("id", "en")


def _joined(texts: list[str] | tuple[str, ...]) -> str:
    """'a / b', with a text said the same way in two languages shown once."""
    return " / ".join(dict.fromkeys(texts))


def _multi(lang: str, key: str) -> str:
    return _joined([_text(each, key) for each in _languages(lang)])


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _line_count(text: str, width: float) -> int:
    # Word wrapping wastes some room at line ends; count on 90 % of the width.
    usable = max(width * 0.9, 1.0)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in str(text).split("\n"))


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def range_text(column: Column) -> str:
    """The allowed range, written without words so it reads in every language."""
    if column.kind is Kind.DATE:
        lower = f"≥ {column.not_before}" if column.not_before else EARLIEST_DATE.isoformat()
        if column.not_before:
            return f"{lower}, ≤ {LATEST_DATE.isoformat()}"
        return f"{lower} – {LATEST_DATE.isoformat()}"
    if column.kind not in (Kind.INTEGER, Kind.NUMBER):
        return ""
    if column.minimum is not None and column.maximum is not None:
        return f"{_number(column.minimum)}–{_number(column.maximum)}"
    if column.minimum is not None:
        return f"≥ {_number(column.minimum)}"
    if column.maximum is not None:
        return f"≤ {_number(column.maximum)}"
    return ""


def once_a_year_text(column: Column, lang: str) -> str:
    """The rule of a code followed across years ("at most once a year with the same “Unit” and “Partner city”,
    so that ..."); "" if none."""
    if not column.once_a_year_with:
        return ""
    sheet = next(sheet for sheet in schema.SHEETS if column in sheet.columns)
    names = [f"“{sheet.column(name).label(lang)}”" for name in column.once_a_year_with]
    return _text(lang, "once_a_year", columns=babel_list(names, locale=BABEL_LOCALES[lang]))  # “a” and “b”


def near_year_text(column: Column, lang: str) -> str:
    """The remark a date far from the program year gets ("more than a year from the program year: ..."); ""
    if the column has none."""
    return _text(lang, "near_year") if column.near_program_year else ""


def _reference_target(column: Column) -> str:
    return ".".join(column.references) if column.references else ""


def _category_lines(vocabulary: Vocabulary, lang: str) -> list[str]:
    """'code — Indonesian / English label (aliases)' for every category."""
    lines = []
    for category in vocabulary.categories:
        line = f"{category.code} — {_joined([category.label(each) for each in _languages(lang)])}"
        if category.aliases:
            line += f" ({', '.join(category.aliases)})"
        lines.append(line)
    return lines


def _rules(column: Column, lang: str) -> list[str]:
    """Constraints other than the category list: range, uniqueness, reference, default."""
    languages = _languages(lang)
    rules = []
    if column.kind is Kind.DATE:
        rules.append(f"YYYY-MM-DD: {range_text(column)}")
    elif range_text(column):
        rules.append(range_text(column))
    if column.max_length is not None:
        rules.append(_joined([_text(each, "max_length", maximum=column.max_length) for each in languages]))
    if column.unique:
        rules.append(_multi(lang, "unique"))
    if column.once_a_year_with:
        rules.append(_joined([once_a_year_text(column, each) for each in languages]))
    if column.near_program_year:
        rules.append(_joined([near_year_text(column, each) for each in languages]))
    if column.references:
        target = _reference_target(column)
        rules.append(_joined([_text(each, "references", target=target) for each in languages]))
    if column.default is not None:
        vocabulary, default = column.vocabulary, column.default
        shown = [vocabulary.label(default, each) if vocabulary else default for each in languages]
        rules.append(_joined([_text(each, "default", value=value)
                              for each, value in zip(languages, shown, strict=True)]))
    return rules


# --------------------------------------------------------------------------
# Hidden sheet with the dropdown lists
# --------------------------------------------------------------------------


def _vocabularies() -> list[Vocabulary]:
    """Every vocabulary a column uses, once, in order of first use."""
    found: dict[str, Vocabulary] = {}
    for sheet in schema.SHEETS:
        for column in sheet.columns:
            if column.vocabulary is not None:
                found.setdefault(column.vocabulary.name, column.vocabulary)
    return list(found.values())


def _fill_lists(ws: Worksheet, lang: str) -> dict[str, str]:
    """One column per vocabulary (name on row 1, labels below); returns name -> absolute range."""
    ranges: dict[str, str] = {}
    for index, vocabulary in enumerate(_vocabularies(), start=1):
        letter = get_column_letter(index)
        _put(ws, 1, index, vocabulary.name).font = _BOLD
        labels = [category.label(lang) for category in vocabulary.categories]
        for row, label in enumerate(labels, start=2):
            _put(ws, row, index, label)
        ranges[vocabulary.name] = f"{_quote_sheet(ws.title)}!${letter}$2:${letter}${len(labels) + 1}"
        ws.column_dimensions[letter].width = min(
            max(display_width(text) for text in [vocabulary.name, *labels]) + 2, 50)
    ws.freeze_panes = "A2"
    ws.sheet_properties.tabColor = AUX_TAB_COLOUR
    # Hidden and protected: the dropdowns break if someone edits it.
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return ranges


# --------------------------------------------------------------------------
# Data sheets
# --------------------------------------------------------------------------


def _fill_data_sheet(ws: Worksheet, sheet: Sheet, lang: str, ranges: dict[str, str]) -> None:
    letters = {column.name: get_column_letter(index) for index, column in enumerate(sheet.columns, 1)}
    for index, column in enumerate(sheet.columns, start=1):
        letter = letters[column.name]
        cell = _put(ws, HEADER_ROW, index, column.name)
        cell.font = _BOLD
        cell.fill = _fill(REQUIRED_FILL if column.required else OPTIONAL_FILL)
        cell.border = _BOX
        cell.alignment = Alignment(vertical="center")
        cell.comment = _header_comment(column, lang)

        dimension = ws.column_dimensions[letter]
        dimension.width = _data_width(column, lang)
        # A column style, not 5000 styled cells: Excel gives it to every cell typed in the column,
        # and the sheet's used range stays the header row.
        if column.kind is Kind.DATE:
            dimension.number_format = DATE_FORMAT
        elif column.kind is Kind.TEXT:
            dimension.number_format = TEXT_FORMAT
        ws.add_data_validation(_validation(column, lang, letter, letters, ranges))
    ws.row_dimensions[HEADER_ROW].height = 20
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _fit_width_when_printed(ws)
    ws.sheet_properties.tabColor = REQUIRED_FILL if sheet.required else OPTIONAL_FILL


def _data_width(column: Column, lang: str) -> float:
    # The example hints at what the cells will hold (a title is longer than its header).
    candidates = [len(column.name), display_width(column.label(lang)), display_width(column.example), 8]
    if column.vocabulary is not None:
        candidates += [display_width(label) for label in column.vocabulary.labels(lang).values()]
    if column.kind is Kind.DATE:
        candidates.append(len(DATE_FORMAT))
    elif column.kind is Kind.TEXT and not (column.unique or column.references):
        candidates.append(26)  # free text: names, titles, notes
    # Room for the dropdown arrow and the bold header; very long labels may wrap in the list.
    return min(max(candidates) + 4, 45)


def _header_comment(column: Column, lang: str) -> Comment:
    languages = _languages(lang)
    lines = [
        _joined([column.label(each) for each in languages]),
        _multi(lang, "required" if column.required else "optional"),
        *(f"{LANGUAGE_NAMES[each]}: {column.description(each)}" for each in languages),
    ]
    if column.vocabulary is not None:
        lines.append(_multi(lang, "allowed_values") + ":")
        lines += _category_lines(column.vocabulary, lang)
    lines += _rules(column, lang)
    if column.example:
        lines.append(f"{_multi(lang, 'example')}: {column.example}")
    text = "\n".join(lines)
    # Size the box to its text; openpyxl measures comments in pixels (about 7 per character).
    width_chars = 52
    height = 20 * _line_count(text, width_chars) + 10
    return Comment(text, _text(lang, "doc_creator"), height=height, width=width_chars * 7)


def _validation(column: Column, lang: str, letter: str, letters: dict[str, str],
                ranges: dict[str, str]) -> DataValidation:
    """The validation of one column over rows FIRST_DATA_ROW..LAST_DATA_ROW."""
    first, last = FIRST_DATA_ROW, LAST_DATA_ROW
    allowed_range = range_text(column)
    if column.kind is Kind.CATEGORY and column.vocabulary is not None:
        # A warning, not a stop: the code or the other language's label is accepted too.
        validation = DataValidation(type="list", formula1=ranges[column.vocabulary.name],
                                    errorStyle="warning", error=_text(lang, "error_category"))
    elif column.kind in (Kind.INTEGER, Kind.NUMBER):
        integer = column.kind is Kind.INTEGER
        operator, formula1, formula2 = _bounds(column, INTEGER_LIMITS if integer else NUMBER_LIMITS)
        validation = DataValidation(
            type="whole" if integer else "decimal", operator=operator, formula1=formula1, formula2=formula2,
            errorStyle="stop", error=_error(lang, "error_integer" if integer else "error_number", allowed_range))
    elif column.kind is Kind.DATE:
        lower = _number(to_excel(EARLIEST_DATE))
        if column.not_before:
            # Relative to the first data row, so each row compares with its own earlier date.
            lower = f"MAX({lower},{letters[column.not_before]}{first})"
        validation = DataValidation(type="date", operator="between", formula1=lower,
                                    formula2=_number(to_excel(LATEST_DATE)), errorStyle="stop",
                                    error=_error(lang, "error_date", allowed_range))
    elif column.unique:
        validation = DataValidation(
            type="custom", formula1=f"COUNTIF(${letter}${first}:${letter}${last},{letter}{first})<=1",
            errorStyle="stop", error=_text(lang, "error_unique"))
    elif column.references:
        ref_sheet, ref_column = column.references
        ref_names = [each.name for each in schema.SHEETS_BY_NAME[ref_sheet].columns]
        ref_letter = get_column_letter(ref_names.index(ref_column) + 1)
        # Offers the IDs typed in the referenced sheet; a warning, since that sheet may be filled later.
        validation = DataValidation(
            type="list", formula1=f"{_quote_sheet(ref_sheet)}!${ref_letter}${first}:${ref_letter}${last}",
            errorStyle="warning", error=_text(lang, "error_reference", target=_reference_target(column)))
    elif column.max_length is not None:
        # Free text: Excel stops a text longer than the validator accepts.
        validation = DataValidation(type="textLength", operator="lessThanOrEqual",
                                    formula1=str(column.max_length), errorStyle="stop",
                                    error=_text(lang, "error_length", maximum=column.max_length))
    else:
        validation = DataValidation()  # free text: no rule, only the input message below

    validation.allow_blank = not column.required
    if validation.type is not None:
        validation.showErrorMessage = True
        validation.errorTitle = _clip(_text(lang, "error_title"), TITLE_MAX)
        validation.error = _clip(validation.error or "", MESSAGE_MAX)
    # The input message repeats the header comment where the analyst is typing.
    prompt = f"{_text(lang, 'required' if column.required else 'optional')}. {column.description(lang)}"
    validation.showInputMessage = True
    validation.promptTitle = _clip(column.label(lang), TITLE_MAX)
    validation.prompt = _clip(f"{prompt} ({allowed_range})" if allowed_range else prompt, MESSAGE_MAX)
    validation.add(f"{letter}{first}:{letter}{last}")
    return validation


def _bounds(column: Column, limits: tuple[str, str]) -> tuple[str, str, str | None]:
    """(operator, formula1, formula2) for the column's minimum and maximum."""
    if column.minimum is not None and column.maximum is not None:
        return "between", _number(column.minimum), _number(column.maximum)
    if column.minimum is not None:
        return "greaterThanOrEqual", _number(column.minimum), None
    if column.maximum is not None:
        return "lessThanOrEqual", _number(column.maximum), None
    return "between", limits[0], limits[1]


def _error(lang: str, key: str, range_text: str) -> str:
    message = _text(lang, key)
    return f"{message} {_text(lang, 'error_range', range=range_text)}" if range_text else message


# --------------------------------------------------------------------------
# Instructions sheet
# --------------------------------------------------------------------------

_STEPS = ("step_year", "step_sheets", "step_header", "step_rows", "step_values", "step_dates",
          "step_numbers", "step_categories", "step_required", "step_ids", "step_privacy", "step_upload")


TableColumn = tuple[str, float, Callable[[Sheet, Column], str]]  # header, width, the value of a column


def _table_columns(lang: str) -> list[TableColumn]:
    """(header, width, value) of each column of the column table."""
    languages = _languages(lang)

    def per_language(key: str, each: str) -> str:
        return f"{_multi(lang, key)} ({each.upper()})"

    columns: list[TableColumn] = [
        (_multi(lang, "col_sheet"), 20, lambda sheet, column: sheet.name),
        (_multi(lang, "col_column"), 24, lambda sheet, column: column.name),
    ]
    columns += [(per_language("col_label", each), 26 if each != "zh" else 16,
                 lambda sheet, column, each=each: column.label(each)) for each in languages]
    columns += [
        (_multi(lang, "col_type"), 18, lambda sheet, column: _multi(lang, f"kind_{column.kind.value}")),
        (_multi(lang, "col_required"), 11,
         lambda sheet, column: _multi(lang, "yes" if column.required else "no")),
        (_multi(lang, "col_allowed"), 44, lambda sheet, column: _allowed(column, lang)),
    ]
    columns += [(per_language("col_description", each), 50 if each != "zh" else 36,
                 lambda sheet, column, each=each: column.description(each)) for each in languages]
    return columns


def _allowed(column: Column, lang: str) -> str:
    lines = _category_lines(column.vocabulary, lang) if column.vocabulary is not None else []
    return "\n".join(lines + _rules(column, lang))


def _spans(widths: list[float], parts: int) -> list[tuple[int, int]]:
    """Split columns 2.. into ``parts`` contiguous spans of about equal width (1-based, inclusive)."""
    cumulative = list(itertools.accumulate(widths[1:]))
    ends: list[int] = []
    for part in range(1, parts):
        target = cumulative[-1] * part / parts
        # Leave at least one column for every later span.
        candidates = range(ends[-1] + 1 if ends else 0, len(cumulative) - (parts - part))
        ends.append(min(candidates, key=lambda end: abs(cumulative[end] - target)))
    ends.append(len(cumulative) - 1)
    starts = [0] + [end + 1 for end in ends[:-1]]
    return [(start + 2, end + 2) for start, end in zip(starts, ends, strict=True)]


def _step_params(lang: str, template_lang: str, lists_title: str) -> dict[str, str]:
    instructions_title = _text(template_lang, "sheet_instructions")
    private = dict.fromkeys(
        column.name for sheet in schema.SHEETS for column in sheet.columns if column.private)
    age_day = dt.date(2000, *schema.AGE_REFERENCE_MONTH_DAY)
    return {
        # Lists as the text's language writes them: "participants, activities" · "participants、activities".
        "required_sheets": format_list((sheet.name for sheet in schema.SHEETS if sheet.required), lang),
        "optional_sheets": format_list((sheet.name for sheet in schema.SHEETS if not sheet.required), lang),
        "id_columns": format_list((f"{sheet.name}.{sheet.id_column.name}" for sheet in schema.SHEETS), lang),
        "private_columns": format_list(private, lang),
        "age_day": format_skeleton("MMMMd", age_day, locale=BABEL_LOCALES[lang]),
        "aux_sheets": format_list((instructions_title, lists_title), lang),
        "lists_sheet": lists_title,
    }


def _fill_instructions(ws: Worksheet, lang: str, lists_title: str) -> None:
    """The instructions sheet: a title, the steps in every language, the colour legend, and a table
    describing every column of every sheet (from the schema)."""
    table = _table_columns(lang)
    widths = [width for _, width, _ in table]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    languages = _languages(lang)
    title = _put(ws, 1, 1, _joined([_text(each, "heading") for each in languages]))
    title.font = Font(bold=True, size=14)
    ws.row_dimensions[1].height = 22
    _put(ws, 2, 1, _joined([_text(each, "doc_title") for each in languages])).font = Font(italic=True)

    row = _put_steps(ws, 4, lang, lists_title, widths)
    row = _put_legend(ws, row + 2, lang, widths[0])
    header_row = row + 3
    row = _put_column_table(ws, row + 2, lang, table)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table))}{row}"
    # Not frozen: freezing the table header would also pin the whole explanation above it.
    ws.print_title_rows = f"{header_row}:{header_row}"
    _fit_width_when_printed(ws)
    ws.sheet_view.showGridLines = False
    ws.sheet_properties.tabColor = AUX_TAB_COLOUR


def _put_steps(ws: Worksheet, row: int, lang: str, lists_title: str, widths: list[float]) -> int:
    """The numbered steps from ``row`` on, side by side in each language; returns the last row used.

    One language per group of table columns, whose cells are merged (only here: this sheet is
    never read back) so each language gets a wide column.
    """
    languages = _languages(lang)
    spans = _spans(widths, len(languages))
    span_widths = [sum(widths[start - 1:end]) for start, end in spans]
    for (start, end), each in zip(spans, languages, strict=True):
        _merged(ws, row, start, end, LANGUAGE_NAMES[each]).font = _BOLD
    params = {each: _step_params(each, lang, lists_title) for each in languages}
    for number, key in enumerate(_STEPS, start=1):
        row += 1
        _put(ws, row, 1, f"{number}.").alignment = Alignment(vertical="top", horizontal="right")
        lines = 1
        for (start, end), width, each in zip(spans, span_widths, languages, strict=True):
            text = _text(each, key, **params[each])
            _merged(ws, row, start, end, text).alignment = _WRAP_TOP
            lines = max(lines, _line_count(text, width))
        ws.row_dimensions[row].height = min(lines * _LINE_HEIGHT + 3, _MAX_ROW_HEIGHT)
    return row


def _put_legend(ws: Worksheet, row: int, lang: str, swatch_width: float) -> int:
    """What the header colours mean (required, optional), from ``row`` on; returns the last row used."""
    _put(ws, row, 1, _multi(lang, "legend")).font = _BOLD
    for required, fill in ((True, REQUIRED_FILL), (False, OPTIONAL_FILL)):
        row += 1
        swatch = _put(ws, row, 1, _multi(lang, "required" if required else "optional"))
        swatch.fill, swatch.font, swatch.border = _fill(fill), _BOLD, _BOX
        swatch.alignment = Alignment(wrap_text=True, vertical="center")
        ws.row_dimensions[row].height = _line_count(swatch.value, swatch_width) * _LINE_HEIGHT + 3
        _put(ws, row, 2, _multi(lang, "legend_required" if required else "legend_optional"))
    return row


def _put_column_table(ws: Worksheet, row: int, lang: str, table: list[TableColumn]) -> int:
    """Its heading at ``row``, then a header row and one row per column of every sheet; returns the last row."""
    _put(ws, row, 1, _multi(lang, "table_heading")).font = Font(bold=True, size=12)
    row += 1
    for index, (header, _, _) in enumerate(table, start=1):
        cell = _put(ws, row, index, header)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _fill(TABLE_HEADER_FILL), _BOX, _WRAP_TOP
    header_lines = max(_line_count(header, width) for header, width, _ in table)
    ws.row_dimensions[row].height = header_lines * _LINE_HEIGHT + 3
    for sheet in schema.SHEETS:
        for column in sheet.columns:
            row += 1
            lines = 1
            for index, (_, width, value) in enumerate(table, start=1):
                text = value(sheet, column)
                cell = _put(ws, row, index, text)
                cell.alignment, cell.border = _WRAP_TOP, _BOX
                lines = max(lines, _line_count(text, width))
            # The code cell carries the legend's colour, as on the data sheets.
            ws.cell(row, 2).fill = _fill(REQUIRED_FILL if column.required else OPTIONAL_FILL)
            ws.row_dimensions[row].height = min(lines * _LINE_HEIGHT + 3, _MAX_ROW_HEIGHT)
    return row


# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------


def _fit_width_when_printed(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    cell = ws.cell(row=row, column=column, value=value)
    # openpyxl stores a text starting with "=" as a formula; the template holds values only.
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _merged(ws: Worksheet, row: int, start: int, end: int, value: str) -> Cell:
    cell = _put(ws, row, start, value)
    if end > start:
        ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
    return cell
