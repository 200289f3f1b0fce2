"""Every chart of every page: which query feeds it, its figure, its data table and caption.

The page scripts place these charts; the offline report (dashboard.report)
renders the same list, so a chart is defined once and looks the same in the
app and in the report. Each builder returns None when the filters leave
nothing to draw (the page then explains why instead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.components import PageContext, labelled
from etl import schema


@dataclass(frozen=True)
class Chart:
    page: str
    name: str
    figure: go.Figure
    data: pd.DataFrame  # the chart's numbers, labelled for readers
    caption: str


def _chosen_summary(ctx: PageContext) -> pd.DataFrame:
    summary = ctx.fetch("yearly_summary")
    chosen = summary[summary["year"].isin(ctx.filters.years)]
    return chosen.assign(rate=chosen["selected"] / chosen["applicants"].where(chosen["applicants"] > 0))


def _dimension(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    return frame[frame["dimension"] == dimension].rename(columns={"category": dimension})


def _stacked(ctx: PageContext, frame: pd.DataFrame, dimension: str, value: str, vocabulary: schema.Vocabulary,
             where: tuple[str, str], title: str, caption: str, legend: str | None = None,
             headers: dict[str, str] | None = None) -> Chart | None:
    """Bars per year stacked by one category (value axis titled chart.<value>), with its labelled table."""
    if frame.empty:
        return None
    figure = charts.stacked_by_year(frame, dimension, value, vocabulary, ctx.lang, title, ctx.t(f"chart.{value}"),
                                    legend or ctx.column(dimension))
    data = labelled(frame, ctx, {dimension: vocabulary},
                    headers or {"year": "chart.year", dimension: f"column.{dimension}", value: f"chart.{value}"})
    page, name = where
    return Chart(page, name, figure, data, caption)


# -- Overview --------------------------------------------------------------------

def _selection(ctx: PageContext, page: str, name: str, title_key: str, caption_key: str) -> Chart | None:
    rated = _chosen_summary(ctx)
    if rated["applicants"].sum() == 0:
        return None
    figure = charts.grouped_by_year(
        rated, {"applicants": ctx.t("chart.applicants"), "selected": ctx.t("chart.selected")}, ctx.lang,
        ctx.t(title_key), ctx.t("chart.people"), percent_column="rate")
    data = labelled(rated, ctx, {}, {"year": "chart.year", "applicants": "chart.applicants",
                                     "selected": "chart.selected", "rate": "chart.selection_rate"})
    return Chart(page, name, figure, data, ctx.t(caption_key))


def overview_selection(ctx: PageContext) -> Chart | None:
    return _selection(ctx, "overview", "selection", "overview.chart_selection", "overview.caption_selection")


def overview_activities(ctx: PageContext) -> Chart | None:
    return _stacked(ctx, _dimension(ctx.fetch("activities_breakdown"), "type"), "type", "activities",
                    schema.ACTIVITY_TYPE, ("overview", "activities"), ctx.t("overview.chart_activities"),
                    ctx.t("overview.caption_activities"), legend=ctx.t("chart.type"))


def _obstacle_heatmap(ctx: PageContext, page: str, name: str, title_key: str, caption_key: str) -> Chart | None:
    obstacles = ctx.fetch("obstacles_breakdown")
    if obstacles.empty:
        return None
    data = labelled(obstacles, ctx, {"category": schema.OBSTACLE_CATEGORY},
                    {"year": "chart.year", "category": "column.category", "severity": "column.severity",
                     "obstacles": "chart.obstacles"})
    return Chart(page, name, charts.heatmap(obstacles, ctx.lang, ctx.t(title_key)), data, ctx.t(caption_key))


def overview_obstacles(ctx: PageContext) -> Chart | None:
    return _obstacle_heatmap(ctx, "overview", "obstacles", "overview.chart_obstacles", "overview.caption_obstacles")


def _benefit_categories(ctx: PageContext, page: str, name: str, title_key: str, caption_key: str) -> Chart | None:
    pairs = ctx.fetch("benefits_breakdown")
    pairs = pairs[pairs["dimension"] == "category_beneficiary"]
    if pairs.empty:
        return None
    data = labelled(pairs, ctx, {"category": schema.BENEFIT_CATEGORY, "beneficiary": schema.BENEFICIARY},
                    {"year": "chart.year", "category": "column.category", "beneficiary": "column.beneficiary",
                     "indicators": "chart.indicators"})
    figure = charts.category_by_beneficiary(pairs, ctx.lang, ctx.t(title_key))
    return Chart(page, name, figure, data, ctx.t(caption_key))


def overview_benefits(ctx: PageContext) -> Chart | None:
    return _benefit_categories(ctx, "overview", "benefits", "overview.chart_benefits", "overview.caption_benefits")


# -- Participation ---------------------------------------------------------------

def participation_selection(ctx: PageContext) -> Chart | None:
    return _selection(ctx, "participation", "selection-rate", "participation.chart_selection",
                      "participation.caption_selection")


def participation_funnel(ctx: PageContext) -> Chart | None:
    funnel = ctx.fetch("selection_funnel")
    if funnel.empty:
        return None
    funnel = funnel.sort_values(["year", "position"])
    funnel["conversion"] = funnel.groupby("year")["applicants"].transform(
        lambda counts: counts / counts.shift(1)).fillna(1.0)
    data = labelled(funnel, ctx, {"stage": schema.STAGE},
                    {"year": "chart.year", "stage": "chart.stage", "applicants": "chart.applicants",
                     "conversion": "chart.conversion"})
    return Chart("participation", "funnel", charts.funnel(funnel, ctx.lang, ctx.t("participation.chart_funnel")),
                 data, ctx.t("participation.caption_funnel"))


PROFILE_DIMENSIONS: dict[str, schema.Vocabulary] = {
    "field": schema.FIELD, "status": schema.STATUS, "gender": schema.GENDER, "origin": schema.ORIGIN,
    "institution_type": schema.INSTITUTION_TYPE}


def participation_profile(ctx: PageContext, dimension: str, measure: str = "participants") -> Chart | None:
    """Participants (or delegates) per year by one profile dimension."""
    return _stacked(ctx, _dimension(ctx.fetch("participation_breakdown"), dimension), dimension, measure,
                    PROFILE_DIMENSIONS[dimension], ("participation", f"by-{dimension}"),
                    ctx.t(f"participation.chart_by_{dimension}", measure=ctx.t(f"chart.{measure}")),
                    ctx.t("participation.caption_profile"),
                    headers={"year": "chart.year", dimension: f"column.{dimension}",
                             "participants": "chart.participants", "delegates": "chart.delegates"})


def participation_repeat(ctx: PageContext) -> Chart | None:
    repeat = ctx.fetch("repeat_applicants")
    if repeat.empty:
        return None
    repeat = repeat.assign(first_time=repeat["applicants"] - repeat["returning"],
                           share=repeat["returning"] / repeat["applicants"])
    figure = charts.grouped_by_year(
        repeat, {"first_time": ctx.t("chart.first_time"), "returning": ctx.t("chart.returning")}, ctx.lang,
        ctx.t("participation.chart_repeat"), ctx.t("chart.people"))
    data = labelled(repeat, ctx, {}, {"year": "chart.year", "applicants": "chart.applicants",
                                      "first_time": "chart.first_time", "returning": "chart.returning",
                                      "share": "chart.returning_share"})
    return Chart("participation", "repeat-applicants", figure, data, ctx.t("participation.caption_repeat"))


# -- Activities ------------------------------------------------------------------

ACTIVITY_HEADERS = {"year": "chart.year", "activities": "chart.activities",
                    "participants_jakarta": "chart.participants_jakarta",
                    "participants_partner": "chart.participants_partner"}
ACTIVITY_DIMENSIONS: dict[str, schema.Vocabulary] = {
    "type": schema.ACTIVITY_TYPE, "field": schema.FIELD, "host_city": schema.HOST_CITY}


def activities_by(ctx: PageContext, dimension: str) -> Chart | None:
    if dimension == "host_city":
        title, caption = ctx.t("activities.chart_by_host", partner=ctx.partner_name()), "activities.caption_host"
    else:
        title, caption = ctx.t(f"activities.chart_by_{dimension}"), "activities.caption_counts"
    name = "by-host-city" if dimension == "host_city" else f"by-{dimension}"
    return _stacked(ctx, _dimension(ctx.fetch("activities_breakdown"), dimension), dimension, "activities",
                    ACTIVITY_DIMENSIONS[dimension], ("activities", name), title, ctx.t(caption),
                    headers={dimension: f"column.{dimension}", **ACTIVITY_HEADERS})


def activities_sides(ctx: PageContext) -> Chart | None:
    types = _dimension(ctx.fetch("activities_breakdown"), "type")
    if types.empty:
        return None
    totals = types.groupby("type", as_index=False)[["participants_jakarta", "participants_partner"]].sum()
    figure = charts.sides_by_type(totals, ctx.lang, ctx.t("activities.chart_sides"), ctx.t("chart.people"),
                                  {"participants_jakarta": ctx.t("chart.participants_jakarta"),
                                   "participants_partner": ctx.t("chart.participants_partner")})
    data = labelled(totals, ctx, {"type": schema.ACTIVITY_TYPE},
                    {"type": "column.type", "participants_jakarta": "chart.participants_jakarta",
                     "participants_partner": "chart.participants_partner"})
    return Chart("activities", "participants-per-type", figure, data,
                 ctx.t("activities.caption_sides", partner=ctx.partner_name()))


def activities_timeline(ctx: PageContext) -> Chart | None:
    timeline = ctx.fetch("activity_timeline")
    if timeline.empty:
        return None
    data = labelled(timeline, ctx, {"type": schema.ACTIVITY_TYPE, "field": schema.FIELD,
                                    "host_city": schema.HOST_CITY},
                    {"year": "chart.year", "title": "column.title", "type": "column.type", "field": "column.field",
                     "host_city": "column.host_city", "start_date": "column.start_date",
                     "end_date": "column.end_date", "participants_jakarta": "chart.participants_jakarta",
                     "participants_partner": "chart.participants_partner", "organizer": "column.organizer"})
    return Chart("activities", "timeline", charts.timeline(timeline, ctx.lang, ctx.t("activities.chart_timeline")),
                 data, ctx.t("activities.caption_timeline", limit=ctx.number(len(timeline))))


# -- Benefits and obstacles ----------------------------------------------------------

def benefits_category(ctx: PageContext) -> Chart | None:
    return _benefit_categories(ctx, "benefits", "category-beneficiary", "benefits.chart_category",
                               "benefits.caption_category")


def _per_year_by_category(ctx: PageContext, frame: pd.DataFrame, value: str, vocabulary: schema.Vocabulary,
                          name: str, title_key: str, caption_key: str) -> Chart | None:
    """Counts per year stacked by category (benefit or obstacle categories)."""
    per_year = frame.groupby(["year", "category"], as_index=False)[value].sum()
    return _stacked(ctx, per_year, "category", value, vocabulary, ("benefits", name), ctx.t(title_key),
                    ctx.t(caption_key))


def benefits_category_year(ctx: PageContext) -> Chart | None:
    pairs = ctx.fetch("benefits_breakdown")
    return _per_year_by_category(ctx, pairs[pairs["dimension"] == "category_beneficiary"], "indicators",
                                 schema.BENEFIT_CATEGORY, "category-year", "benefits.chart_category_year",
                                 "benefits.caption_category_year")


def benefits_level(ctx: PageContext) -> Chart | None:
    levels = ctx.fetch("benefits_breakdown")
    levels = levels[levels["dimension"] == "level"].rename(columns={"value": "level"})
    return _stacked(ctx, levels, "level", "indicators", schema.LEVEL, ("benefits", "level"),
                    ctx.t("benefits.chart_level"), ctx.t("benefits.caption_level"))


def obstacles_severity(ctx: PageContext) -> Chart | None:
    return _obstacle_heatmap(ctx, "benefits", "obstacle-severity", "benefits.chart_severity",
                             "benefits.caption_severity")


def obstacles_per_year(ctx: PageContext) -> Chart | None:
    return _per_year_by_category(ctx, ctx.fetch("obstacles_breakdown"), "obstacles", schema.OBSTACLE_CATEGORY,
                                 "obstacles-year", "benefits.chart_obstacles_year", "benefits.caption_obstacles_year")


def indicator_table(ctx: PageContext) -> pd.DataFrame:
    return labelled(ctx.fetch("benefit_indicators"), ctx, {
        "category": schema.BENEFIT_CATEGORY, "beneficiary": schema.BENEFICIARY, "level": schema.LEVEL,
        "unit": schema.UNIT, "framework": schema.FRAMEWORK, "source": schema.SOURCE, "field": schema.FIELD},
        {"year": "chart.year", "category": "column.category", "indicator": "column.indicator",
         "value": "column.value", "unit": "column.unit", "beneficiary": "column.beneficiary",
         "level": "column.level", "framework": "column.framework", "source": "column.source"})


def mitigation_table(ctx: PageContext) -> pd.DataFrame:
    return labelled(ctx.fetch("obstacle_list"), ctx, {"category": schema.OBSTACLE_CATEGORY},
                    {"year": "chart.year", "category": "column.category", "severity": "column.severity",
                     "description": "column.description", "mitigation": "column.mitigation"})


# -- Every chart, page by page, for the report ----------------------------------------

def _profiles(ctx: PageContext) -> list[Chart | None]:
    return [participation_profile(ctx, dimension) for dimension in PROFILE_DIMENSIONS]


PAGE_CHARTS: dict[str, Callable[[PageContext], list[Chart | None]]] = {
    "overview": lambda ctx: [overview_selection(ctx), overview_activities(ctx), overview_obstacles(ctx),
                             overview_benefits(ctx)],
    "participation": lambda ctx: [participation_selection(ctx), participation_funnel(ctx), *_profiles(ctx),
                                  participation_repeat(ctx)],
    "activities": lambda ctx: [*(activities_by(ctx, d) for d in ACTIVITY_DIMENSIONS), activities_sides(ctx),
                               activities_timeline(ctx)],
    "benefits": lambda ctx: [benefits_category(ctx), benefits_category_year(ctx), benefits_level(ctx),
                             obstacles_severity(ctx), obstacles_per_year(ctx)],
}


def all_charts(ctx: PageContext) -> dict[str, list[Chart]]:
    """page -> its charts, in page order (empty ones left out)."""
    return {page: [chart for chart in build(ctx) if chart is not None] for page, build in PAGE_CHARTS.items()}
