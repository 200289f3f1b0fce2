"""Workbook text on charts is shown as text, never as markup, and long text is cut on the chart only.

Plotly draws a subset of HTML in every text it shows (titles, ticks, legend names, hover labels):
an activity titled `<a href="https://evil.example/login">Klik di sini</a>` became a link on the
public Activities timeline, `<span style="font-size:90px">` huge text, and a 2,800-character
title a 2,800-character tick label. These tests build figures from hostile text (directly, through
dashboard.charts on a warehouse loaded from an edited workbook, and in the offline report) and
read the figure JSON Plotly receives.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts, components, db, figures, margins
from dashboard.context import PageContext
from dashboard.filters import Available, Filters
from dashboard.report import DRAW_WIDTH_PX, build_report, plotly_js
from etl import schema
from etl.load import load_files
from etl.warehouse import Warehouse
from tests.apptest import month_totals, toml_catalogue
from tests.workbooks import edited_sample, set_cells
from translations import format_number, month_names

LINK = '<a href="https://evil.example/login">Klik di sini</a>'
SPAN = '<span style="font-size:90px">Besar sekali</span>'
TEMPLATE = "Lomba %{x} dan %{customdata[0]}"
LONG = ("Pertukaran pemuda Jakarta–Beijing tentang seni, budaya & olahraga " * 50)[:2800]
HOSTILE = (LINK, SPAN, TEMPLATE, LONG)
# Markup Plotly would draw; the builders' own hover templates use only <br> and <extra>.
MARKUP = re.compile(r"<(?!br>|extra>|/extra>)/?[a-z]", re.IGNORECASE)
TEMPLATE_KEYS = {"hovertemplate", "texttemplate"}


def strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, string) for every string of a figure's JSON."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{path}[{index}]")


def figure_json(figure: go.Figure) -> dict[str, Any]:
    """The figure as the browser receives it."""
    return json.loads(figure.to_json())


def markup_problems(figure: go.Figure) -> list[str]:
    """Strings of the figure that Plotly would read as markup or as hover-template fields."""
    problems = []
    for path, text in strings(figure_json(figure)):
        key = path.rsplit(".", 1)[-1]
        if MARKUP.search(text) or "&quot;" in text:
            problems.append(f"{path}: {text[:80]!r}")
        if "%{" in text and (key not in TEMPLATE_KEYS or TEMPLATE.split("%{")[0] + "%{" in text):
            problems.append(f"{path}: template field {text[:80]!r}")
    return problems


def shown(text: str) -> str:
    """What Plotly shows for a text of the figure: entities decoded, <br> as a line break."""
    return html.unescape(text.replace("<br>", "\n"))


# -- the helpers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE, ids=["link", "span", "template", "long"])
def test_plain_text_is_shown_as_written(text: str) -> None:
    made = figures.plain(text)
    assert "<" not in made and ">" not in made and "%{" not in made and "&quot;" not in made
    assert html.unescape(made) == text


def test_plain_escapes_quotes_as_numbers_plotly_decodes() -> None:
    # Plotly decodes &amp; &lt; &gt; by name but not &quot;: quotes must be numeric entities.
    assert figures.plain("""Tom & "Jerry's" $5 100%""") == "Tom &amp; &#34;Jerry&#39;s&#34; &#36;5 100%"
    assert figures.plain(None) == "" and figures.plain(float("nan")) == ""


def test_short_label_cuts_before_escaping_and_ends_with_an_ellipsis() -> None:
    limit = figures.LABEL_LIMIT
    assert figures.short_label("Kunjungan budaya") == "Kunjungan budaya"
    assert figures.short_label("x" * limit) == "x" * limit
    cut = figures.short_label(LONG)
    assert len(shown(cut)) == limit and shown(cut).endswith(figures.ELLIPSIS)
    assert LONG.startswith(shown(cut)[:-1].rstrip())
    # The limit counts what the reader sees; an entity is never cut in half.
    amps = figures.short_label("&" * (limit + 5))
    assert amps == "&amp;" * (limit - 1) + figures.ELLIPSIS
    assert figures.short_label(LINK, 10) == "&lt;a href=&#34;…"
    assert figures.short_label("  two\nlines\t here ") == "two lines here"


def test_fit_lines_breaks_at_spaces_within_a_width_and_cuts_the_last_line() -> None:
    """A name in two lines of at most 150 px, broken at a space, the rest cut with "…"; a Chinese name (no
    spaces) is broken by width, a one-em character at a time; markup is shown as text."""
    width, size = 150, figures.TICK_SIZE
    assert figures.fit_lines("Kunjungan budaya", width, size, most=2) == "Kunjungan budaya"
    lines = [shown(line) for line in figures.fit_lines(LONG, width, size, most=2).split("<br>")]
    assert len(lines) == 2 and all(margins.text_width(line, size) <= width for line in lines), lines
    assert lines[1].endswith(figures.ELLIPSIS) and " ".join(LONG.split()).startswith(f"{lines[0]} ")
    assert margins.text_width(f"{lines[0]} {LONG.split()[len(lines[0].split())]}", size) > width, "a full first line"
    chinese = "参与者更自信地与北京同龄人交流并建立了持续的联系" * 2
    lines = figures.fit_lines(chinese, width, size, most=2).split("<br>")
    assert lines[0] == chinese[:len(lines[0])] and len(lines[0]) == width // size, lines
    assert lines[1].endswith(figures.ELLIPSIS) and margins.text_width(lines[1], size) <= width, lines
    fitted = figures.fit_lines(LINK, width, size, most=2)
    assert not MARKUP.search(fitted) and shown(fitted.split("<br>")[0]) == "<a", fitted


@pytest.mark.parametrize(("text", "fitting", "first_line"), [
    # A line that would end inside "2019", or between it and its 年, breaks before the year.
    ("参与者在2019\u00a0年的交流中更自信地与北京同龄人交流", 8, "参与者在"),
    ("参与者在2019\u00a0年的交流中更自信地与北京同龄人交流", 6, "参与者在"),
    ("参与者在2019年的交流中更自信地与北京同龄人交流", 6, "参与者在"),
    # A comma never starts a line: the character before it goes down with it.
    ("参与者更自信地与北京同龄人，交流并建立了持续的联系", 13, "参与者更自信地与北京同龄"),
])
def test_fit_lines_breaks_chinese_between_characters_never_inside_a_number_or_before_a_comma(
        text: str, fitting: int, first_line: str) -> None:
    """A Chinese name without spaces breaks between its characters by width (as above), but not where a
    reader would see the text torn: inside a number, at the no-break space that keeps a year with its 年
    (translations.typeset), or before closing punctuation. The no-break space is kept, not folded."""
    size = figures.TICK_SIZE
    width = margins.text_width(text[:fitting], size)  # the first ``fitting`` characters fit, no more
    lines = figures.fit_lines(text, width, size, most=2).split("<br>")
    assert lines[0] == first_line, lines
    assert lines[1].startswith(text[len(first_line):len(first_line) + 3]), lines
    assert ("\u00a0" in text) == ("\u00a0" in lines[1]), lines


def _row_titles(figure: go.Figure) -> list[list[str]]:
    """A trend chart's row titles as shown (code · name), top row first: the lines of each."""
    return [shown(annotation.text).split("\n") for annotation in figure.layout.annotations]


def _plot_width(figure: go.Figure, width: int) -> float:
    return width - figure.layout.margin.l - figure.layout.margin.r


@pytest.mark.usefixtures("warehouse")
def test_a_trend_rows_title_stands_above_its_line_whole_on_a_phone_and_on_wide_media() -> None:
    """Beside its line, a row's name had 150 px (a phone keeps the rest for the years): six of the sample's
    percentage rows were cut with "…", on a laptop too. Above its line, it has the plot's width: on a phone
    every sample name is whole in at most two lines; presentation mode and the printed report, wide, write
    each on one line. Built only when asked, without the title the page shows as a heading."""
    ctx = _context("en")
    chart = charts.outcome_trends(ctx, "percent")
    assert chart is not None and not chart._built_wide, "nothing built before it is asked for"
    latest = chart.data.groupby(ctx.column("indicator_code"), sort=True)[ctx.column("indicator")].last()
    expected = [f"{code} · {name}" for code, name in latest.items()]
    page = _row_titles(chart.figure)
    assert [" ".join(lines) for lines in page] == expected
    phone = _plot_width(chart.figure, margins.PHONE_WIDTH) - figures.ROW_TITLE_INDENT
    assert all(len(lines) <= 2 and max(margins.text_width(line, figures.ROW_TITLE_SIZE) for line in lines) <= phone
               for lines in page), page
    assert sum(len(lines) == 2 for lines in page) >= 4, "most of the sample's names take a phone's two lines"
    for wide in (chart.projector_figure, chart.printed_figure(DRAW_WIDTH_PX)):
        assert [lines for lines in _row_titles(wide)] == [[title] for title in expected]
        assert wide.layout.title.text is None and markup_problems(wide) == []
        # The rest of the chart is the page's: the same rows, years, values and hovers.
        assert [(trace.x, trace.text, trace.customdata) for trace in wide.data] == [
            (trace.x, trace.text, trace.customdata) for trace in chart.figure.data]
    # A name too long for two lines is cut at the end of the second, and named whole in the hover.
    rows = ctx.fetch("benefit_values")
    rows = rows[rows["recurs"] & (rows["unit"] == "percent")].assign(indicator="word " * 60)
    figure = figures.indicator_trends(rows, "en", "", "percent", [2017, 2018, 2019])
    assert all(len(lines) == 2 and lines[1].endswith(figures.ELLIPSIS)
                                for lines in _row_titles(figure))
    assert all("word " * 10 in html.unescape(str(data[0]).replace("<br>", " ")) for trace in figure.data
               for data in trace.customdata if data[2] is not None)


def test_trend_rows_are_as_tall_as_their_titles_and_values_need() -> None:
    """Every row keeps its title's lines, a gap above and its line's band below, in px: the figure is as tall
    as its rows and margins, each title standing on its line's band, and the highest point low enough in its
    band for the value written over it."""
    frame = pd.DataFrame({"year": [2018, 2019, 2018, 2019], "indicator_code": ["A-1", "A-1", "B-1", "B-1"],
                          "indicator": ["Short", "Short", "A name long enough " * 6, "A name long enough " * 6],
                          "value": [40.0, 100.0, 20.0, 30.0]})
    figure = figures.indicator_trends(frame, "en", "", "percent", [2018, 2019])
    band = figures.TREND_LINE_BAND
    row = figures.ROW_TITLE_GAP + 2 * figures.ROW_TITLE_LEADING + band
    room = margins.reserve(figure.to_dict(), margins.PHONE_WIDTH)  # as the chart reserves them
    assert figure.layout.height == 2 * row + room["t"] + room["b"]
    assert figure.layout.yaxis.range == (0, 2) and figure.layout.yaxis.showticklabels is False
    feet = [(annotation.y, annotation.yanchor) for annotation in figure.layout.annotations]
    assert feet == [(pytest.approx(1 + band / row), "bottom"), (pytest.approx(band / row), "bottom")]
    highest = max(y for y in figure.data[0].y) - 1  # the top row's 100%
    assert highest * row == pytest.approx(band / figures.TREND_HEADROOM)
    assert band - highest * row >= figures.TEXT_SIZE * 1.3 + 7 / 2, "room for the value above"


@pytest.mark.usefixtures("warehouse")
def test_an_achieved_values_name_stands_above_its_bar_whole_on_a_phone_and_on_wide_media() -> None:
    """Beside its bar an indicator's name had two lines of 190 px on the page (a phone kept the rest for the
    bar), and three of the sample's count names were cut. Above its bar it has the plot's width: on a phone
    every sample name is whole in at most two lines; presentation mode and the printed report write each on
    one line. Each bar stands at its row's foot, its title just above it."""
    ctx = _context("en")
    chart = charts.outcome_values(ctx, "count")
    assert chart is not None and not chart._built_wide
    names = chart.data[ctx.column("indicator")].tolist()
    page = _row_titles(chart.figure)
    assert sorted(" ".join(lines) for lines in page) == sorted(names)
    phone = _plot_width(chart.figure, margins.PHONE_WIDTH) - figures.ROW_TITLE_INDENT
    assert all(len(lines) <= 2 and max(margins.text_width(line, figures.ROW_TITLE_SIZE) for line in lines) <= phone
               for lines in page), page
    row = figures.ROW_TITLE_GAP + 2 * figures.ROW_TITLE_LEADING + figures.VALUE_BAR_GAP + figures.VALUE_BAR
    room = margins.reserve(chart.figure.to_dict(), margins.PHONE_WIDTH)
    assert chart.figure.layout.height == row * len(names) + room["t"] + room["b"], "rows for two-line titles"
    bar = figures.VALUE_BAR / row
    assert {(trace.width, trace.offset) for trace in chart.figure.data} == {(bar, 0.5 - bar)}
    assert [annotation.y for annotation in chart.figure.layout.annotations] == pytest.approx(
        [index + 0.5 - bar - figures.VALUE_BAR_GAP / row for index in range(len(names))])
    for wide in (chart.projector_figure, chart.printed_figure(DRAW_WIDTH_PX)):
        assert sorted(title for (title,) in _row_titles(wide)) == sorted(names)
        assert wide.layout.title.text is None and markup_problems(wide) == []
        assert [trace.x for trace in wide.data] == [trace.x for trace in chart.figure.data]
    # A longer name is cut at the end of its second line, and named whole in the hover.
    longer = ctx.fetch("benefit_values").head(1).assign(indicator="word " * 60)
    wide = figures.indicator_values(longer, "en", "", "", str(longer["unit"].iloc[0]), figures.WIDE_WIDTH)
    (lines,) = _row_titles(wide)
    assert len(lines) == 2 and lines[1].endswith(figures.ELLIPSIS)
    assert "word " * 10 in html.unescape(str(wide.data[0].customdata[0][0]).replace("<br>", " "))


@pytest.mark.usefixtures("warehouse")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_values_chart_of_one_beneficiary_names_it_in_its_legend(lang: str) -> None:
    """The caption says the colour tells who benefits. The sample's 2019 rupiah values are both Jakarta's,
    and Plotly shows no legend for a single trace: only the text alternative said who. Every medium shows
    the legend, with the one beneficiary in it."""
    ctx = _context(lang)
    chart = charts.outcome_values(ctx, "idr")
    assert chart is not None
    beneficiaries = set(chart.data[ctx.column("beneficiary")])
    assert beneficiaries == {schema.BENEFICIARY.label("jakarta", lang)}, "the sample's rupiah values"
    for figure in (chart.figure, chart.projector_figure, chart.printed_figure(DRAW_WIDTH_PX)):
        assert figure.layout.showlegend is True
        assert [trace.name for trace in figure.data if trace.showlegend is not False] == sorted(beneficiaries)
        assert margins.reserve(figure.to_dict(), margins.PHONE_WIDTH)["t"] > figures.TEXT_SIZE * 2, "the legend's row"


@pytest.mark.usefixtures("warehouse")
@pytest.mark.parametrize("unit", ["idr", "score", "count"])
def test_presentation_mode_grows_rows_as_their_text_not_to_a_projectors_height(unit: str) -> None:
    """Presentation mode writes every text PROJECTOR_SCALE times larger. Rows sized in px (an achieved value's
    title and bar, a trend's title and line) grow with it, no more: stretched to PROJECTOR_HEIGHT, the sample's
    two rupiah values stood as bars 115 px thick under 20 px titles. A chart of many rows grows alike."""
    ctx = _context("en")
    scale = figures.PROJECTOR_SCALE
    for chart in (charts.outcome_values(ctx, unit), charts.outcome_trends(ctx, unit)):
        assert chart is not None
        wide = chart.figure_for(charts.Medium.PROJECTOR)
        projected = chart.projector_figure
        room = margins.reserve(wide.to_dict(), figures.WIDE_WIDTH)  # the rows' px, as the builder sized them
        rows = wide.layout.height - room["t"] - room["b"]
        margin = projected.layout.margin
        plot = projected.layout.height - margin.t - margin.b
        small = margins.reserve(projected.to_dict(), margins.SMALL_PROJECTOR_WIDTH)
        assert projected.layout.height == round(rows * scale) + small["t"] + small["b"], chart.name
        grown = round(rows * scale)
        assert grown <= plot <= grown + (small["t"] - margin.t) + (small["b"] - margin.b), chart.name
        bars = [trace for trace in projected.data if trace.type == "bar"]
        if bars:  # a bar's drawn thickness: its share of a row, times the row's px
            count = len(wide.layout.yaxis.categoryarray)
            thickness = plot / count * bars[0].width
            assert figures.VALUE_BAR * scale - 0.5 <= thickness <= figures.VALUE_BAR * scale * 1.1, (chart.name,
                                                                                                   thickness)


@pytest.mark.usefixtures("warehouse")
def test_an_activitys_title_is_cut_for_a_phone_and_whole_on_a_projector_or_printed() -> None:
    """On the page a timeline title is cut to one line of a phone's plot (cut at 40 characters, 32 of the
    sample's 46 were). Presentation mode (above the bars) and the printed report (beside the rows) cut at 80:
    the sample's titles (up to 66) whole, as the data table has them."""
    ctx = _context("en")
    chart = charts.activities_timeline(ctx)
    assert chart is not None and not chart._built_wide
    titles = sorted(chart.data[ctx.column("title")])

    def titles_above(figure: go.Figure) -> list[str]:  # written above the bars, by text traces
        return [text for trace in figure.data if trace.type == "scatter" and trace.mode == "text"
                for text in trace.text]

    def written(figure: go.Figure) -> list[str]:  # above the bars or beside the rows (ticks)
        above = titles_above(figure)
        beside = [text for name, axis in figure.layout.to_plotly_json().items() if name.startswith("yaxis")
                  for text in axis.get("ticktext") or ()]
        return sorted(shown(text) for text in above or beside)

    page = written(chart.figure)
    room = _timeline_room(chart.figure)
    whole = sorted(title for title in titles if margins.text_width(title, figures.TICK_SIZE) <= room)
    cut = [title for title in page if title not in whole]
    assert len(page) == len(titles) and len(whole) > 30 and sorted(t for t in page if t not in cut) == whole, page
    assert cut and all(title.endswith(figures.ELLIPSIS) and any(name.startswith(title[:-1]) for name in titles)
                       for title in cut), cut
    printed = chart.printed_figure(DRAW_WIDTH_PX)
    assert written(chart.projector_figure) == titles and written(printed) == titles
    assert titles_above(chart.projector_figure) and not titles_above(printed), "printed, beside the rows"
    assert markup_problems(chart.projector_figure) == [] and markup_problems(printed) == []
    assert written(chart.figure) == page, "the page's figure is left as it was"


def test_hover_text_keeps_the_whole_text_in_lines() -> None:
    hover = figures.hover_text(LONG)
    lines = hover.split("<br>")
    assert all(len(html.unescape(line)) <= figures.HOVER_WIDTH for line in lines)
    assert " ".join(html.unescape(line) for line in lines) == " ".join(LONG.split())
    assert figures.hover_text(LINK) == figures.plain(LINK)


# -- the timeline ----------------------------------------------------------------------------------------

def activities(titles: list[str], years: list[int] | None = None) -> pd.DataFrame:
    """Rows as dashboard.queries.activity_timeline returns them."""
    years = years or [2019] * len(titles)
    types = schema.ACTIVITY_TYPE.codes
    return pd.DataFrame({
        "activity_id": [f"A{year}-{index:02d}" for index, year in enumerate(years, start=1)],
        "year": years, "title": titles,
        "type": [types[index % len(types)] for index in range(len(titles))],
        "field": "arts_culture", "host_city": "jakarta",
        "start_date": [dt.date(year, 7, 1 + index) for index, year in enumerate(years)],
        "end_date": [dt.date(year, 7, 2 + index) for index, year in enumerate(years)],
        "participants_jakarta": 3, "participants_partner": 4, "organizer": LINK})


def month_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Activities per program year, calendar month of their start and type, as dashboard.queries.activity_months
    returns them (tests/test_bench_warehouses.py checks that query against the warehouse)."""
    start = pd.to_datetime(frame["start_date"])
    return frame.assign(calendar_year=start.dt.year, month=start.dt.month) \
        .groupby(["year", "calendar_year", "month", "type"], as_index=False).size() \
        .rename(columns={"size": "activities"})


def rows(figure: dict[str, Any]) -> dict[tuple[str, int], tuple[str, str]]:
    """Timeline row (its panel's y axis, its place) -> (the title shown for it, its hover title), over every
    year's panel: the title written above the row's bar, or its tick label beside the row (printed)."""
    titles = {(trace.get("yaxis", "y"), round(y - figures.TITLES_ABOVE.title)): text
              for trace in figure["data"] if trace.get("mode") == "text"
              for y, text in zip(trace["y"], trace["text"], strict=True)}
    for name, axis in figure["layout"].items():
        if name.startswith("yaxis") and axis.get("showticklabels") is not False:
            titles |= {(name.replace("axis", ""), row): text
                       for row, text in zip(axis["tickvals"], axis["ticktext"], strict=True)}
    return {(trace.get("yaxis", "y"), row): (titles[(trace.get("yaxis", "y"), row)], custom[0])
            for trace in figure["data"] if trace["type"] == "bar"
            for row, custom in zip(trace["y"], trace["customdata"], strict=True)}


def test_timeline_shows_hostile_titles_as_text_and_cuts_long_ones() -> None:
    figure = figures.timeline(activities(list(HOSTILE)), "id", "Linimasa kegiatan")
    assert markup_problems(figure) == []
    by_title = {shown(hover): (tick, hover) for tick, hover in rows(figure_json(figure)).values()}
    long_hover = next(title for title in by_title if title.startswith(LONG[:50]))
    assert set(by_title) == {LINK, SPAN, TEMPLATE, long_hover}
    # Each title on one line within a phone's plot (the margins as the chart reserves them).
    room = _timeline_room(figure)
    for tick, _hover in by_title.values():
        assert "\n" not in shown(tick) and margins.text_width(shown(tick), figures.TICK_SIZE) <= room, tick
    assert shown(by_title[LINK][0]) == LINK and by_title[LINK][1] == figures.plain(LINK)  # whole where it fits
    assert shown(by_title[TEMPLATE][0]) == TEMPLATE
    # The long title: cut with "…" on the axis, whole (in lines) in the hover label.
    long_tick = shown(by_title[long_hover][0])
    assert long_tick.endswith(figures.ELLIPSIS) and LONG.startswith(long_tick[:-1])
    assert long_hover.replace("\n", " ") == " ".join(LONG.split())


def _timeline_room(figure: go.Figure, width: int = margins.PHONE_WIDTH) -> float:
    """The px a timeline's titles have: its plot's width at ``width``, less the gap before a title."""
    room = margins.reserve(figure.to_dict(), width)
    return width - room["l"] - room["r"] - figures.TIMELINE_TITLE_GAP


def test_timeline_titles_fill_a_phones_width_not_a_count_of_characters() -> None:
    """Cut at 40 characters, a timeline's titles left a laptop's rows half empty, and 40 Chinese characters
    (480 px) ran past a phone's 330 px plot. Each is now cut to one line of the plot's width on a phone: a
    Latin title of 50 characters whole, a Chinese one cut with "…" inside the plot; the projector's, wide,
    up to LABEL_LIMIT characters."""
    latin = "Kunjungan ke Museum Perencanaan Kota Beijing 2019"
    chinese = "北京国际青年论坛暨雅加达与北京友好城市青年交流营开幕式与文化参访活动" * 2
    figure = figures.timeline(activities([latin, chinese]), "zh", "")
    titles = [shown(text) for trace in figure.data if trace.type == "scatter" and trace.mode == "text"
              for text in trace.text]
    room = _timeline_room(figure)
    assert latin in titles and len(latin) > 40
    (cut,) = [title for title in titles if title != latin]
    assert cut.endswith(figures.ELLIPSIS) and chinese.startswith(cut[:-1])
    assert room - 2 * figures.TICK_SIZE < margins.text_width(cut, figures.TICK_SIZE) <= room, "the line filled"
    wide = figures.timeline(activities([LONG]), "en", "", width=figures.WIDE_WIDTH)
    (long_title,) = [shown(text) for trace in wide.data if trace.type == "scatter" and trace.mode == "text"
                     for text in trace.text]
    assert len(long_title) <= figures.LABEL_LIMIT and long_title.endswith(figures.ELLIPSIS)


def test_timeline_gives_each_activity_its_own_row() -> None:
    """The same title in two years: two rows (they shared one before), both labelled with the title."""
    frame = activities(["Youth camp", "Youth camp", "Forum"], years=[2018, 2019, 2019])
    shown_rows = rows(figure_json(figures.timeline(frame, "en", "Timeline")))
    assert len(shown_rows) == 3
    assert sorted(tick for tick, _ in shown_rows.values()) == ["Forum", "Youth camp", "Youth camp"]


@pytest.mark.parametrize("layout", [figures.TITLES_ABOVE, figures.TITLES_BESIDE], ids=["page", "printed"])
@pytest.mark.parametrize("years", [[2018], [2018, 2019]], ids=["one-year", "two-years"])
def test_a_timeline_of_one_activity_a_year_is_drawn(layout: figures.TimelineRows, years: list[int]) -> None:
    """One year and one field can hold a single activity (the sample's 2018 in tourism): the Activities page
    failed on it, because a year's gap to the next panel was asked for even with no next panel."""
    frame = activities([f"Visit {year}" for year in years], years=years)
    figure = figures.timeline(frame, "en", "Timeline", layout=layout)
    assert sorted(tick for tick, _ in rows(figure_json(figure)).values()) == sorted(frame["title"])


def test_a_timeline_panel_names_months_over_a_long_span_and_days_over_a_short_one() -> None:
    """Day ticks every two weeks over three months turned upright and ran into each other on a phone."""
    short = activities(["A", "B", "C"], [2018, 2018, 2018])  # 1–4 July
    long = pd.concat([activities(["A", "B", "C"], [2019, 2019, 2019]),  # 1–4 July 2019, and 20–22 October
                      short.head(1).assign(year=2019, activity_id="B4", start_date=dt.date(2019, 10, 20),
                                           end_date=dt.date(2019, 10, 22))])
    layout = figure_json(figures.timeline(pd.concat([short, long]), "zh", "t"))["layout"]
    assert {key: layout["xaxis"].get(key) for key in ("tickformat", "nticks", "dtick")} == {
        "tickformat": "%-m月%-d日", "nticks": 6, "dtick": None}
    assert {key: layout["xaxis2"].get(key) for key in ("tickformat", "dtick", "ticklabelmode")} == {
        "tickformat": "%-m月", "dtick": "M1", "ticklabelmode": "period"}
    # Days: two days of room either side of 1 July to the end of 4 July. Months: whole months, so the first
    # month is named too (in its middle; a panel from 20 August left August unnamed before).
    assert [day[:10] for day in layout["xaxis"]["range"]] == ["2018-06-29", "2018-07-07"]
    assert [day[:10] for day in layout["xaxis2"]["range"]] == ["2019-07-01", "2019-11-01"]


def running_into_january(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """``frame`` with its last activity of ``year`` moved to 20 December – 10 January of the next year."""
    last = frame.index[frame["year"] == year][-1]
    return frame.assign(start_date=frame["start_date"].where(frame.index != last, dt.date(year, 12, 20)),
                        end_date=frame["end_date"].where(frame.index != last, dt.date(year + 1, 1, 10)))


def crossing_new_year(year: int) -> pd.DataFrame:
    """Two activities of ``year`` a week apart around the new year: a panel marked by day."""
    return activities(["D", "E"], [year, year]).assign(start_date=[dt.date(year, 12, 28), dt.date(year + 1, 1, 2)],
                                                       end_date=[dt.date(year, 12, 29), dt.date(year + 1, 1, 3)])


def test_a_timeline_panel_names_a_date_of_the_next_year_with_its_year() -> None:
    """A panel "2019" of rows running into January named its months "Nov Des Jan": January 2019 to a reader.
    Such a panel's dates of another calendar year are written with their year on a second line, as the
    month panels write them ("Jan<br>2020"); the others as before, and a panel within its year is untouched."""
    within = activities(["A", "B", "C"], [2017, 2017, 2017])
    frame = pd.concat([within, crossing_new_year(2018), running_into_january(activities(["F", "G"]), 2019)],
                      ignore_index=True).assign(activity_id=lambda f: [f"A{i}" for i in range(len(f))])
    for lang, (july, december, january) in {"id": ("Jul", "Des", "Jan"), "en": ("Jul", "Dec", "Jan"),
                                            "zh": ("7月", "12月", "1月")}.items():
        figure = figure_json(figures.timeline(frame, lang, "t"))
        layout = figure["layout"]
        assert "labelalias" not in layout["xaxis"] and "%Y" not in layout["xaxis"]["tickformat"]
        months = layout["xaxis3"]  # July 2019 to January 2020, by month
        assert months["tickformat"] == figures.MONTH_NAME.get(lang, "%b") + " %Y"
        aliases = months["labelalias"]
        named = list(aliases.values())
        assert named[0] == july and named[-2:] == [december, f"{january}<br>2020"]
        assert all(label.endswith(" 2019") == ("<br>" not in alias) for label, alias in aliases.items())
        days = layout["xaxis2"]["labelalias"]  # 26 December 2018 to 6 January 2019, by day
        assert len(days) == 12 and sum("<br>2019" in alias for alias in days.values()) == 6
        assert days[figures.d3_date(pd.Timestamp(2019, 1, 2), layout["xaxis2"]["tickformat"], lang)] == \
            figures.d3_date(pd.Timestamp(2019, 1, 2), figures.DAY_TICK.get(lang, "%-d %b"), lang) + "<br>2019"
        # The year's line gets its room: two gaps, and the last panel's labels a line taller.
        alone = figure_json(figures.timeline(activities(list("ABCDEFG"), [2017] * 3 + [2018] * 2 + [2019] * 2)
                                             .assign(type=frame["type"]), lang, "t"))
        assert "labelalias" not in alone["layout"]["xaxis3"]
        assert layout["height"] - alone["layout"]["height"] == 3 * figures.YEAR_LINE
        assert margins.reserve(figure, margins.PHONE_WIDTH)["b"] >= \
            margins.reserve(alone, margins.PHONE_WIDTH)["b"] + figures.TICK_SIZE


def _named_months_fit(axis: dict[str, Any], plot_width: float, gap: float) -> bool:
    """Whether a date axis's named months (one per dtick over its range) stand level side by side."""
    start, end = (pd.Timestamp(day) for day in axis["range"])
    months = (end.year - start.year) * 12 + end.month - start.month
    step = int(str(axis["dtick"]).removeprefix("M"))
    return -(-months // step) * (margins.text_width(margins.date_label(axis), figures.TICK_SIZE) + gap) <= plot_width


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_long_timeline_panel_names_as_many_months_as_stand_level(lang: str) -> None:
    """A program year from July to the next June: a phone's panel turned its twelve names upright (those of
    the next year two lines each). It names every second month there, the others keeping their gridlines,
    and every month on the wide media. A date years away (the loader's far_from_year remark) is named by
    the years, not by hundreds of months."""
    frame = running_into_january(activities(["F", "G"]), 2019)
    frame.loc[frame.index[-1], "end_date"] = dt.date(2020, 6, 22)
    phone = figure_json(figures.timeline(frame, lang, "t"))
    plot_width = margins.PHONE_WIDTH - sum(margins.reserve(phone, margins.PHONE_WIDTH)[side] for side in "lr")
    axis = phone["layout"]["xaxis"]
    assert axis["dtick"] == "M2" and axis["minor"]["dtick"] == "M1" and axis["minor"]["showgrid"] is True
    assert _named_months_fit(axis, plot_width, margins.LABEL_GAP)
    assert not _named_months_fit({**axis, "dtick": "M1"}, plot_width, margins.LABEL_GAP), "every month does not fit"
    wide = figure_json(figures.timeline(frame, lang, "t", width=figures.WIDE_WIDTH))["layout"]["xaxis"]
    assert wide["dtick"] == "M1" and "minor" not in wide and wide["labelalias"] == axis["labelalias"]
    frame.loc[frame.index[-1], "end_date"] = dt.date(2091, 8, 5)
    far = figure_json(figures.timeline(frame, lang, "t"))["layout"]["xaxis"]
    assert far["tickformat"] == "%Y" and "labelalias" not in far and int(far["dtick"][1:]) % 12 == 0
    assert _named_months_fit(far, plot_width, margins.LABEL_GAP)


def test_each_title_is_written_above_its_own_bar_from_the_panels_left_edge() -> None:
    """Titles as tick labels took 240 of a phone's 320 px; above the bars they leave the dates the width."""
    frame = activities(["Youth camp", "Forum", "Seminar"], years=[2018, 2019, 2019])
    figure = figure_json(figures.timeline(frame, "en", "Timeline"))
    layout = figure["layout"]
    assert all(axis.get("showticklabels") is False for name, axis in layout.items() if name.startswith("yaxis"))
    for axis in ("y", "y2"):
        (titles,) = [t for t in figure["data"] if t.get("mode") == "text" and t.get("yaxis", "y") == axis]
        bars_ = [t for t in figure["data"] if t["type"] == "bar" and t.get("yaxis", "y") == axis]
        x_axis = layout["xaxis" if axis == "y" else "xaxis2"]
        assert set(titles["x"]) == {x_axis["range"][0]} and titles["textposition"] == "middle right"
        top, bottom = layout["yaxis" if axis == "y" else "yaxis2"]["range"][::-1]
        for bar in bars_:
            for row in bar["y"]:
                title = titles["y"][row]
                # Reversed axis (the first row on top): the title in its row's upper half, the bar below it.
                assert top <= row - 0.5 < title < row < row + bar["offset"] < row + bar["offset"] + bar["width"] \
                    < row + 0.5 <= bottom
    assert len(rows(figure)) == 3


def test_a_printed_timeline_writes_the_titles_beside_the_rows() -> None:
    """A page's height squeezes the printed timeline's rows: too thin for a title above each bar."""
    frame = activities(["Youth camp", "Forum", "Seminar"], years=[2018, 2019, 2019])
    figure = figure_json(figures.timeline(frame, "en", "Timeline", layout=figures.TITLES_BESIDE))
    assert not [trace for trace in figure["data"] if trace.get("mode") == "text"]
    assert sorted(tick for tick, _hover in rows(figure).values()) == ["Forum", "Seminar", "Youth camp"]
    for bar in (trace for trace in figure["data"] if trace["type"] == "bar"):
        assert bar["offset"] == -bar["width"] / 2  # centred on its row, beside its title
    on_screen = figure_json(figures.timeline(frame, "en", "Timeline"))
    assert figure["layout"]["height"] < on_screen["layout"]["height"]


def test_presentation_mode_grows_the_timelines_titles_and_rows_alike() -> None:
    figure = figures.timeline(activities(["Youth camp", "Forum"], years=[2018, 2019]), "en", "Timeline")
    bigger = figures.for_projector(figure, {"t": 30}, margins.PROJECTOR_WIDTH)
    titles = [t for t in bigger.data if t.type == "scatter" and t.mode == "text"]
    assert titles and all(t.textfont.size == round(figures.TICK_SIZE * figures.PROJECTOR_SCALE) for t in titles)
    assert bigger.layout.height == max(round(figure.layout.height * figures.PROJECTOR_SCALE),
                                       figures.PROJECTOR_HEIGHT)


def test_a_busy_timeline_counts_per_month_named_in_the_readers_language() -> None:
    """More activities than rows: counted by the month each starts in, a panel per program year, the months
    named as the language does on the axis and in the hover."""
    frame = pd.concat([activities([f"Kegiatan {index}" for index in range(20)], years=[year] * 20)
                       for year in (2018, 2018, 2019, 2019)], ignore_index=True)
    assert len(frame) > figures.TIMELINE_ROWS
    frame["start_date"] = [dt.date(year, 1 + index % 12, 5) for index, year in enumerate(frame["year"])]
    frame["end_date"] = frame["start_date"]
    months = {(day.year, day.month) for day in frame["start_date"]}
    for lang, august, named in (("id", "Agu 2018", "Agu"), ("en", "Aug 2018", "Aug"), ("zh", "2018年8月", "8月")):
        figure = figure_json(figures.activities_per_month(month_counts(frame), lang, "Kegiatan", "Kegiatan"))
        bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
        assert bars and all("base" not in trace for trace in bars), "counted per month"
        hovered = {label for trace in bars for label in trace["customdata"]}
        assert august in hovered and len(hovered) == len(months), hovered
        assert named in figure["layout"]["xaxis"]["ticktext"]


def test_ten_years_of_activities_counted_per_month_stand_in_a_panel_per_year() -> None:
    """On one date axis across ten years, activities between July and November stood as bars 3 px wide on a
    phone, between months of nothing. Each program year has its panel; the panels share the months from
    the earliest to the latest any year starts an activity in, and one scale; each month's total is written
    above it and equals the activities starting then."""
    years = list(range(2017, 2027))
    frame = pd.concat([activities([f"Kegiatan {index}" for index in range(8)], years=[year] * 8)
                       for year in years], ignore_index=True)
    frame["start_date"] = [dt.date(year, 7 + index % 5, 10) for index, year in enumerate(frame["year"])]
    frame["end_date"] = frame["start_date"]
    assert len(frame) > figures.TIMELINE_ROWS
    figure = figure_json(figures.activities_per_month(month_counts(frame), "en", "Activities over time",
                                                      "Activities"))
    layout = figure["layout"]
    axes = sorted((name for name in layout if name.startswith("xaxis")), key=lambda name: int(name[5:] or 1))
    assert len(axes) == len(years)
    titles = [annotation["text"] for annotation in layout["annotations"] if annotation.get("xref") == "paper"]
    assert titles == [str(year) for year in years]
    named = month_names("en")  # CLDR's, as the axis writes them: "Sept" in British English
    for name in axes:
        assert layout[name]["ticktext"] == named[6:11]
        assert layout[name]["categoryarray"] == ["m7", "m8", "m9", "m10", "m11"]
        assert layout[name]["range"] == [-0.5, 4.5]
    scales = {tuple(layout[name]["range"]) for name in layout if name.startswith("yaxis")}
    assert len(scales) == 1, "one scale for every year"
    expected = pd.Series([(day.year, day.month) for day in frame["start_date"]]).value_counts()
    assert month_totals(figure) == {key: str(count) for key, count in expected.to_dict().items()}
    assert not [note for note in layout["annotations"] if note.get("textangle")], "one digit stands level"
    assert layout["height"] == (len(years) * figures.MONTH_PANEL + (len(years) - 1) * figures.MONTH_GAP
                                + figures.TIMELINE_FRAME + figures.LEGEND_ROW_HEIGHT * (frame["type"].nunique() // 3))


def _running_into_the_next_year() -> pd.DataFrame:
    """2018's 30 activities from July to November; 2019's 35 from August to December and 10 more starting in
    January 2020 (follow-ups of the 2019 program, as its workbook says)."""
    frame = pd.concat([activities([f"Kegiatan {index}" for index in range(15)], years=[year] * 15)
                       for year in (2018, 2018, 2019, 2019, 2019)], ignore_index=True)
    frame["start_date"] = [dt.date(2018, 7 + index % 5, 3) for index in range(30)] + \
        [dt.date(2019, 8 + index % 5, 3) for index in range(35)] + [dt.date(2020, 1, 20)] * 10
    frame["end_date"] = frame["start_date"]
    return frame


def test_month_panels_name_as_many_months_as_stand_level() -> None:
    """Activities of 2019 from July to January 2021 (a date the loader remarks on, loaded as written): 19
    months do not stand level side by side on a phone. Every month keeps its place and its bar; every second
    is named (from January: July, September …), those of another calendar year with it on a second line."""
    frame = _running_into_the_next_year()
    frame.loc[frame.index[-1], "start_date"] = frame.loc[frame.index[-1], "end_date"] = dt.date(2021, 1, 20)
    figure = figure_json(figures.activities_per_month(month_counts(frame), "en", "Activities", "Activities"))
    axis = figure["layout"]["xaxis2"]
    assert axis["categoryarray"] == [f"m{slot}" for slot in range(7, 26)]
    named = range(7, 26, 2)
    assert axis["tickvals"] == [f"m{slot}" for slot in named]
    names = month_names("en")
    assert axis["ticktext"] == [names[(slot - 1) % 12] + (f"<br>{2019 + (slot - 1) // 12}" if slot > 12 else "")
                                for slot in named]
    plot_width = figures._months_plot_width(names, "en", "Activities", margins.PHONE_WIDTH)
    widest = max(margins.text_width(text, figures.TICK_SIZE) for text in axis["ticktext"])
    assert len(named) * (widest + figures.LEVEL_MONTHS_GAP) <= plot_width < 19 * (widest + figures.LEVEL_MONTHS_GAP)
    assert figure["layout"]["xaxis"]["tickvals"] == axis["tickvals"]  # the panels share their months
    wide = figure_json(figures.activities_per_month(month_counts(frame), "en", "Activities", "Activities",
                                                    width=figures.WIDE_WIDTH))["layout"]["xaxis2"]
    assert wide["tickvals"] == axis["categoryarray"], "every month named on the wide media"
    # Each month's total stands above it, named or not (January 2021 is the 25th month of 2019's panel).
    counted = frame.assign(slot=[12 * (day.year - year) + day.month
                                 for day, year in zip(frame["start_date"], frame["year"], strict=True)])
    assert month_totals(figure) == {(int(year), int(slot)): str(count) for (year, slot), count in
                                    counted.groupby(["year", "slot"]).size().items()}


def test_activities_counted_per_month_stand_in_their_program_years_panel() -> None:
    """The panels were calendar years: 2019's follow-up activities starting in January 2020 stood in a panel
    "2020", a year the filter does not name, and 2019's panel counted 35 where the chart of types beside it
    (and the timeline's rows, a panel per program year) counted 45. Now each program year has its panel, and
    a month of the next calendar year stands after its December, every panel placing it alike."""
    frame = _running_into_the_next_year()
    assert len(frame) > figures.TIMELINE_ROWS
    for lang, january in (("id", "Jan"), ("en", "Jan"), ("zh", "1月")):
        figure = figure_json(figures.activities_per_month(month_counts(frame), lang, "Kegiatan", "Kegiatan"))
        layout = figure["layout"]
        assert [note["text"] for note in layout["annotations"] if note.get("xref") == "paper"] == ["2018", "2019"]
        named = month_names(lang)
        # Each panel names the month after December with its year.
        for axis, year in (("xaxis", 2018), ("xaxis2", 2019)):
            assert layout[axis]["ticktext"] == [*named[6:12], f"{january}<br>{year + 1}"]
            assert layout[axis]["categoryarray"] == [f"m{slot}" for slot in range(7, 14)]
        written = {key: int(text) for key, text in month_totals(figure).items()}
        assert written[(2019, 13)] == 10 and (2018, 13) not in written  # 2019's January after, 2020
        # The year's line gets its room: the panels stand further apart, the figure taller by a line each.
        within = figure_json(figures.activities_per_month(month_counts(frame[frame["start_date"].map(
            lambda day: day.year) == frame["year"]]), lang, "Kegiatan", "Kegiatan"))
        assert layout["height"] == within["layout"]["height"] + 2 * figures.YEAR_LINE
        assert {year: sum(n for (y, _), n in written.items() if y == year) for year in (2018, 2019)} == \
            frame["year"].value_counts().to_dict()
        hovered = {label for trace in figure["data"] if trace["type"] == "bar" and trace["xaxis"] == "x2"
                   for label in trace["customdata"]}
        assert {"Jan 2020", "2020年1月"} & hovered


@pytest.mark.usefixtures("warehouse")
@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "Dalam angka — Kegiatan: 30 pada 2018 (terbanyak pada Juli, Agustus, September, Oktober, dan "
           "November: 6), 45 pada 2019 (terbanyak pada Januari 2020: 10)."),
    ("en", "In numbers — Activities: 30 in 2018 (the most in July, August, September, October and November: 6), "
           "45 in 2019 (the most in January 2020: 10)."),
    ("zh", "数字概要——活动：2018\u00a0年 30\u00a0项（最多在7月、8月、9月、10月和11月：6\u00a0项）、"
           "2019\u00a0年 45\u00a0项（最多在2020年1月：10\u00a0项）。"),
])
def test_the_month_panels_text_alternative_counts_program_years(lang: str, expected: str) -> None:
    """Its counts per year are the program years' (the by-type chart's), a busiest month of the next calendar
    year named with its year."""
    ctx = PageContext(db.reader(), Filters((2018, 2019), "beijing", schema.FIELD.codes, "both", lang))
    assert charts._months_alternative(ctx, month_counts(_running_into_the_next_year())) == expected


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_month_totals_too_wide_for_a_phone_are_turned_upright_in_a_taller_panel(lang: str) -> None:
    """At 1M rows a month holds over a thousand activities: eleven totals of four digits side by side on a
    phone ran together ("1.0861.0491.104"). Turned upright, each stands clear of the next, and its panel grows
    by the tallest total, so the bars keep their height; on a projector or paper they stand level."""
    months = range(1, 12)
    counts = pd.DataFrame([(year, year, month, code, 130 + 7 * month + year % 3)
                           for year in (2025, 2026) for month in months for code in schema.ACTIVITY_TYPE.codes],
                          columns=["year", "calendar_year", "month", "type", "activities"])
    totals = counts.groupby(["year", "month"])["activities"].sum()
    labels = [format_number(total, lang) for total in totals]
    phone = figure_json(figures.activities_per_month(counts, lang, "t", "y"))
    wide = figure_json(figures.activities_per_month(counts, lang, "t", "y", width=figures.WIDE_WIDTH))
    level = wide["layout"]
    assert not [note for note in level["annotations"] if note.get("textangle")], "level where they fit"
    layout = phone["layout"]
    turned = [note for note in layout["annotations"] if note.get("xref") != "paper"]
    assert len(turned) == len(totals) and {note.get("textangle") for note in turned} == {-90}
    assert sorted(month_totals(phone).values()) == sorted(labels)
    # Level, each total is wider than its month's share of a phone's plot.
    plot = margins.PHONE_WIDTH - sum(margins.reserve(phone, margins.PHONE_WIDTH)[side] for side in "lr")
    assert figures._months_plot_width(month_names(lang)[:11], lang, "t", margins.PHONE_WIDTH) == plot, "decided on it"
    assert max(margins.text_width(label, figures.TEXT_SIZE) for label in labels) > plot / len(months)
    # Upright: the tallest total stands inside its panel above the highest bar, and the bars are as tall as
    # with level totals.
    tallest = max(margins.text_width(label, figures.TEXT_SIZE) for label in labels)
    panel_px = (layout["height"] - (level["height"] - 2 * figures.MONTH_PANEL)) / 2
    assert panel_px >= figures.MONTH_BARS + tallest + figures.TURNED_GAP
    top = layout["yaxis"]["range"][1]
    assert float(totals.max()) / top * panel_px == pytest.approx(figures.MONTH_BARS, abs=1)


def test_every_chart_carries_its_languages_locale() -> None:
    """Plotly registers no locale of its own here: each chart's config gives it CLDR's month names and the
    toolbar's tooltips in the reader's language (checked in the browser by tests/e2e/test_browse.py)."""
    months = {"id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
              "zh": [f"{month}月" for month in range(1, 13)]}
    for lang, short in months.items():
        config = components.chart_config("chart", lang)
        assert config["locale"] == lang
        locale = config["locales"][lang]
        assert locale["format"]["shortMonths"] == short
        assert locale["format"]["months"][7] == {"id": "Agustus", "zh": "八月"}[lang]
        assert set(locale["dictionary"]) == set(components.PLOTLY_TEXTS)
        assert locale["dictionary"]["Download plot as a PNG"] == toml_catalogue(lang)["plotly.download_png"]
        assert "PNG" in locale["dictionary"]["Download plot as a PNG"] != "Download plot as a PNG"


# -- every builder, with every label hostile -------------------------------------------------------------

def _hostile_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every vocabulary label and catalogue text the builders use becomes markup."""
    monkeypatch.setattr(schema.Vocabulary, "label", lambda self, code, lang: f"{SPAN}{code}")
    monkeypatch.setattr(figures, "translate", lambda lang, key, **params: f"{LINK}{key}")


def _year_frame(**columns: object) -> pd.DataFrame:
    return pd.DataFrame({"year": [2018, 2019], **columns})


BUILDERS: dict[str, Callable[[], go.Figure]] = {
    "stacked_by_year": lambda: figures.stacked_by_year(
        pd.DataFrame({"year": [2018, 2019], "type": ["forum", "forum"], "activities": [1, 2]}), "type",
        "activities", schema.ACTIVITY_TYPE, "en", LINK, SPAN, TEMPLATE),
    "selection_panels": lambda: figures.selection_panels(
        _year_frame(applicants=[5, 6], selected=[1, 2], rate=[0.2, 0.3]), "en", TEMPLATE, LINK, SPAN, TEMPLATE, LINK),
    "stacked_parts": lambda: figures.stacked_parts(
        _year_frame(first_time=[5, 6], returning=[1, 2]), {"first_time": LINK, "returning": SPAN}, "en", TEMPLATE,
        LINK),
    "funnel": lambda: figures.funnel(pd.DataFrame({"year": [2019, 2019], "position": [1, 2],
                                                  "stage": list(schema.STAGE.codes[:2]), "applicants": [9, 3],
                                                  "conversion": [None, 1 / 3]}),
                                    "en", LINK, {code: SPAN for code in schema.STAGE.codes}, SPAN, TEMPLATE),
    "timeline": lambda: figures.timeline(activities(list(HOSTILE)), "en", SPAN),
    "activities_per_month": lambda: figures.activities_per_month(
        pd.DataFrame({"year": [2018, 2019], "calendar_year": [2018, 2020], "month": [7, 1],
                      "type": list(schema.ACTIVITY_TYPE.codes[:2]), "activities": [61, 3]}), "en", SPAN, LINK),
    "heatmap": lambda: figures.heatmap(pd.DataFrame({"category": list(schema.OBSTACLE_CATEGORY.codes[:2]),
                                                    "severity": [1, 5], "obstacles": [2, 3]}), "en", LINK, SPAN),
    "category_by_beneficiary": lambda: figures.category_by_beneficiary(
        pd.DataFrame({"category": list(schema.BENEFIT_CATEGORY.codes[:2]),
                      "beneficiary": list(schema.BENEFICIARY.codes[:2]), "indicators": [4, 5]}), "en", LINK, SPAN),
    "indicator_values": lambda: figures.indicator_values(
        pd.DataFrame({"year": [2019, 2019], "benefit_id": [LINK, "B2"], "indicator": [LINK, SPAN],
                      "category": list(schema.BENEFIT_CATEGORY.codes[:2]), "beneficiary": ["jakarta", "both"],
                      "value": [50.0, 60.0]}), "en", TEMPLATE, SPAN, "percent"),
    "indicator_trends": lambda: figures.indicator_trends(
        pd.DataFrame({"year": [2018, 2019], "indicator_code": ["X-1", "X-1"], "indicator": [LINK, SPAN],
                      "value": [3.5, 4.0]}), "en", TEMPLATE, "score", [2018, 2019]),
    "sides_by_type": lambda: figures.sides_by_type(
        pd.DataFrame({"type": list(schema.ACTIVITY_TYPE.codes[:2]), "participants_jakarta": [1, 2],
                      "participants_partner": [3, 4]}), "en", LINK, SPAN,
        {"participants_jakarta": TEMPLATE, "participants_partner": LINK}),
}


@pytest.mark.parametrize("builder", BUILDERS, ids=str)
def test_every_builder_shows_its_labels_as_text(builder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _hostile_labels(monkeypatch)
    figure = BUILDERS[builder]()
    assert markup_problems(figure) == []
    texts = [shown(text) for _path, text in strings(figure_json(figure))]
    assert any(LINK in text or SPAN in text for text in texts), "the hostile text is still shown, as text"


def test_the_check_finds_raw_markup() -> None:
    """markup_problems is not blind: a figure built without plain() is reported."""
    figure = go.Figure(go.Bar(y=[LINK], x=[1], name=SPAN, customdata=[TEMPLATE],
                              hovertemplate="%{customdata}<extra></extra>"))
    figure.update_layout(title={"text": LINK})
    found = {problem.split(":", 1)[0] for problem in markup_problems(figure)}
    assert found == {".data[0].y[0]", ".data[0].name", ".data[0].customdata[0]", ".layout.title.text"}, found


# -- through dashboard.charts and the report, on a warehouse ---------------------------------------------

HOSTILE_ROWS = {2: LINK, 3: SPAN, 4: TEMPLATE}
# Longer than the chart label, within any sane limit of the schema for a title.
LONGISH = ("Diskusi revitalisasi kawasan Kota Tua dan trotoar Sudirman–Thamrin bersama warga " * 2)[:150]


@pytest.fixture
def hostile_warehouse(warehouse: Warehouse, tmp_path: Path) -> Warehouse:
    """The sample warehouse with 2017 replaced by a workbook whose activity titles are hostile."""
    titles = set_cells("activities", {("title", row): title for row, title in {**HOSTILE_ROWS, 5: LONGISH}.items()})
    path = edited_sample(tmp_path / "upload" / "2017.xlsx", titles, year=2017)
    load_files(warehouse, [path], replace=True, loaded_by="test")
    return warehouse


def _context(lang: str = "id") -> PageContext:
    return PageContext(db.reader(), Filters((2017, 2018, 2019), "beijing", schema.FIELD.codes, "both", lang))


def test_activities_timeline_from_a_workbook_shows_titles_as_text(hostile_warehouse: Warehouse) -> None:
    ctx = _context()
    chart = charts.activities_timeline(ctx)
    assert chart is not None
    assert markup_problems(chart.figure) == []
    shown_rows = rows(figure_json(chart.figure))
    hovers = {shown(hover).replace("\n", " ") for _tick, hover in shown_rows.values()}
    assert {LINK, SPAN, TEMPLATE, LONGISH} <= hovers
    ticks = {shown(tick) for tick, _hover in shown_rows.values()}
    assert {shown(figures.plain(text)) for text in (LINK, SPAN, TEMPLATE)} <= ticks, "whole where they fit"
    room = _timeline_room(chart.figure)
    assert all(margins.text_width(tick, figures.TICK_SIZE) <= room for tick in ticks)
    cut = [tick for tick in ticks if tick.endswith(figures.ELLIPSIS) and LONGISH.startswith(tick[:-1])]
    assert len(cut) == 1 and len(cut[0]) > 40, cut
    # The data table keeps the whole text, unescaped (st.dataframe shows text as text).
    titles = set(chart.data[ctx.column("title")])
    assert {LINK, SPAN, TEMPLATE, LONGISH} <= titles
    # Every chart of every page passes the same check.
    for page, built in charts.all_charts(ctx).items():
        for each in built:
            assert markup_problems(each.figure) == [], (page, each.name)
            assert markup_problems(each.projector_figure) == [], (page, each.name)


def test_offline_report_holds_no_hostile_markup(hostile_warehouse: Warehouse) -> None:
    report = build_report(_context("en"), Available(years=(2017, 2018, 2019), partners=("beijing",)))
    assert report.count(plotly_js()) == 1
    page = report.replace(plotly_js(), "")  # Plotly's own code holds HTML snippets of its own
    # The figures' JSON as the browser reads it (Plotly writes "/" and maybe "<" as \u escapes).
    page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match[1], 16)), page)
    assert "evil.example" in page, "the hostile title is in the report (as text)"
    for raw in ("<a href", "<span style"):
        assert raw not in page, raw
    # In the figures (where Plotly reads markup and templates), as Plotly shows text as written.
    figures_json = "".join(re.findall(r"<script type='application/json'>(.*?)</script>", page, flags=re.S))
    assert "%{x} dan" not in figures_json
    assert "&lt;a href=&#34;https://evil.example/login&#34;&gt;Klik di sini&lt;/a&gt;" in figures_json
    # In the charts' data tables, HTML-escaped text (a template means nothing to HTML).
    assert "&lt;a href=&quot;https://evil.example/login&quot;&gt;Klik di sini&lt;/a&gt;" in page



@pytest.mark.usefixtures("warehouse")
@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "Dalam angka — Nilai capaian (Jumlah): 1 indikator, dengan penerima manfaat Jakarta, bernilai 3."),
    ("en", "In numbers — Achieved value (Count): 1 indicator, benefiting Jakarta, at 3."),
    ("zh", "数字概要——达成值（数量）：1\u00a0项指标，受益方为雅加达，数值为 3。"),
])
def test_one_achieved_value_is_described_by_its_beneficiary_and_value(lang: str, expected: str) -> None:
    """The sample's 2019 in waste management holds one counted indicator, of value 3 for Jakarta. Its text
    alternative read "1 indicator (Jakarta 1), 3": a reader could not tell which number was the value."""
    ctx = PageContext(db.reader(), Filters((2019,), "beijing", ("waste_management",), "both", lang))
    chart = charts.outcome_values(ctx, "count")
    assert chart is not None and len(chart.data) == 1
    assert chart.alternative == expected
