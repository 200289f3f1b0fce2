"""The offline report: one self-contained HTML file of the current filters and language.

Built from the same queries and chart builders as the pages (dashboard.charts),
with Plotly's JavaScript inlined once, so it opens with no network on any
laptop and every chart stays interactive. All text of the page is HTML-escaped
here; text inside the charts was made plain by their builders (dashboard.figures.plain,
so Plotly shows a workbook's "<a href=...>" as text), and Plotly escapes the figure
JSON itself (e.g. "</script>" in a title cannot break out).

On a screen narrower than the printed figures (a phone, a tablet, a laptop zoomed in) each chart laid out for
its width shows the page's own figure, as the dashboard draws it there; only the figures shown are drawn.
Source Sans, the pages' font, is inlined, so labels take the room dashboard.margins measured for them. Below
each chart its data, folded, as the page's "Data of this chart" gives it (on screen; not printed).

It also prints, from any browser, as an A4 portrait briefing: a first page with
what the report shows (filters, language, data version, date), its caveats, the
headline figures and findings (the Overview's own); then the other pages' charts, numbered, each whole on
one page (the Overview's four charts are theirs: printed once, in their pages' sections); the Benefits page's
tables with their header on every page; the notes.
tests/e2e/test_report_print.py prints it with Chromium and reads the PDF back.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from plotly.io.json import to_json_plotly
from streamlit import file_util

from dashboard import charts, params
from dashboard.components import chart_config, file_stem, filters_shown, shown_sample_years
from dashboard.context import PageContext
from dashboard.filters import Available, direction_note, link_query
from dashboard.findings import overview_findings
from dashboard.headline import formatted, headline_figures, headline_heading
from translations import LANGUAGE_NAMES, format_list, jakarta_moment, sentence_gap, sentences

# Print: A4 portrait. Plotly's charts are responsive: printed as they are, they keep the width
# the screen gave them and the page cuts them. So the script FIGURES_SCRIPT draws every chart at
# a definite size whenever print media applies (on `beforeprint`, which current browsers fire
# before they lay out the pages, and on the print media query), and gives it back to the
# screen afterwards. A chart is drawn as on a desktop screen (DRAW_WIDTH_PX wide, so its legend
# and labels wrap as they do there) and printed at PRINT_ZOOM, which fits the page's content
# width; it keeps its own height, at most one page's worth, so that `break-inside: avoid`
# can always keep a chart and its caption on one page.
PX_PER_MM = 96 / 25.4  # CSS pixels: 96 per inch
A4_MM = (210, 297)
PAGE_MARGIN_MM = (14, 15, 16, 15)  # top, right, bottom, left; the bottom one holds the page number
PRINT_WIDTH_PX = int((A4_MM[0] - PAGE_MARGIN_MM[1] - PAGE_MARGIN_MM[3]) * PX_PER_MM)  # 680: the content box
PRINT_PAGE_HEIGHT_PX = int((A4_MM[1] - PAGE_MARGIN_MM[0] - PAGE_MARGIN_MM[2]) * PX_PER_MM)  # 1009
PRINT_ZOOM = 0.8  # 14-px chart text prints at 8.4 pt; two charts of the usual height share a page
DRAW_WIDTH_PX = round(PRINT_WIDTH_PX / PRINT_ZOOM)  # 850
SCREEN_HEIGHT_PX = 460  # a chart's height on screen unless its figure sets one
PRINT_MAX_HEIGHT_PX = 800  # printed: a tall chart (the timeline) is squeezed so it and its caption fit a page
# The widest screen (CSS px) that shows a chart's narrow figure: the report's column (the screen less the body's
# 16-px paddings and a scroll bar's 20 px) is narrower than the printed figure's DRAW_WIDTH_PX there.
NARROW_MAX_PX = DRAW_WIDTH_PX + 2 * 16 + 20 - 1  # 901

STYLE = """
body { font-family: "Source Sans", "Noto Sans", "Noto Sans CJK SC", Arial, sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #262730; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 2rem; margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #B3261E; }
.meta { color: #555; margin: .3rem 0; overflow-wrap: anywhere; }
.notice { background: #FFF8E1; border-left: 4px solid #E69F00; padding: .6rem 1rem; }
table { border-collapse: collapse; margin: 1rem 0; } td, th { border: 1px solid #ddd; padding: .35rem .7rem; }
table.headline td, table.headline th { text-align: right; } table.headline td:first-child,
table.headline th:first-child { text-align: left; } .finding { font-weight: 600; } .caption { color: #666;
       font-size: .9rem; margin-bottom: 1.5rem; } .figure-label { font-weight: 600; color: #262730; }
.page-note, .empty { color: #555; border-left: 3px solid #ccc; padding-left: .6rem; }  /* no italic: CJK has none */
table.data { font-size: .85rem; width: 100%; } table.data th { background: #F0F2F6; text-align: left; }
table.data td.number { text-align: right; } table.data td.number, table.data td.code { white-space: nowrap; }
table.data td.text { min-width: 8em; overflow-wrap: anywhere; }
.table-scroll { overflow-x: auto; }
.chart, tr, .notice, li { break-inside: avoid; page-break-inside: avoid; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
h3.chart-title { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
.print-only { display: none; }
details.chart-data { margin: -1rem 0 1.5rem; } details.chart-data summary { cursor: pointer; color: #31333F; }
thead { display: table-header-group; }
""" + f"""
/* The printed figure's labels are given room for {DRAW_WIDTH_PX} px: a screen narrower than that (a phone, a tablet,
   a laptop zoomed in) shows the page's own figure instead, laid out as the dashboard lays it out there; squeezed,
   the printed one left its plot a few pixels between a long name and the edge. A chart whose figure is the same
   on every medium shows that one figure everywhere. */
.figure.paper {{ min-width: {DRAW_WIDTH_PX}px; }}
.figure.narrow {{ display: none; }}
@media screen and (max-width: {NARROW_MAX_PX}px) {{
  .figure.paper {{ min-width: 0; }} .chart.has-narrow .figure.paper {{ display: none; }}
  .chart.has-narrow .figure.narrow {{ display: block; }}
}}
@page {{ size: A4 portrait; margin: {" ".join(f"{mm}mm" for mm in PAGE_MARGIN_MM)};
        @bottom-right {{ content: counter(page) " / " counter(pages); font: 9pt sans-serif; color: #666; }} }}
@page :first {{ @bottom-right {{ content: none; }} }}
@media print {{
  body {{ margin: 0; padding: 0; max-width: none; font-size: 10.5pt; }}
  .cover {{ break-after: page; page-break-after: always; }}
  .cover h1 {{ margin-top: 0; }}
  section {{ break-before: page; page-break-before: always; }}
  section.notes {{ break-before: auto; page-break-before: auto; }}
  h2 {{ margin-top: 0; }}
  .chart {{ margin-bottom: 1.2rem; }}
  .caption {{ margin: .3rem 0 0; font-size: 9pt; }}
  .figure.paper {{ zoom: {PRINT_ZOOM}; width: {DRAW_WIDTH_PX}px; }}
  .figure > div, .figure .plotly-graph-div {{ width: auto !important; height: auto !important; }}
  .modebar-container, .modebar {{ display: none !important; }}
  .table-scroll {{ overflow: visible; }} details.chart-data {{ display: none; }}
  .screen-only {{ display: none; }} .print-only {{ display: inline; }}
  table.data {{ font-size: 7.5pt; }} table.data td, table.data th {{ padding: .1rem .25rem; }}
  .notice {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""

# Draws each figure when it is first shown: a chart's printed figure on a wide screen, its narrow one on a
# narrow screen (NARROW_MAX_PX), each the first time the screen's width or print asks for it, so a phone draws
# one figure per chart, not two. Then, while print media applies, draws the printed figures at their printed
# size (see DRAW_WIDTH_PX) and gives them back to the screen afterwards.
FIGURES_SCRIPT = """
(() => {
  const WIDTH = DRAW_WIDTH_PX;
  const NARROW = matchMedia('screen and (max-width: NARROW_MAX_PXpx)');
  function draw(figure) {
    if (figure.dataset.drawn) return;
    figure.dataset.drawn = 'true';
    const spec = JSON.parse(figure.querySelector('script[type="application/json"]').textContent);
    Plotly.newPlot(figure.querySelector('.plotly-graph-div'), spec.data, spec.layout, spec.config);
  }
  const drawAll = selector => document.querySelectorAll(selector).forEach(draw);
  const drawShown = () => drawAll(NARROW.matches ? '.figure.narrow, .chart:not(.has-narrow) .figure.paper'
                                                 : '.figure.paper');
  // Plotly measures the labels when it draws: only once the inlined font is ready are they measured in it.
  document.fonts.load('1em "Source Sans"').catch(() => null).then(() => {
    drawShown();
    NARROW.addEventListener('change', drawShown);
  });

  let printing = false;
  const plots = () => [...document.querySelectorAll('.chart')]
    .map(chart => [chart, chart.querySelector('.figure.paper .js-plotly-plot')])
    .filter(([, plot]) => plot && plot._fullLayout);
  function toPrint() {
    if (printing) return;
    printing = true;
    drawAll('.figure.paper');
    for (const [chart, plot] of plots()) {
      plot._screenSize = {width: plot.layout.width ?? null, height: plot.layout.height ?? null};
      Plotly.relayout(plot, {width: WIDTH, height: Number(chart.dataset.drawHeight)});
    }
  }
  function toScreen() {
    if (!printing || matchMedia('print').matches) return;
    printing = false;
    for (const [, plot] of plots()) {  // a printed figure a narrow screen hides is sized when it shows again
      Plotly.relayout(plot, plot._screenSize).then(() => plot.offsetParent && Plotly.Plots.resize(plot));
    }
  }
  addEventListener('beforeprint', toPrint);
  addEventListener('afterprint', () => setTimeout(toScreen, 0));
  matchMedia('print').addEventListener('change', event => (event.matches ? toPrint() : toScreen()));
})();
""".replace("NARROW_MAX_PX", str(NARROW_MAX_PX)).replace("DRAW_WIDTH_PX", str(DRAW_WIDTH_PX))


@cache
def plotly_js() -> str:
    return plotly.offline.get_plotlyjs()


@cache
def source_sans_face() -> str:
    """The @font-face of Source Sans (Streamlit's own copy, SIL Open Font License), inlined: the pages' font, the
    one dashboard.margins measures the charts' labels in. Without it the report drew its text in the system's
    sans-serif, wider on these machines (Liberation Sans), and a phone's figure, laid out as the dashboard lays
    it out there, cut the ends of the benefit indicators' names."""
    font, = Path(file_util.get_static_dir()).glob("static/media/SourceSansVF-Upright*.woff2")
    data = base64.b64encode(font.read_bytes()).decode("ascii")
    return (f'@font-face {{ font-family: "Source Sans"; font-style: normal; font-weight: 200 900; '
            f'font-display: block; src: url(data:font/woff2;base64,{data}) format("woff2"); }}')


def _markdown_bold(text: str) -> str:
    """Escape, then turn the catalogue's **bold** into <strong>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


def _markdown_list(text: str) -> str:
    """The catalogue's Markdown list ("- " at the start of each line) as a list, each item as _markdown_bold
    writes it (the privacy note read as one paragraph with its dashes in it)."""
    items = [line.removeprefix("- ") for line in text.splitlines() if line.strip()]
    return "<ul>" + "".join(f"<li>{_markdown_bold(item)}</li>" for item in items) + "</ul>"


def _headline_table(ctx: PageContext) -> str:
    """The Overview's cards as a table under the Overview's heading: each figure, its value the year compared
    with, and the change the card shows ("+22", "+0.3 pp"). A partner city's first year is compared with none:
    the figures alone, as its cards show them."""
    year, previous, figures_ = headline_figures(ctx.fetch("yearly_summary"), ctx.filters.years,
                                                ctx.filters.direction)
    if year is None:
        return ""
    header = [ctx.t("metric.col_figure"), str(year)]
    if previous:
        header += [str(previous), ctx.t("metric.col_change")]
    rows = []
    for figure in (figure for figure in figures_ if not figure.excluded):
        value, change = formatted(figure, ctx.lang, ctx.t("metric.pp"))
        cells = [figure.metric.label(ctx.lang, ctx.partner_name()), value]
        if previous:
            cells += [figure.metric.format(figure.previous, ctx.lang), change.text if change else "–"]
        rows.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>")
    return (f"<h2>{html.escape(headline_heading(ctx, year, previous))}</h2><table class='headline'><thead><tr>"
            + "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
            + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _empty(ctx: PageContext, key: str) -> str:
    """What an empty chart or table says in its place, as the page says it."""
    return f"<p class='empty'>{html.escape(ctx.t(key, partner=ctx.partner_name()))}</p>"


# The sections after the cover. The cover is the Overview (its headline figures and findings); its charts are
# the Participation, Activities and Benefits pages' own (the same figures under the Overview's headings):
# printed in a section of its own as well, they made four figures of every report the same as four others.
SECTIONS = tuple(page for page in params.CHART_PAGES if page != "overview")


def printed_charts(ctx: PageContext) -> list[charts.Chart]:
    """The report's figures in order, numbered from 1."""
    return [chart for page in SECTIONS for chart in charts.page_charts(ctx, page)]


def _findings(ctx: PageContext) -> list[str]:
    return [finding.text for finding in overview_findings(ctx).values()]


def build_report(ctx: PageContext, available: Available, generated: dt.datetime | None = None) -> str:
    """The whole report as one HTML document: a cover, the charts page by page, tables, notes."""
    title = ctx.t("report.title", partner=ctx.partner_name())
    parts = [
        f"<!DOCTYPE html><html lang='{ctx.lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{source_sans_face()}{STYLE}</style>",
        f"<script>{plotly_js()}</script></head><body><main>",
        _cover(ctx, available, generated or dt.datetime.now(dt.UTC)),
    ]
    number = 0
    for page in SECTIONS:
        heading = ctx.t(f"{page}.title", partner=ctx.partner_name())
        parts.append(f"<section data-page='{page}'><h2>{html.escape(heading)}</h2>")
        if none_key := charts.nothing_to_draw(ctx, page):  # as the page: one sentence instead of its charts
            parts.append(f"{_empty(ctx, none_key)}</section>")
            continue
        # What the page says is not drawn (as on the page: a chart is never silently missing).
        notes = [direction_note(ctx.filters, page), *charts.page_notes(ctx, page)]
        parts += [f"<p class='page-note'>{html.escape(note)}</p>" for note in notes if note]
        said = None  # an empty chart's sentence, said once for the empty charts in a row that share it
        for slot in charts.page_slots(ctx, page):
            if slot.chart is not None:
                number += 1
                parts.append(_chart_block(ctx, slot.chart, number))
            elif slot.none_key is not None and slot.none_key != said:
                parts.append(_empty(ctx, slot.none_key))
            said = None if slot.chart is not None else slot.none_key
        parts.append("</section>")
    parts.append(_tables(ctx))
    parts.append(f"<section class='notes'><h2>{html.escape(ctx.t('data.section_notes'))}</h2>")
    if provisional := ctx.provisional_note():  # the selected years whose figures may still change
        parts.append(f"<p class='notice'>{html.escape(provisional)}</p>")
    parts += [f"<p>{_markdown_bold(ctx.t('data.note_sample'))}</p>",
              f"<h3>{html.escape(ctx.t('data.privacy_title'))}</h3>", _markdown_list(ctx.privacy_note())]
    parts.append(f"</section></main><script>{FIGURES_SCRIPT}</script></body></html>")
    return "\n".join(parts)


def _cover(ctx: PageContext, available: Available, generated: dt.datetime) -> str:
    """The first printed page: what the report shows (filters, language, data version, when it was made), its
    caveats, the headline figures and the findings."""
    # When it was made, on Jakarta's clock as the data's update beside it: two reports of one day told apart.
    meta = ctx.t("report.meta", moment=jakarta_moment(generated, ctx.lang), updated=ctx.data_updated())
    lines = [meta, filters_shown(ctx),
             ctx.t("report.language", language=LANGUAGE_NAMES[ctx.lang]),
             ctx.t("report.parameters", query=_query_text(ctx, available))]
    title = ctx.t("report.title", partner=ctx.partner_name())
    parts = [f"<header class='cover'><h1>{html.escape(title)}</h1>"]
    parts += [f"<p class='meta'>{html.escape(line)}</p>" for line in lines]
    samples = shown_sample_years(ctx)
    notices = [ctx.t("notice.sample", years=format_list(samples, ctx.lang)) if samples else "", ctx.provisional_note(),
               direction_note(ctx.filters, "overview")]  # the headline table below counts both sides' activities
    parts += [f"<p class='notice'>{html.escape(notice)}</p>" for notice in notices if notice]
    parts.append(_headline_table(ctx))
    parts.append(f"<h2>{html.escape(ctx.t('report.findings'))}</h2><ul>")
    parts += [f"<li class='finding'>{html.escape(sentence)}</li>" for sentence in _findings(ctx)]
    parts.append("</ul></header>")
    return "".join(parts)


def draw_height(figure: go.Figure) -> int:
    """The height (CSS px before PRINT_ZOOM) a chart is drawn at for print: its own, at most a page's worth."""
    return min(figure.layout.height or SCREEN_HEIGHT_PX, round(PRINT_MAX_HEIGHT_PX / PRINT_ZOOM))


def _chart_block(ctx: PageContext, chart: charts.Chart, number: int) -> str:
    """A chart and its caption, numbered ("Figure 3.") so that a printed page can be referred to: its printed
    figure and, for a chart laid out for the width it has, the page's own figure for a narrow screen."""
    config = {**chart_config(file_stem(chart.page, chart.name, ctx.filters), ctx.lang), "responsive": True}
    # The title is a heading of the document, as on the pages: it never collides with a long legend.
    printed = chart.printed_figure(DRAW_WIDTH_PX)
    where = html.escape(f"{chart.page}/{chart.name}")
    label = html.escape(ctx.t("report.figure", number=number))
    narrow = chart.wide is not None  # the page's figure differs from the printed one
    caption = html.escape(sentences(chart.alternative, chart.caption, lang=ctx.lang)) + _blank_parts(
        ctx, chart, printed, narrow)
    figures = _figure(printed, config, "paper") + (_figure(chart.figure, config, "narrow") if narrow else "")
    return (f"<div class='chart{' has-narrow' if narrow else ''}' data-chart='{where}' "
            f"data-draw-height='{draw_height(printed)}'>"
            f"<h3 class='chart-title'>{html.escape(chart.heading)}</h3>{figures}"
            f"<p class='caption'><span class='figure-label'>{label}</span> "
            f"{caption}</p>{_chart_data(ctx, chart)}</div>")


def _blank_parts(ctx: PageContext, chart: charts.Chart, printed: go.Figure, narrow: bool) -> str:
    """The caption's sentence on blank parts, escaped: on screen, where the printed or the narrow figure
    leaves one, naming the chart's data folded below it; on paper, which does not print that table, only
    where the printed figure leaves one, and naming no table."""
    on_screen = charts.blank_parts_note(ctx, [printed, chart.figure] if narrow else [printed], table=True)
    on_paper = charts.blank_parts_note(ctx, [printed], table=False)
    return "".join(f"<span class='{medium}'>{sentence_gap(ctx.lang)}{html.escape(note)}</span>"
                   for medium, note in (("screen-only", on_screen), ("print-only", on_paper)) if note)


def _chart_data(ctx: PageContext, chart: charts.Chart) -> str:
    """The chart's numbers as the page's "Data of this chart" gives them, folded (on screen only): a reader who
    cannot see the chart, or wants a number no chart writes (a stack's thinnest parts), has them offline too."""
    return (f"<details class='chart-data'><summary>{html.escape(ctx.t('chart.data_table'))}</summary>"
            f"{data_table(chart.data, chart.formats)}</details>")


def _figure(figure: go.Figure, config: Mapping[str, object], variant: str) -> str:
    """A figure, drawn by FIGURES_SCRIPT when first shown, from its JSON (Plotly's encoder writes "<", ">" and
    "/" as escapes, so no text of a chart can close the script element)."""
    height = figure.layout.height or SCREEN_HEIGHT_PX
    spec = to_json_plotly({**figure.to_plotly_json(), "config": config})
    return (f"<div class='figure {variant}'><div class='plotly-graph-div' style='height:{height}px; width:100%'>"
            f"</div><script type='application/json'>{spec}</script></div>")


def _tables(ctx: PageContext) -> str:
    """The Benefits page's two tables, as the page shows them, in an appendix: long ones run over pages, their
    header on each, and one of part of the selection says so below it."""
    tables = [("benefits.indicator_table", charts.NONE_BENEFITS, *charts.indicator_table(ctx),
               charts.indicator_table_note(ctx)),
              ("benefits.mitigation_table", charts.NONE_OBSTACLES, *charts.mitigation_table(ctx),
               charts.mitigation_table_note(ctx))]
    parts = [f"<section class='tables'><h2>{html.escape(ctx.t('report.tables'))}</h2>"]
    for key, none_key, data, formats, note in tables:
        parts.append(f"<h3>{html.escape(ctx.t(key))}</h3>")
        parts.append(data_table(data, formats) if not data.empty else _empty(ctx, none_key))
        if note:
            parts.append(f"<p class='caption'>{html.escape(note)}</p>")
    parts.append("</section>")
    return "".join(parts)


def data_table(data: pd.DataFrame, formats: Mapping[str, object]) -> str:
    """A table as HTML, its numbers shown as the dashboard shows them (dashboard.components.styled)."""
    columns: dict[str, list[str]] = {}
    for header in data.columns:
        shown = formats.get(header)
        units = getattr(shown, "units", None)
        values = list(data[header])
        if units is not None:
            columns[header] = [shown.show(value, unit) for value, unit in zip(values, units, strict=True)]  # type: ignore[union-attr]
        elif callable(shown):
            columns[header] = [shown(value) for value in values]
        else:
            columns[header] = ["" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
                               for value in values]
    # Numbers and codes (LOK-CI-01) kept on one line, sentences given room; the rest wraps: the table fits a page.
    def kind(header: str) -> str:
        texts = columns[header]
        if header in formats:
            return "number"
        if all(len(text) <= 12 and " " not in text for text in texts):
            return "code"
        return "text" if max(map(len, texts), default=0) > 40 else ""

    kinds = {header: kind(header) for header in columns}
    head = "".join(f"<th scope='col'>{html.escape(str(header))}</th>" for header in data.columns)
    cell = {header: f"<td class='{kind}'>" if kind else "<td>" for header, kind in kinds.items()}
    rows = ("<tr>" + "".join(f"{cell[header]}{html.escape(columns[header][position])}</td>"
                             for header in data.columns) + "</tr>" for position in range(len(data)))
    # On a narrow screen the table scrolls in its own box (reachable by keyboard), not the whole page.
    return (f"<div class='table-scroll' tabindex='0'><table class='data'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _query_text(ctx: PageContext, available: Available) -> str:
    """The view's parameters as codes: what its link and the API take (dashboard.params)."""
    return urlencode(link_query(ctx.filters, available)) or "–"


def report_file_name(ctx: PageContext) -> str:
    return f"{file_stem('report', 'all', ctx.filters)}.html"
