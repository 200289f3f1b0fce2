"""Overview: headline figures with the change against the year before, and the four themes."""

import streamlit as st

from dashboard import charts
from dashboard.components import begin_page, columns, show_chart
from dashboard.context import context
from dashboard.findings import overview_findings
from dashboard.headline import headline_metrics

ctx = context()
begin_page(ctx, "overview")

headline_metrics(ctx, ctx.fetch("yearly_summary"))
found = overview_findings(ctx)

left, right = columns(ctx, 2)
with left:
    st.header(ctx.t("theme.selection"))
    st.markdown(f"**{found['selection'].text}**")
    show_chart(ctx, charts.overview_selection(ctx))
with right:
    st.header(ctx.t("theme.activities"))
    st.markdown(f"**{found['activities'].text}**")
    show_chart(ctx, charts.overview_activities(ctx), charts.NONE_ACTIVITIES)

left, right = columns(ctx, 2)
with left:
    st.header(ctx.t("theme.obstacles"))
    st.markdown(f"**{found['obstacles'].text}**")
    show_chart(ctx, charts.overview_obstacles(ctx), charts.NONE_OBSTACLES)
with right:
    st.header(ctx.t("theme.benefits"))
    st.markdown(f"**{found['benefits'].text}**")
    show_chart(ctx, charts.overview_benefits(ctx), charts.NONE_BENEFITS)
