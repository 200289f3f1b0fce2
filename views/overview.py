"""Overview: headline figures with the change against the year before, and the four themes."""

import streamlit as st

from dashboard import charts, findings
from dashboard.components import context, nothing_selected, page_header, show_chart
from dashboard.headline import headline_metrics
from etl import schema

ctx = context()
page_header(ctx, "overview.title", "overview.intro")
if nothing_selected(ctx):
    st.stop()

summary = ctx.fetch("yearly_summary")
headline_metrics(ctx, summary)

chosen = summary[summary["year"].isin(ctx.filters.years)]
participation = ctx.fetch("participation_breakdown")
activities = ctx.fetch("activities_breakdown")
benefits = ctx.fetch("benefits_breakdown")
obstacles = ctx.fetch("obstacles_breakdown")
years = ctx.filters.years

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("theme.selection"))
    st.markdown(f"**{findings.selection(summary, participation, years, ctx.lang)}**")
    if chosen["applicants"].sum() == 0:
        st.info(ctx.t("empty.no_data"))
    else:
        rated = chosen.assign(rate=chosen["selected"] / chosen["applicants"].where(chosen["applicants"] > 0))
        show_chart(ctx, charts.grouped_by_year(
            rated, {"applicants": ctx.t("chart.applicants"), "selected": ctx.t("chart.selected")}, ctx.lang,
            ctx.t("overview.chart_selection"), ctx.t("chart.people"), percent_column="rate"),
            rated[["year", "applicants", "selected", "rate"]].rename(columns={
                "year": ctx.t("chart.year"), "applicants": ctx.t("chart.applicants"),
                "selected": ctx.t("chart.selected"), "rate": ctx.t("chart.selection_rate")}),
            page="overview", name="selection", caption=ctx.t("overview.caption_selection"))
with right:
    st.subheader(ctx.t("theme.activities"))
    st.markdown(f"**{findings.activities(summary, activities, years, ctx.filters.partner, ctx.lang)}**")
    types = activities[activities["dimension"] == "type"].rename(columns={"category": "type"})
    if types.empty:
        st.info(ctx.t("empty.no_data"))
    else:
        show_chart(ctx, charts.stacked_by_year(types, "type", "activities", schema.ACTIVITY_TYPE, ctx.lang,
                                               ctx.t("overview.chart_activities"), ctx.t("chart.activities"),
                                               ctx.t("chart.type")),
                   types[["year", "type", "activities"]], page="overview", name="activities",
                   caption=ctx.t("overview.caption_activities"))

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("theme.obstacles"))
    st.markdown(f"**{findings.obstacles(obstacles, ctx.lang)}**")
    if obstacles.empty:
        st.info(ctx.t("empty.no_obstacles"))
    else:
        show_chart(ctx, charts.heatmap(obstacles, ctx.lang, ctx.t("overview.chart_obstacles")), obstacles,
                   page="overview", name="obstacles", caption=ctx.t("overview.caption_obstacles"))
with right:
    st.subheader(ctx.t("theme.benefits"))
    st.markdown(f"**{findings.benefits(benefits, ctx.lang)}**")
    pairs = benefits[benefits["dimension"] == "category_beneficiary"]
    if pairs.empty:
        st.info(ctx.t("empty.no_data"))
    else:
        show_chart(ctx, charts.category_by_beneficiary(pairs, ctx.lang, ctx.t("overview.chart_benefits")),
                   pairs[["year", "category", "beneficiary", "indicators"]], page="overview", name="benefits",
                   caption=ctx.t("overview.caption_benefits"))
