"""Plotly figures with one theme: colour-blind-safe, same colour for the same category everywhere.

Figures are built from the small aggregate frames of dashboard.queries (which
hold category codes) and labelled in the reader's language here, so the
same builders serve the pages and the offline report.

Every string a builder puts into a figure goes through ``plain`` (and tick
labels of workbook text through ``short_label``): Plotly draws a subset of
HTML in titles, ticks, legends and hover labels (links, styled spans), and
substitutes ``%{...}`` in hover templates, so text from a workbook must reach
it escaped or a title could plant a link or huge text on a public chart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import itertools
import json
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboard import margins
from etl import schema
from translations import (
    colon_of,
    format_date_part,
    format_day,
    format_measure,
    format_number,
    format_percentage,
    month_names,
    translate,
)

# No template: every figure sets its own few style properties (base_layout). Copying and validating a
# template (Plotly's default, or "plotly_white") cost about 25 ms per figure, most of a page's server time.
pio.templates.default = None

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
EXTRA = ("#999999", "#882255", "#44AA99", "#117733", "#332288", "#DDCC77", "#AA4499", "#88CCEE")
# "Source Sans" is the web font Streamlit loads for its own text: charts get the same letters (and the same
# widths, which dashboard.margins relies on) on every machine; the others serve the report and CJK glyphs.
FONT = "Source Sans, Source Sans Pro, Noto Sans, Noto Sans CJK SC, Arial, sans-serif"
# Text colours against the white plot (WCAG contrast): INK 15.4:1, MUTED_INK 7.5:1; lines need not contrast.
INK = "#1f2933"
MUTED_INK = "#4a5561"
GRID = "#e6e9ed"
AXIS_LINE = "#9aa5b1"
# Text sizes (px). The figures are drawn with Plotly's own defaults for everything else, not Streamlit's
# theme (st.plotly_chart(theme=None)): what the page shows is what the report prints.
TEXT_SIZE = 14
TICK_SIZE = 12
LEGEND_SIZE = 13
LEGEND_TITLE_SIZE = 12
PROJECTOR_SCALE = margins.PROJECTOR_SCALE
WIDE_WIDTH = margins.WIDE_WIDTH  # the narrowest a wide medium's figure is laid out for (margins.WIDE_WIDTH)
# The selection's two panels one above the other: the figure's height and the space between them (a share of
# the plot's height: the upper panel's year labels and the lower one's title).
PANELS_ABOVE_HEIGHT = 720
PANELS_ABOVE_SPACING = 0.14
TURNED_GAP = 8  # px between a bar's end and a label turned upright above it, and above the label
PROJECTOR_HEIGHT = 560  # px, at least, of a chart in presentation mode
PROJECTOR_PLOT = 360  # px, at least, of its plot below the legend, on every projector
ROWS_PX_ATTRIBUTE = "_rows_px"  # the px of a figure's rows (fit_rows), on the figure object
LEGEND_BASE_HEIGHT = 430  # px of a chart with a one-row legend; each further row of entries adds a little
LEGEND_ROW_HEIGHT = 22
# The obstacles heatmap's cells, from none to the most: light enough for INK's counts at 4.5:1 or more in
# every cell (Plotly's "Oranges" wrote #444 or white by brightness, 3.1:1 in its middle).
HEAT_SCALE = ((0.0, "#fff5eb"), (0.5, "#fdd0a2"), (1.0, "#fd8d3c"))
# Bars side by side per category (attendances per type, the funnel's stages): px of a category's slot per bar
# (the bar and its share of the gap between categories), and the rest of the chart.
GROUPED_BAR = 24
GROUPED_FRAME = 150
# Below this largest count an axis of whole numbers is ticked at every whole number: Plotly ticked 0–3 every
# 0.5, which ",d" wrote as "0, 1, 1, 2, 2, 3, 3". From here on its own steps are whole (1, 2, 5, …).
WHOLE_TICKS_BELOW = 10
# An indicator's name is written above its row (its line across the years, its achieved value's bar), across
# the plot's whole width: beside it, a phone's chart of about 360 px left a name 150-190 px and cut most, and a
# laptop cut them too (the server does not know a reader's width). A title takes at most ROW_TITLE_LINES lines
# at ROW_TITLE_SIZE px (each ROW_TITLE_LEADING px tall: Plotly's 1.3 line spacing), broken for the narrowest
# plot the figure is drawn at, ROW_TITLE_INDENT px from the plot's edge, ROW_TITLE_GAP px below the row above.
ROW_TITLE_SIZE = TICK_SIZE
ROW_TITLE_LEADING = 16
ROW_TITLE_LINES = 2
ROW_TITLE_GAP = 10
ROW_TITLE_INDENT = 4
# Below a trend row's title, its line's band (px); the highest point stands TREND_HEADROOM below the band's
# top, leaving room for the value written over it.
TREND_LINE_BAND = 54
TREND_HEADROOM = 1.9
# Below an achieved value's title, its bar (px thick: the value written in it at the chart's text size) and
# the px between them.
VALUE_BAR = 26
VALUE_BAR_GAP = 3
# Plotly's "separators": decimal mark then thousands mark.
SEPARATORS = {"id": ",.", "en": ".,", "zh": ".,"}

# Characters of workbook text shown as a chart label (a tick of the timeline); longer text is cut
# with "…" and shown whole in the hover label and the data table. The sample titles reach 66.
LABEL_LIMIT = 80
# Hover labels do not wrap by themselves: long text is broken into lines of about this many characters.
HOVER_WIDTH = 80
ELLIPSIS = "…"

# Plotly reads its text as HTML-like markup (<a href>, <span style>, <b>, <br>...) and decodes only
# the entities &amp; &lt; &gt; (and a few symbols) by name, but every numeric one: "&quot;" would
# be shown as is, so quotes are written as numbers. "$" is written as a number too, since a
# "$...$" text is typeset as LaTeX where MathJax is present.
_PLOTLY_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;",
                                 "$": "&#36;"})


def plain(text: object) -> str:
    """``text`` as Plotly shows it literally: no markup, no entity, no hover-template field.

    For any string put into a figure (titles, ticks, legend names, hover text, customdata shown in
    hover). Apply it once, to the final text: escaped twice, "&" would show as "&amp;". The
    "%{" of a hover template becomes "&#37;{", which Plotly shows as "%{" without substituting.
    Missing values (None, NaN) become "".
    """
    return _as_str(text).translate(_PLOTLY_ESCAPES).replace("%{", "&#37;{")


def short_label(text: object, limit: int = LABEL_LIMIT) -> str:
    """``text`` on one line, cut to at most ``limit`` characters ending in "…", then made ``plain``.

    Cut before escaping, so the limit counts what the reader sees and no entity is cut in half.
    """
    return plain(first_characters(text, limit))


def first_characters(text: object, limit: int) -> str:
    """``text`` on one line, cut to at most ``limit`` characters ending in "…" (not made ``plain``)."""
    line = " ".join(_as_str(text).split())
    return line[:limit - 1].rstrip() + ELLIPSIS if len(line) > limit else line


def hover_text(text: object, width: int = HOVER_WIDTH) -> str:
    """The whole ``text`` for a hover label, made ``plain`` and broken into lines of about ``width``."""
    lines = textwrap.wrap(_as_str(text), width, break_long_words=True, break_on_hyphens=False)
    return "<br>".join(plain(line) for line in lines)


def _as_str(text: object) -> str:
    return "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.2 contrast ratio of two "#rrggbb" colours (1 to 21)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def ink_on(colour: str) -> str:
    """The colour of text written on a bar of ``colour``: the page's ink where it keeps 4.5:1 (WCAG AA), else
    white or black, whichever contrasts more (one of them always keeps 4.5:1).

    Plotly's own choice (#444 or white, by brightness) gives 4.3:1 on orange and 3.4:1 on green.
    """
    if contrast(INK, colour) >= 4.5:
        return INK
    return max(("#ffffff", "#000000"), key=lambda ink: contrast(ink, colour))


# A year's colour is fixed by the year itself, never by its place among the years a reader chose: with 2018
# and 2019 chosen, 2019 was orange, with all three green. Seven colours, so any seven years in a row differ;
# the first programme year (2017) takes the first. Okabe–Ito's yellow is left out: on white it is barely seen.
YEAR_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#882255")
FIRST_YEAR_COLOURED = 2017


def year_colour(year: int) -> str:
    """The colour of ``year``'s series (the funnel's bars), the same whichever years are chosen."""
    return YEAR_COLOURS[(int(year) - FIRST_YEAR_COLOURED) % len(YEAR_COLOURS)]


def year_round(year: int) -> int:
    """How many times the year colours went round before ``year``'s (2017–2023: 0, 2024–2030: 1)."""
    return (int(year) - FIRST_YEAR_COLOURED) // len(YEAR_COLOURS)


def year_hatch(colour: str) -> Props:
    """Thin hatching over a bar of ``colour`` (and its legend entry): white under dark text, black under
    white text, so that the stripes only add to the text's contrast."""
    stripes = "#000000" if ink_on(colour) == "#ffffff" else "#ffffff"
    return {"shape": "/", "fillmode": "overlay", "fgcolor": stripes, "fgopacity": 0.4, "size": 10, "solidity": 0.25}


def colours(vocabulary: schema.Vocabulary) -> dict[str, str]:
    """Code -> colour, fixed by the code's place in the schema (stable across pages)."""
    palette = OKABE_ITO + EXTRA
    return {code: palette[index % len(palette)] for index, code in enumerate(vocabulary.codes)}


Props = dict[str, object]


def by_category(frame: pd.DataFrame, column: str, vocabulary: schema.Vocabulary,
                lang: str) -> Iterator[tuple[str, pd.DataFrame, str]]:
    """(code, its rows, its label made plain) for each code present in ``frame[column]``, in schema order:
    one trace per category, in the same order and colour on every chart."""
    for code in vocabulary.codes:
        part = frame[frame[column] == code]
        if not part.empty:
            yield code, part, plain(vocabulary.label(code, lang))


def _merge(target: Props, patch: Props) -> Props:
    """``patch`` written into ``target`` (nested dicts merged, anything else replaced)."""
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)  # type: ignore[arg-type]
        else:
            target[key] = dict(value) if isinstance(value, dict) else value
    return target


def _plain(value: object) -> object:
    """Arrays and series as lists, inside dicts and lists too (numbers stay Python numbers); a property set to
    None left out, as Plotly's validators leave it out (unset: the default applies)."""
    if isinstance(value, np.ndarray | pd.Series | pd.Index):
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# Whether Plotly's validators check every property of a figure as it is made (``made``). Unchecked, a page's
# run for a new selection took 25-43 ms less (the Benefits and Activities pages, sample size and 10M rows). The
# figures are made of the plain dicts this module writes, and tests/test_figure_checks.py builds every page's
# figures both ways and finds the same figures sent; a figure changed after it is made is checked as before (a
# property set to None is taken out, an unknown one refused).
CHECKED_WHEN_MADE = False


def made(figure: go.Figure | Props) -> go.Figure:
    """A Plotly figure of ``figure`` (a figure's dict, or a figure to copy), unchecked (CHECKED_WHEN_MADE);
    every later change to it checked by Plotly's validators."""
    if CHECKED_WHEN_MADE:
        return go.Figure(figure)
    built = go.Figure(figure, _validate=False)
    # Plotly's own switch (plotly.py#2403), on the figure and on each object made from the dict.
    for part in (built, built.layout, *built.data):
        part._validate = True
    return built


class Draft:
    """A figure built as plain dicts and made a Plotly figure once, by ``build``.

    Plotly validates and walks its whole property tree on every add_*/update_* call: built that
    way, the timeline took 220 ms and the Overview's four charts 200 ms on these machines; the
    same dicts validated once took 40 ms and about 7 ms each, and made unchecked (``made``) less
    again. What reaches the page is the same.
    """

    def __init__(self, **subplots: object) -> None:
        self.data: list[Props] = []
        self.layout: Props = {}
        self.cols = 1
        self.rows_px: int | None = None  # set by fit_rows
        if subplots:  # Plotly's own grid (domains, anchors, panel titles), as a dict
            self.layout = make_subplots(**subplots).layout.to_plotly_json()  # type: ignore[arg-type]
            self.cols = int(subplots.get("cols", 1))  # type: ignore[call-overload]

    def add(self, kind: str, row: int | None = None, col: int | None = None, **props: object) -> None:
        trace: Props = {"type": kind, **props}
        if row is not None:
            refs = self.refs(row, col or 1)
            trace["xaxis"], trace["yaxis"] = refs["xref"], refs["yref"]
        self.data.append(trace)

    def update_layout(self, **patch: object) -> Draft:
        _merge(self.layout, patch)
        return self

    def update_axes(self, kind: str, row: int | None = None, col: int | None = None, **patch: object) -> Draft:
        """Every x (or y) axis, or the one of a panel."""
        if row is not None:
            names = [self._axes(row, col or 1)[0 if kind == "x" else 1]]
        else:
            names = [name for name in self.layout if name.startswith(f"{kind}axis")] or [f"{kind}axis"]
        for name in names:
            _merge(self.layout.setdefault(name, {}), patch)  # type: ignore[arg-type]
        return self

    def update_annotations(self, **patch: object) -> Draft:
        for annotation in self.layout.get("annotations", []):  # type: ignore[attr-defined]
            _merge(annotation, patch)
        return self

    def reserved_margins(self, width: int) -> dict[str, int]:
        """The margins ``dashboard.margins`` reserves for the figure at ``width`` px, read from its data as
        ``build`` sends them (plain lists: a pandas Series of values gave no tick labels, and no margin)."""
        return margins.reserve({"data": _plain(self.data), "layout": _plain(self.layout)}, width)

    def legend_entries(self) -> int:
        return sum(1 for trace in self.data if trace.get("showlegend") is not False and trace.get("name"))

    def build(self) -> go.Figure:
        """The figure, with its data as plain lists and a data revision that names its content.

        Streamlit hands each new chart to Plotly.react twice (once drawn, once more with a copy of the
        same figure). Without a revision Plotly takes every new array object for new data, and a typed
        array (what plotly.py makes of a numpy array) is decoded into a new one at each call: both made
        the second call draw the whole chart again (measured: 15-23 ms a chart, as long as the first
        drawing). With plain lists and an unchanged revision it draws nothing. The revision hashes the
        layout too, as Plotly then trusts it for the arrays there (tick values, category orders).
        """
        data = [_plain(trace) for trace in self.data]
        layout = _plain(self.layout)
        tick_whole_numbers(data, layout)  # type: ignore[arg-type]
        content = json.dumps([data, layout], sort_keys=True, default=str).encode()
        revision = hashlib.blake2b(content, digest_size=8).hexdigest()
        figure = made({"data": data, "layout": {**layout, "datarevision": revision}})
        if self.rows_px is not None:
            setattr(figure, ROWS_PX_ATTRIBUTE, self.rows_px)  # plotly keeps "_" attributes off the figure's JSON
        return figure

    def _axes(self, row: int, col: int) -> tuple[str, str]:
        index = (row - 1) * self.cols + col
        suffix = "" if index == 1 else str(index)
        return f"xaxis{suffix}", f"yaxis{suffix}"

    def refs(self, row: int, col: int = 1) -> dict[str, str]:
        """The xref and yref of a panel: a trace's axes, an annotation's in its data's units."""
        x_name, y_name = self._axes(row, col)
        return {"xref": x_name.replace("axis", ""), "yref": y_name.replace("axis", "")}


def tick_whole_numbers(data: Sequence[Props], layout: Props) -> None:
    """Ticks every whole number on each axis of whole numbers (",d") whose range or values stay below
    WHOLE_TICKS_BELOW, unless the chart sets its own ticks."""
    stacked = layout.get("barmode") in ("stack", "relative")
    for name, axis in layout.items():
        if not (name[1:].startswith("axis") and isinstance(axis, dict)) or axis.get("tickformat") != ",d":
            continue
        if axis.get("type") in ("category", "date", "log") or {"dtick", "tickvals"} & axis.keys():
            continue
        ends = axis.get("range")
        top = max(abs(float(end)) for end in ends) if ends else largest_on_axis(data, name, stacked)  # type: ignore[attr-defined]
        if top is not None and top < WHOLE_TICKS_BELOW:
            axis.update(tick0=0, dtick=1)


def largest_on_axis(data: Sequence[Props], axis_name: str, stacked: bool) -> float | None:
    """The largest distance from zero the traces reach along an axis ("yaxis2"), bars of a stack added up;
    None if no trace puts a number there."""
    kind = axis_name[0]
    other = "y" if kind == "x" else "x"
    reference = kind + axis_name[len(kind) + 4:]
    reached: list[float] = []
    stacks: dict[object, float] = {}
    for trace in data:
        if trace.get(f"{kind}axis", kind) != reference or trace.get("type") not in ("bar", "scatter"):
            continue
        if trace.get("type") == "bar" and (trace.get("orientation") == "h") != (kind == "x"):
            continue  # the bars' categories, not their values
        values = list(trace.get(kind) or ())  # type: ignore[call-overload]
        places = list(trace.get(other) or range(len(values)))  # type: ignore[call-overload]
        for place, value in zip(places, values, strict=False):
            if not _is_number(value):
                continue
            if stacked and trace.get("type") == "bar":
                stacks[place] = stacks.get(place, 0.0) + abs(value)  # type: ignore[arg-type]
            else:
                reached.append(abs(value))  # type: ignore[arg-type]
    reached.extend(stacks.values())
    return max(reached) if reached else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def base_layout(draft: Draft, lang: str, title: str, x_title: str | None = None,
                y_title: str | None = None, legend_title: str | None = None) -> Draft:
    """The one theme of every chart: readable text, the legend above the plot, axes that make room.

    The legend sits between the title and the plot, horizontally, so it never covers an axis
    title and wraps on a phone instead of growing taller than a half-width plot; the title and
    the axes push the margins (automargin), so long labels are not cut. Every text colour keeps
    at least 4.5:1 against white (WCAG 2.2 AA).
    """
    entries = draft.legend_entries()
    draft.update_layout(
        title={"text": plain(title), "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
               "pad": {"t": 6, "b": 10}, "font": {"size": 17, "color": INK}, "automargin": True},
        font={"family": FONT, "size": TEXT_SIZE, "color": INK},
        separators=SEPARATORS.get(lang, ".,"),
        paper_bgcolor="white", plot_bgcolor="white",
        margin={"l": 8, "r": 8, "t": 8, "b": 8},  # more is reserved for each figure's labels (dashboard.margins)
        # The title above the entries, which start at its left: with side "top left" Plotly indented every
        # entry by the title's width and, not counting the indent, let a phone's last entry run off the chart.
        legend={"title": {"text": plain(legend_title) if legend_title else "", "side": "top",
                          "font": {"size": LEGEND_TITLE_SIZE, "color": MUTED_INK}},
                "orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                "font": {"size": LEGEND_SIZE, "color": INK}, "entrywidthmode": "pixels"},
        # A colour that stands for a named category is named even when one is left (which level, which
        # category is that one bar?): Plotly shows no legend for a single trace by itself.
        showlegend=entries > 1 or (entries == 1 and bool(legend_title)),
        # White hover labels with the page's ink: Plotly's own take the trace's colour and write on it in #444
        # or white by brightness (4.3:1 on orange); the label names its series, so no colour is needed.
        hoverlabel={"font": {"family": FONT, "color": INK}, "bgcolor": "#ffffff", "bordercolor": AXIS_LINE},
        height=LEGEND_BASE_HEIGHT + LEGEND_ROW_HEIGHT * max(0, (entries - 1) // 3),
    )
    axis: Props = {"automargin": True, "tickfont": {"size": TICK_SIZE, "color": MUTED_INK}, "linecolor": AXIS_LINE,
                   "gridcolor": GRID, "zeroline": False}
    draft.update_axes("x", **axis, title={"text": x_title and plain(x_title), "font": {"color": MUTED_INK}})
    draft.update_axes("y", **axis, title={"text": y_title and plain(y_title), "font": {"color": MUTED_INK}},
                      tickformat=",d", rangemode="tozero")
    # Grid lines belong to the axis of values. Along the categories of bars they add nothing, and each runs
    # through the middle of its bars and the numbers written there (a funnel's middle count, a stack's total).
    for name in bar_category_axes(draft.data):
        _merge(draft.layout.setdefault(name, {}), {"showgrid": False})  # type: ignore[arg-type]
    return draft


def _fit_grown_rows(figure: go.Figure, rows_px: float) -> None:
    """``figure`` as tall as its grown rows and the margins a small projector reserves for it (fit_rows)."""
    for _ in range(5):  # a legend's margin grows with the figure's height
        room = margins.reserve(figure.to_dict(), margins.SMALL_PROJECTOR_WIDTH)
        wanted = round(rows_px) + room["t"] + room["b"]
        if wanted == figure.layout.height:
            break
        figure.update_layout(height=wanted)


def bar_category_axes(data: Sequence[Props]) -> set[str]:
    """The layout names of the axes along which bars stand side by side ("xaxis" of upright bars,
    "yaxis2" of lying ones drawn in a second panel)."""
    names = set()
    for trace in data:
        if trace.get("type") == "bar":
            kind = "y" if trace.get("orientation") == "h" else "x"
            names.add(f"{kind}axis{str(trace.get(f'{kind}axis', kind))[1:]}")
    return names


def for_projector(figure: go.Figure, asked_margin: dict[str, int], width: int,
                  scale: float = PROJECTOR_SCALE) -> go.Figure:
    """A copy of a built figure for presentation mode: every text ``scale`` times larger, a taller plot,
    and margins reserved anew (from those its builder asked for) for the larger labels at ``width``."""
    bigger = made(figure)
    grown = fitted_rows_px(figure)
    least = 0 if grown else PROJECTOR_HEIGHT
    bigger.update_layout(font={"size": round(TEXT_SIZE * scale)}, legend_font_size=round(LEGEND_SIZE * scale),
                         legend_title_font_size=round(LEGEND_TITLE_SIZE * scale),
                         height=max(figure.layout.height or 0, least), margin=asked_margin)
    bigger.update_xaxes(tickfont_size=round(TICK_SIZE * scale))
    bigger.update_yaxes(tickfont_size=round(TICK_SIZE * scale))
    for axis in bigger.select_xaxes():  # a title broken for a phone (fit_axis_titles) fits a projector whole
        if axis.title.text and "<br>" in axis.title.text:
            axis.title.text = axis.title.text.replace("<br>", " ")
    for annotation in bigger.layout.annotations:  # each at its own size (a trend row's title at the ticks')
        annotation.font.size = round((annotation.font.size or TEXT_SIZE) * scale)
    labels = [trace for trace in bigger.select_traces({"type": "scatter"}) if "text" in (trace.mode or "")]
    for trace in labels:
        if trace.textfont.size:  # else the page's font, grown above
            trace.textfont.size = round(trace.textfont.size * scale)
    # Text placed in rows (the timeline's titles, the trends' values) or on bars lying side by side (counts
    # written in bars as thick as the text): the text and its rows grow alike.
    sideways = [trace for trace in bigger.select_traces({"type": "bar", "orientation": "h"}) if trace.text]
    if grown:
        # Rows sized in px (fit_rows) grow as their text does, no more: stretched to PROJECTOR_HEIGHT, the two
        # rupiah values' bars stood 115 px thick. Sized for a small projector's margins, the larger.
        _fit_grown_rows(bigger, grown * scale)
    elif labels or sideways:
        bigger.update_layout(height=max(round((figure.layout.height or 0) * scale), PROJECTOR_HEIGHT))
    # Tall enough for the legend's rows on a small projector with a plot of PROJECTOR_PLOT left below them:
    # Plotly gives a legend at most half the figure's height and scrolls the rest, and ten indicators' names
    # in one column left the plot a strip of 100 px on a 1280 × 720 projector. Rows sized in px have theirs.
    _lift_legend_again(bigger, margins.SMALL_PROJECTOR_WIDTH, scale)
    small = margins.reserve(bigger.to_dict(), margins.SMALL_PROJECTOR_WIDTH)
    plot = 0 if grown else PROJECTOR_PLOT
    bigger.update_layout(height=max(bigger.layout.height, 2 * small["t"], small["t"] + plot + small["b"]))
    bigger.layout.margin = margins.reserve(bigger.to_dict(), width)
    return bigger


def year_axis(draft: Draft) -> Draft:
    draft.update_axes("x", type="category", categoryorder="category ascending")
    narrow_few_bars(draft)
    return draft


# A bar is never broader than in a chart of this many bars (the sample's three years): one year chosen, its
# bar filled the plot (a 300 px block on a laptop, the selection's panels two of them side by side), as did
# one benefit category's lying bar, and read as an area rather than a bar. Plotly has no largest bar width:
# the bar's width (in places of its category axis) is narrowed instead, centred on its place.
FEWEST_BAR_PLACES = 3


def few_bars_width(places: int) -> float | None:
    """The breadth (in places) of bars standing at ``places`` places; None where Plotly's own (1 - BARGAP of
    a place) is narrow enough."""
    return (1 - BARGAP) * places / FEWEST_BAR_PLACES if 0 < places < FEWEST_BAR_PLACES else None


def narrow_few_bars(draft: Draft) -> None:
    """Bars standing at fewer than FEWEST_BAR_PLACES places of their category axis (each panel's), as broad
    as at that many: stacked, or one per panel (bars grouped side by side share a place, and bars given
    their own width keep it). Upright bars stand along x, lying ones along y."""
    if draft.layout.get("barmode") == "group":
        return
    bars = [trace for trace in draft.data if trace.get("type") == "bar" and "width" not in trace]

    def axis(trace: Props) -> tuple[str, object]:
        letter = "y" if trace.get("orientation") == "h" else "x"
        return letter, trace.get(f"{letter}axis", letter)

    places: dict[tuple[str, object], set[object]] = {}
    for trace in bars:
        places.setdefault(axis(trace), set()).update(trace[axis(trace)[0]])  # type: ignore[arg-type]
    for trace in bars:
        width = few_bars_width(len(places[axis(trace)]))
        if width is not None:
            trace["width"] = width


def stacked_by_year(frame: pd.DataFrame, category: str, value: str, vocabulary: schema.Vocabulary,
                    lang: str, title: str, y_title: str, legend_title: str,
                    width: int = margins.PHONE_WIDTH) -> go.Figure:
    """Bars per year stacked by a category, coloured by the category's fixed colour, each year's total
    written above its stack and each part's count inside it where it fits (``written_parts``); every part's
    count is in its hover and the data table (most activity types are 1–4 of 13–17, too thin for text)."""
    colon = colon_of(lang)
    draft = Draft()
    palette = colours(vocabulary)
    for code, part, label in by_category(frame, category, vocabulary, lang):
        draft.add("bar", x=part["year"].astype(str), y=part[value], name=label, marker={"color": palette[code]},
                  hovertemplate=f"{label}<br>%{{x}}{colon}%{{y:,}}<extra></extra>")
    draft.update_layout(barmode="stack")
    year_axis(base_layout(draft, lang, title, translate(lang, "chart.year"), y_title, legend_title))
    # A year's place on the category axis, as the axis orders them (ascending): Plotly reads an annotation's
    # category "2017" as the 2018th place.
    totals = frame.groupby("year", sort=True)[value].sum()
    stack_totals(draft, list(range(len(totals))), totals.tolist(), lang, width=width)
    written_parts(draft, lang, width)
    return draft.build()


# The share of a category's room Plotly leaves between upright bars (its layout.bargap by default)
BARGAP = 0.2
PART_TEXT_HEIGHT = TEXT_SIZE * margins.LINE  # px a count written inside a part takes, up and down


def written_parts(draft: Draft, lang: str, width: int, sideways: bool = False,
                  parts: Sequence[Props] | None = None, totals_written: bool = True) -> None:
    """Each part of the draft's stacks writes its count inside it, level and at the chart's text size, where
    the count fits whole in a figure ``width`` px wide (the narrowest it is drawn at): a projector's audience
    cannot hover for "how many in tourism". A thinner part writes nothing (Plotly would shrink its count to
    a dot, or let it run over the next part), nor does a stack's only part, whose count is its total's
    (unless ``totals_written`` is false: the text above a stack says something else than its total).

    Upright, the value axis's range is stack_totals'. Lying ``sideways``, Plotly's own range reaches past
    the longest stack by its padding and its total's text: a part's length is reckoned on that, or less.
    ``parts``: the traces to write in (every one by default; not one that writes its own text)."""
    along, across = ("x", "y") if sideways else ("y", "x")
    stacks = stack_sums(draft.data, along, across)
    plot_width, plot_height = plot_size(draft, width)
    if sideways:
        highest = float(max(stacks.values(), default=0) or 1)
        total_text = margins.text_width(format_number(highest, lang), TEXT_SIZE) + STACK_TOTAL_SHIFT
        per_unit = max(plot_width - total_text - 2 * BAR_TEXT_PAD, 0) / (highest * BAR_AXIS_PADDING)
        per_place = plot_height / max(len(stacks), 1)
    else:
        per_unit = plot_height / float(draft.layout["yaxis"]["range"][1])  # type: ignore[index]
        per_place = plot_width / max(len(stacks), 1)
    height = PART_TEXT_HEIGHT + 2 * BAR_TEXT_PAD
    for trace in draft.data if parts is None else parts:
        thickness = per_place * float(trace.get("width") or 1 - BARGAP)  # type: ignore[arg-type]
        written = []
        for place, value in zip(trace[across], trace[along], strict=True):  # type: ignore[call-overload]
            label = format_number(value, lang)
            length, breadth = value * per_unit, margins.text_width(label, TEXT_SIZE) + 2 * BAR_TEXT_PAD
            fits = length >= breadth and thickness >= height if sideways else length >= height and thickness >= breadth
            # A stack of one part says its count in its total, once.
            written.append(label if fits and (value < stacks[place] or not totals_written) else "")
        colour = str(trace["marker"]["color"])  # type: ignore[index]
        trace.update(bar_text_style(colour), text=written, textposition="inside", insidetextanchor="middle")


def stack_sums(traces: Sequence[Any], along: str, across: str) -> dict[object, float]:
    """Each stack's total, summed from the parts its traces draw at its place (``across``)."""
    stacks: dict[object, float] = {}
    for trace in traces:
        for place, value in zip(trace[across], trace[along], strict=True):
            stacks[place] = stacks.get(place, 0) + value
    return stacks


def parts_left_blank(figure: go.Figure) -> int:
    """How many parts of a figure's stacks written_parts left without their count (too thin for it): a
    part of nothing draws nothing, and a stack's only part says its count in its total."""
    bars = [trace for trace in figure.data if trace.type == "bar"]
    if figure.layout.barmode != "stack" or not bars:
        return 0
    along, across = ("x", "y") if bars[0].orientation == "h" else ("y", "x")
    stacks = stack_sums(bars, along, across)
    return sum(1 for trace in bars if trace.textposition == "inside"
               for place, value, text in zip(trace[across], trace[along], trace.text, strict=True)
               if 0 < value < stacks[place] and not text)


STACK_TOTAL_SHIFT = 4  # px between a stack lying sideways and its total


def stack_totals(draft: Draft, places: Sequence[object], totals: Sequence[float], lang: str,
                 sideways: bool = False, width: int = margins.PHONE_WIDTH) -> None:
    """Each stack's total written at its end (above it, or beside it for stacks lying ``sideways``), at the
    chart's text size, with room for it on the value axis: the figure a briefing quotes, which a projector's
    audience cannot hover for.

    Upright, the totals are written level where they fit side by side in a figure ``width`` px wide (the
    narrowest it is drawn at), else turned upright, and the axis reaches far enough above the highest stack
    for them (15 % at least). Sideways, Plotly's own range makes the room (it counts annotations' text): a
    fixed range moved the axis's ticks and the drawn left margin outgrew the one reserved (``margins``) by a
    pixel in Chinese, which drew the chart twice."""
    along, across = ("x", "y") if sideways else ("y", "x")
    labels = [format_number(total, lang) for total in totals]
    anchor: Props = {"xanchor": "left", "xshift": STACK_TOTAL_SHIFT} if sideways else {"yanchor": "bottom"}
    highest = float(max(totals, default=0) or 1)
    if not sideways:
        draft.update_axes(along, range=[0, highest * 1.15])
        plot_width, plot_height = plot_size(draft, width)
        if not level_labels_fit(labels, plot_width):
            anchor["textangle"] = -90
            draft.update_axes(along, range=[0, highest * headroom(plot_height, labels)])
    font = {"size": TEXT_SIZE, "color": INK}
    draft.update_layout(annotations=[
        {across: place, along: float(total), "text": label, "showarrow": False, **anchor, "font": font}
        for place, total, label in zip(places, totals, labels, strict=True)])


def plot_size(draft: Draft, width: int, panel: str = "") -> tuple[float, float]:
    """The px width and height of a panel's plot (the first by default) in a figure ``width`` px wide, its
    margins reserved there for its labels and legend (``margins``)."""
    room = draft.reserved_margins(width)
    height = float(draft.layout.get("height") or LEGEND_BASE_HEIGHT)  # type: ignore[arg-type]
    x_domain = draft.layout.get(f"xaxis{panel}", {}).get("domain", (0, 1))  # type: ignore[union-attr]
    y_domain = draft.layout.get(f"yaxis{panel}", {}).get("domain", (0, 1))  # type: ignore[union-attr]
    return ((width - room["l"] - room["r"]) * (x_domain[1] - x_domain[0]),
            (height - room["t"] - room["b"]) * (y_domain[1] - y_domain[0]))


def level_labels_fit(labels: Sequence[str], plot_width: float, places: int | None = None,
                     size: float = TEXT_SIZE) -> bool:
    """Whether labels written level at ``places`` places side by side on a plot ``plot_width`` px wide (one
    per label by default: bars, years) stand clear of each other: each within its place's share of the width."""
    if not labels:
        return True
    widest = max(margins.text_width(label, size) for label in labels)
    return widest + margins.LABEL_GAP <= plot_width / (places or len(labels))


def headroom(plot_height: float, turned_labels: Sequence[str]) -> float:
    """How far (times the highest bar) a value axis must reach for labels turned upright above the bars to
    stand inside a plot ``plot_height`` px tall; 15 % at least."""
    tallest = max((margins.text_width(label, TEXT_SIZE) for label in turned_labels), default=0.0) + TURNED_GAP
    return max(1.15, plot_height / max(plot_height - tallest, plot_height / 4))


def selection_panels(frame: pd.DataFrame, lang: str, title: str, applicants: str, delegates: str,
                     rate: str, y_title: str, width: int = margins.PHONE_WIDTH) -> go.Figure:
    """Applicants and delegates per year, each on its own scale (96–131 beside 3–6 would leave the delegates
    invisible on one axis); each delegates bar says its selection rate.

    Laid out for a figure ``width`` px wide (the narrowest it is drawn at), so that every count keeps its
    size: the panels side by side where the counts fit there level; else one above the other, the counts
    level where they fit the full width, or turned upright on one line (ten years on a phone: Plotly shrank
    level counts to a few px)."""
    counts = [format_number(v, lang) for v in frame["applicants"]]
    rates = [format_percentage(r, lang, 1) if pd.notna(r) else "–" for r in frame["rate"]]
    selected = [format_number(v, lang) for v in frame["selected"]]
    # The count above its rate, on two lines: on one ("3 · 3,1%") it was wider than a half panel's bar.
    two_lines = [f"{count}<br>{r}" for count, r in zip(selected, rates, strict=True)]
    for above, turned in ((False, False), (True, False), (True, True)):
        texts = (counts, [f"{count} · {r}" for count, r in zip(selected, rates, strict=True)] if turned else two_lines)
        draft = _selection_draft(frame, lang, (applicants, delegates, rate), texts, rates, above, turned)
        base_layout(draft, lang, title, None, y_title)
        _selection_axes(draft, frame, texts, above, turned, width)
        if turned or all(level_labels_fit(labels, plot_size(draft, width, panel)[0])
                         for labels, panel in zip(texts, ("", "2"), strict=True)):
            break
    return draft.build()


def _selection_draft(frame: pd.DataFrame, lang: str, names: tuple[str, str, str],
                     texts: tuple[list[str], list[str]], rates: list[str], above: bool, turned: bool) -> Draft:
    """The two panels' bars, side by side or one ``above`` the other, their texts level or ``turned``."""
    applicants, delegates, rate = (plain(name) for name in names)
    colon = colon_of(lang)
    grid: Props = ({"rows": 2, "cols": 1, "vertical_spacing": PANELS_ABOVE_SPACING} if above
                   else {"rows": 1, "cols": 2, "horizontal_spacing": 0.14})
    draft = Draft(subplot_titles=(applicants, delegates), **grid)
    second = {"row": 2, "col": 1} if above else {"row": 1, "col": 2}
    years = frame["year"].astype(str)
    # The text keeps its size (constraintext): Plotly shrinks a text wider than its bar, even one that stands
    # clear of its neighbours, and shrank "3 · 3.1%" turned upright to a few px.
    text: Props = {"textposition": "outside", "constraintext": "none", **({"textangle": -90} if turned else {})}
    draft.add("bar", x=years, y=frame["applicants"], name=applicants, marker={"color": OKABE_ITO[4]},
              text=texts[0], **text, hovertemplate=f"{applicants}<br>%{{x}}{colon}%{{y:,}}<extra></extra>",
              row=1, col=1)
    draft.add("bar", x=years, y=frame["selected"], name=delegates, marker={"color": OKABE_ITO[5]},
              text=texts[1], **text, customdata=rates,
              hovertemplate=(f"{delegates}<br>%{{x}}{colon}%{{y:,}}<br>{rate}{colon}%{{customdata}}"
                             "<extra></extra>"), **second)
    return draft


def _selection_axes(draft: Draft, frame: pd.DataFrame, texts: tuple[list[str], list[str]], above: bool,
                    turned: bool, width: int) -> None:
    """Each panel's own scale, reaching far enough above its highest bar for the texts."""
    draft.update_layout(showlegend=False, margin={"t": 36})  # room for the panels' titles
    if above:
        draft.update_layout(height=PANELS_ABOVE_HEIGHT)
    draft.update_axes("y", title={"text": None}, row=2 if above else 1, col=1 if above else 2)
    year_axis(draft)
    draft.update_axes("y", rangemode="tozero", autorangeoptions={"include": 0})
    for panel, values, labels in (("", frame["applicants"], texts[0]), ("2", frame["selected"], texts[1])):
        # Room for the text above the bars.
        room = headroom(plot_size(draft, width, panel)[1], labels) if turned else 1.25
        draft.layout[f"yaxis{panel}"]["range"] = [0, float(values.max() or 1) * room]  # type: ignore[index]
    draft.update_annotations(font={"size": TEXT_SIZE, "color": MUTED_INK})


def stacked_parts(frame: pd.DataFrame, series: dict[str, str], lang: str, title: str, y_title: str,
                  top_text: list[str] | None = None, width: int = margins.PHONE_WIDTH) -> go.Figure:
    """Bars per year split into parts that add up (first-time and returning applicants).

    ``top_text`` (one per year) is written above each stack, for its top part: the part a reader
    looks for when it is a sliver (returning applicants, 5–8 of 118–131). Level where the texts fit side
    by side in a figure ``width`` px wide (the narrowest it is drawn at), else turned upright. The parts
    below write their counts inside them where they fit (written_parts).
    """
    colon = colon_of(lang)
    draft = Draft()
    top = len(series) - 1
    for index, (column, label) in enumerate(series.items()):
        name = plain(label)
        # The text keeps its size (constraintext), as the selection's counts do.
        text = ({"text": top_text, "textposition": "outside", "cliponaxis": False, "constraintext": "none"}
                if top_text and index == top else {})
        draft.add("bar", x=frame["year"].astype(str), y=frame[column], name=name,
                  marker={"color": OKABE_ITO[4 + index]},
                  hovertemplate=f"{name}<br>%{{x}}{colon}%{{y:,}}<extra></extra>", **text)
    draft.update_layout(barmode="stack")
    year_axis(base_layout(draft, lang, title, translate(lang, "chart.year"), y_title))
    if top_text:
        highest = float(frame[list(series)].sum(axis=1).max() or 1)
        draft.update_axes("y", range=[0, highest * 1.15])  # room for the text above the stacks
        plot_width, plot_height = plot_size(draft, width)
        if not level_labels_fit(top_text, plot_width):
            draft.data[top]["textangle"] = -90
            draft.update_axes("y", range=[0, highest * headroom(plot_height, top_text)])
        # The parts below write their counts inside them (first-time applicants: 111 of 118), the whole
        # bar's too when no one returned: the text above is the returning part's "0 · 0.0%", not a total.
        written_parts(draft, lang, width, parts=draft.data[:top], totals_written=False)
    return draft.build()


def funnel(frame: pd.DataFrame, lang: str, title: str, stage_labels: dict[str, str], x_title: str,
           conversion_label: str, width: int = margins.PHONE_WIDTH) -> go.Figure:
    """The selection funnel: at each stage, top to bottom, a bar per year with its count written on it and,
    after the first stage, the conversion from the stage before in brackets (``frame``'s "conversion", the
    query's; none where nobody reached the stage before): "35 (55.6%)".

    Bars side by side, not a stacked funnel: in one, a year's last stages (3 delegates of 96) were too narrow
    for their counts, which only the hover and the data table gave, and a projector cannot hover. The
    conversions were on hover only too, and the caption said "hover" on paper and on a projector. With more
    years than YEAR_COLOURS, a colour's second round is hatched (2024 beside 2017, both orange).
    """
    colon = colon_of(lang)
    draft = Draft()
    years = sorted(frame["year"].unique())
    for year in years:
        part = frame[frame["year"] == year].sort_values("position")
        labels = [plain(stage_labels.get(code, code)) for code in part["stage"]]
        counts = part["applicants"].fillna(0).astype(int).tolist()
        shares = [None if pd.isna(share) else format_percentage(float(share), lang) for share in part["conversion"]]
        written = bar_text_style(year_colour(year)) | {
            "text": [count_and_share(count, share, lang) for count, share in zip(counts, shares, strict=True)]}
        if year_round(year) % 2:  # a colour's second round is hatched: 2024 beside 2017 is told apart
            written["marker"]["pattern"] = year_hatch(year_colour(year))  # type: ignore[index]
        hovers = ["" if share is None else f"<br>{plain(conversion_label)}{colon}{share}" for share in shares]
        draft.add("bar", y=labels, x=counts, orientation="h", name=str(year), customdata=hovers, **written,
                  hovertemplate=f"{year} · %{{y}}{colon}%{{x:,}}%{{customdata}}<extra></extra>")
    base_layout(draft, lang, title, x_title, None, translate(lang, "chart.year"))
    stages = frame["stage"].nunique()
    draft.update_layout(barmode="group", height=max(LEGEND_BASE_HEIGHT, GROUPED_BAR * len(years) * stages
                                                    + GROUPED_FRAME))
    # The first stage at the top, and in each stage the years from the top down, as the legend reads them.
    draft.update_axes("y", tickformat=None, autorange="reversed")
    draft.update_axes("x", tickformat=",d")
    place_lying_texts(draft, width)
    return draft.build()


def count_and_share(count: int, share: str | None, lang: str) -> str:
    """A funnel bar's text: its count, and the share of the stage before in brackets where there is one."""
    number = format_number(count, lang)
    return number if share is None else plain(translate(lang, "chart.count_and_share", count=number, share=share))


# px Plotly keeps between a bar's end and its text, inside or beside it (TEXTPAD in its bar plot)
BAR_TEXT_PAD = 3
# Plotly's autorange ends a bar axis a little past the longest bar: a bar's px are reckoned on this much more
BAR_AXIS_PADDING = 1.05


def text_inside_or_beside(text: str, value: float, longest: float, plot_width: float) -> str:
    """Where a lying bar's text stands in a plot ``plot_width`` px wide (the narrowest it is drawn at; wider
    screens have more room): inside the bar where it fits whole, beside it otherwise. The text keeps its
    size (constraintext), and the longest bar's text never stands past the plot."""
    bar = plot_width * value / (longest * BAR_AXIS_PADDING) if longest else 0.0
    if value == longest or margins.text_width(text, TEXT_SIZE) + 2 * BAR_TEXT_PAD <= bar:
        return "inside"
    return "outside"


def place_lying_texts(draft: Draft, width: int) -> None:
    """Each lying bar's text inside its bar where it fits whole when the figure is ``width`` px wide (the
    narrowest it is drawn at), beside the bar's end otherwise (text_inside_or_beside): one rule for every
    chart of lying bars with their counts written on them. Plotly's "auto" put a count inside a bar it then
    shrank it into, and "a quarter of the longest" ran a long text ("35 (55.6%)") past a bar's end."""
    longest = max((float(value) for trace in draft.data for value in trace["x"]), default=0.0)  # type: ignore[union-attr]
    plot_width = plot_size(draft, width)[0]
    for trace in draft.data:
        trace["textposition"] = [text_inside_or_beside(text, float(value), longest, plot_width)
                                 for text, value in zip(trace["text"], trace["x"], strict=True)]  # type: ignore[arg-type]


def bar_text_style(colour: str) -> dict[str, object]:
    """A bar trace's colour and how its text is written: level, at its size (constraintext), in the ink that
    reads on the colour inside a bar, and not cut at the plot's edge beside the longest."""
    return {"marker": {"color": colour}, "textangle": 0, "constraintext": "none", "cliponaxis": False,
            "insidetextfont": {"color": ink_on(colour)}}


# Date ticks: Plotly places them (at most nticks) and names the months from each chart's locale
# (dashboard.components.chart_config: CLDR's month names); Chinese writes the month as a number.
DAY_TICK = {"zh": "%-m月%-d日"}  # otherwise "%-d %b": 6 Agu, 6 Aug
MONTH_NAME = {"zh": "%-m月"}  # otherwise "%b": Agu, in a timeline's panel (its title gives the year; dated_ticks)
# px more below each panel naming a date of another calendar year than its program year: a line for that year
YEAR_LINE = 16
# A timeline panel spanning at least this long is marked by month, each name in the middle of its month; a
# shorter one by day. Day ticks every two weeks turned upright and ran into each other in a phone's panel.
MONTHS_FROM = pd.Timedelta(days=45)
TIMELINE_ROWS = 60  # up to this many activities one row each; more are counted per month
TIMELINE_TITLE_GAP = 6  # px kept free beside a title written "middle right" (Plotly's gap, and spare)
TIMELINE_GAP = 64  # px between two years' panels: the upper one's month names and the lower one's title
PANEL_TITLE_ROOM = 16  # px at least between the plot and a legend above panels titled by year (their titles' room)
TIMELINE_FRAME = 150  # px of the chart around its panels: title, one legend row, the last month names


def counted_per_month(activities: int) -> bool:
    """Whether the timeline counts ``activities`` per month (activities_per_month) rather than drawing a row
    each: the chart and its caption decide alike."""
    return activities > TIMELINE_ROWS


@dataclass(frozen=True)
class TimelineRows:
    """Where a timeline row puts its title and its bar (in rows from the row's middle; the axis runs down)."""

    height: int  # px per activity (× PROJECTOR_SCALE in presentation mode, with the text)
    bar: tuple[float, float]  # the bar's start and thickness
    title: float | None  # the title's middle, written from the panel's left edge; None: beside the row


# On screen each title is written above its bar, so the dates get the chart's whole width: as tick labels
# beside the rows, the titles took 240 of a phone's 320 px. (Not as "inside" tick labels: Plotly hides the
# gridlines and month names under those, all but one month on a phone.)
TITLES_ABOVE = TimelineRows(height=34, bar=(0.02, 0.36), title=-0.22)
# Printed, the chart is squeezed to a page's height, rows too thin for a title above each bar; an A4
# page is wide enough for the titles beside the rows (dashboard.report).
TITLES_BESIDE = TimelineRows(height=26, bar=(-0.3, 0.6), title=None)


def timeline_axis(first: pd.Timestamp, last: pd.Timestamp, year: int, lang: str) -> Props:
    """A timeline panel's date axis from its first start to its last end. Over MONTHS_FROM or more it spans
    whole months, each named in its middle (a month's name whose middle fell outside the panel, as the
    first month's often did, was left out); a shorter one is marked by day, two days of room either side.
    A date of another calendar year than the panel's program year ``year`` is named with that year on a
    second line (dated_ticks): "Nov Des Jan" under a panel "2019" read as January 2019."""
    if last - first >= MONTHS_FROM:
        start = first.to_period("M").start_time
        end = (last - pd.Timedelta(seconds=1)).to_period("M").end_time.ceil("D")
        months = pd.date_range(start, end, freq="MS", inclusive="left")  # what each month's tick is named from
        return {"range": [start, end], "dtick": "M1", "ticklabelmode": "period",
                **dated_ticks(MONTH_NAME.get(lang, "%b"), months, year, lang)}
    padding = pd.Timedelta(days=2)
    days = pd.date_range((first - padding).floor("D"), (last + padding).ceil("D"), freq="D")  # Plotly's day ticks
    return {"range": [first - padding, last + padding], "nticks": 6,
            **dated_ticks(DAY_TICK.get(lang, "%-d %b"), days, year, lang)}


def dated_ticks(name_format: str, dates: pd.DatetimeIndex, year: int, lang: str) -> Props:
    """A date axis's tick format, naming each of ``dates`` by ``name_format``. Where one of them falls in
    another calendar year than ``year``, the format adds the year and Plotly's labelalias writes each label
    back without it, or with it on a second line for a date of that other year ("Jan<br>2020")."""
    if all(date.year == year for date in dates):
        return {"tickformat": name_format}
    with_year = f"{name_format} %Y"
    return {"tickformat": with_year, "labelalias": {
        d3_date(date, with_year, lang): d3_date(date, name_format, lang)
        + ("" if date.year == year else f"<br>{date.year}") for date in dates}}


# Months between two named months of a timeline panel, the fewest whose names stand level side by side;
# past the last, whole years are named as years (a panel of a date far from its program year).
MONTH_STEPS = (1, 2, 3, 6)


def month_step(months: int, widest: str, plot_width: float, gap: float = margins.LABEL_GAP) -> int:
    """How many months apart the named months of a panel ``months`` long stand, for names as wide as
    ``widest`` to stand level side by side in ``plot_width`` px, ``gap`` px apart (Plotly's, past which it
    turns them, by default): the fewest MONTH_STEPS, or past them whole years (12, 24 …), named by their year."""
    for step in MONTH_STEPS:
        if -(-months // step) * (margins.text_width(widest, TICK_SIZE) + gap) <= plot_width:
            return step
    per_year = margins.text_width(margins.date_label({"tickformat": "%Y"}), TICK_SIZE) + gap
    return 12 * next(years for years in itertools.count(1) if -(-months // (12 * years)) * per_year <= plot_width)


def thinned_months(axis: Props, plot_width: float) -> Props:
    """What a month-marked panel's ``axis`` changes to name every month, or every 2nd, 3rd or 6th (counted
    from a January, as Plotly counts), or every year or every few years written as years (month_step). A
    phone's panel of 13 months turned its names upright, and those with a year on a second line ran into
    each other."""
    start, end = (pd.Timestamp(day) for day in axis["range"])  # type: ignore[index]
    step = month_step((end.year - start.year) * 12 + end.month - start.month, margins.date_label(axis), plot_width)
    # Unnamed months (or years) keep their gridlines: a bar is still read against its month.
    patch: Props = {"dtick": f"M{step}", "minor": {"dtick": "M1" if step < 12 else "M12", "showgrid": True,
                                                    "gridcolor": GRID}} if step > 1 else {}
    return patch if step < 12 else {**patch, "tickformat": "%Y", "labelalias": None}


# The d3 time directives the timeline's tick formats use, as Plotly writes them with the chart's locale
# (dashboard.components.plotly_locale: CLDR's abbreviated month names).
_D3_DIRECTIVE = re.compile("%-d|%-m|%b|%Y")


def d3_date(date: pd.Timestamp, d3_format: str, lang: str) -> str:
    """``date`` written by ``d3_format`` as Plotly writes a tick label: the label labelalias must match."""
    def directive(match: re.Match[str]) -> str:
        return {"%-d": str(date.day), "%-m": str(date.month), "%b": month_names(lang)[date.month - 1],
                "%Y": str(date.year)}[match.group()]
    return _D3_DIRECTIVE.sub(directive, d3_format)


def timeline(frame: pd.DataFrame, lang: str, title: str, layout: TimelineRows = TITLES_ABOVE,
             width: int = margins.PHONE_WIDTH) -> go.Figure:
    """When the activities took place: one row per activity, a panel per year (at most TIMELINE_ROWS; more
    are counted per month, activities_per_month).

    Each year's panel spans that year's activities only (a day stays visible: 46 activities over
    three years on one axis become hairlines). Row i of a panel is at y = i, labelled with the title (above
    its bar or beside the row, by ``layout``), cut to LABEL_LIMIT characters and, above its bar, to one line
    of the plot's width in a figure ``width`` px wide, the narrowest it is drawn at (40 characters, as
    before, left a laptop's rows half empty and a Chinese title past a phone's edge); two activities of the
    same title keep their rows.
    """
    palette = colours(schema.ACTIVITY_TYPE)
    years = sorted(frame["year"].unique())
    counts = [int((frame["year"] == year).sum()) for year in years]
    entries = frame["type"].nunique()
    starts, ends = pd.to_datetime(frame["start_date"]), pd.to_datetime(frame["end_date"]) + pd.Timedelta(days=1)
    axes = {year: timeline_axis(starts[frame["year"] == year].min(), ends[frame["year"] == year].max(), int(year),
                                lang) for year in years}
    year_line = YEAR_LINE if any("labelalias" in axis for axis in axes.values()) else 0
    panels = len(frame) * layout.height + (len(years) - 1) * (TIMELINE_GAP + year_line)
    # One panel has no gap: a year of one activity (34 px) asked Plotly for a gap of 64/34 of the figure.
    gap = (TIMELINE_GAP + year_line) / panels if len(years) > 1 else 0.0
    draft = Draft(rows=len(years), cols=1, row_heights=counts, vertical_spacing=gap,
                  subplot_titles=[str(year) for year in years])
    shown_types: set[str] = set()
    offset, thickness = layout.bar
    for index, year in enumerate(years, start=1):
        part = frame[frame["year"] == year].sort_values(["start_date", "activity_id"], kind="stable")
        start = pd.to_datetime(part["start_date"])
        # A one-day activity still gets a visible bar: end at the end of its last day.
        end = pd.to_datetime(part["end_date"]) + pd.Timedelta(days=1)
        rows = np.arange(len(part))
        for code in schema.ACTIVITY_TYPE.codes:
            mask = (part["type"] == code).to_numpy()
            if not mask.any():
                continue
            draft.add(
                "bar", base=start[mask], x=((end - start).dt.total_seconds() * 1000)[mask], y=rows[mask],
                offset=offset, width=thickness, orientation="h",
                name=plain(schema.ACTIVITY_TYPE.label(code, lang)), marker={"color": palette[code]}, legendgroup=code,
                showlegend=code not in shown_types,
                customdata=[[hover_text(t), format_day(a, lang), format_day(b, lang)] for t, a, b in zip(
                    part["title"][mask], part["start_date"][mask], part["end_date"][mask], strict=True)],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]} – %{customdata[2]}<extra></extra>",
                row=index, col=1)
            # A dot at the start, on the bar: a one-day activity stays visible beside one of weeks.
            draft.add("scatter", x=start[mask], y=rows[mask] + offset + thickness / 2, mode="markers",
                      marker={"color": palette[code], "size": 9, "symbol": "diamond"}, legendgroup=code,
                      showlegend=False, hoverinfo="skip", row=index, col=1)
            shown_types.add(code)
        dates = axes[year]
        draft.update_axes("x", row=index, col=1, **dates)
        if layout.title is None:
            draft.update_axes("y", tickmode="array", tickvals=rows, ticktext=[short_label(t) for t in part["title"]],
                              row=index, col=1)
        else:  # fitted to the plot's width below, once the margins are known
            titles = [first_characters(t, LABEL_LIMIT) for t in part["title"]]
            draft.add("scatter", x=[dates["range"][0]] * len(part), y=rows + layout.title, mode="text", text=titles,
                      textposition="middle right", textfont={"size": TICK_SIZE, "color": INK}, cliponaxis=False,
                      hoverinfo="skip", showlegend=False, row=index, col=1)
        # Reversed: the first activity on top.
        draft.update_axes("y", type="linear", range=[len(part) - 0.5, -0.5], row=index, col=1)
    base_layout(draft, lang, title, None, None, schema.column_label("type")(lang))
    # No fixed tick angle: Plotly turns the dates only where they would overlap (a phone's narrow panels).
    draft.update_axes("x", type="date")
    draft.update_axes("y", tickformat=None, rangemode=None, showticklabels=layout.title is None, showgrid=False,
                      zeroline=False)
    draft.update_annotations(font={"size": TEXT_SIZE, "color": MUTED_INK}, x=0, xanchor="left")
    draft.update_layout(barmode="overlay", margin={"t": 30},
                        height=panels + TIMELINE_FRAME + year_line + LEGEND_ROW_HEIGHT * (entries // 3))
    legend_above_panel_titles(draft, width)
    plot_width = plot_size(draft, width)[0]
    for index, year in enumerate(years, start=1):
        if axes[year].get("dtick") == "M1":  # marked by month
            draft.update_axes("x", row=index, col=1, **thinned_months(axes[year], plot_width))
    room = plot_width - TIMELINE_TITLE_GAP
    for trace in draft.data:
        if trace.get("mode") == "text":
            trace["text"] = [fit_lines(text, room, TICK_SIZE, most=1) for text in trace["text"]]
    return draft.build()


def legend_above_panel_titles(draft: Draft, width: int) -> None:
    """The legend of panels titled by their year stands clear of the first one's title: legend.y = 1.02 is a
    share of the plot's height, 2 px over a timeline of one activity, where its entries covered the year."""
    room = draft.reserved_margins(width)
    plot_height = float(draft.layout.get("height") or LEGEND_BASE_HEIGHT) - room["t"] - room["b"]  # every panel's
    draft.update_layout(legend={"y": _legend_y(plot_height, PANEL_TITLE_ROOM)})


def _legend_y(plot_height: float, room: float) -> float:
    """legend.y that puts the legend ``room`` px above a plot ``plot_height`` px tall, or 1.02 if higher."""
    return 1 + max(margins.LEGEND_Y, room / max(plot_height, 1.0))


def _lift_legend_again(figure: go.Figure, width: int, scale: float) -> None:
    """A legend lifted above panels' titles (legend_above_panel_titles) lifted by the same px, times ``scale``,
    over the plot ``figure`` leaves at ``width``: a share of the page's plot would be more px over a taller one."""
    if (figure.layout.legend.y or 0) <= 1 + margins.LEGEND_Y + 1e-9:
        return
    figure.update_layout(legend_y=1 + margins.LEGEND_Y)
    room = margins.reserve(figure.to_dict(), width)
    figure.update_layout(legend_y=_legend_y(figure.layout.height - room["t"] - room["b"], PANEL_TITLE_ROOM * scale))


MONTH_PANEL = 84  # px of a year's panel of activities counted per month, its totals written level
MONTH_BARS = 64  # px of that panel up to its highest bar; the rest is the totals' room above it
MONTH_GAP = 56  # px between two years' panels: the upper one's month names and the lower one's title


def activities_per_month(counts: pd.DataFrame, lang: str, title: str, y_title: str,
                         width: int = margins.PHONE_WIDTH) -> go.Figure:
    """Many activities: how many started in each month, stacked by type, a panel per program year, from
    ``counts`` as dashboard.queries.activity_months returns them (the list is in the data table).

    A panel holds its program year's activities, as the timeline's rows and the page's other charts count
    them, in the months they start in: an activity of 2019 starting in January 2020 stands after 2019's
    December (panels per calendar year had shown it in a panel "2020" the filter does not name, and counted
    its year differently from the chart of types beside it). The panels share their months (from the
    earliest to the latest, counted from each program year's January, any year starts an activity in) and
    their scale, each month's total written above it. On one date axis across the years, ten years'
    activities (each year's between July and November) stood as bars 3 px wide on a phone, mostly empty
    months between them. Totals that do not fit level side by side in a figure ``width`` px wide (the
    narrowest it is drawn at) are turned upright, each panel taller by them: at 1M rows a phone's months
    wrote "1.0861.0491.104" in a row. Level, they are text traces, which presentation mode (for_projector)
    grows with the panels; annotations there kept the page's panels under larger text, and a small
    projector wrote January's total over the year's title."""
    counts = counts.assign(slot=program_month(counts))
    first, last = int(counts["slot"].min()), int(counts["slot"].max())
    every = month_names(lang)
    names = {slot: every[(slot - 1) % 12] for slot in range(first, last + 1)}  # "Agu", "8月"
    totals = counts.groupby(["year", "slot"])["activities"].sum()
    labels = [format_number(total, lang) for total in totals]
    plot_width = _months_plot_width(list(names.values()), lang, title, width)
    level = level_labels_fit(labels, plot_width, len(names))
    # A month of another calendar year has that year on a second line, which may be the wider.
    dated = [str(counts["calendar_year"].max())] if _runs_into_other_years(names) else []
    widest = max([*names.values(), *dated], key=lambda text: margins.text_width(text, TICK_SIZE))
    step = month_step(len(names), widest, plot_width, gap=LEVEL_MONTHS_GAP)
    draft = _months_draft(counts, totals, names, lang, title, y_title, turned=None if level else labels, step=step)
    legend_above_panel_titles(draft, width)
    return draft.build()


# px at least between two month names of the month panels, which are level whatever their room (tickangle):
# closer than Plotly's turning gap, as a phone's twelve months in English stand, yet never touching.
LEVEL_MONTHS_GAP = 2


def _runs_into_other_years(slots: Iterable[int]) -> bool:
    """Whether any of these program months (program_month) lies in another calendar year than its program
    year's: named with that year, on a second line."""
    return any(not 1 <= slot <= 12 for slot in slots)


def slot_key(slot: int) -> str:
    """A month's category on the panels' axis ("m13"): an annotation placed at a category that reads as a
    number ("13") is placed at that index instead, a month to the right (the last month's total hidden)."""
    return f"m{slot}"


def program_month(counts: pd.DataFrame) -> pd.Series:
    """The month of each row's start counted from its program year's January: 1–12 within the program year,
    13 for the January after it, 0 for the December before."""
    return 12 * (counts["calendar_year"] - counts["year"]) + counts["month"]


def _months_plot_width(names: list[str], lang: str, title: str, width: int) -> float:
    """The px width of activities_per_month's plots in a figure ``width`` px wide, from one panel of its
    months: the months' names and the frame decide it, not the number of panels (building the whole figure
    twice to find it cost 0.07 s at 10M rows)."""
    probe = Draft()
    probe.add("bar", x=names, y=[1] * len(names))
    base_layout(probe, lang, title, None, None, schema.column_label("type")(lang))
    probe.update_axes("x", type="category", tickangle=0)
    probe.update_axes("y", showticklabels=False, title=None)
    return plot_size(probe, width)[0]


def _months_draft(counts: pd.DataFrame, totals: pd.Series, names: dict[int, str], lang: str, title: str,
                  y_title: str, turned: Sequence[str] | None, step: int = 1) -> Draft:
    """activities_per_month's figure over the months ``names`` names (by their program_month), its totals
    level or ``turned`` upright (these labels, the tallest giving each panel its room above the bars), a
    month named every ``step`` months (month_step: from 12, a January named by its year)."""
    colon = colon_of(lang)
    palette = colours(schema.ACTIVITY_TYPE)
    years = sorted(counts["year"].unique())
    above = (max(margins.text_width(label, TEXT_SIZE) for label in turned) + 2 * TURNED_GAP if turned
             else MONTH_PANEL - MONTH_BARS)
    panel = round(MONTH_BARS + above)
    year_line = YEAR_LINE if _runs_into_other_years(names) and step < 12 else 0
    named = [slot for slot in names if (slot - 1) % step == 0]
    gap = MONTH_GAP + year_line
    panels = len(years) * panel + (len(years) - 1) * gap
    draft = Draft(rows=len(years), cols=1, vertical_spacing=gap / panels if len(years) > 1 else 0.0,
                  subplot_titles=[str(year) for year in years])
    shown_types: set[str] = set()
    for index, year in enumerate(years, start=1):
        of_year = counts[counts["year"] == year]
        for code, part, name in by_category(of_year, "type", schema.ACTIVITY_TYPE, lang):
            draft.add("bar", x=[slot_key(slot) for slot in part["slot"]], y=part["activities"], name=name,
                      marker={"color": palette[code]}, legendgroup=code, showlegend=code not in shown_types,
                      customdata=[format_date_part(dt.date(int(start_year), int(month), 1), "yMMM", lang)
                                  for start_year, month in zip(part["calendar_year"], part["month"], strict=True)],
                      hovertemplate=f"{name} · %{{customdata}}<br>{plain(y_title)}{colon}%{{y:,}}<extra></extra>",
                      row=index, col=1)
            shown_types.add(code)
        if not turned:  # level: text beside the bars, which presentation mode grows with the panels
            of_months = totals.loc[year]
            draft.add("scatter", x=[slot_key(slot) for slot in of_months.index], y=of_months.tolist(),
                      mode="text", text=[format_number(total, lang) for total in of_months],
                      textposition="top center", textfont={"size": TEXT_SIZE, "color": INK}, cliponaxis=False,
                      hoverinfo="skip", showlegend=False, row=index, col=1)
        draft.update_axes("x", row=index, col=1, tickvals=[slot_key(slot) for slot in named], ticktext=[
            _month_tick(names[slot], int(year) + (slot - 1) // 12, int(year), step) for slot in named])
    base_layout(draft, lang, title, None, None, schema.column_label("type")(lang))
    # The same months and scale in every panel: a year's bars compare with another's. The totals say the
    # counts, so no value axis. Each month is placed by its program_month (a month of the next calendar year
    # stands after December, as on the timeline's rows) and named in each panel.
    slots = [slot_key(slot) for slot in names]
    draft.update_axes("x", type="category", categoryorder="array", categoryarray=slots, tickmode="array",
                      range=[-0.5, len(names) - 0.5], showgrid=False, tickangle=0)
    draft.update_axes("y", range=[0, float(totals.max()) * panel / MONTH_BARS], showticklabels=False,
                      showgrid=False, zeroline=False, tickformat=None, title=None)
    draft.update_annotations(font={"size": TEXT_SIZE, "color": MUTED_INK}, x=0, xanchor="left")  # the years
    if turned:  # each month's total above it, in its year's panel: annotations turn, scatter text cannot
        panel_of = {year: draft.refs(index) for index, year in enumerate(years, start=1)}
        draft.layout.setdefault("annotations", []).extend(  # type: ignore[union-attr]
            {"x": slot_key(slot), "y": float(total), **panel_of[year], "text": format_number(total, lang),
             "showarrow": False, "font": {"size": TEXT_SIZE, "color": INK}, "yanchor": "bottom",
             "yshift": TURNED_GAP, "textangle": -90}
            for (year, slot), total in totals.items())
    entries = counts["type"].nunique()
    draft.update_layout(barmode="stack", margin={"t": 30},
                        height=panels + TIMELINE_FRAME + year_line + LEGEND_ROW_HEIGHT * (entries // 3))
    return draft


def _month_tick(name: str, calendar_year: int, program_year: int, step: int) -> str:
    """A month panel's tick: the month's name, with its calendar year on a second line when that is not the
    panel's program year ("Jan<br>2020"); from a step of 12 months, the year alone."""
    if step >= 12:
        return str(calendar_year)
    return name if calendar_year == program_year else f"{name}<br>{calendar_year}"


def heatmap(frame: pd.DataFrame, lang: str, title: str, count_title: str) -> go.Figure:
    """Obstacles: category × severity (1–5), counts in the cells."""
    colon = colon_of(lang)
    table = frame.pivot_table(index="category", columns="severity", values="obstacles", aggfunc="sum",
                              fill_value=0)
    table = table.reindex(columns=range(1, 6), fill_value=0)
    codes = [code for code in schema.OBSTACLE_CATEGORY.codes if code in table.index]
    table = table.loc[codes]
    labels = [plain(schema.OBSTACLE_CATEGORY.label(code, lang)) for code in codes]
    draft = Draft()
    draft.add("heatmap", z=table.to_numpy(), x=[str(s) for s in table.columns], y=labels, colorscale=HEAT_SCALE,
              # The counts in the cells, written as every other count on the page (1.338 in Indonesian)
              text=[[format_number(count, lang) for count in row] for row in table.to_numpy()],
              texttemplate="%{text}", textfont={"color": INK}, showscale=False,
              hovertemplate=f"%{{y}} · %{{x}}{colon}%{{z:,}} {plain(count_title)}<extra></extra>")
    base_layout(draft, lang, title, translate(lang, "chart.severity"), None)
    draft.update_axes("x", type="category")  # every severity 1–5 labelled (as numbers, Plotly showed 2 and 4)
    return draft.update_axes("y", tickformat=None, rangemode=None).build()


def category_by_beneficiary(frame: pd.DataFrame, lang: str, title: str, x_title: str) -> go.Figure:
    """Benefit indicators by category, stacked by beneficiary, each category's total written beside it and
    each part's count inside it where it fits (written_parts)."""
    colon = colon_of(lang)
    totals = frame.groupby(["category", "beneficiary"], as_index=False)["indicators"].sum()
    palette = colours(schema.BENEFICIARY)
    draft = Draft()
    # Only the categories recorded, in the vocabulary's order: Plotly's autorange showed an absent one lying
    # between two recorded ones as an empty row without a total, and left out those beyond them.
    recorded = set(totals["category"])
    order = [plain(schema.BENEFIT_CATEGORY.label(code, lang)) for code in schema.BENEFIT_CATEGORY.codes
             if code in recorded]
    for code, part, label in by_category(totals, "beneficiary", schema.BENEFICIARY, lang):
        draft.add("bar", y=[plain(schema.BENEFIT_CATEGORY.label(c, lang)) for c in part["category"]],
                  x=part["indicators"], orientation="h", name=label, marker={"color": palette[code]},
                  hovertemplate=f"{label}<br>%{{y}}{colon}%{{x:,}}<extra></extra>")
    base_layout(draft, lang, title, x_title, None, translate(lang, "chart.beneficiary"))
    # The legend in the order the parts stand, left to right, as on the page's other charts (Plotly reverses
    # a stack's legend by default, right for stacks that grow upwards).
    draft.update_layout(barmode="stack", legend={"traceorder": "normal"})
    draft.update_axes("y", tickformat=None, categoryorder="array", categoryarray=order[::-1])
    narrow_few_bars(draft)
    # Placed by label: a category's label is never a number, which Plotly would read as a place.
    per_category = totals.groupby("category")["indicators"].sum()
    stack_totals(draft, [plain(schema.BENEFIT_CATEGORY.label(code, lang)) for code in per_category.index],
                 per_category.tolist(), lang, sideways=True)
    written_parts(draft, lang, margins.PHONE_WIDTH, sideways=True)
    return draft.update_axes("x", tickformat=",d").build()


def sides_by_type(frame: pd.DataFrame, lang: str, title: str, x_title: str, series: dict[str, str],
                  width: int = margins.PHONE_WIDTH) -> go.Figure:
    """Participants from Jakarta and from the partner city per activity type, side by side, the types in
    the frame's order from the top, each count written inside its bar where it fits at ``width`` px and
    beside it otherwise (place_lying_texts)."""
    colon = colon_of(lang)
    labels = [plain(schema.ACTIVITY_TYPE.label(code, lang)) for code in frame["type"]]
    draft = Draft()
    for index, (column, label) in enumerate(series.items()):
        name = plain(label)
        draft.add("bar", y=labels, x=frame[column].tolist(), orientation="h", name=name,
                  **bar_text_style(OKABE_ITO[index]),
                  text=[format_number(value, lang) for value in frame[column]],
                  hovertemplate=f"{name}<br>%{{y}}{colon}%{{x:,}}<extra></extra>")
    base_layout(draft, lang, title, x_title, None)
    # Bars thick enough for their counts' text, which keeps its size (constraintext) as on the other charts.
    draft.update_layout(barmode="group", height=max(LEGEND_BASE_HEIGHT,
                                                    GROUPED_BAR * len(series) * len(labels) + GROUPED_FRAME))
    # Read from the top, as the funnel: the frame's first type on top, and in each pair the first series
    # (Jakarta), as the legend names them.
    draft.update_axes("y", tickformat=None, autorange="reversed")
    draft.update_axes("x", tickformat=",d")
    place_lying_texts(draft, width)
    return draft.build()


# How each unit's axis reads: fixed ranges where the unit has one; rupiah get their ticks from the data.
UNIT_AXES: dict[str, dict[str, object]] = {
    "percent": {"range": [0, 100], "ticksuffix": "%", "tickformat": ",d"},
    "score": {"range": [0, 5], "tickformat": ",.1f", "dtick": 1},
    "count": {"tickformat": ",d", "rangemode": "tozero"},
    "idr": {"rangemode": "tozero", "tickangle": 0},
}
# At most this many rupiah ticks: side by side, amounts collide on a phone beyond three.
RUPIAH_TICKS = 3
ROUND_STEPS = (1, 2, 5)


def unit_axis(unit: str, lang: str, maximum: float) -> dict[str, object]:
    """The value axis of one unit, for values up to ``maximum``."""
    axis = dict(UNIT_AXES.get(unit, {}))
    if unit == "idr":
        axis.update(rupiah_ticks(maximum, lang, RUPIAH_TICKS))
    return axis


def rupiah_ticks(maximum: float, lang: str, most: int) -> dict[str, object]:
    """Round ticks from 0 to ``maximum``, at most ``most`` of them, written as the bars write their amounts
    (Rp50 jt, IDR50m, IDR5000万): one chart never shows an amount in two forms, and the abbreviation
    leaves room for more ticks than "Rp 100.000.000" did."""
    maximum = maximum if maximum > 0 else 0  # nothing (or NaN) to mark: zero alone
    step = next(factor * 10**power for power in itertools.count(0) for factor in ROUND_STEPS
                if maximum // (factor * 10**power) + 1 <= most)
    values = [step * index for index in range(int(maximum // step) + 1)]
    return {"tickmode": "array", "tickvals": values,
            "ticktext": [format_measure(value, "idr", lang, compact=True) for value in values]}


def indicator_values(frame: pd.DataFrame, lang: str, title: str, x_title: str, unit: str,
                     width: int = margins.PHONE_WIDTH) -> go.Figure:
    """Achieved values of one unit: a bar per indicator, coloured by beneficiary, grouped by category.

    Rows are keyed by benefit ID (unique within a year); each is titled above its bar with the indicator's
    name (``row_titles``, broken for a figure ``width`` px wide, the narrowest it is drawn at), the full name
    and its category in the hover label. Every row is as tall as the one whose title takes most lines, and the
    figure as tall as its rows and margins.
    """
    colon = colon_of(lang)
    palette = colours(schema.BENEFICIARY)
    order = {code: index for index, code in enumerate(schema.BENEFIT_CATEGORY.codes)}
    ordered = frame.assign(rank=frame["category"].map(order)).sort_values(["rank", "indicator"], kind="stable")
    ordered = ordered.assign(
        row=[plain(f"{year} · {benefit}") for year, benefit in zip(ordered["year"], ordered["benefit_id"],
                                                                     strict=True)],
        full=ordered["indicator"].map(hover_text),
        exact=ordered["value"].map(lambda value: format_measure(value, unit, lang)),
        on_bar=ordered["value"].map(lambda value: format_measure(value, unit, lang, compact=True)),
        category_label=ordered["category"].map(lambda code: plain(schema.BENEFIT_CATEGORY.label(code, lang))))
    draft = Draft()
    for code, part, name in by_category(ordered, "beneficiary", schema.BENEFICIARY, lang):
        # Each bar says its value (inside the bar where it fits): a projector cannot hover. Rupiah are
        # abbreviated there so that a label beside a short bar fits a phone; the hover gives the whole amount.
        draft.add("bar", y=part["row"], x=part["value"], orientation="h", name=name, marker={"color": palette[code]},
                  text=part["on_bar"], textposition="auto", textangle=0, cliponaxis=False,
                  insidetextfont={"color": ink_on(palette[code])},
                  customdata=part[["full", "category_label", "exact"]].to_numpy(),
                  hovertemplate=(f"%{{customdata[0]}}<br>%{{customdata[1]}} · {name}{colon}%{{customdata[2]}}"
                                 "<extra></extra>"))
    base_layout(draft, lang, title, x_title, None, translate(lang, "chart.beneficiary"))
    rows = list(ordered["row"])
    # Reversed, and exactly the rows: Plotly's autorange reached past the last row for its bar's text (one
    # row's axis spanned 1.2 rows, its bar 22 px for 26, and Plotly shrank the value written in it to 0.82).
    draft.update_axes("y", range=[len(rows) - 0.5, -0.5], tickformat=None, type="category",
                      categoryorder="array", categoryarray=rows, showticklabels=False, ticks="")
    draft.update_axes("x", **unit_axis(unit, lang, ordered["value"].max()))
    draft.update_layout(barmode="overlay")  # the legend names a single beneficiary too (base_layout)
    titles, title_px = row_titles(ordered["indicator"], plot_size(draft, width)[0])
    row = ROW_TITLE_GAP + title_px + VALUE_BAR_GAP + VALUE_BAR
    # On the reversed category axis a row spans its index ± 0.5, its foot at + 0.5: the bar there, its title
    # just above it (a one-line title beside a two-line one leaves the space above it, between the rows).
    bar = VALUE_BAR / row
    for trace in draft.data:
        trace.update(width=bar, offset=0.5 - bar)
    draft.update_layout(annotations=row_title_annotations(
        titles, [index + 0.5 - (VALUE_BAR + VALUE_BAR_GAP) / row for index in range(len(rows))]))
    return fit_rows(draft, row * len(rows), width).build()


def row_titles(texts: Iterable[object], plot_width: float) -> tuple[list[str], int]:
    """Rows' titles written above them across a plot ``plot_width`` px wide (``fit_lines``), and the px a
    title's band takes: as many lines as the longest title needs."""
    titles = [fit_lines(text, plot_width - ROW_TITLE_INDENT, ROW_TITLE_SIZE, ROW_TITLE_LINES) for text in texts]
    return titles, ROW_TITLE_LEADING * max((title.count("<br>") + 1 for title in titles), default=1)


def row_title_annotations(titles: Sequence[str], feet: Sequence[float]) -> list[Props]:
    """Each title from the plot's left edge, standing on its ``feet`` (y axis: the top of its row's line or
    bar), on white: grid lines stop at it."""
    return [{"text": title, "x": 0, "xref": "paper", "xanchor": "left", "xshift": ROW_TITLE_INDENT, "y": foot,
             "yref": "y", "yanchor": "bottom", "align": "left", "showarrow": False, "bgcolor": "white",
             "font": {"size": ROW_TITLE_SIZE, "color": INK}} for title, foot in zip(titles, feet, strict=True)]


def fit_rows(draft: Draft, rows_px: float, width: int) -> Draft:
    """The figure as tall as its rows (``rows_px``) and the margins reserved for it at ``width`` px: the rows'
    px (their titles' and values' room) hold where it is drawn that narrow, and grow where it is wider."""
    height = 0
    for _ in range(5):  # a legend's margin grows with the figure's height (legend.y is a share of the plot's)
        room = draft.reserved_margins(width)
        wanted = round(rows_px) + room["t"] + room["b"]
        if wanted == height:
            break
        height = wanted
        draft.update_layout(height=height)
    draft.rows_px = round(rows_px)  # for_projector grows the rows with their text
    return draft


def fitted_rows_px(figure: go.Figure) -> int | None:
    """The px of a figure's rows where ``fit_rows`` sized it, else None. Kept on the figure object, not in
    its layout: Plotly takes a layout's ``meta`` object for a change at every call and draws the chart again
    (tests/e2e/test_chart_redraw.py)."""
    return getattr(figure, ROWS_PX_ATTRIBUTE, None)


def fit_axis_titles(figure: go.Figure, spec: dict[str, Any], width: int = margins.PHONE_WIDTH) -> bool:
    """Each x axis's title broken into two lines where it is wider than its plot in a figure ``width`` px wide
    (the narrowest it is drawn at; ``spec`` is the figure as a dict). Plotly centres the title under its plot
    and the figure's edge cut what passed it: "Benefit indicators recorde" on a 360 px phone. True when a
    title was broken."""
    room = margins.reserve(spec, width)
    plot = width - room["l"] - room["r"]
    broken = False
    for name, axis in spec["layout"].items():
        title = axis.get("title") if re.fullmatch(r"xaxis\d*", name) and isinstance(axis, dict) else None
        text = html.unescape(str(title.get("text") or "")) if isinstance(title, dict) else ""
        if not text or "<br>" in text:
            continue
        start, end = axis.get("domain", (0, 1))
        size = margins.axis_title_size(title.get("font"), TEXT_SIZE)
        if margins.text_width(text, size) > plot * (end - start):
            figure.layout[name].title.text = fit_lines(text, plot * (end - start), size, 2)
            broken = True
    return broken


def fit_lines(text: object, width: float, size: float, most: int) -> str:
    """``text`` in at most ``most`` lines of at most ``width`` px at ``size`` px (dashboard.margins' advance
    widths: a Chinese name fits half the characters of a Latin one), broken at a space where there is one,
    the last line cut with "…"; each line made ``plain``, joined by "<br>"."""
    rest = _WHITESPACE.sub(" ", _as_str(text)).strip()
    lines: list[str] = []
    while len(lines) < most - 1 and _width(rest, size) > width:
        cut = _line_break(rest, _fitting(rest, width, size))
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if _width(rest, size) > width:
        rest = rest[:_fitting(rest, width - _width(ELLIPSIS, size), size)].rstrip() + ELLIPSIS
    return "<br>".join(plain(line) for line in [*lines, rest])


# Whitespace a chart's line folds into one space: all but the no-break space, which keeps a number with its word
# ("2019\u00a0年", translations.typeset) and a workbook's own joined words.
_WHITESPACE = re.compile(r"[^\S\u00a0]+")
# Punctuation a line never starts with, or never ends with (the core of Chinese typesetting's 避头尾 rule).
_NO_LINE_START = frozenset("，。、；：！？）》」』】〕…·%,.;:!?)]}")
_NO_LINE_END = frozenset("（《「『【〔([{")


def _line_break(text: str, cut: int) -> int:
    """Where a line of ``text`` whose first ``cut`` characters fit ends: at its last space there; else before
    the last character where Chinese may break (next to a Han character, never inside a number or a Latin
    word, nor at a no-break space, before closing punctuation or after opening punctuation); else at ``cut``."""
    space = text.rfind(" ", 0, cut + 1)
    if space > 0:
        return space
    return next((end for end in range(min(cut, len(text) - 1), 0, -1) if _may_break(text[end - 1], text[end])), cut)


def _may_break(before: str, after: str) -> bool:
    if "\u00a0" in (before, after) or after in _NO_LINE_START or before in _NO_LINE_END:
        return False
    return margins.char_width(before) == margins.WIDE or margins.char_width(after) == margins.WIDE


def _width(text: str, size: float) -> float:
    """The width (px) of workbook text as shown: measured made plain, so "<b>" counts as three characters."""
    return margins.text_width(plain(text), size)


def _fitting(text: str, width: float, size: float) -> int:
    """How many of ``text``'s first characters fit ``width`` px (at least one, so a line is never empty)."""
    reach = list(itertools.accumulate(margins.char_width(char) * size / 1000 for char in text))
    return max(1, sum(1 for end in reach if end <= width))


def indicator_trends(frame: pd.DataFrame, lang: str, title: str, unit: str, years: Sequence[int],
                     width: int = margins.PHONE_WIDTH) -> go.Figure:
    """Indicators measured in more than one year: a row per indicator code, named above its line, its values
    written beside its points: at every year where they fit side by side in a figure ``width`` px wide (the
    narrowest it is drawn at), else at its first and last year (``ends_only``).

    One line per indicator on a shared axis left eleven count indicators crowded between 1 and 7 under one
    at 37, told apart by eleven colours. Here each row has its own scale from zero: percentages to 100% and
    scores to 5 (their UNIT_AXES range), counts and amounts to the row's largest value. Its title (the code,
    then the name: ``row_titles``) spans the plot's width above its line, so a phone keeps the whole width
    for the years. Every value is written beside its point, so no number is read from a row's height, nor
    needs a hover. The years are those selected, as the caption's period says: a year no row was measured in
    stays empty.

    The rows share one y axis, row i (from the bottom) spanning i to i + 1 with its zero on a minor grid
    line: Chromium drew the sample's eleven count rows in 122 ms as eleven subplots, in 54-67 ms on one axis
    (medians of 12 and 25 runs; the eleven lines crowded on one scale, without their values: 25-30 ms).
    Every row is as tall as the one whose title takes most lines, and the figure as tall as its rows and
    margins, so the rows' px (the titles' and the values' room) hold on every screen. ``customdata`` keeps
    each point's value: [name, value in its unit, value].
    """
    colon = colon_of(lang)
    lines = [part for _, part in frame.sort_values("year").groupby("indicator_code", sort=True)]
    columns = [str(year) for year in sorted({*years, *frame["year"]})]
    fixed = UNIT_AXES.get(unit, {}).get("range")
    colour = OKABE_ITO[4]  # blue
    draft = Draft()
    shares, titles = [], []
    for part in lines:
        code, latest = part.iloc[-1]["indicator_code"], part.iloc[-1]["indicator"]
        top = float(fixed[1]) if isinstance(fixed, list) else float(part["value"].max()) or 1.0
        # Every year of the chart, with a gap where the indicator was not measured: a line drawn across the
        # gap would show a value nobody recorded.
        measured = part.set_index(part["year"].astype(str)).reindex(columns)
        values = [None if pd.isna(value) else float(value) for value in measured["value"]]
        # The hover writes the whole name, and the value in its unit as the tables do (Rp 134.000.000).
        hover = [[hover_text(text), format_measure(value, unit, lang), value] if value is not None else ["", "", None]
                 for text, value in zip(measured["indicator"], values, strict=True)]
        # Not clipped at the plot's edge: a value written above the top row's point stays whole. Its height
        # is set below, once the rows' px are known.
        draft.add("scatter", x=columns, y=[None] * len(columns), mode="lines+markers+text", name=plain(code),
                  customdata=hover, cliponaxis=False,
                  text=["" if value is None else format_measure(value, unit, lang, compact=True) for value in values],
                  textposition="top center", textfont={"color": INK},
                  marker={"color": colour, "size": 7}, line={"color": colour, "width": 2},
                  hovertemplate=f"%{{customdata[0]}}<br>%{{x}}{colon}%{{customdata[1]}}<extra></extra>")
        shares.append([None if value is None else value / top for value in values])
        titles.append((code, latest))
    base_layout(draft, lang, title, translate(lang, "chart.year"))
    # Each year at the middle of its share of the width (Plotly fits a line's points to the plot's edges):
    # the first and last values, written centred on their points, stay clear of the page's edges.
    draft.update_axes("x", type="category", categoryorder="array", categoryarray=columns, showline=True,
                      range=[-0.5, len(columns) - 0.5])
    bases = [float(len(lines) - 1 - index) for index in range(len(lines))]  # the first code on top
    draft.update_axes("y", range=[0, len(lines)], showticklabels=False, ticks="", tickformat=None, rangemode=None,
                      showgrid=False, minor={"tickmode": "array", "tickvals": bases, "showgrid": True,
                                             "gridcolor": AXIS_LINE})
    draft.update_layout(showlegend=False)
    plot_width = plot_size(draft, width)[0]
    names, title_px = row_titles([f"{_as_str(code)} · {_as_str(name)}" for code, name in titles], plot_width)
    band = TREND_LINE_BAND * (2 if len(lines) == 1 else 1)  # a row alone: its slope stays readable
    row = ROW_TITLE_GAP + title_px + band
    for trace, base, share in zip(draft.data, bases, shares, strict=True):
        trace["y"] = [None if part is None else base + band * part / TREND_HEADROOM / row for part in share]
    draft.update_layout(annotations=row_title_annotations(names, [base + band / row for base in bases]))
    fit_rows(draft, row * len(lines), width)
    written = [text for trace in draft.data for text in trace["text"] if text]
    if not level_labels_fit(written, plot_width, len(columns)):
        # Ten years' values ran into each other on a phone ("75.0%80.0%75.0%"). The ends are written by a
        # trace of their own: Plotly left out a row's first value written by its line after a gap.
        for line in list(draft.data):
            texts, places = ends_only(line.pop("text"), plot_width / len(columns))
            line["mode"] = "lines+markers"
            ends = [index for index, text in enumerate(texts) if text]
            # Over unseen markers of the line's size, which set the text's distance from its point.
            draft.add("scatter", x=[columns[i] for i in ends], y=[line["y"][i] for i in ends], mode="markers+text",
                      text=[texts[i] for i in ends], textposition=[places[i] for i in ends],
                      marker={"size": line["marker"]["size"], "color": "rgba(0,0,0,0)"},
                      textfont={"color": INK}, cliponaxis=False, hoverinfo="skip", name=line["name"])
    return draft.build()


def ends_only(texts: Sequence[str], share: float, size: float = TEXT_SIZE) -> tuple[list[str], list[str]]:
    """A row's values written at its first and last point only (the change a briefing quotes), each reaching
    inwards from its point (centred, the first year's ran into the rows' names and the last year's past the
    plot's edge), or at its last alone where those two, ``share`` px apart per place, would still touch.
    The texts, and where each stands."""
    kept, where = [""] * len(texts), ["top center"] * len(texts)
    places = [index for index, text in enumerate(texts) if text]
    if not places:
        return kept, where
    first, last = places[0], places[-1]
    kept[last], where[last] = texts[last], "top left"
    widths = margins.text_width(texts[first], size) + margins.text_width(texts[last], size)
    if first != last and widths + margins.LABEL_GAP <= share * (last - first):
        kept[first], where[first] = texts[first], "top right"
    return kept, where
