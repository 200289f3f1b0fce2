"""What a load would change, computed before anything is written.

``compare_year`` counts rows added, removed and changed per sheet (rows are
matched by their ID). ``staged_connection`` gives a private in-memory
database in which the year is already replaced, so the dashboard's own
queries can compute the headline figures "after" exactly as they will be.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import schema
from etl.validate import quote


@dataclass(frozen=True)
class SheetChange:
    sheet: str
    before: int
    after: int
    added: int
    removed: int
    changed: int


def _attach(connection: duckdb.DuckDBPyConnection, database: Path | None) -> bool:
    if database is None:
        return False
    connection.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(database)})
    return True


def staged_connection(database: Path | None, year: int, tables: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    """In-memory views named like the warehouse tables, with ``year`` taken from ``tables``."""
    connection = duckdb.connect()
    attached = _attach(connection, database)
    for sheet in schema.SHEETS:
        columns = ", ".join(quote(c.name) for c in sheet.stored_columns)
        incoming = tables.get(sheet.name)
        parts = []
        if attached:
            parts.append(f"SELECT {columns} FROM warehouse.{quote(sheet.name)} WHERE year <> {int(year)}")
        if incoming is not None:
            connection.register(f"incoming_{sheet.name}", incoming)
            parts.append(f"SELECT {columns} FROM {quote('incoming_' + sheet.name)}")
        if not parts:
            parts.append(f"SELECT {columns} FROM {quote('incoming_' + sheet.name)} WHERE false")
            connection.register(f"incoming_{sheet.name}", _empty(sheet))
        connection.execute(f"CREATE VIEW {quote(sheet.name)} AS {' UNION ALL '.join(parts)}")
    loads = f"SELECT {int(year)} AS year"
    if attached:
        loads = f"SELECT year FROM warehouse.loads UNION {loads}"
    connection.execute(f"CREATE VIEW loads AS {loads}")
    return connection


def _empty(sheet: schema.Sheet) -> pa.Table:
    connection = duckdb.connect()
    columns = ", ".join(f"CAST(NULL AS {c.kind.sql_type}) AS {quote(c.name)}" for c in sheet.stored_columns)
    return connection.sql(f"SELECT {columns} WHERE false").to_arrow_table()


def compare_year(database: Path | None, year: int, tables: dict[str, pa.Table]) -> list[SheetChange]:
    """Rows added, removed and changed per sheet if ``tables`` replaced ``year``."""
    connection = duckdb.connect()
    attached = _attach(connection, database)
    changes = []
    for sheet in schema.SHEETS:
        # Columns the warehouse computes across years (first_year) are not the workbook's change.
        names = [c.name for c in sheet.stored_columns if not getattr(c, "across_years", False)]
        key = quote(sheet.id_column.name)
        connection.register("incoming", tables.get(sheet.name, _empty(sheet)))
        current = (f"SELECT {', '.join(map(quote, names))} FROM warehouse.{quote(sheet.name)} "
                   f"WHERE year = {int(year)}") if attached else "SELECT * FROM incoming WHERE false"
        new_row = "struct_pack(" + ", ".join(f"{quote(n)} := n.{quote(n)}" for n in names) + ")"
        old_row = "struct_pack(" + ", ".join(f"{quote(n)} := o.{quote(n)}" for n in names) + ")"
        before, after, added, removed, changed = connection.execute(f"""
            WITH o AS ({current}), n AS (SELECT * FROM incoming)
            SELECT (SELECT count(*) FROM o), (SELECT count(*) FROM n),
                   count(*) FILTER (o.{key} IS NULL), count(*) FILTER (n.{key} IS NULL),
                   count(*) FILTER (o.{key} IS NOT NULL AND n.{key} IS NOT NULL
                                    AND {new_row} IS DISTINCT FROM {old_row})
            FROM o FULL OUTER JOIN n ON o.{key} = n.{key}""").fetchall()[0]
        connection.unregister("incoming")
        changes.append(SheetChange(sheet.name, before, after, added, removed, changed))
    return changes
