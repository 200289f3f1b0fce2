"""Activities: what took place, when, where, and who took part from each side."""

import streamlit as st

from dashboard import charts
from dashboard.components import begin_page, columns, show_chart
from dashboard.context import context

ctx = context()
begin_page(ctx, "activities")

st.header(ctx.t("activities.section_counts"))
left, right = columns(ctx, 2)
with left:
    show_chart(ctx, charts.activities_by(ctx, "type"), charts.NONE_ACTIVITIES)
with right:
    show_chart(ctx, charts.activities_by(ctx, "field"), charts.NONE_ACTIVITIES)
left, right = columns(ctx, 2)
with left:
    show_chart(ctx, charts.activities_by(ctx, "host_city"), charts.NONE_ACTIVITIES)
with right:
    show_chart(ctx, charts.activities_sides(ctx), charts.NONE_ACTIVITIES)

st.header(ctx.t("activities.section_timeline"))
show_chart(ctx, charts.activities_timeline(ctx), charts.NONE_ACTIVITIES)
