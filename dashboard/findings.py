"""One finding per theme of the study, for the same period as the headline cards beside it.

Every finding speaks of the latest selected year — the year the cards show —
and names it; its numbers are catalogue metrics (dashboard.metrics) of that
year under the reader's filters. A finding never restates a filter as a
result: with one field chosen, it does not say most applicants came from it.
The Overview and the offline report take their findings from
``overview_findings``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard import params
from dashboard.context import PageContext, shared
from dashboard.metrics import METRICS, latest_year, summary_value
from etl import schema
from translations import format_number, joined_with_and, sentences, translate

THEMES = ("selection", "activities", "obstacles", "benefits")


@dataclass(frozen=True)
class Finding:
    theme: str
    text: str
    year: int | None
    metrics: tuple[str, ...]  # the catalogue metrics its numbers are


@dataclass(frozen=True)
class Top:
    """The categories with the largest total (several when tied, in the schema's order) and that total."""

    codes: tuple[str, ...]
    count: int
    vocabulary: schema.Vocabulary

    def names(self, lang: str) -> str:
        """"“Budget”", or every one tied for the lead: "“Budget” and “Visa and travel”" (none picked silently)."""
        return _quoted_names(self.codes, self.vocabulary, lang)

    def plain_names(self, lang: str) -> str:
        return joined_with_and([self.vocabulary.label(code, lang) for code in self.codes], lang)

    def count_text(self, lang: str) -> str:
        """"3", or "3 each" where several share it."""
        count = format_number(self.count, lang)
        return count if len(self.codes) == 1 else translate(lang, "finding.each", count=count)


def _quoted_names(codes: Sequence[str], vocabulary: schema.Vocabulary, lang: str) -> str:
    return joined_with_and([translate(lang, "finding.quoted", name=vocabulary.label(code, lang)) for code in codes],
                           lang)


def _top(frame: pd.DataFrame, category: str, value: str, vocabulary: schema.Vocabulary) -> Top | None:
    """The categories with the largest total: a finding names them all, as a chart shows them all."""
    totals = frame.groupby(category)[value].sum()
    ranked = {code: int(totals[code]) for code in vocabulary.codes if code in totals and totals[code] > 0}
    if not ranked:
        return None
    best = max(ranked.values())
    return Top(tuple(code for code, total in ranked.items() if total == best), best, vocabulary)


def _row(summary: pd.DataFrame, year: int) -> pd.Series:
    return summary[summary["year"] == year].iloc[0]


def selection(ctx: PageContext, summary: pd.DataFrame, breakdown: pd.DataFrame, year: int | None) -> Finding:
    lang = ctx.lang
    metrics = ("applicants", "delegates", "reserves", "selection_rate")
    if year is None or not _row(summary, year)["applicants"]:
        return Finding("selection", translate(lang, "finding.no_applicants"), year, ())
    row = _row(summary, year)
    applicants = translate(lang, "finding.applicants", quantity=row["applicants"],
                           count=format_number(row["applicants"], lang))
    # The verb agrees with the delegates: "1 of 11 applicants was selected as a delegate".
    text = translate(lang, "finding.selection", quantity=row["selected"], year=year,
                     delegates=format_number(row["selected"], lang), applicants=applicants,
                     rate=METRICS["selection_rate"].format(summary_value("selection_rate", row), lang),
                     reserves=_reserves(int(row["reserves"]), lang))
    if partner_selection_unrecorded(ctx, summary, breakdown, [year]):
        text = sentences(text, partner_selection_note(ctx, str(year)), lang=lang)
    if len(ctx.filters.fields) > 1:  # with one field chosen, "most came from it" would restate the filter
        fields = breakdown[(breakdown["dimension"] == "field") & (breakdown["year"] == year)]
        top = _top(fields, "category", "applicants", schema.FIELD)
        if top is not None:
            text = sentences(text, translate(lang, "finding.selection_field", year=year, field=top.names(lang),
                                             count=top.count_text(lang)), lang=lang)
            metrics += ("applicants",)
    return Finding("selection", text, year, metrics)


def _reserves(reserves: int, lang: str) -> str:
    """The reserves named beside the delegates, none said as none ("0 more were named reserves")."""
    if not reserves:
        return translate(lang, "finding.no_reserves")
    return translate(lang, "finding.reserves", reserves, count=format_number(reserves, lang))


def partner_selection_unrecorded(ctx: PageContext, summary: pd.DataFrame, breakdown: pd.DataFrame,
                                 years: list[int]) -> list[int]:
    """The years of ``years`` whose selection figures count the partner city's participants (the direction
    filter "partner city to Jakarta") and none of them is marked not selected: every one a delegate or a
    reserve. A policymaker would brief their 100 % as the partner city's selection rate, which rows holding
    only whom it sent cannot say (``summary``: yearly_summary; ``breakdown``: participation_breakdown)."""
    if ctx.filters.direction != "inbound":
        return []
    applied = summary.set_index("year")["applicants"]
    marked = breakdown[(breakdown["dimension"] == "status") & (breakdown["category"] == "not_selected")]
    not_selected = marked.groupby("year")["applicants"].sum()
    return [year for year in years if applied.get(year, 0) and not not_selected.get(year, 0)]


def partner_selection_note(ctx: PageContext, years: str) -> str:
    """The sentence saying the selection figures of ``years`` (as written) show who was recorded."""
    return translate(ctx.lang, "finding.selection_partner_recorded", year=years, partner=ctx.partner_name(),
                     status=schema.STATUS.label("not_selected", ctx.lang))


def activities(ctx: PageContext, summary: pd.DataFrame, breakdown: pd.DataFrame, year: int | None) -> Finding:
    lang = ctx.lang
    if year is None or not _row(summary, year)["activities"]:
        return Finding("activities", translate(lang, "finding.no_activities"), year, ())
    row = _row(summary, year)
    types = breakdown[(breakdown["dimension"] == "type") & (breakdown["year"] == year)]
    top = _top(types, "category", "activities", schema.ACTIVITY_TYPE)
    text = translate(lang, "finding.activities", quantity=row["activities"], year=year,
                     count=format_number(row["activities"], lang),
                     type=top.names(lang) if top else "–", type_count=top.count_text(lang) if top else "0",
                     jakarta=format_number(row["participants_jakarta"], lang),
                     partner_count=format_number(row["participants_partner"], lang), partner=ctx.partner_name())
    return Finding("activities", text, year, ("activities", "attendances_jakarta", "attendances_partner"))


def obstacles(ctx: PageContext, breakdown: pd.DataFrame, year: int | None) -> Finding:
    lang = ctx.lang
    of_year = breakdown[breakdown["year"] == year] if year is not None else breakdown.iloc[0:0]
    if of_year.empty:
        key = "finding.no_obstacles_year" if year is not None else "finding.no_obstacles"
        return Finding("obstacles", translate(lang, key, year=year), year, ())
    top = _top(of_year, "category", "obstacles", schema.OBSTACLE_CATEGORY)
    assert top is not None
    total = int(of_year["obstacles"].sum())
    severe = of_year.assign(weighted=of_year["severity"] * of_year["obstacles"]).groupby("category")[
        ["weighted", "obstacles"]].sum()
    # The most severe on average: every category of that mean (equal sums over equal counts divide alike).
    mean = severe["weighted"] / severe["obstacles"]
    highest = float(mean.max())
    worst = [code for code in schema.OBSTACLE_CATEGORY.codes if code in mean and mean[code] == highest]
    text = translate(lang, "finding.obstacles", quantity=total, year=year, total=format_number(total, lang),
                     category=top.names(lang), count=top.count_text(lang),
                     severe=_quoted_names(worst, schema.OBSTACLE_CATEGORY, lang),
                     severity=METRICS["mean_severity"].format(highest, lang))
    if params.FIELD in params.not_applied("obstacles", ctx.filters.fields, ctx.filters.direction):
        # Beside a year's one tourism activity, "7 obstacles" read as tourism's: the finding is what is quoted.
        text = sentences(text, translate(lang, "chart.obstacles_every_field"), lang=lang)
    return Finding("obstacles", text, year, ("obstacles", "mean_severity"))


def benefits(ctx: PageContext, breakdown: pd.DataFrame, year: int | None) -> Finding:
    lang = ctx.lang
    pairs = breakdown[(breakdown["dimension"] == "category_beneficiary") & (breakdown["year"] == year)]
    if year is None or pairs.empty:
        key = "finding.no_benefits_year" if year is not None else "finding.no_benefits"
        return Finding("benefits", translate(lang, key, year=year), year, ())
    top = _top(pairs, "category", "indicators", schema.BENEFIT_CATEGORY)
    beneficiary = _top(pairs, "beneficiary", "indicators", schema.BENEFICIARY)
    assert top is not None and beneficiary is not None
    indicators = int(pairs["indicators"].sum())
    text = translate(lang, "finding.benefits", quantity=indicators, year=year, count=format_number(indicators, lang),
                     category=top.names(lang), category_count=top.count_text(lang),
                     beneficiary=beneficiary.plain_names(lang))
    return Finding("benefits", text, year, ("benefit_indicators",))


@shared
def overview_findings(ctx: PageContext) -> dict[str, Finding]:
    """theme -> its finding, all for the year of the headline cards (shared: 25 ms of every run before)."""
    summary = ctx.fetch("yearly_summary")
    year = latest_year(summary, ctx.filters.years)
    return {
        "selection": selection(ctx, summary, ctx.fetch("participation_breakdown"), year),
        "activities": activities(ctx, summary, ctx.fetch("activities_breakdown"), year),
        "obstacles": obstacles(ctx, ctx.fetch("obstacles_breakdown"), year),
        "benefits": benefits(ctx, ctx.fetch("benefits_breakdown"), year),
    }
