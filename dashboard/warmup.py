"""Warm the server before its first visitor: imports, the default view's answers and Overview charts.

app.py starts this in a background thread when the server starts, so it overlaps with the browser
loading Streamlit's own files: the first visitor's first run then finds pandas, Plotly and the
dashboard imported and the default view's queries in the cache (per data version, as always).
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# The queries the pages run for the default view (every loaded year, every field, both directions).
DEFAULT_QUERIES = ("yearly_summary", "participation_breakdown", "selection_funnel", "repeat_applicants",
                   "activities_breakdown", "activity_timeline", "benefits_breakdown", "benefit_indicators",
                   "benefit_values", "obstacles_breakdown", "obstacle_list", "sample_years", "provisional_years",
                   "export_counts", "load_history")


def warm() -> None:
    try:
        from dashboard import db, figures, queries
        from dashboard.components import PageContext
        from dashboard.filters import Available, default_filters

        reader = db.reader()
        filters = default_filters(Available.of(queries.fetch(reader, "available")))
        scope = queries.Scope(filters.years)
        for name in DEFAULT_QUERIES:
            queries.fetch(reader, name, scope)
        # The Overview's charts of the default view in the default language (a link without lang=):
        # built once, shared by every session (figures.shared), Plotly's validators imported on the
        # way. Only that language: a cold start's first visitor competes with this thread for the
        # interpreter, and three languages delayed it by 0.4 s (5.36 s against 4.95 s, 7 rounds).
        figures.PAGE_CHARTS["overview"](PageContext(reader, filters))
    except Exception:  # warming is an optimisation: a failure only means a slower first visitor
        logger.warning("warming the server failed", exc_info=True)
