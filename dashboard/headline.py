"""Headline cards: the latest selected year, each figure with its change against the loaded year before.

The cards, their labels, help texts and number formats come from the metric
catalogue (dashboard.metrics), grouped by theme — selection, exchange,
activities, outcomes — so related figures sit together and come in reading
order at every width (each theme is one column that stacks whole on a phone).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.context import PageContext
from dashboard.metrics import CARD_METRICS, THEME_NAMES, Metric, Theme, Unit, latest_year, summary_value
from translations import format_number


@dataclass(frozen=True)
class Figure:
    metric: Metric
    value: float | None
    previous: float | None
    excluded: bool = False  # the direction filter leaves it nothing to count (Metric.excluded_by): no card

    @property
    def key(self) -> str:
        return self.metric.key


def headline_figures(summary: pd.DataFrame, years: tuple[int, ...],
                     direction: str) -> tuple[int | None, int | None, list[Figure]]:
    """(year shown, year compared with, figures): the latest selected year in which the partner city has any
    record (metrics.latest_year) against the loaded year before it in which it has any. A partner city's
    first year is compared with none: "+131 applicants against 2019" would be read as growth, where Seoul's
    exchange began in 2020. A figure the ``direction`` filter leaves nothing to count has no value (its 0
    read as "none came"), and is ``excluded``."""
    year = latest_year(summary, years)
    if year is None:
        return None, None, []
    current = summary[summary["year"] == year].iloc[0]
    earlier = summary[(summary["year"] < year) & summary["partner_active"]].sort_values("year")
    previous = earlier.iloc[-1] if not earlier.empty else None
    figures = [Figure(metric, None, None, excluded=True) if metric.excluded_by(direction)
               else Figure(metric, summary_value(metric.key, current), summary_value(metric.key, previous))
               for metric in CARD_METRICS]
    return year, (int(previous["year"]) if previous is not None else None), figures


@dataclass(frozen=True)
class Change:
    """A card's change against the year before, as shown: its text and which way it went."""

    text: str
    direction: int  # 1 a rise, -1 a fall, 0 none at the precision shown


def formatted(figure: Figure, lang: str, pp: str) -> tuple[str, Change | None]:
    """The card's value and its change, in the reader's number format.

    A change that rounds to zero at the precision shown is no change: "±0", never "+0" (which
    st.metric would draw as a rise).
    """
    value = figure.metric.format(figure.value, lang)
    if figure.value is None or figure.previous is None:
        return value, None
    percent = figure.metric.unit is Unit.PERCENT
    change = (figure.value - figure.previous) * (100 if percent else 1)
    size = format_number(abs(change), lang, 1 if percent else figure.metric.decimals)
    # Read from the digits shown, so the sign never disagrees with them.
    direction = ((change > 0) - (change < 0)) if any(digit in size for digit in "123456789") else 0
    # An ASCII minus: st.metric picks the arrow by whether the delta starts with "-".
    sign = {1: "+", -1: "-", 0: "±"}[direction]
    return value, Change(f"{sign}{size}" + (f" {pp}" if percent else ""), direction)


def themes(figures: list[Figure]) -> dict[Theme, list[Figure]]:
    """The figures with a card, by theme."""
    grouped: dict[Theme, list[Figure]] = {}
    for figure in figures:
        if not figure.excluded:
            grouped.setdefault(figure.metric.theme, []).append(figure)
    return grouped


def headline_heading(ctx: PageContext, year: int, previous_year: int | None) -> str:
    """"Headline figures for 2019 · change against 2018 · provisional": the year shown, the year its changes
    are against (none in a partner city's first year) and whether its figures may still change. The
    Overview's and the printed report's."""
    heading = ctx.t("metric.heading", year=year)
    if previous_year:
        heading += " · " + ctx.t("metric.compared", previous=previous_year)
    if year in ctx.provisional_years:
        heading += f" · {ctx.t('notice.provisional_mark')}"
    return heading


def headline_metrics(ctx: PageContext, summary: pd.DataFrame) -> None:
    year, previous_year, figures = headline_figures(summary, ctx.filters.years, ctx.filters.direction)
    if year is None:
        return
    partner = ctx.partner_name()
    heading = headline_heading(ctx, year, previous_year)
    # Headings (h2, then a theme's h3), in the size of the text they head (theme.py): a screen reader's list of
    # the page's headings reaches the cards, which bold text left out.
    with st.container(key="headline-heading"):
        st.header(heading, anchor=False)
    grouped = themes(figures)
    with st.container(key="headline"):  # theme.py keeps two themes side by side on a phone
        _cards(ctx, grouped, partner)


def _cards(ctx: PageContext, grouped: dict[Theme, list[Figure]], partner: str) -> None:
    for column, (theme, members) in zip(st.columns(len(grouped)), grouped.items(), strict=True):
        with column:
            st.subheader(THEME_NAMES[theme](ctx.lang), anchor=False)
            for figure in members:
                value, change = formatted(figure, ctx.lang, ctx.t("metric.pp"))
                steady = change is not None and change.direction == 0
                colour = "inverse" if figure.metric.lower_is_better else "normal"
                st.metric(figure.metric.label(ctx.lang, partner), value, change.text if change else None,
                          delta_color="off" if steady else colour, delta_arrow="off" if steady else "auto",
                          help=figure.metric.explain(ctx.lang, partner), border=True)
