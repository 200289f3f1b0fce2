"""Participation: who applied and who was chosen, by year, field, gender, origin and institution."""

import streamlit as st

from dashboard import charts
from dashboard.components import begin_page, show_chart
from dashboard.context import context
from dashboard.filters import labelled

ctx = context()
begin_page(ctx, "participation")

st.header(ctx.t("participation.section_selection"))
show_chart(ctx, charts.participation_selection(ctx))
show_chart(ctx, charts.participation_funnel(ctx))

st.header(ctx.t("participation.section_profile"))
measure = st.segmented_control(ctx.t("participation.measure"), list(charts.PROFILE_MEASURES), default="participants",
                               format_func=lambda m: ctx.metric_name(charts.profile_metric(m, ctx.filters.direction)),
                               key=labelled("participation-measure"), required=True) or "participants"
# Only the open tab's chart is built and drawn (a tab switch reruns): hidden tabs used to hold four
# more Plotly charts that the browser drew for nobody, on every visit. The key carries the language,
# as the tabs' state is the label shown.
tabs = st.tabs([ctx.column(dimension) for dimension in charts.PROFILE_DIMENSIONS],
               key=f"participation-profile-{ctx.lang}", on_change="rerun")
for tab, dimension in zip(tabs, charts.PROFILE_DIMENSIONS, strict=True):
    if tab.open:
        with tab:
            show_chart(ctx, charts.participation_profile(ctx, dimension, measure))

st.header(ctx.t("participation.section_repeat"))
show_chart(ctx, charts.participation_repeat(ctx), charts.NONE_RETURNING)
