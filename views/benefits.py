"""Benefits and obstacles: what the exchange achieved, for whom, and what got in the way."""

import streamlit as st

from dashboard import charts
from dashboard.components import begin_page, columns, empty_state, show_chart, show_table
from dashboard.context import context
from dashboard.literal import markdown_text

ctx = context()
begin_page(ctx, "benefits")

# Two sections of benefits, each headed as a section (h2), so that the charts under them stay h3 as on every page
# and a screen reader's list of headings names both groups (their names were bold text until 5 Dec).
if ctx.fetch("benefits_breakdown").empty:
    st.header(ctx.t("benefits.section_benefits"))
    empty_state(ctx, charts.NONE_BENEFITS)
else:
    outcomes = [chart for chart in charts.outcome_charts(ctx) if chart is not None]
    notes = charts.page_notes(ctx, "benefits")
    if outcomes or notes:
        st.header(ctx.t("benefits.section_values"))
    for chart in outcomes:
        show_chart(ctx, chart)
    for note in notes:
        st.caption(markdown_text(note))
    st.header(ctx.t("benefits.section_counts"))
    left, right = columns(ctx, 2)
    with left:
        show_chart(ctx, charts.benefits_category(ctx), charts.NONE_BENEFITS)
    with right:
        show_chart(ctx, charts.benefits_category_year(ctx), charts.NONE_BENEFITS)
    show_chart(ctx, charts.benefits_level(ctx), charts.NONE_BENEFITS)
    st.subheader(ctx.t("benefits.indicator_table"), anchor=False)  # headed as the charts are (h3)
    show_table(ctx, *charts.indicator_table(ctx), projected=charts.indicator_table_projected(ctx))
    if note := charts.indicator_table_note(ctx):
        st.caption(note)

st.header(ctx.t("benefits.section_obstacles"))
if ctx.fetch("obstacles_breakdown").empty:
    empty_state(ctx, charts.NONE_OBSTACLES)
else:
    left, right = columns(ctx, 2)
    with left:
        show_chart(ctx, charts.obstacles_severity(ctx), charts.NONE_OBSTACLES)
    with right:
        show_chart(ctx, charts.obstacles_per_year(ctx), charts.NONE_OBSTACLES)
    st.subheader(ctx.t("benefits.mitigation_table"), anchor=False)
    show_table(ctx, *charts.mitigation_table(ctx))
    if note := charts.mitigation_table_note(ctx):
        st.caption(note)
