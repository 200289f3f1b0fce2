"""The offline report: one self-contained HTML file of the current filters and language.

Built from the same queries and chart builders as the pages (dashboard.figures),
with Plotly's JavaScript inlined once, so it opens with no network on any
laptop and every chart stays interactive. All text of the page is HTML-escaped
here; text inside the charts was made plain by their builders (dashboard.charts.plain,
so Plotly shows a workbook's "<a href=...>" as text), and Plotly escapes the figure
JSON itself (e.g. "</script>" in a title cannot break out).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import cache
from urllib.parse import urlencode

import plotly.offline

from dashboard import figures
from dashboard.components import PageContext, chart_config, file_stem
from dashboard.filters import Available
from dashboard.findings import overview_findings
from dashboard.headline import headline_figures
from dashboard.presentation import filter_line, link_query
from etl.uploads import retention_days
from translations import format_day, format_number

PAGES = ("overview", "participation", "activities", "benefits")
STYLE = """
body { font-family: "Source Sans Pro", "Noto Sans", "Noto Sans CJK SC", Arial, sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #262730; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 2rem; margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #B3261E; }
.meta { color: #555; } .notice { background: #FFF8E1; border-left: 4px solid #E69F00; padding: .6rem 1rem; }
table.headline { border-collapse: collapse; margin: 1rem 0; } table.headline td, table.headline th {
       border: 1px solid #ddd; padding: .35rem .7rem; text-align: right; } table.headline td:first-child,
table.headline th:first-child { text-align: left; } .finding { font-weight: 600; } .caption { color: #666;
       font-size: .9rem; margin-bottom: 1.5rem; } .chart { page-break-inside: avoid; }
"""


@cache
def plotly_js() -> str:
    return plotly.offline.get_plotlyjs()


def _markdown_bold(text: str) -> str:
    """Escape, then turn the catalogue's **bold** into <strong>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


def _headline_table(ctx: PageContext) -> str:
    year, previous, figures_ = headline_figures(ctx.fetch("yearly_summary"), ctx.filters.years)
    if year is None:
        return ""
    rows = []
    for figure in figures_:
        label = figure.metric.label(ctx.lang, ctx.partner_name())
        rows.append(f"<tr><td>{html.escape(label)}</td><td>{html.escape(figure.metric.format(figure.value, ctx.lang))}"
                    f"</td><td>{html.escape(figure.metric.format(figure.previous, ctx.lang))}</td></tr>")
    heading = html.escape(ctx.t("metric.heading", year=year).strip("*"))
    return (f"<h2>{heading}</h2><table class='headline'><tr><th></th><th>{year}</th>"
            f"<th>{previous if previous else '–'}</th></tr>{''.join(rows)}</table>")


def _findings(ctx: PageContext) -> list[str]:
    return [finding.text for finding in overview_findings(ctx).values()]


def build_report(ctx: PageContext, available: Available, today: dt.date | None = None) -> str:
    """The whole report as one HTML document."""
    today = today or dt.date.today()
    title = ctx.t("report.title")
    meta = ctx.t("report.meta", date=format_day(today, ctx.lang), version=ctx.reader.data_version)
    parts = [
        f"<!DOCTYPE html><html lang='{ctx.lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>",
        f"<script>{plotly_js()}</script></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>{html.escape(meta)}</p>",
        f"<p class='meta'>{html.escape(ctx.t('report.filters', filters=filter_line(ctx.filters, available)))}</p>",
        f"<p class='meta'>{html.escape(ctx.t('report.parameters', query=_query_text(ctx, available)))}</p>",
    ]
    samples = sorted(set(ctx.fetch("sample_years")["year"]) & set(ctx.filters.years))
    if samples:
        notice = ctx.t("notice.sample", years=", ".join(map(str, samples)))
        parts.append(f"<p class='notice'>{html.escape(notice)}</p>")
    parts.append(_headline_table(ctx))
    parts.append(f"<h2>{html.escape(ctx.t('report.findings'))}</h2><ul>")
    parts += [f"<li class='finding'>{html.escape(sentence)}</li>" for sentence in _findings(ctx)]
    parts.append("</ul>")
    charts = figures.all_charts(ctx)
    for page in PAGES:
        parts.append(f"<h2>{html.escape(ctx.t(f'{page}.title'))}</h2>")
        if not charts[page]:
            parts.append(f"<p>{html.escape(ctx.t('empty.no_data'))}</p>")
        for chart in charts[page]:
            config = {**chart_config(file_stem(chart.page, chart.name, ctx.filters)), "responsive": True}
            div = chart.figure.to_html(full_html=False, include_plotlyjs=False, config=config,
                                       default_width="100%", default_height="460px")
            where = html.escape(f"{chart.page}/{chart.name}")
            parts.append(f"<div class='chart' data-chart='{where}'>{div}"
                         f"<p class='caption'>{html.escape(chart.caption)}</p></div>")
    parts.append(f"<h2>{html.escape(ctx.t('data.section_notes'))}</h2>")
    if provisional := ctx.provisional_note():  # the selected years whose figures may still change
        parts.append(f"<p class='notice'>{html.escape(provisional)}</p>")
    days = format_number(retention_days(), ctx.lang)
    parts += [f"<p>{_markdown_bold(ctx.t(key, days=days))}</p>" for key in ("data.note_sample", "data.note_privacy")]
    parts.append("</body></html>")
    return "\n".join(parts)


def _query_text(ctx: PageContext, available: Available) -> str:
    """The view's parameters as codes: what its link and the API take (dashboard.params)."""
    return urlencode(link_query(ctx.filters, available)) or "–"


def report_file_name(ctx: PageContext) -> str:
    return f"{file_stem('report', 'all', ctx.filters)}.html"
