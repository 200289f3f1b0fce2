"""Figures are made without Plotly's validators (dashboard.figures.made), and nothing sent changes for it.

Each view's charts are built twice on the sample warehouse, with the figures checked as they are made and
unchecked, and every figure each medium draws must be the same JSON: the page's, the wide screen's, the
projector's, and the printed report's (its HTML, and each figure in it). Made checked, a figure with a
property Plotly does not know, or a value it refuses, raises here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import charts, context, db, figures, report
from dashboard.context import PageContext
from dashboard.filters import Available, Filters
from etl import schema
from etl.warehouse import Warehouse

PARTNER = schema.DEFAULT_PARTNER_CITY
SAMPLE_YEARS = (2017, 2018, 2019)
ALL_FIELDS = schema.FIELD.codes
VIEWS = {
    "every-year-id": Filters(SAMPLE_YEARS, PARTNER, ALL_FIELDS, "both", "id"),
    "2018-arts-outbound-zh": Filters((2018,), PARTNER, ("arts_culture",), "outbound", "zh"),
    "2017-2019-two-fields-en": Filters((2017, 2019), PARTNER, ("youth_sports", "tourism"), "both", "en"),
    "2017-inbound-en": Filters((2017,), PARTNER, ALL_FIELDS, "inbound", "en"),
}
GENERATED = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
REPORT_FIGURE = re.compile(r"(?<=<script type='application/json'>).*?(?=</script>)")  # a figure's JSON


def sent(ctx: PageContext) -> dict[str, object]:
    """Every figure of every chart as a medium is sent it (its JSON read back: Plotly's validators order a
    figure's keys, which JSON leaves unordered), by page, chart and medium; and the report's HTML."""
    drawn: dict[str, object] = {}
    for page, page_charts in charts.all_charts(ctx).items():
        for chart in page_charts:
            shown = {"page": chart.figure, "projector": chart.projector_figure}
            if chart.wide_on_screen:
                shown["wide screen"] = chart.wide_screen_figure
            drawn |= {f"{page}/{chart.name} {medium}": json.loads(pio.to_json(figure, validate=False))
                      for medium, figure in shown.items()}
    printed = report.build_report(ctx, Available(years=SAMPLE_YEARS, partners=(PARTNER,)), GENERATED)
    drawn |= {f"report figure {number}": json.loads(spec) for number, spec in enumerate(REPORT_FIGURE.findall(printed))}
    drawn["report"] = REPORT_FIGURE.sub("", printed)
    return drawn


@pytest.fixture
def built_afresh(warehouse: Warehouse) -> Iterator[None]:
    """Charts built anew for each way of making figures (a shared chart would be the other way's)."""
    context._shared_answer.clear()
    yield
    context._shared_answer.clear()


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_figures_made_unchecked_are_sent_as_checked_ones(built_afresh: None, monkeypatch: pytest.MonkeyPatch,
                                                          view: str) -> None:
    ctx = PageContext(db.reader(), VIEWS[view])
    monkeypatch.setattr(figures, "CHECKED_WHEN_MADE", True)
    checked = sent(ctx)
    context._shared_answer.clear()
    monkeypatch.setattr(figures, "CHECKED_WHEN_MADE", False)
    unchecked = sent(ctx)
    assert unchecked.keys() == checked.keys()
    assert len(checked) > 40, "every chart page's charts, each in two media at least"
    assert [key for key in checked if unchecked[key] != checked[key]] == []


def test_a_figure_made_unchecked_is_checked_when_changed() -> None:
    figure = figures.made({"data": [{"type": "bar", "x": ["2018"], "y": [3], "name": "a"}],
                           "layout": {"title": {"text": "Applicants"}, "xaxis2": {"title": {"text": "Year"}}}})
    figure.layout.title = None  # taken out, as Chart does with the title it shows as the page's heading
    figure.layout.xaxis2.title.text = None
    assert figure.to_plotly_json()["layout"] == {"xaxis2": {"title": {}}}
    with pytest.raises(ValueError, match="colour"):
        figure.layout.colour = "red"
    with pytest.raises(ValueError):
        figure.data[0].marker.color = "not a colour"
    copy = figures.made(figure)
    assert copy.to_plotly_json() == go.Figure(figure).to_plotly_json()  # as a checked copy
    with pytest.raises(ValueError):
        copy.update_layout(legend_y="above")
