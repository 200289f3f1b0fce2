"""Overview: headline figures with the change against the year before, and the four themes."""

import streamlit as st

from dashboard import figures, findings
from dashboard.components import begin_page, context, show_chart
from dashboard.headline import headline_metrics

ctx = context()
begin_page(ctx, "overview")

summary = ctx.fetch("yearly_summary")
headline_metrics(ctx, summary)
years = ctx.filters.years

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("theme.selection"))
    st.markdown(f"**{findings.selection(summary, ctx.fetch('participation_breakdown'), years, ctx.lang)}**")
    show_chart(ctx, figures.overview_selection(ctx))
with right:
    st.subheader(ctx.t("theme.activities"))
    finding = findings.activities(summary, ctx.fetch("activities_breakdown"), years, ctx.filters.partner, ctx.lang)
    st.markdown(f"**{finding}**")
    show_chart(ctx, figures.overview_activities(ctx))

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("theme.obstacles"))
    st.markdown(f"**{findings.obstacles(ctx.fetch('obstacles_breakdown'), ctx.lang)}**")
    show_chart(ctx, figures.overview_obstacles(ctx), "empty.no_obstacles")
with right:
    st.subheader(ctx.t("theme.benefits"))
    st.markdown(f"**{findings.benefits(ctx.fetch('benefits_breakdown'), ctx.lang)}**")
    show_chart(ctx, figures.overview_benefits(ctx))
