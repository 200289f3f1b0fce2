"""Bring a warehouse of an earlier release up to the current one, once, on first start.

Releases before snapshots archived every uploaded workbook whole (names,
birth dates, readable by every account, kept forever) and restored a load
by parsing its workbook again. The upgrade, in one new warehouse version:

- adds the columns the schema now describes;
- gives every load a snapshot of its clean rows: a live load's rows are
  taken from the warehouse itself (exactly what it wrote); a replaced
  load's rows from its archived workbook, checked again under the same
  year. A replaced load whose workbook is gone or no longer passes the
  checks keeps no snapshot, and restoring it is refused with that reason;
- rebuilds the ``loads`` table in its current form (the raw file's SHA-256
  stays, for audit; the archive path goes).

After that version is published, the archived workbooks move to the raw
upload store (0700/0600) keeping their age, where the retention period
applies to them like to any upload (etl.uploads).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import schema
from etl.schema import quote
from etl.warehouse import LOADS_COLUMN_NAMES, LOADS_DDL, Warehouse, snapshot_columns

# (archived workbook, year, original file name, pseudonym key) -> clean tables, or None when unusable
Rebuild = Callable[[Path, int, str, bytes], dict[str, pa.Table] | None]


def upgrade(warehouse: Warehouse, rebuild: Rebuild) -> None:
    """Publish the upgraded version, then move the old archive under the retention rule."""
    key = warehouse.pseudonym_key()

    def migrate_loads(connection: duckdb.DuckDBPyConnection) -> None:
        columns = {row[0] for row in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'loads'").fetchall()}
        if columns == set(LOADS_COLUMN_NAMES):
            return
        snapshots = _snapshots_of_old_loads(warehouse, connection, columns, rebuild, key)
        _rebuild_loads_table(connection, columns, snapshots)

    warehouse.upgrade(migrate_loads)
    warehouse.uploads.adopt_legacy(warehouse.legacy_archive_dir)


def _snapshots_of_old_loads(warehouse: Warehouse, connection: duckdb.DuckDBPyConnection, columns: set[str],
                            rebuild: Rebuild, key: bytes) -> dict[int, str]:
    """load_id -> snapshot hash, for every old load a snapshot could be made for."""
    archive = "archive_path" if "archive_path" in columns else "NULL"
    without = "snapshot_sha256 IS NULL" if "snapshot_sha256" in columns else "true"
    loads = connection.execute(f"""
        SELECT * FROM (SELECT load_id, year, file_name, sha256, {archive},
                              load_id = max(load_id) OVER (PARTITION BY year) AS live, {without} AS missing
                       FROM loads)
        WHERE missing ORDER BY load_id""").fetchall()
    made: dict[int, str] = {}
    for load_id, year, file_name, sha256, archive_path, live, _ in loads:
        tables = _live_rows(connection, load_id) if live else None
        if tables is None and archive_path:
            path = warehouse.legacy_archive_dir / str(archive_path)
            tables = rebuild(path, year, file_name, key) if path.exists() else None
        if tables is not None:
            made[load_id] = warehouse.snapshots.write(year, file_name, sha256, tables).sha256
    return made


def _live_rows(connection: duckdb.DuckDBPyConnection, load_id: int) -> dict[str, pa.Table]:
    """The rows a live load wrote, as the clean tables of a new load would hold them."""
    tables = {}
    for sheet in schema.SHEETS:
        names = ", ".join(quote(name) for name in snapshot_columns(sheet))
        table = connection.sql(f"SELECT {names} FROM {quote(sheet.name)} WHERE load_id = $load_id ORDER BY rowid",
                               params={"load_id": load_id}).to_arrow_table()
        if table.num_rows or sheet.required:
            tables[sheet.name] = table
    return tables


def _rebuild_loads_table(connection: duckdb.DuckDBPyConnection, columns: set[str], snapshots: dict[int, str]) -> None:
    connection.register("migrated_snapshots", pa.table({
        "load_id": pa.array(list(snapshots), pa.int32()), "snapshot": pa.array(list(snapshots.values()), pa.string())}))
    connection.execute("ALTER TABLE loads RENAME TO loads_before_upgrade")
    connection.execute(LOADS_DDL)
    kept = [name for name in LOADS_COLUMN_NAMES if name in columns and name != "snapshot_sha256"]
    names = ", ".join(kept)
    connection.execute(f"""
        INSERT INTO loads ({names}, snapshot_sha256)
        SELECT {', '.join('o.' + name for name in kept)}, coalesce(m.snapshot, {_existing(columns)})
        FROM loads_before_upgrade o LEFT JOIN migrated_snapshots m USING (load_id)""")
    connection.execute("DROP TABLE loads_before_upgrade")
    connection.unregister("migrated_snapshots")


def _existing(columns: set[str]) -> str:
    return "o.snapshot_sha256" if "snapshot_sha256" in columns else "NULL"
