"""The run's context and what runs of the same context share.

navigation.py prepares a PageContext for every run (the reader of the published
data version, the filters, the language) and stores it for the page script;
chart and finding builders take it, and ``shared`` keeps what they build for
every session asking for the same view of the same data version.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

from dashboard.db import Reader
from dashboard.filters import Filters
from dashboard.metrics import METRICS
from dashboard.queries import Scope, fetch
from etl import schema
from etl.accounts import idle_minutes
from etl.uploads import retention_days
from translations import format_days, format_list, format_minutes, format_number, jakarta_moment, translate

CONTEXT_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    """What navigation.py prepared for this run: the reader, the filters and the language."""

    reader: Reader
    filters: Filters
    presenting: bool = False
    framed: bool = False  # shown in another site's <iframe> (presentation.frame_target)

    @property
    def unfolded(self) -> bool:
        """Whether this view hides expanders (presentation mode, another site's frame): there, what a page
        would fold stands open, or its heading would head nothing."""
        return self.presenting or self.framed

    @property
    def lang(self) -> str:
        return self.filters.lang

    @property
    def scope(self) -> Scope:
        return Scope(self.filters.years, self.filters.partner, self.filters.fields, self.filters.direction)

    def t(self, key: str, quantity: float | None = None, **params: object) -> str:
        """The message ``key`` in the reader's language; ``quantity`` picks a plural form (translate)."""
        return translate(self.lang, key, quantity, **params)

    def number(self, value: float | int | None, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals)

    def days(self, days: float) -> str:
        """A period in days in the reader's language: "1 day", "30 days", "0.5 days"."""
        return format_days(days, self.lang)

    def minutes(self, minutes: float) -> str:
        """A period in minutes in the reader's language: "1 minute", "30 minutes"."""
        return format_minutes(minutes, self.lang)

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

    def metric_name(self, key: str) -> str:
        """A metric's name from the catalogue, in the reader's language."""
        return METRICS[key].label(self.lang, self.partner_name())

    @property
    def provisional_years(self) -> frozenset[int]:
        """The selected years whose figures are provisional now, for whatever marks a figure of them.

        From the cached query ``provisional_years`` (keyed on the data version:
        a finalise publishes a new version, so the mark goes with it).
        """
        years = fetch(self.reader, "provisional_years")["year"]
        return frozenset(int(year) for year in years) & frozenset(self.filters.years)

    def privacy_note(self) -> str:
        """What is kept of whom, where and for how long (the Data page's note, the report's), with the periods
        configured: the retention of uploaded workbooks and how long an unused sign-in lasts."""
        return self.t("data.note_privacy", days=self.days(retention_days()), idle=self.minutes(idle_minutes()))

    def provisional_note(self) -> str:
        """'Figures for 2019, 2020 are provisional…' in the reader's language; '' when no selected year is."""
        years = sorted(self.provisional_years)
        return self.t("notice.provisional", years=format_list(years, self.lang)) if years else ""

    def data_updated(self) -> str:
        """When the data shown last changed (Jakarta's clock) and its version: under every page's title, on
        the report's cover and under an embedded chart. A policymaker quoting a figure says as of when."""
        moment = fetch(self.reader, "last_update")["updated_at"].iloc[0]
        if pd.isna(moment):  # nothing loaded yet
            return self.t("data.version", version=self.reader.data_version)
        return self.t("data.updated", moment=jakarta_moment(moment.to_pydatetime(), self.lang),
                      version=self.reader.data_version)


def set_context(context: PageContext) -> None:
    st.session_state[CONTEXT_KEY] = context


def context() -> PageContext:
    """The context navigation.py stored for this run (pages are only run through it)."""
    return st.session_state[CONTEXT_KEY]


SHARED_ANSWERS = 256  # built charts and findings kept (oldest dropped first); each a few small frames
Built = TypeVar("Built")


def shared(builder: Callable[..., Built]) -> Callable[..., Built]:
    """Built once per (data version, filters, builder, arguments) and shared by every session: a chart,
    the findings. Most readers ask for the same few views; what is shared is read-only from then on.

    A new load is a new data version, so a shared answer never outlives its data.
    """

    @functools.wraps(builder)
    def cached(ctx: PageContext, *args: str) -> Built:
        return _shared_answer(builder.__name__, args, ctx.reader.cache_key, dataclasses.astuple(ctx.filters),
                              _ctx=ctx, _builder=builder)

    return cached


@st.cache_resource(max_entries=SHARED_ANSWERS, show_spinner=False)
def _shared_answer(name: str, args: tuple[str, ...], data_key: str, filters: tuple[object, ...], *,
                   _ctx: PageContext, _builder: Callable[..., Built]) -> Built:
    return _builder(_ctx, *args)
