"""The baseline the dashboard's queries are compared with: whole tables in pandas, grouped in memory.

One pandas function per dashboard.queries function, computing the same figure
(same columns, same rows) from DataFrames holding entire tables, which is what
a dashboard does when it reads its tables with `SELECT *` and aggregates in
pandas. `verify` checks every baseline figure against DuckDB's, so the
comparison is between equal work.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from dashboard import queries
from dashboard.queries import Scope
from etl import schema

Frames = dict[str, pd.DataFrame]
Call = tuple[str, str | None]  # (dashboard.queries function, an argument it was called with, if any)


def load_table(cursor: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """A whole table in pandas, by the fastest route measured (Arrow: 6-8x faster than .df() at 1M rows)."""
    return cursor.sql(f'SELECT * FROM "{name}"').to_arrow_table().to_pandas()


def _participant_mask(p: pd.DataFrame, scope: Scope) -> pd.Series:
    mask = p["partner_city"] == scope.partner
    if not scope.all_fields:
        mask &= p["field"].isin(scope.fields)
    if scope.direction != "both":
        mask &= p["direction"] == scope.direction
    return mask


def _activity_mask(frame: pd.DataFrame, scope: Scope) -> pd.Series:
    mask = frame["partner_city"] == scope.partner
    return mask if scope.all_fields else mask & frame["field"].isin(scope.fields)


def _applicant(p: pd.DataFrame, scope: Scope) -> pd.Series:
    return (p["direction"] == "outbound") | (scope.direction == "inbound")


def _in_years(frame: pd.DataFrame, scope: Scope) -> pd.Series:
    return frame["year"].isin(scope.years)


def available(f: Frames, scope: Scope) -> pd.DataFrame:
    years = pd.DataFrame({"kind": "year", "value": f["loads"]["year"].drop_duplicates().astype(str)})
    partners = pd.concat([f["participants"]["partner_city"], f["activities"]["partner_city"]]).drop_duplicates()
    both = pd.concat([years, pd.DataFrame({"kind": "partner", "value": partners})])
    return both.sort_values(["kind", "value"]).reset_index(drop=True)


def _participant_summary(p: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    p = p[_participant_mask(p, scope)]
    applicant, delegate = _applicant(p, scope), p["status"] == "delegate"
    flags = pd.DataFrame({
        "year": p["year"], "applicants": applicant, "selected": applicant & delegate,
        "reserves": applicant & (p["status"] == "reserve"),
        "delegates_outbound": (p["direction"] == "outbound") & delegate,
        "delegates_inbound": (p["direction"] == "inbound") & delegate})
    return flags.groupby("year").sum()


def yearly_summary(f: Frames, scope: Scope) -> pd.DataFrame:
    a = f["activities"][_activity_mask(f["activities"], scope)].groupby("year").agg(
        activities=("year", "size"), participants_jakarta=("participants_jakarta", "sum"),
        participants_partner=("participants_partner", "sum"), budget_idr=("budget_idr", "sum"))
    b = f["benefits"][_activity_mask(f["benefits"], scope)].groupby("year").size().rename("benefits")
    o = f["obstacles"][f["obstacles"]["partner_city"] == scope.partner].groupby("year").agg(
        obstacles=("year", "size"), mean_severity=("severity", "mean"))
    years = pd.DataFrame(index=pd.Index(sorted(f["loads"]["year"].unique()), name="year"))
    joined = years.join(_participant_summary(f["participants"], scope)).join(a).join(b).join(o)
    counts = [c for c in joined.columns if c != "mean_severity"]
    joined[counts] = joined[counts].fillna(0)
    active = set().union(*(f[table].loc[f[table]["partner_city"] == scope.partner, "year"]
                           for table in ("participants", "activities", "benefits", "obstacles")))
    return joined.assign(partner_active=joined.index.isin(active)).reset_index()


def _grouping_sets(frame: pd.DataFrame, dimensions: tuple[str, ...],
                   measure: Callable[[pd.core.groupby.DataFrameGroupBy], pd.DataFrame]) -> pd.DataFrame:
    """UNION of GROUP BY (year, d) for each d, as GROUPING SETS with a coalesced category."""
    parts = []
    for dimension in dimensions:
        grouped = measure(frame.groupby(["year", dimension], dropna=False)).reset_index()
        parts.append(grouped.rename(columns={dimension: "category"}).assign(dimension=dimension))
    return pd.concat(parts, ignore_index=True)


def participation_breakdown(f: Frames, scope: Scope) -> pd.DataFrame:
    p = f["participants"]
    p = p[_in_years(p, scope) & _participant_mask(p, scope)]
    p = p.assign(delegate=p["status"] == "delegate", applicant=_applicant(p, scope))
    return _grouping_sets(p, queries.BREAKDOWN_DIMENSIONS, lambda g: g.agg(
        participants=("year", "size"), delegates=("delegate", "sum"), applicants=("applicant", "sum")))


def selection_funnel(f: Frames, scope: Scope) -> pd.DataFrame:
    p = f["participants"]
    p = p[_in_years(p, scope) & _participant_mask(p, scope) & _applicant(p, scope)]
    stages = list(schema.STAGE.codes)
    position = p["stage_reached"].map({stage: i + 1 for i, stage in enumerate(stages)})
    rows = []
    for year in sorted(p["year"].unique()):
        reached, in_year = position[p["year"] == year], p[p["year"] == year]
        for index, stage in enumerate(stages, start=1):
            rows.append({"year": year, "stage": stage, "position": index, "applicants": int((reached >= index).sum())})
        rows.append({"year": year, "stage": queries.DELEGATES_STAGE, "position": len(stages) + 1,
                     "applicants": int((in_year["status"] == "delegate").sum())})
    funnel = pd.DataFrame(rows, columns=["year", "stage", "position", "applicants"])
    before = funnel.groupby("year")["applicants"].shift(1)
    return funnel.assign(conversion=funnel["applicants"] / before.where(before > 0))


def repeat_applicants(f: Frames, scope: Scope) -> pd.DataFrame:
    """Without first_year (which the warehouse keeps): each person's first year over every row."""
    p = f["participants"]
    first = p.groupby(["person_key", "partner_city"])["year"].transform("min")
    rows = p.assign(returning=first < p["year"])
    first_loaded = p.loc[p["partner_city"] == scope.partner, "year"].min()
    rows = rows[_participant_mask(rows, scope) & _applicant(rows, scope) & _in_years(rows, scope)]
    counts = rows.groupby("year").agg(applicants=("year", "size"), returning=("returning", "sum")).reset_index()
    # The first loaded year has no earlier year to return from: unknown, not none.
    return counts.assign(returning=counts["returning"].where(counts["year"] > first_loaded))


def activities_breakdown(f: Frames, scope: Scope) -> pd.DataFrame:
    a = f["activities"]
    a = a[_in_years(a, scope) & _activity_mask(a, scope)]
    return _grouping_sets(a, queries.ACTIVITY_DIMENSIONS, lambda g: g.agg(
        activities=("year", "size"), participants_jakarta=("participants_jakarta", "sum"),
        participants_partner=("participants_partner", "sum")))


def activity_timeline(f: Frames, scope: Scope) -> pd.DataFrame:
    a = f["activities"]
    a = a[_in_years(a, scope) & _activity_mask(a, scope)]
    a = a.sort_values(["start_date", "activity_id"], ascending=[False, True]).head(queries.ROW_LIMIT)
    return a[["activity_id", "year", "title", "type", "field", "host_city", "start_date", "end_date",
              "participants_jakarta", "participants_partner", "organizer"]]


def activity_months(f: Frames, scope: Scope) -> pd.DataFrame:
    a = f["activities"]
    a = a[_in_years(a, scope) & _activity_mask(a, scope)]
    start = pd.to_datetime(a["start_date"])
    counts = a.assign(calendar_year=start.dt.year, month=start.dt.month) \
        .groupby(["year", "calendar_year", "month", "type"], as_index=False).size()
    return counts.rename(columns={"size": "activities"})


def benefits_breakdown(f: Frames, scope: Scope) -> pd.DataFrame:
    b = f["benefits"]
    b = b[_in_years(b, scope) & _activity_mask(b, scope)]
    pairs = b.groupby(["year", "category", "beneficiary"], dropna=False).size().rename("indicators").reset_index()
    parts = [pairs.assign(dimension="category_beneficiary", value=None)]
    for dimension in ("level", "framework", "source"):
        counts = b.groupby(["year", dimension], dropna=False).size().rename("indicators").reset_index()
        parts.append(counts.rename(columns={dimension: "value"}).assign(
            dimension=dimension, category=None, beneficiary=None))
    return pd.concat(parts, ignore_index=True)[["dimension", "year", "category", "beneficiary", "value", "indicators"]]


def benefit_indicators(f: Frames, scope: Scope) -> pd.DataFrame:
    b = f["benefits"]
    b = b[_in_years(b, scope) & _activity_mask(b, scope)]
    b = b.sort_values(["year", "category", "benefit_id"], ascending=[False, True, True]).head(queries.ROW_LIMIT)
    return b[["year", "category", "beneficiary", "level", "indicator_code", "indicator", "value", "unit", "framework",
              "source", "field"]]


def _benefit_codes(b: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per row: its code's selected years and most records in one year (NaN without a code)."""
    per_code = b.groupby(["indicator_code", "unit"], dropna=False)
    years = per_code["year"].transform("nunique")
    most_in_a_year = b.groupby(["indicator_code", "unit", "year"], dropna=False)["year"].transform("size") \
        .groupby([b["indicator_code"], b["unit"]], dropna=False).transform("max")
    return years, most_in_a_year


def benefit_values(f: Frames, scope: Scope) -> pd.DataFrame:
    b = f["benefits"]
    b = b[_in_years(b, scope) & _activity_mask(b, scope)].copy()
    years, most_in_a_year = _benefit_codes(b)
    b["recurs"] = b["indicator_code"].notna() & (years > 1) & (most_in_a_year == 1)
    b["of_year"] = b.groupby(["unit", "year"])["year"].transform("size")
    b = b.sort_values(["unit", "category", "beneficiary", "indicator_code", "year", "benefit_id"], na_position="last")
    b = b.groupby(["unit", "year"], sort=False).head(queries.VALUES_LIMIT)  # head keeps the sorted order
    return b[["year", "benefit_id", "indicator_code", "indicator", "category", "beneficiary", "level", "unit", "value",
              "recurs", "of_year"]]


def codes_not_followed(f: Frames, scope: Scope) -> pd.DataFrame:
    b = f["benefits"]
    b = b[_in_years(b, scope) & _activity_mask(b, scope)]
    years, most_in_a_year = _benefit_codes(b)
    chosen = b[b["indicator_code"].notna() & (years > 1) & (most_in_a_year > 1)]
    return chosen[["unit", "indicator_code"]].drop_duplicates().sort_values(["unit", "indicator_code"])


def _obstacles(f: Frames, scope: Scope) -> pd.DataFrame:
    o = f["obstacles"]
    return o[_in_years(o, scope) & (o["partner_city"] == scope.partner)]


def obstacles_breakdown(f: Frames, scope: Scope) -> pd.DataFrame:
    return _obstacles(f, scope).groupby(["year", "category", "severity"]).size().rename("obstacles").reset_index()


def obstacle_list(f: Frames, scope: Scope) -> pd.DataFrame:
    o = _obstacles(f, scope).sort_values(["severity", "year", "obstacle_id"], ascending=[False, False, True])
    return o.head(queries.ROW_LIMIT)[["year", "category", "severity", "description", "mitigation"]]


def load_history(f: Frames, scope: Scope) -> pd.DataFrame:
    recorded = f["year_status"].dropna(subset=["load_id"])[["load_id", "provisional"]]
    loads = f["loads"].merge(recorded.astype({"load_id": f["loads"]["load_id"].dtype}), on="load_id", how="left")
    loads["provisional"] = loads["provisional"].fillna(False).astype(bool)
    return loads.sort_values("load_id", ascending=False)


def sample_years(f: Frames, scope: Scope) -> pd.DataFrame:
    loads = f["loads"]
    live = loads[loads["load_id"].isin(loads.groupby("year")["load_id"].max())]
    return live[live["is_sample"]][["year"]].sort_values("year")


def provisional_years(f: Frames, scope: Scope) -> pd.DataFrame:
    latest = f["year_status"].sort_values("change_id").groupby("year").tail(1)
    return latest[latest["provisional"].astype(bool)][["year"]].sort_values("year")


EXPORT_MASKS: dict[str, Callable[[pd.DataFrame, Scope], pd.Series]] = {
    "participants": _participant_mask, "activities": _activity_mask, "benefits": _activity_mask,
    "obstacles": lambda frame, scope: frame["partner_city"] == scope.partner}


def export_counts(f: Frames, scope: Scope) -> pd.DataFrame:
    return pd.DataFrame({"table": list(EXPORT_MASKS), "rows": [
        int((_in_years(f[table], scope) & mask(f[table], scope)).sum()) for table, mask in EXPORT_MASKS.items()]})


FIGURES: dict[str, Callable[[Frames, Scope], pd.DataFrame]] = {function.__name__: function for function in (
    available, yearly_summary, participation_breakdown, selection_funnel, repeat_applicants, activities_breakdown,
    activity_timeline, activity_months, benefits_breakdown, benefit_indicators, benefit_values, codes_not_followed,
    obstacles_breakdown, obstacle_list, load_history, sample_years, provisional_years, export_counts)}
# The tables each figure reads (whole), for the cost of loading them.
TABLES: dict[str, tuple[str, ...]] = {
    "available": ("loads", "participants", "activities"),
    "yearly_summary": ("loads", "participants", "activities", "benefits", "obstacles"),
    "participation_breakdown": ("participants",), "selection_funnel": ("participants",),
    "repeat_applicants": ("participants",), "activities_breakdown": ("activities",),
    "activity_timeline": ("activities",), "activity_months": ("activities",), "benefits_breakdown": ("benefits",),
    "benefit_indicators": ("benefits",), "benefit_values": ("benefits",), "codes_not_followed": ("benefits",),
    "obstacles_breakdown": ("obstacles",), "obstacle_list": ("obstacles",),
    "load_history": ("loads", "year_status"), "sample_years": ("loads",), "provisional_years": ("year_status",),
    "export_counts": ("participants", "activities", "benefits", "obstacles"),
}


def tables_of(call: Call) -> tuple[str, ...]:
    return TABLES[call[0]]


def compute(call: Call, frames: Frames, scope: Scope) -> pd.DataFrame | int:
    return FIGURES[call[0]](frames, scope)


def run_query(call: Call, cursor: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame | int:
    """The dashboard's own query for a call (what the page runs)."""
    return queries.QUERIES[call[0]](cursor, scope)


# -- checking that the baseline computes the same figures ---------------------------

def _plain(value: object) -> object:
    """A comparable form of a cell: None for every kind of missing, floats rounded, dates as text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), 6)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return float(value)
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return pd.Timestamp(value).isoformat()
    return str(value)


def _rows(result: pd.DataFrame | int, columns: list[str]) -> list[tuple[object, ...]]:
    if isinstance(result, int):
        return [(float(result),)]
    frame = result[columns]
    return sorted((tuple(_plain(v) for v in row) for row in frame.itertuples(index=False, name=None)), key=repr)


def same_figure(ours: pd.DataFrame | int, theirs: pd.DataFrame | int) -> bool:
    """Equal as multisets of rows (order ignored: LIMIT lists are sorted on unique keys in both)."""
    if isinstance(ours, int) or isinstance(theirs, int):
        return _rows(ours, []) == _rows(theirs, [])
    if set(ours.columns) != set(theirs.columns):
        return False
    columns = list(ours.columns)
    return _rows(ours, columns) == _rows(theirs, columns)
