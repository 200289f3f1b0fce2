"""The analyst's own workbook, annotated: every problem cell filled red with its message as a comment.

So a workbook can be fixed in Excel where the problems are, and uploaded
again. Problems that belong to no cell (a missing sheet, a missing column)
are listed on an extra first sheet. openpyxl reads the workbook (with
defusedxml installed, it refuses entity attacks); only files that passed
the guard are annotated.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from etl.problems import Problem, Severity
from translations import translate

PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
COMMENT_WIDTH, COMMENT_HEIGHT = 320, 140


def problem_report(problems: list[Problem], lang: str) -> bytes:
    """The problem list alone, as .xlsx bytes: what is offered once the uploaded workbook is no longer kept."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _problem_sheet(workbook, problems, lang)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problem_sheet(workbook: Workbook, problems: list[Problem], lang: str) -> None:
    """A first sheet listing every problem (sheet, cell, column, value, message)."""
    summary = workbook.create_sheet(translate(lang, "annotate.sheet")[:31], 0)
    summary.append([translate(lang, "annotate.intro")])
    summary["A1"].font = Font(bold=True)
    summary.append([])
    summary.append([translate(lang, key) for key in (
        "annotate.col_sheet", "annotate.col_cell", "annotate.col_column", "annotate.col_value",
        "annotate.col_message")])
    for cell in summary[3]:
        cell.font = Font(bold=True)
    for problem in problems:
        summary.append([problem.sheet or "", problem.cell or (str(problem.row) if problem.row else ""),
                        problem.column or "", problem.value or "", problem.message(lang)])
        for cell in summary[summary.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # an analyst's "=..." value is shown, never run as a formula
    for letter, width in zip("ABCDE", (18, 10, 22, 24, 90), strict=True):
        summary.column_dimensions[letter].width = width


def annotate(path: Path, problems: list[Problem], lang: str) -> bytes:
    """The workbook at ``path`` with its problems marked, as .xlsx bytes."""
    workbook = load_workbook(path)
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    loose: list[Problem] = []
    for problem in problems:
        if problem.sheet in workbook.sheetnames and problem.cell:
            by_cell[(problem.sheet, problem.cell.split(":")[0])].append(problem)
        else:
            loose.append(problem)
    for (sheet_name, cell_ref), found in by_cell.items():
        cell = workbook[sheet_name][cell_ref]
        errors = [p for p in found if p.severity is Severity.ERROR]
        cell.fill = PROBLEM_FILL if errors else WARNING_FILL
        text = "\n".join(f"• {p.message(lang)}" for p in found)
        cell.comment = Comment(text, translate(lang, "annotate.author"), height=COMMENT_HEIGHT, width=COMMENT_WIDTH)
    _problem_sheet(workbook, [*loose, *(p for found in by_cell.values() for p in found)], lang)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
