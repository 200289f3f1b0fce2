"""Every number the dashboard shows, as a parameterised DuckDB aggregate.

Rules kept here so pages never need to think about them:
- GROUP BY runs in DuckDB; only aggregates (a few dozen rows) reach pandas.
  Breakdowns share one scan with GROUPING SETS, so a page costs a handful of
  queries whatever the data size.
- Every value is a bound parameter ($years, $partner, ...); the only
  identifiers in the SQL are this module's constants.
- Results are cached per (warehouse version, query, the parts of the scope
  the query reads): a new load changes the version, so nothing stale is ever
  served and nothing has to be invalidated by hand.
- Lists of rows (timeline, indicator tables) are capped by LIMIT.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from dashboard.db import Reader
from etl import schema
from etl.package import PROVISIONAL_COLUMN, published_columns
from etl.warehouse import PROVISIONAL_YEARS_SQL, YEAR_TOTALS

ROW_LIMIT = 500  # rows shown in a table or timeline; downloads are not capped
# Achieved values a unit's chart draws for one year, a bar each: 50 bars run about 2,000 px on a laptop (two
# screens), past which the indicator table below reads better; it and the downloads hold the rest. The
# sample's years hold 12-20 values in all units together.
VALUES_LIMIT = 50


@dataclass(frozen=True)
class Scope:
    """The part of the filters that changes the data (language does not)."""

    years: tuple[int, ...]
    partner: str = schema.DEFAULT_PARTNER_CITY
    fields: tuple[str, ...] = schema.FIELD.codes
    direction: str = "both"

    @property
    def all_fields(self) -> bool:
        """No field narrowing (rows without a field, e.g. some benefits, stay in)."""
        return schema.FIELD.covers(self.fields)

    def params(self) -> dict[str, object]:
        return {"years": list(self.years), "partner": self.partner, "fields": list(self.fields),
                "all_fields": self.all_fields, "direction": self.direction}

    def narrowed(self, reads: frozenset[str]) -> Scope:
        """The scope with each part not in ``reads`` (names of its fields) set to one fixed value (no years, or
        the field's default): the same answer, whatever the reader chose for a part the query does not read."""
        return Scope(**{"years": (), **{part: getattr(self, part) for part in reads}})


# WHERE clauses per table. Direction only exists for participants; obstacles have no field.
PARTICIPANT_FILTER = """partner_city = $partner AND ($all_fields OR list_contains($fields, field))
    AND ($direction = 'both' OR direction = $direction)"""
ACTIVITY_FILTER = "partner_city = $partner AND ($all_fields OR list_contains($fields, field))"
BENEFIT_FILTER = ACTIVITY_FILTER
OBSTACLE_FILTER = "partner_city = $partner"
IN_YEARS = "list_contains($years, year)"
# Applicants of a selection: Jakarta's (outbound) unless the reader asked for inbound.
IS_APPLICANT = "(direction = 'outbound' OR $direction = 'inbound')"


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    """Only the parameters the statement names (DuckDB refuses extra ones)."""
    return {name: value for name, value in params.items() if re.search(rf"\${name}\b", sql)}


def _frame(cursor: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pd.DataFrame:
    return cursor.execute(sql, _used(sql, params)).df()


# -- the queries (plain functions: the benchmark calls them without Streamlit) --

def available(cursor: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> pd.DataFrame:
    """Loaded years and partner cities (filter options)."""
    return _frame(cursor, """
        SELECT 'year' AS kind, CAST(year AS VARCHAR) AS value FROM loads GROUP BY year
        UNION ALL
        SELECT 'partner', partner_city FROM (SELECT DISTINCT partner_city FROM participants
                                            UNION SELECT DISTINCT partner_city FROM activities)
        ORDER BY 1, 2""", {})


def yearly_summary(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Headline figures per year, for every loaded year (for the change against the year before), and whether
    the partner city has any row in the year, whatever the fields and direction (partner_active): a year
    before its exchange with Jakarta began is no year to compare with.

    Read from the warehouse's year totals (etl.warehouse.YEAR_TOTALS: each group of rows counted once per
    load), with the same filters as the rows: every page reads this summary, and a field or direction chosen
    would otherwise scan every row of every year (127 ms at 10M participants for one field)."""
    sql = f"""
        WITH years AS (SELECT DISTINCT year FROM loads),
        active AS (SELECT year FROM participants_by_year WHERE partner_city = $partner
                   UNION SELECT year FROM activities_by_year WHERE partner_city = $partner
                   UNION SELECT year FROM benefits_by_year WHERE partner_city = $partner
                   UNION SELECT year FROM obstacles_by_year WHERE partner_city = $partner),
        p AS (
            SELECT year,
                   sum(row_count) FILTER ({IS_APPLICANT}) AS applicants,
                   sum(row_count) FILTER ({IS_APPLICANT} AND status = 'delegate') AS selected,
                   sum(row_count) FILTER ({IS_APPLICANT} AND status = 'reserve') AS reserves,
                   sum(row_count) FILTER (direction = 'outbound' AND status = 'delegate') AS delegates_outbound,
                   sum(row_count) FILTER (direction = 'inbound' AND status = 'delegate') AS delegates_inbound
            FROM participants_by_year WHERE {PARTICIPANT_FILTER} GROUP BY year),
        a AS (
            SELECT year, sum(row_count) AS activities,
                   coalesce(sum(participants_jakarta), 0) AS participants_jakarta,
                   coalesce(sum(participants_partner), 0) AS participants_partner,
                   coalesce(sum(budget_idr), 0) AS budget_idr
            FROM activities_by_year WHERE {ACTIVITY_FILTER} GROUP BY year),
        b AS (SELECT year, sum(row_count) AS benefits FROM benefits_by_year WHERE {BENEFIT_FILTER} GROUP BY year),
        o AS (SELECT year, sum(row_count) AS obstacles, sum(severity_sum) / sum(severity_count) AS mean_severity
              FROM obstacles_by_year WHERE {OBSTACLE_FILTER} GROUP BY year)
        SELECT years.year,
               {_count("p.applicants")} AS applicants, {_count("p.selected")} AS selected,
               {_count("p.reserves")} AS reserves,
               {_count("p.delegates_outbound")} AS delegates_outbound,
               {_count("p.delegates_inbound")} AS delegates_inbound,
               {_count("a.activities")} AS activities,
               coalesce(a.participants_jakarta, 0) AS participants_jakarta,
               coalesce(a.participants_partner, 0) AS participants_partner,
               coalesce(a.budget_idr, 0) AS budget_idr,
               {_count("b.benefits")} AS benefits,
               {_count("o.obstacles")} AS obstacles, o.mean_severity,
               years.year IN (SELECT year FROM active) AS partner_active
        FROM years LEFT JOIN p USING (year) LEFT JOIN a USING (year) LEFT JOIN b USING (year)
             LEFT JOIN o USING (year)
        ORDER BY years.year"""
    return _frame(cursor, sql, scope.params())


def _count(total: str) -> str:
    """A count summed from the year totals, as count(*) gives it: 0 for no rows, a 64-bit integer."""
    return f"CAST(coalesce({total}, 0) AS BIGINT)"


def _per_year_sets(dimensions: tuple[str, ...]) -> tuple[str, str, str]:
    """GROUPING SETS (year, d) for each dimension d, and the expressions naming each row's set.

    One scan answers every breakdown of a page; each output row says which
    dimension it belongs to and holds that dimension's code as "category".
    """
    sets = ", ".join(f"(year, {d})" for d in dimensions)
    category = "coalesce(" + ", ".join(dimensions) + ")"
    dimension = "CASE " + " ".join(f"WHEN grouping({d}) = 0 THEN '{d}'" for d in dimensions) + " END"
    return sets, category, dimension


BREAKDOWN_DIMENSIONS = ("field", "status", "gender", "origin", "institution_type")


def participation_breakdown(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Participants and delegates per year by each dimension.

    The warehouse's year totals are grouped at the finest grain (a few thousand
    rows even at 10M participants); GROUPING SETS then roll that small result up
    per dimension. Measured at 10M rows, every field: 0.33 s with GROUPING SETS on
    the table itself, 0.22 s from the rows grouped first; one field: 90 ms from
    the rows grouped first, 12 ms from the totals.
    """
    sets, category, dimension = _per_year_sets(BREAKDOWN_DIMENSIONS)
    columns = ", ".join(BREAKDOWN_DIMENSIONS)
    sql = f"""
        WITH fine AS (
            SELECT year, {columns}, sum(row_count) AS n,
                   coalesce(sum(row_count) FILTER (status = 'delegate'), 0) AS d,
                   coalesce(sum(row_count) FILTER ({IS_APPLICANT}), 0) AS a
            FROM participants_by_year WHERE {IN_YEARS} AND {PARTICIPANT_FILTER}
            GROUP BY year, {columns})
        SELECT {dimension} AS dimension, {category} AS category, year,
               sum(n)::BIGINT AS participants, sum(d)::BIGINT AS delegates, sum(a)::BIGINT AS applicants
        FROM fine
        GROUP BY GROUPING SETS ({sets})
        ORDER BY dimension, year, category"""
    return _frame(cursor, sql, scope.params())


DELEGATES_STAGE = "delegates"  # the funnel's last bar: applicants whose status is delegate


def selection_funnel(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Applicants who reached at least each selection stage, per year, and then the delegates, with the
    conversion from the stage before (the metric stage_conversion).

    The stage "selected" holds delegates and reserves; the last row of each
    year (stage DELEGATES_STAGE) counts delegates only, so the funnel ends on
    the number every other screen calls delegates. The first stage has no
    stage before it, and a stage after one nobody reached has nobody to
    convert: their conversion is NULL (once 100 % in the table and 0 % on hover).
    """
    sql = f"""
        WITH reached AS (
            SELECT year, list_position($stages, stage_reached) AS position, status = 'delegate' AS delegate,
                   sum(row_count)::BIGINT AS n
            FROM participants_by_year WHERE {IN_YEARS} AND {PARTICIPANT_FILTER} AND {IS_APPLICANT}
            GROUP BY ALL),
        stages AS (SELECT unnest($stages) AS stage, generate_subscripts($stages, 1) AS position),
        funnel AS (
            SELECT r.year, s.stage, s.position,
                   coalesce(sum(r.n) FILTER (r.position >= s.position), 0) AS applicants
            FROM reached r CROSS JOIN stages s
            GROUP BY ALL
            UNION ALL
            SELECT year, '{DELEGATES_STAGE}', len($stages) + 1, coalesce(sum(n) FILTER (delegate), 0)
            FROM reached GROUP BY year)
        SELECT year, stage, position, applicants,
               applicants / nullif(lag(applicants) OVER (PARTITION BY year ORDER BY position), 0) AS conversion
        FROM funnel
        ORDER BY year, position"""
    return _frame(cursor, sql, scope.params() | {"stages": list(schema.STAGE.codes)})


def repeat_applicants(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Per selected year: applicants, and those who had applied in an earlier year.

    "Earlier" looks at every field and direction (participants.first_year, kept
    by the warehouse at each load, counted in its year totals as applied_before):
    someone who applied in tourism before and in
    arts and culture now is a returning applicant of arts and culture. The
    partner city's first loaded year has no earlier year to return from: its
    returning applicants are unknown (NULL), not none.
    """
    sql = f"""
        SELECT year, {_count("sum(row_count)")} AS applicants,
               CASE WHEN year > (SELECT min(year) FROM participants_by_year WHERE partner_city = $partner)
                    THEN {_count("sum(row_count) FILTER (applied_before)")} END AS returning
        FROM participants_by_year WHERE {IN_YEARS} AND {PARTICIPANT_FILTER} AND {IS_APPLICANT}
        GROUP BY year ORDER BY year"""
    return _frame(cursor, sql, scope.params())


ACTIVITY_DIMENSIONS = ("type", "field", "host_city")


def activities_breakdown(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Activities and participants from each side per year by type, field and host city."""
    sets, category, dimension = _per_year_sets(ACTIVITY_DIMENSIONS)
    sql = f"""
        SELECT {dimension} AS dimension, {category} AS category, year, count(*) AS activities,
               coalesce(sum(participants_jakarta), 0) AS participants_jakarta,
               coalesce(sum(participants_partner), 0) AS participants_partner
        FROM activities WHERE {IN_YEARS} AND {ACTIVITY_FILTER}
        GROUP BY GROUPING SETS ({sets})
        ORDER BY dimension, year, category"""
    return _frame(cursor, sql, scope.params())


def activity_timeline(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The latest activities (at most ROW_LIMIT) with their dates, for a timeline."""
    sql = f"""
        SELECT activity_id, year, title, type, field, host_city, start_date, end_date,
               participants_jakarta, participants_partner, organizer
        FROM activities WHERE {IN_YEARS} AND {ACTIVITY_FILTER}
        ORDER BY start_date DESC, activity_id LIMIT $limit"""
    return _frame(cursor, sql, scope.params() | {"limit": ROW_LIMIT})


def activity_months(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Activities per program year, month of their start (its calendar year and month) and type, over the whole
    selection: a timeline of more activities than it has rows counts these (the 500 most recent counted only a
    month at 1M rows)."""
    sql = f"""
        SELECT year, year(start_date) AS calendar_year, month(start_date) AS month, type, count(*) AS activities
        FROM activities WHERE {IN_YEARS} AND {ACTIVITY_FILTER}
        GROUP BY ALL ORDER BY ALL"""
    return _frame(cursor, sql, scope.params())


BENEFIT_DIMENSIONS = ("category", "beneficiary", "level", "framework", "source")


def benefits_breakdown(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Benefit indicators per year by category × beneficiary, and by level, framework, source."""
    sql = f"""
        SELECT CASE WHEN grouping(category, beneficiary) = 0 THEN 'category_beneficiary'
                    WHEN grouping(level) = 0 THEN 'level'
                    WHEN grouping(framework) = 0 THEN 'framework'
                    ELSE 'source' END AS dimension,
               year, category, beneficiary, coalesce(level, framework, source) AS value,
               count(*) AS indicators
        FROM benefits WHERE {IN_YEARS} AND {BENEFIT_FILTER}
        GROUP BY GROUPING SETS ((year, category, beneficiary), (year, level), (year, framework),
                                (year, source))
        ORDER BY dimension, year"""
    return _frame(cursor, sql, scope.params())


def benefit_indicators(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The indicator rows themselves (at most ROW_LIMIT)."""
    sql = f"""
        SELECT year, category, beneficiary, level, indicator_code, indicator, value, unit, framework, source, field
        FROM benefits WHERE {IN_YEARS} AND {BENEFIT_FILTER}
        ORDER BY year DESC, category, benefit_id LIMIT $limit"""
    return _frame(cursor, sql, scope.params() | {"limit": ROW_LIMIT})


# The selection's benefits, and each indicator code of a unit: in how many selected years it is recorded
# (several_years) and most often in one year (most_in_a_year). One definition for benefit_values' ``recurs``
# and codes_not_followed.
BENEFIT_CODES = f"""
        chosen AS NOT MATERIALIZED (
            SELECT year, benefit_id, indicator_code, indicator, category, beneficiary, level, unit, value
            FROM benefits WHERE {IN_YEARS} AND {BENEFIT_FILTER}),
        per_year AS (
            SELECT indicator_code, unit, year, count(*) AS times FROM chosen WHERE indicator_code IS NOT NULL
            GROUP BY ALL),
        codes AS (
            SELECT indicator_code, unit, count(*) > 1 AS several_years, max(times) AS most_in_a_year
            FROM per_year GROUP BY ALL)"""


def benefit_values(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Achieved values of the indicators, for the outcome charts: at most VALUES_LIMIT per unit and year, the
    first in the order of category, beneficiary and code, with ``of_year`` the count of the unit's values
    that year.

    The limit is per unit and year because each chart shows one unit, and the values chart one year: one
    limit across them (the query's first form) let a unit of many values fill it, so the other units' charts
    disappeared and the latest year lost its last categories, without a word. ``of_year`` lets a chart say
    when it shows part of a year.

    ``recurs`` marks the indicators whose code appears in more than one selected year, once in each
    (computed over every chosen value, not only those within the limit): those are followed across years;
    an indicator without a code is shown for its own year only, and a code recorded more than once in a
    year is not followed (codes_not_followed).

    Measured at 10M rows, every year selected (1.33M values): 0.19 s. Codes are grouped and joined back (the
    same answer from window functions took 0.80 s); each unit and year keeps its first IDs with min_by's
    top-N (numbering the rows in a window took 0.8-0.98 s), and ``chosen`` is read again rather than
    materialised (0.26 s). The single limit across units and years took 0.06 s.
    """
    sql = f"""
        WITH {BENEFIT_CODES},
        firsts AS (
            SELECT unit, year, count(*) AS of_year,
                   unnest(min_by(benefit_id, (category, beneficiary, indicator_code IS NULL, indicator_code,
                                              benefit_id), $limit)) AS benefit_id
            FROM chosen GROUP BY unit, year)
        SELECT c.year, c.benefit_id, c.indicator_code, c.indicator, c.category, c.beneficiary, c.level, c.unit,
               c.value, coalesce(k.several_years AND k.most_in_a_year = 1, false) AS recurs, f.of_year
        FROM chosen c JOIN firsts f USING (unit, year, benefit_id) LEFT JOIN codes k USING (indicator_code, unit)
        ORDER BY c.unit, c.category, c.beneficiary, c.indicator_code NULLS LAST, c.year, c.benefit_id"""
    return _frame(cursor, sql, scope.params() | {"limit": VALUES_LIMIT})


def codes_not_followed(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The indicator codes of a unit recorded in more than one selected year and more than once in one of
    them (for two activities, say: the contract does not forbid it). Which of a year's values to follow
    cannot be told, so the trends leave them out and say so. From every chosen value: read from the values
    the charts draw (benefit_values), a year of many values named only the codes within its first fifty."""
    sql = f"""
        WITH {BENEFIT_CODES}
        SELECT unit, indicator_code FROM codes WHERE several_years AND most_in_a_year > 1
        ORDER BY unit, indicator_code"""
    return _frame(cursor, sql, scope.params())


def obstacles_breakdown(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Obstacles per year, category and severity."""
    sql = f"""
        SELECT year, category, severity, count(*) AS obstacles
        FROM obstacles WHERE {IN_YEARS} AND {OBSTACLE_FILTER}
        GROUP BY ALL ORDER BY year, category, severity"""
    return _frame(cursor, sql, scope.params())


def obstacle_list(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Obstacles with their mitigations, most severe first (at most ROW_LIMIT)."""
    sql = f"""
        SELECT year, category, severity, description, mitigation
        FROM obstacles WHERE {IN_YEARS} AND {OBSTACLE_FILTER}
        ORDER BY severity DESC, year DESC, obstacle_id LIMIT $limit"""
    return _frame(cursor, sql, scope.params() | {"limit": ROW_LIMIT})


def load_history(cursor: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> pd.DataFrame:
    """Every load, with the status (provisional or not) it recorded for its year; a load from
    before year statuses were kept counts as final."""
    return _frame(cursor, """
        SELECT load_id, loads.year, file_name, sha256, snapshot_sha256, rows_participants, rows_activities,
               rows_benefits, rows_obstacles, loaded_by, loaded_at, replaced_load_id, restored_from_load_id,
               is_sample, coalesce(s.provisional, false) AS provisional
        FROM loads LEFT JOIN year_status s USING (load_id) ORDER BY load_id DESC""", {})


def last_update(cursor: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> pd.DataFrame:
    """When the published data last changed, in UTC: its latest load (a restore is one) or change of a year's
    status (a finalise). Every page says it beside the data version; one row, NULL before any load."""
    return _frame(cursor, """
        SELECT max(moment) AS updated_at FROM (SELECT max(loaded_at) AS moment FROM loads
                                          UNION ALL SELECT max(changed_at) FROM year_status)""", {})


def sample_years(cursor: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> pd.DataFrame:
    """Years whose live load is the bundled (illustrative) sample data."""
    return _frame(cursor, """
        SELECT year FROM loads WHERE load_id IN (SELECT max(load_id) FROM loads GROUP BY year)
        AND is_sample ORDER BY year""", {})


def provisional_years(cursor: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> pd.DataFrame:
    """Years whose figures are provisional now (the latest status change of the year says so)."""
    return _frame(cursor, f"{PROVISIONAL_YEARS_SQL} ORDER BY year", {})


# Export: the filtered rows of each table; person_key (a linking pseudonym) is never exported.
EXPORT_FILTERS = {"participants": PARTICIPANT_FILTER, "activities": ACTIVITY_FILTER,
                  "benefits": BENEFIT_FILTER, "obstacles": OBSTACLE_FILTER}
# The last column of every download: true on the rows of a year whose figures are provisional now.
# The columns of a table's download, the API and the open data package: one definition (etl.package).
export_columns = published_columns
INTEGER_COLUMNS = {column.name for sheet in schema.SHEETS for column in (*sheet.columns, *sheet.derived)
                   if column.kind is schema.Kind.INTEGER}


def export_rows(cursor: duckdb.DuckDBPyConnection, table: str, scope: Scope, limit: int | None = None,
                offset: int = 0) -> pd.DataFrame:
    """The filtered rows of a table's download, in a stable order (year, ID); a page of them with ``limit``."""
    if table not in EXPORT_FILTERS:
        raise KeyError(table)
    columns = ", ".join(f'"{name}"' if name != PROVISIONAL_COLUMN else f"year IN ({PROVISIONAL_YEARS_SQL}) AS {name}"
                        for name in export_columns(table))
    sql = (f'SELECT {columns} FROM "{table}" WHERE {IN_YEARS} AND {EXPORT_FILTERS[table]} '
           f"ORDER BY year, 1")
    params = scope.params()
    if limit is not None:
        sql += " LIMIT $limit OFFSET $offset"
        params |= {"limit": limit, "offset": offset}
    rows = _frame(cursor, sql, params)
    # Whole numbers stay whole where a cell is empty (pandas would turn the column into 3.0, 4.0).
    return rows.astype({name: "Int64" for name in rows.columns if name in INTEGER_COLUMNS})


def export_counts(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Rows each table's download would hold, in one statement (cached like every figure), counted from the
    table's year totals (etl.warehouse.YEAR_TOTALS) with the download's own filter."""
    totals_of = {totals.sheet: totals.table for totals in YEAR_TOTALS.values()}
    sql = " UNION ALL ".join(
        f"SELECT '{table}' AS \"table\", {_count('sum(row_count)')} AS \"rows\" FROM {schema.quote(totals_of[table])} "
        f"WHERE {IN_YEARS} AND {where}"
        for table, where in EXPORT_FILTERS.items())
    return _frame(cursor, sql, scope.params())


# -- cached access for the pages ------------------------------------------------

Query = Callable[[duckdb.DuckDBPyConnection, Scope], pd.DataFrame]
QUERIES: dict[str, Query] = {query.__name__: query for query in (
    available, yearly_summary, participation_breakdown, selection_funnel, repeat_applicants,
    activities_breakdown, activity_timeline, activity_months, benefits_breakdown, benefit_indicators,
    benefit_values, codes_not_followed, obstacles_breakdown, obstacle_list, load_history, last_update,
    sample_years, provisional_years, export_counts)}


# The parts of the scope each query's statement names ($years; $partner; $fields and $all_fields; $direction),
# on which alone its answer depends: answers are cached by these parts (answer_scope). Removing a year chip thus
# reuses the summary of every loaded year (yearly_summary, read by every page: 0.16-0.18 s at 10M rows), and a
# change of direction the activities', benefits' and obstacles' answers. tests/test_queries.py checks each entry
# against the statements the query runs.
_PARTICIPANTS = frozenset({"years", "partner", "fields", "direction"})
_ACTIVITIES = frozenset({"years", "partner", "fields"})
READS: dict[str, frozenset[str]] = {
    "available": frozenset(), "yearly_summary": frozenset({"partner", "fields", "direction"}),
    "participation_breakdown": _PARTICIPANTS, "selection_funnel": _PARTICIPANTS, "repeat_applicants": _PARTICIPANTS,
    "activities_breakdown": _ACTIVITIES, "activity_timeline": _ACTIVITIES, "activity_months": _ACTIVITIES,
    "benefits_breakdown": _ACTIVITIES, "benefit_indicators": _ACTIVITIES, "benefit_values": _ACTIVITIES,
    "codes_not_followed": _ACTIVITIES, "obstacles_breakdown": frozenset({"years", "partner"}),
    "obstacle_list": frozenset({"years", "partner"}), "load_history": frozenset(), "last_update": frozenset(),
    "sample_years": frozenset(), "provisional_years": frozenset(), "export_counts": _PARTICIPANTS}


def answer_scope(name: str, scope: Scope | None) -> Scope | None:
    """The scope query ``name``'s answer is cached by: ``scope`` narrowed to the parts the query reads."""
    return None if scope is None else scope.narrowed(READS[name])


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(_cursor: duckdb.DuckDBPyConnection, data_version: str, name: str, scope: Scope | None) -> pd.DataFrame:
    # data_version (the published file) is part of the key: a new load is a new
    # file, so a cached answer can never outlive the data it was computed from.
    return QUERIES[name](_cursor, scope)  # type: ignore[arg-type]


def fetch(reader: Reader, name: str, scope: Scope | None = None) -> pd.DataFrame:
    """Run query ``name`` for ``scope`` through the cache."""
    return _cached(reader.cursor, reader.cache_key, name, answer_scope(name, scope))
