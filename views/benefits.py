"""Benefits and obstacles: what the exchange achieved, for whom, and what got in the way."""

import streamlit as st

from dashboard import charts
from dashboard.components import context, labelled, nothing_selected, page_header, show_chart
from etl import schema

ctx = context()
page_header(ctx, "benefits.title", "benefits.intro")
if nothing_selected(ctx):
    st.stop()

st.subheader(ctx.t("benefits.section_benefits"))
benefits = ctx.fetch("benefits_breakdown")
if benefits.empty:
    st.info(ctx.t("empty.no_benefits"))
else:
    pairs = benefits[benefits["dimension"] == "category_beneficiary"]
    left, right = st.columns(2)
    with left:
        show_chart(ctx, charts.category_by_beneficiary(pairs, ctx.lang, ctx.t("benefits.chart_category")),
                   labelled(pairs, ctx, {"category": schema.BENEFIT_CATEGORY, "beneficiary": schema.BENEFICIARY},
                            {"year": "chart.year", "category": "column.category",
                             "beneficiary": "column.beneficiary", "indicators": "chart.indicators"}),
                   page="benefits", name="category-beneficiary", caption=ctx.t("benefits.caption_category"))
    with right:
        per_year = pairs.groupby(["year", "category"], as_index=False)["indicators"].sum()
        show_chart(ctx, charts.stacked_by_year(per_year, "category", "indicators", schema.BENEFIT_CATEGORY,
                                               ctx.lang, ctx.t("benefits.chart_category_year"),
                                               ctx.t("chart.indicators"), ctx.column("category")),
                   labelled(per_year, ctx, {"category": schema.BENEFIT_CATEGORY},
                            {"year": "chart.year", "category": "column.category", "indicators": "chart.indicators"}),
                   page="benefits", name="category-year", caption=ctx.t("benefits.caption_category_year"))
    levels = benefits[benefits["dimension"] == "level"].rename(columns={"value": "level"})
    show_chart(ctx, charts.stacked_by_year(levels, "level", "indicators", schema.LEVEL, ctx.lang,
                                           ctx.t("benefits.chart_level"), ctx.t("chart.indicators"),
                                           ctx.column("level")),
               labelled(levels, ctx, {"level": schema.LEVEL},
                        {"year": "chart.year", "level": "column.level", "indicators": "chart.indicators"}),
               page="benefits", name="level", caption=ctx.t("benefits.caption_level"))
    st.markdown(f"**{ctx.t('benefits.indicator_table')}**")
    indicators = ctx.fetch("benefit_indicators")
    st.dataframe(labelled(indicators, ctx, {
        "category": schema.BENEFIT_CATEGORY, "beneficiary": schema.BENEFICIARY, "level": schema.LEVEL,
        "unit": schema.UNIT, "framework": schema.FRAMEWORK, "source": schema.SOURCE, "field": schema.FIELD},
        {"year": "chart.year", "category": "column.category", "indicator": "column.indicator",
         "value": "column.value", "unit": "column.unit", "beneficiary": "column.beneficiary",
         "level": "column.level", "framework": "column.framework", "source": "column.source"}),
        hide_index=True)

st.subheader(ctx.t("benefits.section_obstacles"))
obstacles = ctx.fetch("obstacles_breakdown")
if obstacles.empty:
    st.info(ctx.t("empty.no_obstacles"))
else:
    left, right = st.columns(2)
    with left:
        show_chart(ctx, charts.heatmap(obstacles, ctx.lang, ctx.t("benefits.chart_severity")),
                   labelled(obstacles, ctx, {"category": schema.OBSTACLE_CATEGORY},
                            {"year": "chart.year", "category": "column.category", "severity": "column.severity",
                             "obstacles": "chart.obstacles"}),
                   page="benefits", name="obstacle-severity", caption=ctx.t("benefits.caption_severity"))
    with right:
        per_year = obstacles.groupby(["year", "category"], as_index=False)["obstacles"].sum()
        show_chart(ctx, charts.stacked_by_year(per_year, "category", "obstacles", schema.OBSTACLE_CATEGORY,
                                               ctx.lang, ctx.t("benefits.chart_obstacles_year"),
                                               ctx.t("chart.obstacles"), ctx.column("category")),
                   labelled(per_year, ctx, {"category": schema.OBSTACLE_CATEGORY},
                            {"year": "chart.year", "category": "column.category", "obstacles": "chart.obstacles"}),
                   page="benefits", name="obstacles-year", caption=ctx.t("benefits.caption_obstacles_year"))
    st.markdown(f"**{ctx.t('benefits.mitigation_table')}**")
    st.dataframe(labelled(ctx.fetch("obstacle_list"), ctx, {"category": schema.OBSTACLE_CATEGORY},
                          {"year": "chart.year", "category": "column.category", "severity": "column.severity",
                           "description": "column.description", "mitigation": "column.mitigation"}),
                 hide_index=True)
