"""Glossary: every figure the dashboard shows and every category, with its definition."""

import streamlit as st

from dashboard import glossary
from dashboard.components import fold, page_header
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
    st.subheader(glossary.theme_name(theme, ctx.lang), anchor=False)  # heads its list, as a category's name does
    st.markdown(glossary.metric_list(members, ctx.lang, ctx.partner_name()))

st.header(ctx.t("glossary.section_categories"))
for vocabulary in schema.VOCABULARIES:
    with fold(ctx, glossary.vocabulary_title(vocabulary, ctx.lang)):
        st.markdown(glossary.category_list(vocabulary, ctx.lang))
