"""The benchmark's warehouses follow the schema the app reads (a 10M run failed once on a new column), and its
pandas baseline computes the figures the dashboard's queries do (it fell behind three new columns once)."""

from __future__ import annotations

import calendar
import html
from pathlib import Path

import pytest

from bench.pandas_baseline import FIGURES, TABLES, compute, load_table, run_query, same_figure
from bench.warehouses import ensure_big, scaled_counts, table_counts
from dashboard import queries
from etl.warehouse import Warehouse
from tests.apptest import month_totals


def test_a_generated_warehouse_is_current_and_answers_every_query(tmp_path: Path) -> None:
    counts = scaled_counts(2_000, {"participants": 345, "activities": 46, "benefits": 48, "obstacles": 18})
    link = ensure_big(tmp_path, counts)
    warehouse = Warehouse(link)
    assert not warehouse.outdated(), "the app would try to upgrade it when the server starts"
    assert table_counts(link) == counts
    with warehouse.connect_reader() as connection:
        years = tuple(int(year) for (year,) in connection.execute("SELECT DISTINCT year FROM participants").fetchall())
        scope = queries.Scope(years)
        for name, query in queries.QUERIES.items():
            answer = query(connection, None if name == "available" else scope)
            assert answer is not None, name
        codes = connection.execute("SELECT count(*) FROM benefits WHERE indicator_code IS NULL").fetchall()[0][0]
        assert codes == 0


@pytest.mark.parametrize("scope", [queries.Scope((2017, 2018, 2019)),
                                   queries.Scope((2018,), fields=("tourism", "arts_culture"), direction="inbound")],
                         ids=["default", "narrowed"])
def test_the_pandas_baseline_computes_the_dashboards_figures(warehouse: Warehouse, scope: queries.Scope) -> None:
    """The bench times pandas against DuckDB on the same figures; a figure that differs is no comparison."""
    with warehouse.connect_reader() as connection:
        cursor = connection.cursor()
        frames = {table: load_table(cursor, table) for table in {t for tables in TABLES.values() for t in tables}}
        differing = [name for name in FIGURES
                     if not same_figure(run_query((name, None), cursor, scope), compute((name, None), frames, scope))]
    assert set(FIGURES) <= set(queries.QUERIES) and differing == []


def test_every_chart_builds_on_a_generated_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated data are not the sample's: indicator codes recorded more than once in a year made the
    Benefits page fail at 1M and 10M rows (found by a full bench run). Every chart of every page is built on
    a generated warehouse large enough to repeat codes within a year, in every language."""
    from dashboard import charts, db
    from dashboard.context import PageContext
    from dashboard.filters import Available, Filters
    from dashboard.report import build_report
    from etl import schema

    counts = scaled_counts(20_000, {"participants": 345, "activities": 46, "benefits": 48, "obstacles": 18})
    link = ensure_big(tmp_path, counts)
    monkeypatch.setenv("DASHBOARD_DB", str(link))
    with Warehouse(link).connect_reader() as connection:
        years = tuple(int(y) for (y,) in connection.execute("SELECT DISTINCT year FROM benefits ORDER BY 1").fetchall())
        repeated = connection.execute("""SELECT count(*) FROM (SELECT indicator_code FROM benefits
            GROUP BY indicator_code, unit, year HAVING count(*) > 1)""").fetchall()[0][0]
    assert repeated > 0, "the generated benefits repeat codes within a year, as a valid workbook may"
    for lang in ("id", "en", "zh"):
        ctx = PageContext(db.reader(), Filters(years, "beijing", schema.FIELD.codes, "both", lang))
        built = [chart for page in charts.all_charts(ctx).values() for chart in page if chart is not None]
        assert len(built) > 20, lang
        # Its codes of more than one year all repeat within a year here: no trend is drawn, and the page says so.
        assert not any(chart.name.startswith("trend-") for chart in built), lang
        notes = charts.page_notes(ctx, "benefits")
        assert notes == charts.trends_not_drawn(ctx) and notes, lang
    # The printed report says so too, in its Benefits section (it had no chart and no note).
    report = build_report(ctx, Available(years=years, partners=("beijing",)))
    section = report.split("<section data-page='benefits'>")[1].split("</section>")[0]
    for note in notes:
        assert f"<p class='page-note'>{html.escape(note)}</p>" in section


def test_lists_of_part_of_a_large_selection_say_how_much_they_hold(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """At 20,000 participants the generated selection holds more activities, indicators and obstacles than a
    timeline or table shows (queries.ROW_LIMIT) and more values of a unit and year than a chart draws
    (queries.VALUES_LIMIT). Each says how many it shows of how many, counted in the warehouse, and the codes
    not followed are named from the whole selection, not from the values drawn."""
    from dashboard import charts, db
    from dashboard.context import PageContext
    from dashboard.filters import Available, Filters
    from dashboard.report import build_report
    from etl import schema

    counts = scaled_counts(20_000, {"participants": 345, "activities": 46, "benefits": 48, "obstacles": 18})
    link = ensure_big(tmp_path, counts)
    monkeypatch.setenv("DASHBOARD_DB", str(link))
    with Warehouse(link).connect_reader() as connection:
        def one(sql: str) -> int:
            return connection.execute(sql).fetchall()[0][0]
        years = tuple(int(y) for (y,) in connection.execute("SELECT DISTINCT year FROM benefits ORDER BY 1").fetchall())
        latest = max(years)
        activities = one("SELECT count(*) FROM activities WHERE partner_city = 'beijing'")
        indicators = one("SELECT count(*) FROM benefits WHERE partner_city = 'beijing'")
        obstacles = one("SELECT count(*) FROM obstacles WHERE partner_city = 'beijing'")
        counted = one("SELECT count(*) FROM benefits WHERE partner_city = 'beijing' AND unit = 'count' "
                      f"AND year = {latest}")
        not_followed = one("""SELECT count(DISTINCT indicator_code) FROM benefits b WHERE partner_city = 'beijing'
            AND unit = 'count' AND indicator_code IN (
                SELECT indicator_code FROM benefits WHERE partner_city = 'beijing' AND unit = 'count'
                GROUP BY indicator_code HAVING count(DISTINCT year) > 1 AND count(*) > count(DISTINCT year))""")
        # Each program year's activities by the month they start in, counted from its January.
        per_month = connection.execute("SELECT year, 12 * (year(start_date) - year) + month(start_date), count(*) "
                                       "FROM activities WHERE partner_city = 'beijing' GROUP BY ALL").fetchall()
        per_year = connection.execute("SELECT year, count(*) FROM activities "
                                      "WHERE partner_city = 'beijing' GROUP BY ALL ORDER BY 1").fetchall()
    assert min(activities, indicators, obstacles) > queries.ROW_LIMIT and counted > queries.VALUES_LIMIT
    ctx = PageContext(db.reader(), Filters(years, "beijing", schema.FIELD.codes, "both", "en"))
    # The timeline counts every activity selected per month; its data table lists the most recent.
    timeline = charts.activities_timeline(ctx)
    assert timeline is not None
    assert (f"Every activity of the selection ({activities:,}), counted by the month it starts in" in timeline.caption
            and f"the data table lists the {queries.ROW_LIMIT} most recent" in timeline.caption)
    assert len(timeline.data) == queries.ROW_LIMIT
    written = {key: int(text.replace(",", "")) for key, text in month_totals(timeline.figure.to_dict()).items()}
    assert all(1 <= slot <= 12 for _, slot, _ in per_month), "the generated activities start in their year"
    assert written == {(int(year), int(slot)): int(count) for year, slot, count in per_month}
    assert sum(written.values()) == activities
    # Its text alternative: per program year, the activities and every month tied for the most; over ten
    # years the latest five, after the earlier years' activities together.
    assert len(per_year) == 10
    earlier = per_year[:-5]
    items = [f"{sum(count for _, count in earlier):,} in {earlier[0][0]}–{earlier[-1][0]} together"]
    for year, count in per_year[-5:]:
        of_year = {slot: n for y, slot, n in per_month if y == year}
        most = max(of_year.values())
        busiest = [calendar.month_name[slot] for slot in sorted(of_year) if of_year[slot] == most]
        named = busiest[0] if len(busiest) == 1 else ", ".join(busiest[:-1]) + " and " + busiest[-1]
        items.append(f"{count:,} in {year} (the most in {named}: {most:,})")
    listed = ", ".join(items)
    assert timeline.alternative == f"In numbers — Activities: {listed}."
    indicator_note = charts.indicator_table_note(ctx)
    assert indicator_note.startswith(f"The first {queries.ROW_LIMIT} of the selection's {indicators:,} indicators")
    obstacle_note = charts.mitigation_table_note(ctx)
    assert obstacle_note.startswith(f"The {queries.ROW_LIMIT} most severe of the selection's {obstacles:,} obstacles")
    values = charts.outcome_values(ctx, "count")
    assert values is not None
    assert (f"Drawn: the first {queries.VALUES_LIMIT} of the year's {counted:,} values in this unit"
            in values.caption)
    note = next(note for note in charts.trends_not_drawn(ctx) if note.startswith("Achieved value (Count)"))
    assert f"Not followed: {not_followed} indicator codes recorded more than once in a year" in note
    # The printed report's tables say it too, below each table.
    report = build_report(ctx, Available(years=years, partners=("beijing",)))
    tables = report.split("<section class='tables'>")[1]
    assert html.escape(indicator_note) in tables and html.escape(obstacle_note) in tables


def test_the_bench_finds_every_query_a_page_runs(warehouse: Warehouse) -> None:
    """The bench times a page's queries alone from the list its cold run calls. Found in a second run after
    the first, it missed every query of a chart shared between sessions (the first run had built them): the
    Activities page "ran" activities_breakdown and not its timeline's, the Overview none of its charts'."""
    from bench import worker

    database = str(warehouse.path)  # the fixture points DASHBOARD_DB at it too
    found = worker.cold_page({"db": database, "page": "views/activities.py", "discover": True})
    assert found["errors"] == []
    assert {"activities_breakdown", "activity_timeline"} <= {name for name, _ in found["calls"]}
    overview = worker.cold_page({"db": database, "page": worker.DEFAULT_PAGE, "discover": True})
    assert {"participation_breakdown", "activities_breakdown", "obstacles_breakdown"} <= {
        name for name, _ in overview["calls"]}
