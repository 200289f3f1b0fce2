"""Benefits and obstacles: what the exchange achieved, for whom, and what got in the way."""

import streamlit as st

from dashboard import charts
from dashboard.components import begin_page, columns, show_chart, show_table
from dashboard.context import context
from dashboard.literal import markdown_text

ctx = context()
begin_page(ctx, "benefits")

st.header(ctx.t("benefits.section_benefits"))
if ctx.fetch("benefits_breakdown").empty:
    st.info(ctx.t("empty.no_benefits"))
else:
    st.markdown(f"**{ctx.t('benefits.section_values')}**")
    for chart in charts.outcome_charts(ctx):
        if chart is not None:
            show_chart(ctx, chart)
    for note in charts.page_notes(ctx, "benefits"):
        st.caption(markdown_text(note))
    st.markdown(f"**{ctx.t('benefits.section_counts')}**")
    left, right = columns(ctx, 2)
    with left:
        show_chart(ctx, charts.benefits_category(ctx), "empty.no_benefits")
    with right:
        show_chart(ctx, charts.benefits_category_year(ctx), "empty.no_benefits")
    show_chart(ctx, charts.benefits_level(ctx), "empty.no_benefits")
    st.markdown(f"**{ctx.t('benefits.indicator_table')}**")
    show_table(ctx, *charts.indicator_table(ctx))
    if note := charts.indicator_table_note(ctx):
        st.caption(note)

st.header(ctx.t("benefits.section_obstacles"))
if ctx.fetch("obstacles_breakdown").empty:
    st.info(ctx.t("empty.no_obstacles"))
else:
    left, right = columns(ctx, 2)
    with left:
        show_chart(ctx, charts.obstacles_severity(ctx), "empty.no_obstacles")
    with right:
        show_chart(ctx, charts.obstacles_per_year(ctx), "empty.no_obstacles")
    st.markdown(f"**{ctx.t('benefits.mitigation_table')}**")
    show_table(ctx, *charts.mitigation_table(ctx))
    if note := charts.mitigation_table_note(ctx):
        st.caption(note)
