"""Participation: who applied and who was chosen, by year, field, gender, origin and institution."""

import streamlit as st

from dashboard import charts
from dashboard.components import context, labelled, nothing_selected, page_header, show_chart
from etl import schema

ctx = context()
page_header(ctx, "participation.title", "participation.intro")
if nothing_selected(ctx):
    st.stop()

summary = ctx.fetch("yearly_summary")
chosen = summary[summary["year"].isin(ctx.filters.years)]
breakdown = ctx.fetch("participation_breakdown")
if breakdown.empty:
    st.info(ctx.t("empty.no_data"))
    st.stop()

st.subheader(ctx.t("participation.section_selection"))
rated = chosen.assign(rate=chosen["selected"] / chosen["applicants"].where(chosen["applicants"] > 0))
show_chart(ctx, charts.grouped_by_year(
    rated, {"applicants": ctx.t("chart.applicants"), "selected": ctx.t("chart.selected")}, ctx.lang,
    ctx.t("participation.chart_selection"), ctx.t("chart.people"), percent_column="rate"),
    labelled(rated, ctx, {}, {"year": "chart.year", "applicants": "chart.applicants", "selected": "chart.selected",
                              "rate": "chart.selection_rate"}),
    page="participation", name="selection-rate", caption=ctx.t("participation.caption_selection"))

funnel = ctx.fetch("selection_funnel")
if not funnel.empty:
    funnel = funnel.sort_values(["year", "position"])
    funnel["conversion"] = funnel.groupby("year")["applicants"].transform(
        lambda counts: counts / counts.shift(1)).fillna(1.0)
    show_chart(ctx, charts.funnel(funnel, ctx.lang, ctx.t("participation.chart_funnel")),
               labelled(funnel, ctx, {"stage": schema.STAGE},
                        {"year": "chart.year", "stage": "chart.stage", "applicants": "chart.applicants",
                         "conversion": "chart.conversion"}),
               page="participation", name="funnel", caption=ctx.t("participation.caption_funnel"))

st.subheader(ctx.t("participation.section_profile"))
measure = st.segmented_control(ctx.t("participation.measure"), ["participants", "delegates"], default="participants",
                               format_func=lambda m: ctx.t(f"chart.{m}"), key="participation-measure",
                               required=True) or "participants"
DIMENSIONS = {"field": schema.FIELD, "status": schema.STATUS, "gender": schema.GENDER,
              "origin": schema.ORIGIN, "institution_type": schema.INSTITUTION_TYPE}
tabs = st.tabs([ctx.column(dimension) for dimension in DIMENSIONS])
for tab, (dimension, vocabulary) in zip(tabs, DIMENSIONS.items(), strict=True):
    with tab:
        part = breakdown[breakdown["dimension"] == dimension].rename(columns={"category": dimension})
        title = ctx.t(f"participation.chart_by_{dimension}", measure=ctx.t(f"chart.{measure}"))
        show_chart(ctx, charts.stacked_by_year(part, dimension, measure, vocabulary, ctx.lang, title,
                                               ctx.t(f"chart.{measure}"), ctx.column(dimension)),
                   labelled(part, ctx, {dimension: vocabulary},
                            {"year": "chart.year", dimension: f"column.{dimension}",
                             "participants": "chart.participants", "delegates": "chart.delegates"}),
                   page="participation", name=f"by-{dimension}", caption=ctx.t("participation.caption_profile"))

st.subheader(ctx.t("participation.section_repeat"))
repeat = ctx.fetch("repeat_applicants")
if repeat.empty:
    st.info(ctx.t("empty.no_data"))
else:
    repeat = repeat.assign(first_time=repeat["applicants"] - repeat["returning"],
                           share=repeat["returning"] / repeat["applicants"])
    show_chart(ctx, charts.grouped_by_year(
        repeat, {"first_time": ctx.t("chart.first_time"), "returning": ctx.t("chart.returning")}, ctx.lang,
        ctx.t("participation.chart_repeat"), ctx.t("chart.people")),
        labelled(repeat, ctx, {}, {"year": "chart.year", "applicants": "chart.applicants",
                                   "first_time": "chart.first_time", "returning": "chart.returning",
                                   "share": "chart.returning_share"}),
        page="participation", name="repeat-applicants", caption=ctx.t("participation.caption_repeat"))
