"""Activities: what took place, when, where, and who took part from each side."""

import streamlit as st

from dashboard import charts
from dashboard.components import begin_page, columns, show_chart
from dashboard.context import context

NONE_FOUND = charts.NONE_ACTIVITIES  # every chart here counts activities

ctx = context()
begin_page(ctx, "activities")

left, right = columns(ctx, 2)
with left:
    show_chart(ctx, charts.activities_by(ctx, "type"), NONE_FOUND)
with right:
    show_chart(ctx, charts.activities_by(ctx, "field"), NONE_FOUND)
left, right = columns(ctx, 2)
with left:
    show_chart(ctx, charts.activities_by(ctx, "host_city"), NONE_FOUND)
with right:
    show_chart(ctx, charts.activities_sides(ctx), NONE_FOUND)

st.header(ctx.t("activities.section_timeline"))
show_chart(ctx, charts.activities_timeline(ctx), NONE_FOUND)
