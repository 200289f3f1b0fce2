"""The glossary: every metric of the catalogue and every category of the schema, in the reader's language.

Generated, never written by hand: a card, a chart or a finding can only
show a metric of dashboard.metrics, and each one is listed here with its
definition, unit and how it is computed, as the Erasmus+ statistics publish
a glossary of their data terms.
"""

from __future__ import annotations

from dashboard.metrics import CATALOGUE, PERIOD_NAMES, THEME_NAMES, UNIT_NAMES, Metric, Period, Theme
from dashboard.params import DIRECTION, FIELD, NOT_NARROWING
from etl import schema
from translations import format_list, label_value, translate, with_note

# A filter as the sidebar names it.
FILTER_NAMES = {FIELD: "filters.fields", DIRECTION: "filters.direction"}


def metrics_by_theme() -> dict[Theme, list[Metric]]:
    grouped: dict[Theme, list[Metric]] = {theme: [] for theme in Theme}
    for metric in CATALOGUE:
        grouped[metric.theme].append(metric)
    return grouped


def metric_list(metrics: list[Metric], lang: str, partner: str) -> str:
    """The metrics as a Markdown list: each name in bold, its whole definition below it, then its unit,
    whether it is a headline card and the query column that computes it, in small type.

    A list, not a table: in a table the definitions, the reason this page exists, were cut at the
    column's edge on a laptop and at the screen's edge on a phone. Every text here is the
    catalogue's own (dashboard.metrics), never a workbook's.
    """
    def details(metric: Metric) -> list[str]:
        card = translate(lang, "template.yes" if metric.on_card else "template.no")
        not_narrowing = [translate(lang, FILTER_NAMES[name]) for name in NOT_NARROWING[metric.sheet]]
        return [label_value(translate(lang, "glossary.col_unit"), UNIT_NAMES[metric.unit](lang), lang),
                label_value(translate(lang, "glossary.col_card"), card, lang),
                *([label_value(translate(lang, "glossary.col_not_narrowed"), format_list(not_narrowing, lang), lang)]
                  if not_narrowing else []),
                label_value(translate(lang, "glossary.col_source"), f"`{metric.source}`", lang)]

    return "\n".join(_list_item(metric.label(lang, partner), details(metric), metric.explain(lang, partner))
                     for metric in metrics)


def periods(lang: str) -> list[tuple[str, str]]:
    """(where, which years) for each period rule of the dashboard."""
    return [(translate(lang, f"glossary.period_{period.value}"), PERIOD_NAMES[period](lang)) for period in Period]


def category_list(vocabulary: schema.Vocabulary, lang: str) -> str:
    """A vocabulary's categories as a Markdown list: each label in the reader's language in bold, then its
    code and its labels in the two other languages, in small type (a list for the figures' reason:
    a table ran off a phone's screen). The labels are the schema's (VOCABULARY.md), never a workbook's."""
    others = [other for other in ("id", "en", "zh") if other != lang]

    def details(category: schema.Category) -> list[str]:
        return [label_value(translate(lang, "glossary.col_code"), f"`{category.code}`", lang),
                *(label_value(translate(lang, f"glossary.col_in_{other}"), category.label(other), lang)
                  for other in others)]

    return "\n".join(_list_item(category.label(lang), details(category)) for category in vocabulary.categories)


def _list_item(title: str, details: list[str], body: str = "") -> str:
    """One Markdown list item of the glossary: ``title`` in bold, ``body`` on the next line, then
    ``details`` in small type, each line a hard break (two spaces) indented under the item."""
    lines = [f"- **{title}**", *([f"  {body}"] if body else []), f"  :small[{' · '.join(details)}]"]
    return "  \n".join(lines)


def vocabulary_title(vocabulary: schema.Vocabulary, lang: str) -> str:
    """The vocabulary named by the column that uses it (e.g. 'Field', 'Status')."""
    for sheet in schema.SHEETS:
        for column in sheet.columns:
            if column.vocabulary is vocabulary:
                return column.label(lang) if vocabulary.name == column.name else (
                    with_note(column.label(lang), sheet.label(lang), lang))
    return vocabulary.name


def theme_name(theme: Theme, lang: str) -> str:
    return THEME_NAMES[theme](lang)
