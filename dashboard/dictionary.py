"""The data dictionary, generated from etl.schema in the reader's language."""

from __future__ import annotations

import pandas as pd

from etl.schema import Column, DerivedColumn, Sheet
from etl.template import near_year_text, once_a_year_text, range_text
from translations import format_number, label_value, resolve_language, translate


def _allowed(column: Column, lang: str) -> str:
    separator = "；" if resolve_language(lang) == "zh" else "; "  # Chinese: the full-width semicolon
    if column.vocabulary is not None:
        # "code: label", as VOCABULARY.md writes it. "Label (code)" nested the brackets of labels that hold
        # some ("Score (1–5) (score)").
        return separator.join(label_value(c.code, c.label(lang), lang) for c in column.vocabulary.categories)
    limit = (translate(lang, "template.max_length", maximum=format_number(column.max_length, lang))
             if column.max_length is not None else range_text(column))
    return separator.join(rule for rule in (limit, once_a_year_text(column, lang), near_year_text(column, lang))
                          if rule)


def _stored(column: Column | DerivedColumn, lang: str) -> str:
    if isinstance(column, DerivedColumn):
        return translate(lang, "dictionary.derived")
    if column.private:
        return translate(lang, "dictionary.not_stored")
    return translate(lang, "dictionary.stored")


def dictionary(sheet: Sheet, lang: str) -> pd.DataFrame:
    """One row per column of the sheet's workbook and warehouse table."""
    rows = []
    for column in (*sheet.columns, *sheet.derived):
        workbook_column = isinstance(column, Column)
        rows.append({
            translate(lang, "dictionary.column"): column.name,
            translate(lang, "dictionary.label"): column.label(lang),
            translate(lang, "dictionary.type"): translate(lang, f"template.kind_{column.kind.value}"),
            translate(lang, "dictionary.required"): translate(
                lang, "template.yes" if workbook_column and column.required else "template.no"),
            translate(lang, "dictionary.allowed"): _allowed(column, lang) if workbook_column else "",
            translate(lang, "dictionary.description"): column.description(lang),
            translate(lang, "dictionary.warehouse"): _stored(column, lang),
        })
    return pd.DataFrame(rows)


