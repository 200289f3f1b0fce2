"""Command line: python -m etl validate|load|template|history|restore|finalise|export-package|purge|add-analyst.

Exit codes: 0 success, 1 rejected input (nothing written), 2 usage error.
Bad input never produces a traceback: every refusal is a Problem printed in
the chosen language (--lang, default Indonesian).
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from etl import schema
from etl.cli_parser import EXIT_USAGE, build_parser, language_of
from etl.load import FileCheck, LoadRejected, Staged, check_file, load_files, restore, upgrade_if_needed
from etl.problems import Problem, Severity, WorkbookRefused, error_count
from etl.warehouse import LoadResult, Warehouse
from translations import format_days, format_list, format_number, translate

EXIT_OK, EXIT_REJECTED = 0, 1


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(language_of(argv)).parse_args(argv)  # exits 2 on a usage error, in the asked language
    lang = args.lang
    usage_error = _usage_error(args, lang)
    if usage_error:
        print(f"✗ {usage_error}", file=sys.stderr)
        return EXIT_USAGE
    handlers = {"validate": _validate, "load": _load, "template": _template, "history": _history,
                "restore": _restore, "finalise": _finalise, "export-package": _export_package, "purge": _purge,
                "add-analyst": _add_analyst}
    return handlers[args.command](args, lang)


def _usage_error(args: argparse.Namespace, lang: str) -> str | None:
    """What argparse cannot tell in the reader's language: a year no workbook can hold, a negative or
    non-numeric retention (``purge --days -1`` deleted every upload), --year with several files."""
    year = getattr(args, "year", None)
    if year is not None and not schema.FIRST_PROGRAM_YEAR <= year <= schema.LAST_PROGRAM_YEAR:
        return translate(lang, "cli.year_out_of_range", year=str(year), first=str(schema.FIRST_PROGRAM_YEAR),
                         last=str(schema.LAST_PROGRAM_YEAR))
    if args.command == "load" and year is not None and len(args.files) > 1:
        return translate(lang, "cli.year_needs_one_file")
    days = getattr(args, "days", None)
    if days is not None and not (math.isfinite(days) and days >= 0):
        return translate(lang, "cli.days_invalid", days=f"{days:g}")
    return None


def _progress(lang: str):
    started = time.monotonic()

    def report(key: str, **params: object) -> None:
        elapsed = format_number(time.monotonic() - started, lang, 1)
        print(f"[{elapsed} s] {translate(lang, f'cli.{key}', **params)}", file=sys.stderr, flush=True)

    return report


def _rows_text(rows: dict[str, int], lang: str) -> str:
    return format_list((translate(lang, "cli.rows_per_sheet", sheet=sheet, count=format_number(count, lang))
                        for sheet, count in rows.items()), lang)


def print_problems(check: FileCheck | Staged, lang: str) -> None:
    for problem in check.problems:
        print(f"  {_problem_line(problem, lang)}")


def _problem_line(problem: Problem, lang: str) -> str:
    marker = "!" if problem.severity is Severity.WARNING else "✗"
    return f"{marker} {problem.line(lang)}"


def _report(check: FileCheck | Staged, lang: str) -> None:
    errors = error_count(check.problems)  # exact: a line standing for many cells counts them all
    warnings = [p for p in check.problems if p.severity is Severity.WARNING]
    if errors:
        print(translate(lang, "cli.problems_found", quantity=errors, file=check.file_name,
                        count=format_number(errors, lang)))
    elif check.year is not None:
        print(translate(lang, "cli.ok_file", file=check.file_name, year=check.year,
                        rows=_rows_text(check.rows, lang)))
    if warnings:
        print(translate(lang, "cli.warnings_found", quantity=len(warnings), file=check.file_name,
                        count=format_number(len(warnings), lang)))
    print_problems(check, lang)


def _validate(args: argparse.Namespace, lang: str) -> int:
    progress = _progress(lang)
    failed = False
    for path in args.files:
        check = check_file(path, year=args.year, progress=progress)
        _report(check, lang)
        failed = failed or not check.ok
    progress("progress_done")
    return EXIT_REJECTED if failed else EXIT_OK


def _load(args: argparse.Namespace, lang: str) -> int:
    warehouse = Warehouse()
    progress = _progress(lang)

    def write() -> list[LoadResult]:
        upgrade_if_needed(warehouse)
        results = load_files(warehouse, args.files, replace=args.replace, loaded_by=args.loaded_by, year=args.year,
                             progress=progress, allow_empty=frozenset(args.allow_empty),
                             on_checked=lambda staged: _report(staged, lang) if staged.ok else None,
                             provisional=args.provisional)
        return results

    return _change(write, lang, progress)


def _restore(args: argparse.Namespace, lang: str) -> int:
    warehouse = Warehouse()
    progress = _progress(lang)

    def write() -> list[LoadResult]:
        upgrade_if_needed(warehouse)
        return [restore(warehouse, args.load_id, loaded_by=args.loaded_by, progress=progress,
                        allow_empty=frozenset(args.allow_empty))]

    return _change(write, lang, progress, restored_from=args.load_id)


def _change(write: Callable[[], list[LoadResult]], lang: str, progress: Callable[..., None],
            restored_from: int | None = None) -> int:
    """Run a load or restore; print what it did, or why nothing was written."""
    try:
        results = write()
    except LoadRejected as rejected:
        for check in rejected.checks:
            if not check.ok:
                _report(check, lang)
        print(translate(lang, "cli.nothing_written"))
        return EXIT_REJECTED
    except WorkbookRefused as refused:
        return _refused(refused, lang)
    for result in results:
        rows = _rows_text(result.rows, lang)
        if restored_from is not None:
            print(translate(lang, "cli.restored", source=restored_from, year=result.year, load_id=result.load_id))
        elif result.replaced_load_id is None:
            print(translate(lang, "cli.loaded", file=result.file_name, load_id=result.load_id,
                            year=result.year, rows=rows))
        else:
            print(translate(lang, "cli.replaced", file=result.file_name, load_id=result.load_id,
                            year=result.year, previous=result.replaced_load_id, rows=rows))
        if result.provisional:
            print(translate(lang, "cli.marked_provisional", year=result.year))
        elif result.was_provisional:
            print(translate(lang, "cli.now_final", year=result.year))
    progress("progress_done")
    return EXIT_OK


def _refused(refused: WorkbookRefused, lang: str) -> int:
    print(f"✗ {refused.problem.message(lang)}")
    print(translate(lang, "cli.nothing_written"))
    return EXIT_REJECTED


def _finalise(args: argparse.Namespace, lang: str) -> int:
    warehouse = Warehouse()
    progress = _progress(lang)
    try:
        upgrade_if_needed(warehouse)
        change = warehouse.finalise(args.year, changed_by=args.changed_by, progress=progress)
    except WorkbookRefused as refused:
        return _refused(refused, lang)
    print(translate(lang, "cli.finalised", year=change.year, change_id=change.change_id, by=change.changed_by,
                    version=warehouse.data_version()))
    progress("progress_done")
    return EXIT_OK


def _template(args: argparse.Namespace, lang: str) -> int:
    from etl.template import write_template

    try:
        path = write_template(args.out, args.template_lang or lang)
    except OSError as error:
        return _cannot_write(error, args.out, lang)
    print(translate(lang, "cli.template_written", path=path))
    return EXIT_OK


def _history(args: argparse.Namespace, lang: str) -> int:
    """Every load with the status it recorded, then every status change (the latest of a year counts)."""
    warehouse = Warehouse()
    loads = warehouse.history()
    if not loads:
        print(translate(lang, "cli.history_empty"))
        return EXIT_OK
    changes = warehouse.status_history()
    recorded = {change["load_id"]: change["provisional"] for change in changes if change["load_id"] is not None}

    def status(provisional: object) -> str:
        return translate(lang, "cli.status_provisional" if provisional else "cli.status_final")

    header = ("load", "year", "file", "sha256", "snapshot", "participants", "activities", "benefits", "obstacles",
              "by", "at (UTC)", "replaced", "restored from", "status")
    rows = [(str(load["load_id"]), str(load["year"]), str(load["file_name"]), str(load["sha256"])[:12],
             str(load["snapshot_sha256"] or "–")[:12],
             str(load["rows_participants"]), str(load["rows_activities"]), str(load["rows_benefits"]),
             str(load["rows_obstacles"]), str(load["loaded_by"]), _when(load["loaded_at"]),
             str(load["replaced_load_id"] or ""), str(load["restored_from_load_id"] or ""),
             status(recorded.get(load["load_id"], False)))  # a load from before year_status: final
            for load in loads]
    _print_table(header, rows)
    print()
    print(translate(lang, "cli.status_heading"))
    _print_table(("change", "year", "status", "by", "at (UTC)", "load"),
                 [(str(change["change_id"]), str(change["year"]), status(change["provisional"]),
                   str(change["changed_by"]), _when(change["changed_at"]), str(change["load_id"] or ""))
                  for change in reversed(changes)])
    return EXIT_OK


def _when(moment: object) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[attr-defined]


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _export_package(args: argparse.Namespace, lang: str) -> int:
    from etl.package import export_package

    warehouse = Warehouse()
    upgrade_if_needed(warehouse)
    if not warehouse.exists():
        print(translate(lang, "cli.package_empty"))
        return EXIT_REJECTED
    try:
        path = export_package(warehouse, args.directory)
    except OSError as error:
        return _cannot_write(error, args.directory, lang)
    version = json.loads(path.read_text(encoding="utf-8"))["version"]  # the version written, even if a load followed
    print(translate(lang, "cli.package_written", path=path.parent, version=version))
    return EXIT_OK


# Why a file could not be written, in the reader's language; another reason is the system's own words.
WRITE_REASONS = {errno.ENOENT: "cli.write_missing_folder", errno.EACCES: "cli.write_denied",
                 errno.EPERM: "cli.write_denied", errno.ENOSPC: "cli.write_disk_full",
                 errno.EDQUOT: "cli.write_disk_full", errno.EROFS: "cli.write_read_only",
                 errno.EISDIR: "cli.write_is_folder", errno.ENOTDIR: "cli.write_not_folder"}


def _cannot_write(error: OSError, path: Path, lang: str) -> int:
    """What could not be written and why, instead of a traceback (a template, a package). The path is the
    one the reader gave: the error's own may be a temporary file beside it."""
    key = WRITE_REASONS.get(error.errno or 0)
    reason = translate(lang, key) if key else (error.strerror or str(error))
    print(f"✗ {translate(lang, 'cli.cannot_write', path=path, reason=reason)}", file=sys.stderr)
    return EXIT_REJECTED


def _purge(args: argparse.Namespace, lang: str) -> int:
    purged = Warehouse().uploads.purge(days=args.days)
    print(translate(lang, "cli.purged", removed=purged.removed, kept=purged.kept,
                    days=format_days(purged.days, lang)))
    return EXIT_OK


def _add_analyst(args: argparse.Namespace, lang: str) -> int:
    from etl.accounts import add_analyst_interactive

    return add_analyst_interactive(args.name, args.secrets, lang)
