"""Reading frictionless's report on an open-data package: the package file's tests and the API's."""

from __future__ import annotations

import frictionless

from etl import package


def errors(report: frictionless.Report) -> list[tuple[str, str, list]]:
    """(table, error type, cells) of every error frictionless reports."""
    return [(task.name, error.type, list(getattr(error, "cells", []) or []))
            for task in report.tasks for error in task.errors] + [("", error.type, []) for error in report.errors]


def unexpected(report: frictionless.Report) -> list[tuple[str, str, list]]:
    """Every error but a benefit measured for no single activity: frictionless-py checks the two-column key
    (year, activity_id) unless all of it is empty, where SQL skips a key with an empty part (etl.package)."""
    position = package.published_columns("benefits").index("activity_id")
    return [(table, kind, cells) for table, kind, cells in errors(report)
            if not (table == "benefits" and kind == "foreign-key" and cells[position] == "")]
