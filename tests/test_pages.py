"""Every dashboard page, run with AppTest, against figures computed here with independent SQL.

The expected numbers come from this file's own SQL on a copy of the warehouse (never from
dashboard.queries), so a wrong filter, join or grouping in the app shows up as a difference
between what a reader sees and what the data say. Pages are checked at the default filters and at
narrowed ones (one year, one field, one direction), in Indonesian, English and Chinese.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import math
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from dashboard import charts, components, db, figures, queries, report
from dashboard.context import PageContext
from dashboard.downloads import history_rows
from dashboard.filters import Available, Filters, filter_line
from dashboard.literal import markdown_text
from dashboard.metrics import CARD_METRICS, CATALOGUE, METRICS, THEME_NAMES
from etl import schema
from etl.load import load_files
from etl.warehouse import SAMPLE_DIR, Warehouse
from tests.apptest import (
    CHART_PAGES,
    HALF_WIDTH_PUNCTUATION,
    PAGES,
    SharedApp,
    chart_tables,
    drawn_charts,
    expected_connection,
    loose_tables,
    open_app,
    open_tables,
    plural,
    said_most,
    toml_catalogue,
    visible_texts,
)
from tests.paths import REPO_ROOT
from tests.workbooks import another_partners_year, edited_sample, set_cells
from translations import colon_of, format_date_part, format_day, joined_with_and, month_name

SAMPLE_YEARS = (2017, 2018, 2019)
PARTNER = schema.DEFAULT_PARTNER_CITY
ALL_FIELDS = schema.FIELD.codes
MINUS = "-"  # an ASCII minus: st.metric picks the down arrow by a leading "-"


# -- the filters of a view, as a reader sets them in the URL --------------------------------------

@dataclass(frozen=True)
class View:
    """What a reader chose: the expected figures and the URL of the same view."""

    name: str
    lang: str
    years: tuple[int, ...] = SAMPLE_YEARS
    fields: tuple[str, ...] = ALL_FIELDS
    direction: str = "both"

    def params(self) -> dict[str, str | list[str]]:
        """The query parameters of this view (labels in the URL's language, defaults left out)."""
        params: dict[str, str | list[str]] = {}
        if self.lang != "id":
            params["lang"] = self.lang
        if self.years != SAMPLE_YEARS:
            params["year"] = [str(year) for year in self.years] or ""
        if self.fields != ALL_FIELDS:
            params["field"] = [schema.FIELD.label(code, self.lang) for code in self.fields] or ""
        if self.direction != "both":
            params["direction"] = schema.DIRECTION.label(self.direction, self.lang)
        return params

    def __str__(self) -> str:
        return self.name


DEFAULT_ID = View("default-id", "id")
DEFAULT_EN = View("default-en", "en")
DEFAULT_ZH = View("default-zh", "zh")
NARROW_EN = View("2018-arts-outbound-en", "en", years=(2018,), fields=("arts_culture",), direction="outbound")
NARROW_ID = View("2018-arts-outbound-id", "id", years=(2018,), fields=("arts_culture",), direction="outbound")
NARROW_ZH = View("2018-arts-outbound-zh", "zh", years=(2018,), fields=("arts_culture",), direction="outbound")
# 2017 has no year before it (no change shown), and inbound makes the partner's delegates the applicants.
INBOUND_ZH = View("2017-inbound-zh", "zh", years=(2017,), direction="inbound")
# Two years and two fields: sums over a selection that is neither everything nor a single value.
TWO_YEARS_ID = View("2017-2019-two-fields-id", "id", years=(2017, 2019), fields=("youth_sports", "tourism"))
FIGURE_VIEWS = (DEFAULT_ID, NARROW_EN, INBOUND_ZH, TWO_YEARS_ID)
# Ties for the lead: 2018's benefit categories (three of 3), 2017's obstacles (five of 1, two most severe).
TIED_VIEWS = (View("2018-en", "en", years=(2018,)), View("2017-zh", "zh", years=(2017,)),
              View("2017-id", "id", years=(2017,)))
# One delegate of 2019's eleven environment applicants (and of 2018's 32 in NARROW_EN): the verb agrees
# with the one ("1 of 11 applicants was selected as a delegate", where "… were selected as delegates" was
# written).
ONE_DELEGATE_VIEWS = tuple(View(f"2019-environment-{lang}", lang, fields=("environment",)) for lang in ("en", "id"))


# -- numbers as the reader's language writes them -------------------------------------------------

def number(value: float, lang: str, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' in Indonesian, '1,234.5' in English and Chinese."""
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans({",": ".", ".": ","})) if lang == "id" else text


def percent(fraction: float, lang: str) -> str:
    return number(fraction * 100, lang, 1) + "%"


# British English writes "Sept".
MONTHS = {"id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
          "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"]}


def written_day(day: Any, lang: str) -> str:
    """A date as the reader's language writes it: 6 Agu 2019, 6 Aug 2019, 2019年8月6日."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"



def signed(change: float, lang: str, decimals: int) -> str:
    """A headline change as shown: "+", MINUS, or "±" when it is zero at the precision shown."""
    size = number(abs(change), lang, decimals)
    if size.strip("0.,") == "":
        return f"±{size}"
    return f"{'+' if change > 0 else MINUS}{size}"


def label(vocabulary: schema.Vocabulary, code: str, lang: str) -> str:
    return vocabulary.label(code, lang)


def metric_name(key: str, lang: str) -> str:
    """A metric's name as the catalogue gives it (the numbers always come from this file's SQL)."""
    return METRICS[key].label(lang, label(schema.PARTNER_CITY, PARTNER, lang))


def years_text(years: Iterable[object], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(str(year) for year in years)


def sample_notice(years: tuple[int, ...], lang: str) -> str:
    t = toml_catalogue(lang)
    space = "" if lang == "zh" else " "  # after "。" Chinese leaves no space
    return space.join([t["notice.sample"].format(years=years_text(years, lang)), t["notice.sample_upload"],
                       *([t["notice.sample_2017"]] if 2017 in years else [])])


def top(counts: dict[str, float], vocabulary: schema.Vocabulary) -> list[str]:
    """The largest categories: every one tied for the lead, in the schema's order."""
    positive = {code: n for code, n in counts.items() if n > 0}
    best = max(positive.values(), default=None)
    return [code for code in vocabulary.codes if best is not None and positive.get(code) == best]


def named(t: dict[str, str], codes: list[str], vocabulary: schema.Vocabulary, lang: str, quoted: bool = True) -> str:
    """Every category tied for the lead, quoted as the catalogue quotes one."""
    return joined_with_and([t["finding.quoted"].format(name=label(vocabulary, code, lang)) if quoted
                            else label(vocabulary, code, lang) for code in codes], lang)


def each(t: dict[str, str], codes: list[str], count: float, lang: str) -> str:
    return number(count, lang) if len(codes) == 1 else t["finding.each"].format(count=number(count, lang))


# -- independent SQL -------------------------------------------------------------------------------

class Expected:
    """The figures of a view, from this test's own SQL."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, view: View):
        self.db = connection
        self.view = view
        self.t = toml_catalogue(view.lang)

    def _in(self, values: Iterable[object]) -> str:
        quoted = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values)
        return f"({quoted})" if quoted else "(NULL)"

    def where(self, table: str, years: Iterable[int] | None = None) -> str:
        """The WHERE clause of the view for one table (direction only concerns participants,
        fields do not concern obstacles, and all fields keep benefits that have no field)."""
        view = self.view
        clauses = [f"partner_city = '{PARTNER}'",
                   f"year IN {self._in(view.years if years is None else years)}"]
        if table != "obstacles" and view.fields != ALL_FIELDS:
            clauses.append(f"field IN {self._in(view.fields)}")
        if table == "participants" and view.direction != "both":
            clauses.append(f"direction = '{view.direction}'")
        return " AND ".join(clauses)

    @property
    def applicant(self) -> str:
        """Applicants are Jakarta's (outbound), or the partner city's when the reader chose inbound."""
        return "direction = 'inbound'" if self.view.direction == "inbound" else "direction = 'outbound'"

    def scalar(self, sql: str) -> Any:
        return self.db.execute(sql).fetchone()[0]

    def grouped(self, sql: str) -> dict[tuple[Any, ...], Any]:
        """Rows of (key..., value) as {(key...): value}."""
        return {tuple(row[:-1]): row[-1] for row in self.db.execute(sql).fetchall()}

    def loaded_years(self) -> list[int]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT year FROM loads ORDER BY 1").fetchall()]

    # -- one year's headline figures --

    def year_figures(self, year: int) -> dict[str, float | None]:
        """The card metrics of one year (catalogue keys), plus 'delegates' and 'reserves'."""
        p = self.where("participants", [year])
        applicants = self.scalar(f"SELECT count(*) FROM participants WHERE {p} AND {self.applicant}")
        selected = self.scalar(
            f"SELECT count(*) FROM participants WHERE {p} AND {self.applicant} AND status = 'delegate'")
        a = self.where("activities", [year])
        return {
            "applicants": applicants,
            "delegates_outbound": self.scalar(f"SELECT count(*) FROM participants WHERE {p} "
                                              "AND direction = 'outbound' AND status = 'delegate'"),
            "delegates_inbound": self.scalar(f"SELECT count(*) FROM participants WHERE {p} "
                                             "AND direction = 'inbound' AND status = 'delegate'"),
            "selection_rate": selected / applicants if applicants else None,
            "activities": self.scalar(f"SELECT count(*) FROM activities WHERE {a}"),
            "attendances_jakarta": self.scalar(
                f"SELECT coalesce(sum(participants_jakarta), 0) FROM activities WHERE {a}"),
            "attendances_partner": self.scalar(
                f"SELECT coalesce(sum(participants_partner), 0) FROM activities WHERE {a}"),
            "benefit_indicators": self.scalar(f"SELECT count(*) FROM benefits WHERE {self.where('benefits', [year])}"),
            "obstacles": self.scalar(f"SELECT count(*) FROM obstacles WHERE {self.where('obstacles', [year])}"),
            "delegates": selected,
            "reserves": self.scalar(
                f"SELECT count(*) FROM participants WHERE {p} AND {self.applicant} AND status = 'reserve'"),
        }

    def card_keys(self) -> list[str]:
        """The metrics with a card, in order: one direction chosen, the other's delegates have none (their 0
        was read as "none came")."""
        other = {"outbound": "delegates_inbound", "inbound": "delegates_outbound"}.get(self.view.direction)
        return [metric.key for metric in CARD_METRICS if metric.key != other]

    def headline(self) -> tuple[str, dict[str, tuple[str, str | None]]]:
        """The heading and {metric label: (value, delta)} of the Overview."""
        lang, t = self.view.lang, self.t
        year = max(self.view.years)
        earlier = [y for y in self.loaded_years() if y < year]
        previous = max(earlier) if earlier else None
        now = self.year_figures(year)
        before = self.year_figures(previous) if previous is not None else None
        heading = t["metric.heading"].format(year=year)
        if previous is not None:
            heading += " · " + t["metric.compared"].format(previous=previous)
        metrics: dict[str, tuple[str, str | None]] = {}
        for key in self.card_keys():
            value = now[key]
            old = before[key] if before is not None else None
            if value is None:
                metrics[metric_name(key, lang)] = ("–", None)
            elif key == "selection_rate":
                delta = None
                if old is not None:
                    delta = f"{signed((value - old) * 100, lang, 1)} {t['metric.pp']}"
                metrics[metric_name(key, lang)] = (percent(value, lang), delta)
            else:
                delta = None if old is None else signed(value - old, lang, 0)
                metrics[metric_name(key, lang)] = (number(value, lang), delta)
        return heading, metrics

    # -- the four finding sentences --

    def plural(self, key: str, count: int) -> str:
        """The message ``key`` for ``count`` things: English's singular for one, else the other form."""
        form = "one" if count == 1 and self.view.lang == "en" else "other"
        return self.t.get(f"{key}.{form}", self.t.get(key, ""))

    def reserves(self, count: int) -> str:
        """The finding's clause on reserves: none said as none, one in English's singular."""
        if not count:
            return self.t["finding.no_reserves"]
        return self.plural("finding.reserves", count).format(
            count=number(count, self.view.lang))

    def findings(self) -> dict[str, set[str]]:
        """Each theme's sentence for the latest selected year, the cards' year (a set of one)."""
        lang, t, view = self.view.lang, self.t, self.view
        year = max(view.years)
        now = self.year_figures(year)
        out: dict[str, set[str]] = {}

        if not now["applicants"]:
            out["selection"] = {t["finding.no_applicants"]}
        else:
            applicants = self.plural("finding.applicants", now["applicants"]).format(
                count=number(now["applicants"], lang))
            sentence = self.plural("finding.selection", now["delegates"]).format(
                year=year, delegates=number(now["delegates"], lang), applicants=applicants,
                rate=percent(now["delegates"] / now["applicants"], lang), reserves=self.reserves(now["reserves"]))
            unselected = self.db.execute(f"SELECT count(*) FROM participants WHERE "
                                         f"{self.where('participants', [year])} AND {self.applicant} "
                                         f"AND status = 'not_selected'").fetchone()[0]
            if view.direction == "inbound" and not unselected:  # the partner city's selection is not on record
                sentence += ("" if lang == "zh" else " ") + t["finding.selection_partner_recorded"].format(
                    year=year, partner=label(schema.PARTNER_CITY, PARTNER, lang),
                    status=label(schema.STATUS, "not_selected", lang))
            if len(view.fields) > 1:  # one field chosen: the finding does not restate it
                fields = self.grouped(f"SELECT field, count(*) FROM participants WHERE "
                                      f"{self.where('participants', [year])} AND {self.applicant} GROUP BY ALL")
                leading = top({k[0]: v for k, v in fields.items()}, schema.FIELD)
                sentence += ("" if lang == "zh" else " ") + t["finding.selection_field"].format(
                    year=year, field=named(t, leading, schema.FIELD, lang),
                    count=each(t, leading, fields[(leading[0],)], lang))
            out["selection"] = {sentence}

        if not now["activities"]:
            out["activities"] = {t["finding.no_activities"]}
        else:
            types = self.grouped(f"SELECT type, count(*) FROM activities WHERE "
                                 f"{self.where('activities', [year])} GROUP BY ALL")
            kinds = top({k[0]: v for k, v in types.items()}, schema.ACTIVITY_TYPE)
            out["activities"] = {plural(t, "finding.activities", now["activities"], lang).format(
                year=year, count=number(now["activities"], lang), type=named(t, kinds, schema.ACTIVITY_TYPE, lang),
                type_count=each(t, kinds, types[(kinds[0],)], lang), jakarta=number(now["attendances_jakarta"], lang),
                partner_count=number(now["attendances_partner"], lang),
                partner=label(schema.PARTNER_CITY, PARTNER, lang))}

        obstacles = self.db.execute(f"SELECT category, count(*), avg(severity) FROM obstacles "
                                    f"WHERE {self.where('obstacles', [year])} GROUP BY ALL").fetchall()
        if not obstacles:
            out["obstacles"] = {t["finding.no_obstacles_year"].format(year=year)}
        else:
            counts = {c: n for c, n, _ in obstacles}
            frequent = top(counts, schema.OBSTACLE_CATEGORY)
            worst = max(mean for _, _, mean in obstacles)
            severest = [code for code in schema.OBSTACLE_CATEGORY.codes
                        if any(c == code and math.isclose(mean, worst) for c, _, mean in obstacles)]
            total = sum(counts.values())
            out["obstacles"] = {plural(t, "finding.obstacles", total, lang).format(
                year=year, total=number(total, lang), category=named(t, frequent, schema.OBSTACLE_CATEGORY, lang),
                count=each(t, frequent, counts[frequent[0]], lang),
                severe=named(t, severest, schema.OBSTACLE_CATEGORY, lang), severity=number(worst, lang, 1))
                + ("" if schema.FIELD.covers(view.fields) else
                   ("" if lang == "zh" else " ") + t["chart.obstacles_every_field"])}

        where = self.where("benefits", [year])
        total = self.scalar(f"SELECT count(*) FROM benefits WHERE {where}")
        if not total:
            out["benefits"] = {t["finding.no_benefits_year"].format(year=year)}
        else:
            categories = self.grouped(f"SELECT category, count(*) FROM benefits WHERE {where} GROUP BY ALL")
            beneficiaries = self.grouped(f"SELECT beneficiary, count(*) FROM benefits WHERE {where} GROUP BY ALL")
            leading = top({k[0]: v for k, v in categories.items()}, schema.BENEFIT_CATEGORY)
            benefiting = top({k[0]: v for k, v in beneficiaries.items()}, schema.BENEFICIARY)
            out["benefits"] = {plural(t, "finding.benefits", total, lang).format(
                year=year, count=number(total, lang), category=named(t, leading, schema.BENEFIT_CATEGORY, lang),
                category_count=each(t, leading, categories[(leading[0],)], lang),
                beneficiary=named(t, benefiting, schema.BENEFICIARY, lang, quoted=False))}
        return out

    # -- chart data --

    def per_year(self, table: str, column: str, vocabulary: schema.Vocabulary, value: str = "count(*)",
                 extra: str = "TRUE") -> dict[tuple[str, str], float]:
        """{(category label, year): value} of a stacked-by-year chart."""
        rows = self.grouped(f"SELECT {column}, year, {value} FROM {table} "
                            f"WHERE {self.where(table)} AND {extra} GROUP BY ALL")
        return {(label(vocabulary, code, self.view.lang), str(year)): n for (code, year), n in rows.items()}

    def selection(self) -> dict[str, dict[str, float]]:
        """Applicants and delegates per selected year, by the chart's panel names; the rate (in %) under
        the rate's name (the chart writes it on each delegates bar: see selection_rates)."""
        lang = self.view.lang
        rows = self.db.execute(
            f"SELECT year, count(*), count(*) FILTER (status = 'delegate') FROM participants "
            f"WHERE {self.where('participants')} AND {self.applicant} GROUP BY year").fetchall()
        found = {year: (a, s) for year, a, s in rows}
        applicants_, delegates_ = metric_name("applicants", lang), metric_name("delegates", lang)
        rate_ = metric_name("selection_rate", lang)
        series: dict[str, dict[str, float]] = {applicants_: {}, delegates_: {}, rate_: {}}
        for year in self.view.years:
            applicants, selected = found.get(year, (0, 0))
            series[applicants_][str(year)] = applicants
            series[delegates_][str(year)] = selected
            series[rate_][str(year)] = selected / applicants * 100 if applicants else math.nan
        return series

    def funnel(self) -> dict[tuple[str, str], int]:
        """{(year, stage label): applicants who reached at least that stage}, then the delegates: the
        stage 'selected' is named as including reserves, and the last bar equals the delegates."""
        stages, lang = schema.STAGE.codes, self.view.lang
        rows = self.grouped(f"SELECT year, stage_reached, count(*) FROM participants "
                            f"WHERE {self.where('participants')} AND {self.applicant} GROUP BY ALL")
        delegates = self.grouped(f"SELECT year, count(*) FILTER (status = 'delegate') FROM participants "
                                 f"WHERE {self.where('participants')} AND {self.applicant} GROUP BY ALL")
        out: dict[tuple[str, str], int] = {}
        for year in sorted({year for year, _ in rows}):
            for position, stage in enumerate(stages):
                reached = sum(n for (y, s), n in rows.items() if y == year and stages.index(s) >= position)
                shown = label(schema.STAGE, stage, lang)
                if stage == "selected":
                    shown = self.t["chart.stage_selected_with_reserves"].format(stage=shown)
                out[(str(year), shown)] = reached
            out[(str(year), metric_name("delegates", lang))] = delegates[(year,)]
        return out

    def heatmap(self) -> dict[tuple[str, str], int]:
        rows = self.grouped(f"SELECT category, severity, count(*) FROM obstacles "
                            f"WHERE {self.where('obstacles')} GROUP BY ALL")
        return {(label(schema.OBSTACLE_CATEGORY, c, self.view.lang), str(s)): n for (c, s), n in rows.items()}

    def benefit_pairs(self) -> dict[tuple[str, str], int]:
        """{(beneficiary label, category label): indicators} summed over the selected years."""
        rows = self.grouped(f"SELECT beneficiary, category, count(*) FROM benefits "
                            f"WHERE {self.where('benefits')} GROUP BY ALL")
        lang = self.view.lang
        return {(label(schema.BENEFICIARY, b, lang), label(schema.BENEFIT_CATEGORY, c, lang)): n
                for (b, c), n in rows.items()}

    def count(self, table: str, extra: str = "TRUE") -> int:
        return self.scalar(f"SELECT count(*) FROM {table} WHERE {self.where(table)} AND {extra}")


# -- what the page shows ----------------------------------------------------------------------------

def bars(figure: dict[str, Any]) -> dict[tuple[str, str], float]:
    """{(series name, category): value} of the bar traces (category on x, or on y when horizontal)."""
    out: dict[tuple[str, str], float] = {}
    for trace in figure["data"]:
        if trace.get("type") != "bar":
            continue
        horizontal = trace.get("orientation") == "h"
        categories, values = (trace["y"], trace["x"]) if horizontal else (trace["x"], trace["y"])
        for category, value in zip(categories, values, strict=True):
            out[(trace["name"], str(category))] = value
    return out


def series(figure: dict[str, Any]) -> dict[str, dict[str, float]]:
    """{series name: {x: y}} of every trace of a chart (bars and lines by year)."""
    return {trace["name"]: {str(x): (math.nan if y is None else y)
                            for x, y in zip(trace["x"], trace["y"], strict=True)}
            for trace in figure["data"]}


def cells(figure: dict[str, Any]) -> dict[tuple[str, str], int]:
    """{(row label, column label): count} of the non-empty cells of a heatmap."""
    (trace,) = figure["data"]
    assert trace["type"] == "heatmap"
    return {(row, str(column)): value for row, values in zip(trace["y"], trace["z"], strict=True)
            for column, value in zip(trace["x"], values, strict=True) if value}


def funnel_steps(figure: dict[str, Any]) -> dict[tuple[str, str], int]:
    return {(trace["name"], stage): value for trace in figure["data"] if trace["type"] == "bar"
            for stage, value in zip(trace["y"], trace["x"], strict=True)}


def same_series(shown: dict[str, dict[str, float]], expected: dict[str, dict[str, float]]) -> bool:
    if shown.keys() != expected.keys():
        return False
    for name, values in expected.items():
        if shown[name].keys() != values.keys():
            return False
        for x, value in values.items():
            if not (math.isnan(value) and math.isnan(shown[name][x])) and not math.isclose(shown[name][x], value):
                return False
    return True


def assert_selection(figure: dict[str, Any], expected: dict[str, dict[str, float]], lang: str) -> None:
    """Applicants and delegates each in their own panel; each delegates bar says its selection rate."""
    rate = expected.pop(metric_name("selection_rate", lang))
    assert same_series(series(figure), expected)
    delegates = next(trace for trace in figure["data"] if trace["name"] == metric_name("delegates", lang))
    shown = dict(zip(delegates["x"], delegates["customdata"], strict=True))
    assert shown == {year: ("–" if math.isnan(value) else number(value, lang, 1) + "%") for year, value in rate.items()}
    # Written above each bar: its count, and its rate under it (on one line Plotly shrank it to fit the bar).
    counts = dict(zip(delegates["x"], delegates["y"], strict=True))
    assert dict(zip(delegates["x"], delegates["text"], strict=True)) == {
        year: f"{number(counts[year], lang)}<br>{shown[year]}" for year in counts}


def assert_selection_said(at: AppTest, expected: dict[str, dict[str, float]], lang: str) -> None:
    """The selection chart's sentence gives each panel's numbers per year: the applicants, the delegates and
    the rate written on each delegates bar (it said the applicants alone, the first panel)."""
    assert_said_per_year(at, [(key, expected[metric_name(key, lang)])
                              for key in ("applicants", "delegates", "selection_rate")], lang)


PERCENTS = {"selection_rate", "returning_share"}


def assert_said_per_year(at: AppTest, said: list[tuple[str, dict[str, float]]], lang: str) -> None:
    """A caption opens with a sentence per metric giving its value each year ({year: value}, a rate in %), in
    the order given, a year without a value left out; over many years, said_series's ends and extremes."""
    t = toml_catalogue(lang)
    parts = []
    for key, values in said:
        decimals, unit = (1, "%") if key in PERCENTS else (0, "")
        items = said_series({year: value for year, value in values.items() if not math.isnan(value)}, lang,
                            lambda value, decimals=decimals, unit=unit: number(value, lang, decimals) + unit)
        parts.append(t["chart.summary_more" if parts else "chart.summary"].format(metric=metric_name(key, lang),
                                                                                 items=items))
    said = ("" if lang == "zh" else " ").join(parts)
    assert any(caption.value.startswith(said) for caption in at.caption), (said, [c.value for c in at.caption])


def span_of(years: list[str], lang: str) -> str:
    """Years as a heading writes them: a run by its ends (2017–2026), others listed (2017, 2019)."""
    run = len(years) > 1 and [int(year) for year in years] == list(range(int(years[0]), int(years[-1]) + 1))
    return f"{years[0]}–{years[-1]}" if run else years_text(years, lang)


def said_series(values: dict[str, float], lang: str, write: Callable[[float], str]) -> str:
    """Values per year ({"2017": 96}) as a chart's sentence gives them: each year's, "96 (2017), 118 (2018)";
    over more than five years (ten made the selection's sentence thirty numbers), the first and the latest
    year's, the highest and the lowest, one reached in several years by the latest of them and how many
    before, or the one value of every year."""
    t = toml_catalogue(lang)
    noted = "{}（{}）" if lang == "zh" else "{} ({})"
    years = sorted(values, key=int)
    if len(years) <= charts.LISTED_YEARS:
        return years_text([noted.format(write(values[year]), year) for year in years], lang)

    def at(value: float) -> str:
        tied = [year for year in years if values[year] == value]
        if len(tied) == 1:
            return noted.format(write(value), tied[0])
        form = "one" if len(tied) == 2 and lang == "en" else "other"
        return noted.format(write(value), t[f"chart.series_tied.{form}"].format(year=tied[-1], others=len(tied) - 1))

    highest, lowest = max(values.values()), min(values.values())
    if highest == lowest:
        return t["chart.series_same"].format(value=write(highest), years=span_of(years, lang))
    return t["chart.series_ends"].format(first=noted.format(write(values[years[0]]), years[0]),
                                         last=noted.format(write(values[years[-1]]), years[-1]),
                                         highest=at(highest), lowest=at(lowest))


def assert_funnel_said(at: AppTest, funnel: dict[tuple[str, str], int], lang: str) -> None:
    """The funnel's sentence gives each year's two ends, the registered and the delegates ("2019: 131
    registered → 5 delegates"); over many years, a sentence for each end, named as its bars are, with its
    series (said_series)."""
    t = toml_catalogue(lang)
    per_year: dict[str, list[int]] = {}
    for (year, _), reached in funnel.items():  # the stages in the funnel's order, the delegates last
        per_year.setdefault(year, []).append(reached)
    if len(per_year) <= charts.LISTED_YEARS:
        def item(delegates: int) -> str:  # English says one delegate in the singular
            return t.get(f"chart.funnel_item.{'one' if delegates == 1 and lang == 'en' else 'other'}",
                         t.get("chart.funnel_item", ""))

        items = years_text([item(steps[-1]).format(year=year, registered=number(steps[0], lang),
                                                          delegates=number(steps[-1], lang))
                            for year, steps in sorted(per_year.items())], lang)
        said = t["chart.summary"].format(metric=metric_name("reached_stage", lang), items=items)
    else:  # each end named as its bars are
        said = ("" if lang == "zh" else " ").join(
            t[key].format(metric=name, items=said_series({year: steps[index] for year, steps in per_year.items()},
                                                         lang, lambda value: number(value, lang)))
            for key, name, index in (("chart.summary", label(schema.STAGE, "registered", lang), 0),
                                     ("chart.summary_more", metric_name("delegates", lang), -1)))
    assert any(caption.value.startswith(said) for caption in at.caption), (said, [c.value for c in at.caption])


def assert_stacked_said(at: AppTest, figure: dict[str, Any], drawn: dict[tuple[str, str], float],
                        vocabulary: schema.Vocabulary, metric: str, lang: str) -> None:
    """A chart of bars per year stacked by category (``drawn``: {(label, year): count}) opens its caption with
    each year's total (said_series) and the largest parts over the years together, the three largest and any
    equal to the third, equals in the schema's order: "Activities: 13 (2017); the most: Jakarta 9, Partner
    city 4". It said the totals alone, not where the activities took place. With one category, that one is
    named beside the metric, by its legend's title, and nothing is ranked."""
    t = toml_catalogue(lang)
    noted = "{}（{}）" if lang == "zh" else "{} ({})"
    years = sorted({year for _, year in drawn})
    totals = {year: sum(n for (_, y), n in drawn.items() if y == year) for year in years}
    items = said_series(totals, lang, lambda value: number(value, lang))
    per_label: dict[str, float] = {}
    for (name, _), n in drawn.items():
        per_label[name] = per_label.get(name, 0) + n
    name = metric_name(metric, lang)
    if len(per_label) == 1:
        (only,) = per_label
        legend = html.unescape(figure["layout"]["legend"]["title"]["text"])
        said = t["chart.summary"].format(metric=noted.format(name, legend + colon_of(lang) + only), items=items)
    else:
        order = [label(vocabulary, code, lang) for code in vocabulary.codes]
        ranked = sorted(((n, order.index(name_)) for name_, n in per_label.items() if n > 0),
                        key=lambda pair: (-pair[0], pair[1]))
        parts = said_most([(order[i], n) for n, i in ranked], lang, lambda value: number(value, lang))
        if len(years) == 1:
            said = t["chart.summary_parts"].format(metric=name, items=items, parts=parts)
        else:
            said = t["chart.summary_parts_years"].format(metric=name, items=items, parts=parts,
                                                         years=span_of(years, lang))
    assert any(caption.value.startswith(said) for caption in at.caption), (said, [c.value for c in at.caption])


def markdowns(at: AppTest) -> list[str]:
    return [element.value for element in at.markdown]


@pytest.fixture(scope="module")
def expected_db(shared_app: SharedApp, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The test's own read-only connection, on a copy of the warehouse the shared pages read."""
    return expected_connection(shared_app.warehouse, tmp_path_factory.mktemp("expected"))


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# -- every page renders ----------------------------------------------------------------------------

@pytest.mark.parametrize("view", [DEFAULT_ID, DEFAULT_EN, DEFAULT_ZH, NARROW_ID, NARROW_EN, NARROW_ZH], ids=str)
def test_every_page_renders_with_its_charts_and_the_sample_notice(shared_app: SharedApp, view: View) -> None:
    """Each page opens without an error, in the reader's language, with its charts, and warns that
    the selected years are sample data."""
    t = toml_catalogue(view.lang)
    notice = sample_notice(view.years, view.lang)
    problems: list[str] = []
    for page in PAGES:
        at = shared_app.page(page, view.params())
        section = Path(page).stem
        if at.exception:
            problems.append(f"{page}: exception {[e.value for e in at.exception]}")
            continue
        if [title.value for title in at.title] != [t[f"{section}.title"].format(partner=label(schema.PARTNER_CITY,
                                                                                          PARTNER, view.lang))]:
            problems.append(f"{page}: title {[title.value for title in at.title]}")
        shown = len(at.get("plotly_chart"))
        if (page in CHART_PAGES) != (shown > 0):
            problems.append(f"{page}: {shown} charts")
        if notice not in [warning.value for warning in at.warning]:
            problems.append(f"{page}: no sample notice {notice!r} in {[w.value for w in at.warning]}")
        if [multiselect.label for multiselect in at.multiselect] != [t["filters.years"], t["filters.fields"]]:
            problems.append(f"{page}: sidebar labels {[m.label for m in at.multiselect]}")
    assert not problems, problems


def _timeline_titles(figure: dict) -> list[str]:
    return [text for trace in figure["data"] if trace.get("mode") == "text" for text in trace["text"]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_laptop_is_sent_the_timeline_with_its_titles_cut_for_its_width(shared_app: SharedApp, lang: str) -> None:
    """The timeline's titles are cut to one line of a phone's width; a laptop showed that figure too, with
    "Pertandingan persahabatan bulu tangkis pemuda Jaka…" over 600 px of empty rows. The page also sends the
    wide figure (key "wide-timeline"; the page's style shows it where the chart is at least margins.WIDE_WIDTH
    wide), whose titles are cut for that width: the sample's whole. No other chart is sent twice, and while
    presenting the timeline is sent as every chart is (the projector's and the page's)."""
    at = shared_app.page("views/activities.py", View(lang, lang).params())
    no_exception(at)
    phone = _timeline_titles(drawn_charts(at)["timeline"])
    wide = drawn_charts(at, components.WIDE_SCREEN_CHART_KEY)
    assert list(wide) == ["timeline"]
    titles = _timeline_titles(wide["timeline"])
    assert len(titles) == len(phone) == 46
    cut = [(short, whole) for short, whole in zip(phone, titles, strict=True) if short != whole]
    assert cut and all(short.endswith(figures.ELLIPSIS) and whole.startswith(short[:-1]) for short, whole in cut)
    assert not any(title.endswith(figures.ELLIPSIS) for title in titles), titles
    presenting = shared_app.page("views/activities.py", {**View(lang, lang).params(), "present": "1"})
    assert "timeline" in drawn_charts(presenting, components.SCREEN_CHART_KEY)
    assert not drawn_charts(presenting, components.WIDE_SCREEN_CHART_KEY)


@pytest.mark.parametrize("view", [DEFAULT_ID, DEFAULT_EN, DEFAULT_ZH, NARROW_EN, INBOUND_ZH], ids=str)
def test_every_chart_has_a_text_alternative(shared_app: SharedApp, view: View) -> None:
    """Each chart's caption opens with its numbers in words ("In numbers — …"), for a reader who cannot see
    the chart and for a projector audience, which cannot hover. Nine charts had none: the Benefits page's
    achieved values and trends, the attendances per type (a pandas 3 text column was not taken for a
    label) and the timeline."""
    opening = toml_catalogue(view.lang)["chart.summary"].split("{metric}")[0]
    for page in CHART_PAGES:
        at = shared_app.page(page, view.params())
        no_exception(at)
        described = [caption.value for caption in at.caption if caption.value.startswith(opening)]
        assert len(described) == len(drawn_charts(at)), (page, [c.value[:80] for c in at.caption])


# Each sample year alone with each field alone, and each year's inbound delegates: the smallest views a
# reader can choose, where a chart holds one bar, one activity or nothing.
SMALLEST_VIEWS = [View(f"{year}-{field}", "en", years=(year,), fields=(field,))
                  for year in SAMPLE_YEARS for field in schema.FIELD.codes] + \
                 [View(f"{year}-inbound", "zh", years=(year,), direction="inbound") for year in SAMPLE_YEARS]


@pytest.mark.parametrize("view", SMALLEST_VIEWS, ids=str)
def test_every_chart_page_opens_on_the_smallest_views(shared_app: SharedApp, view: View) -> None:
    """The Activities page failed on 9 of these 24 views, each a year with one activity in the field: the
    timeline asked Plotly for a gap to a next year's panel that did not exist. Every chart page opens
    without an error on each of them."""
    for page in CHART_PAGES:
        at = shared_app.fresh(page, view.params())
        assert not at.exception, (page, [e.value for e in at.exception])


DIRECTION_NOTES = {"views/overview.py": "filters.direction_not_overview",
                   "views/activities.py": "filters.direction_not_activities",
                   "views/benefits.py": "filters.direction_not_benefits", "views/participation.py": None}


@pytest.mark.parametrize("view", [DEFAULT_ZH, NARROW_EN, NARROW_ID, INBOUND_ZH], ids=str)
def test_a_page_the_direction_does_not_narrow_says_so_while_one_is_chosen(shared_app: SharedApp, view: View,
                                                                          warehouse: Warehouse) -> None:
    """Only participants travel in a direction. With "Jakarta to partner city" chosen, the Activities page
    counted the partner city's visits to Jakarta too (17 activities in 2019, as with both directions) and
    said so only in the filter's help. The Overview, Activities and Benefits pages say what the direction
    does not narrow while one is chosen, and only then; Participation, which it narrows whole, says nothing."""
    t = toml_catalogue(view.lang)
    direction = schema.DIRECTION.label(view.direction, view.lang) if view.direction != "both" else None
    every_note = {t[key].format(direction=schema.DIRECTION.label(code, view.lang))
                  for key in filter(None, DIRECTION_NOTES.values()) for code in schema.DIRECTION.codes}
    for page, key in DIRECTION_NOTES.items():
        at = shared_app.page(page, view.params())
        no_exception(at)
        notes = [box.value for box in at.info if box.value in every_note]
        expected = [t[key].format(direction=direction)] if direction and key else []
        assert notes == expected, (page, [box.value for box in at.info])
    ctx = PageContext(db.reader(), Filters(view.years, PARTNER, view.fields, view.direction, view.lang))
    printed = report.build_report(ctx, Available(years=SAMPLE_YEARS, partners=(PARTNER,)))
    for key in filter(None, DIRECTION_NOTES.values()):
        assert (html.escape(t[key].format(direction=direction)) in printed) == bool(direction), key
    # The cover's headline table, before any page, counts both sides' activities too.
    cover = printed.split("</header>")[0]
    assert (html.escape(t["filters.direction_not_overview"].format(direction=direction)) in cover) == bool(direction)


@pytest.mark.parametrize("view", [NARROW_EN, NARROW_ID, NARROW_ZH], ids=str)
def test_an_empty_chart_the_direction_does_not_narrow_does_not_ask_to_widen_it(shared_app: SharedApp,
                                                                              view: View) -> None:
    """2018, arts and culture, Jakarta to partner city: the Overview's benefits (none recorded in arts)
    said "Nothing matches the chosen filters. Widen the years, fields or direction in the sidebar." under
    the note that the direction does not narrow benefits. An empty chart of activities, benefits or
    obstacles says it in its own words, which name no direction; Participation's may."""
    t = toml_catalogue(view.lang)
    for page in ("views/overview.py", "views/activities.py", "views/benefits.py"):
        at = shared_app.page(page, view.params())
        no_exception(at)
        shown = [box.value for box in at.info]
        assert not [text for text in shown if text.startswith(t["empty.no_data"])], (page, shown)
    overview = shared_app.page("views/overview.py", view.params())
    assert t["empty.no_benefits"] in [box.value for box in overview.info]


INBOUND_TOURISM_EN = View("inbound-tourism-en", "en", direction="inbound", fields=("tourism",))


@pytest.mark.parametrize("view", [NARROW_EN, NARROW_ID, NARROW_ZH, INBOUND_TOURISM_EN], ids=str)
def test_the_printed_report_says_what_the_page_says_where_a_chart_is_empty(shared_app: SharedApp, view: View,
                                                                           warehouse: Warehouse) -> None:
    """2018, arts and culture, Jakarta to partner city: the Overview and Benefits pages say "No benefit
    indicators match the chosen filters." where the benefit charts would be; the printed report left those
    charts out without a word, and its appendix said "Nothing matches the chosen filters. Widen the years,
    fields or direction" under the benefit indicators' table, which the direction does not narrow. Each
    section of the report says, in order, the empty sentences its page shows, and the appendix the page's
    for each empty table."""
    t = toml_catalogue(view.lang)
    framed_only = ("empty.no_chart", "empty.chart_empty")  # said of a link's chart name, in a frame
    empty = {t[key].format(partner=schema.PARTNER_CITY.label(PARTNER, view.lang))
             for key in t if key.startswith("empty.") and key not in framed_only and not key.endswith("_hint")}
    hints = [t[key] for key in t if key.startswith("empty.") and key.endswith("_hint")]
    ctx = PageContext(db.reader(), Filters(view.years, PARTNER, view.fields, view.direction, view.lang))
    printed = report.build_report(ctx, Available(years=SAMPLE_YEARS, partners=(PARTNER,)))
    shown = t["filters.shown"].format(filters=filter_line(ctx.filters))
    said_anywhere = []
    for page in report.SECTIONS:
        at = shared_app.page(f"views/{page}.py", view.params())
        no_exception(at)
        # A page left empty also says its filters, which the report's cover says, and how to change them in
        # the sidebar, which paper has not.
        on_page = [said for box in infos(at) if (said := _without(box.removesuffix(shown).rstrip(), hints)) in empty]
        section = printed.split(f"<section data-page='{page}'>")[1].split("</section>")[0]
        in_report = [html.unescape(p) for p in re.findall(r"<p class='empty'>(.*?)</p>", section)]
        assert in_report == on_page, page
        said_anywhere += on_page
    assert said_anywhere, "the view leaves some chart empty"
    # The Overview's charts are printed in their own pages' sections (the cover is the Overview): what it
    # says of an empty one, they say.
    overview = shared_app.page("views/overview.py", view.params())
    assert [box for box in infos(overview) if box in empty and box not in said_anywhere] == []
    tables = printed.split("<section class='tables'>")[1].split("</section>")[0]
    in_appendix = [html.unescape(p) for p in re.findall(r"<p class='empty'>(.*?)</p>", tables)]
    benefits = shared_app.page("views/benefits.py", view.params())
    expected = [t[key] for key, query in (("empty.no_benefits", "benefits_breakdown"),
                                          ("empty.no_obstacles", "obstacles_breakdown")) if ctx.fetch(query).empty]
    assert in_appendix == expected and all(sentence in infos(benefits) for sentence in expected)


@pytest.mark.parametrize("view", [DEFAULT_ID, NARROW_EN, INBOUND_ZH, TWO_YEARS_ID, INBOUND_TOURISM_EN], ids=str)
def test_the_printed_report_prints_each_chart_once(warehouse: Warehouse, view: View) -> None:
    """The report printed the Overview's four charts in a section of their own and then again in the
    Participation, Activities and Benefits sections (the same bars under another heading): four of its
    figures repeated four others. Each Overview chart is one of the other pages' charts, drawn alike; the
    report prints those pages' charts, each once, numbered in order, after a cover of the Overview's
    headline figures and findings."""
    ctx = PageContext(db.reader(), Filters(view.years, PARTNER, view.fields, view.direction, view.lang))
    built = charts.all_charts(ctx)
    others = [chart for page, page_charts in built.items() if page != "overview" for chart in page_charts]
    drawn = [json.dumps(chart.figure.to_dict()["data"], sort_keys=True, default=str) for chart in others]
    assert len(set(drawn)) == len(drawn), "no two charts of the other pages draw the same"
    for chart in built["overview"]:
        assert json.dumps(chart.figure.to_dict()["data"], sort_keys=True, default=str) in drawn, chart.name
    printed = report.build_report(ctx, Available(years=SAMPLE_YEARS, partners=(PARTNER,)))
    assert "<section data-page='overview'>" not in printed
    assert [chart.name for chart in report.printed_charts(ctx)] == [chart.name for chart in others]
    assert re.findall(r"data-chart='([^']+)'", printed) == [f"{chart.page}/{chart.name}" for chart in others]
    label = toml_catalogue(view.lang)["report.figure"]
    assert re.findall(r"<span class='figure-label'>(.*?)</span>", printed) == [
        html.escape(label.format(number=number)) for number in range(1, len(others) + 1)]


@pytest.mark.parametrize("view", [DEFAULT_ZH, NARROW_EN, NARROW_ID, TWO_YEARS_ID], ids=str)
def test_obstacle_charts_say_the_fields_filter_does_not_narrow_them(shared_app: SharedApp, view: View) -> None:
    """Obstacles are recorded without a field. With the fields narrowed to tourism, the Benefits page drew 1
    tourism activity's benefits beside all 6 obstacles of 2018 and did not say the 6 were every field's.
    Each obstacle chart's caption says so while fields are narrowed, and only then; the fields filter's help
    and the card's definition say it always."""
    t = toml_catalogue(view.lang)
    narrowed = not schema.FIELD.covers(view.fields)
    for page, titles in {"views/overview.py": ["overview.chart_obstacles"],
                         "views/benefits.py": ["benefits.chart_severity", "benefits.chart_obstacles_year"]}.items():
        at = shared_app.page(page, view.params())
        no_exception(at)
        captions = [caption.value for caption in at.caption if t["chart.obstacles_every_field"] in caption.value]
        assert len(captions) == (len(titles) if narrowed else 0), (page, [c.value for c in at.caption])
        assert [m.help for m in at.multiselect if m.label == t["filters.fields"]] == [t["filters.fields_help"]]


@pytest.mark.parametrize("page", CHART_PAGES)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_chart_data_tables_are_labelled_in_the_readers_language(shared_app: SharedApp, page: str,
                                                                 lang: str) -> None:
    """The table under every chart names its columns in the reader's language and shows category
    labels, not the warehouse's column names and codes (e.g. 'cultural_visit')."""
    at = shared_app.page(page, View("", lang).params())
    t = toml_catalogue(lang)
    # Every column is the year, the funnel's stage, a schema column or a metric of the catalogue:
    # a table showing a figure the catalogue does not define fails here.
    headings = {t["chart.year"], t["chart.stage"]} | {metric_name(metric.key, lang) for metric in CATALOGUE} | {
        column.label(lang) for sheet in schema.SHEETS for column in (*sheet.columns, *sheet.derived)}
    codes = {category.code for vocabulary in schema.VOCABULARIES for category in vocabulary.categories
             if category.code != category.label(lang)}
    problems: list[str] = []
    tables = chart_tables(at)
    assert drawn_charts(at), f"{page} ({lang}) shows no chart once its tables are opened"
    assert tables.keys() == drawn_charts(at).keys()
    for name, table in tables.items():
        untranslated = [str(column) for column in table.columns if str(column) not in headings]
        if untranslated:
            problems.append(f"{name}: column names {untranslated}")
        raw = sorted({value for column in table.columns for value in table[column].tolist()
                      if isinstance(value, str) and value in codes})
        if raw:
            problems.append(f"{name}: codes {raw}")
    assert not problems, f"{page} ({lang}): {problems}"


# -- Overview ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("view", FIGURE_VIEWS, ids=str)
def test_overview_headline_figures_equal_sql(shared_app: SharedApp, expected_db: duckdb.DuckDBPyConnection,
                                             view: View) -> None:
    """The nine headline figures of the latest selected year, and their change against the loaded
    year before it, are the warehouse's, formatted for the reader's language."""
    at = shared_app.page(PAGES[0], view.params())
    no_exception(at)
    expected = Expected(expected_db, view)
    heading, metrics = expected.headline()
    assert main_elements(at, {"header"})[0] == ("header", heading)
    shown = {metric.label: (metric.value, metric.delta or None) for metric in at.metric}
    assert shown == metrics
    # Grouped by theme, in reading order: each theme's name, then its cards.
    assert [metric.label for metric in at.metric] == [metric_name(key, view.lang) for key in expected.card_keys()]
    themes = [THEME_NAMES[theme](view.lang) for theme in dict.fromkeys(m.theme for m in CARD_METRICS)]
    assert [text for _, text in main_elements(at, {"subheader"})][:len(themes)] == themes


def test_a_headline_change_is_drawn_the_way_it_went(shared_app: SharedApp) -> None:
    """Up for a rise, down for a fall, and no arrow and no colour for none: a "+0" drawn as a rise
    would tell a policymaker something grew that did not (st.metric draws any delta without a leading
    minus as a rise)."""
    drawn = {"+": {Metric.UP}, MINUS: {Metric.DOWN}, "±": {Metric.NONE}}
    seen, wrong = set(), []
    for view in FIGURE_VIEWS:
        at = shared_app.page(PAGES[0], view.params())
        no_exception(at)
        for metric in at.metric:
            if not metric.proto.delta:
                continue
            sign = metric.proto.delta[0]
            seen.add(sign)
            steady_grey = (sign == "±") == (metric.proto.color == Metric.GRAY)
            if metric.proto.direction not in drawn[sign] or not steady_grey:
                wrong.append(f"{view}: {metric.label} {metric.proto.delta!r} drawn "
                             f"{Metric.MetricDirection.Name(metric.proto.direction)}, "
                             f"{Metric.MetricColor.Name(metric.proto.color)}")
    assert seen == set(drawn), f"these views should show rises, falls and no change: {seen}"
    assert not wrong, wrong


@pytest.mark.parametrize("view", [*FIGURE_VIEWS, *TIED_VIEWS, *ONE_DELEGATE_VIEWS], ids=str)
def test_overview_findings_equal_sql(shared_app: SharedApp, expected_db: duckdb.DuckDBPyConnection,
                                     view: View) -> None:
    """Each theme's finding sentence states the warehouse's numbers and the leading category, or every
    category tied for the lead: 2018's benefits named "Knowledge transfer" alone as the most common
    category, beside a chart where "Follow-up cooperation" and "City image" had as many (3 each)."""
    at = shared_app.page(PAGES[0], view.params())
    no_exception(at)
    t = toml_catalogue(view.lang)
    # The headline's heading first, then the four themes' sections.
    assert [s.value for s in at.header][1:] == [t["theme.selection"], t["theme.activities"], t["theme.obstacles"],
                                                t["theme.benefits"]]
    sentences = [text.removeprefix("**").removesuffix("**") for text in markdowns(at)[:4]]
    expected = Expected(expected_db, view).findings()
    wrong = {theme: {"shown": sentence, "expected": sorted(expected[theme])}
             for theme, sentence in zip(("selection", "activities", "obstacles", "benefits"), sentences, strict=True)
             if sentence not in expected[theme]}
    assert wrong == {}


@pytest.mark.parametrize("view", FIGURE_VIEWS, ids=str)
def test_overview_charts_equal_sql(shared_app: SharedApp, expected_db: duckdb.DuckDBPyConnection,
                                   view: View) -> None:
    """The Overview's four charts plot the warehouse's counts for the selection."""
    at = shared_app.page(PAGES[0], view.params())
    no_exception(at)
    expected = Expected(expected_db, view)
    shown = drawn_charts(at)
    selection = expected.selection()
    applicants = metric_name("applicants", view.lang)
    if sum(selection[applicants].values()):
        assert_selection_said(at, selection, view.lang)
        assert_selection(shown["selection"], selection, view.lang)
        table = chart_tables(at)["selection"]
        assert table[applicants].tolist() == list(selection[applicants].values())
    else:
        assert "selection" not in shown
    per_type = expected.per_year("activities", "type", schema.ACTIVITY_TYPE)
    assert bars(shown["activities"]) == per_type
    assert_stacked_said(at, shown["activities"], per_type, schema.ACTIVITY_TYPE, "activities", view.lang)
    assert cells(shown["obstacles"]) == expected.heatmap()
    if expected.count("benefits"):
        assert bars(shown["benefits"]) == expected.benefit_pairs()
    else:
        assert "benefits" not in shown
        assert expected.t["empty.no_benefits"] in [info.value for info in at.info]
    # The charts that sum the selected years say which in their heading: the findings above them speak of
    # the latest year alone.
    headings = [heading.value for heading in at.subheader]
    for key, name in (("overview.chart_obstacles", "obstacles"), ("overview.chart_benefits", "benefits")):
        if name in shown:
            assert expected.t[key] + SUMMED_YEARS[view.name] in headings, headings


SUMMED_YEARS = {"default-id": ", 2017–2019 digabung", "2018-arts-outbound-en": ", 2018",
                "2017-inbound-zh": "（2017\u00a0年）", "2017-2019-two-fields-id": ", 2017, 2019 digabung"}


# -- Participation -------------------------------------------------------------------------------------

PROFILE = {"field": schema.FIELD, "status": schema.STATUS, "gender": schema.GENDER, "origin": schema.ORIGIN,
           "institution_type": schema.INSTITUTION_TYPE}


def open_profile_tab(at: AppTest, dimension: str, lang: str) -> AppTest:
    """Open the profile tab of `dimension` as a reader's click does (the tabs' state is the label shown)."""
    label = schema.column_label(dimension)(lang)
    assert label in [tab.label for tab in at.tabs], [tab.label for tab in at.tabs]
    at.session_state[f"participation-profile-{lang}"] = label
    return at.run()


@pytest.mark.parametrize("view", FIGURE_VIEWS, ids=str)
def test_participation_charts_equal_sql(shared_app: SharedApp, expected_db: duckdb.DuckDBPyConnection,
                                        view: View) -> None:
    """Selection, funnel, the five profile breakdowns and the repeat applicants equal the warehouse."""
    at = shared_app.page(PAGES[1], view.params())
    no_exception(at)
    expected = Expected(expected_db, view)
    shown = drawn_charts(at)
    assert_selection_said(at, expected.selection(), view.lang)
    assert_selection(shown["selection-rate"], expected.selection(), view.lang)
    assert funnel_steps(shown["funnel"]) == expected.funnel()
    assert_funnel_said(at, expected.funnel(), view.lang)
    for dimension, vocabulary in PROFILE.items():
        profiles = [name for name in drawn_charts(open_profile_tab(at, dimension, view.lang)) if name.startswith("by-")]
        assert profiles == [f"by-{dimension}"], "only the open tab's chart is built"
        drawn = expected.per_year("participants", dimension, vocabulary)
        assert bars(drawn_charts(at)[f"by-{dimension}"]) == drawn, dimension
        assert_stacked_said(at, drawn_charts(at)[f"by-{dimension}"], drawn, vocabulary, "people_on_record", view.lang)
        table = chart_tables(at)[f"by-{dimension}"]
        assert int(table[metric_name("people_on_record", view.lang)].sum()) == expected.count("participants"), dimension
    open_profile_tab(at, "field", view.lang)  # as the other tests of this shared run expect it

    # Repeat applicants: each applicant once per year; returning = applied in an earlier loaded year.
    people = (f"SELECT DISTINCT person_key, year FROM participants "
              f"WHERE {expected.where('participants')} AND {expected.applicant}")
    applicants = expected.grouped(f"SELECT year, count(*) FROM ({people}) GROUP BY year")
    # The partner city's first loaded year has no earlier year to return from: it is not drawn, and a
    # view of that year alone says why.
    ((first_loaded,),) = expected_db.execute(
        f"SELECT min(year) FROM participants WHERE partner_city = '{PARTNER}'").fetchall()
    if max(view.years) <= first_loaded:
        assert "repeat-applicants" not in shown
        partner = label(schema.PARTNER_CITY, PARTNER, view.lang)
        assert expected.t["empty.no_returning"].format(partner=partner) in [info.value for info in at.info]
        return
    repeat = series(shown["repeat-applicants"])
    first = repeat[metric_name("first_time_applicants", view.lang)]
    returning = repeat[metric_name("returning_applicants", view.lang)]
    assert {int(year): first[year] + returning[year] for year in first} == {
        y: n for (y,), n in applicants.items() if y > first_loaded}
    # The returning part, a sliver of each bar, has its count and share written above it; the first-time
    # applicants' part, where it fits, its count inside.
    below, top = shown["repeat-applicants"]["data"]
    assert top["name"] == metric_name("returning_applicants", view.lang) and top["textposition"] == "outside"
    assert dict(zip(top["x"], top["text"], strict=True)) == {
        year: f"{number(returning[year], view.lang)} · {percent(returning[year] / applicants[(int(year),)], view.lang)}"
        for year in returning}
    assert below["textposition"] == "inside" and all(
        text in ("", number(first[year], view.lang)) for year, text in zip(below["x"], below["text"], strict=True))
    # Its sentence says what is written on it: it gave the returning applicants alone.
    assert_said_per_year(at, [
        ("returning_applicants", returning),
        ("returning_share", {year: returning[year] / applicants[(int(year),)] * 100 for year in returning}),
        ("first_time_applicants", first)], view.lang)
    if view.fields == ALL_FIELDS:
        earlier = expected.grouped(
            f"SELECT p.year, count(*) FILTER (EXISTS (SELECT 1 FROM participants h WHERE h.person_key = p.person_key "
            f"AND h.year < p.year AND h.partner_city = '{PARTNER}' AND h.{expected.applicant})) "
            f"FROM ({people}) p GROUP BY p.year")
        assert {int(year): n for year, n in returning.items()} == {
            y: n for (y,), n in earlier.items() if y > first_loaded}


def test_participation_measure_switch_shows_delegates(shared_app: SharedApp,
                                                     expected_db: duckdb.DuckDBPyConnection) -> None:
    """Choosing 'Delegates' redraws the profile charts with delegate counts."""
    view = DEFAULT_EN
    at = shared_app.fresh(PAGES[1], view.params())
    (measure,) = [group for group in at.get("button_group") if group.key == "participation-measure"]
    measure.set_value("delegates").run()
    no_exception(at)
    expected = Expected(expected_db, view)
    for dimension, vocabulary in PROFILE.items():
        shown = bars(drawn_charts(open_profile_tab(at, dimension, view.lang))[f"by-{dimension}"])
        wanted = expected.per_year("participants", dimension, vocabulary, "count(*) FILTER (status = 'delegate')")
        assert shown == wanted, dimension
        title = drawn_charts(at)[f"by-{dimension}"]["layout"].get("title", {}).get("text", "")
        headings = [heading.value for heading in at.subheader]
        assert any(h.startswith(metric_name("delegates_both_ways", "en")) for h in [*headings, title]), headings


@pytest.mark.parametrize(("direction", "key"), [("outbound", "delegates_outbound"), ("inbound", "delegates_inbound")])
def test_the_delegates_profile_is_named_for_the_direction_chosen(shared_app: SharedApp, direction: str,
                                                                 key: str) -> None:
    """With "Jakarta to partner city" chosen in the sidebar, the switch and the chart said "Delegates, both
    directions" for Jakarta's delegates alone: they say "Delegates Jakarta → Beijing" (and the other way)."""
    view = View(f"{direction}-en", "en", direction=direction)
    at = shared_app.fresh(PAGES[1], view.params())
    (measure,) = [group for group in at.get("button_group") if group.key == "participation-measure"]
    assert metric_name(key, "en") in measure.proto.options[1].content, measure.proto.options
    measure.set_value("delegates").run()
    no_exception(at)
    headings = [heading.value for heading in at.subheader]
    assert any(h.startswith(metric_name(key, "en")) for h in headings), headings
    assert not any(metric_name("delegates_both_ways", "en") in h for h in headings), headings
    chart = drawn_charts(at)["by-field"]
    assert metric_name(key, "en") in str(chart["layout"]["yaxis"]["title"]), chart["layout"]["yaxis"]


# -- Activities ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("view", FIGURE_VIEWS, ids=str)
def test_activities_charts_equal_sql(shared_app: SharedApp, expected_db: duckdb.DuckDBPyConnection,
                                     view: View) -> None:
    """Activities by type, field and host city, participants per side and the timeline equal the warehouse."""
    at = shared_app.page(PAGES[2], view.params())
    no_exception(at)
    expected = Expected(expected_db, view)
    t, lang = expected.t, view.lang
    shown = drawn_charts(at)
    for name, column, vocabulary in (("by-type", "type", schema.ACTIVITY_TYPE), ("by-field", "field", schema.FIELD),
                                     ("by-host-city", "host_city", schema.HOST_CITY)):
        drawn = expected.per_year("activities", column, vocabulary)
        assert bars(shown[name]) == drawn, name
        assert_stacked_said(at, shown[name], drawn, vocabulary, "activities", lang)
    wanted: dict[tuple[str, str], float] = {}
    for code, jakarta, partner in expected.db.execute(
            f"SELECT type, coalesce(sum(participants_jakarta), 0), coalesce(sum(participants_partner), 0) "
            f"FROM activities WHERE {expected.where('activities')} GROUP BY type").fetchall():
        wanted[(metric_name("attendances_jakarta", lang), label(schema.ACTIVITY_TYPE, code, lang))] = jakarta
        wanted[(metric_name("attendances_partner", lang), label(schema.ACTIVITY_TYPE, code, lang))] = partner
    assert bars(shown["participants-per-type"]) == wanted
    count = expected.count("activities")
    timeline = shown["timeline"]
    bars_ = [trace for trace in timeline["data"] if trace["type"] == "bar"]
    # The sample's selections draw a row per activity (more are counted per month: test_chart_text.py,
    # test_bench_warehouses.py).
    assert count <= figures.TIMELINE_ROWS
    assert sum(len(trace["y"]) for trace in bars_) == count
    titles = {title for (title,) in expected.db.execute(
        f"SELECT title FROM activities WHERE {expected.where('activities')}").fetchall()}
    hovers = {html.unescape(row[0].replace("<br>", " ")) for trace in bars_ for row in trace["customdata"]}
    assert hovers == titles  # hover: the full titles
    # Dates in the reader's language (Plotly alone names months in English): the hover's first and last
    # day here; the ticks are named by each chart's locale, checked in the browser (tests/e2e/test_browse.py).
    days: dict[str, set[tuple[str, str]]] = {}
    for title, start, end in expected.db.execute(
            f"SELECT title, start_date, end_date FROM activities WHERE {expected.where('activities')}").fetchall():
        days.setdefault(title, set()).add((written_day(start, lang), written_day(end, lang)))
    for trace in bars_:
        for title, first, last in trace["customdata"]:
            assert (first, last) in days[html.unescape(title.replace("<br>", " "))], (title, first, last)
    # Each year's panel is marked by month over 45 days or more (the month's name in its middle), else by day.
    spans = [span for (span,) in expected.db.execute(
        "SELECT date_diff('day', min(start_date), max(end_date)) + 1 FROM activities "
        f"WHERE {expected.where('activities')} GROUP BY year ORDER BY year").fetchall()]
    axes = {name: axis for name, axis in timeline["layout"].items() if name.startswith("xaxis")}
    panels = [axes[name] for name in sorted(axes, key=lambda name: int(name[5:] or 1))]
    by_month = {"tickformat": "%-m月" if lang == "zh" else "%b", "dtick": "M1", "ticklabelmode": "period"}
    by_day = {"tickformat": "%-m月%-d日" if lang == "zh" else "%-d %b", "nticks": 6}
    ticks = [by_month if span >= 45 else by_day for span in spans]
    assert len(panels) == len(ticks)
    for axis, expected_ticks in zip(panels, ticks, strict=True):
        assert {key: axis.get(key) for key in expected_ticks} == expected_ticks
    # Every activity ("the 46 most recent" read as if more were left out).
    caption = t["activities.caption_timeline_all"].format(count=number(count, lang))
    assert any(caption in shown_caption.value for shown_caption in at.caption)
    # The text alternatives: each side's three types with the most attendances and any equal to the third
    # (equals in the schema's order); per year, the activities and the days they span (one day once); the
    # one type they are of, if one.
    listed, noted = ("、", "{}（{}）") if lang == "zh" else (", ", "{} ({})")
    sides = []
    for column, key in (("participants_jakarta", "attendances_jakarta"),
                        ("participants_partner", "attendances_partner")):
        ranked = sorted(expected.db.execute(
            f"SELECT type, sum({column}) AS n FROM activities WHERE {expected.where('activities')} "
            "GROUP BY type HAVING n > 0").fetchall(),
            key=lambda row: (-row[1], schema.ACTIVITY_TYPE.codes.index(row[0])))
        items = said_most([(label(schema.ACTIVITY_TYPE, code, lang), n) for code, n in ranked], lang,
                          lambda value: number(value, lang))
        sides.append(t["chart.summary_more" if sides else "chart.summary"].format(metric=metric_name(key, lang),
                                                                                   items=items))
    spans = expected.db.execute(
        f"SELECT count(*), min(start_date), max(end_date) FROM activities WHERE {expected.where('activities')} "
        "GROUP BY year ORDER BY year").fetchall()
    items = listed.join(noted.format(number(n, lang), written_day(first, lang) if first == last
                                     else f"{written_day(first, lang)} – {written_day(last, lang)}")
                        for n, first, last in spans)
    types = [code for (code,) in expected.db.execute(
        f"SELECT DISTINCT type FROM activities WHERE {expected.where('activities')}").fetchall()]
    activities = metric_name("activities", lang)
    if len(types) == 1:
        activities = noted.format(activities, schema.column_label("type")(lang) + colon_of(lang)
                                  + label(schema.ACTIVITY_TYPE, types[0], lang))
    described = ["".join(sides) if lang == "zh" else " ".join(sides),
                 t["chart.summary"].format(metric=activities, items=items)]
    for text in described:
        assert any(caption.value.startswith(text) for caption in at.caption), (text, [c.value for c in at.caption])


# -- Many years: the program's years so far loaded --------------------------------------------------------

TEN_YEARS = tuple(range(2017, 2027))


@pytest.fixture(scope="module")
def ten_years(sample_warehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[SharedApp, duckdb.DuckDBPyConnection]:
    """Page runs and this test's own connection on the sample with 2020–2026 loaded too (each a sample year's
    workbook moved: its counts repeat every three years, so the highest and lowest are reached in several)."""
    directory = tmp_path_factory.mktemp("ten-years") / "data"
    shutil.copytree(sample_warehouse_dir, directory, symlinks=True)
    warehouse = Warehouse(directory / "warehouse.duckdb")
    load_files(warehouse, [another_partners_year(directory.parent / "upload" / f"{year}.xlsx", year, "Beijing",
                                                 source_year=2017 + (year - 2020) % 3) for year in range(2020, 2027)],
               loaded_by="test")
    return SharedApp(warehouse), expected_connection(warehouse, tmp_path_factory.mktemp("ten-years-expected"))


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_over_ten_years_a_charts_sentence_gives_ends_and_extremes_not_every_year(
        ten_years: tuple[SharedApp, duckdb.DuckDBPyConnection], lang: str) -> None:
    """Over ten years a chart's sentence listed every year: the selection chart's thirty numbers, eight lines
    on a phone, read out in full by a screen reader. Over more than five it gives each measure's first and
    latest year, its highest and its lowest (from this test's SQL); the timeline the latest five years and
    the earlier ones together. The data table keeps every year's."""
    app, connection = ten_years
    view = View(f"ten-years-{lang}", lang, years=TEN_YEARS)
    expected = Expected(connection, view)
    t = expected.t
    overview = app.page(PAGES[0], view.params())
    no_exception(overview)
    assert_selection_said(overview, expected.selection(), lang)
    per_type = expected.per_year("activities", "type", schema.ACTIVITY_TYPE)
    assert_stacked_said(overview, drawn_charts(overview)["activities"], per_type, schema.ACTIVITY_TYPE,
                        "activities", lang)
    participation = app.page(PAGES[1], view.params())
    no_exception(participation)
    assert_selection_said(participation, expected.selection(), lang)
    assert_funnel_said(participation, expected.funnel(), lang)
    activities = app.page(PAGES[2], view.params())
    no_exception(activities)
    assert_stacked_said(activities, drawn_charts(activities)["by-host-city"],
                        expected.per_year("activities", "host_city", schema.HOST_CITY), schema.HOST_CITY,
                        "activities", lang)
    # The timeline counts ten years' activities per month: the earlier five years together, then each of the
    # latest five with its busiest months.
    months = expected.db.execute(
        f"SELECT year, year(start_date), month(start_date), count(*) FROM activities "
        f"WHERE {expected.where('activities')} GROUP BY ALL ORDER BY ALL").fetchall()
    assert len({year for year, *_ in months}) == 10 and sum(n for *_, n in months) > figures.TIMELINE_ROWS
    items = [t["chart.earlier_years"].format(count=number(sum(n for year, *_, n in months if year <= 2021), lang),
                                             years="2017–2021")]
    for year in range(2022, 2027):
        of_year = [(calendar_year, month, n) for y, calendar_year, month, n in months if y == year]
        most = max(n for *_, n in of_year)
        busiest = [month_name(month, lang) if calendar_year == year
                   else format_date_part(dt.date(calendar_year, month, 1), "yMMMM", lang)
                   for calendar_year, month, n in of_year if n == most]
        items.append(t["activities.months_item"].format(year=year, count=number(sum(n for *_, n in of_year), lang),
                                                        months=joined_with_and(busiest, lang), most=number(most, lang)))
    said = t["chart.summary"].format(metric=metric_name("activities", lang), items=years_text(items, lang))
    assert any(caption.value.startswith(said) for caption in activities.caption), (
        said, [caption.value for caption in activities.caption])


# -- Benefits and obstacles ---------------------------------------------------------------------------------

@pytest.mark.parametrize("view", FIGURE_VIEWS, ids=str)
def test_benefits_and_obstacles_equal_sql(shared_app: SharedApp, expected_db: duckdb.DuckDBPyConnection,
                                          view: View) -> None:
    """Benefit indicators by category, beneficiary, year and level, obstacles by category, severity and
    year, and the two tables hold the warehouse's rows for the selection."""
    at = shared_app.page(PAGES[3], view.params())
    no_exception(at)
    expected = Expected(expected_db, view)
    t = expected.t
    shown = drawn_charts(at)
    tables = loose_tables(at)
    benefits = expected.count("benefits")
    if benefits:
        assert bars(shown["category-beneficiary"]) == expected.benefit_pairs()
        for name, column, vocabulary in (("category-year", "category", schema.BENEFIT_CATEGORY),
                                         ("level", "level", schema.LEVEL)):
            drawn = expected.per_year("benefits", column, vocabulary)
            assert bars(shown[name]) == drawn, name
            assert_stacked_said(at, shown[name], drawn, vocabulary, "benefit_indicators", view.lang)
        indicators = tables.pop(0)
        assert len(indicators) == min(benefits, 500)
        names = {name for (name,) in expected.db.execute(
            f"SELECT indicator FROM benefits WHERE {expected.where('benefits')}").fetchall()}
        assert set(indicators[schema.column_label("indicator")(view.lang)]) == names
    else:
        assert {"category-beneficiary", "category-year", "level"}.isdisjoint(shown)
        assert t["empty.no_benefits"] in [info.value for info in at.info]
    obstacles = expected.count("obstacles")
    assert obstacles, "every sample year records obstacles"
    assert cells(shown["obstacle-severity"]) == expected.heatmap()
    per_category = expected.per_year("obstacles", "category", schema.OBSTACLE_CATEGORY)
    assert bars(shown["obstacles-year"]) == per_category
    assert_stacked_said(at, shown["obstacles-year"], per_category, schema.OBSTACLE_CATEGORY, "obstacles", view.lang)
    (mitigations,) = tables
    assert len(mitigations) == obstacles
    severities = mitigations[schema.column_label("severity")(view.lang)].tolist()
    assert severities == sorted(severities, reverse=True)


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_the_mitigations_are_wrapped_not_cut(warehouse: Warehouse, lang: str) -> None:
    """A table cell cuts its text at the column's width unless its rows are taller than 4rem: the obstacles'
    descriptions and mitigations (sentences) get such rows and columns of their own width; the year, the
    category and the severity keep theirs. (On a projector the table is static: see
    test_a_projected_table_is_static_and_shows_what_the_page_shows.)"""
    at = open_app({"lang": lang}, page="views/benefits.py")
    no_exception(at)
    mitigations = at.dataframe[-1]  # the page's last table, below every chart's data
    label = {name: schema.column_label(name)(lang) for name in ("year", "category", "severity", "description",
                                                               "mitigation")}
    assert list(mitigations.value.columns) == list(label.values())
    # Tall enough for its longest sentence (the sample's: 107 characters, four lines), above 4rem.
    longest = max(mitigations.value[label[name]].str.len().max() for name in ("description", "mitigation"))
    assert longest == 107
    assert mitigations.proto.row_height == 16 + 18 * 4 > 64
    config = json.loads(mitigations.proto.columns)
    wide = {name for name, column in config.items() if column.get("width") == 230}
    assert wide == {label["description"], label["mitigation"]}


LONG_DESCRIPTION = ("Sebagian materi kunjungan hanya tersedia dalam bahasa Mandarin, **tanpa terjemahan** "
                    "[tertulis](http://contoh.id), sehingga delegasi bergantung pada pendamping. " * 4).strip()
LONG_INDICATOR = ("Delegasi yang menerapkan pengetahuan dari Beijing dalam kegiatan organisasinya, diukur "
                  "dengan survei enam bulan setelah kepulangan dan wawancara dengan pimpinan organisasi")
LONG_TITLE = ("Pembekalan pra-keberangkatan delegasi Youth Exchange Program 2017 di Gedung Dispora: budaya, "
              "bahasa, protokol dan keselamatan perjalanan ke Beijing")


def _with_long_texts(warehouse: Warehouse, directory: Path) -> None:
    """2017 reloaded with an obstacle's description of 436 characters, an activity's title of 149 and a
    benefit's indicator of 169 (its value 66.7 percent)."""
    def edit(workbook: Workbook) -> None:
        set_cells("obstacles", {("description", 2): LONG_DESCRIPTION})(workbook)
        set_cells("benefits", {("indicator", 2): LONG_INDICATOR})(workbook)
        set_cells("activities", {("title", 2): LONG_TITLE})(workbook)

    load_files(warehouse, [edited_sample(directory / "2017.xlsx", edit)], replace=True, loaded_by="test")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_text_longer_than_its_cell_is_written_whole_below_the_table(warehouse: Warehouse, tmp_path: Path,
                                                                     lang: str) -> None:
    """An obstacle's description may hold 2,000 characters; a cell shows five lines (about 155). The row is
    written out below the table, in an expander: its year, category and severity, then its sentences whole,
    each after its column's name, as plain text (the Markdown in the description stays as written). Rows
    that fit are not repeated; a projector, which hides expanders, is not sent them."""
    _with_long_texts(warehouse, tmp_path)
    at = open_app({"lang": lang}, page="views/benefits.py")
    no_exception(at)
    label = plural(toml_catalogue(lang), "chart.whole_texts", 1, lang).format(count=1)
    indicators, obstacles = [expander for expander in at.expander if expander.label == label]  # page order
    colon = "：" if lang == "zh" else ": "
    header = {name: schema.column_label(name)(lang) + colon for name in ("year", "category", "severity")}
    assert [text.value for text in obstacles.text] == [
        f"{header['year']}2017 · {header['category']}{schema.OBSTACLE_CATEGORY.label('language', lang)} · "
        f"{header['severity']}3",
        schema.column_label("description")(lang) + colon + LONG_DESCRIPTION,
        schema.column_label("mitigation")(lang) + colon + "Delegasi menyusun glosarium istilah bersama pendamping."]
    assert not obstacles.markdown, "workbook text is never Markdown"
    # The indicators' table: the value in its own unit (66.7 percent), as the table shows it.
    values, sentence = (text.value for text in indicators.text)
    assert sentence == schema.column_label("indicator")(lang) + colon + LONG_INDICATOR
    assert f"{colon}66.7% · " in values, values
    presenting = open_app({"lang": lang, "present": "1"}, page="views/benefits.py")
    no_exception(presenting)
    assert label not in [expander.label for expander in presenting.expander]


def test_a_chart_tables_long_texts_are_written_whole_inside_its_expander(warehouse: Warehouse,
                                                                        tmp_path: Path) -> None:
    """Expanders do not nest: in the timeline's data table (itself an expander) the row comes under a
    caption, with its dates formatted as the table formats them."""
    _with_long_texts(warehouse, tmp_path)
    at = open_tables(open_app({"lang": "en"}, page="views/activities.py"))
    no_exception(at)
    (table,) = [expander for expander in at.expander if expander.proto.id and "timeline" in expander.proto.id]
    captions = [caption.value for caption in table.caption]
    assert toml_catalogue("en")["chart.whole_texts.one"].format(count=1) in captions
    texts = [text.value for text in table.text]
    assert any(text.endswith(LONG_TITLE) for text in texts), texts
    assert any(text.startswith("Year: 2017 · ") for text in texts), texts


def test_cut_rows_are_those_longer_than_four_full_lines() -> None:
    frame = pd.DataFrame({"Year": [2019, 2019], "Title": ["Kelas " * 40, "Kelas bahasa Mandarin intensif"]})
    assert components.cut_rows(frame, ["Title"]) == [0]
    frame["Title"] = "Kelas bahasa Mandarin intensif dua minggu sebelum berangkat, dengan latihan harian."
    assert components.cut_rows(frame, ["Title"]) == []
    frame["Title"] = "在出发前两周开设汉语强化班" * 5  # 65 characters, 130 columns wide
    assert components.cut_rows(frame, ["Title"]) == [0, 1]


def test_only_sentences_are_wrapped() -> None:
    """A column is wrapped for its sentences; a fingerprint or a code, however long, and a label are not."""
    frame = pd.DataFrame({"mitigation": [None, "Kelas bahasa Mandarin intensif dua minggu sebelum berangkat."],
                          "sha256": ["0" * 64, "f" * 64], "category": ["Kendala bahasa", "Anggaran"],
                          "severity": [3, 5]})
    assert components.long_text_columns(frame) == ["mitigation"]
    # Three lines at least (Streamlit wraps only in rows taller than 64 px), five at most.
    assert components.wrapped_row_height(frame, ["mitigation"]) == 16 + 18 * 3 > 64
    frame["mitigation"] = "Kelas bahasa " * 40
    assert components.wrapped_row_height(frame, ["mitigation"]) == 16 + 18 * 5
    # A Chinese sentence has no spaces, and each character takes the room of two letters: 49 are four lines.
    frame["mitigation"] = "在出发前两周开设汉语强化班并安排每日练习" * 2 + "由带队老师负责检查"
    assert len(frame["mitigation"][0]) == 49 and components.long_text_columns(frame) == ["mitigation"]
    assert components.wrapped_row_height(frame, ["mitigation"]) == 16 + 18 * 4


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_projected_indicator_table_keeps_what_an_audience_reads_and_says_where_the_rest_is(
        warehouse: Warehouse, lang: str) -> None:
    """Its ten columns ran past a 1280 px projector (checked in the browser: tests/e2e/test_presenters.py).
    Projected, it shows the year, category, indicator, value, unit and beneficiary, and says that every column
    is on the page outside presentation mode and in the Data page's downloads; on screen, every column."""
    t = toml_catalogue(lang)
    kept = [t["chart.year"], schema.column_label("category")(lang), schema.column_label("indicator")(lang),
            metric_name("achieved_value", lang), schema.column_label("unit")(lang),
            schema.column_label("beneficiary")(lang)]
    said = t["present.table_columns"].format(columns=years_text(kept, lang))
    presenting = open_app({"lang": lang, "present": "1"}, page="views/benefits.py")
    on_screen = open_app({"lang": lang}, page="views/benefits.py")
    assert not presenting.exception and not on_screen.exception
    indicators, obstacles = presenting.table  # no chart's data table on a projector
    assert list(indicators.value.columns) == kept
    assert list(obstacles.value.columns) == list(on_screen.dataframe[-1].value.columns), "its five fit a projector"
    assert said in [caption.value for caption in presenting.caption]
    assert not [table.proto.column_order for table in on_screen.dataframe if table.proto.column_order]
    assert said not in [caption.value for caption in on_screen.caption]


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_a_projected_table_is_static_and_shows_what_the_page_shows(warehouse: Warehouse, lang: str) -> None:
    """A grid sized to stand whole on a projector drew some Indonesian indicator names beside Chinese labels on
    one line, cut at the column's edge (its text layout guesses a line's length from the characters measured
    before). Projected, the Benefits page's tables are static (st.table), no grid, and each cell shows what the
    page's grid shows off the projector: amounts in their units and the reader's number format, missing
    texts blank, workbook texts as typed (escaped, since st.table reads Markdown)."""
    presenting = open_app({"lang": lang, "present": "1"}, page="views/benefits.py")
    on_screen = open_app({"lang": lang}, page="views/benefits.py")
    no_exception(presenting)
    no_exception(on_screen)
    assert not presenting.dataframe
    grids = on_screen.dataframe[-2:]  # the indicators' and the obstacles' grids, below every chart's data
    for table, grid in zip(presenting.table, grids, strict=True):
        static, expected = shown_cells(table), shown_cells(grid)[list(table.value.columns)]
        texts = [column for column in expected.columns if not pd.api.types.is_numeric_dtype(grid.value[column])]
        expected[texts] = expected[texts].map(markdown_text)
        assert static.astype(str).values.tolist() == expected.astype(str).values.tolist()
    amounts = shown_cells(presenting.table[0])[metric_name("achieved_value", lang)].tolist()
    assert {"id": "Rp 76.000.000", "zh": "IDR 76,000,000"}[lang] in amounts  # the sample's 2019 promotion value


# -- Data ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("view", FIGURE_VIEWS, ids=str)
def test_data_page_counts_dictionary_and_history_equal_sql(
        shared_app: SharedApp, expected_db: duckdb.DuckDBPyConnection, view: View) -> None:
    """The row count of each download equals the filtered rows in the warehouse (an empty one cannot
    be downloaded), the dictionary lists every column of the schema, the history every load."""
    at = shared_app.page(PAGES[4], view.params())
    no_exception(at)
    expected = Expected(expected_db, view)
    t, lang = expected.t, view.lang
    texts = markdowns(at)
    buttons = {str(button.proto.id).split("-download-", 1)[-1]: button.proto.disabled
               for button in at.get("download_button") if "-download-" in str(button.proto.id)}
    for sheet in schema.SHEETS:
        count = expected.count(sheet.name)
        rows = plural(t, "data.rows", count, lang).format(count=number(count, lang))
        assert f"**{sheet.label(lang)}** · {rows}" in texts
        assert buttons[f"{sheet.name}-csv"] == buttons[f"{sheet.name}-xlsx"] == (count == 0)
    dictionaries = [expander for expander in at.expander if expander.label.endswith("`")]
    assert [expander.label for expander in dictionaries] == [
        t["data.dictionary_sheet"].format(label=s.label(lang), sheet=s.name) for s in schema.SHEETS]
    for expander, sheet in zip(dictionaries, schema.SHEETS, strict=True):
        (table,) = expander.table  # every cell read whole (tests/e2e: test_the_data_dictionary_is_read_whole)
        assert [re.sub(r"\\(.)", r"\1", name) for name in table.value[t["dictionary.column"]]] == [
            column.name for column in (*sheet.columns, *sheet.derived)]
    history = loose_tables(at)[-1]
    recorded = expected.db.execute("SELECT load_id, loaded_at FROM loads ORDER BY 1 DESC").fetchall()
    assert history[t["history.load_id"]].tolist() == [load_id for load_id, _ in recorded]
    # Kept in UTC, read as Jakarta's clock read it (WIB, UTC+7), as the column's name says.
    assert history[t["history.loaded_at"]].tolist() == [
        (at_utc + dt.timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S") for _, at_utc in recorded]
    assert "WIB" in t["history.loaded_at"] or "雅加达时间" in t["history.loaded_at"]
    # The download keeps UTC and says so (ISO 8601, "Z").
    downloaded = history_rows(queries.load_history(expected.db))
    assert downloaded["loaded_at"].tolist() == [at_utc.strftime("%Y-%m-%dT%H:%M:%SZ") for _, at_utc in recorded]
    # Who loaded and the file's name are the analysts' (the Upload page), on the page and in its download.
    assert not {t["history.loaded_by"], t["history.file_name"]} & set(history.columns)
    assert not {"loaded_by", "file_name"} & set(downloaded.columns)
    # What was loaded and when first; the 64-digit fingerprints last, not pushing those off the screen.
    columns = list(history.columns)
    assert columns[:5] == [t[f"history.{c}"] for c in ("load_id", "year", "loaded_at", "provisional", "is_sample")]
    assert columns[-2:] == [t["history.sha256"], t["history.snapshot_sha256"]]
    assert all(len(value) == 64 for value in history[t["history.sha256"]]), "the whole value, shown narrow"
    # The sample replaced no load: missing (drawn empty: test_no_table_writes_a_missing_value_as_none), and the
    # column holds load numbers, sorting as numbers ("10" came before "9" as text).
    replaced = history[t["history.replaced_load_id"]]
    assert replaced.isna().all() and pd.api.types.is_integer_dtype(replaced)
    # Yes or no in words: a checkbox cell was read out "true"/"false", in English, by a screen reader.
    assert set(history[t["history.is_sample"]]) == {t["template.yes"]}
    assert set(history[t["history.provisional"]]) == {t["template.no"]}


def test_chinese_pages_write_chinese_colons_and_brackets(shared_app: SharedApp) -> None:
    """The glossary wrote "单位: 人 · 核心数字卡片: 是", its labels joined to their values in code; the text
    alternatives "96 (2017)、118 (2018)", the data dictionary "参与者 (`participants`)"."""
    read = 0
    for page in PAGES:
        at = shared_app.page(page, {"lang": "zh"})
        no_exception(at)
        for text in visible_texts(at):
            assert not HALF_WIDTH_PUNCTUATION.search(text), (page, text[:200])
            read += 1
    assert read > 100


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hover_labels_join_a_label_to_its_value_as_the_language_does(warehouse: Warehouse, lang: str) -> None:
    """'文化参访：320' in Chinese, 'Cultural visit: 320' in English, on every chart of every page."""
    ctx = PageContext(db.reader(), Filters((2017, 2018, 2019), PARTNER, ALL_FIELDS, "both", lang))
    templates = [trace["hovertemplate"] for built in charts.all_charts(ctx).values() for chart in built
                 for trace in chart.figure.to_plotly_json()["data"] if ": " in trace.get("hovertemplate", "")
                 or "：" in trace.get("hovertemplate", "")]
    assert len(templates) > 20
    half, full = [t for t in templates if ": " in t], [t for t in templates if "：" in t]
    assert (half, len(full)) == (([], len(templates)) if lang == "zh" else (templates, 0))


@pytest.mark.parametrize("field", ["tourism", "arts_culture"])
def test_a_colour_that_stands_for_a_category_is_named_even_when_one_is_left(warehouse: Warehouse,
                                                                             field: str) -> None:
    """One year and one field leave several charts a single category: Benefits' "by level" drew one green
    bar and its "per year by category" one pink bar, with no legend to say which level or category (Plotly
    shows none for a single trace), while the chart beside them named its one beneficiary. Every chart whose
    colour stands for a named category (a legend title) names it, one entry or several."""
    ctx = PageContext(db.reader(), Filters((2017,), PARTNER, (field,), "both", "en"))
    unnamed, single = [], 0
    for built in charts.all_charts(ctx).values():
        for chart in built:
            figure = chart.figure.to_plotly_json()
            title = figure["layout"].get("legend", {}).get("title", {}).get("text")
            entries = [trace for trace in figure["data"] if trace.get("name") and trace.get("showlegend") is not False]
            single += bool(title) and len(entries) == 1
            if title and entries and not figure["layout"].get("showlegend"):
                unnamed.append((chart.name, title, [trace["name"] for trace in entries]))
    assert single, "no chart was left one category: the test shows nothing"
    assert not unnamed


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_text_alternative_names_the_one_category_a_chart_is_left(warehouse: Warehouse, lang: str) -> None:
    """With 2017 and tourism, Benefits' "by level" is one bar, which its legend names ("Level: City"); its
    sentence said "Benefit indicators recorded: 1 (2017)", which a reader without the chart cannot tell
    from the year's whole count. A chart's sentence names the category its colour is left with; one with
    several categories names none (its legend and table do). The legend's title is the table's header for
    the same column: the Overview's legend said "Jenis" over a table headed "Jenis kegiatan". The rule
    holds for the charts with sentences of their own too: the Overview's benefits for the same view, one
    indicator for the partner city, said "1 in all; the most: City image 1", not for whom."""
    ctx = PageContext(db.reader(), Filters((2017,), PARTNER, ("tourism",), "both", lang))
    colon = colon_of(lang)
    named, plural = [], 0
    for built in charts.all_charts(ctx).values():
        for chart in built:
            title = chart.figure.layout.legend.title.text
            assert not title or title in chart.data.columns, (chart.page, chart.name, title)
            if not title or title == toml_catalogue(lang)["chart.year"]:  # every sentence names its years
                continue
            values = chart.data[title].dropna().unique()
            said = chart.alternative
            if len(values) == 1:
                named.append(chart.name)
                # The achieved values' sentences name each beneficiary in their own words ("benefiting …").
                form = values[0] if chart.name.startswith("values-") else f"{title}{colon}{values[0]}"
                assert form in said, (chart.name, said)
            else:
                plural += 1
                assert f"{title}{colon}" not in said, (chart.name, said)
    assert {"level", "benefits"} <= set(named) and plural, (named, plural)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_a_stacked_chart_of_nothing_counted_ranks_nothing(warehouse: Warehouse, lang: str) -> None:
    """2019, tourism, Jakarta to partner city: no delegate, so the profile of delegates draws bars of 0. Its
    sentence said "Delegates, both directions: 0 (2019); the most: ." It gives the totals alone; with one
    delegate, the one category counted ranks first. Its delegates are named for the direction chosen."""
    t = toml_catalogue(lang)
    listed = "、" if lang == "zh" else ", "
    for fields, most in ((("tourism",), False), (("tourism", "environment"), True)):
        ctx = PageContext(db.reader(), Filters((2019,), PARTNER, fields, "outbound", lang))
        chart = charts.participation_profile(ctx, "gender", "delegates")
        assert chart is not None
        counted = chart.data.groupby(chart.data.columns[1])[metric_name("delegates_outbound", lang)].sum()
        items = (f"{number(counted.sum(), lang)}（2019）" if lang == "zh" else f"{number(counted.sum(), lang)} (2019)")
        said = chart.alternative
        if most:
            parts = listed.join(f"{name} {number(n, lang)}" for name, n in counted[counted > 0].items())
            assert said == t["chart.summary_parts"].format(metric=metric_name("delegates_outbound", lang),
                                                            items=items, parts=parts), said
        else:
            assert counted.sum() == 0
            assert said == t["chart.summary"].format(metric=metric_name("delegates_outbound", lang),
                                                      items=items), said


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_timelines_sentence_names_its_one_type_and_its_one_day(warehouse: Warehouse, lang: str) -> None:
    """2019 and tourism: the timeline draws one activity, a cultural visit of one day, and its legend says
    "Type: Cultural visit". Its sentence said "Activities: 1 (19 Oct 2019 – 19 Oct 2019)": not which type
    (the rule every other chart follows) and the day twice. With several types it names none."""
    colon = colon_of(lang)
    one = PageContext(db.reader(), Filters((2019,), PARTNER, ("tourism",), "both", lang))
    chart = charts.activities_timeline(one)
    assert chart is not None
    header = chart.figure.layout.legend.title.text
    kinds = chart.data[header].unique()
    assert len(kinds) == 1 and len(chart.data) == 1
    day = chart.data[one.column("start_date")].iloc[0]
    assert day == chart.data[one.column("end_date")].iloc[0]
    said = chart.alternative
    assert f"{header}{colon}{kinds[0]}" in said, said
    assert said.count(format_day(day.date(), lang)) == 1 and " – " not in said, said
    several = PageContext(db.reader(), Filters((2019,), PARTNER, ("tourism", "arts_culture"), "both", lang))
    chart = charts.activities_timeline(several)
    assert chart is not None and chart.data[header].nunique() > 1
    said = chart.alternative
    assert f"{header}{colon}" not in said and " – " in said, said


@pytest.mark.parametrize(("lang", "years", "field"), [("en", (2017,), "youth_sports"), ("zh", (2019,), "youth_sports"),
                                                  ("id", (2017, 2018, 2019), "urban_planning")])
def test_the_attendances_sentence_names_every_type_tied_with_the_last_it_names(
        warehouse: Warehouse, lang: str, years: tuple[int, ...], field: str) -> None:
    """2017 and youth and sports: Beijing's attendances were 45 at cultural visits and 4 each at forums,
    sports and official meetings; the sentence named three types ("Cultural visit 45, Forum or seminar 4,
    Sports 4"), leaving out an equal one as if it were fewer. It names the three largest and every type
    equal to the third, none of none, as the obstacle sentences do."""
    ctx = PageContext(db.reader(), Filters(years, PARTNER, (field,), "both", lang))
    chart = charts.activities_sides(ctx)
    assert chart is not None
    said = chart.alternative
    type_header = chart.data.columns[0]
    tied = 0
    for metric in ("attendances_jakarta", "attendances_partner"):
        totals = chart.data.set_index(type_header)[metric_name(metric, lang)]
        positive = totals[totals > 0].sort_values(ascending=False)
        third = positive.iloc[min(2, len(positive) - 1)]
        side = said.split(metric_name(metric, lang))[1]
        side = side.split(metric_name("attendances_partner", lang))[0] if metric == "attendances_jakarta" else side
        for name, value in totals.items():
            assert (f"{name} {number(value, lang)}" in side) == (value > 0 and value >= third), (metric, name, said)
        tied += int((positive == third).sum() > 1)
    assert tied, "a tie at the third place is in the view"


@pytest.mark.parametrize(("lang", "day"), [("id", "7 Agu 2017"), ("en", "7 Aug 2017"), ("zh", "2017年8月7日")])
def test_a_tables_dates_are_days_in_the_readers_language(warehouse: Warehouse, lang: str, day: str) -> None:
    """The timeline's data table wrote "2017-08-07 00:00:00"; it writes the day as its caption does, and
    the column still holds dates (it sorts and downloads as dates)."""
    ctx = PageContext(db.reader(), Filters((2017,), PARTNER, ALL_FIELDS, "both", lang))
    chart = charts.activities_timeline(ctx)
    assert chart is not None
    start = schema.column_label("start_date")(lang)
    first = chart.data[start].min()
    assert pd.api.types.is_datetime64_any_dtype(chart.data[start]) and first == pd.Timestamp("2017-08-07")
    assert chart.formats[start](first) == day and day in chart.caption + chart.alternative
    styled = components.styled(chart.data, chart.formats).to_html()
    assert day in styled and "00:00:00" not in styled


def shown_cells(element: Any) -> pd.DataFrame:
    """A table's cells as the browser shows them: a styled table's display texts (numbers in the reader's
    format, a missing one as its formatter writes it), else its values."""
    styler = element.proto.arrow_data.styler
    if styler.display_values:
        return convert_arrow_bytes_to_pandas_df(styler.display_values)
    return element.value


def test_no_table_writes_a_missing_value_as_none(shared_app: SharedApp) -> None:
    """A cell a workbook left empty (the sample has a benefit without a source) is shown empty: Streamlit
    writes a missing value as "None", in English, in every language. So is a number that does not exist:
    the funnel's conversion of its first stage, which has no stage before it."""
    blanks = 0
    for page in PAGES:
        at = shared_app.page(page, {"lang": "en"})
        no_exception(at)
        for element in at.dataframe:
            table = shown_cells(element)
            assert not table.isna().any().any(), (page, table.columns[table.isna().any()].tolist())
            written = table.isin(["None", "nan", "NaN", "<NA>", "NaT"])
            assert not written.any().any(), (page, table.columns[written.any()].tolist())
            blanks += int((table == "").sum().sum())
            if element.value.isna().any().any():
                # The browser draws a missing value "None" whatever a format says, but for the placeholder.
                assert element.proto.placeholder == "", (page, table.columns.tolist())
            if page == "views/participation.py" and "Conversion from the previous stage" in table.columns:
                # A missing number, drawn empty: the column still sorts as numbers.
                first = element.value["Conversion from the previous stage"].isna()
                assert first.sum() == 3 and (table["Conversion from the previous stage"][first] == "").all()
    assert blanks, "the sample's missing source is shown, as an empty cell"


# -- empty selections ---------------------------------------------------------------------------------------

def infos(at: AppTest) -> list[str]:
    return [info.value for info in at.info]


def with_hint(t: dict[str, str], key: str, lang: str) -> str:
    """An empty state as a page with its sidebar says it: what is missing, then how to change it there."""
    return ("" if lang == "zh" else " ").join((t[key], t[f"{key}_hint"]))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_year_selected_explains_instead_of_empty_charts(shared_app: SharedApp, lang: str) -> None:
    """A link with ?year= (every year deselected) explains on each page that no year is chosen,
    draws no chart, shows no sample notice, and offers no empty download (the Data page said "0 rows"
    four times without saying why)."""
    t = toml_catalogue(lang)
    params: dict[str, str | list[str]] = {"year": ""} | ({"lang": lang} if lang != "id" else {})
    for page in PAGES:
        at = shared_app.page(page, params)
        no_exception(at)
        assert at.multiselect(key="year").value == []
        assert not at.get("plotly_chart"), page
        assert not at.warning, page
        if page in CHART_PAGES:
            assert infos(at) == [with_hint(t, "empty.no_years", lang)], page
            assert not at.metric
        elif page == "views/data.py":  # says why its downloads hold no row
            assert infos(at) == [with_hint(t, "empty.no_years", lang)], page
            zero = plural(t, "data.rows", 0, lang).format(count="0")
            assert sum(zero in text for text in markdowns(at)) == len(schema.SHEETS)
            assert all(button.proto.disabled for button in at.get("download_button")
                       if "-download-" in str(button.proto.id))


def test_deselecting_every_year_in_the_sidebar_explains(warehouse: Warehouse) -> None:
    """Clearing the year filter by hand gives the same explanation on every page."""
    at = open_app({"lang": "en"})
    at.multiselect(key="year").set_value([]).run()
    t = toml_catalogue("en")
    for page in CHART_PAGES:
        at.switch_page(page).run()
        no_exception(at)
        assert infos(at) == [with_hint(t, "empty.no_years", "en")], page
        assert not at.get("plotly_chart"), page


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_no_field_selected_explains(shared_app: SharedApp, expected_db: duckdb.DuckDBPyConnection,
                                    lang: str) -> None:
    """With every field deselected the chart pages explain why nothing is shown; the data page offers
    only the obstacles (which have no field)."""
    t = toml_catalogue(lang)
    params: dict[str, str | list[str]] = {"field": ""} | ({"lang": lang} if lang != "id" else {})
    for page in CHART_PAGES:
        at = shared_app.page(page, params)
        no_exception(at)
        assert at.multiselect(key="field").value == []
        assert infos(at) == [with_hint(t, "empty.no_fields", lang)], page
        assert not at.get("plotly_chart"), page
    at = shared_app.page(PAGES[4], params)
    no_exception(at)
    assert infos(at) == [with_hint(t, "empty.no_fields", lang)]  # why three of the four downloads hold no row
    obstacles = expected_db.execute("SELECT count(*) FROM obstacles").fetchone()[0]
    counts = {sheet.name: (obstacles if sheet.name == "obstacles" else 0) for sheet in schema.SHEETS}
    for sheet in schema.SHEETS:
        rows = plural(t, "data.rows", counts[sheet.name], lang).format(count=number(counts[sheet.name], lang))
        text = f"**{sheet.label(lang)}** · {rows}"
        assert text in markdowns(at)


def test_field_without_benefits_shows_obstacles_and_explains(shared_app: SharedApp) -> None:
    """Arts and culture has no benefit indicator in the sample: the Benefits page says so and still
    shows the obstacles; the Overview's benefit finding says so too."""
    view = View("arts", "en", fields=("arts_culture",))
    t = toml_catalogue("en")
    at = shared_app.page(PAGES[3], view.params())
    no_exception(at)
    assert t["empty.no_benefits"] in infos(at)
    assert set(drawn_charts(at)) == {"obstacle-severity", "obstacles-year"}
    overview = shared_app.page(PAGES[0], view.params())
    no_exception(overview)
    assert f"**{t['finding.no_benefits_year'].format(year=2019)}**" in markdowns(overview)
    assert t["empty.no_benefits"] in infos(overview)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_each_table_on_the_benefits_page_is_headed_as_its_charts_are(shared_app: SharedApp, lang: str) -> None:
    """The indicator and obstacle tables were titled in bold text, smaller than the chart headings beside them
    and missing from the page's headings (a screen reader's list of them, the printed report's h3): each is
    headed by a heading of the charts' level, right above it."""
    t = toml_catalogue(lang)
    at = shared_app.page(PAGES[3], View(f"tables-{lang}", lang).params())
    no_exception(at)
    order = []

    def read(node: Any) -> None:  # the page's own elements, not the charts' folded data tables
        kind = getattr(node, "type", None)
        if kind in ("header", "subheader"):
            order.append((kind, node.value))
        elif kind == "dataframe":
            order.append(("table", None))
        elif kind != "expander":
            for child in getattr(node, "children", {}).values():
                read(child)

    read(at.main)
    tables = [index for index, (kind, _) in enumerate(order) if kind == "table"]
    assert [order[index - 1] for index in tables] == [("subheader", t["benefits.indicator_table"]),
                                                      ("subheader", t["benefits.mitigation_table"])], order
    assert not {f"**{t['benefits.indicator_table']}**", f"**{t['benefits.mitigation_table']}**"} & set(markdowns(at))


WHOLLY_BOLD = re.compile(r"\*\*[^*]+\*\*")


def main_elements(at: AppTest, kinds: set[str]) -> list[tuple[str, str]]:
    """(kind, text) of the page's own elements of those kinds, in order (not the sidebar's)."""
    found = []

    def read(node: Any) -> None:
        if getattr(node, "type", None) in kinds:
            found.append((node.type, node.value))
        for child in getattr(node, "children", {}).values():
            read(child)

    read(at.main)
    return found


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_every_group_of_charts_or_metrics_is_headed_by_a_heading(shared_app: SharedApp, lang: str) -> None:
    """The Benefits page's two groups of charts ("What was achieved", "Indicators recorded"), the Glossary's
    themes of metrics and the Data page's privacy note were named in bold text: out of a screen reader's list
    of headings, and on Benefits the charts' headings (h3) sat under a bold line under the section's h2. Each
    is headed now: the benefits' two groups as sections (h2) beside the obstacles, each theme of the glossary
    as a part (h3) of its metrics, the privacy note as a part (h3) of the notes."""
    t = toml_catalogue(lang)
    benefits = shared_app.page(PAGES[3], View(f"groups-{lang}", lang).params())
    no_exception(benefits)
    headers = [text for kind, text in main_elements(benefits, {"header"})]
    assert headers == [t["benefits.section_values"], t["benefits.section_counts"], t["benefits.section_obstacles"]]
    glossary = shared_app.page(PAGES[5], View(f"glossary-groups-{lang}", lang).params())
    no_exception(glossary)
    subheaders = [text for kind, text in main_elements(glossary, {"subheader"})]
    themes = [name(lang) for name in THEME_NAMES.values()]
    assert [name for name in subheaders if name in themes] == themes
    data = shared_app.page(PAGES[4], View(f"data-groups-{lang}", lang).params())
    no_exception(data)
    assert ("subheader", t["data.privacy_title"]) in main_elements(data, {"subheader"})
    for at in (benefits, glossary, data):
        bold_lines = [text for kind, text in main_elements(at, {"markdown"}) if WHOLLY_BOLD.fullmatch(text)]
        assert bold_lines == []


def _without(text: str, endings: Iterable[str]) -> str:
    for ending in endings:
        text = text.removesuffix(ending).rstrip()
    return text


@pytest.mark.parametrize(("lang", "page", "filters"), [
    ("id", PAGES[1], "Filter: 2018 · Beijing · Pariwisata · Kota mitra ke Jakarta"),
    ("zh", PAGES[1], "筛选条件：2018 · 北京 · 旅游 · 友好城市赴雅加达"),
])
def test_an_empty_page_says_what_was_looked_for(shared_app: SharedApp, lang: str, page: str, filters: str) -> None:
    """A page the filters leave empty said only "nothing matches the chosen filters": on a phone, whose
    sidebar is closed, and to the reader of a shared link, not which. Its header says them under the intro,
    as every filtered page's does, as the line of filters writes them, once: the notice says what is missing
    and how to widen it in the sidebar. While presenting, the bar above says them; in another site's frame
    the source line under the title. Nor do these two say to widen the filters in the sidebar: a frame has
    none, and a projector hides it."""
    params: dict[str, str | list[str]] = {"field": "tourism", "direction": "inbound", "year": "2018"}
    at = shared_app.page(page, params | ({"lang": lang} if lang != "id" else {}))
    no_exception(at)
    t = toml_catalogue(lang)
    assert infos(at) == [with_hint(t, "empty.no_data", lang)]
    header = at.caption[0].value.split("  \n")
    assert header[:2] == [t[f"{page.removeprefix('views/').removesuffix('.py')}.intro"], filters], header
    assert sum(caption.value.count(filters) for caption in at.caption) == 1
    notice = t["empty.no_data"]  # without "Widen the years … in the sidebar"
    presenting = shared_app.page(page, params | {"present": "1"} | ({"lang": lang} if lang != "id" else {}))
    no_exception(presenting)
    assert infos(presenting) == [notice]
    framed = shared_app.page(page, params | {"frame": "page"} | ({"lang": lang} if lang != "id" else {}))
    no_exception(framed)
    assert infos(framed) == [notice]
    assert [caption.value.count(filters) for caption in framed.caption if filters in caption.value] == [1]


def test_direction_and_field_without_participants(shared_app: SharedApp) -> None:
    """No partner-city delegate ever came for tourism: Participation explains there is nothing to show,
    the Overview says there are no applicants and shows '–' for the selection rate."""
    view = View("inbound-tourism", "en", direction="inbound", fields=("tourism",))
    t = toml_catalogue("en")
    at = shared_app.page(PAGES[1], view.params())
    no_exception(at)
    filters = "Filters: 2017–2019 · Beijing · Tourism · Partner city to Jakarta"
    assert infos(at) == [with_hint(t, "empty.no_data", "en")]
    assert filters in at.caption[0].value.split("  \n")  # under the intro: the notice does not repeat it
    assert not at.get("plotly_chart")
    overview = shared_app.page(PAGES[0], view.params())
    no_exception(overview)
    assert f"**{t['finding.no_applicants']}**" in markdowns(overview)
    rate = next(metric for metric in overview.metric if metric.label == metric_name("selection_rate", "en"))
    assert rate.value == "–"
    assert "selection" not in drawn_charts(overview)


# -- a new year, loaded while the app runs ---------------------------------------------------------------------

def year_2020_workbook(target: Path) -> Path:
    """The 2019 sample with every row's year set to 2020 (everything else unchanged)."""
    workbook = load_workbook(SAMPLE_DIR / "2019.xlsx")
    for sheet in workbook.worksheets:
        header = {cell.value: cell.column for cell in sheet[1]}
        if "year" not in header:
            continue
        for row in range(2, sheet.max_row + 1):
            cell = sheet.cell(row, header["year"])
            if cell.value is not None:
                cell.value = 2020
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def load_with_cli(workbook: Path) -> None:
    """Load as an analyst does, with `python -m etl load` in its own process."""
    done = subprocess.run([sys.executable, "-m", "etl", "--lang", "en", "load", str(workbook)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_new_year_appears_without_restarting_the_app(warehouse: Warehouse, tmp_path: Path) -> None:
    """A year loaded while the dashboard is open is offered at the next rerun of the same session;
    choosing it shows its headline against the year before, and it is not marked as sample data."""
    at = open_app({"lang": "en"})
    no_exception(at)
    assert at.multiselect(key="year").options == ["2017", "2018", "2019"]
    load_with_cli(year_2020_workbook(tmp_path / "upload" / "2020.xlsx"))
    at.run()
    no_exception(at)
    assert at.multiselect(key="year").options == ["2017", "2018", "2019", "2020"]
    at.multiselect(key="year").set_value([2019, 2020]).run()
    no_exception(at)
    view = View("with-2020", "en", years=(2019, 2020))
    heading, metrics = Expected(expected_connection(warehouse, tmp_path / "expected"), view).headline()
    assert heading == "Headline figures for 2020 · change against 2019"
    assert main_elements(at, {"header"})[0] == ("header", heading)
    assert {metric.label: (metric.value, metric.delta or None) for metric in at.metric} == metrics
    assert sample_notice((2019,), "en") in [warning.value for warning in at.warning]


def test_untouched_year_filter_includes_a_newly_loaded_year(warehouse: Warehouse, tmp_path: Path) -> None:
    """A reader who never narrowed the years sees every loaded year: after 2020 is loaded, the next
    rerun of the open session selects it and the headline moves to 2020 (as a new session does)."""
    at = open_app()
    no_exception(at)
    load_with_cli(year_2020_workbook(tmp_path / "upload" / "2020.xlsx"))
    fresh = open_app()
    assert fresh.multiselect(key="year").value == [2017, 2018, 2019, 2020]
    warnings: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    policies = logging.getLogger("streamlit.elements.lib.policies")
    policies.addHandler(handler)
    try:
        at.run()
    finally:
        policies.removeHandler(handler)
    no_exception(at)
    assert at.multiselect(key="year").value == [2017, 2018, 2019, 2020]
    assert not [w for w in warnings if "Session State API" in w], warnings
    assert at.header[0].value == fresh.header[0].value == "Angka utama tahun 2020 · perubahan dibanding 2019"


def test_loading_in_the_app_process_while_pages_are_read(warehouse: Warehouse, tmp_path: Path) -> None:
    """The upload page loads with etl.load.load_files in the dashboard's own process: that must work
    while the dashboard holds its read-only connection, and the next rerun shows the new year."""
    at = open_app({"lang": "en"})
    no_exception(at)
    load_files(warehouse, [year_2020_workbook(tmp_path / "upload" / "2020.xlsx")], loaded_by="test")
    at.run()
    no_exception(at)
    assert "2020" in at.multiselect(key="year").options



# -- a second partner city ----------------------------------------------------------------------------------

def test_a_partner_citys_first_year_is_compared_with_no_year(warehouse: Warehouse, tmp_path: Path) -> None:
    """Seoul's exchange recorded from 2020 on (the 2019 sample moved there): its cards said "+131
    applicants", "+17 activities" against 2019, a year without any Seoul record, read as growth. They
    compare with no year, as Beijing's first year does. Beijing's view, every year selected, headlined 2020
    (0 applicants, -131), a year of Seoul's alone: its cards and findings are of 2019 against 2018. The
    page's title names the partner city chosen."""
    load_files(warehouse, [another_partners_year(tmp_path / "upload" / "2020.xlsx", 2020, "Seoul")],
               loaded_by="test")
    t = toml_catalogue("en")
    seoul = open_app({"lang": "en", "partner": "seoul"})
    no_exception(seoul)
    assert seoul.title[0].value == "Jakarta–Seoul youth exchange at a glance"  # it said Jakarta–Beijing
    # Nothing of Seoul's is sample data: no notice (it called 2017–2019 illustrative, years of Beijing's).
    assert not [warning.value for warning in seoul.warning if "Sample data" in warning.value]
    assert t["metric.heading"].format(year=2020) in visible_texts(seoul)
    assert not [text for text in visible_texts(seoul) if t["metric.compared"].format(previous=2019) in text]
    cards = {metric.label: metric.value for metric in seoul.metric}
    assert cards[METRICS["applicants"].label("en", "Seoul")] == "131"
    assert all(metric.delta in (None, "") for metric in seoul.metric), [(m.label, m.delta) for m in seoul.metric]
    # Its selection chart draws its own years, as the activities beside it do (it drew 2017–2019 as 0).
    assert chart_tables(seoul)["selection"].iloc[:, 0].tolist() == [2020]
    # Returning applicants are counted from Seoul's second year (the page said "the second year loaded on",
    # and 2020 is the fourth).
    participation = open_app({"lang": "en", "partner": "seoul"}, "views/participation.py")
    no_exception(participation)
    assert t["empty.no_returning"].format(partner="Seoul") in [info.value for info in participation.info]
    # Beijing's default view (every year) headlines its own latest year, not 2020 with 0 applicants (-131).
    beijing = open_app({"lang": "en"})
    no_exception(beijing)
    assert [warning.value for warning in beijing.warning if warning.value.startswith(
        t["notice.sample"].format(years="2017, 2018, 2019"))]
    heading = t["metric.heading"].format(year=2019) + " · " + t["metric.compared"].format(previous=2018)
    assert heading in visible_texts(beijing)
    assert all(metric.delta for metric in beijing.metric)
    assert [text for text in visible_texts(beijing) if "In 2019," in text] and \
        not [text for text in visible_texts(beijing) if "In 2020," in text]


@pytest.mark.parametrize("params", [{"lang": "en"}, {"lang": "id", "field": "tourism"}, {"lang": "zh", "year": "2017"}],
                         ids=["en", "id-one-field", "zh-one-year"])
@pytest.mark.parametrize("page", ["views/participation.py", "views/activities.py", "views/benefits.py",
                                  "views/overview.py"])
def test_a_missing_number_is_drawn_empty_and_its_column_keeps_numbers(warehouse: Warehouse, page: str,
                                                                      params: dict[str, str]) -> None:
    """Streamlit draws a missing number as "None", in English, whatever the table's format says (the
    funnel's table read "None" as the first stage's conversion in every language), unless the table gives
    its placeholder. Every table holding a missing number gives an empty one, and writes the column's
    other values as the page formats them; the column stays numeric, so it sorts as numbers."""
    at = open_tables(open_app(params, page))
    no_exception(at)
    assert at.dataframe
    gapped = 0
    for element in at.dataframe:
        data = element.value
        gaps = [column for column in data.columns
                if pd.api.types.is_numeric_dtype(data[column]) and data[column].isna().any()]
        if not gaps:
            continue
        gapped += 1
        assert element.proto.placeholder == "", gaps
        shown = shown_cells(element)
        for column in gaps:
            missing = data[column].isna()
            assert (shown[column][missing] == "").all() and not shown[column][~missing].isin(["", "nan"]).any()
    assert gapped or page != "views/participation.py", "the funnel's first stage has no conversion"


def test_the_funnels_first_stage_has_a_blank_conversion_and_the_rest_their_shares(warehouse: Warehouse) -> None:
    """The first stage has no stage before it: its conversion is missing, drawn empty, and the column still
    holds numbers, so a reader sorting it gets 25 % before 100 % (sent as text, "100,0%" sorted first)."""
    at = open_app({"lang": "id", "year": "2018"}, "views/participation.py")
    header = METRICS["stage_conversion"].label("id")
    open_tables(at)
    (element,) = [e for e in at.dataframe if header in e.value.columns]
    conversion = element.value[header]
    assert pd.api.types.is_float_dtype(conversion), conversion.dtype
    assert pd.isna(conversion.iloc[0]) and conversion.iloc[1] == pytest.approx(0.661, abs=5e-4), conversion.tolist()
    shown = shown_cells(element)[header]
    assert shown.iloc[0] == "" and shown.iloc[1] == "66,1%", shown.tolist()
    assert element.proto.placeholder == ""  # what the browser draws for the missing one
