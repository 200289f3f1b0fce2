"""The analysts' upload flow: check, report, preview, confirm; history and restore.

Every step uses the ETL's own reader, validator and loader (etl.load), the
same code as `python -m etl`, so the app and the command line can never
disagree about what a valid workbook is.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard.components import PageContext
from dashboard.queries import Scope, yearly_summary
from etl import schema
from etl.annotate import annotate
from etl.load import FileCheck, LoadRejected, check_file, load_files, restore
from etl.preview import SheetChange, compare_year, staged_connection
from etl.problems import Problem, Severity, WorkbookRefused
from etl.reader import file_sha256
from etl.schema import Limits
from etl.template import build_template
from etl.warehouse import LoadResult, Warehouse

MAX_UPLOAD_MB = 50
# Tighter than the command line's limits: the server is shared, so what one upload can make
# the parser hold must stay small (fastexcel holds about 2.5x the sheet's XML, measured).
# A program year is a few hundred rows; the CLI keeps Excel's full 1,048,576.
UPLOAD_LIMITS = Limits(max_file_bytes=MAX_UPLOAD_MB * 2**20, max_uncompressed_bytes=256 * 2**20,
                       max_rows_per_sheet=200_000)
STATE_KEY = "upload_checked"
RESULT_KEY = "upload_result"
UPLOADER_KEY = "upload_uploader_generation"
HEADLINE_COLUMNS = ("applicants", "delegates_outbound", "delegates_inbound", "activities",
                    "participants_jakarta", "participants_partner", "benefits", "obstacles")


@dataclass
class Checked:
    """A file that was saved, archived and checked; with its preview when it is valid."""

    file_name: str
    sha256: str
    path: Path  # the archived copy: nothing uploaded is ever lost
    check: FileCheck
    year: int | None = None
    existing_load: int | None = None
    restore_of: int | None = None
    changes: list[SheetChange] = field(default_factory=list)
    headline: pd.DataFrame | None = None


def template_bytes(lang: str) -> bytes:
    buffer = io.BytesIO()
    build_template(lang).save(buffer)
    return buffer.getvalue()


def save_upload(warehouse: Warehouse, name: str, content: bytes) -> tuple[Path, str]:
    """Write the upload to disk and archive it by hash before anything else happens."""
    uploads = warehouse.directory / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    temporary = uploads / f".{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    temporary.write_bytes(content)
    try:
        sha256 = file_sha256(temporary)
        return warehouse.archive(temporary, sha256, name), sha256
    finally:
        temporary.unlink(missing_ok=True)


def check_upload(ctx: PageContext, warehouse: Warehouse, name: str, path: Path, sha256: str,
                 year: int | None = None, restore_of: int | None = None) -> Checked:
    """Read and validate with a progress indicator; compute the preview of a valid file."""
    with st.status(ctx.t("upload.checking", file=name), expanded=False) as status:
        def progress(key: str, **params: object) -> None:
            status.update(label=ctx.t(f"cli.{key}", **params))

        check = check_file(path, original_name=name, year=year, limits=UPLOAD_LIMITS, progress=progress)
        checked = Checked(name, sha256, path, check, restore_of=restore_of)
        if check.ok and check.validation is not None and check.validation.year is not None:
            status.update(label=ctx.t("upload.previewing"))
            checked.year = check.validation.year
            checked.existing_load = warehouse.current_loads().get(checked.year)
            tables = check.validation.clean_tables(warehouse.pseudonym_key())
            checked.changes = compare_year(warehouse.current_file(), checked.year, tables)
            checked.headline = _headline_before_after(ctx, warehouse, checked.year, tables)
        if check.validation is not None:
            check.validation.close()
        status.update(label=ctx.t("upload.checked", file=name),
                      state="complete" if check.ok else "error")
    return checked


def _headline_before_after(ctx: PageContext, warehouse: Warehouse, year: int,
                           tables: dict[str, pa.Table]) -> pd.DataFrame:
    """The year's headline figures now and after the load, with the dashboard's own query."""
    scope = Scope((year,))
    before = yearly_summary(ctx.reader.cursor, scope)
    with staged_connection(warehouse.current_file(), year, tables) as staged:
        after = yearly_summary(staged, scope)
    rows = []
    for column in HEADLINE_COLUMNS:
        old = before.loc[before["year"] == year, column]
        new = after.loc[after["year"] == year, column]
        rows.append({"figure": ctx.t(f"metric.{column}", partner=ctx.partner_name()),
                     "before": int(old.iloc[0]) if len(old) else 0, "after": int(new.iloc[0]) if len(new) else 0})
    return pd.DataFrame(rows)


def problems_frame(ctx: PageContext, problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame([{
        ctx.t("upload.col_severity"): ctx.t(f"upload.severity_{p.severity.value}"),
        ctx.t("upload.col_sheet"): p.sheet or "",
        ctx.t("upload.col_row"): p.row,
        ctx.t("upload.col_cell"): p.cell or "",
        ctx.t("upload.col_column"): p.column or "",
        ctx.t("upload.col_value"): p.value or "",
        ctx.t("upload.col_message"): p.message(ctx.lang),
        ctx.t("upload.col_suggestion"): p.suggestion or "",
    } for p in problems])


def show_report(ctx: PageContext, checked: Checked) -> None:
    """Rows per sheet and every problem, with the annotated workbook to fix them in Excel."""
    check = checked.check
    errors = [p for p in check.problems if p.severity is Severity.ERROR]
    if check.validation is not None:
        rows = check.validation.rows
        columns = st.columns(max(len(rows), 1))
        for column, (sheet, count) in zip(columns, rows.items(), strict=False):
            column.metric(schema.SHEETS_BY_NAME[sheet].label(ctx.lang), ctx.number(count))
    if errors:
        st.error(ctx.t("upload.invalid", count=ctx.number(len(errors))), icon=":material/error:")
    elif check.problems:
        st.warning(ctx.t("upload.warnings", count=ctx.number(len(check.problems))), icon=":material/warning:")
    else:
        st.success(ctx.t("upload.valid", year=checked.year), icon=":material/check_circle:")
    if check.problems:
        st.dataframe(problems_frame(ctx, check.problems), hide_index=True)
    if check.problems and check.refusal is None:
        st.download_button(
            ctx.t("upload.annotated"), data=lambda: annotate(checked.path, check.problems, ctx.lang),
            file_name=f"{Path(checked.file_name).stem}-{ctx.t('upload.annotated_suffix')}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
            key="annotated", icon=":material/download:", help=ctx.t("upload.annotated_help"))


def show_preview(ctx: PageContext, checked: Checked) -> None:
    st.subheader(ctx.t("upload.preview_title", year=checked.year))
    if checked.existing_load is not None:
        st.warning(ctx.t("upload.replaces", year=checked.year, load_id=checked.existing_load),
                   icon=":material/swap_horiz:")
    else:
        st.info(ctx.t("upload.new_year", year=checked.year), icon=":material/add_circle:")
    changes = pd.DataFrame([{
        ctx.t("upload.col_sheet"): change.sheet, ctx.t("upload.col_before"): change.before,
        ctx.t("upload.col_after"): change.after, ctx.t("upload.col_added"): change.added,
        ctx.t("upload.col_removed"): change.removed, ctx.t("upload.col_changed"): change.changed,
    } for change in checked.changes])
    st.dataframe(changes, hide_index=True)
    if checked.headline is not None:
        st.markdown(f"**{ctx.t('upload.headline_title', year=checked.year)}**")
        st.dataframe(checked.headline.rename(columns={"figure": ctx.t("upload.col_figure"),
                                                      "before": ctx.t("upload.col_before"),
                                                      "after": ctx.t("upload.col_after")}), hide_index=True)


def confirm(ctx: PageContext, warehouse: Warehouse, checked: Checked, analyst: str) -> LoadResult | None:
    """The confirm button (and the second confirmation a replacement needs); loads on click."""
    replacing = checked.existing_load is not None
    understood = True
    if replacing:
        understood = st.checkbox(ctx.t("upload.confirm_replace", year=checked.year, load_id=checked.existing_load),
                                 key=f"understood-{checked.sha256}-{checked.restore_of}")
    label = ctx.t("upload.restore_button", load_id=checked.restore_of) if checked.restore_of else ctx.t(
        "upload.load_button", year=checked.year)
    if not st.button(label, type="primary", disabled=not understood, key=f"confirm-{checked.sha256}"):
        return None
    try:
        with st.spinner(ctx.t("cli.progress_write")):
            if checked.restore_of is not None:
                return restore(warehouse, checked.restore_of, loaded_by=analyst)
            (result,) = load_files(warehouse, [checked.path], replace=replacing, loaded_by=analyst,
                                   original_names=[checked.file_name], limits=UPLOAD_LIMITS)
            return result
    except LoadRejected as rejected:
        st.error(ctx.t("upload.rejected_now"))
        st.dataframe(problems_frame(ctx, [p for c in rejected.checks for p in c.problems]), hide_index=True)
    except WorkbookRefused as refused:
        # e.g. another analyst loaded the same year meanwhile: check and confirm again.
        st.error(refused.problem.message(ctx.lang))
    return None


def check_restore(ctx: PageContext, warehouse: Warehouse, load_id: int) -> Checked:
    """Check the archived file of an earlier load again, with the preview of restoring it."""
    record = next(load for load in warehouse.history() if load["load_id"] == load_id)
    path = warehouse.archive_dir / str(record["archive_path"])
    return check_upload(ctx, warehouse, str(record["file_name"]), path, str(record["sha256"]),
                        year=int(record["year"]), restore_of=load_id)


def restore_choices(history: pd.DataFrame) -> list[int]:
    return [int(load_id) for load_id in history["load_id"]]


def describe_load(ctx: PageContext, history: pd.DataFrame, load_id: int) -> str:
    row = history[history["load_id"] == load_id].iloc[0]
    loaded_at = row["loaded_at"]
    when = loaded_at.strftime("%Y-%m-%d %H:%M") if isinstance(loaded_at, dt.datetime | pd.Timestamp) else str(loaded_at)
    return ctx.t("upload.load_choice", load_id=load_id, year=int(row["year"]), file=row["file_name"],
                 by=row["loaded_by"], when=when)
