"""One finding sentence per theme of the study, computed from the data in the reader's language."""

from __future__ import annotations

import pandas as pd

from etl import schema
from translations import format_number, format_percentage, translate


def _latest(summary: pd.DataFrame, years: tuple[int, ...]) -> pd.Series | None:
    chosen = summary[summary["year"].isin(years)]
    return None if chosen.empty else chosen.sort_values("year").iloc[-1]


def _top(frame: pd.DataFrame, category: str, value: str, vocabulary: schema.Vocabulary) -> tuple[str, int] | None:
    """The category with the largest total; a tie goes to the code that comes first in the schema."""
    totals = frame.groupby(category)[value].sum()
    ranked = [(code, int(totals[code])) for code in vocabulary.codes if code in totals and totals[code] > 0]
    if not ranked:
        return None
    return max(ranked, key=lambda item: item[1])  # max keeps the first of equal totals


def selection(summary: pd.DataFrame, breakdown: pd.DataFrame, years: tuple[int, ...], lang: str) -> str:
    """'In 2019, 5 of 131 applicants (3.8%) were selected; most applied in arts and culture.'"""
    latest = _latest(summary, years)
    if latest is None or latest["applicants"] == 0:
        return translate(lang, "finding.no_applicants")
    year = int(latest["year"])
    fields = breakdown[(breakdown["dimension"] == "field") & (breakdown["year"] == year)]
    top = _top(fields, "category", "participants", schema.FIELD)
    rate = latest["selected"] / latest["applicants"]
    return translate(lang, "finding.selection", year=year, selected=format_number(latest["selected"], lang),
                     applicants=format_number(latest["applicants"], lang), rate=format_percentage(rate, lang),
                     field=schema.FIELD.label(top[0], lang).lower() if top else "–")


def activities(summary: pd.DataFrame, breakdown: pd.DataFrame, years: tuple[int, ...], partner: str,
               lang: str) -> str:
    latest = _latest(summary, years)
    if latest is None or latest["activities"] == 0:
        return translate(lang, "finding.no_activities")
    year = int(latest["year"])
    types = breakdown[(breakdown["dimension"] == "type") & (breakdown["year"] == year)]
    top = _top(types, "category", "activities", schema.ACTIVITY_TYPE)
    return translate(lang, "finding.activities", year=year, count=format_number(latest["activities"], lang),
                     type=schema.ACTIVITY_TYPE.label(top[0], lang).lower() if top else "–",
                     jakarta=format_number(latest["participants_jakarta"], lang),
                     partner_count=format_number(latest["participants_partner"], lang),
                     partner=schema.PARTNER_CITY.label(partner, lang))


def obstacles(breakdown: pd.DataFrame, lang: str) -> str:
    if breakdown.empty:
        return translate(lang, "finding.no_obstacles")
    top = _top(breakdown, "category", "obstacles", schema.OBSTACLE_CATEGORY)
    assert top is not None
    total = int(breakdown["obstacles"].sum())
    severe = breakdown.assign(weighted=breakdown["severity"] * breakdown["obstacles"]).groupby("category")[
        ["weighted", "obstacles"]].sum()
    mean = severe["weighted"] / severe["obstacles"]
    # The most severe on average; a tie goes to the code that comes first in the schema.
    worst = max((code for code in schema.OBSTACLE_CATEGORY.codes if code in mean), key=lambda code: mean[code])
    return translate(lang, "finding.obstacles", category=schema.OBSTACLE_CATEGORY.label(top[0], lang).lower(),
                     count=format_number(top[1], lang), total=format_number(total, lang),
                     severe=schema.OBSTACLE_CATEGORY.label(worst, lang).lower(),
                     severity=format_number(float(mean[worst]), lang, 1))


def benefits(breakdown: pd.DataFrame, lang: str) -> str:
    pairs = breakdown[breakdown["dimension"] == "category_beneficiary"]
    if pairs.empty:
        return translate(lang, "finding.no_benefits")
    top = _top(pairs, "category", "indicators", schema.BENEFIT_CATEGORY)
    beneficiary = _top(pairs, "beneficiary", "indicators", schema.BENEFICIARY)
    assert top is not None and beneficiary is not None
    return translate(lang, "finding.benefits", count=format_number(int(pairs["indicators"].sum()), lang),
                     category=schema.BENEFIT_CATEGORY.label(top[0], lang).lower(),
                     beneficiary=schema.BENEFICIARY.label(beneficiary[0], lang))
