"""Page parts shared by every page: the run's context, charts with their data, notices."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import exports
from dashboard.db import Reader
from dashboard.filters import Filters
from dashboard.queries import Scope, fetch
from etl import schema
from translations import format_number, translate

if TYPE_CHECKING:
    from dashboard.figures import Chart

CONTEXT_KEY = "_page_context"
IMAGE_SCALE = 3  # PNG at 3x the on-screen size: sharp on a projector and in slides


@dataclass(frozen=True)
class PageContext:
    """What app.py prepared for this run: the reader, the filters and the language."""

    reader: Reader
    filters: Filters
    presenting: bool = False

    @property
    def lang(self) -> str:
        return self.filters.lang

    @property
    def scope(self) -> Scope:
        return Scope(self.filters.years, self.filters.partner, self.filters.fields, self.filters.direction)

    def t(self, key: str, **params: object) -> str:
        return translate(self.lang, key, **params)

    def number(self, value: float | int | None, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals)

    def fetch(self, query: str) -> pd.DataFrame:
        return fetch(self.reader, query, self.scope)

    def column(self, name: str) -> str:
        """A column's label (from the schema) in the reader's language."""
        return schema.column_label(name)(self.lang)

    def header(self, key: str) -> str:
        """'column.<name>' is a schema column label; anything else a catalogue key."""
        return self.column(key.removeprefix("column.")) if key.startswith("column.") else self.t(key)

    def partner_name(self) -> str:
        return schema.PARTNER_CITY.label(self.filters.partner, self.lang)


def set_context(context: PageContext) -> None:
    st.session_state[CONTEXT_KEY] = context


def context() -> PageContext:
    """The context app.py stored for this run (pages are only run through app.py)."""
    return st.session_state[CONTEXT_KEY]


def file_stem(page: str, chart: str, filters: Filters) -> str:
    """A meaningful download name: page, chart and the filters in force."""
    years = (f"{min(filters.years)}-{max(filters.years)}" if len(filters.years) > 1
             else "".join(str(y) for y in filters.years)) or "no-years"
    fields = "all-fields" if set(filters.fields) == set(schema.FIELD.codes) else "-".join(filters.fields)
    parts = [page, chart, years, filters.partner, fields]
    if filters.direction != "both":
        parts.append(filters.direction)
    parts.append(filters.lang)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", "_".join(parts))[:150]


def chart_config(filename: str) -> dict[str, object]:
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": IMAGE_SCALE}}


def labelled(frame: pd.DataFrame, ctx: PageContext, vocabularies: dict[str, schema.Vocabulary],
             headers: dict[str, str]) -> pd.DataFrame:
    """A data table for readers: codes shown as labels, columns named in their language."""
    table = frame.copy()
    for column, vocabulary in vocabularies.items():
        if column in table:
            table[column] = table[column].map(lambda code, v=vocabulary: v.label(code, ctx.lang)
                                              if isinstance(code, str) else code)
    table = table[[c for c in headers if c in table.columns]]
    return table.rename(columns={column: ctx.header(key) for column, key in headers.items()})


def show_chart(ctx: PageContext, chart: Chart | None, empty_key: str = "empty.no_data") -> None:
    """The chart, its caption, and an expander with its data table and CSV download."""
    if chart is None:
        empty_state(ctx, empty_key)
        return
    stem = file_stem(chart.page, chart.name, ctx.filters)
    figure = chart.figure
    if ctx.presenting:
        figure = go.Figure(figure).update_layout(font={"size": 20}, title={"font": {"size": 28}},
                                                 height=max(figure.layout.height or 0, 560))
    st.plotly_chart(figure, key=f"chart-{chart.name}", config=chart_config(stem))
    st.caption(chart.caption)
    if ctx.presenting:
        return
    with st.expander(ctx.t("chart.data_table")):
        st.dataframe(chart.data, hide_index=True)
        st.download_button(ctx.t("chart.download_csv"), data=_lazy_csv(chart.data), file_name=f"{stem}.csv",
                           mime="text/csv", key=f"csv-{chart.name}", on_click="ignore", icon=":material/download:")


def _lazy_csv(data: pd.DataFrame) -> Callable[[], bytes]:
    return lambda: exports.to_csv(data)


def empty_state(ctx: PageContext, key: str = "empty.no_data") -> None:
    """Explain why nothing is shown, instead of an empty axis."""
    st.info(ctx.t(key), icon=":material/filter_alt_off:")


def nothing_selected(ctx: PageContext) -> bool:
    """True (after explaining) when the filters leave nothing to show."""
    if not ctx.filters.years:
        empty_state(ctx, "empty.no_years")
        return True
    if not ctx.filters.fields:
        empty_state(ctx, "empty.no_fields")
        return True
    return False


def sample_notice(ctx: PageContext) -> None:
    """Shown on every page while any selected year is the bundled sample data."""
    years = set(ctx.fetch("sample_years")["year"].tolist()) & set(ctx.filters.years or [])
    if years:
        st.warning(ctx.t("notice.sample", years=", ".join(str(y) for y in sorted(years))),
                   icon=":material/science:")


def page_header(ctx: PageContext, title_key: str, intro_key: str) -> None:
    st.title(ctx.t(title_key))
    if not ctx.presenting:
        st.caption(ctx.t(intro_key))
    sample_notice(ctx)


def begin_page(ctx: PageContext, page: str, requires: str | None = None) -> None:
    """Title, intro and sample notice; stops the page, saying why, when the filters leave nothing.

    ``requires`` names a query whose empty result means there is nothing to draw.
    """
    page_header(ctx, f"{page}.title", f"{page}.intro")
    if nothing_selected(ctx):
        st.stop()
    if requires is not None and ctx.fetch(requires).empty:
        empty_state(ctx)
        st.stop()
