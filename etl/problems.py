"""Problems found in a workbook, addressed the way an analyst sees them.

A problem is data (a code, where it is, the offending value and message
parameters); its text is rendered in the reader's language from the
``problem.*`` keys of the translation catalogues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from translations import colon_of, format_list, format_number, translate, with_note


@dataclass(frozen=True)
class Localized:
    """A message parameter that is itself a catalogue text, shown in the reader's language."""

    key: str

    def __call__(self, lang: str) -> str:
        return translate(lang, self.key)


@dataclass(frozen=True)
class LocalNumber:
    """A number in a message, written with the reader's decimal mark (1,5 MB in Indonesian)."""

    value: float
    decimals: int = 0

    def __call__(self, lang: str) -> str:
        return format_number(self.value, lang, self.decimals)


@dataclass(frozen=True)
class LocalList:
    """An enumeration in a message, written as the reader's language writes it ("3、4、9" in Chinese);
    ``more`` ends it with "…" for items not named."""

    items: tuple[str, ...]
    more: bool = False

    def __call__(self, lang: str) -> str:
        return format_list([*self.items, *(["…"] if self.more else [])], lang)


@dataclass(frozen=True)
class LocalChoices:
    """The values a category column accepts, as the reader's language names them, for a message that says
    what to write instead: "Tulis salah satu dari: “Jakarta”, “Kota mitra”, “Lainnya” …". A list longer than
    CHOICES_LISTED is left to the template's column table."""

    labels: tuple[tuple[str, tuple[str, ...]], ...]  # (language, its labels in the schema's order)

    def __call__(self, lang: str) -> str:
        labels = dict(self.labels).get(lang) or dict(self.labels)["en"]
        if len(labels) > CHOICES_LISTED:
            return translate(lang, "problem.allowed_in_template")
        quoted = [f"“{label}”" for label in labels]
        return translate(lang, "problem.allowed_values", choices=format_list(quoted, lang))


CHOICES_LISTED = 10  # the partner cities (18) are left to the template


class Severity(StrEnum):
    ERROR = "error"  # blocks the load
    WARNING = "warning"  # shown, does not block (e.g. an extra column that is ignored)


@dataclass(frozen=True)
class Problem:
    code: str
    sheet: str | None = None  # sheet name as written in the workbook
    row: int | None = None  # Excel row number (the header is row 1)
    column: str | None = None  # header as written in the workbook, or the schema name
    cell: str | None = None  # e.g. "K5"
    value: str | None = None
    suggestion: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    severity: Severity = Severity.ERROR
    # How many cells or facts this one line stands for: a summary ("23 more cells hold
    # formulas", "a year other than the workbook's on 120 rows") counts every one of them.
    count: int = 1

    def message(self, lang: str) -> str:
        # Parameters that depend on the language (schema labels, catalogue texts,
        # numbers) are callables taking the language.
        params = {key: value(lang) if isinstance(value, Callable) else value for key, value in self.params.items()}
        return translate(lang, f"problem.{self.code}", quantity=self.count, value=self.value or "",
                         suggestion=self.suggestion or "", **params)

    def line(self, lang: str) -> str:
        """Where and what, as one line of plain text: 'participants!K5 (field): ...' (Chinese brackets and colon
        in Chinese).

        The column is named beside a cell unless the message names it already, and in
        brackets for a whole-column problem, which has no cell.
        """
        where = self.location()
        message = self.message(lang)
        named = bool(self.column) and str(self.column) in message
        if self.column and self.cell and not named:
            where = with_note(where, self.column, lang)
        elif self.column and not self.cell:
            where = f"{where}［{self.column}］" if lang == "zh" else f"{where} [{self.column}]"
        return f"{where}{colon_of(lang)}{message}" if where else message

    def location(self) -> str:
        """'participants!K5', 'participants!2' (a row) or 'participants' or '' for a whole-file problem.

        A problem about a whole column (a missing column) has no row: it is located by its
        sheet and ``column``, which the CLI prints beside it as 'participants [full_name]'.
        """
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet and self.row:
            return f"{self.sheet}!{self.row}"
        return self.sheet or ""


class WorkbookRefused(Exception):
    """The file cannot be read at all (not a workbook, hostile, too large...)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message("en"))
        self.problem = problem


def errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.ERROR]


def error_count(problems: list[Problem]) -> int:
    """The exact number of errors: summary lines count every cell or row they stand for.

    ``len(errors(...))`` is the number of lines shown, which is smaller when formulas,
    Excel errors, wrong years or problems past the listing limit are summarised.
    """
    return sum(problem.count for problem in problems if problem.severity is Severity.ERROR)
