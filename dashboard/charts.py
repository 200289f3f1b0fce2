"""Every chart of every page: which query feeds it, its figure, its data table and caption.

The page scripts place these charts; the offline report (dashboard.report)
renders the same list, so a chart is defined once and looks the same in the
app and in the report. Every measure a chart shows is a metric of the
catalogue (dashboard.metrics): its axis title, legend name and data-table
header are the metric's name, its numbers the metric's format in the
reader's language, and its caption says the period it covers. Each builder
returns None when the filters leave nothing to draw (the page then explains
why instead).

A built chart is shared: kept per (data version, filters, chart) for every
session (``context.shared``), since most readers ask for the same few views. It is
read-only from then on; whoever needs it changed (presentation mode) copies
its figure first.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, findings, margins, params
from dashboard.context import PageContext, shared
from dashboard.filters import Available, default_filters
from dashboard.metrics import CATALOGUE, METRICS, PERIOD_NAMES, Period, Unit, latest_year
from dashboard.queries import DELEGATES_STAGE, VALUES_LIMIT
from etl import schema
from translations import (
    colon_of,
    format_date_part,
    format_day,
    format_list,
    format_measure,
    format_number,
    format_rupiah,
    joined_with_and,
    month_name,
    no_value,
    sentences,
    with_note,
    year_span,
)

Formatter = Callable[[object], str]

# The charts the pages set side by side (views/: ``columns(ctx, 2)``): their margins are reserved for
# half the page's width (dashboard.margins); tests/e2e/test_chart_margins.py checks this list against
# the pages as drawn.
SIDE_BY_SIDE = frozenset({
    ("overview", "selection"), ("overview", "activities"), ("overview", "obstacles"), ("overview", "benefits"),
    ("activities", "by-type"), ("activities", "by-field"), ("activities", "by-host-city"),
    ("activities", "participants-per-type"), ("benefits", "category-beneficiary"), ("benefits", "category-year"),
    ("benefits", "obstacle-severity"), ("benefits", "obstacles-year"),
})


class Medium(enum.Enum):
    """A wide page a chart is drawn on besides the dashboard's: neither can hover, both have room."""

    PROJECTOR = "projector"  # presentation mode
    PAPER = "paper"  # the printed report


@dataclass(frozen=True)
class PerRow:
    """A column whose rows each have their own unit (benefit values): the display of each row."""

    units: tuple[str, ...]  # one per row of the table, in order
    lang: str

    def show(self, value: object, unit: str) -> str:
        """A benefit value in its own unit: 83,3% · 3,8 · 6 · Rp 76.000.000 (Indonesian)."""
        return "" if no_value(value) else format_measure(float(value), unit, self.lang)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Chart:
    page: str
    name: str
    figure: go.Figure
    data: pd.DataFrame  # the chart's numbers with reader's headers (raw values: the CSV download)
    caption: str
    metrics: tuple[str, ...]  # catalogue keys of the measures it shows
    # header -> display in the reader's language (a function of the value, or a PerRow for mixed units)
    formats: dict[str, Formatter | PerRow] = field(default_factory=dict)
    # Its text alternative: a sentence or two of its numbers, for a reader who cannot see it, a projector's
    # audience and an embedded chart's reader (they cannot hover). Each builder writes its own: one from the
    # first measure's totals per year said the applicants alone of the selection's two panels.
    alternative: str = ""
    # The figure built again for a wide medium, for a chart whose labels the page's figure must fit to a
    # phone (or whose rows a printed page squeezes); built only when that medium asks, once per medium.
    wide: Callable[[Medium], go.Figure] | None = None
    # The page's figure cuts text to a phone's width where a laptop has room for more (the timeline's titles,
    # "Pertandingan persahabatan bulu tangkis pemuda Jaka…" over 600 px of empty rows): the page also sends
    # the wide media's figure, shown where the chart is at least margins.WIDE_WIDTH wide (wide_screen_figure).
    wide_on_screen: bool = False

    # The chart's title as text. It is shown as the figure's heading on the page (it wraps on a phone,
    # and headings stay in order), not inside the plot: the figure's own title is taken out here.
    heading: str = field(init=False, default="")
    # The margins the builder asked for (room for panel titles); more is reserved for the labels.
    asked_margin: dict[str, int] = field(init=False, default_factory=dict)
    _built_wide: dict[Medium, go.Figure] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The figure was just built for this chart; taking the title out costs nothing, where a
        # copy would validate the whole figure again for every chart of every run.
        object.__setattr__(self, "heading", html.unescape(str(self.figure.layout.title.text or "")))
        self.figure.layout.title = None
        object.__setattr__(self, "asked_margin", self.figure.layout.margin.to_plotly_json())
        spec = self.figure.to_dict()
        if figures.fit_axis_titles(self.figure, spec):
            spec = self.figure.to_dict()
        self.figure.layout.margin = margins.reserve(spec, self.width)

    @property
    def width(self) -> int:
        """The width (px) the chart has on a laptop, where its margins are reserved for."""
        return margins.HALF_WIDTH if (self.page, self.name) in SIDE_BY_SIDE else margins.FULL_WIDTH

    def printed_figure(self, width: int) -> go.Figure:
        """The printed report's figure, in a copy with its margins reserved for ``width`` px, not for a
        laptop's half width: printed full width, a side-by-side chart kept a band of space above its legend
        for the rows its legend needed at half width."""
        return self._laid_out(Medium.PAPER, width)

    @functools.cached_property
    def projector_figure(self) -> go.Figure:
        """The figure as presentation mode draws it, made once: a chart is shared by every session."""
        return figures.for_projector(self.figure_for(Medium.PROJECTOR), self.asked_margin, margins.PROJECTOR_WIDTH)

    @functools.cached_property
    def wide_screen_figure(self) -> go.Figure:
        """The wide media's figure as the page draws it where the chart has room for it (wide_on_screen): laid
        out for margins.WIDE_WIDTH at the page's text size, its margins reserved as the page's figure's are.
        Made once: a chart is shared by every session."""
        return self._laid_out(Medium.PROJECTOR, self.width)

    def _laid_out(self, medium: Medium, width: int) -> go.Figure:
        """A copy of ``medium``'s figure with its margins reserved for ``width`` px (the shared one stays)."""
        figure = figures.made(self.figure_for(medium))
        figure.layout.margin = self.asked_margin
        figure.layout.margin = margins.reserve(figure.to_dict(), width)
        return figure

    def figure_for(self, medium: Medium) -> go.Figure:
        """The figure for a wide ``medium``, its title taken out as the page's: the page's own where the chart
        has no wide builder. Not to be changed: it is shared, as the chart is."""
        if self.wide is None:
            return self.figure
        if medium not in self._built_wide:
            figure = self.wide(medium)
            figure.layout.title = None
            self._built_wide[medium] = figure
        return self._built_wide[medium]


def _every_medium(draw: Callable[..., go.Figure]) -> Callable[[Medium], go.Figure]:
    """A wide builder that draws the same figure for every wide medium: ``draw`` laid out for the wide media's
    narrowest width (figures.WIDE_WIDTH)."""
    return lambda _medium: draw(width=figures.WIDE_WIDTH)


# A text alternative names at most this many categories, types or lines: the largest ones (and any equal).
NAMED = 3
# ... and names the ones equal to the last of them while the list stays this short; a longer tie is counted
# ("Cultural visit 3, then 6 tied at 2 each"): 2019's activities by type named 7 of its 7 types as "the most".
NAMED_WITH_TIES = 5


# A sentence gives a measure's value in each year up to this many years; over more, its first and latest
# year's, its highest and its lowest (ten years listed made the selection chart's sentence thirty numbers,
# eight lines on a phone, read out in full by a screen reader). The data table keeps every year's.
LISTED_YEARS = 5


def _per_year_text(ctx: PageContext, data: pd.DataFrame, key: str) -> str:
    """Metric ``key`` of a chart's data table per year, "18 (2019)": summed where it adds up, a year without
    a value ("–") left out; over more than LISTED_YEARS years, _series_text's ends and extremes. "" if none."""
    metric = METRICS[key]
    column, year = metric.label(ctx.lang, ctx.partner_name()), ctx.t("chart.year")
    additive = metric.unit not in (Unit.PERCENT, Unit.SCORE, Unit.MIXED)
    per_year = data.groupby(year, sort=True)[column].sum() if additive else data.set_index(year)[column]
    values = {int(when): value for when, value in per_year.items() if metric.format(value, ctx.lang) != "–"}
    return _series_text(ctx, values, lambda value: metric.format(value, ctx.lang))


def _series_text(ctx: PageContext, values: dict[int, float], write: Callable[[float], str]) -> str:
    """{year: value} as "96 (2017), 118 (2018)", or over more than LISTED_YEARS years "first 96 (2017), latest
    131 (2026), highest 140 (2024), lowest 90 (2020)": an extreme reached in several years by the latest of
    them and how many before ("5 (2025 and 2 earlier years)"); "" if none."""
    years = sorted(values)

    def at(value: float) -> str:
        tied = [year for year in years if values[year] == value]
        note = tied[0] if len(tied) == 1 else ctx.t("chart.series_tied", len(tied) - 1, year=tied[-1],
                                                     others=ctx.number(len(tied) - 1))
        return with_note(write(value), note, ctx.lang)

    if len(years) <= LISTED_YEARS:
        return format_list([with_note(write(values[year]), year, ctx.lang) for year in years], ctx.lang)
    highest, lowest = max(values.values()), min(values.values())
    if highest == lowest:
        return ctx.t("chart.series_same", value=write(highest), years=year_span(years, ctx.lang))
    return ctx.t("chart.series_ends", first=with_note(write(values[years[0]]), years[0], ctx.lang),
                 last=with_note(write(values[years[-1]]), years[-1], ctx.lang), highest=at(highest), lowest=at(lowest))


def _recent_items(ctx: PageContext, items: dict[int, str], counts: dict[int, int]) -> str:
    """Per-year ``items`` ({year: its text}) listed, over more than LISTED_YEARS years the latest ones after
    the earlier years' count together (``counts``: {year: its count}): "74 in 2017–2021 together, 17 (…)"."""
    years = sorted(items)
    if len(years) <= LISTED_YEARS:
        return format_list([items[year] for year in years], ctx.lang)
    earlier, latest = years[:-LISTED_YEARS], years[-LISTED_YEARS:]
    together = ctx.t("chart.earlier_years", count=ctx.number(sum(counts[year] for year in earlier)),
                     years=year_span(earlier, ctx.lang))
    return format_list([together, *(items[year] for year in latest)], ctx.lang)


def _named(ctx: PageContext, metric: str, only: str | None) -> str:
    """The metric's name, with the one category a chart's colour is left with beside it (_one_category):
    "Activities (Type: Cultural visit)"."""
    return _name(ctx, metric) if only is None else with_note(_name(ctx, metric), only, ctx.lang)


def _one_category(ctx: PageContext, figure: go.Figure, data: pd.DataFrame) -> str | None:
    """"Level: City" where the column the legend is titled by holds one value in ``data`` (one year and one
    field, say): the legend names it, and the per-year sentence would not tell it from the year's whole count.
    None where the colour stands for several categories, or for none."""
    title = html.unescape(str(figure.layout.legend.title.text or ""))
    if not title or title not in data.columns:
        return None
    values = data[title].dropna().unique()
    return f"{title}{colon_of(ctx.lang)}{values[0]}" if len(values) == 1 else None


# -- data tables: headers and number formats from the catalogue and the schema ----------------------

YEAR = "year"  # a column spec: the program year (never grouped: 2019, not 2.019)


def metric_formatter(key: str, lang: str) -> Formatter:
    metric = METRICS[key]
    return lambda value: "" if no_value(value) else metric.format(value, lang)  # type: ignore[arg-type]


def column_formatter(name: str, lang: str) -> Formatter | None:
    """Display of a schema column's numbers and dates (None: shown as it is)."""
    column = next((c for sheet in schema.SHEETS for c in (*sheet.columns, *sheet.derived) if c.name == name), None)
    if column is not None and column.kind is schema.Kind.DATE:
        # As the captions write a day (20 Okt 2019, Oct 20, 2019, 2019年10月20日); a table showed
        # "2019-10-20 00:00:00".
        return lambda value: "" if no_value(value) else format_day(pd.Timestamp(value).date(), lang)  # type: ignore[arg-type]
    if column is None or column.kind not in (schema.Kind.INTEGER, schema.Kind.NUMBER) or name == "year":
        return None
    if name == "budget_idr":
        return lambda value: "" if no_value(value) else format_rupiah(value, lang)  # type: ignore[arg-type]
    decimals = 0 if column.kind is schema.Kind.INTEGER else 1
    return lambda value: "" if no_value(value) else format_number(value, lang, decimals)  # type: ignore[arg-type]


def table(ctx: PageContext, frame: pd.DataFrame, vocabularies: dict[str, schema.Vocabulary],
          columns: dict[str, str]) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """A data table for readers and the display format of each of its number columns.

    ``columns`` maps a frame column to what it is: YEAR, "metric:<key>" (a catalogue metric),
    "column:<name>" (a schema column) or "label:<key>" (a catalogue text for a non-number column).
    Category codes become labels; numbers stay numbers (they sort and download as numbers).
    """
    data = frame.copy()
    for column, vocabulary in vocabularies.items():
        if column in data:
            data[column] = data[column].map(lambda code, v=vocabulary: v.label(code, ctx.lang)
                                            if isinstance(code, str) else code)
    data = data[[c for c in columns if c in data.columns]]
    headers: dict[str, str] = {}
    formats: dict[str, Formatter] = {}
    for column, spec in columns.items():
        if column not in data.columns:
            continue
        kind, _, ref = spec.partition(":")
        if spec == YEAR:
            header = ctx.t("chart.year")
        elif kind == "metric":
            header = METRICS[ref].label(ctx.lang, ctx.partner_name())
            formats[header] = metric_formatter(ref, ctx.lang)
        elif kind == "column":
            header = ctx.column(ref)
            formatter = column_formatter(ref, ctx.lang)
            if formatter is not None:
                formats[header] = formatter
        else:
            header = ctx.t(ref)
        headers[column] = header
    return data.rename(columns=headers), formats


def period_caption(ctx: PageContext, text: str, period: Period) -> str:
    """A caption that says which years its chart covers."""
    return sentences(text, _period(ctx, PERIOD_NAMES[period](ctx.lang), ctx.filters.years), lang=ctx.lang)


def _period(ctx: PageContext, name: str, years: Sequence[int]) -> str:
    """The sentence naming a chart's period and its years: Period: each selected year (2017–2019); and
    which of them are provisional."""
    return sentences(ctx.t("chart.period", period=name, years=year_span(years, ctx.lang)),
                     provisional_sentence(ctx, years), lang=ctx.lang)


def provisional_sentence(ctx: PageContext, years: Sequence[int]) -> str:
    """"The figures for 2020 are provisional." for those of ``years`` that are; else nothing. A chart is
    read, shown on a projector, printed and embedded without the page's notice above it."""
    provisional = sorted(set(years) & ctx.provisional_years)
    return ctx.t("chart.provisional", years=format_list(provisional, ctx.lang)) if provisional else ""


def combined_heading(ctx: PageContext, title: str) -> str:
    """The heading of a chart that sums the selected years says which years: the finding above it
    speaks of the latest year alone, and a reader compares the two."""
    years = sorted(ctx.filters.years)
    if len(years) <= 1:
        return ctx.t("chart.title_one_year", title=title, year=years[0]) if years else title
    return ctx.t("chart.title_combined", title=title, years=year_span(years, ctx.lang))


def _name(ctx: PageContext, key: str) -> str:
    return METRICS[key].label(ctx.lang, ctx.partner_name())


def _chosen_summary(ctx: PageContext) -> pd.DataFrame:
    """The selected years' headline figures, less the years in which the partner city has no record at all:
    Seoul's applicants were drawn as 0 in 2017–2019, before its exchange began, where the activities beside
    them drew 2020 alone. A year of the partner's with none in the chosen fields still counts 0."""
    summary = ctx.fetch("yearly_summary")
    chosen = summary[summary["year"].isin(ctx.filters.years) & summary["partner_active"]]
    return chosen.assign(rate=chosen["selected"] / chosen["applicants"].where(chosen["applicants"] > 0))


def _dimension(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    return frame[frame["dimension"] == dimension].rename(columns={"category": dimension})


def _stacked(ctx: PageContext, frame: pd.DataFrame, dimension: str, column: str, metric: str,
             vocabulary: schema.Vocabulary, where: tuple[str, str], title: str, caption: str,
             extra: dict[str, str] | None = None) -> Chart | None:
    """Bars per year stacked by one category; the value axis is the metric's name."""
    if frame.empty:
        return None
    draw = functools.partial(figures.stacked_by_year, frame, dimension, column, vocabulary, ctx.lang, title,
                             _name(ctx, metric), ctx.column(dimension))
    figure, wide = draw(), _every_medium(draw)
    data, formats = table(ctx, frame, {dimension: vocabulary},
                          {"year": YEAR, dimension: f"column:{dimension}", column: f"metric:{metric}", **(extra or {})})
    page, name = where
    metrics = (metric, *(spec.split(":", 1)[1] for spec in (extra or {}).values() if spec.startswith("metric:")))
    parts = frame[["year", dimension, column]].rename(columns={dimension: "category"})  # as _largest reads them
    alternative = _stacked_alternative(ctx, parts, column, metric, vocabulary, _one_category(ctx, figure, data), data)
    return Chart(page, name, figure, data, period_caption(ctx, caption, Period.PER_YEAR), metrics, formats,
                 alternative, wide)


def _stacked_alternative(ctx: PageContext, frame: pd.DataFrame, column: str, metric: str,
                         vocabulary: schema.Vocabulary, only: str | None, data: pd.DataFrame) -> str:
    """The totals per year and the largest parts of the stacks, over the years drawn together: "Activities:
    13 (2017); the most: Jakarta 9, Partner city 4". The totals alone left out what a stack shows, where the
    activities took place or who applied from where. With one category (``only``, its legend's name) there
    are no parts to rank: it is named beside the metric; with none counted, the totals stand alone."""
    items = _per_year_text(ctx, data, metric)
    parts = _largest(ctx, frame, column, vocabulary, metric)
    if only is not None or not parts:  # one category, or none counted (no delegates): nothing to rank
        return ctx.t("chart.summary", metric=_named(ctx, metric, only), items=items)
    years = sorted(int(year) for year in frame["year"].unique())
    if len(years) == 1:
        return ctx.t("chart.summary_parts", metric=_name(ctx, metric), items=items, parts=parts)
    return ctx.t("chart.summary_parts_years", metric=_name(ctx, metric), items=items, parts=parts,
                 years=year_span(years, ctx.lang))


def shown_caption(ctx: PageContext, chart: Chart, drawn: Sequence[go.Figure], table: bool) -> str:
    """A chart's caption where its ``drawn`` figures are shown, with its blank_parts_note."""
    return sentences(chart.caption, blank_parts_note(ctx, drawn, table), lang=ctx.lang)


def blank_parts_note(ctx: PageContext, drawn: Sequence[go.Figure], table: bool) -> str:
    """Where one of the ``drawn`` figures leaves a part of a stack blank (too small for its count), the
    sentence saying so and, where the chart's data table is at hand (``table``: not on a projector, not on
    paper), that the table gives every count; else nothing. A blank part read as uncounted, and neither a
    projector's audience nor a printed page can hover."""
    if not any(figures.parts_left_blank(figure) for figure in drawn):
        return ""
    return ctx.t("chart.parts_left_blank", data=ctx.t("chart.data_table")) if table else ctx.t("chart.parts_blank")


# -- Overview --------------------------------------------------------------------

def _selection(ctx: PageContext, page: str, name: str, title_key: str, caption_key: str) -> Chart | None:
    rated = _chosen_summary(ctx)
    if rated["applicants"].sum() == 0:
        return None
    draw = functools.partial(figures.selection_panels, rated, ctx.lang, ctx.t(title_key), _name(ctx, "applicants"),
                             _name(ctx, "delegates"), _name(ctx, "selection_rate"), ctx.t("chart.people"))
    figure, wide = draw(), _every_medium(draw)
    data, formats = table(ctx, rated, {}, {"year": YEAR, "applicants": "metric:applicants",
                                           "selected": "metric:delegates", "reserves": "metric:reserves",
                                           "rate": "metric:selection_rate"})
    caption = _partner_selection_said(ctx, ctx.t(caption_key), rated["year"].astype(int).tolist())
    return Chart(page, name, figure, data, period_caption(ctx, caption, Period.PER_YEAR),
                 ("applicants", "delegates", "reserves", "selection_rate"), formats,
                 # Each panel's numbers, and the rate written on each delegates bar.
                 _per_year_alternative(ctx, data, ("applicants", "delegates", "selection_rate")), wide=wide)


def _per_year_alternative(ctx: PageContext, data: pd.DataFrame, keys: Sequence[str]) -> str:
    """A sentence per metric of ``keys`` giving its value each year in the chart's data table, for a chart
    that writes more than one measure on its bars."""
    return _per_metric(ctx, [(key, items) for key in keys if (items := _per_year_text(ctx, data, key))])


def _per_metric(ctx: PageContext, said: Sequence[tuple[str, str]]) -> str:
    """A sentence per (metric, its items), the first opening "In numbers —"."""
    return sentences(*(ctx.t("chart.summary_more" if index else "chart.summary", metric=_name(ctx, key), items=items)
                       for index, (key, items) in enumerate(said)), lang=ctx.lang)


def _partner_selection_said(ctx: PageContext, caption: str, years: list[int]) -> str:
    """A selection chart's caption, saying beside its rates of 100 % that they show who was recorded where
    they count the partner city's participants and none is marked not selected (findings)."""
    unrecorded = findings.partner_selection_unrecorded(ctx, ctx.fetch("yearly_summary"),
                                                       ctx.fetch("participation_breakdown"), years)
    if not unrecorded:
        return caption
    return sentences(caption, findings.partner_selection_note(ctx, year_span(unrecorded, ctx.lang)), lang=ctx.lang)


@shared
def overview_selection(ctx: PageContext) -> Chart | None:
    return _selection(ctx, "overview", "selection", "overview.chart_selection", "overview.caption_selection")


@shared
def overview_activities(ctx: PageContext) -> Chart | None:
    return _stacked(ctx, _dimension(ctx.fetch("activities_breakdown"), "type"), "type", "activities", "activities",
                    schema.ACTIVITY_TYPE, ("overview", "activities"), ctx.t("overview.chart_activities"),
                    ctx.t("overview.caption_activities"))


def _obstacle_heatmap(ctx: PageContext, page: str, name: str, title_key: str, caption_key: str) -> Chart | None:
    obstacles = ctx.fetch("obstacles_breakdown")
    if obstacles.empty:
        return None
    data, formats = table(ctx, obstacles, {"category": schema.OBSTACLE_CATEGORY},
                          {"year": YEAR, "category": "column:category", "severity": "column:severity",
                           "obstacles": "metric:obstacles"})
    figure = figures.heatmap(obstacles, ctx.lang, combined_heading(ctx, ctx.t(title_key)), _name(ctx, "obstacles"))
    highest = int(obstacles["severity"].max())
    severe = obstacles[obstacles["severity"] == highest]
    alternative = sentences(_combined_summary(ctx, obstacles, "obstacles", "obstacles", schema.OBSTACLE_CATEGORY),
                            ctx.t("chart.severity_highest", severity=ctx.number(highest),
                                  items=_largest(ctx, severe, "obstacles", schema.OBSTACLE_CATEGORY, "obstacles")),
                            lang=ctx.lang)
    return Chart(page, name, figure, data, period_caption(ctx, obstacles_caption(ctx, caption_key),
                                                          Period.SELECTED_YEARS), ("obstacles",), formats, alternative)


def _combined_summary(ctx: PageContext, frame: pd.DataFrame, column: str, metric: str,
                      vocabulary: schema.Vocabulary, only: str | None = None) -> str:
    """The text alternative of a chart of every selected year together: its total and largest categories
    ("18 in all; the most: Budget 4, …"), not totals per year, which the chart does not show. ``only``: the
    one category its colour is left with, named beside the metric."""
    return ctx.t("chart.summary_total", metric=_named(ctx, metric, only), total=ctx.number(int(frame[column].sum())),
                 items=_largest(ctx, frame, column, vocabulary, metric))


def _largest(ctx: PageContext, frame: pd.DataFrame, column: str, vocabulary: schema.Vocabulary, metric: str) -> str:
    """The NAMED largest categories of ``frame`` by ``column``, and any equal to the last of them (three of
    the sample's obstacle categories count 3: naming two of them would rank equals), largest first, in the
    vocabulary's order among equals; where that would name more than NAMED_WITH_TIES, the ones equal to the
    last are counted, not named (the data table names them)."""
    per_category = frame.groupby("category")[column].sum()
    ranked = sorted(per_category.items(), key=lambda item: (-item[1], vocabulary.codes.index(item[0])
                                                            if item[0] in vocabulary.codes else len(vocabulary.codes)))
    ranked = [(code, value) for code, value in ranked if value > 0]  # a category of none is not among the most
    least = ranked[:NAMED][-1][1] if ranked else 0
    named = [(code, value) for code, value in ranked if value >= least]
    if len(named) <= NAMED_WITH_TIES:
        return _listed(ctx, named, vocabulary, metric)
    above = [(code, value) for code, value in named if value > least]
    tied = {"count": ctx.number(len(named) - len(above)), "value": METRICS[metric].format(least, ctx.lang)}
    if not above:
        return ctx.t("chart.most_tied", **tied)
    return ctx.t("chart.most_tied_after", named=_listed(ctx, above, vocabulary, metric), **tied)


def _listed(ctx: PageContext, items: list[tuple[str, float]], vocabulary: schema.Vocabulary, metric: str) -> str:
    """Categories with their values, as a sentence lists them: "Budget 4, Language barrier 3"."""
    return format_list([f"{vocabulary.label(code, ctx.lang)} {METRICS[metric].format(value, ctx.lang)}"
                        for code, value in items], ctx.lang)


def obstacles_caption(ctx: PageContext, caption_key: str) -> str:
    """An obstacle chart's caption. Obstacles are recorded without a field, so while the fields are narrowed
    the caption says that these counts are not: beside 1 activity in tourism, 6 obstacles read as tourism's."""
    caption = ctx.t(caption_key)
    if params.FIELD not in params.not_applied("obstacles", ctx.filters.fields, ctx.filters.direction):
        return caption
    return sentences(caption, ctx.t("chart.obstacles_every_field"), lang=ctx.lang)


@shared
def overview_obstacles(ctx: PageContext) -> Chart | None:
    return _obstacle_heatmap(ctx, "overview", "obstacles", "overview.chart_obstacles", "overview.caption_obstacles")


def _benefit_categories(ctx: PageContext, page: str, name: str, title_key: str, caption_key: str) -> Chart | None:
    pairs = ctx.fetch("benefits_breakdown")
    pairs = pairs[pairs["dimension"] == "category_beneficiary"]
    if pairs.empty:
        return None
    data, formats = table(ctx, pairs, {"category": schema.BENEFIT_CATEGORY, "beneficiary": schema.BENEFICIARY},
                          {"year": YEAR, "category": "column:category", "beneficiary": "column:beneficiary",
                           "indicators": "metric:benefit_indicators"})
    figure = figures.category_by_beneficiary(pairs, ctx.lang, combined_heading(ctx, ctx.t(title_key)),
                                             _name(ctx, "benefit_indicators"))
    return Chart(page, name, figure, data, period_caption(ctx, ctx.t(caption_key), Period.SELECTED_YEARS),
                 ("benefit_indicators",), formats,
                 _combined_summary(ctx, pairs, "indicators", "benefit_indicators", schema.BENEFIT_CATEGORY,
                                   _one_category(ctx, figure, data)))


@shared
def overview_benefits(ctx: PageContext) -> Chart | None:
    return _benefit_categories(ctx, "overview", "benefits", "overview.chart_benefits", "overview.caption_benefits")


# -- Participation ---------------------------------------------------------------

@shared
def participation_selection(ctx: PageContext) -> Chart | None:
    return _selection(ctx, "participation", "selection-rate", "participation.chart_selection",
                      "participation.caption_selection")


def funnel_stage_labels(ctx: PageContext) -> dict[str, str]:
    """Stage code -> the funnel's label: 'selected' says it includes reserves, then the delegates."""
    labels = {code: schema.STAGE.label(code, ctx.lang) for code in schema.STAGE.codes}
    labels["selected"] = ctx.t("chart.stage_selected_with_reserves", stage=labels["selected"])
    labels[DELEGATES_STAGE] = _name(ctx, "delegates")
    return labels


@shared
def participation_funnel(ctx: PageContext) -> Chart | None:
    funnel = ctx.fetch("selection_funnel")
    if funnel.empty:
        return None
    labels = funnel_stage_labels(ctx)
    shown = funnel.assign(stage=funnel["stage"].map(labels))
    data, formats = table(ctx, shown, {}, {"year": YEAR, "stage": "label:chart.stage",
                                           "applicants": "metric:reached_stage",
                                           "conversion": "metric:stage_conversion"})
    # Each count and share is placed inside its bar or beside it by the room it has: the wide media's own.
    draw = functools.partial(figures.funnel, funnel, ctx.lang, ctx.t("participation.chart_funnel"), labels,
                             ctx.t("chart.people"), _name(ctx, "stage_conversion"))
    figure, wide = draw(), _every_medium(draw)
    # Reached-stage counts are cumulative, so the generic per-year sum would mean nothing: say registered → delegates.
    ends = funnel.groupby("year").agg(first=("applicants", "first"), last=("applicants", "last"))
    caption = _partner_selection_said(ctx, ctx.t("participation.caption_funnel",
                                                 selected=schema.STAGE.label("selected", ctx.lang)),
                                      funnel["year"].astype(int).unique().tolist())
    return Chart("participation", "funnel", figure, data, period_caption(ctx, caption, Period.PER_YEAR),
                 ("reached_stage", "stage_conversion", "delegates"), formats, _funnel_alternative(ctx, ends, labels),
                 wide=wide)


def _funnel_alternative(ctx: PageContext, ends: pd.DataFrame, labels: dict[str, str]) -> str:
    """The funnel's two ends per year (``ends``: its first and last count by year), "2019: 131 registered → 5
    delegates"; over more than LISTED_YEARS years a sentence per end, named as its bars are (``labels``), with
    its series (_series_text)."""
    if len(ends) <= LISTED_YEARS:
        items = [ctx.t("chart.funnel_item", int(row["last"]), year=int(year), registered=ctx.number(row["first"]),
                       delegates=ctx.number(row["last"])) for year, row in ends.iterrows()]
        return ctx.t("chart.summary", metric=_name(ctx, "reached_stage"), items=format_list(items, ctx.lang))
    registered, delegates = ({int(year): value for year, value in ends[column].items()} for column in ("first", "last"))
    return sentences(ctx.t("chart.summary", metric=labels[schema.STAGE.codes[0]],
                           items=_series_text(ctx, registered, ctx.number)),
                     ctx.t("chart.summary_more", metric=labels[DELEGATES_STAGE],
                           items=_series_text(ctx, delegates, ctx.number)), lang=ctx.lang)


PROFILE_DIMENSIONS: dict[str, schema.Vocabulary] = {
    "field": schema.FIELD, "status": schema.STATUS, "gender": schema.GENDER, "origin": schema.ORIGIN,
    "institution_type": schema.INSTITUTION_TYPE}
# The profile's measures: query column -> metric, with every direction chosen.
PROFILE_MEASURES = {"participants": "people_on_record", "delegates": "delegates_both_ways"}
# ... and the delegates' metric with one direction chosen, which the delegates counted are: "Delegates, both
# directions" stood beside the sidebar's "Jakarta to partner city". The catalogue says which counts which.
DIRECTION_DELEGATES = {metric.direction: metric.key for metric in CATALOGUE if metric.direction}


def profile_metric(measure: str, direction: str) -> str:
    """The metric a profile ``measure`` counts with the direction filter set to ``direction``."""
    if measure == "delegates":
        return DIRECTION_DELEGATES.get(direction, PROFILE_MEASURES[measure])
    return PROFILE_MEASURES[measure]


@shared
def participation_profile(ctx: PageContext, dimension: str, measure: str = "participants") -> Chart | None:
    """People on record (or delegates) per year by one profile dimension."""
    other = next(column for column in PROFILE_MEASURES if column != measure)
    metric = profile_metric(measure, ctx.filters.direction)
    return _stacked(ctx, _dimension(ctx.fetch("participation_breakdown"), dimension), dimension, measure, metric,
                    PROFILE_DIMENSIONS[dimension], ("participation", f"by-{dimension}"),
                    ctx.t(f"participation.chart_by_{dimension}", measure=_name(ctx, metric)),
                    ctx.t("participation.caption_profile", both=ctx.t("filters.direction_both")),
                    extra={other: f"metric:{profile_metric(other, ctx.filters.direction)}"})


@shared
def participation_repeat(ctx: PageContext) -> Chart | None:
    """First-time and returning applicants per year; None when no chosen year has an earlier one loaded."""
    fetched = ctx.fetch("repeat_applicants")
    # The first loaded year has no earlier year to return from (its returning applicants are unknown): it
    # is left out, and the caption says so, rather than drawn as "0 · 0.0%".
    repeat = fetched.dropna(subset=["returning"])
    if repeat.empty:
        return None
    repeat = repeat.assign(first_time=repeat["applicants"] - repeat["returning"],
                           share=repeat["returning"] / repeat["applicants"].where(repeat["applicants"] > 0))
    # The returning part is a sliver of each bar: its count and share are written above it.
    shares = [METRICS["returning_share"].format(None if pd.isna(share) else share, ctx.lang)
              for share in repeat["share"]]
    draw = functools.partial(
        figures.stacked_parts,
        repeat, {"first_time": _name(ctx, "first_time_applicants"), "returning": _name(ctx, "returning_applicants")},
        ctx.lang, ctx.t("participation.chart_repeat"), ctx.t("chart.people"),
        top_text=[f"{ctx.number(count)} · {share}" for count, share in zip(repeat["returning"], shares, strict=True)])
    figure, wide = draw(), _every_medium(draw)
    data, formats = table(ctx, repeat, {}, {
        "year": YEAR, "applicants": "metric:applicants", "first_time": "metric:first_time_applicants",
        "returning": "metric:returning_applicants", "share": "metric:returning_share"})
    text = ctx.t("participation.caption_repeat")
    left_out = fetched.loc[fetched["returning"].isna(), "year"].astype(int).tolist()
    if left_out:  # the period is the years drawn, and says why the first is not among them
        drawn = repeat["year"].astype(int).tolist()
        caption = sentences(text, ctx.t("participation.repeat_first_year", year=left_out[0]),
                            _period(ctx, ctx.t("participation.period_after_first"), drawn), lang=ctx.lang)
    else:
        caption = period_caption(ctx, text, Period.PER_YEAR)
    # Its text alternative gives what each bar has written on it: the returning applicants and their share
    # above it (what the chart is about), the first-time applicants inside.
    keys = ("returning_applicants", "returning_share", "first_time_applicants")
    return Chart("participation", "repeat-applicants", figure, data, caption,
                 ("returning_applicants", "applicants", "first_time_applicants", "returning_share"), formats,
                 _per_year_alternative(ctx, data, keys), wide=wide)


# -- Activities ------------------------------------------------------------------

ACTIVITY_DIMENSIONS: dict[str, schema.Vocabulary] = {
    "type": schema.ACTIVITY_TYPE, "field": schema.FIELD, "host_city": schema.HOST_CITY}
ATTENDANCES = {"participants_jakarta": "metric:attendances_jakarta",
               "participants_partner": "metric:attendances_partner"}


@shared
def activities_by(ctx: PageContext, dimension: str) -> Chart | None:
    if dimension == "host_city":
        title, caption = ctx.t("activities.chart_by_host", partner=ctx.partner_name()), "activities.caption_host"
    else:
        title, caption = ctx.t(f"activities.chart_by_{dimension}"), "activities.caption_counts"
    name = "by-host-city" if dimension == "host_city" else f"by-{dimension}"
    return _stacked(ctx, _dimension(ctx.fetch("activities_breakdown"), dimension), dimension, "activities",
                    "activities", ACTIVITY_DIMENSIONS[dimension], ("activities", name), title, ctx.t(caption),
                    extra=ATTENDANCES)


@shared
def activities_sides(ctx: PageContext) -> Chart | None:
    types = _dimension(ctx.fetch("activities_breakdown"), "type")
    if types.empty:
        return None
    totals = types.groupby("type", as_index=False)[["participants_jakarta", "participants_partner"]].sum()
    # In the vocabulary's order, as the legends of the page's stacked charts and the data table list types.
    totals = totals.sort_values("type", key=lambda codes: codes.map(schema.ACTIVITY_TYPE.codes.index),
                                ignore_index=True)
    # Each count is placed inside its bar or beside it by the room it has: the wide media's own.
    draw = functools.partial(figures.sides_by_type, totals, ctx.lang,
                             combined_heading(ctx, ctx.t("activities.chart_sides")), ctx.t("chart.attendances"),
                             {"participants_jakarta": _name(ctx, "attendances_jakarta"),
                              "participants_partner": _name(ctx, "attendances_partner")})
    figure, wide = draw(), _every_medium(draw)
    data, formats = table(ctx, totals, {"type": schema.ACTIVITY_TYPE}, {"type": "column:type", **ATTENDANCES})
    caption = period_caption(ctx, ctx.t("activities.caption_sides", partner=ctx.partner_name()),
                             Period.SELECTED_YEARS)
    return Chart("activities", "participants-per-type", figure, data, caption,
                 ("attendances_jakarta", "attendances_partner"), formats, _sides_alternative(ctx, totals), wide)


def _sides_alternative(ctx: PageContext, totals: pd.DataFrame) -> str:
    """The three types with the most attendances from each side, and any equal to the third."""
    by_type = totals.rename(columns={"type": "category"})
    return _per_metric(ctx, [(metric, _largest(ctx, by_type, column, schema.ACTIVITY_TYPE, metric))
                             for column, metric in (("participants_jakarta", "attendances_jakarta"),
                                                    ("participants_partner", "attendances_partner"))])


@shared
def activities_timeline(ctx: PageContext) -> Chart | None:
    """When the selection's activities took place: a row each, or, past figures.TIMELINE_ROWS, their count per
    month over the whole selection. The data table lists them, the 500 most recent of a larger selection."""
    timeline = ctx.fetch("activity_timeline")
    if timeline.empty:
        return None
    data, formats = table(ctx, timeline, {"type": schema.ACTIVITY_TYPE, "field": schema.FIELD,
                                          "host_city": schema.HOST_CITY}, {
        "year": YEAR, "title": "column:title", "type": "column:type", "field": "column:field",
        "host_city": "column:host_city", "start_date": "column:start_date", "end_date": "column:end_date",
        "participants_jakarta": "column:participants_jakarta", "participants_partner": "column:participants_partner",
        "organizer": "column:organizer"})
    total = int(_dimension(ctx.fetch("activities_breakdown"), "type")["activities"].sum())
    if figures.counted_per_month(total):
        return _activities_per_month(ctx, total, data, formats, listed=len(timeline))
    # Past TIMELINE_ROWS the chart counts per month, so a timeline of rows holds every activity selected.
    caption = period_caption(ctx, ctx.t("activities.caption_timeline_all", count=ctx.number(total)),
                             Period.PER_YEAR)
    draw = functools.partial(figures.timeline, timeline, ctx.lang, ctx.t("activities.chart_timeline"))

    def wide(medium: Medium) -> go.Figure:
        # A printed page squeezes the timeline to its height, leaving rows too thin for a title above each
        # bar: printed, the titles stand beside the rows.
        return draw(figures.TITLES_BESIDE if medium is Medium.PAPER else figures.TITLES_ABOVE,
                    width=figures.WIDE_WIDTH)

    figure = draw()
    # Every activity is a row of the table here, so one type in it is the one colour of the chart.
    return Chart("activities", "timeline", figure, data, caption, ("activities",), formats,
                 _timeline_alternative(ctx, timeline, _one_category(ctx, figure, data)), wide, wide_on_screen=True)


def _activities_per_month(ctx: PageContext, total: int, data: pd.DataFrame,
                          formats: dict[str, Formatter | PerRow], listed: int) -> Chart:
    """The timeline of many activities: every one selected counted by the month it starts in (the 500 most
    recent alone counted one month at 1M rows). The data table lists ``listed`` of them, the most recent."""
    counts = ctx.fetch("activity_months")
    if listed < total:
        shown = ctx.t("activities.caption_timeline_months", count=ctx.number(total), limit=ctx.number(listed))
    else:
        shown = ctx.t("activities.caption_timeline_months_all", count=ctx.number(total))
    draw = functools.partial(figures.activities_per_month, counts, ctx.lang, ctx.t("activities.chart_timeline"),
                             _name(ctx, "activities"))
    # Totals turned upright on a phone may stand level on a wider medium.
    return Chart("activities", "timeline", draw(), data, period_caption(ctx, shown, Period.PER_YEAR),
                 ("activities",), formats, _months_alternative(ctx, counts), _every_medium(draw))


def _timeline_alternative(ctx: PageContext, timeline: pd.DataFrame, only_type: str | None) -> str:
    """Per year, the activities the timeline shows and the days they span: "13 (22 Jul 2017 – 25 Oct 2017)",
    "1 (19 Oct 2019)"; the one type they are of, if one ("Activities (Type: Cultural visit)")."""
    spans = timeline.groupby("year", sort=True).agg(shown=("title", "size"), first=("start_date", "min"),
                                                    last=("end_date", "max"))
    items = {int(year): with_note(ctx.number(row["shown"]), _days(row["first"].date(), row["last"].date(), ctx.lang),
                                  ctx.lang) for year, row in spans.iterrows()}
    return ctx.t("chart.summary", metric=_named(ctx, "activities", only_type),
                 items=_recent_items(ctx, items, {int(year): int(shown) for year, shown in spans["shown"].items()}))


def _days(first: dt.date, last: dt.date, lang: str) -> str:
    """"22 Jul 2017 – 25 Oct 2017", or the one day."""
    return format_day(first, lang) if first == last else f"{format_day(first, lang)} – {format_day(last, lang)}"


def _months_alternative(ctx: PageContext, counts: pd.DataFrame) -> str:
    """Per program year, its activities and its busiest months (every month tied for the most), a month of
    another calendar year named with its year: "20 in 2018 (the most in July and October: 6)", "5 in 2019
    (the most in January 2020: 3)"."""
    per_month = counts.groupby(["year", "calendar_year", "month"], sort=True)["activities"].sum()
    items, totals = {}, {}
    for year, months in per_month.groupby(level="year"):
        most = int(months.max())
        busiest = [month_name(int(month), ctx.lang) if start_year == year
                   else format_date_part(dt.date(int(start_year), int(month), 1), "yMMMM", ctx.lang)
                   for (_, start_year, month), value in months.items() if value == most]
        totals[int(year)] = int(months.sum())
        items[int(year)] = ctx.t("activities.months_item", year=int(year), count=ctx.number(totals[int(year)]),
                                 months=joined_with_and(busiest, ctx.lang), most=ctx.number(most))
    return ctx.t("chart.summary", metric=_name(ctx, "activities"), items=_recent_items(ctx, items, totals))


# -- Benefits and obstacles ----------------------------------------------------------

OUTCOME_UNITS = schema.UNIT.codes


def _unit_title(ctx: PageContext, unit: str) -> str:
    return with_note(_name(ctx, "achieved_value"), schema.UNIT.label(unit, ctx.lang), ctx.lang)


def _values_table(ctx: PageContext, rows: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Formatter | PerRow]]:
    data, formats = table(ctx, rows, {"category": schema.BENEFIT_CATEGORY, "beneficiary": schema.BENEFICIARY,
                                      "unit": schema.UNIT},
                          {"year": YEAR, "indicator_code": "column:indicator_code", "indicator": "column:indicator",
                           "category": "column:category", "beneficiary": "column:beneficiary",
                           "value": "metric:achieved_value", "unit": "column:unit"})
    shown: dict[str, Formatter | PerRow] = dict(formats)
    shown[_name(ctx, "achieved_value")] = PerRow(tuple(rows["unit"]), ctx.lang)
    return data, shown


@shared
def outcome_values(ctx: PageContext, unit: str) -> Chart | None:
    """The achieved values in one unit, for the latest selected year (the cards' year)."""
    values = ctx.fetch("benefit_values")
    year = latest_year(ctx.fetch("yearly_summary"), ctx.filters.years)
    rows = values[(values["unit"] == unit) & (values["year"] == year)]
    if rows.empty:
        return None
    title = ctx.t("benefits.chart_values", unit=schema.UNIT.label(unit, ctx.lang), year=year)
    # The axis names the unit alone: the heading says what is measured (a long title overflows a phone).
    draw = functools.partial(figures.indicator_values, rows, ctx.lang, title, schema.UNIT.label(unit, ctx.lang),
                             unit)
    figure, wide = draw(), _every_medium(draw)
    data, formats = _values_table(ctx, rows)
    partial = _values_partial(ctx, rows)
    caption = sentences(ctx.t("benefits.caption_values"), partial, ctx.t("chart.period_year", year=year),
                        provisional_sentence(ctx, [year]), lang=ctx.lang)
    return Chart("benefits", f"values-{unit}", figure, data, caption, ("achieved_value",), formats,
                 _values_alternative(ctx, rows, unit), wide)


def _values_partial(ctx: PageContext, rows: pd.DataFrame) -> str:
    """The sentence saying that a year's values are drawn in part ("" when whole): benefit_values reads at
    most VALUES_LIMIT values of a unit and year, and a chart of fifty bars must not pass for them all."""
    of_year = int(rows["of_year"].iloc[0])
    if of_year <= len(rows):
        return ""
    return ctx.t("benefits.values_partial", shown=ctx.number(len(rows)), count=ctx.number(of_year))


def _trends_partial(ctx: PageContext, values: pd.DataFrame) -> str:
    """The sentence naming the years whose values of this unit were read in part ("" if none): an indicator
    past the limit in such a year has no point there."""
    cut = sorted(values.loc[values["of_year"] > VALUES_LIMIT, "year"].unique())
    if not cut:
        return ""
    return ctx.t("benefits.trends_partial", limit=ctx.number(VALUES_LIMIT),
                 years=year_span([int(year) for year in cut], ctx.lang))


def _values_alternative(ctx: PageContext, rows: pd.DataFrame, unit: str) -> str:
    """How many indicators, for whom, and their range: "11 indicators (Jakarta 7, …), from 1 to 24"; one
    indicator by its beneficiary and value ("1 indicator, benefiting Jakarta, at 3": "(Jakarta 1), 3" left
    the 3 unexplained). The indicators' names are workbook text, left to the data table (a caption is
    Markdown)."""
    if len(rows) == 1:
        row = rows.iloc[0]
        return ctx.t("benefits.values_single", metric=_unit_title(ctx, unit),
                     beneficiary=schema.BENEFICIARY.label(row["beneficiary"], ctx.lang),
                     value=format_measure(row["value"], unit, ctx.lang))
    per_beneficiary = rows["beneficiary"].value_counts()
    beneficiaries = format_list([f"{schema.BENEFICIARY.label(code, ctx.lang)} {ctx.number(per_beneficiary[code])}"
                                 for code in schema.BENEFICIARY.codes if code in per_beneficiary], ctx.lang)
    # Of a year drawn in part, the indicators are counted as part of the year's (the caption says which part).
    of_year = int(rows["of_year"].iloc[0])
    key = "benefits.values_summary" if of_year <= len(rows) else "benefits.values_summary_partial"
    return ctx.t(key, metric=_unit_title(ctx, unit), count=ctx.number(len(rows)), total=ctx.number(of_year),
                 beneficiaries=beneficiaries, lowest=format_measure(rows["value"].min(), unit, ctx.lang),
                 highest=format_measure(rows["value"].max(), unit, ctx.lang))


# What a trend row's scale runs to (dashboard.figures.indicator_trends): a unit's fixed range, or else the
# row's own largest value, which a reader must know before comparing two rows' heights.
TREND_SCALES = {"percent": "benefits.trends_scale_percent", "score": "benefits.trends_scale_score"}


@shared
def outcome_trends(ctx: PageContext, unit: str) -> Chart | None:
    """Indicators of one unit measured in more than one selected year, followed by their code."""
    values = ctx.fetch("benefit_values")
    of_unit = values[values["unit"] == unit]
    rows = of_unit[of_unit["recurs"]]
    if rows.empty:
        return None
    title = with_note(ctx.t("benefits.chart_trends"), schema.UNIT.label(unit, ctx.lang), ctx.lang)
    # The rows' titles broken for a phone's width; on a projector or a printed page for the wide media's.
    draw = functools.partial(figures.indicator_trends, rows, ctx.lang, title, unit, ctx.filters.years)
    figure, wide = draw(), _every_medium(draw)
    data, formats = _values_table(ctx, rows.sort_values(["indicator_code", "year"]))
    scale = ctx.t(TREND_SCALES.get(unit, "benefits.trends_scale_own"))
    caption = period_caption(ctx, sentences(ctx.t("benefits.caption_trends"), scale, _not_followed(ctx, unit),
                                            _trends_partial(ctx, of_unit), lang=ctx.lang), Period.PER_YEAR)
    return Chart("benefits", f"trend-{unit}", figure, data, caption, ("achieved_value",), formats,
                 _trends_alternative(ctx, rows, unit), wide)


# Codes named in the sentence on codes not followed; more are counted.
NOT_FOLLOWED_NAMED = 5


def _not_followed(ctx: PageContext, unit: str) -> str:
    """The sentence naming the unit's codes left out of the trends, recorded more than once in a year ("" if
    none)."""
    not_followed = ctx.fetch("codes_not_followed")
    codes = list(not_followed.loc[not_followed["unit"] == unit, "indicator_code"])
    if not codes:
        return ""
    more = figures.ELLIPSIS if len(codes) > NOT_FOLLOWED_NAMED else ""
    named = format_list(codes[:NOT_FOLLOWED_NAMED], ctx.lang) + more
    return ctx.t("benefits.trends_repeated", len(codes), count=ctx.number(len(codes)), codes=named)


def _trends_alternative(ctx: PageContext, rows: pd.DataFrame, unit: str) -> str:
    """Each line's first and last value ("RAY-NW-01 37 (2017) → 24 (2019)"); of more lines than NAMED, the
    largest changes, only lines that changed: "the 3 largest changes" named 2 (2017) → 2 (2018) beside two
    that changed (2017–2018, the counts), and the lines that ended where they began are counted instead."""
    ends = rows.sort_values("year").groupby("indicator_code", sort=True).agg(
        first_year=("year", "first"), first=("value", "first"), last_year=("year", "last"), last=("value", "last"))
    count, metric = len(ends), _unit_title(ctx, unit)
    if count <= NAMED:
        return ctx.t("benefits.trends_summary", count, metric=metric, count=ctx.number(count),
                     items=_trend_ends(ctx, ends, unit))
    change = (ends["last"] - ends["first"]).abs()
    changed = ends.loc[change[change > 0].sort_values(ascending=False, kind="stable").index]
    if changed.empty:
        return ctx.t("benefits.trends_unchanged", metric=metric, count=ctx.number(count))
    if len(changed) > NAMED:
        return ctx.t("benefits.trends_largest", metric=metric, count=ctx.number(count), shown=NAMED,
                     items=_trend_ends(ctx, changed.head(NAMED), unit))
    return ctx.t("benefits.trends_changed", metric=metric, count=ctx.number(count),
                 changed=ctx.number(len(changed)), unchanged=ctx.number(count - len(changed)),
                 items=_trend_ends(ctx, changed, unit))


def _trend_ends(ctx: PageContext, ends: pd.DataFrame, unit: str) -> str:
    """"RAY-NW-01 37 (2017) → 24 (2019)" for each line of ``ends`` (its first and last value and year)."""

    def end(value: float, year: int) -> str:
        return with_note(format_measure(value, unit, ctx.lang), int(year), ctx.lang)

    arrow = "→ " if ctx.lang == "zh" else " → "  # a full-width bracket holds its own space
    return format_list([f"{code} {end(row['first'], row['first_year'])}{arrow}{end(row['last'], row['last_year'])}"
                        for code, row in ends.iterrows()], ctx.lang)


def trends_not_drawn(ctx: PageContext) -> list[str]:
    """For each unit with codes not followed (recorded more than once in a year) and no trend chart drawn,
    the sentence saying so: the codes are not silently missing."""
    values = ctx.fetch("benefit_values")
    notes = []
    for unit in OUTCOME_UNITS:
        of_unit = values[values["unit"] == unit]
        not_followed = _not_followed(ctx, unit)
        if not_followed and not of_unit["recurs"].any():  # outcome_trends draws no chart
            notes.append(sentences(ctx.t("benefits.trends_none", metric=_unit_title(ctx, unit)), not_followed,
                                   _trends_partial(ctx, of_unit), lang=ctx.lang))
    return notes


def outcome_charts(ctx: PageContext) -> list[Chart | None]:
    """Achieved values first (one chart per unit), then the indicators followed across years."""
    return [outcome_values(ctx, unit) for unit in OUTCOME_UNITS] + [outcome_trends(ctx, unit)
                                                                     for unit in OUTCOME_UNITS]


@shared
def benefits_category(ctx: PageContext) -> Chart | None:
    return _benefit_categories(ctx, "benefits", "category-beneficiary", "benefits.chart_category",
                               "benefits.caption_category")


def _per_year_by_category(ctx: PageContext, frame: pd.DataFrame, column: str, metric: str,
                          vocabulary: schema.Vocabulary, name: str, title_key: str, caption_key: str) -> Chart | None:
    """Counts per year stacked by category (benefit or obstacle categories)."""
    per_year = frame.groupby(["year", "category"], as_index=False)[column].sum()
    return _stacked(ctx, per_year, "category", column, metric, vocabulary, ("benefits", name), ctx.t(title_key),
                    ctx.t(caption_key))


@shared
def benefits_category_year(ctx: PageContext) -> Chart | None:
    pairs = ctx.fetch("benefits_breakdown")
    return _per_year_by_category(ctx, pairs[pairs["dimension"] == "category_beneficiary"], "indicators",
                                 "benefit_indicators", schema.BENEFIT_CATEGORY, "category-year",
                                 "benefits.chart_category_year", "benefits.caption_category_year")


@shared
def benefits_level(ctx: PageContext) -> Chart | None:
    levels = ctx.fetch("benefits_breakdown")
    levels = levels[levels["dimension"] == "level"].rename(columns={"value": "level"})
    return _stacked(ctx, levels, "level", "indicators", "benefit_indicators", schema.LEVEL, ("benefits", "level"),
                    ctx.t("benefits.chart_level"), ctx.t("benefits.caption_level"))


@shared
def obstacles_severity(ctx: PageContext) -> Chart | None:
    return _obstacle_heatmap(ctx, "benefits", "obstacle-severity", "benefits.chart_severity",
                             "benefits.caption_severity")


@shared
def obstacles_per_year(ctx: PageContext) -> Chart | None:
    per_year = ctx.fetch("obstacles_breakdown").groupby(["year", "category"], as_index=False)["obstacles"].sum()
    return _stacked(ctx, per_year, "category", "obstacles", "obstacles", schema.OBSTACLE_CATEGORY,
                    ("benefits", "obstacles-year"), ctx.t("benefits.chart_obstacles_year"),
                    obstacles_caption(ctx, "benefits.caption_obstacles_year"))


def indicator_table(ctx: PageContext) -> tuple[pd.DataFrame, dict[str, Formatter | PerRow]]:
    """The indicator rows, each achieved value shown in its own unit."""
    rows = ctx.fetch("benefit_indicators")
    data, formats = table(ctx, rows, {
        "category": schema.BENEFIT_CATEGORY, "beneficiary": schema.BENEFICIARY, "level": schema.LEVEL,
        "unit": schema.UNIT, "framework": schema.FRAMEWORK, "source": schema.SOURCE, "field": schema.FIELD},
        {"year": YEAR, "category": "column:category", "indicator_code": "column:indicator_code",
         "indicator": "column:indicator", "value": "metric:achieved_value", "unit": "column:unit",
         "beneficiary": "column:beneficiary",
         "level": "column:level", "framework": "column:framework", "source": "column:source"})
    shown: dict[str, Formatter | PerRow] = dict(formats)
    shown[_name(ctx, "achieved_value")] = PerRow(tuple(rows["unit"]), ctx.lang)
    return data, shown


def indicator_table_projected(ctx: PageContext) -> list[str]:
    """The indicator table's columns on a projector, where its ten ran 280–600 px past a 1280 px screen: what
    was achieved, for whom (the code, level, framework and source stay on the page and in the downloads)."""
    return [ctx.t("chart.year"), ctx.column("category"), ctx.column("indicator"), _name(ctx, "achieved_value"),
            ctx.column("unit"), ctx.column("beneficiary")]


def indicator_table_note(ctx: PageContext) -> str:
    """The sentence saying that the indicator table holds part of the selection ("" when it holds all):
    benefit_indicators reads at most ROW_LIMIT rows, and a table of 500 must not pass for every one."""
    shown = len(ctx.fetch("benefit_indicators"))
    pairs = ctx.fetch("benefits_breakdown")
    total = int(pairs.loc[pairs["dimension"] == "category_beneficiary", "indicators"].sum())
    return (ctx.t("benefits.indicator_table_partial", shown=ctx.number(shown), count=ctx.number(total))
            if total > shown else "")


def mitigation_table_note(ctx: PageContext) -> str:
    """The sentence saying that the obstacle table holds the most severe part of the selection ("" when all)."""
    shown = len(ctx.fetch("obstacle_list"))
    total = int(ctx.fetch("obstacles_breakdown")["obstacles"].sum())
    return (ctx.t("benefits.mitigation_table_partial", shown=ctx.number(shown), count=ctx.number(total))
            if total > shown else "")


def mitigation_table(ctx: PageContext) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    return table(ctx, ctx.fetch("obstacle_list"), {"category": schema.OBSTACLE_CATEGORY},
                 {"year": YEAR, "category": "column:category", "severity": "column:severity",
                  "description": "column:description", "mitigation": "column:mitigation"})


# -- Every chart, page by page, for the report ----------------------------------------

def _profiles(ctx: PageContext) -> list[Chart | None]:
    return [participation_profile(ctx, dimension) for dimension in PROFILE_DIMENSIONS]


# What a chart says in its place when the filters leave it nothing to draw, by what it counts: only
# participants travel in a direction, so only their charts ask to widen it. The pages and the printed
# report say the same words.
NONE_PARTICIPANTS = "empty.no_data"
NONE_RETURNING = "empty.no_returning"
NONE_ACTIVITIES = "empty.no_activities"
NONE_BENEFITS = "empty.no_benefits"
NONE_OBSTACLES = "empty.no_obstacles"


@dataclass(frozen=True)
class Slot:
    """A chart of a page, or None, with the sentence said in its place when None (None: the page's notes
    say why instead, as for the outcome charts)."""

    chart: Chart | None
    none_key: str | None


def _slots(key: str | None, *built: Chart | None) -> list[Slot]:
    return [Slot(chart, key) for chart in built]


# A page whose query comes back empty has nothing to draw: it says so once, in the chart's words, and stops.
PAGE_REQUIRES: dict[str, tuple[str, str]] = {"participation": ("participation_breakdown", NONE_PARTICIPANTS),
                                             "activities": ("activities_breakdown", NONE_ACTIVITIES)}


def nothing_to_draw(ctx: PageContext, page: str) -> str | None:
    """The key of the sentence a page says instead of its charts when it has nothing to draw, or None."""
    query, none_key = PAGE_REQUIRES.get(page, (None, None))
    return none_key if query is not None and ctx.fetch(query).empty else None


PAGE_SLOTS: dict[str, Callable[[PageContext], list[Slot]]] = {
    "overview": lambda ctx: [*_slots(NONE_PARTICIPANTS, overview_selection(ctx)),
                             *_slots(NONE_ACTIVITIES, overview_activities(ctx)),
                             *_slots(NONE_OBSTACLES, overview_obstacles(ctx)),
                             *_slots(NONE_BENEFITS, overview_benefits(ctx))],
    "participation": lambda ctx: [*_slots(NONE_PARTICIPANTS, participation_selection(ctx), participation_funnel(ctx),
                                          *_profiles(ctx)),
                                  *_slots(NONE_RETURNING, participation_repeat(ctx))],
    "activities": lambda ctx: _slots(NONE_ACTIVITIES, *(activities_by(ctx, d) for d in ACTIVITY_DIMENSIONS),
                                     activities_sides(ctx), activities_timeline(ctx)),
    "benefits": lambda ctx: [*_slots(None, *outcome_charts(ctx)),
                             *_slots(NONE_BENEFITS, benefits_category(ctx), benefits_category_year(ctx),
                                     benefits_level(ctx)),
                             *_slots(NONE_OBSTACLES, obstacles_severity(ctx), obstacles_per_year(ctx))],
}


def page_slots(ctx: PageContext, page: str) -> list[Slot]:
    """The page's charts in page order, each with what it says when empty; none for a page without charts."""
    return PAGE_SLOTS[page](ctx) if page in PAGE_SLOTS else []


def page_charts(ctx: PageContext, page: str) -> list[Chart]:
    """The charts the page draws for these filters, in page order (empty ones left out)."""
    return [slot.chart for slot in page_slots(ctx, page) if slot.chart is not None]


# Said of a framed chart the page has but the link's filters leave empty, where its slot has no sentence.
NONE_IN_FRAME = "empty.chart_empty"


def empty_chart_key(ctx: PageContext, page: str, name: str) -> str | None:
    """Why the page draws no chart ``name`` for these filters, as the key of its sentence: the page's own for
    that chart (NONE_IN_FRAME for a chart without one) when the page draws it with every year, field and
    direction loaded; None when it does not even then (a link made before the chart was renamed, a typo).
    Only asked for a framed link whose chart is missing: it builds the page's charts once more."""
    widest = replace(default_filters(Available.of(ctx.fetch("available")), ctx.lang),
                     partner=ctx.filters.partner)
    slots = page_slots(PageContext(ctx.reader, widest, ctx.presenting, ctx.framed), page)
    slot = next((slot for slot in slots if slot.chart is not None and slot.chart.name == name), None)
    return None if slot is None else slot.none_key or NONE_IN_FRAME


# Sentences a page shows beside its charts, for what is not drawn: the printed report carries them too.
PAGE_NOTES: dict[str, Callable[[PageContext], list[str]]] = {"benefits": trends_not_drawn}


def page_notes(ctx: PageContext, page: str) -> list[str]:
    return PAGE_NOTES[page](ctx) if page in PAGE_NOTES else []


def all_charts(ctx: PageContext) -> dict[str, list[Chart]]:
    """page -> its charts, in page order (empty ones left out)."""
    return {page: page_charts(ctx, page) for page in PAGE_SLOTS}
