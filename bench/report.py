"""Result rows, targets and the tables printed to the terminal and written as Markdown.

A target is only ever compared and printed (met / missed by how much), never
asserted: timings depend on the machine, which is printed with the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Unit(StrEnum):
    SECONDS = "s"
    ROWS_PER_SECOND = "rows/s"
    TIMES = "x"
    MEGABYTES = "MB"


def slower_or_faster(subject: str, ratio: float) -> str:
    """'pandas is 6.1× slower', 'pandas is 2.0× faster', or 'about as fast' within 5%."""
    if 1 / 1.05 <= ratio <= 1.05:
        return f"{subject} is about as fast"
    return f"{subject} is {ratio:,.1f}× slower" if ratio > 1 else f"{subject} is {1 / ratio:,.1f}× faster"


def format_value(value: float, unit: Unit) -> str:
    """A figure in its unit, rounded for reading (ms below one second)."""
    if unit is Unit.SECONDS:
        if value < 0.01:
            return f"{value * 1000:.2f} ms"
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit is Unit.ROWS_PER_SECOND:
        return f"{value / 1000:,.1f}k rows/s" if value >= 10_000 else f"{value:,.0f} rows/s"
    if unit is Unit.TIMES:
        return f"{value:.2f}×" if value < 10 else f"{value:,.0f}×"
    return f"{value:,.0f} MB"


@dataclass(frozen=True)
class Target:
    """An upper (``at_most``) or lower bound for a value, as the issue states it."""

    limit: float
    unit: Unit
    at_most: bool = True

    @property
    def text(self) -> str:
        """The bound as the issue words it: '≤ 0.5 s', '≥ 150k rows/s', '≤ 1.7×', '≤ 600 MB'."""
        sign = "≤" if self.at_most else "≥"
        if self.unit is Unit.ROWS_PER_SECOND:
            return f"{sign} {self.limit / 1000:g}k rows/s"
        suffix = {Unit.SECONDS: " s", Unit.TIMES: "×", Unit.MEGABYTES: " MB"}[self.unit]
        return f"{sign} {self.limit:g}{suffix}"

    def verdict(self, value: float) -> str:
        """'met', or 'MISSED by <difference> (<percent>)'."""
        met = value <= self.limit if self.at_most else value >= self.limit
        if met:
            return "met"
        difference = abs(value - self.limit)
        percent = 100 * difference / self.limit
        shown = f"{difference:.2f}×" if self.unit is Unit.TIMES else format_value(difference, self.unit)
        return f"MISSED by {shown} ({'+' if self.at_most else '−'}{percent:.0f}%)"


@dataclass
class Row:
    measure: str
    value: float | None
    unit: Unit
    n: int = 1
    target: Target | None = None
    ratio: str = ""
    detail: str = ""  # a second reading of the same figure, e.g. the seconds behind a rate
    error: str = ""
    target_note: str = ""  # why no verdict, e.g. "applies at 10M"
    judged: float | None = None  # what the target judges when it is not the value: a ratio to a baseline

    def cells(self) -> list[str]:
        if self.value is None:
            value = f"error: {self.error}" if self.error else "—"
        else:
            value = format_value(self.value, self.unit) + (f" ({self.detail})" if self.detail else "")
        target = self.target.text if self.target else ""
        if self.target and self.target_note:
            target += f" ({self.target_note})"
        judged = self.value if self.judged is None else self.judged
        if self.target and judged is not None and not self.target_note:
            verdict = self.target.verdict(judged)
        else:
            verdict = ""
        return [self.measure, value, f"n={self.n}" if self.value is not None else "", target, self.ratio, verdict]


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


HEADERS = ["Measure", "Value (median)", "n", "Target", "Ratio (same run)", "Verdict"]


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A pipe table padded to line up in a terminal too."""
    cells = [[_escape(c) for c in headers]] + [[_escape(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells[1:]]
    return "\n".join(lines)


def render_section(section: Section) -> str:
    parts = [f"## {section.title}", "", markdown_table(HEADERS, [row.cells() for row in section.rows])]
    notes = [note for note in section.notes if note]  # a note that does not apply to this run is ""
    if notes:
        parts += [""] + [f"- {note}" for note in notes]
    return "\n".join(parts)


def render_report(title: str, machine: list[tuple[str, str]], sections: list[Section],
                  preamble: list[str]) -> str:
    machine_table = markdown_table(["Item", "Value"], [list(m) for m in machine])
    parts = [f"# {title}", "", *preamble, "", "## Machine", "", machine_table]
    for section in sections:
        parts += ["", render_section(section)]
    return "\n".join(parts) + "\n"
