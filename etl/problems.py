"""Problems found in a workbook, addressed the way an analyst sees them.

A problem is data (a code, where it is, the offending value and message
parameters); its text is rendered in the reader's language from the
``problem.*`` keys of the translation catalogues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from translations import format_number, translate


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

    def message(self, lang: str) -> str:
        # Parameters that depend on the language (schema labels, catalogue texts,
        # numbers) are callables taking the language.
        params = {key: value(lang) if isinstance(value, Callable) else value for key, value in self.params.items()}
        return translate(lang, f"problem.{self.code}", value=self.value or "",
                         suggestion=self.suggestion or "", **params)

    def location(self) -> str:
        """'participants!K5' or 'participants' or '' for a whole-file problem."""
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
