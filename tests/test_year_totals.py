"""The warehouse's year totals (etl.warehouse.YEAR_TOTALS) count exactly the rows they are published with, after
every kind of change, and the every-year summary read from them is the one the rows give."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from bench.pandas_baseline import TABLES, compute, load_table, same_figure
from dashboard import queries
from etl.load import ensure_built, load_files, restore
from etl.warehouse import YEAR_TOTALS, Warehouse
from tests.paths import SAMPLE_FILES

SAMPLE_2018 = SAMPLE_FILES[1]


def stored_and_recounted(warehouse: Warehouse) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    """Each totals table as published, and the same totals counted again from the published rows."""
    with warehouse.connect_reader() as connection:
        stored = {table: connection.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in YEAR_TOTALS}
        recounted = {table: connection.execute(f"SELECT * FROM ({totals.select()}) ORDER BY ALL").fetchall()
                     for table, totals in YEAR_TOTALS.items()}
    return stored, recounted


def edited_2018(tmp_path: Path) -> Path:
    """The 2018 sample with ten applicants fewer and every remaining one of a field in tourism: other groups."""
    workbook = openpyxl.load_workbook(SAMPLE_2018)
    sheet = workbook["participants"]
    sheet.delete_rows(3, 10)
    field_column = [cell.value for cell in sheet[1]].index("field") + 1  # headers are the column codes
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, field_column).value:
            sheet.cell(row, field_column).value = "tourism"
    target = tmp_path / "2018.xlsx"
    workbook.save(target)
    return target


def test_the_totals_count_the_rows_after_a_load_a_replacement_and_a_restore(warehouse: Warehouse,
                                                                            tmp_path: Path) -> None:
    stored, recounted = stored_and_recounted(warehouse)
    assert stored == recounted
    assert sum(row[-1] for row in stored["participants_by_year"]) == sum(
        warehouse.year_rows(year)["participants"] for year in (2017, 2018, 2019))
    original = stored
    first_2018 = next(load for load in warehouse.history() if load["year"] == 2018)["load_id"]

    load_files(warehouse, [edited_2018(tmp_path)], replace=True)
    stored, recounted = stored_and_recounted(warehouse)
    assert stored == recounted and stored != original
    fields_2018 = {row[2] for row in stored["participants_by_year"] if row[0] == 2018}
    assert fields_2018 <= {"tourism", None}, fields_2018

    restore(warehouse, first_2018)
    assert stored_and_recounted(warehouse) == (original, original)


SCOPES = [queries.Scope((2017, 2018, 2019)), queries.Scope((2018, 2019), fields=("tourism",)),
          queries.Scope((2019,), fields=("arts_culture", "environment"), direction="outbound"),
          queries.Scope((2017, 2019), direction="inbound"), queries.Scope((2017, 2018, 2019), fields=()),
          queries.Scope((2018,), partner="seoul")]
# The queries that read the totals, and the columns they count into: whole numbers, as count(*) gave them (a sum of
# counts is a 128-bit integer, which pandas would receive as a float).
READ_FROM_TOTALS = {
    "yearly_summary": ("applicants", "selected", "reserves", "delegates_outbound", "delegates_inbound", "activities",
                       "benefits", "obstacles"),
    "participation_breakdown": ("participants", "delegates", "applicants"),
    "selection_funnel": ("position",),
    "repeat_applicants": ("applicants", "returning"), "export_counts": ("rows",)}


@pytest.mark.parametrize("replaced", [False, True], ids=["sample", "2018 replaced"])
def test_the_counts_read_from_the_totals_are_the_counts_of_the_rows(warehouse: Warehouse, tmp_path: Path,
                                                                   replaced: bool) -> None:
    """Compared with the benchmark's pandas baseline, which counts the rows themselves, for scopes that keep
    every row, some rows, a direction, no field and a partner city without rows."""
    if replaced:
        load_files(warehouse, [edited_2018(tmp_path)], replace=True)
    with warehouse.connect_reader() as connection:
        cursor = connection.cursor()
        frames = {table: load_table(cursor, table)
                  for name in READ_FROM_TOTALS for table in TABLES[name]}
        for name, counts in READ_FROM_TOTALS.items():
            for scope in SCOPES:
                ours = queries.QUERIES[name](cursor, scope)
                assert same_figure(ours, compute((name, None), frames, scope)), (name, scope)
                floats = [column for column in counts if not pd.api.types.is_integer_dtype(ours[column])]
                assert floats == [], name
        summary = queries.yearly_summary(cursor, SCOPES[-1])
        funnel = queries.selection_funnel(cursor, SCOPES[0])
    assert summary["partner_active"].tolist() == [False, False, False], "Seoul has no rows"
    assert funnel["applicants"].sum() > 0


def test_every_downloadable_table_has_its_totals() -> None:
    """export_counts reads ``<table>_by_year`` for each table a reader downloads."""
    assert set(YEAR_TOTALS) == {f"{table}_by_year" for table in queries.EXPORT_FILTERS}


EARLIER_TOTALS = {
    "none": [f"DROP TABLE {table}" for table in YEAR_TOTALS],
    "an earlier definition": ["""CREATE OR REPLACE TABLE participants_by_year AS SELECT year, partner_city, field,
                                 direction, status, count(*) AS row_count FROM participants GROUP BY ALL"""]}


@pytest.mark.parametrize("earlier", EARLIER_TOTALS)
def test_a_warehouse_with_earlier_totals_or_none_is_upgraded_on_start(warehouse: Warehouse, earlier: str) -> None:
    with duckdb.connect(str(warehouse.current_file())) as connection:  # as an older release left it
        for statement in EARLIER_TOTALS[earlier]:
            connection.execute(statement)
    assert warehouse.outdated()
    assert ensure_built(warehouse) is False  # upgraded in place, not rebuilt from the samples
    assert not warehouse.outdated()
    stored, recounted = stored_and_recounted(warehouse)
    assert stored == recounted and all(stored.values())
