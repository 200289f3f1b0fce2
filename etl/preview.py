"""What a load would change, computed before anything is written.

``compare_year`` counts rows added, removed and changed per sheet (rows are
matched by their ID), and says which sheets the load would empty.
``staged_connection`` gives a private in-memory database in which the year
is already replaced, so the dashboard's own queries can compute the
headline figures "after" exactly as they will be. Both read the staged
snapshot — the very tables the load will write — and the published
warehouse, attached read-only through etl.warehouse (the one module that
opens it).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl import schema
from etl.schema import quote
from etl.snapshots import Snapshot
from etl.warehouse import YEAR_TOTALS, Warehouse, snapshot_columns


@dataclass(frozen=True)
class SheetChange:
    sheet: str
    before: int
    after: int
    added: int
    removed: int
    changed: int

    @property
    def emptied(self) -> bool:
        """Every row the year holds in this sheet would be removed, and none comes in."""
        return self.before > 0 and self.after == 0


def _incoming(connection: duckdb.DuckDBPyConnection, snapshot: Snapshot, sheet: schema.Sheet) -> str:
    """SQL reading the snapshot's rows of a sheet (no rows when the workbook had none)."""
    names = snapshot_columns(sheet)
    path = snapshot.table_path(sheet.name)
    if path is None:
        empty = ", ".join(f"CAST(NULL AS {c.kind.sql_type}) AS {quote(c.name)}" for c in sheet.stored_columns
                          if c.name in names)
        return f"SELECT {empty} WHERE false"
    view = f"incoming_{sheet.name}"
    connection.read_parquet(str(path)).create_view(view, replace=True)  # no path spelled into SQL
    return f"SELECT {', '.join(map(quote, names))} FROM {quote(view)}"


def staged_connection(warehouse: Warehouse, snapshot: Snapshot) -> duckdb.DuckDBPyConnection:
    """In-memory views named like the warehouse tables, with the snapshot's year taken from the snapshot."""
    connection = duckdb.connect()
    attached = warehouse.attach_current(connection)
    year = int(snapshot.year)
    for sheet in schema.SHEETS:
        names = snapshot_columns(sheet)
        columns = ", ".join(map(quote, names))
        parts = [_incoming(connection, snapshot, sheet)]
        if attached:
            parts.insert(0, f"SELECT {columns} FROM warehouse.{quote(sheet.name)} WHERE year <> {year}")
        # first_year is the warehouse's across-years column: recomputed here as the load will.
        derived = ""
        if sheet is schema.PARTICIPANTS:
            derived = ", min(year) OVER (PARTITION BY person_key, partner_city) AS first_year"
        connection.execute(f"CREATE VIEW {quote(sheet.name)} AS SELECT *{derived} FROM "
                           f"({' UNION ALL '.join(parts)})")
    loads = f"SELECT {year} AS year"
    if attached:
        loads = f"SELECT year FROM warehouse.loads UNION {loads}"
    connection.execute(f"CREATE VIEW loads AS {loads}")
    for table, totals in YEAR_TOTALS.items():  # as the load will rebuild them, from the staged rows
        connection.execute(f"CREATE VIEW {quote(table)} AS {totals.select()}")
    return connection


def compare_year(warehouse: Warehouse, snapshot: Snapshot) -> list[SheetChange]:
    """Rows added, removed and changed per sheet if the snapshot replaced its year."""
    connection = duckdb.connect()
    attached = warehouse.attach_current(connection)
    year = int(snapshot.year)
    changes = []
    for sheet in schema.SHEETS:
        # Columns the warehouse computes across years (first_year) are not the workbook's change.
        names = snapshot_columns(sheet)
        key = quote(sheet.id_column.name)
        incoming = _incoming(connection, snapshot, sheet)
        current = (f"SELECT {', '.join(map(quote, names))} FROM warehouse.{quote(sheet.name)} "
                   f"WHERE year = {year}") if attached else f"SELECT * FROM ({incoming}) WHERE false"
        new_row = "struct_pack(" + ", ".join(f"{quote(n)} := n.{quote(n)}" for n in names) + ")"
        old_row = "struct_pack(" + ", ".join(f"{quote(n)} := o.{quote(n)}" for n in names) + ")"
        before, after, added, removed, changed = connection.execute(f"""
            WITH o AS ({current}), n AS ({incoming})
            SELECT (SELECT count(*) FROM o), (SELECT count(*) FROM n),
                   count(*) FILTER (o.{key} IS NULL), count(*) FILTER (n.{key} IS NULL),
                   count(*) FILTER (o.{key} IS NOT NULL AND n.{key} IS NOT NULL
                                    AND {new_row} IS DISTINCT FROM {old_row})
            FROM o FULL OUTER JOIN n ON o.{key} = n.{key}""").fetchall()[0]
        changes.append(SheetChange(sheet.name, before, after, added, removed, changed))
    connection.close()
    return changes
