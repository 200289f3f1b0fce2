"""The benchmark's generated warehouses follow the schema the app reads (a 10M run failed once on a new column)."""

from __future__ import annotations

from pathlib import Path

from bench.warehouses import ensure_big, scaled_counts, table_counts
from dashboard import queries
from etl.warehouse import Warehouse


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
