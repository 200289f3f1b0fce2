"""Headline figures of the latest selected year, each with its change against the year before."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.components import PageContext
from translations import format_number


@dataclass(frozen=True)
class Figure:
    key: str  # translation key of the label, under "metric."
    value: float | None
    previous: float | None
    percent: bool = False
    lower_is_better: bool = False


def _rate(row: pd.Series | None) -> float | None:
    if row is None or not row["applicants"]:
        return None
    return float(row["selected"] / row["applicants"])


def headline_figures(summary: pd.DataFrame, years: tuple[int, ...]) -> tuple[int | None, int | None, list[Figure]]:
    """(year shown, year compared with, figures): the latest selected year against the loaded year before it."""
    chosen = summary[summary["year"].isin(years)].sort_values("year")
    if chosen.empty:
        return None, None, []
    current = chosen.iloc[-1]
    earlier = summary[summary["year"] < current["year"]].sort_values("year")
    previous = earlier.iloc[-1] if not earlier.empty else None

    def pair(column: str) -> tuple[float, float | None]:
        return float(current[column]), (float(previous[column]) if previous is not None else None)

    figures = [
        Figure("applicants", *pair("applicants")),
        Figure("delegates_outbound", *pair("delegates_outbound")),
        Figure("delegates_inbound", *pair("delegates_inbound")),
        Figure("selection_rate", _rate(current), _rate(previous), percent=True),
        Figure("activities", *pair("activities")),
        Figure("participants_jakarta", *pair("participants_jakarta")),
        Figure("participants_partner", *pair("participants_partner")),
        Figure("benefits", *pair("benefits")),
        Figure("obstacles", *pair("obstacles"), lower_is_better=True),
    ]
    return int(current["year"]), (int(previous["year"]) if previous is not None else None), figures


def _sign(change: float) -> str:
    # An ASCII minus: st.metric picks the arrow by whether the delta starts with "-".
    return "+" if change >= 0 else "-"


def _formatted(figure: Figure, ctx: PageContext) -> tuple[str, str | None]:
    if figure.value is None:
        return "–", None
    if figure.percent:
        value = f"{format_number(figure.value * 100, ctx.lang, 1)}%"
        if figure.previous is None:
            return value, None
        change = (figure.value - figure.previous) * 100
        return value, f"{_sign(change)}{format_number(abs(change), ctx.lang, 1)} {ctx.t('metric.pp')}"
    value = format_number(figure.value, ctx.lang)
    if figure.previous is None:
        return value, None
    change = figure.value - figure.previous
    return value, f"{_sign(change)}{format_number(abs(change), ctx.lang)}"


def headline_metrics(ctx: PageContext, summary: pd.DataFrame) -> None:
    year, previous_year, figures = headline_figures(summary, ctx.filters.years)
    if year is None:
        return
    partner = ctx.partner_name()
    st.markdown(ctx.t("metric.heading", year=year) + (
        " · " + ctx.t("metric.compared", previous=previous_year) if previous_year else ""))
    columns = st.columns(3 if not ctx.presenting else 5)
    for index, figure in enumerate(figures):
        value, delta = _formatted(figure, ctx)
        with columns[index % len(columns)]:
            st.metric(ctx.t(f"metric.{figure.key}", partner=partner), value, delta,
                      delta_color="inverse" if figure.lower_is_better else "normal",
                      help=ctx.t(f"metric.{figure.key}_help", partner=partner), border=True)
