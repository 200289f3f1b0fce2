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

import itertools
import textwrap

import pandas as pd
import plotly.graph_objects as go

from etl import schema
from translations import translate

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
EXTRA = ("#999999", "#882255", "#44AA99", "#117733", "#332288", "#DDCC77", "#AA4499", "#88CCEE")
FONT = "Source Sans Pro, Noto Sans, Noto Sans CJK SC, Arial, sans-serif"
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
    line = " ".join(_as_str(text).split())
    if len(line) > limit:
        line = line[:limit - 1].rstrip() + ELLIPSIS
    return plain(line)


def hover_text(text: object, width: int = HOVER_WIDTH) -> str:
    """The whole ``text`` for a hover label, made ``plain`` and broken into lines of about ``width``."""
    lines = textwrap.wrap(_as_str(text), width, break_long_words=True, break_on_hyphens=False)
    return "<br>".join(plain(line) for line in lines)


def _as_str(text: object) -> str:
    return "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)


def colours(vocabulary: schema.Vocabulary) -> dict[str, str]:
    """Code -> colour, fixed by the code's place in the schema (stable across pages)."""
    palette = OKABE_ITO + EXTRA
    return {code: palette[index % len(palette)] for index, code in enumerate(vocabulary.codes)}


def base_layout(figure: go.Figure, lang: str, title: str, x_title: str | None = None,
                y_title: str | None = None, legend_title: str | None = None) -> go.Figure:
    figure.update_layout(
        title={"text": plain(title), "x": 0, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 14},
        separators=SEPARATORS.get(lang, ".,"),
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"title": {"text": plain(legend_title)}, "orientation": "h", "yanchor": "top", "y": -0.15,
                "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    figure.update_xaxes(title_text=x_title and plain(x_title))
    figure.update_yaxes(title_text=y_title and plain(y_title), tickformat=",d", rangemode="tozero")
    return figure


def year_axis(figure: go.Figure) -> go.Figure:
    figure.update_xaxes(type="category", categoryorder="category ascending")
    return figure


def stacked_by_year(frame: pd.DataFrame, category: str, value: str, vocabulary: schema.Vocabulary,
                    lang: str, title: str, y_title: str, legend_title: str) -> go.Figure:
    """Bars per year stacked by a category, coloured by the category's fixed colour."""
    figure = go.Figure()
    palette = colours(vocabulary)
    for code in vocabulary.codes:
        part = frame[frame[category] == code]
        if part.empty:
            continue
        label = plain(vocabulary.label(code, lang))
        figure.add_bar(x=part["year"].astype(str), y=part[value], name=label, marker_color=palette[code],
                       hovertemplate=f"{label}<br>%{{x}}: %{{y:,}}<extra></extra>")
    figure.update_layout(barmode="stack")
    return year_axis(base_layout(figure, lang, title, translate(lang, "chart.year"), y_title, legend_title))


def grouped_by_year(frame: pd.DataFrame, series: dict[str, str], lang: str, title: str, y_title: str,
                    percent_column: str | None = None, rate_label: str = "") -> go.Figure:
    """Side-by-side bars per year for a few measures (column -> legend label), and optionally a rate line."""
    figure = go.Figure()
    for index, (column, label) in enumerate(series.items()):
        name = plain(label)
        figure.add_bar(x=frame["year"].astype(str), y=frame[column], name=name, marker_color=OKABE_ITO[index],
                       hovertemplate=f"{name}<br>%{{x}}: %{{y:,}}<extra></extra>")
    figure.update_layout(barmode="group")
    figure = year_axis(base_layout(figure, lang, title, translate(lang, "chart.year"), y_title))
    if percent_column:
        rate = plain(rate_label)
        figure.add_scatter(x=frame["year"].astype(str), y=frame[percent_column] * 100, yaxis="y2",
                           mode="lines+markers", name=rate, marker_color=OKABE_ITO[5],
                           hovertemplate=f"{rate}<br>%{{x}}: %{{y:,.1f}}%<extra></extra>")
        # After base_layout, whose axis settings would otherwise apply to this axis too.
        figure.update_layout(yaxis2={"overlaying": "y", "side": "right", "ticksuffix": "%", "rangemode": "tozero",
                                     "tickformat": ",.1f", "showgrid": False, "title": {"text": rate}})
    return figure


def funnel(frame: pd.DataFrame, lang: str, title: str, stage_labels: dict[str, str],
           conversion_label: str) -> go.Figure:
    """The selection funnel, one trace per year, with stage-to-stage conversion on hover."""
    figure = go.Figure()
    years = sorted(frame["year"].unique())
    for index, year in enumerate(years):
        part = frame[frame["year"] == year].sort_values("position")
        labels = [plain(stage_labels.get(code, code)) for code in part["stage"]]
        counts = part["applicants"].fillna(0).astype(int).tolist()
        conversion = [1.0] + [(b / a if a else 0.0) for a, b in itertools.pairwise(counts)]
        figure.add_trace(go.Funnel(
            name=str(year), y=labels, x=counts, customdata=[c * 100 for c in conversion],
            marker_color=OKABE_ITO[index % len(OKABE_ITO)], textinfo="value",
            hovertemplate=(f"{year} · %{{y}}: %{{x:,}}<br>{plain(conversion_label)}: "
                           "%{customdata:,.1f}%<extra></extra>")))
    return base_layout(figure, lang, title, None, None, translate(lang, "chart.year"))


def timeline(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Activities as bars from start to end date (a Gantt chart), coloured by type.

    One row per activity, keyed by year and activity ID (unique in the warehouse), so activities of
    the same title in different years keep their own rows. A row is labelled with its title cut to
    LABEL_LIMIT characters; the hover label shows the whole title (the data table too).
    """
    palette = colours(schema.ACTIVITY_TYPE)
    figure = go.Figure()
    ordered = frame.sort_values("start_date", kind="stable")
    ordered = ordered.assign(
        row=[plain(f"{year} · {activity}") for year, activity in zip(ordered["year"], ordered["activity_id"],
                                                                      strict=True)],
        label=ordered["title"].map(short_label), full_title=ordered["title"].map(hover_text))
    for code in schema.ACTIVITY_TYPE.codes:
        part = ordered[ordered["type"] == code]
        if part.empty:
            continue
        start = pd.to_datetime(part["start_date"])
        # A one-day activity still gets a visible bar: end at the end of its last day.
        end = pd.to_datetime(part["end_date"]) + pd.Timedelta(days=1)
        figure.add_bar(
            base=start, x=(end - start).dt.total_seconds() * 1000, y=part["row"], orientation="h",
            name=plain(schema.ACTIVITY_TYPE.label(code, lang)), marker_color=palette[code],
            customdata=part[["start_date", "end_date", "full_title"]].astype(str).to_numpy(),
            hovertemplate="%{customdata[2]}<br>%{customdata[0]} – %{customdata[1]}<extra></extra>")
    figure = base_layout(figure, lang, title, None, None, translate(lang, "chart.type"))
    figure.update_xaxes(type="date")
    rows = list(ordered["row"])
    figure.update_yaxes(autorange="reversed", tickformat=None, type="category", categoryorder="array",
                        categoryarray=rows, tickmode="array", tickvals=rows, ticktext=list(ordered["label"]))
    figure.update_layout(height=max(320, 28 * len(ordered) + 140), barmode="overlay")
    return figure


def heatmap(frame: pd.DataFrame, lang: str, title: str, count_title: str) -> go.Figure:
    """Obstacles: category × severity (1–5), counts in the cells."""
    table = frame.pivot_table(index="category", columns="severity", values="obstacles", aggfunc="sum",
                              fill_value=0)
    table = table.reindex(columns=range(1, 6), fill_value=0)
    codes = [code for code in schema.OBSTACLE_CATEGORY.codes if code in table.index]
    table = table.loc[codes]
    labels = [plain(schema.OBSTACLE_CATEGORY.label(code, lang)) for code in codes]
    figure = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[str(s) for s in table.columns], y=labels, colorscale="Oranges",
        text=table.to_numpy(), texttemplate="%{text}", hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
        # Whole-number ticks: dtick 1 only for small counts (at 10M rows a cell holds
        # thousands, and a tick per unit stalls the browser for seconds).
        colorbar={"title": {"text": plain(count_title)}, "tickformat": ",d",
                  **({"dtick": 1} if table.to_numpy().max() <= 10 else {})}))
    figure = base_layout(figure, lang, title, translate(lang, "chart.severity"), None)
    figure.update_yaxes(tickformat=None, rangemode=None)
    return figure


def category_by_beneficiary(frame: pd.DataFrame, lang: str, title: str, x_title: str) -> go.Figure:
    """Benefit indicators by category, stacked by beneficiary."""
    totals = frame.groupby(["category", "beneficiary"], as_index=False)["indicators"].sum()
    palette = colours(schema.BENEFICIARY)
    figure = go.Figure()
    order = [plain(schema.BENEFIT_CATEGORY.label(code, lang)) for code in schema.BENEFIT_CATEGORY.codes]
    for code in schema.BENEFICIARY.codes:
        part = totals[totals["beneficiary"] == code]
        if part.empty:
            continue
        label = plain(schema.BENEFICIARY.label(code, lang))
        figure.add_bar(y=[plain(schema.BENEFIT_CATEGORY.label(c, lang)) for c in part["category"]],
                       x=part["indicators"], orientation="h", name=label, marker_color=palette[code],
                       hovertemplate=f"{label}<br>%{{y}}: %{{x:,}}<extra></extra>")
    figure = base_layout(figure, lang, title, x_title, None, translate(lang, "chart.beneficiary"))
    figure.update_layout(barmode="stack")
    figure.update_yaxes(tickformat=None, categoryorder="array", categoryarray=order[::-1])
    figure.update_xaxes(tickformat=",d")
    return figure


def sides_by_type(frame: pd.DataFrame, lang: str, title: str, x_title: str, series: dict[str, str]) -> go.Figure:
    """Participants from Jakarta and from the partner city per activity type, side by side."""
    labels = [plain(schema.ACTIVITY_TYPE.label(code, lang)) for code in frame["type"]]
    figure = go.Figure()
    for index, (column, label) in enumerate(series.items()):
        name = plain(label)
        figure.add_bar(y=labels, x=frame[column], orientation="h", name=name, marker_color=OKABE_ITO[index],
                       hovertemplate=f"{name}<br>%{{y}}: %{{x:,}}<extra></extra>")
    figure = base_layout(figure, lang, title, x_title, None)
    figure.update_layout(barmode="group")
    figure.update_yaxes(tickformat=None)
    figure.update_xaxes(tickformat=",d")
    return figure


# How each unit's axis reads: fixed ranges where the unit has one, "Rp" before rupiah.
UNIT_AXES: dict[str, dict[str, object]] = {
    "percent": {"range": [0, 100], "ticksuffix": "%", "tickformat": ",d"},
    "score": {"range": [0, 5], "tickformat": ",.1f", "dtick": 1},
    "count": {"tickformat": ",d", "rangemode": "tozero"},
    "idr": {"tickprefix": "Rp ", "tickformat": ",d", "rangemode": "tozero"},
}


def indicator_values(frame: pd.DataFrame, lang: str, title: str, x_title: str, unit: str) -> go.Figure:
    """Achieved values of one unit: a bar per indicator, coloured by beneficiary, grouped by category.

    Rows are keyed by benefit ID (unique within a year); each shows the indicator's shortened name,
    the full name and its category in the hover label.
    """
    palette = colours(schema.BENEFICIARY)
    order = {code: index for index, code in enumerate(schema.BENEFIT_CATEGORY.codes)}
    ordered = frame.assign(rank=frame["category"].map(order)).sort_values(["rank", "indicator"], kind="stable")
    ordered = ordered.assign(
        row=[plain(f"{year} · {benefit}") for year, benefit in zip(ordered["year"], ordered["benefit_id"],
                                                                     strict=True)],
        label=ordered["indicator"].map(lambda text: short_label(text, 48)),
        full=ordered["indicator"].map(hover_text),
        category_label=ordered["category"].map(lambda code: plain(schema.BENEFIT_CATEGORY.label(code, lang))))
    figure = go.Figure()
    for code in schema.BENEFICIARY.codes:
        part = ordered[ordered["beneficiary"] == code]
        if part.empty:
            continue
        name = plain(schema.BENEFICIARY.label(code, lang))
        figure.add_bar(y=part["row"], x=part["value"], orientation="h", name=name, marker_color=palette[code],
                       customdata=part[["full", "category_label"]].to_numpy(),
                       hovertemplate=f"%{{customdata[0]}}<br>%{{customdata[1]}} · {name}: %{{x:,}}<extra></extra>")
    figure = base_layout(figure, lang, title, x_title, None, translate(lang, "chart.beneficiary"))
    rows = list(ordered["row"])
    figure.update_yaxes(autorange="reversed", tickformat=None, type="category", categoryorder="array",
                        categoryarray=rows, tickmode="array", tickvals=rows, ticktext=list(ordered["label"]))
    figure.update_xaxes(**UNIT_AXES.get(unit, {}))
    figure.update_layout(height=max(260, 30 * len(ordered) + 160), barmode="overlay")
    return figure


def indicator_trends(frame: pd.DataFrame, lang: str, title: str, y_title: str, unit: str) -> go.Figure:
    """Indicators measured in more than one year: one line per indicator code, years on the x axis."""
    figure = go.Figure()
    for index, (code, part) in enumerate(frame.sort_values("year").groupby("indicator_code", sort=True)):
        latest = part.iloc[-1]["indicator"]
        name = f"{plain(code)} · {short_label(latest, 40)}"
        figure.add_scatter(x=part["year"].astype(str), y=part["value"], mode="lines+markers", name=name,
                           marker_color=(OKABE_ITO + EXTRA)[index % (len(OKABE_ITO) + len(EXTRA))],
                           customdata=[[hover_text(text)] for text in part["indicator"]],
                           hovertemplate="%{customdata[0]}<br>%{x}: %{y:,}<extra></extra>")
    figure = year_axis(base_layout(figure, lang, title, translate(lang, "chart.year"), y_title))
    figure.update_yaxes(**UNIT_AXES.get(unit, {}))
    return figure
