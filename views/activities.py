"""Activities: what took place, when, where, and who took part from each side."""

import streamlit as st

from dashboard import charts
from dashboard.components import context, labelled, nothing_selected, page_header, show_chart
from etl import schema

ctx = context()
page_header(ctx, "activities.title", "activities.intro")
if nothing_selected(ctx):
    st.stop()

breakdown = ctx.fetch("activities_breakdown")
if breakdown.empty:
    st.info(ctx.t("empty.no_data"))
    st.stop()


def part(dimension: str):
    return breakdown[breakdown["dimension"] == dimension].rename(columns={"category": dimension})


HEADERS = {"year": "chart.year", "activities": "chart.activities",
           "participants_jakarta": "chart.participants_jakarta", "participants_partner": "chart.participants_partner"}
left, right = st.columns(2)
for column, dimension, vocabulary in ((left, "type", schema.ACTIVITY_TYPE), (right, "field", schema.FIELD)):
    with column:
        rows = part(dimension)
        show_chart(ctx, charts.stacked_by_year(rows, dimension, "activities", vocabulary, ctx.lang,
                                               ctx.t(f"activities.chart_by_{dimension}"), ctx.t("chart.activities"),
                                               ctx.column(dimension)),
                   labelled(rows, ctx, {dimension: vocabulary}, {dimension: f"column.{dimension}", **HEADERS}),
                   page="activities", name=f"by-{dimension}", caption=ctx.t("activities.caption_counts"))

left, right = st.columns(2)
with left:
    hosts = part("host_city")
    show_chart(ctx, charts.stacked_by_year(hosts, "host_city", "activities", schema.HOST_CITY, ctx.lang,
                                           ctx.t("activities.chart_by_host", partner=ctx.partner_name()),
                                           ctx.t("chart.activities"), ctx.column("host_city")),
               labelled(hosts, ctx, {"host_city": schema.HOST_CITY}, {"host_city": "column.host_city", **HEADERS}),
               page="activities", name="by-host-city", caption=ctx.t("activities.caption_host"))
with right:
    types = part("type").groupby("type", as_index=False)[["participants_jakarta", "participants_partner"]].sum()
    figure = charts.sides_by_type(types, ctx.lang, ctx.t("activities.chart_sides"), ctx.t("chart.people"),
                                  {"participants_jakarta": ctx.t("chart.participants_jakarta"),
                                   "participants_partner": ctx.t("chart.participants_partner")})
    show_chart(ctx, figure, labelled(types, ctx, {"type": schema.ACTIVITY_TYPE},
                                     {"type": "column.type", "participants_jakarta": "chart.participants_jakarta",
                                      "participants_partner": "chart.participants_partner"}),
               page="activities", name="participants-per-type",
               caption=ctx.t("activities.caption_sides", partner=ctx.partner_name()))

st.subheader(ctx.t("activities.section_timeline"))
timeline = ctx.fetch("activity_timeline")
show_chart(ctx, charts.timeline(timeline, ctx.lang, ctx.t("activities.chart_timeline")),
           labelled(timeline, ctx, {"type": schema.ACTIVITY_TYPE, "field": schema.FIELD, "host_city": schema.HOST_CITY},
                    {"year": "chart.year", "title": "column.title", "type": "column.type", "field": "column.field",
                     "host_city": "column.host_city", "start_date": "column.start_date",
                     "end_date": "column.end_date", "participants_jakarta": "chart.participants_jakarta",
                     "participants_partner": "chart.participants_partner", "organizer": "column.organizer"}),
           page="activities", name="timeline",
           caption=ctx.t("activities.caption_timeline", limit=ctx.number(len(timeline))))
