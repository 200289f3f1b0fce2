"""What is written on a chart can be read: its contrast, its size and its order.

Numbers written on bars and in cells, and hover labels, keep WCAG's 4.5:1 against their background.
axe-core does not check text drawn in an SVG, so the page's browser checks cannot see it: these tests
read every figure of every page (as dashboard.charts builds it) and compute the contrast of each text
that Plotly draws inside a bar or a heatmap cell, and of the hover labels. Plotly's own choice of colour
there (#444 or white, by the colour's brightness) gave 4.3:1 on orange bars, 3.4:1 on green and 3.1:1
in the heatmap's middle. Counts keep their size or are left out (never shrunk to a dot), and a stack's
legend lists its parts in the order they stand.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
import pytest

from dashboard import charts, db, figures, margins
from dashboard.charts import Chart
from dashboard.context import PageContext
from dashboard.filters import Filters
from etl import schema
from etl.warehouse import Warehouse
from translations import format_percentage, translate

WHITE = "#ffffff"
AA = 4.5


def _channels(colour: str) -> tuple[float, ...]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def contrast(one: str, other: str) -> float:
    """WCAG 2.2's contrast ratio, written out here rather than taken from the app."""
    def luminance(colour: str) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(colour)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _mix(one: str, other: str, share: float) -> str:
    """The colour a share of the way from one stop of a colour scale to the next (Plotly mixes in RGB)."""
    mixed = [round((a + (b - a) * share) * 255) for a, b in zip(_channels(one), _channels(other), strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def every_chart(lang: str) -> Iterator[Chart]:
    years = (2017, 2018, 2019)
    ctx = PageContext(db.reader(), Filters(years, "beijing", schema.FIELD.codes, "both", lang))
    for built in charts.all_charts(ctx).values():
        yield from built


def _positions(trace: dict[str, Any]) -> list[str]:
    position = trace.get("textposition", "auto")
    count = len(trace.get("text") or [])
    return list(position) if isinstance(position, Sequence) and not isinstance(position, str) else [position] * count


def written_on_bars(figure: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(trace name, text colour, bar colour) for every bar trace that may write its text inside."""
    for trace in figure["data"]:
        if trace.get("type") == "bar" and trace.get("text") is not None and (
                {"inside", "auto"} & set(_positions(trace))):
            ink = (trace.get("insidetextfont") or {}).get("color") or (trace.get("textfont") or {}).get("color")
            yield trace.get("name", ""), ink, trace["marker"]["color"]


def written_outside(figure: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(trace name, text colour) for every bar trace that may write its text beside a bar, on the white plot."""
    layout_ink = figure["layout"]["font"]["color"]
    for trace in figure["data"]:
        if trace.get("type") == "bar" and trace.get("text") is not None and (
                {"outside", "auto"} & set(_positions(trace))):
            ink = (trace.get("outsidetextfont") or {}).get("color") or (trace.get("textfont") or {}).get("color")
            yield trace.get("name", ""), ink or layout_ink


def written_in_cells(figure: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(text colour, cell colour) for every heatmap that writes its values in its cells, at every twentieth
    of the way along its colour scale."""
    for trace in figure["data"]:
        if trace.get("type") == "heatmap" and trace.get("texttemplate"):
            ink = (trace.get("textfont") or {}).get("color")
            scale = trace["colorscale"]
            assert isinstance(scale, list), "a named scale: its colours are Plotly's, unchecked"
            for (_, one), (_, other) in itertools.pairwise(scale):
                for step in range(21):
                    yield ink, _mix(one, other, step / 20)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_every_number_written_on_a_chart_keeps_4_5_to_1(warehouse: Warehouse, lang: str) -> None:
    inside = outside = cells = 0
    for chart in every_chart(lang):
        figure = chart.figure.to_plotly_json()
        for name, ink, bar in written_on_bars(figure):
            assert ink, f"{chart.name}, {name}: no colour given for text inside its bars (Plotly's own fails)"
            assert contrast(ink, bar) >= AA, (chart.name, name, ink, bar, round(contrast(ink, bar), 2))
            inside += 1
        for name, ink in written_outside(figure):
            assert contrast(ink, WHITE) >= AA, (chart.name, name, ink)
            outside += 1
        for ink, cell in written_in_cells(figure):
            assert ink, f"{chart.name}: no colour given for the numbers in its cells"
            assert contrast(ink, cell) >= AA, (chart.name, ink, cell, round(contrast(ink, cell), 2))
            cells += 1
        hover = figure["layout"]["hoverlabel"]
        assert contrast(hover["font"]["color"], hover["bgcolor"]) >= AA, chart.name
        assert not any("hoverlabel" in trace for trace in figure["data"]), f"{chart.name}: a label of its own"
    # The sample's pages do write inside bars (achieved values, attendances), beside them and in cells.
    assert inside >= 5 and outside >= 5 and cells > 0, (inside, outside, cells)


def test_text_on_any_category_colour_keeps_4_5_to_1() -> None:
    """Every colour a category or a year can have, on any chart: its bars' text colour contrasts enough."""
    for colour in (*figures.OKABE_ITO, *figures.EXTRA, *figures.YEAR_COLOURS):
        assert contrast(figures.ink_on(colour), colour) >= AA, colour
    assert figures.ink_on("#E69F00") == figures.INK, "the page's ink where it is enough"
    assert figures.ink_on("#0072B2") == WHITE


@pytest.mark.parametrize("name", ["participants-per-type", "funnel"])
def test_bars_side_by_side_write_each_count_on_its_bar(warehouse: Warehouse, name: str) -> None:
    """The counts are written on their bars, inside the longest (so its count never stands past the plot) and
    beside the shortest, zeros included; they are the chart's data. Both place a text by one rule: inside a
    bar it fits in whole on a phone, beside it otherwise (the attendances' were once inside any bar of a
    quarter of the longest, a rule of their own). The funnel's last stages (3 delegates of 96) were once
    segments of a stacked funnel too narrow for their counts."""
    chart = next(c for c in every_chart("en") if c.name == name)
    figure = chart.figure.to_plotly_json()
    bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
    assert len(bars) == len(figure["data"]) >= 2
    longest = max(max(trace["x"]) for trace in bars)
    room = margins.reserve(figure, margins.PHONE_WIDTH)
    phone_plot_width = margins.PHONE_WIDTH - room["l"] - room["r"]
    written = []
    for trace in bars:
        assert [text.split(" ")[0] for text in trace["text"]] == [f"{int(value):,}" for value in trace["x"]]
        for text, value, position in zip(trace["text"], trace["x"], trace["textposition"], strict=True):
            needed = margins.text_width(text, figures.TEXT_SIZE) + 6  # the text and Plotly's pad at both ends
            bar = phone_plot_width * value / longest / figures.BAR_AXIS_PADDING  # px on a phone
            if position == "inside" and value < longest:
                assert needed <= bar, (name, text, bar)
            elif position == "outside":  # beside only a bar too short for it, not one with room to spare
                assert needed > bar * 0.9, (name, text, bar)
        positions = dict(zip(trace["x"], trace["textposition"], strict=True))
        assert positions.get(longest, "inside") == "inside" and positions[min(trace["x"])] == "outside"
        assert trace.get("constraintext") == "none", "the counts keep their size"
        written += trace["x"]
    # The funnel's table: year, stage, count, conversion; the attendances': type, then a count per side.
    counts = chart.data.iloc[:, 2] if name == "funnel" else chart.data.select_dtypes("number")
    assert sorted(written) == sorted(counts.to_numpy().ravel().tolist())
    # Thick enough bars for the text: the chart grows with the number of bars, and with the text on a projector
    # (the funnel's 20 px counts overlapped the next bar in bars drawn for 14 px).
    assert figure["layout"]["height"] >= 24 * sum(len(trace["x"]) for trace in bars)
    # Read from the top: the first category on top and, in each group, the legend's first series (Plotly
    # draws a group's first bar at its bottom unless the axis runs from the top). The types in the
    # vocabulary's order, as the page's stacked charts list them; once ordered by code, workshop first.
    assert figure["layout"]["yaxis"].get("autorange") == "reversed"
    assert figure["layout"]["legend"].get("traceorder", "normal") == "normal"
    if name == "participants-per-type":
        order = [schema.ACTIVITY_TYPE.label(code, "en") for code in schema.ACTIVITY_TYPE.codes]
        assert bars[0]["y"] == [label for label in order if label in bars[0]["y"]]
        assert chart.data.iloc[:, 0].tolist() == bars[0]["y"], "the data table lists them in the same order"
    projected = figures.for_projector(chart.figure, chart.asked_margin, margins.PROJECTOR_WIDTH)
    assert projected.layout.height == round(figure["layout"]["height"] * figures.PROJECTOR_SCALE)
    # The wide media place the counts by their own room: more fit inside.
    def inside(drawn: Any) -> int:
        return sum(position == "inside" for trace in drawn.data for position in trace.textposition)
    assert inside(chart.figure_for(charts.Medium.PROJECTOR)) > inside(chart.figure)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_funnel_writes_each_stages_share_of_the_one_before(warehouse: Warehouse, lang: str) -> None:
    """The conversions were on hover only, and the caption said "hover" on a projector and on paper; the
    table gave the first stage, and a stage after one nobody reached, 100 % where the hover said 0 %. In
    2017 nobody in tourism reached the interview (13, 5, 2, then 0): each count is written with its share of
    the stage before, the table and the hover agree, and a share with nothing before it is none."""
    ctx = PageContext(db.reader(), Filters((2017,), "beijing", ("tourism",), "both", lang))
    chart = charts.participation_funnel(ctx)
    assert chart is not None
    (trace,) = chart.figure.data
    assert list(trace.x) == [13, 5, 2, 0, 0, 0]
    shares = [format_percentage(share, lang) for share in (5 / 13, 2 / 5, 0.0)]
    written = [translate(lang, "chart.count_and_share", count=str(count), share=share)
               for count, share in zip([5, 2, 0], shares, strict=True)]
    assert list(trace.text) == ["13", *written, "0", "0"]
    conversion = chart.data.iloc[:, 3]
    assert conversion.iloc[[0, 4, 5]].isna().all(), "no stage before the first; nobody to convert after none"
    assert [chart.formats[chart.data.columns[3]](value) for value in conversion] == ["", *shares, "", ""]
    named = charts.METRICS["stage_conversion"].label(lang)
    assert [hover.removeprefix("<br>") for hover in trace.customdata] == [
        "", *(f"{named}{figures.colon_of(lang)}{share}" for share in shares), "", ""]
    assert all(word not in chart.caption.lower() for word in ("hover", "kursor", "悬停")), chart.caption
    assert "(" in chart.caption or "括号" in chart.caption, "the caption says what the brackets hold"


def test_a_one_year_funnel_names_its_year(warehouse: Warehouse) -> None:
    """Plotly shows no legend for a single trace: the funnel of one year said which year in its caption only."""
    ctx = PageContext(db.reader(), Filters((2018,), "beijing", schema.FIELD.codes, "both", "en"))
    chart = charts.participation_funnel(ctx)
    assert chart is not None
    assert [trace.name for trace in chart.figure.data] == ["2018"] and chart.figure.layout.showlegend is True


def test_a_years_colour_stays_when_other_years_are_left_out(warehouse: Warehouse) -> None:
    """The funnel coloured a year by its place among the chosen years: 2019 was green with all three
    years and orange with 2018–2019, so a presenter changing the years saw the colours move."""
    def colours(years: tuple[int, ...]) -> dict[str, str]:
        ctx = PageContext(db.reader(), Filters(years, "beijing", schema.FIELD.codes, "both", "en"))
        chart = charts.participation_funnel(ctx)
        assert chart is not None
        return {trace.name: trace.marker.color for trace in chart.figure.data}

    every_year = colours((2017, 2018, 2019))
    assert len(set(every_year.values())) == 3
    for chosen in [(2018, 2019), (2019,), (2017, 2019)]:
        assert colours(chosen) == {str(year): every_year[str(year)] for year in chosen}, chosen


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_first_loaded_year_is_not_drawn_as_no_returning_applicants(warehouse: Warehouse, lang: str) -> None:
    """2017, the first year loaded, has no earlier year to return from: "0 · 0.0%" above its bar read as
    "no one came back". It is left out, the caption says why and covers the years drawn."""
    def repeat(years: tuple[int, ...]) -> Chart | None:
        return charts.participation_repeat(PageContext(db.reader(), Filters(years, "beijing", schema.FIELD.codes,
                                                                          "both", lang)))

    chart = repeat((2017, 2018, 2019))
    assert chart is not None
    assert [list(trace.x) for trace in chart.figure.data] == [["2018", "2019"]] * 2
    assert chart.data.iloc[:, 0].tolist() == [2018, 2019]
    assert translate(lang, "participation.repeat_first_year", year=2017) in chart.caption
    assert translate(lang, "chart.period", period=translate(lang, "participation.period_after_first"),
                     years="2018–2019") in chart.caption
    assert "2017" not in chart.alternative
    later = repeat((2018,))
    assert later is not None and "2017" not in later.caption
    assert translate(lang, "chart.period", period=charts.PERIOD_NAMES[charts.Period.PER_YEAR](lang),
                     years="2018") in later.caption
    assert repeat((2017,)) is None, "the page explains instead (empty.no_returning)"


@pytest.mark.parametrize("direction", ["both", "inbound"])
@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_first_time_applicants_write_their_count_inside_their_part(warehouse: Warehouse, lang: str,
                                                                       direction: str) -> None:
    """The returning applicants' count and share stood above each stack, and nothing said the first-time
    applicants' 111 of 118: the part most of the bar is. It writes its count inside now, in the ink that
    reads on its blue; the returning sliver keeps its text above the stack. With no one returning (Beijing's
    participants, inbound), the first-time part is the whole bar and still writes its count: the text above
    is the returning "0 · 0.0%", not the bar's total, and the bar said no number of its own."""
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", schema.FIELD.codes, direction, lang))
    chart = charts.participation_repeat(ctx)
    assert chart is not None
    for figure in (chart.figure, chart.figure_for(charts.Medium.PROJECTOR)):
        first_time, returning = figure.data
        assert list(first_time.text) == [ctx.number(value) for value in first_time.y], list(first_time.text)
        assert first_time.textposition == "inside" and first_time.textangle == 0
        assert contrast(first_time.insidetextfont.color, first_time.marker.color) >= AA
        assert returning.textposition == "outside" and all(" · " in text for text in returning.text)
    assert chart.data.iloc[:, 2].tolist() == list(chart.figure.data[0].y), "the table's first-time applicants"


def test_any_seven_years_in_a_row_have_seven_colours() -> None:
    for first in range(2010, 2040):
        row = [figures.year_colour(year) for year in range(first, first + 7)]
        assert len(set(row)) == 7, first
        assert all(figures.contrast(colour, "#ffffff") >= 2 for colour in row), row


def _category_axis(trace: dict[str, Any]) -> str:
    """The layout name of the axis a bar trace stands along, read from the trace ("y2" → "yaxis2")."""
    kind = "y" if trace.get("orientation") == "h" else "x"
    return kind + "axis" + trace.get(kind + "axis", kind)[1:]


def test_no_grid_line_runs_through_bars_or_their_numbers(warehouse: Warehouse) -> None:
    """Grid lines run across the values only: one along a bar chart's categories runs through the middle
    of its bars and the numbers written there (a funnel's middle count, a stack's total). On the page, the
    projector and paper."""
    seen = 0
    for chart in every_chart("en"):
        for figure in (chart.figure, chart.projector_figure, chart.printed_figure(1100)):
            layout = figure.to_plotly_json()["layout"]
            bars = [trace for trace in figure.to_plotly_json()["data"] if trace.get("type") == "bar"]
            for trace in bars:
                assert layout[_category_axis(trace)].get("showgrid") is False, (chart.name, _category_axis(trace))
            seen += bool(bars)
    assert seen >= 3 * 15, seen  # every bar chart of every page, in all three media


def test_a_value_axis_keeps_its_grid(warehouse: Warehouse) -> None:
    """The counterpart: an upright bar chart's value axis still has its grid, to read a bar against."""
    wanted = ("participation", "by-field")
    figure = next(chart.figure for chart in every_chart("en") if (chart.page, chart.name) == wanted)
    layout = figure.to_plotly_json()["layout"]
    assert layout["xaxis"]["showgrid"] is False
    assert layout["yaxis"].get("showgrid") is not False


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_stacks_legend_reads_in_the_order_its_parts_stand(warehouse: Warehouse, lang: str) -> None:
    """Plotly lists a stack's parts in reverse by default: top first for a stack growing upwards (as they
    stand), but for one growing rightwards "Both cities, Partner city, Jakarta" under bars reading Jakarta,
    Partner city, Both cities."""
    seen = set()
    for chart in every_chart(lang):
        figure = chart.figure.to_plotly_json()
        bars = [trace for trace in figure["data"] if trace.get("type") == "bar"]
        if figure["layout"].get("barmode") != "stack" or len(bars) < 2:
            continue
        order = figure["layout"].get("legend", {}).get("traceorder")
        sideways = bars[0].get("orientation") == "h"
        assert order == ("normal" if sideways else None), (chart.name, order)
        seen.add(sideways)
    assert seen == {True, False}, "the sample has stacks of both kinds"


def charts_writing_parts(ctx: PageContext) -> Iterator[tuple[Chart, dict[str, Any], list[dict[str, Any]]]]:
    """The stacked charts whose parts write their counts inside them (written_parts), with each one's page
    figure as JSON and its bar traces."""
    for chart in (chart for built in charts.all_charts(ctx).values() for chart in built):
        figure = chart.figure.to_plotly_json()
        bars = [trace for trace in figure["data"] if trace.get("type") == "bar"]
        if figure["layout"].get("barmode") == "stack" and all(
                trace.get("textposition") == "inside" for trace in bars):
            yield chart, figure, bars


def stacks_of(bars: Sequence[dict[str, Any]]) -> tuple[bool, tuple[str, str], dict[object, float]]:
    """Of a stacked bar chart's traces: whether its stacks lie sideways, its (value, place) axes, and each
    place's stack total."""
    sideways = bars[0].get("orientation") == "h"
    along, across = ("x", "y") if sideways else ("y", "x")
    totals: dict[object, float] = {}
    for trace in bars:
        for place, value in zip(trace[across], trace[along], strict=True):
            totals[place] = totals.get(place, 0) + value
    return sideways, (along, across), totals


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_a_stacks_total_is_written_at_its_end(warehouse: Warehouse, lang: str) -> None:
    """Each stack's total stands at its end, above it or beside it, as the text alternative gives a year's
    (a projector's audience cannot hover, and the stacks of 13–17 activities had no number on them), with
    room for it on the value axis."""
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", schema.FIELD.codes, "both", lang))
    seen = []
    for chart in (chart for built in charts.all_charts(ctx).values() for chart in built):
        figure = chart.figure.to_plotly_json()
        bars = [trace for trace in figure["data"] if trace.get("type") == "bar"]
        if figure["layout"].get("barmode") != "stack" or any(
                trace.get("text") and trace.get("textposition") != "inside" for trace in bars):
            continue  # the repeat applicants write their returning part above it instead
        sideways, (along, across), totals = stacks_of(bars)
        notes = figure["layout"]["annotations"]
        if not sideways:  # a year's place on the axis (Plotly reads an annotation's "2017" as a place)
            assert figure["layout"]["xaxis"]["categoryorder"] == "category ascending"
            years = sorted(totals)
            notes = [{**note, "x": years[note["x"]]} for note in notes]
        assert {note[across]: note["text"] for note in notes} == {
            place: ctx.number(total) for place, total in totals.items()}, chart.name
        for note in notes:
            assert (note[along], note["showarrow"]) == (totals[note[across]], False), chart.name
            assert note.get("xanchor" if sideways else "yanchor") == ("left" if sideways else "bottom")
            assert contrast(note["font"]["color"], WHITE) >= AA and note["font"]["size"] == figures.TEXT_SIZE
        if not sideways:  # sideways, Plotly's range counts the totals' text (in Chromium: test_browse.py)
            assert figure["layout"]["yaxis"]["range"][1] >= 1.1 * max(totals.values()), chart.name
            alternative = chart.alternative
            assert all(note["text"] in alternative for note in notes), (chart.name, alternative)
        projected = figures.for_projector(chart.figure, chart.asked_margin, margins.PROJECTOR_WIDTH)
        assert {note.font.size for note in projected.layout.annotations} == {20}
        seen.append(chart.name)
    assert {"activities", "by-type", "by-field", "by-host-city", "benefits", "category-beneficiary",
            "category-year", "by-gender"} <= set(seen), seen


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_part_of_a_stack_writes_its_count_inside_it_where_it_fits(warehouse: Warehouse, lang: str) -> None:
    """Stacks wrote their totals only: "how many in tourism" needed a hover, which a projector's
    audience cannot do. Each part tall and wide enough for its count on a phone writes it inside, level, at
    the chart's size, in an ink that reads on the part's colour (test_every_number_written_on_a_chart_...); a thinner
    one writes nothing rather than a shrunken or overflowing count. The wide media's figure (projector,
    report) has more room and writes at least as many."""
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", schema.FIELD.codes, "both", lang))
    written: dict[str, int] = {}
    for chart, figure, bars in charts_writing_parts(ctx):
        sideways, (along, across), stacks = stacks_of(bars)
        alone = [text for trace in bars for place, value, text in zip(trace[across], trace[along], trace["text"],
                                                                       strict=True) if value == stacks[place]]
        assert set(alone) <= {""}, (chart.name, "a stack of one part writes its count once: its total")
        if sideways:  # Plotly's own range: where each count stands, in Chromium
            assert all(text in ("", ctx.number(value)) for trace in bars
                       for value, text in zip(trace["x"], trace["text"], strict=True)), chart.name
            written[chart.name] = sum(bool(text) for trace in bars for text in trace["text"])
            continue
        # The plot as a phone draws the page's figure (its title is the page's heading, so a little taller
        # than the builder reckoned with the title in it).
        room = margins.reserve(figure, margins.PHONE_WIDTH)
        plot_width = margins.PHONE_WIDTH - room["l"] - room["r"]
        plot_height = figure["layout"]["height"] - room["t"] - room["b"]
        top = figure["layout"]["yaxis"]["range"][1]
        places = len({place for trace in bars for place in trace["x"]})
        for trace in bars:
            wide = plot_width / places * (trace.get("width") or 1 - figures.BARGAP)  # fewer than three years: narrowed
            assert trace["textangle"] == 0 and trace.get("constraintext") == "none", chart.name
            for place, value, text in zip(trace["x"], trace["y"], trace["text"], strict=True):
                tall = value / top * plot_height
                needed = (figures.PART_TEXT_HEIGHT + 6, margins.text_width(ctx.number(value), figures.TEXT_SIZE) + 6)
                if text:
                    assert text == ctx.number(value) and tall >= needed[0] and wide >= needed[1], (chart.name, value)
                elif value < stacks[place]:  # left out only near the limit, not from a part with room to spare
                    assert tall < 1.3 * needed[0] or wide < 1.3 * needed[1], (chart.name, value, tall)
        written[chart.name] = sum(bool(text) for trace in bars for text in trace["text"])
        wide_figure = chart.figure_for(charts.Medium.PROJECTOR)
        assert sum(bool(text) for trace in wide_figure.data for text in trace.text) >= written[chart.name]
    assert {"activities", "by-type", "by-field", "by-gender", "by-status", "benefits",
            "category-beneficiary"} <= set(written), written
    assert written["benefits"] >= 5, "the largest part of each category of more than one beneficiary, at least"
    assert written["by-gender"] == 6, "two genders in three years, every part a count of 40 or more"
    assert 0 < written["by-type"] < sum(len(t.y) for t in next(
        c for c in charts.all_charts(ctx)["activities"] if c.name == "by-type").figure.data), written


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_stacked_charts_caption_says_where_its_blank_parts_counts_are(warehouse: Warehouse, lang: str) -> None:
    """A part too small for its count is blank, and nothing on the chart said where that count was: a
    blank part read as uncounted, and a projector's audience cannot hover. Where the figure drawn has such
    a part, the caption says so and, on the page, that the chart's data gives every count (naming the
    table's own label); on a projector, which shows no table and whose figure has more room, only that a
    part is blank, and only where its own figure leaves one blank. A chart whose parts all write their counts
    says nothing of it."""
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", schema.FIELD.codes, "both", lang))
    on_page = translate(lang, "chart.parts_left_blank", data=translate(lang, "chart.data_table"))
    on_projector = translate(lang, "chart.parts_blank")
    said: dict[str, tuple[bool, bool]] = {}
    for chart, _, bars in charts_writing_parts(ctx):
        projected = [t for t in chart.projector_figure.to_plotly_json()["data"] if t.get("type") == "bar"]
        blank = [any(0 < value < stacks[place] and not text for trace in traces
                     for place, value, text in zip(trace[across], trace[along], trace["text"], strict=True))
                 for traces in (bars, projected) for _, (along, across), stacks in [stacks_of(traces)]]
        page = charts.shown_caption(ctx, chart, [chart.figure], table=True)
        projector = charts.shown_caption(ctx, chart, [chart.projector_figure], table=False)
        assert (on_page in page, on_projector in projector) == tuple(blank), (chart.name, page, projector)
        assert chart.caption in page and chart.caption in projector, chart.name
        assert translate(lang, "chart.data_table") not in projector, "a projector shows no data table"
        said[chart.name] = (blank[0], blank[1])
    assert said["by-type"] == said["activities"] == (True, True), "single activities of a type, even on a projector"
    assert said["by-gender"] == (False, False), "two genders in three years, every part a count of 40 or more"


def _ten_years_of(count: int) -> pd.DataFrame:
    return pd.DataFrame([{"year": year, "type": code, "activities": count}
                         for year in range(2017, 2027) for code in schema.ACTIVITY_TYPE.codes])


def test_totals_that_would_run_into_each_other_on_a_phone_are_turned_upright() -> None:
    """Ten years of stacks of 12,000 (the bench's 1M warehouse): written level, the totals ran into each other
    on a phone ("12,14012,154…"). They are turned upright, above their stacks, with the axis reaching far
    enough for them; the projector and the printed report, wider, keep them level. (The browser test with
    ten years loaded, tests/e2e/test_many_years.py, checks small counts as Chromium draws them.)"""
    frame = _ten_years_of(1349)  # 12,141 a year
    draw = functools.partial(figures.stacked_by_year, frame, "type", "activities", schema.ACTIVITY_TYPE, "en",
                             "Activities", "Activities", "Type")
    phone = draw()
    assert {note.textangle for note in phone.layout.annotations} == {-90}
    assert {note.yanchor for note in phone.layout.annotations} == {"bottom"}
    # Upright, a label (about 42 px) needs more room above the highest stack than a level one's 15 %.
    assert phone.layout.yaxis.range[1] > 12_141 * 1.2
    wide = draw(width=figures.WIDE_WIDTH)
    assert {note.textangle for note in wide.layout.annotations} == {None}
    assert wide.layout.yaxis.range[1] == pytest.approx(12_141 * 1.15)
    # Ten years of the sample's size (13–17 a year), or three of 12,000, stay level on a phone.
    small = figures.stacked_by_year(_ten_years_of(2), "type", "activities", schema.ACTIVITY_TYPE, "en", "A", "A", "T")
    assert {note.textangle for note in small.layout.annotations} == {None}
    three = figures.stacked_by_year(frame[frame["year"] < 2020], "type", "activities", schema.ACTIVITY_TYPE, "en",
                                    "A", "A", "T")
    assert {note.textangle for note in three.layout.annotations} == {None}


def test_the_wide_media_are_laid_out_for_the_narrowest_of_them() -> None:
    """Text over bars in presentation mode and on paper is laid out for WIDE_WIDTH px at the page's text size:
    no wider than the printed report's drawing, nor than a small projector's width at its larger text."""
    from dashboard.report import DRAW_WIDTH_PX
    assert figures.WIDE_WIDTH <= DRAW_WIDTH_PX
    assert figures.WIDE_WIDTH * figures.PROJECTOR_SCALE <= margins.SMALL_PROJECTOR_WIDTH + 1


@pytest.mark.parametrize(("lang", "written"), [("id", "1.338"), ("en", "1,338"), ("zh", "1,338")])
def test_the_heatmap_writes_its_counts_as_the_page_does(lang: str, written: str) -> None:
    """The obstacles' heatmap wrote "1338" beside cards and captions writing 4.727 (the bench's warehouses)."""
    frame = pd.DataFrame([{"category": "language", "severity": 3, "obstacles": 1338},
                          {"category": "budget", "severity": 1, "obstacles": 2}])
    figure = figures.heatmap(frame, lang, "Obstacles", "obstacles")
    cells = [text for row in figure.data[0].text for text in row]
    assert written in cells and "2" in cells and "1338" not in cells
    assert "%{z:,}" in figure.data[0].hovertemplate  # the layout's separators: 1.338 in Indonesian


def test_a_trend_row_with_too_many_years_writes_its_ends_reaching_inwards() -> None:
    """Where a row's ten values would run into each other, its first and last are written, the first to the
    right of its point and the last to the left (centred, they ran into the names and past the plot's
    edge); two ends a place apart that would still touch leave the latest alone."""
    texts = ["", "100.0%", "80.0%", "", "90.0%", "", "", "", "80.0%", ""]
    assert figures.ends_only(texts, share=16) == (
        ["", "100.0%", "", "", "", "", "", "", "80.0%", ""],
        ["top center", "top right", *["top center"] * 6, "top left", "top center"])
    assert figures.ends_only(["", "75.0%", "80.0%"], share=16)[0] == ["", "", "80.0%"]
    assert figures.ends_only(["", "", ""], share=16)[0] == ["", "", ""]


def test_a_years_colour_in_its_second_round_is_hatched() -> None:
    """Ten years in the funnel: 2024 has 2017's orange (seven colours go round), and was told apart only by
    its place. A colour's second round is hatched, in the bars and so in the legend; the stripes are white
    under dark text and black under white text, so they only add to the counts' contrast."""
    stages = ("registered", "selected")
    frame = pd.DataFrame([{"year": year, "stage": stage, "position": position, "applicants": 100 - 90 * position,
                           "conversion": 0.1 if position else None}
                          for year in range(2017, 2027) for position, stage in enumerate(stages)])
    figure = figures.funnel(frame, "en", "Funnel", {}, "People", "Conversion")
    hatched = {trace.name: trace.marker.pattern.shape for trace in figure.data}
    assert hatched == {**{str(year): None for year in range(2017, 2024)}, "2024": "/", "2025": "/", "2026": "/"}
    assert figure.data[0].marker.color == figure.data[7].marker.color  # 2017 and 2024: one colour
    for trace in figure.data[7:]:
        stripes, ink = trace.marker.pattern.fgcolor, trace.insidetextfont.color
        assert contrast(stripes, ink) > contrast(trace.marker.color, ink), trace.name
    for colour in figures.YEAR_COLOURS:  # every colour, in its second round
        hatch = figures.year_hatch(colour)
        assert contrast(hatch["fgcolor"], figures.ink_on(colour)) >= 10, colour


def test_a_run_of_years_is_written_by_its_ends_in_headings_and_captions() -> None:
    """Ten years listed ("2017, 2018, …, 2026") made a phone's caption three lines, beside a heading writing
    "2017–2026": both write a run by its ends, and other years as the language lists them."""
    assert charts.year_span(range(2017, 2027), "en") == "2017–2026"
    assert charts.year_span((2019, 2017), "zh") == "2017、2019"
    assert charts.year_span((2017, 2019, 2020), "id") == "2017, 2019, 2020"
    assert charts.year_span((2018,), "en") == "2018"


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_every_x_axis_title_fits_under_its_plot_on_the_narrowest_phone(warehouse: Warehouse, lang: str) -> None:
    """Plotly centres an x axis's title under its plot, and the figure's edge cut what passed it: "Benefit
    indicators recorde" on a 360 px phone. A title wider than its plot there is broken into two lines, each
    as wide as the plot at most, and the margin below the plot is reserved for both."""
    checked, broken = 0, []
    for chart in every_chart(lang):
        layout = chart.figure.to_dict()["layout"]
        plot = margins.PHONE_WIDTH - sum(margins.reserve(chart.figure.to_dict(), margins.PHONE_WIDTH)[side]
                                         for side in "lr")
        for name, axis in layout.items():
            text = (axis.get("title") or {}).get("text") if name.startswith("xaxis") else None
            if not text:
                continue
            checked += 1
            start, end = axis.get("domain", (0, 1))
            lines = text.split("<br>")
            size = margins.axis_title_size((axis.get("title") or {}).get("font"), figures.TEXT_SIZE)
            assert len(lines) <= 2, (chart.name, text)
            widest = max(margins.text_width(line, size) for line in lines)
            assert widest <= plot * (end - start) + 0.5, (chart.name, text)
            if len(lines) == 2:  # the margin reserved as for one line, and for the second
                broken.append(chart.name)
                one_line = {**layout, "margin": chart.asked_margin,
                            name: {**axis, "title": {**axis["title"], "text": " ".join(lines)}}}
                below = margins.reserve({"data": chart.figure.to_dict()["data"], "layout": one_line}, chart.width)["b"]
                assert chart.figure.layout.margin.b >= below + size, (chart.name, "room for the second line")
    assert checked >= 20, checked
    if lang != "zh":  # the benefit categories' count, beside its long category names
        assert "benefits" in broken or "category-beneficiary" in broken, broken
