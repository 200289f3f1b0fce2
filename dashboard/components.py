"""Page parts shared by every page: charts with their data tables, notices, headers."""

from __future__ import annotations

import contextlib
import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import pandas as pd
import streamlit as st

from dashboard import exports
from dashboard.charts import (
    NONE_PARTICIPANTS,
    Chart,
    empty_chart_key,
    nothing_to_draw,
    page_charts,
    shown_caption,
)
from dashboard.context import PageContext
from dashboard.filters import Filters, direction_note, filter_line
from dashboard.literal import code_span, markdown_text
from dashboard.theme import CHART_KEY, CHART_WIDTHS_KEY, SCREEN_CHART_KEY, WIDE_SCREEN_CHART_KEY
from etl import schema
from etl.warehouse import SAMPLE_AUTHOR
from translations import (
    colon_of,
    display_width,
    format_list,
    jakarta_time,
    month_names,
    sentences,
    translate,
)

if TYPE_CHECKING:
    # Only a type here: importing pandas' Styler loads jinja2 (0.04-0.05 s of a cold start's first
    # visit); `data.style` loads it when a data table is first shown.
    import plotly.graph_objects as go
    from pandas.io.formats.style import Styler
    from streamlit.delta_generator import DeltaGenerator

WholeTexts = Literal["folded", "inline", "off"]
TABLE_KEY_PREFIX = "table-"  # the expander of a chart's data table: "table-<chart name>"
# Presentation mode is made for a projector 1280 px wide at least (dashboard.margins.SMALL_PROJECTOR_WIDTH
# is a chart's width there). A phone opening the presenter's link is narrower: each chart is sent in both
# figures, the projector's ("chart-<name>") and the page's ("screen-<name>"), and the presentation style
# (dashboard.presentation) shows the one made for the screen's width.
SMALLEST_PROJECTOR_SCREEN = 1280
IMAGE_SCALE = 3  # PNG at 3x the on-screen size: sharp on a projector and in slides


def file_stem(page: str, chart: str, filters: Filters) -> str:
    """A meaningful download name: page, chart and the filters in force."""
    years = (f"{min(filters.years)}-{max(filters.years)}" if len(filters.years) > 1
             else "".join(str(y) for y in filters.years)) or "no-years"
    fields = "all-fields" if schema.FIELD.covers(filters.fields) else "-".join(filters.fields)
    parts = [page, chart, years, filters.partner, fields]
    if filters.direction != "both":
        parts.append(filters.direction)
    parts.append(filters.lang)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", "_".join(parts))[:150]


# Plotly's own English texts on a chart (its toolbar's tooltips) and the catalogue key of each.
PLOTLY_TEXTS = {"Download plot as a PNG": "plotly.download_png", "Zoom": "plotly.zoom", "Pan": "plotly.pan",
                "Zoom in": "plotly.zoom_in", "Zoom out": "plotly.zoom_out", "Autoscale": "plotly.autoscale",
                "Reset axes": "plotly.reset_axes", "Double-click to zoom back out": "plotly.zoom_back"}


def chart_config(filename: str, lang: str) -> dict[str, object]:
    """A chart's Plotly config: its PNG download, and its locale (config.locales, given with every chart:
    Streamlit's Plotly registers none), so dates name their months and the toolbar speaks the reader's
    language."""
    return {"displaylogo": False, "locale": lang, "locales": {lang: plotly_locale(lang)},
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": IMAGE_SCALE}}


@functools.cache
def plotly_locale(lang: str) -> dict[str, object]:
    """Month names from CLDR (Babel) and the toolbar's texts from the catalogue."""
    return {"format": {"months": month_names(lang, "wide"), "shortMonths": month_names(lang, "abbreviated")},
            "dictionary": {english: translate(lang, key) for english, key in PLOTLY_TEXTS.items()}}


def styled(data: pd.DataFrame, formats: Mapping[str, object]) -> pd.DataFrame | Styler:
    """The table with its numbers shown in the reader's language (1.234,5; 3,1%), still sorting as numbers.

    ``formats`` maps a column header to a function of the value, or to a per-row format
    (dashboard.charts.PerRow: each row in its own unit). st.dataframe shows a Styler's
    display text and sorts by the values underneath, and the browser's locale plays no part.
    """
    formats = {header: shown for header, shown in formats.items()
               if header in data.columns and _reads_differently(data[header], shown)}
    if data.empty or not formats:
        return data
    styler = data.style
    for header, shown in formats.items():
        units = getattr(shown, "units", None)
        if units is None:
            styler = styler.format(shown, subset=[header], na_rep="")  # type: ignore[arg-type]
            continue
        for unit in set(units):
            rows = [label for label, row_unit in zip(data.index, units, strict=True) if row_unit == unit]
            styler = styler.format(lambda value, u=unit, s=shown: s.show(value, u),  # type: ignore[attr-defined]
                                   subset=pd.IndexSlice[rows, [header]], na_rep="")
    return styler


def _reads_differently(column: pd.Series, shown: object) -> bool:
    """Whether a column's format writes any of its values otherwise than the grid does unformatted. An integer
    column it writes as Python does (a severity of 1 to 5, in every language) needs no Styler, which formats
    every cell of the table: the 500-row obstacle table took 25-32 ms a run at 10M rows for a column of 1-5."""
    if getattr(shown, "units", None) is not None or not pd.api.types.is_integer_dtype(column) or column.hasnans:
        return True  # a missing value is left blank by the Styler (a nullable integer column)
    return any(shown(value) != str(value) for value in column.unique())  # type: ignore[operator]


def show_table(ctx: PageContext, data: pd.DataFrame, formats: Mapping[str, object] | None = None,
               whole_texts: WholeTexts = "folded", projected: Sequence[str] | None = None) -> None:
    """A table as the page shows it: numbers formatted, missing text blank, sentences wrapped, not cut.

    A text too long for its cell is also written whole below the table (``whole_texts``): in an expander
    ("folded"), under a caption where the table is already in one ("inline"), or not at all ("off": the
    page writes it itself).

    On a projector the table stands whole, every row on the page (an audience sees no scroll bar inside a
    grid, and a presenter's clicker scrolls the page), each row as tall as its text: a static table
    (show_reference_table). ``projected`` names the columns it keeps there, within the smallest projector's
    width, and a caption says where the others are.
    """
    if ctx.presenting:
        columns = [column for column in projected if column in data.columns] if projected else list(data.columns)
        show_reference_table(data[columns], formats, whole_labels=True)
        if len(columns) < len(data.columns):
            st.caption(ctx.t("present.table_columns", columns=format_list(columns, ctx.lang)))
        return  # a projector hides expanders: the table, whole, is all its texts
    wrapped = long_text_columns(data)
    shown = blank_missing_text(data)
    # A missing number is drawn empty and still sorts as a number (placeholder, not a text column).
    row_height = wrapped_row_height(data, wrapped) if wrapped else None
    st.dataframe(styled(shown, formats or {}), hide_index=True, placeholder="",
                 column_config=_wrapping_columns(shown, wrapped) or None,
                 row_height=row_height, height=grid_height(len(data), row_height))
    # Another site's frame hides expanders too: its texts are written inline.
    if wrapped and whole_texts != "off":
        _whole_texts(ctx, data, wrapped, formats or {}, folded=whole_texts == "folded" and not ctx.unfolded)


def _wrapping_columns(shown: pd.DataFrame, wrapped: list[str]) -> dict[str, object]:
    """The sentence columns wrapped at their width; beside them, the other text columns as choices (read
    only), so that the grid draws their labels without measuring them for its line breaks. The grid guesses
    where a line ends from the average width of the characters it has measured so far: after a column of
    Chinese labels (each character as wide as two Latin letters) it took the first Indonesian sentences for
    one line each and cut them at the column's edge."""
    if not wrapped:
        return {}
    labels = [column for column in shown.columns
              if column not in wrapped and pd.api.types.is_string_dtype(shown[column])]
    return ({column: st.column_config.TextColumn(width=SENTENCE_COLUMN_PX) for column in wrapped}
            | {column: st.column_config.SelectboxColumn(options=sorted(set(shown[column].dropna().astype(str))))
               for column in labels})


def _whole_texts(ctx: PageContext, data: pd.DataFrame, wrapped: list[str], formats: Mapping[str, object],
                 folded: bool) -> None:
    """The rows whose sentences a cell cuts, each written out: its other values on one line, then each
    sentence on its own, every value after its column's name ("Severity: 3", not a bare 3). Plain text
    (st.text): workbook text is never read as Markdown."""
    positions = cut_rows(data, wrapped)
    if not positions:
        return
    label = ctx.t("chart.whole_texts", len(positions), count=ctx.number(len(positions)))
    colon = colon_of(ctx.lang)
    with st.expander(label) if folded else st.container():
        if not folded:
            st.caption(label)
        for position in positions:
            row = data.iloc[position]
            shown = {header: _shown(row[header], header, position, formats) for header in data.columns}
            st.text(" · ".join(f"{header}{colon}{value}" for header, value in shown.items()
                               if value and header not in wrapped))
            for header in wrapped:
                if shown[header]:
                    st.text(f"{header}{colon}{shown[header]}")


def cut_rows(data: pd.DataFrame, wrapped: list[str]) -> list[int]:
    """Positions of the rows holding a text longer than a cell may show whole (WHOLE_FROM)."""
    too_long = [any(isinstance(value, str) and display_width(value) > WHOLE_FROM for value in values)
                for values in data[wrapped].itertuples(index=False)]
    return [position for position, cut in enumerate(too_long) if cut]


def _shown(value: object, header: str, position: int, formats: Mapping[str, object]) -> str:
    """A cell as the table shows it: formatted as its column is (each row in its own unit), missing blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return ""
    shown = formats.get(header)
    if shown is None:
        return str(value)
    units = getattr(shown, "units", None)
    return str(shown.show(value, units[position]) if units is not None  # type: ignore[attr-defined]
               else shown(value))  # type: ignore[operator]


# Text wider than this is a sentence (an obstacle's mitigation, a problem's message), not a label, unless it
# is a code or a fingerprint (printable ASCII without a space), which is never wrapped. A Chinese sentence
# has no spaces; its characters count twice.
LONG_TEXT_CHARS = 40
_CODE = re.compile(r"[!-~]+")
# A table cell cuts its text at the column's width unless its rows are taller than 4rem (64 px), when
# Streamlit wraps it. A table holding sentences gets rows tall enough for its longest one (3 to 5 lines),
# and its sentence columns start 230 px wide (about 31 characters a line), so that two of them and a few
# short columns fit a laptop's page, which shares any room left among the columns. A text longer than five
# lines is read whole by clicking its cell, and below the table.
SENTENCE_COLUMN_PX = 230
CHARACTERS_PER_LINE = 31
LINE_PX, CELL_PADDING_PX = 18, 16
WRAPPED_LINES = (3, 5)  # 3 lines: 70 px, the fewest above 4rem
# A text longer than four full lines may need more than five (words break early): it is also written whole
# below its table, where it can be read, copied and quoted (clicking the cell shows it only in an overlay).
WHOLE_FROM = CHARACTERS_PER_LINE * (WRAPPED_LINES[1] - 1)


# A grid shows this many rows before it scrolls, as Streamlit's own "auto" height does with its 35 px rows,
# and half of the next: a grid ending on a whole row looked like the whole table (its scroll bar shows only
# on hover).
GRID_ROWS = 10
GRID_HEADER_PX, GRID_BORDER_PX = 35, 2


def grid_height(rows: int, row_height: int | None) -> int | Literal["auto", "content"]:
    """The height of a grid of ``rows`` rows ``row_height`` px tall (None: Streamlit's own 35 px).

    Streamlit's "auto" height stops at 400 px, ten of its own rows: a table of six obstacles in rows wrapped
    to 70 px showed five and a sliver of the sixth, with no sign that a row was hidden. Up to GRID_ROWS rows
    the grid is as tall as its rows ("content" also makes room for a scroll bar across); more rows, as tall
    as GRID_ROWS and a half of them, and it scrolls."""
    if row_height is None:
        return "auto"
    if rows <= GRID_ROWS:
        return "content"
    return GRID_HEADER_PX + round((GRID_ROWS + 0.5) * row_height) + GRID_BORDER_PX


def wrapped_row_height(data: pd.DataFrame, columns: list[str]) -> int:
    """Rows tall enough for the longest sentence of ``columns``, within WRAPPED_LINES lines (a Chinese
    character takes the room of two Latin letters)."""
    longest = max(display_width(text) for column in columns for text in data[column].dropna().astype(str))
    fewest, most = WRAPPED_LINES
    return CELL_PADDING_PX + LINE_PX * min(max(math.ceil(longest / CHARACTERS_PER_LINE), fewest), most)


def long_text_columns(data: pd.DataFrame) -> list[str]:
    """The text columns holding a sentence in some row: each is wrapped, not cut."""
    def holds_a_sentence(values: pd.Series) -> bool:
        return any(display_width(text) > LONG_TEXT_CHARS and not _CODE.fullmatch(text)
                   for text in values.dropna().astype(str))

    return [column for column in data.columns
            if pd.api.types.is_string_dtype(data[column]) and holds_a_sentence(data[column])]


def blank_missing_text(data: pd.DataFrame) -> pd.DataFrame:
    """The table with the text a workbook left out shown as an empty cell (Streamlit writes "None", in English,
    in every language)."""
    missing = [column for column in data.columns if pd.api.types.is_string_dtype(data[column])
               and data[column].isna().any()]
    return data.fillna(dict.fromkeys(missing, "")) if missing else data


def fold(ctx: PageContext, title: str) -> DeltaGenerator:
    """An expander titled ``title``; where expanders are hidden (a projector, another site's frame) a
    subheader and what follows it, standing open, or the heading above would head nothing."""
    if ctx.unfolded:
        st.subheader(title)
        return st.container()
    return st.expander(title)


def columns(ctx: PageContext, count: int) -> list:
    """Side-by-side columns; one under the other while presenting, where every chart gets the full width."""
    if ctx.presenting:
        return [st.container() for _ in range(count)]
    return list(st.columns(count))


def framed_caption(ctx: PageContext, chart: Chart) -> str:
    """A framed chart's caption, as the page's: the text alternative first (an embedded chart needs one as
    much), then the caption; no data table in a frame."""
    return sentences(chart.alternative, shown_caption(ctx, chart, [chart.figure], table=False), lang=ctx.lang)


def framed_chart(ctx: PageContext, page: str, name: str) -> None:
    """One chart alone, for another site's <iframe>: the chart, its caption, the notices and the source."""
    chart = next((c for c in page_charts(ctx, page) if c.name == name), None)
    if chart is None:
        # Empty for the link's filters (said as the page says it, with the filters under it), or no chart
        # of that name at all; the link's name as typed.
        empty_state(ctx, empty_chart_key(ctx, page, name) or "empty.no_chart", chart=code_span(name))
        st.caption(embed_source(ctx))
        return
    st.subheader(chart.heading, anchor=False)  # as on the pages: a heading, outside the plot
    _draw_figures(_figures_drawn(ctx, chart), chart.name, chart_config(file_stem(page, name, ctx.filters), ctx.lang))
    # It can name workbook codes (the trends' codes not followed): markdown_text.
    st.caption(markdown_text(framed_caption(ctx, chart)))
    sample_notice(ctx)
    provisional_notice(ctx)
    st.caption(embed_source(ctx))


def embed_source(ctx: PageContext) -> str:
    """The lines saying what an embedded chart or page shows and where it comes from: the filters (another
    site's reader has no sidebar to read them in), then the source, as of when, which data version."""
    return "  \n".join(markdown_text(line) for line in embed_source_lines(ctx))


def embed_source_lines(ctx: PageContext) -> list[str]:
    return [filters_shown(ctx), ctx.t("present.embed_source", updated=ctx.data_updated())]


def filters_shown(ctx: PageContext) -> str:
    """The filters chosen ("Filters: 2018 · Beijing · …"), said where no sidebar shows them or one may be
    hidden: under an embedded chart, on the printed report's cover, under a filtered page's intro."""
    return ctx.t("filters.shown", filters=filter_line(ctx.filters))


def show_chart(ctx: PageContext, chart: Chart | None, empty_key: str = NONE_PARTICIPANTS) -> None:
    """The chart, its caption, and an expander with its data table and CSV download."""
    if chart is None:
        empty_state(ctx, empty_key)
        return
    with st.container(key=f"figure-{chart.name}"):  # one figure: heading, chart, caption (theme.py ties them)
        _figure(ctx, chart)


def _figure(ctx: PageContext, chart: Chart) -> None:
    stem = file_stem(chart.page, chart.name, ctx.filters)
    # The title is a heading of the page, not a text inside the figure: it wraps on a phone instead of
    # being cut, and headings stay in order (page h1, section h2, chart h3).
    st.subheader(chart.heading, anchor=False)
    config = chart_config(stem, ctx.lang)
    drawn = _figures_drawn(ctx, chart)
    _draw_figures(drawn, chart.name, config)
    # A projector and another site's frame hide expanders: no data table there, and the caption says none.
    caption = shown_caption(ctx, chart, list(drawn.values()), table=not ctx.unfolded)
    st.caption(markdown_text(sentences(chart.alternative, caption, lang=ctx.lang)))
    if ctx.unfolded:
        return
    # The table is built and sent only when a reader opens it (a rerun): a page's first run then sends
    # its charts alone, and every chart is still drawn at once.
    table = st.expander(ctx.t("chart.data_table"), key=f"{TABLE_KEY_PREFIX}{chart.name}", on_change="rerun")
    if table.open:
        with table:
            show_table(ctx, chart.data, chart.formats, whole_texts="inline")  # expanders do not nest
            st.download_button(ctx.t("chart.download_csv"), data=_lazy_csv(chart.data), file_name=f"{stem}.csv",
                               mime="text/csv", key=f"csv-{chart.name}", on_click="ignore",
                               icon=":material/download:")


def _figures_drawn(ctx: PageContext, chart: Chart) -> dict[str, go.Figure]:
    """The figures a chart is sent in, by key prefix. While presenting, the projector's and the page's: the
    presentation style shows the one made for the screen's width. Elsewhere, a chart cut to a phone's width
    (Chart.wide_on_screen) also in the wide one, shown where the chart is as wide (dashboard.theme)."""
    if ctx.presenting:
        return {CHART_KEY: chart.projector_figure, SCREEN_CHART_KEY: chart.figure}
    if chart.wide_on_screen:
        return {CHART_KEY: chart.figure, WIDE_SCREEN_CHART_KEY: chart.wide_screen_figure}
    return {CHART_KEY: chart.figure}


def _draw_figures(drawn: Mapping[str, go.Figure], name: str, config: dict[str, object]) -> None:
    """Each figure of chart ``name`` keyed "<prefix><name>"; a phone's and a wide one in their box, whose width
    decides which is shown."""
    holder = st.container(key=f"{CHART_WIDTHS_KEY}{name}") if WIDE_SCREEN_CHART_KEY in drawn \
        else contextlib.nullcontext()
    with holder:
        for key, figure in drawn.items():
            st.plotly_chart(figure, key=f"{key}{name}", theme=None, config=config)


def _lazy_csv(data: pd.DataFrame) -> Callable[[], bytes]:
    return lambda: exports.to_csv(data)


# The empty states a reader ends by changing the filters, each with its hint saying how.
SIDEBAR_HINTS = {"empty.no_data": "empty.no_data_hint", "empty.no_years": "empty.no_years_hint",
                 "empty.no_fields": "empty.no_fields_hint", "empty.no_activities": "empty.no_activities_hint"}


def empty_state(ctx: PageContext, key: str = "empty.no_data", **params: object) -> None:
    """Explain why nothing is shown, instead of an empty axis, and where the sidebar is there to change that,
    how (in another site's frame, which has none, "widen the years in the sidebar" was advice nobody could
    follow; a projector hides it). What was looked for, the page's header says (``page_header``)."""
    text = ctx.t(key, partner=ctx.partner_name(), **params)
    if not ctx.presenting and not ctx.framed and key in SIDEBAR_HINTS:
        text = sentences(text, ctx.t(SIDEBAR_HINTS[key]), lang=ctx.lang)
    st.info(text, icon=":material/filter_alt_off:")


def nothing_selected(ctx: PageContext) -> bool:
    """True (after explaining) when the filters leave nothing to show."""
    if not ctx.filters.years:
        empty_state(ctx, "empty.no_years")
        return True
    if not ctx.filters.fields:
        empty_state(ctx, "empty.no_fields")
        return True
    return False


def shown_sample_years(ctx: PageContext) -> list[int]:
    """The selected years that are bundled sample data and hold records of the partner city: a view of
    Seoul, whose records start in 2020, shows nothing of the sample's 2017–2019 (Beijing's)."""
    summary = ctx.fetch("yearly_summary")
    active = set(summary.loc[summary["partner_active"], "year"].tolist())
    return sorted(set(ctx.fetch("sample_years")["year"].tolist()) & set(ctx.filters.years or []) & active)


def sample_notice(ctx: PageContext) -> None:
    """Shown on every page while any year it shows is the bundled sample data."""
    years = shown_sample_years(ctx)
    if years:
        st.warning(sample_text(ctx, years), icon=":material/science:")


def sample_text(ctx: PageContext, years: list[int]) -> str:
    """The sample-data notice; where to load the real data only in the app itself (another site's reader
    has no Upload page); 2017's public facts only when 2017 is shown."""
    return sentences(ctx.t("notice.sample", years=format_list(years, ctx.lang)),
                     "" if ctx.framed else ctx.t("notice.sample_upload"),
                     ctx.t("notice.sample_2017") if 2017 in years else "", lang=ctx.lang)


# The load history as read on the page: who loaded what and when first, the fingerprints (64 hex digits
# each, which pushed every other column off a laptop's screen) last and narrow.
HISTORY_FIRST = ("load_id", "year", "file_name", "loaded_at", "loaded_by", "provisional", "is_sample")
FINGERPRINTS = ("sha256", "snapshot_sha256")
# Who loaded (an analyst's account) and the file's name are shown to analysts only (the Upload page). The
# public Data page and its download leave them out, as the open data package leaves out the loads
# (etl.package: they name staff and files); an account's name is also half of what the sign-in asks.
STAFF_COLUMNS = ("loaded_by", "file_name")
# The history's columns on a projector: each load, its year, when, the year's status, and what it replaced or
# restored (the row counts, the fingerprints and the analysts' columns outside presentation mode).
PROJECTED_HISTORY = ("load_id", "year", "loaded_at", "provisional", "is_sample", "replaced_load_id",
                     "restored_from_load_id")


def history_table(ctx: PageContext, for_analysts: bool) -> pd.DataFrame:
    """The load history for readers: columns named, the sample loads' author in the reader's language;
    without STAFF_COLUMNS unless ``for_analysts``."""
    history = ctx.fetch("load_history").copy()
    if not for_analysts:
        history = history.drop(columns=list(STAFF_COLUMNS))
    if for_analysts:
        history["loaded_by"] = [author_name(ctx, author) for author in history["loaded_by"]]
    # Kept in UTC; read as Jakarta's clock read it, the zone named in the column's name.
    history["loaded_at"] = [jakarta_time(moment) for moment in history["loaded_at"]]
    # Load numbers, as the Load column's: they sort as numbers ("10" came before "9" as text); where a load
    # replaced or restored nothing, the cell is drawn empty (show_history), not Streamlit's English "None".
    for column in ("replaced_load_id", "restored_from_load_id"):
        history[column] = history[column].astype("Int64")
    # Yes or no in words, as the data dictionary writes them: a checkbox cell is read out "true" or "false",
    # in English, by a screen reader (the table's accessible copy).
    for column in ("provisional", "is_sample"):
        history[column] = [ctx.t("template.yes" if value else "template.no") for value in history[column]]
    middle = [column for column in history.columns if column not in (*HISTORY_FIRST, *FINGERPRINTS)]
    history = history[[column for column in (*HISTORY_FIRST, *middle, *FINGERPRINTS) if column in history.columns]]
    return history.rename(columns=lambda column: ctx.t(f"history.{column}"))


def author_name(ctx: PageContext, author: str) -> str:
    """Who made a load, as the history says it: the sample's loads named in the reader's language."""
    return ctx.t("history.sample_data") if author == SAMPLE_AUTHOR else author


# A reference table's narrowest columns, and those holding sentences, on a narrow screen.
REFERENCE_COLUMN_MIN = "5em"
REFERENCE_SENTENCE_MIN = "11em"


def show_reference_table(data: pd.DataFrame, formats: Mapping[str, object] | None = None,
                         whole_labels: bool = False, right_aligned: Sequence[str] = ()) -> None:
    """A table read in full, each cell's text wrapped in place by the browser: no grid to scroll, no cell cut
    (in a grid the data dictionary's allowed values and descriptions were cut mid-word on a laptop, its last
    column past the page's edge; and a projected grid drew an Indonesian indicator name beside Chinese labels
    on one line, cut, as its text layout guesses a line's length from the characters it measured before,
    Chinese ones twice as wide). Numbers are shown as ``formats`` says (see styled); texts as typed, since
    st.table reads them as Markdown. On a phone it scrolls across rather than squeezing a column to a word a
    line (Chinese labels stood a character a line). ``whole_labels``: a short text breaks only at its spaces.
    ``right_aligned``: columns of figures already written as text ("3,8%", "+0,1 poin persen"), set as numbers
    are."""
    text_columns = [column for column in data.columns if not pd.api.types.is_numeric_dtype(data[column])]
    shown = data.astype(dict.fromkeys(text_columns, object))
    shown[text_columns] = shown[text_columns].fillna("").astype(str).map(markdown_text)
    table = styled(shown, formats or {})
    styler = (table.style if isinstance(table, pd.DataFrame) else table).set_properties(
        **{"min-width": REFERENCE_COLUMN_MIN, "white-space": "normal"})  # a cell's own: its block inherits it
    sentence_columns = long_text_columns(data)
    if sentence_columns:
        styler = styler.set_properties(subset=sentence_columns, **{"min-width": REFERENCE_SENTENCE_MIN})
    # With ``whole_labels`` a label breaks only where it has a space ("网络与伙伴关系" left "系" alone on a line):
    # the sentences take the lines (the dictionary's Chinese labels, whole, ran its table past a projector's
    # page). An amount never breaks ("IDR" stood above "174,000,000").
    labels = [column for column in text_columns if column not in sentence_columns]
    if labels and whole_labels:
        styler = styler.set_properties(subset=labels, **{"word-break": "keep-all"})
    numbers = [column for column in data.columns if column not in text_columns]
    if numbers:
        styler = styler.set_properties(subset=numbers, **{"white-space": "nowrap"})
    if right_aligned:
        # "!important": Streamlit writes "text-align: left" on each text cell itself.
        styler = styler.set_properties(subset=list(right_aligned), **{"text-align": "right !important"})
    st.table(styler, hide_index=True)


def show_history(ctx: PageContext, for_analysts: bool) -> None:
    """The load history table; a fingerprint's column is narrow (its start identifies it), its help says
    where the whole value is. On a projector it stands whole as the page's other tables do (show_table), in
    the columns that say which load made each year what it is (PROJECTED_HISTORY) that some load fills: a
    grid's columns past a 1280 px projector's edge ("R…") were out of an audience's reach, and at the
    projector's size its thirteen columns cannot stand side by side. The caption names the columns shown."""
    history = history_table(ctx, for_analysts)
    # Written as the Load column is; a load that replaced or restored nothing, empty.
    load_numbers = {ctx.t(f"history.{column}"): "{:d}" for column in ("replaced_load_id", "restored_from_load_id")}
    if ctx.presenting:
        projected = [ctx.t(f"history.{column}") for column in PROJECTED_HISTORY]
        filled = [column for column in projected if column in history.columns
                  and (history.empty or history[column].notna().any())]  # no load yet: the headers
        show_table(ctx, history, formats=load_numbers, projected=filled)
        return
    narrow = st.column_config.TextColumn(width="small", help=ctx.t("history.fingerprint_help"))
    st.dataframe(styled(history, load_numbers), hide_index=True, placeholder="",
                 column_config={ctx.t(f"history.{column}"): narrow for column in FINGERPRINTS})


def provisional_notice(ctx: PageContext) -> None:
    """Shown on every page while any selected year is provisional (its figures may still change)."""
    note = ctx.provisional_note()
    if note:
        st.info(note, icon=":material/hourglass_top:")


def page_header(ctx: PageContext, title_key: str, intro_key: str, *, filtered: bool = False) -> None:
    """Title, intro and as of when the data is. A ``filtered`` page (its figures depend on the filters) also
    says them under its intro: a phone hides the sidebar, and a shared link's reader did not choose them
    ("Applicants 26" of one field read as the year's applicants). Presenting, the bar says them."""
    st.title(ctx.t(title_key, partner=ctx.partner_name()))  # "Jakarta–Seoul …" when Seoul is chosen
    if ctx.framed:  # another site's reader has no sidebar: what the page shows, and whose it is
        st.caption(f"{ctx.t(intro_key)}  \n{embed_source(ctx)}")
    elif not ctx.presenting:  # one element: the intro, the filters, as of when the data is
        lines = [ctx.t(intro_key), markdown_text(filters_shown(ctx)) if filtered else "", ctx.data_updated()]
        st.caption("  \n".join(line for line in lines if line))
    sample_notice(ctx)
    provisional_notice(ctx)


def begin_page(ctx: PageContext, page: str) -> None:
    """Title, intro and sample notice; stops the page, saying why, when the filters leave nothing to draw."""
    page_header(ctx, f"{page}.title", f"{page}.intro", filtered=True)
    if nothing_selected(ctx):
        st.stop()
    if none_key := nothing_to_draw(ctx, page):
        empty_state(ctx, none_key)
        st.stop()
    if note := direction_note(ctx.filters, page):
        st.info(markdown_text(note), icon=":material/filter_alt:")
