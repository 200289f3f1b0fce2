"""Warm the server before its first visitor: imports, Plotly's validators, the default view's answers.

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
        from dashboard import charts, db, figures, queries  # noqa: F401 - the imports are the point

        reader = db.reader()
        options = queries.fetch(reader, "available")
        years = tuple(int(v) for v in options.loc[options["kind"] == "year", "value"])
        scope = queries.Scope(years)
        for name in DEFAULT_QUERIES:
            queries.fetch(reader, name, scope)
        summary = queries.fetch(reader, "activities_breakdown", scope)
        # One figure through every builder's common path: Plotly imports its validators lazily.
        types = summary[summary["dimension"] == "type"].rename(columns={"category": "type"})
        charts.stacked_by_year(types, "type", "activities", charts.schema.ACTIVITY_TYPE, "id", "", "", "")
    except Exception:  # warming is an optimisation: a failure only means a slower first visitor
        logger.warning("warming the server failed", exc_info=True)
