"""Downloads of the filtered rows of a table, and of the open-data package, generated only when pressed."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import exports
from dashboard.api import INDEX_PATH
from dashboard.components import STAFF_COLUMNS, file_stem, filters_shown
from dashboard.context import PageContext
from dashboard.literal import markdown_text
from dashboard.queries import export_rows
from dashboard.theme import DOWNLOAD_LINE_KEY
from etl import package, schema
from etl.warehouse import Warehouse

CSV_MAX_ROWS = 2_000_000  # beyond this, use the CLI or DuckDB directly (README)


def downloads_intro(ctx: PageContext) -> None:
    """What the downloads hold, and for which filters (a phone hides the sidebar that says them)."""
    st.caption(f"{ctx.t('data.downloads_intro')}  \n{markdown_text(filters_shown(ctx))}")


def table_download(ctx: PageContext, table: str) -> None:
    """One line per table: its label, row count, and CSV and XLSX buttons."""
    scope, cursor = ctx.scope, ctx.reader.cursor
    counts = ctx.fetch("export_counts")
    count = int(counts.loc[counts["table"] == table, "rows"].iloc[0])
    label = schema.SHEETS_BY_NAME[table].label(ctx.lang)
    stem = file_stem("data", table, ctx.filters)
    # Keyed: the page's script names each button for its table too (theme.py), or four buttons are all "CSV".
    line = st.container(key=f"{DOWNLOAD_LINE_KEY}{table}")
    name, buttons = line.columns([3, 2], vertical_alignment="center")
    name.markdown(f"**{label}** · {ctx.t('data.rows', quantity=count, count=ctx.number(count))}")
    # Both formats on one line, also where a phone puts the columns one under the other (they took a line
    # each: eight lines of buttons for the four tables).
    row = buttons.container(horizontal=True)
    too_many = count > CSV_MAX_ROWS
    row.download_button(
        "CSV", data=lambda: exports.to_csv(export_rows(cursor, table, scope)), file_name=f"{stem}.csv",
        mime="text/csv", on_click="ignore", key=f"download-{table}-csv", disabled=too_many or count == 0,
        icon=":material/download:")
    row.download_button(
        "XLSX", data=lambda: exports.to_xlsx(export_rows(cursor, table, scope), table), file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
        key=f"download-{table}-xlsx", disabled=count == 0 or count > exports.XLSX_MAX_ROWS,
        icon=":material/download:")
    if too_many:
        st.caption(ctx.t("data.too_many_rows", limit=ctx.number(CSV_MAX_ROWS)))


def package_download(ctx: PageContext) -> None:
    """The open-data package: every published row of every table, unfiltered, as a zip (etl.package)."""
    st.caption(ctx.t("data.package_intro"))
    too_many = sum(package.published_rows(Warehouse()).values()) > CSV_MAX_ROWS
    st.download_button(
        ctx.t("data.package_download"), data=lambda: package.package_zip(Warehouse()),
        file_name=f"{package.NAME}-{ctx.reader.data_version}.zip", mime="application/zip", on_click="ignore",
        key="open-data-package", help=ctx.t("data.package_help"), disabled=too_many, icon=":material/folder_zip:")
    if too_many:
        st.caption(ctx.t("data.package_too_big", limit=ctx.number(CSV_MAX_ROWS)))


def api_pointer(ctx: PageContext) -> None:
    """Where programs read the same data (dashboard.api): its index, relative to the page, so that it follows
    the server's base path; in the reader's language (the index labels the codes in it)."""
    st.caption(ctx.t("data.api_intro", url=f"{INDEX_PATH}?{urlencode({'lang': ctx.lang})}"))


def history_rows(history: pd.DataFrame) -> pd.DataFrame:
    """The public load history's download: the columns as the warehouse keeps them (whole fingerprints)
    but STAFF_COLUMNS, each moment in ISO 8601 with its zone (UTC, "Z"), which the page shows in Jakarta's
    time: no reader has to guess it."""
    rows = history.drop(columns=list(STAFF_COLUMNS))
    rows["loaded_at"] = [moment.strftime("%Y-%m-%dT%H:%M:%SZ") for moment in rows["loaded_at"]]
    return rows


def history_download(ctx: PageContext) -> None:
    history = history_rows(ctx.fetch("load_history"))
    st.download_button(ctx.t("chart.download_csv"), data=lambda: exports.to_csv(history),
                       file_name="load-history.csv", mime="text/csv", on_click="ignore", key="history-csv",
                       icon=":material/download:")
