"""Glossary: every figure the dashboard shows and every category, with its definition."""

import streamlit as st

from dashboard import glossary
from dashboard.components import page_header
from dashboard.context import context
from etl import schema
from translations import label_value

ctx = context()
page_header(ctx, "glossary.title", "glossary.intro")

st.header(ctx.t("glossary.section_periods"))
for where, which in glossary.periods(ctx.lang):
    st.markdown("- " + label_value(f"**{where}**", which, ctx.lang))

st.header(ctx.t("glossary.section_metrics"))
for theme, members in glossary.metrics_by_theme().items():
    st.markdown(f"**{glossary.theme_name(theme, ctx.lang)}**")
    st.markdown(glossary.metric_list(members, ctx.lang, ctx.partner_name()))

st.header(ctx.t("glossary.section_categories"))
for vocabulary in schema.VOCABULARIES:
    title = glossary.vocabulary_title(vocabulary, ctx.lang)
    if ctx.unfolded:  # a projector or another site's frame hides expanders: each list stands open
        st.subheader(title)
        st.markdown(glossary.category_list(vocabulary, ctx.lang))
    else:
        with st.expander(title):
            st.markdown(glossary.category_list(vocabulary, ctx.lang))
