"""Margins reserved for a chart's labels before the browser draws it (dashboard.margins).

What the browser then draws is checked in tests/e2e/test_chart_margins.py; here, the estimate's rules.
"""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard import charts, db, figures, margins
from dashboard.context import PageContext
from dashboard.filters import Filters
from dashboard.report import DRAW_WIDTH_PX
from etl import schema
from etl.warehouse import Warehouse


def _bars(labels: list[str], values: list[int], **layout: object) -> dict:
    figure = go.Figure(go.Bar(y=labels, x=values, orientation="h"))
    figure.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8}, font={"size": 14}, **layout)
    figure.update_yaxes(tickfont={"size": 12})
    return figure.to_dict()


def test_text_width_counts_each_letter_and_takes_cjk_as_one_em() -> None:
    assert margins.text_width("iii", 10) < margins.text_width("mmm", 10)
    assert margins.text_width("国际交流", 12) == pytest.approx(48)
    assert margins.text_width("ab", 20) == pytest.approx(2 * margins.text_width("ab", 10))


def test_text_width_measures_what_plotly_shows_not_the_escapes() -> None:
    shown = margins.text_width("Rock & roll", 12)
    assert margins.text_width(figures.plain("Rock & roll"), 12) == pytest.approx(shown)
    assert margins.text_width("short<br>a much longer second line", 12) == pytest.approx(
        margins.text_width("a much longer second line", 12))


def test_the_left_margin_fits_the_longest_category_label() -> None:
    figure = _bars(["Visa", "Bureaucracy and coordination"], [2, 5])
    reserved = margins.reserve(figure, margins.FULL_WIDTH)
    assert reserved["l"] >= margins.text_width("Bureaucracy and coordination", 12)
    assert reserved["l"] < margins.text_width("Bureaucracy and coordination", 12) + 30


def test_without_y_labels_the_left_margin_holds_the_x_axis_first_tick_label() -> None:
    """Bars titled above them write no y labels: the value axis's first tick label, centred on the plot's left
    edge, then sets the left margin ("0.0" of a score axis was pushed 5 px further by Plotly, drawing the
    chart twice), as written by the axis: its own tick texts, or zero in its format."""
    def left(**xaxis: object) -> int:
        figure = _bars(["a", "b"], [2, 5])
        figure["layout"]["yaxis"] = {"showticklabels": False}
        figure["layout"]["xaxis"] = {"tickfont": {"size": 12}, **xaxis}
        return margins.reserve(figure, 400)["l"]

    half = margins.OVERHANG_GAP + margins.SLACK * 14
    assert left(tickformat=",d") == pytest.approx(margins.text_width("0", 12) / 2 + half, abs=1)
    assert left(range=[0, 5], tickformat=",.1f") == pytest.approx(margins.text_width("0.0", 12) / 2 + half, abs=1)
    assert left(tickvals=[0, 1e8], ticktext=["IDR0", "IDR100m"]) == pytest.approx(
        margins.text_width("IDR0", 12) / 2 + half, abs=1)
    assert left(range=[2, 5]) == 8, "a range not starting at zero: no label on the edge"
    with_labels = _bars(["Bureaucracy and coordination"], [5])
    assert margins.reserve(with_labels, 400)["l"] > 100, "the y labels' width, not the tick's half"


def test_longer_labels_get_more_room_and_none_less_than_asked() -> None:
    short = margins.reserve(_bars(["Visa"], [2]), margins.FULL_WIDTH)
    long = margins.reserve(_bars(["Language barrier in meetings"], [2]), margins.FULL_WIDTH)
    assert long["l"] > short["l"]
    asked = _bars(["Visa"], [2])
    asked["layout"]["margin"] = {"l": 300, "r": 40, "t": 90, "b": 70}
    assert margins.reserve(asked, margins.FULL_WIDTH) == {"l": 300, "r": 40, "t": 90, "b": 70}


def test_reserving_twice_changes_nothing() -> None:
    figure = _bars(["Visa", "Budget"], [2, 5000])
    once = margins.reserve(figure, margins.HALF_WIDTH)
    figure["layout"]["margin"] = once
    assert margins.reserve(figure, margins.HALF_WIDTH) == once


def test_number_axes_are_measured_by_their_largest_grouped_value() -> None:
    def left(values: list[int]) -> int:
        figure = go.Figure(go.Bar(x=["2018", "2019"], y=values))
        figure.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8})
        figure.update_yaxes(tickformat=",d", tickfont={"size": 12})
        return margins.reserve(figure.to_dict(), margins.FULL_WIDTH)["l"]

    assert left([5, 9]) < left([500, 900]) < left([5_000_000, 9_000_000])


def test_stacked_bars_are_measured_by_their_sums() -> None:
    def left(barmode: str) -> int:
        figure = go.Figure([go.Bar(x=["2019"], y=[600]), go.Bar(x=["2019"], y=[600])])
        figure.update_layout(barmode=barmode, margin={"l": 8, "r": 8, "t": 8, "b": 8}, showlegend=False)
        figure.update_yaxes(tickformat=",d", tickfont={"size": 12})
        return margins.reserve(figure.to_dict(), margins.FULL_WIDTH)["l"]

    assert left("stack") > left("group")  # "1,200" is wider than "600"


def test_a_legend_above_the_plot_takes_more_rows_on_a_narrower_chart() -> None:
    names = [schema.ACTIVITY_TYPE.label(code, "id") for code in schema.ACTIVITY_TYPE.codes]
    figure = go.Figure([go.Bar(x=["2019"], y=[1], name=name) for name in names])
    figure.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8}, legend={"orientation": "h", "y": 1.02},
                         height=430)
    wide, half, phone = (margins.reserve(figure.to_dict(), width)["t"] for width in (1400, 482, 350))
    assert wide < half < phone
    figure.update_layout(showlegend=False)
    assert margins.reserve(figure.to_dict(), 482)["t"] == 8


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_every_chart_of_the_sample_carries_its_reserved_margins(warehouse: Warehouse, lang: str) -> None:
    """Each built chart is sent with its estimate: room for its labels, for its own width on the page."""
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", tuple(schema.FIELD.codes), "both", lang))
    for page, built in charts.all_charts(ctx).items():
        for chart in built:
            figure = chart.figure.to_dict()
            assert chart.figure.layout.margin.to_plotly_json() == margins.reserve(figure, chart.width), chart.name
            assert chart.width == (margins.HALF_WIDTH if (page, chart.name) in charts.SIDE_BY_SIDE
                                   else margins.FULL_WIDTH)
            if chart.name in ("obstacles", "obstacle-severity", "funnel", "category-beneficiary"):
                labels = figure["layout"]["yaxis"].get("ticktext") or figure["data"][0]["y"]
                assert chart.figure.layout.margin.l > max(margins.text_width(label, 12) for label in labels)


def test_presentation_mode_reserves_room_for_its_larger_text(warehouse: Warehouse) -> None:
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", tuple(schema.FIELD.codes), "both", "en"))
    chart = charts.overview_benefits(ctx)
    assert chart is not None
    projected = figures.for_projector(chart.figure, chart.asked_margin, margins.PROJECTOR_WIDTH)
    assert projected.layout.font.size == 20 and projected.layout.yaxis.tickfont.size == 17
    assert projected.layout.margin.l > chart.figure.layout.margin.l * 1.3
    assert chart.figure.layout.font.size == 14, "the shared figure is left as it was"


def test_the_printed_report_reserves_margins_for_its_own_width(warehouse: Warehouse) -> None:
    """Activities by type sits beside another chart on a laptop: its legend of nine types needs more rows
    there than across a printed page, which kept a band of space above the printed legend."""
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", tuple(schema.FIELD.codes), "both", "id"))
    chart = charts.activities_by(ctx, "type")
    assert chart is not None and (chart.page, chart.name) in charts.SIDE_BY_SIDE
    on_screen = chart.figure.layout.margin.to_plotly_json()
    printed = chart.printed_figure(DRAW_WIDTH_PX)
    assert printed.layout.margin.t < on_screen["t"] - 30
    with_asked = go.Figure(chart.figure).update_layout(margin=chart.asked_margin)
    assert printed.layout.margin.to_plotly_json() == margins.reserve(with_asked.to_dict(), DRAW_WIDTH_PX)
    assert chart.figure.layout.margin.to_plotly_json() == on_screen, "the shared figure is left as it was"


def test_crowded_year_labels_are_turned_and_get_more_room_below() -> None:
    """Nine years in half of a half-width chart do not fit side by side: Plotly turns them (10M sample)."""
    def bottom(years: int) -> int:
        figure = go.Figure(go.Bar(x=[str(2017 + n) for n in range(years)], y=[1] * years))
        figure.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8}, showlegend=False)
        figure.update_xaxes(type="category", domain=[0, 0.43], tickfont={"size": 12})
        return margins.reserve(figure.to_dict(), margins.HALF_WIDTH)["b"]

    assert bottom(9) > bottom(3) + 5


def test_tick_labels_of_two_lines_get_two_lines_below() -> None:
    """A month panel names a month of the next calendar year with its year below it ("Jan<br>2020")."""
    def bottom(last: str) -> int:
        figure = go.Figure(go.Bar(x=["12", "13"], y=[1, 2]))
        figure.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8}, showlegend=False)
        figure.update_xaxes(type="category", tickmode="array", tickvals=["12", "13"], ticktext=["Des", last],
                            tickfont={"size": 12})
        return margins.reserve(figure.to_dict(), margins.PHONE_WIDTH)["b"]

    assert bottom("Jan<br>2020") - bottom("Jan") == round(12 * margins.LINE)
