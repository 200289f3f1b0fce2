"""Room for a chart's labels, reserved before the browser draws it.

Every axis keeps Plotly's automargin: Plotly measures the drawn labels and, when they need more room
than the margins give, moves the plot and draws the whole figure a second time. That second drawing
was most of a chart's cost in the browser (the Overview's four charts: 194 ms drawn as built, 50 ms
with margins that already fit, headless Chromium on these machines). So each figure's margins are
estimated here from its own labels, with the advance widths of the font the page draws them in
(``FONT`` of dashboard.figures: Streamlit's "Source Sans", CJK from the system). The estimate only
decides whether a second drawing is needed: where it falls short (a phone wraps the legend into more
rows) automargin still makes room, so no label is ever cut because of it.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence

Props = dict[str, object]

# The width (px) of a chart on a laptop (1440 px screen, sidebar open), the screen most readers use: the
# page's full width, or half of it side by side. Margins are reserved for one of these; on other
# screens only the legend may wrap differently.
FULL_WIDTH = 980
HALF_WIDTH = 482
# The narrowest a chart is drawn: on a 360 px phone, the commonest Android width (16 px of the page's padding
# each side). Text written over bars standing side by side, names beside bars and axis titles are laid out so
# that they fit there (dashboard.figures.level_labels_fit, fit_axis_titles). Laid out for a 390 px phone until
# 4 Dec, a 360 px one cut eleven indicator names and an axis title at the chart's edge.
PHONE_WIDTH = 328
# In presentation mode every chart has the page's width: 1700 px on a 1920 × 1080 projector. Reserved for
# that, a smaller projector's legend may need a row more (a second drawing) rather than a big one
# showing a band of empty space above its legend.
PROJECTOR_WIDTH = 1700
# ... and 1060 px on a 1280 × 720 projector, the smallest presentation mode is made for. A legend of long
# names needs more rows there; the figure is made tall enough for them (dashboard.figures.for_projector).
SMALL_PROJECTOR_WIDTH = 1060
PROJECTOR_SCALE = 20 / 14  # presentation mode: 14 px text becomes 20 px
# Text over bars standing side by side is laid out for the narrowest width a figure is drawn at: the page's
# for a phone (PHONE_WIDTH), the wide media's for this many px at the page's text size: a small projector's
# 1060 px with text PROJECTOR_SCALE larger leaves each letter as much room as 742 px do (the printed report
# draws at 850 px). A page's chart at least this wide draws the wide media's figure where it has one for the
# screen (dashboard.charts.Chart.wide_on_screen).
WIDE_WIDTH = round(SMALL_PROJECTOR_WIDTH / PROJECTOR_SCALE)

# Advance widths of Source Sans 3 (regular) in thousandths of an em, measured in Chromium with the
# page's own web font (tests/e2e/test_chart_margins.py measures them again). U+0020..U+007E, then
# U+00A0..U+00FF, then a few marks the labels use.
_ASCII = (200, 289, 426, 497, 497, 824, 609, 249, 303, 303, 418, 497, 249, 311, 249, 350, 497, 497, 497, 497, 497,
          497, 497, 497, 497, 497, 249, 249, 497, 497, 497, 425, 847, 543, 588, 571, 615, 527, 494, 617, 652, 263,
          479, 579, 486, 727, 647, 664, 566, 664, 569, 534, 536, 645, 515, 786, 513, 476, 539, 303, 350, 303, 497,
          500, 542, 504, 553, 456, 555, 496, 292, 504, 544, 246, 247, 495, 255, 829, 547, 542, 555, 555, 347, 419,
          338, 544, 467, 719, 446, 467, 425, 303, 241, 303, 497)
_LATIN1 = (200, 289, 497, 497, 497, 497, 241, 497, 542, 744, 345, 429, 497, 0, 423, 542, 331, 497, 367, 367, 542,
           562, 560, 249, 542, 367, 365, 429, 781, 808, 796, 425, 544, 544, 544, 544, 544, 544, 822, 571, 527, 527,
           527, 527, 263, 263, 263, 263, 639, 647, 664, 664, 664, 664, 664, 497, 664, 645, 645, 645, 645, 476, 583,
           576, 504, 504, 504, 504, 504, 504, 778, 456, 496, 496, 496, 496, 246, 246, 246, 246, 544, 547, 542, 542,
           542, 542, 542, 497, 542, 544, 544, 544, 544, 467, 555, 467)
_MARKS = {"–": 480, "—": 800, "…": 948, "·": 249, "→": 619, "’": 249, "‘": 249, "“": 426, "”": 426, "•": 304,
          "×": 497}
WIDE = 1000  # CJK ideographs, kana and full-width forms: one em
OTHER = 600  # anything else: a little wider than an average Latin letter

# Plotly's own spacing (with no template), in px, found by comparing these estimates with what
# Chromium drew (tests/e2e/test_chart_margins.py keeps them honest).
# Beside a y axis's tick labels: their drawn width left Plotly's margin 15.1–15.8 px wider on every chart of
# the sample (2 Dec). With 10 here, SLACK was spent on the gap, and an estimate within a pixel of the drawn
# width (a two-line name of 187.9 px drawn 187.4 px wide) left the margin a pixel short: drawn twice.
Y_TICK_GAP = 14
Y_TITLE = 1.29  # a y axis title (turned upright) takes this many times its font size, beside its labels
X_TICK_GAP = 12  # between the plot's lower edge and the top of a tick label, and below it
X_TITLE = 1.21  # an x axis title takes this many times its font size, under its labels
LINE = 1.25  # a line of text is this many times its font size high
# ... and each line after the first of an axis title Plotly breaks ("<br>"): its line spacing is 1.3, but a
# second line grew the margin below the plot by 23 px at 17 px and 34 px at 24 px (Chromium, 4 Dec).
PLOTLY_LINE = 1.45
AXIS_TITLE_SCALE = 1.2  # Plotly draws an axis title this many times the figure's text size, unless told
# A legend entry is its text and Plotly's textGap (the symbol and the gaps beside it), entries stand itemGap
# apart, and a row is full when the next entry would reach the plot's width (plotly.js legend/draw.js,
# computeLegendDimensions): one row when every entry fits; else columns as wide as the widest entry; a
# legend of groups (the timeline's) packs each group by its own width.
LEGEND_ITEM = 40  # textGap
LEGEND_ITEM_GAP = 5  # itemGap
LEGEND_GROUP_ITEM = LEGEND_ITEM + LEGEND_ITEM_GAP
LEGEND_ROW = 19.9  # a row of the horizontal legend, at least
LEGEND_LINE = 1.4  # ... and this many times its font size (the projector's larger text)
LEGEND_GAP = 10  # below the entries; a legend of groups has it below every row
LEGEND_TITLE = 1.36  # the legend's title, on a row of its own: this many times its font size
LEGEND_PAD = 9  # between the legend and the plot, besides legend.y
LEGEND_Y = 0.02  # the legend stands this share of the plot's height above it (legend.y = 1.02), unless told
LABEL_GAP = 6  # px Plotly keeps between side-by-side x tick labels; with less it turns them
TURNED_ANGLE = 30  # degrees Plotly turns crowded x tick labels by
HEATMAP_EDGE = 4  # a heatmap's axes stand a little further out (its cells end at the axis)
OVERHANG_GAP = 8  # beside the half of a last tick label that stands past the plot's right edge
SLACK = 4 / 14  # of the text size: a few px more than the estimate (a label a pixel wider would cost a redraw)

_TAGS = re.compile(r"<[^>]+>")


def char_width(char: str) -> int:
    """Advance width of one character, in thousandths of an em."""
    code = ord(char)
    if 0x20 <= code <= 0x7E:
        return _ASCII[code - 0x20]
    if 0xA0 <= code <= 0xFF:
        return _LATIN1[code - 0xA0]
    if char in _MARKS:
        return _MARKS[char]
    if 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFF60:
        return WIDE
    return OTHER


def text_width(text: object, size: float) -> float:
    """Width in px of a label as Plotly draws it: entities decoded, its longest line (lines break at <br>)."""
    lines = html.unescape(_TAGS.sub("\n", str(text))).split("\n") if "<" in str(text) else [html.unescape(str(text))]
    return max(sum(char_width(c) for c in line) for line in lines) * size / 1000


def reserve(figure: Mapping[str, object], width: int) -> dict[str, int]:
    """Margins (l, r, t, b in px) that fit the figure's tick labels, axis titles and legend at ``width``.

    Never less than the margins the figure already asks for.
    """
    layout: Mapping[str, object] = figure.get("layout", {})  # type: ignore[assignment]
    data: Sequence[Mapping[str, object]] = figure.get("data", [])  # type: ignore[assignment]
    given: Mapping[str, float] = layout.get("margin", {})  # type: ignore[assignment]
    font_size = _size(layout.get("font"), 12)
    left = bottom = 0.0
    for name, axis in _axes(layout, "y"):
        if _starts_at_zero(layout, axis, "x"):
            left = max(left, _axis_depth(layout, data, name, axis, font_size, across=True))
    slack = SLACK * font_size

    def margin(side: str, value: float) -> int:
        """The estimate plus the slack, or what the figure asks for if more (so reserving twice changes nothing)."""
        return math.ceil(max(value + slack if value else 0.0, float(given.get(side, 0))))

    # An x axis's first tick label, centred on the plot's left edge, reaches out by half: the margin holds
    # it where the y axis writes no labels of its own (rows titled above their bars).
    left = max([left, *(_start_overhang(layout, axis, font_size) for _, axis in _axes(layout, "x"))])
    right = max((_overhang(layout, axis, font_size) for _, axis in _axes(layout, "x")), default=0.0)
    room = width - margin("l", left) - margin("r", right)  # the plot's width, which Plotly packs the legend into
    for name, axis in _axes(layout, "x"):
        if _starts_at_zero(layout, axis, "y"):
            bottom = max(bottom, _axis_depth(layout, data, name, axis, font_size, across=False, room=room))
    top = _legend_height(layout, data, font_size, room, bottom)
    return {side: margin(side, value) for side, value in {"l": left, "r": right, "t": top, "b": bottom}.items()}


def _size(font: object, default: float) -> float:
    return float(font.get("size", default)) if isinstance(font, Mapping) else default  # type: ignore[arg-type]


def _axes(layout: Mapping[str, object], kind: str) -> list[tuple[str, Mapping[str, object]]]:
    found = [(name, axis) for name, axis in layout.items()
             if re.fullmatch(f"{kind}axis\\d*", name) and isinstance(axis, Mapping)]
    return found or [(f"{kind}axis", {})]


def _starts_at_zero(layout: Mapping[str, object], axis: Mapping[str, object], other: str) -> bool:
    """Whether the axis lies on the figure's edge: its anchor's domain starts at 0 (left column, bottom row)."""
    anchor = axis.get("anchor")
    if not isinstance(anchor, str) or anchor == "free":
        return True
    partner = layout.get(anchor.replace(other, f"{other}axis"), {})
    domain = partner.get("domain", (0, 1)) if isinstance(partner, Mapping) else (0, 1)
    return float(domain[0]) <= 0.001  # type: ignore[index]


def _axis_depth(layout: Mapping[str, object], data: Sequence[Mapping[str, object]], name: str,
                axis: Mapping[str, object], font_size: float, across: bool, room: float = 0.0) -> float:
    """How far an axis's tick labels and title reach out of the plot (across: a y axis, measured sideways;
    an x axis's labels are turned when they do not fit side by side in its share of ``room``)."""
    labels = [] if axis.get("showticklabels") is False else _tick_labels(layout, data, name, axis)
    tick_size = _size(axis.get("tickfont"), font_size)
    if across:
        reach = max((text_width(label, tick_size) for label in labels), default=0.0)
    else:
        reach = _label_height(labels, axis, tick_size, room) if labels else 0.0
    if reach and any(trace.get("type") == "heatmap" for trace in data):
        reach += HEATMAP_EDGE
    if reach:
        reach += (Y_TICK_GAP if across else X_TICK_GAP) + (
            float(axis.get("ticklen", 5)) if axis.get("ticks") == "outside" else 0.0)  # type: ignore[arg-type]
    title = axis.get("title")
    if isinstance(title, Mapping) and title.get("text"):
        reach += _size(title.get("font"), font_size) * (Y_TITLE if across else X_TITLE)
        more_lines = str(title["text"]).count("<br>")  # a title broken to fit a phone (figures.fit_axis_titles)
        reach += more_lines * axis_title_size(title.get("font"), font_size) * PLOTLY_LINE
    return reach


def axis_title_size(font: object, font_size: float) -> float:
    """The px an axis title is drawn at: its own font size, else Plotly's 1.2 times the figure's."""
    return _size(font, round(AXIS_TITLE_SCALE * font_size))


def _label_height(labels: Sequence[str], axis: Mapping[str, object], size: float, room: float) -> float:
    """Height of an x axis's tick labels: a line (or as many as a label has), or labels turned by TURNED_ANGLE
    when a category axis has more of them than fit side by side (many years in a narrow panel)."""
    line = size * LINE * max(str(label).count("<br>") + 1 for label in labels)  # "Jan<br>2020": two lines
    domain = axis.get("domain", (0, 1))
    span = room * (float(domain[1]) - float(domain[0]))  # type: ignore[index]
    widest = max(text_width(label, size) for label in labels)
    if len(labels) < 2 or not room or widest + LABEL_GAP <= span / len(labels):
        return line
    angle = math.radians(TURNED_ANGLE)
    return widest * math.sin(angle) + line * math.cos(angle)


def _overhang(layout: Mapping[str, object], axis: Mapping[str, object], font_size: float) -> float:
    """How far the last tick label of an axis with a fixed range can reach past the plot's right edge: half
    of it, when a tick falls on the range's end (in whole steps, or wherever Plotly's own ticks fall)."""
    given = axis.get("range")
    if not (isinstance(given, Sequence) and len(given) == 2) or axis.get("type") == "category":
        return 0.0  # a category's label is centred in its share of the axis, not on the range's end
    if axis.get("type") == "date":
        label = date_label(axis)
    else:
        label = _number_label(float(given[1]), axis, layout)  # type: ignore[arg-type]
    return text_width(label, _size(axis.get("tickfont"), font_size)) / 2 + OVERHANG_GAP


def _start_overhang(layout: Mapping[str, object], axis: Mapping[str, object], font_size: float) -> float:
    """How far the first tick label of a number axis starting at zero reaches past the plot's left edge."""
    if axis.get("type") in ("category", "date") or axis.get("showticklabels") is False:
        return 0.0
    given = axis.get("range")
    if isinstance(given, Sequence) and len(given) == 2 and float(given[0]) != 0:  # type: ignore[arg-type]
        return 0.0
    texts = axis.get("ticktext")
    given_texts = isinstance(texts, Sequence) and not isinstance(texts, str) and texts
    label = str(texts[0]) if given_texts else _number_label(0.0, axis, layout)  # type: ignore[index]
    return text_width(label, _size(axis.get("tickfont"), font_size)) / 2 + OVERHANG_GAP


# The widest value of each date directive a tick format uses (CLDR's abbreviated months: "Sept" in
# British English is the widest of the three languages).
_WIDEST_DATE = {"%-d": "30", "%d": "30", "%-m": "12", "%m": "12", "%b": "Sept", "%B": "September", "%Y": "2019"}


def date_label(axis: Mapping[str, object]) -> str:
    """The widest tick label a date axis can show: from its tick format ("30 Sept", "12月30日"), or, when
    its labelalias writes the labels instead, as wide as the widest of them and as many lines as the most
    ("Sept<br>": "Sept" beside "Jan<br>2020")."""
    aliases = axis.get("labelalias")
    if isinstance(aliases, Mapping) and aliases:
        labels = [str(label) for label in aliases.values()]
        widest = max(labels, key=lambda label: text_width(label, 1000))
        lines = max(label.count("<br>") for label in labels)
        return max(_TAGS.split(widest), key=lambda line: text_width(line, 1000)) + "<br>" * lines
    label = str(axis.get("tickformat") or "%d %b")
    for directive, widest in _WIDEST_DATE.items():
        label = label.replace(directive, widest)
    return label


def _tick_labels(layout: Mapping[str, object], data: Sequence[Mapping[str, object]], name: str,
                 axis: Mapping[str, object]) -> list[str]:
    if isinstance(axis.get("ticktext"), Sequence) and not isinstance(axis.get("ticktext"), str):
        return [str(t) for t in axis["ticktext"]]  # type: ignore[union-attr]
    short = name.replace("axis", "")
    letter = short[0]
    values = [v for trace in _traces_on(data, short) for v in _values(trace, letter)]
    if axis.get("type") == "date" or any(isinstance(v, str) for v in values) or axis.get("type") == "category":
        if axis.get("type") == "date":
            return [date_label(axis)]
        return [str(v) for v in dict.fromkeys(values)]
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    top = _value_top(layout, data, axis, letter, short, numbers)
    return [_number_label(top, axis, layout)] if top is not None else []


def _traces_on(data: Sequence[Mapping[str, object]], short: str) -> list[Mapping[str, object]]:
    """The traces drawn on one axis, named as traces name it ("x", "x2", "y3")."""
    letter = short[0]
    return [trace for trace in data if str(trace.get(f"{letter}axis", letter)) == short]


def _values(trace: Mapping[str, object], letter: str) -> Sequence[object]:
    """A trace's values on one axis: plain lists, as figures.Draft.build sends every figure."""
    values = trace.get(letter)
    return values if isinstance(values, list | tuple) else ()


def _value_top(layout: Mapping[str, object], data: Sequence[Mapping[str, object]], axis: Mapping[str, object],
               letter: str, short: str, numbers: list[float]) -> float | None:
    given = axis.get("range")
    if isinstance(given, Sequence) and len(given) == 2:
        return max(abs(float(given[0])), abs(float(given[1])))  # type: ignore[arg-type]
    if not numbers:
        return None
    top = max(abs(n) for n in numbers)
    if layout.get("barmode") == "stack":
        other = "y" if letter == "x" else "x"
        sums: dict[object, float] = {}
        for trace in _traces_on(data, short):
            if trace.get("type") != "bar":
                continue
            for where, value in zip(_values(trace, other), _values(trace, letter), strict=False):
                if isinstance(value, (int, float)):
                    sums[where] = sums.get(where, 0.0) + float(value)
        top = max([top, *sums.values()])
    return top * 1.05  # autorange pads a little


def _number_label(top: float, axis: Mapping[str, object], layout: Mapping[str, object]) -> str:
    """The widest tick label of a number axis: its largest value, grouped as ``tickformat`` says."""
    fmt = str(axis.get("tickformat") or "")
    decimals = int(match.group(1)) if (match := re.search(r"\.(\d+)f", fmt)) else 0
    step = 10 ** -decimals
    text = f"{math.ceil(top / step) * step:,.{decimals}f}" if "," in fmt else f"{top:.{decimals}f}"
    return f"{axis.get('tickprefix') or ''}{text}{axis.get('ticksuffix') or ''}"


def _legend_height(layout: Mapping[str, object], data: Sequence[Mapping[str, object]], font_size: float,
                   room: float, bottom: float) -> float:
    """The top margin the horizontal legend above the plot needs, its entries packed into rows within ``room``."""
    if layout.get("showlegend") is False:
        return 0.0
    names = [str(trace["name"]) for trace in data if trace.get("showlegend") is not False and trace.get("name")]
    if len(names) < 2 and layout.get("showlegend") is not True:
        return 0.0
    legend: Mapping[str, object] = layout.get("legend", {})  # type: ignore[assignment]
    size = _size(legend.get("font"), font_size)
    widths = [text_width(name, size) for name in names]
    grouped = any(trace.get("legendgroup") for trace in data)
    if grouped:
        rows = _packed_rows([w + LEGEND_GROUP_ITEM for w in widths], room)
    elif sum(widths) + LEGEND_ITEM * len(widths) + LEGEND_ITEM_GAP * (len(widths) - 1) < room:
        rows = 1
    else:  # entries then line up in columns as wide as the widest, as many as stand within the room
        column = max(widths) + LEGEND_ITEM + LEGEND_ITEM_GAP
        rows = math.ceil(len(widths) / max(1, math.ceil((room + LEGEND_ITEM_GAP) / column) - 1))
    height = rows * max(LEGEND_ROW, size * LEGEND_LINE) + LEGEND_GAP * (rows if grouped else 1)
    title: Mapping[str, object] = legend.get("title", {})  # type: ignore[assignment]
    if isinstance(title, Mapping) and title.get("text"):
        height += _size(title.get("font"), size) * LEGEND_TITLE
    # legend.y puts it a share of the plot's height above the plot, and the plot is what the margins leave.
    share = float(legend.get("y", 1 + LEGEND_Y)) - 1  # type: ignore[arg-type]
    figure_height = float(layout.get("height") or 450)  # type: ignore[arg-type]
    return (height + LEGEND_PAD + share * (figure_height - bottom)) / (1 + share)


def _packed_rows(widths: Sequence[float], room: float) -> int:
    rows, used = 1, 0.0
    for width in widths:
        if used and used + width > room:
            rows, used = rows + 1, 0.0
        used += width
    return rows
