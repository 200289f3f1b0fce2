"""The analysts' upload flow: check, report, preview, confirm; history and restore.

Every step uses the ETL's own code (etl.load), the same as `python -m etl`,
so the app and the command line never disagree about what a valid workbook
is. The check runs in a child process (etl.isolated: the app's memory stays
small) and keeps the checked tables as a snapshot; the preview reads that
snapshot, and Confirm writes exactly it — the file is never parsed twice,
and a new check happens whenever the file's content (its SHA-256) changes.

Beside Confirm, a checkbox says whether the figures are provisional
(etl.warehouse, "Provisional years"). It starts as the year's status now:
unticked for a new year, ticked when a provisional year is replaced or
restored, so confirming without touching it never changes the status by
accident; a restore whose box is left as it was keeps the status the year
has at the moment of writing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.components import author_name, show_reference_table, show_table
from dashboard.context import PageContext
from dashboard.headline import Figure, formatted
from dashboard.literal import markdown_text
from dashboard.metrics import CARD_METRICS, metric, summary_value
from dashboard.queries import Scope, yearly_summary
from dashboard.theme import ask_focus, focus_part
from etl import schema
from etl.annotate import annotate, problem_report
from etl.guard import size_refusal
from etl.isolated import stage_in_child
from etl.load import Staged, load_record, restore, write_staged
from etl.preview import SheetChange, compare_year, staged_connection
from etl.problems import Problem, Severity, WorkbookRefused, error_count
from etl.reader import refusal_by_name
from etl.schema import Limits
from etl.snapshots import Snapshot
from etl.template import build_template
from etl.uploads import expires_at, retention_days
from etl.warehouse import LoadResult, Warehouse
from translations import JAKARTA_TIME, format_day, jakarta_time, sentences

MAX_UPLOAD_MB = 50
# What the uploader itself takes (and the server: .streamlit/config.toml, server.maxUploadSize): a file between
# the two is refused by the page, in the reader's language, without being kept.
UPLOADER_MB = 200
# Tighter than the command line's limits: the server is shared, so what one upload can make
# the parser hold must stay small (fastexcel holds about 2.5x the sheet's XML, measured).
# A program year is a few hundred rows; the CLI keeps Excel's full 1,048,576.
UPLOAD_LIMITS = Limits(max_file_bytes=MAX_UPLOAD_MB * 2**20, max_uncompressed_bytes=256 * 2**20,
                       max_rows_per_sheet=200_000)
# Problems written out whole above the table of every problem.
PROBLEMS_IN_FULL = 10
STATE_KEY = "upload_checked"
RESULT_KEY = "upload_result"
UPLOADER_KEY = "upload_uploader_generation"
REFUSED_KEY = "upload_refused"
# Everything an analyst's session holds of a workbook: its check (with the staged rows and the preview), the
# last outcome and refusal. Dropped at sign-out (forget_work).
WORK_KEYS = (STATE_KEY, RESULT_KEY, REFUSED_KEY)
REMOVED_STYLE = "background-color: #FDECEA; color: #8C1D18; font-weight: 600"


@dataclass
class Checked:
    """A checked file (or an earlier load to restore), with its preview when it can be loaded."""

    file_name: str
    sha256: str | None  # of the uploaded file: a different file means a new check
    staged: Staged
    raw_path: Path | None = None  # the upload as received, while the retention period keeps it
    restore_of: int | None = None
    existing_load: int | None = None
    provisional_now: bool = False  # the year's status when the preview was made
    changes: list[SheetChange] = field(default_factory=list)
    headline: pd.DataFrame | None = None  # per headline card: its key, its value now and after loading

    @property
    def year(self) -> int | None:
        return self.staged.year

    @property
    def restoring(self) -> bool:
        """An earlier load's snapshot to restore, not an uploaded workbook."""
        return self.restore_of is not None

    @property
    def emptied(self) -> list[SheetChange]:
        return [change for change in self.changes if change.emptied]


def template_bytes(lang: str) -> bytes:
    buffer = io.BytesIO()
    build_template(lang).save(buffer)
    return buffer.getvalue()


def content_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check_upload(ctx: PageContext, warehouse: Warehouse, name: str, content: bytes) -> Checked:
    """Keep the upload (owner-only, for the retention period), check it in a child process, preview it.

    A file whose name already says it is no workbook (a CSV, a PDF, an old .xls), or that is empty or above
    the limit, is refused before it is kept: the uploader takes any file up to UPLOADER_MB, so that this
    refusal, like every other, is written on the page in the reader's language (Streamlit's own, for a
    type or a size it was told to refuse, is an English tooltip on a red chip)."""
    sha256 = content_sha256(content)
    refusal = refusal_by_name(name, csv_accepted=False) or size_refusal(len(content), UPLOAD_LIMITS)
    if refusal is not None:
        return Checked(name, sha256, Staged(name, sha256, None, [refusal]))
    raw_path = warehouse.uploads.keep(name, content, sha256)
    # A status label is Markdown: the file's name (and any text from inside the file) is shown as typed.
    with st.status(ctx.t("upload.checking", file=markdown_text(name)), expanded=False) as status:
        def progress(key: str, **params: object) -> None:
            shown = {param: markdown_text(value) if isinstance(value, str) else value
                     for param, value in params.items()}
            status.update(label=ctx.t(f"cli.{key}", **shown))

        staged = stage_in_child(warehouse, raw_path, name, limits=UPLOAD_LIMITS, progress=progress)
        checked = Checked(name, sha256, staged, raw_path=raw_path)
        if staged.ok:
            status.update(label=ctx.t("upload.previewing"))
            _preview(ctx, warehouse, checked, warehouse.snapshots.open(staged.snapshot_sha256))
        status.update(label=ctx.t("upload.checked", file=markdown_text(name)),
                      state="complete" if staged.ok else "error")
    return checked


def check_restore(ctx: PageContext, warehouse: Warehouse, load_id: int) -> Checked:
    """An earlier load's snapshot, verified by hash, with the preview of restoring it."""
    record = load_record(warehouse, load_id)
    name = str(record["file_name"])
    try:
        snapshot = warehouse.snapshots.open(record.get("snapshot_sha256"))  # type: ignore[arg-type]
    except WorkbookRefused as refused:
        staged = Staged(name, str(record["sha256"]), int(str(record["year"])), [refused.problem])
        return Checked(name, None, staged, restore_of=load_id)
    staged = Staged(name, snapshot.source_sha256, snapshot.year, [], snapshot.rows, snapshot.sha256)
    checked = Checked(name, None, staged, restore_of=load_id)
    _preview(ctx, warehouse, checked, snapshot)
    return checked


def _preview(ctx: PageContext, warehouse: Warehouse, checked: Checked, snapshot: Snapshot) -> None:
    checked.existing_load = warehouse.current_loads().get(snapshot.year)
    checked.provisional_now = snapshot.year in warehouse.provisional_years()
    checked.changes = compare_year(warehouse, snapshot)
    checked.headline = _headline_before_after(ctx, warehouse, snapshot)


def _headline_before_after(ctx: PageContext, warehouse: Warehouse, snapshot: Snapshot) -> pd.DataFrame:
    """The year's headline figures (every card of the Overview) now and after the load, with the dashboard's
    own query: None where the year has no figure (not loaded yet, or a rate without applicants)."""
    year = snapshot.year
    scope = Scope((year,))
    before = _year_row(yearly_summary(ctx.reader.cursor, scope), year)
    with staged_connection(warehouse, snapshot) as staged:
        after = _year_row(yearly_summary(staged, scope), year)
    return pd.DataFrame([{"metric": card.key, "before": summary_value(card.key, before),
                          "after": summary_value(card.key, after)} for card in CARD_METRICS])


def _year_row(summary: pd.DataFrame, year: int) -> pd.Series | None:
    rows = summary[summary["year"] == year]
    return rows.iloc[0] if len(rows) else None


def problems_frame(ctx: PageContext, problems: list[Problem]) -> pd.DataFrame:
    """One row per problem (at least one): where, what, and what to do."""
    frame = pd.DataFrame([{
        ctx.t("upload.col_severity"): ctx.t(f"upload.severity_{p.severity.value}"),
        ctx.t("upload.col_sheet"): p.sheet or "",
        ctx.t("upload.col_row"): p.row,
        ctx.t("upload.col_cell"): p.cell or "",
        ctx.t("upload.col_column"): p.column or "",
        ctx.t("upload.col_value"): p.value or "",
        ctx.t("upload.col_message"): p.message(ctx.lang),
        ctx.t("upload.col_suggestion"): p.suggestion or "",
    } for p in problems])
    # Row numbers sort as numbers (9 before 10); a file's problem has none, drawn empty (show_table's placeholder).
    row = ctx.t("upload.col_row")
    frame[row] = frame[row].astype("Int64")
    return frame


def problems_in_full(ctx: PageContext, problems: list[Problem]) -> None:
    """The first problems as whole sentences: the table's cells cut a long message.

    Plain text (st.text): a message quotes the workbook's cells, which are never read as Markdown.
    """
    with st.container(key="problems-in-full"):
        for problem in problems[:PROBLEMS_IN_FULL]:
            st.text(f"{ctx.t(f'upload.severity_{problem.severity.value}')} · {problem.line(ctx.lang)}")
    if len(problems) > PROBLEMS_IN_FULL:
        st.caption(ctx.t("upload.problems_in_full", len(problems), shown=ctx.number(PROBLEMS_IN_FULL),
                         count=ctx.number(len(problems))))


def show_report(ctx: PageContext, checked: Checked) -> None:
    """Rows per sheet and every problem, with the annotated workbook to fix them in Excel."""
    staged = checked.staged
    problems = staged.problems
    said_in_full = _said_in_full(problems)
    if staged.rows:
        # Side by side, wrapping where a screen is narrow: a phone put each sheet's count on a line of its own.
        counts = st.container(horizontal=True, key="rows-per-sheet")
        for sheet, count in staged.rows.items():
            counts.metric(schema.SHEETS_BY_NAME[sheet].label(ctx.lang), ctx.number(count))
    errors = error_count(problems)
    if errors:
        st.error(ctx.t("upload.invalid", quantity=errors, count=ctx.number(errors)), icon=":material/error:")
    elif problems:
        st.warning(ctx.t("upload.warnings", quantity=len(problems), count=ctx.number(len(problems))),
                   icon=":material/warning:")
    elif checked.restoring:
        st.success(ctx.t("upload.snapshot_valid", load_id=checked.restore_of, year=checked.year),
                   icon=":material/check_circle:")
    else:
        st.success(ctx.t("upload.valid", year=checked.year), icon=":material/check_circle:")
    if problems:
        # Errors first, in the list and the table: what blocks the load is read before the remarks.
        problems = sorted(problems, key=lambda problem: problem.severity is Severity.WARNING)
        problems_in_full(ctx, problems)
        if not said_in_full:  # a table of where, beside the sentences, where there is a where
            show_table(ctx, problems_frame(ctx, problems), whole_texts="off")  # written in full above
    offered = bool(problems) and not checked.restoring and not said_in_full  # a download of the problems
    markable = offered and _can_mark(checked)  # ... as the analyst's own workbook, marked
    _retention_note(ctx, checked, markable)
    if offered:
        _problems_download(ctx, checked, markable)


def _said_in_full(problems: list[Problem]) -> bool:
    """Whether the page has said every problem whole, each of the file as a whole (its type, its size, a
    password): a table or a download would hold the same sentences, with no sheet, row or cell to show."""
    return len(problems) <= PROBLEMS_IN_FULL and all(problem.sheet is None for problem in problems)


def _retention_note(ctx: PageContext, checked: Checked, marked: bool) -> None:
    """When the workbook as received is deleted, and what it is kept for until then: the load it may become
    (restorable from its snapshot) or, refused, the copy with its problems marked where one is ``marked``
    (offered below). A refused file is never said to be a load, nor kept for a copy no one is offered."""
    raw_path = checked.raw_path
    if raw_path is None or not raw_path.exists():
        return
    kept = ctx.t("upload.kept_until", date=format_day(deleted_on(raw_path), ctx.lang), days=ctx.days(retention_days()))
    if checked.staged.ok:
        kept = sentences(kept, ctx.t("upload.kept_restorable"), lang=ctx.lang)
    elif marked:
        kept = sentences(kept, ctx.t("upload.kept_marked"), lang=ctx.lang)
    st.caption(kept)


def deleted_on(raw_path: Path) -> dt.date:
    """The day, on Jakarta's calendar as every moment on the page, a kept workbook is past its retention."""
    return expires_at(raw_path).astimezone(JAKARTA_TIME).date()


# Problems of a file openpyxl cannot open to mark: the analyst gets the list of problems instead.
UNMARKABLE = frozenset({"not_xlsx", "old_xls", "encrypted", "damaged", "file_missing", "empty_file",
                        "too_large_file"})


def _can_mark(checked: Checked) -> bool:
    """Whether the workbook as received is kept and can be handed back with its problems marked."""
    raw = checked.raw_path
    return (raw is not None and raw.exists() and raw.suffix == ".xlsx"
            and not any(problem.code in UNMARKABLE for problem in checked.staged.problems))


def _problems_download(ctx: PageContext, checked: Checked, markable: bool) -> None:
    """The analyst's own workbook annotated where it is ``markable`` (_can_mark); else, after the retention
    period too, the problem list alone."""
    problems = checked.staged.problems
    stem = Path(checked.file_name).stem
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    raw = checked.raw_path
    if markable and raw is not None:
        st.download_button(
            ctx.t("upload.annotated"), data=lambda: annotate(raw, problems, ctx.lang),
            file_name=f"{stem}-{ctx.t('upload.annotated_suffix')}.xlsx", mime=xlsx, on_click="ignore",
            key="annotated", icon=":material/download:", help=ctx.t("upload.annotated_help"))
        return
    if raw is not None and not raw.exists():
        st.info(ctx.t("upload.raw_purged", days=ctx.days(retention_days())), icon=":material/auto_delete:")
    st.download_button(
        ctx.t("upload.problem_list"), data=lambda: problem_report(problems, ctx.lang),
        file_name=f"{stem}-{ctx.t('upload.annotated_suffix')}.xlsx", mime=xlsx, on_click="ignore",
        key="problem-list", icon=":material/download:")


def _after_heading(ctx: PageContext, *, restoring: bool) -> str:
    """The preview tables' heading of the figures to come: "After restoring" for an earlier load's snapshot."""
    return ctx.t("upload.col_after_restore") if restoring else ctx.t("upload.col_after")


def _changes_table(ctx: PageContext, checked: Checked) -> pd.io.formats.style.Styler:
    """Rows per sheet before and after, a sheet that would be emptied in red."""
    after = _after_heading(ctx, restoring=checked.restoring)
    frame = pd.DataFrame([{
        ctx.t("upload.col_sheet"): schema.SHEETS_BY_NAME[change.sheet].label(ctx.lang),
        ctx.t("upload.col_before"): change.before, after: change.after,
        ctx.t("upload.col_added"): change.added, ctx.t("upload.col_removed"): change.removed,
        ctx.t("upload.col_changed"): change.changed,
    } for change in checked.changes])
    emptied = [change.emptied for change in checked.changes]
    return frame.style.apply(lambda row: [REMOVED_STYLE if emptied[row.name] else ""] * len(row), axis=1)


def show_preview(ctx: PageContext, checked: Checked) -> None:
    """Step 4, a section (h2) as steps 1 to 3 are: what loading would change, sheet by sheet and in the
    headline figures (h3 under it)."""
    st.header(ctx.t("upload.preview_title", year=checked.year))
    # A restore says so: "loading" and "the workbook" read wrong for an earlier load's snapshot.
    restoring = checked.restoring
    if checked.existing_load is not None and not any(
            change.added or change.removed or change.changed for change in checked.changes):
        # The same rows again (a workbook uploaded twice): said, so a no-op is not mistaken for a correction.
        st.info(ctx.t("upload.unchanged_restore" if restoring else "upload.unchanged", year=checked.year,
                      load_id=checked.existing_load, restored=checked.restore_of), icon=":material/check_circle:")
    elif checked.existing_load is not None:
        st.warning(ctx.t("upload.replaces_restore" if restoring else "upload.replaces", year=checked.year,
                         load_id=checked.existing_load, restored=checked.restore_of), icon=":material/swap_horiz:")
    else:
        st.info(ctx.t("upload.new_year", year=checked.year), icon=":material/add_circle:")
    for change in checked.emptied:
        st.error(ctx.t("upload.emptied", quantity=change.before, year=checked.year, count=ctx.number(change.before),
                       sheet=schema.SHEETS_BY_NAME[change.sheet].label(ctx.lang)), icon=":material/delete_forever:")
    st.dataframe(_changes_table(ctx, checked), hide_index=True)
    if checked.headline is not None:
        st.subheader(ctx.t("upload.headline_title", year=checked.year))
        # A static table: a phone's grid squeezed the change column and cut "+0.1 个百分点" to "个百分点".
        table = headline_table(ctx, checked.headline, restoring=restoring)
        show_reference_table(table, whole_labels=True, right_aligned=list(table.columns[1:]))


def headline_table(ctx: PageContext, headline: pd.DataFrame, *, restoring: bool = False) -> pd.DataFrame:
    """The headline figures as the cards write them, in the reader's language, now and after loading (after
    restoring, when ``restoring`` an earlier load), and the change a card would show between the two ("+6",
    "±0.0 pp"): a corrected workbook's effect is read at a glance. A year not loaded yet has no figures now
    (not a zero of each): its table has no "Now" column and no change."""
    partner = ctx.partner_name()
    cards = [metric(key) for key in headline["metric"]]

    def written(values: pd.Series) -> list[str]:
        return [card.format(value, ctx.lang) for card, value in zip(cards, values, strict=True)]

    table = pd.DataFrame({ctx.t("metric.col_figure"): [card.label(ctx.lang, partner) for card in cards],
                          ctx.t("upload.col_before"): written(headline["before"]),
                          _after_heading(ctx, restoring=restoring): written(headline["after"])})
    if headline["before"].isna().all():
        return table.drop(columns=ctx.t("upload.col_before"))
    changes = [formatted(Figure(card, _number(after), _number(before)), ctx.lang, ctx.t("metric.pp"))[1]
               for card, before, after in zip(cards, headline["before"], headline["after"], strict=True)]
    return table.assign(**{ctx.t("metric.col_change"): [change.text if change else "–" for change in changes]})


def _number(value: object) -> float | None:
    """A kept figure as a card reads it: a missing one (NaN, None) is none."""
    return None if pd.isna(value) else float(value)  # type: ignore[arg-type]


def confirm(ctx: PageContext, warehouse: Warehouse, checked: Checked, analyst: str) -> LoadResult | None:
    """The confirm button, and the named confirmations a replacement needs; writes the staged snapshot on click."""
    key = f"{checked.staged.snapshot_sha256}-{checked.restore_of}"
    understood = True
    if checked.existing_load is not None:
        understood = st.checkbox(ctx.t("upload.confirm_replace", year=checked.year, load_id=checked.existing_load),
                                 key=f"understood-{key}")
    allowed: set[str] = set()
    for change in checked.emptied:
        label = ctx.t("upload.confirm_empty", quantity=change.before, year=checked.year,
                      count=ctx.number(change.before),
                      sheet=schema.SHEETS_BY_NAME[change.sheet].label(ctx.lang))
        if st.checkbox(label, key=f"empty-{change.sheet}-{key}"):
            allowed.add(change.sheet)
    ready = understood and len(allowed) == len(checked.emptied)
    label = ctx.t("upload.restore_button", load_id=checked.restore_of) if checked.restore_of else ctx.t(
        "upload.load_button", year=checked.year)
    box, button = st.columns([1, 1], vertical_alignment="center")
    provisional = box.checkbox(ctx.t("upload.provisional"), value=checked.provisional_now,
                               key=f"provisional-{key}", help=ctx.t("upload.provisional_help"))
    if not button.button(label, type="primary", disabled=not ready, key=f"confirm-{key}"):
        return None
    try:
        with st.spinner(ctx.t("cli.progress_write")):
            if checked.restoring:
                asked = None if provisional == checked.provisional_now else provisional  # None: keep the status
                return restore(warehouse, checked.restore_of, loaded_by=analyst, allow_empty=frozenset(allowed),
                               provisional=asked)
            (result,) = write_staged(warehouse, [checked.staged], replace=checked.existing_load is not None,
                                     loaded_by=analyst, allow_empty=frozenset(allowed), provisional=provisional)
            return result
    except WorkbookRefused as refused:
        # e.g. another analyst loaded the same year meanwhile: the check is stale. It is dropped, so the file
        # still in the uploader is checked again against the data as it is now (the same name and content
        # would have kept the stale report, and its refused button, for good); the refusal is said above it.
        st.session_state.pop(STATE_KEY, None)
        st.session_state[REFUSED_KEY] = Refusal(refused.problem, restore=checked.restoring)
        ask_focus("refusal")
        st.rerun()
    return None


@dataclass(frozen=True)
class Refusal:
    """A confirmed load or restore the warehouse refused, said on the run after (show_refusal)."""

    problem: Problem
    restore: bool


def show_refusal(ctx: PageContext) -> None:
    """The refusal of the last confirmation, once: what happened, and the warehouse's reason."""
    refusal = st.session_state.pop(REFUSED_KEY, None)
    if refusal is None:
        return
    with focus_part("refusal"):  # drawn above the report, whose button asked for it
        st.error(ctx.t("upload.restore_rejected_now" if refusal.restore else "upload.rejected_now"),
                 icon=":material/error:")
        st.error(markdown_text(refusal.problem.message(ctx.lang)))


def new_uploader() -> None:
    """An empty uploader on the next run (a new widget key), and the workbook the last one held dropped from
    the server's memory now: Streamlit keeps an uploaded file until its session ends, and a file here is a
    year's personal data, archived already (etl.uploads) if it was checked."""
    st.session_state[UPLOADER_KEY] = st.session_state.get(UPLOADER_KEY, 0) + 1
    run = get_script_run_ctx()
    # Streamlit's own chat input drops its files so, from the in-memory manager only (the one a server uses).
    if run is not None and isinstance(run.uploaded_file_mgr, MemoryUploadedFileManager):
        run.uploaded_file_mgr.remove_session_files(run.session_id)


def forget_work() -> None:
    """Drop what the session holds of an analyst's work (at sign-out): the next analyst to sign in in this
    browser tab starts from an empty uploader, not from the last one's report, preview and confirmation."""
    for key in WORK_KEYS:
        st.session_state.pop(key, None)
    new_uploader()


def restore_choices(history: pd.DataFrame, live: Collection[int]) -> list[int]:
    """The loads that can be restored, newest first: every one but the ``live`` ones (each year's, as
    Warehouse.current_loads says), which a restore would only write again (etl.load.restore refuses them)."""
    return [int(load_id) for load_id in history["load_id"] if int(load_id) not in live]


def describe_load(ctx: PageContext, history: pd.DataFrame, load_id: int) -> str:
    row = history[history["load_id"] == load_id].iloc[0]
    when = ctx.t("history.moment", time=jakarta_time(row["loaded_at"], seconds=False))
    return ctx.t("upload.load_choice", load_id=load_id, year=int(row["year"]), file=row["file_name"],
                 by=author_name(ctx, row["loaded_by"]), when=when)

