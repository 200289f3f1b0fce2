"""UU PDP 27/2022: the warehouse keeps age and a keyed pseudonym, never a name or a birth date."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl import privacy
from etl import validate as validate_module
from etl.reader import read_file
from etl.warehouse import Warehouse
from tests.paths import SAMPLE_FILES


def test_sql_hmac_equals_pythons_hmac() -> None:
    key = bytes(range(32))
    inner, outer = privacy.hmac_pads(key)
    names = ["Siti Rahmawati", "  siti   RAHMAWATI ", "Wang Lei", "Ñoño Ütü"]
    connection = duckdb.connect()
    rows = connection.execute(
        f"SELECT {privacy.person_key_sql('n', 'd')} FROM (SELECT unnest($names) AS n, DATE '2000-08-17' AS d)",
        {"names": names, "hmac_inner": inner, "hmac_outer": outer}).fetchall()
    assert [r[0] for r in rows] == [privacy.person_key(key, name, "2000-08-17") for name in names]
    # Normalisation: case and spacing do not make a different person.
    assert rows[0][0] == rows[1][0] != rows[2][0]


def test_a_long_key_is_hashed_first_as_rfc_2104_says() -> None:
    key = b"k" * 100
    inner, outer = privacy.hmac_pads(key)
    sql = f"SELECT {privacy.person_key_sql('$name', 'DATE ' + repr('1999-01-31'))}"
    value = duckdb.connect().execute(sql, {"name": "Ani", "hmac_inner": inner, "hmac_outer": outer}).fetchall()
    assert value[0][0] == privacy.person_key(key, "Ani", "1999-01-31")


@pytest.mark.parametrize(("birth", "year", "age"), [
    (dt.date(2000, 7, 1), 2017, 17), (dt.date(2000, 7, 2), 2017, 16), (dt.date(2000, 1, 1), 2017, 17),
    (dt.date(2000, 12, 31), 2017, 16), (dt.date(2000, 2, 29), 2019, 19)])
def test_age_on_first_of_july(birth: dt.date, year: int, age: int) -> None:
    connection = duckdb.connect()
    assert connection.execute(f"SELECT {privacy.age_sql('$b', '$y')}", {"b": birth, "y": year}).fetchall()[0][0] == age


def test_key_is_created_once_and_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    path = tmp_path / "pseudonym.key"
    first = privacy.load_or_create_key(path)
    assert len(first) == privacy.KEY_BYTES
    assert privacy.load_or_create_key(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setenv(privacy.KEY_ENV, "ab" * 32)
    assert privacy.load_or_create_key(path) == bytes.fromhex("ab" * 32)


def _names_and_birth_dates() -> list[tuple[str, dt.date]]:
    workbook = openpyxl.load_workbook(SAMPLE_FILES[0], read_only=True)
    rows = list(workbook["participants"].iter_rows(values_only=True))
    header = list(rows[0])
    name_at, birth_at = header.index("full_name"), header.index("birth_date")
    return [(row[name_at], row[birth_at]) for row in rows[1:] if row[name_at]]


def test_no_name_or_birth_date_reaches_the_warehouse_file(warehouse: Warehouse) -> None:
    """Not in any table, and not anywhere in the database file's bytes."""
    people = _names_and_birth_dates()
    with warehouse.connect_reader() as connection:
        columns = {row[0] for row in connection.execute("DESCRIBE participants").fetchall()}
        assert not {"full_name", "birth_date"} & columns
        keys = connection.execute("SELECT person_key, age FROM participants WHERE year = 2017").fetchall()
    assert len({k for k, _ in keys}) == len(keys) == len(people)
    content = warehouse.current_file().read_bytes()  # type: ignore[union-attr]
    for name, _ in people[:30]:
        assert name.encode() not in content, name
    key = warehouse.pseudonym_key()
    expected = {privacy.person_key(key, name, birth.date().isoformat() if hasattr(birth, "date") else str(birth))
                for name, birth in people}
    assert expected == {k for k, _ in keys}


def test_repeat_applicants_share_a_key_across_years(warehouse: Warehouse) -> None:
    with warehouse.connect_reader() as connection:
        repeats = connection.execute(
            "SELECT count(*) FROM (SELECT person_key FROM participants GROUP BY person_key "
            "HAVING count(DISTINCT year) > 1)").fetchall()[0][0]
    assert repeats > 0


def test_a_sheet_scanned_in_many_slices_is_cleaned_to_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB reads the typed view's slices on two threads: the clean rows keep the workbook's order."""
    key = bytes(range(32))
    validation = validate_module.validate(read_file(SAMPLE_FILES[0]))
    try:
        whole = validation.clean_tables(key)
    finally:
        validation.close()
    monkeypatch.setattr(validate_module, "SCAN_BATCH_ROWS", 7)  # dozens of slices, read in any order
    validation = validate_module.validate(read_file(SAMPLE_FILES[0]))
    try:
        sliced = validation.clean_tables(key)
    finally:
        validation.close()
    assert sliced.keys() == whole.keys()
    for name, table in sliced.items():
        assert table.num_rows == whole[name].num_rows > 1 and table.equals(whole[name]), name
    names = _names_and_birth_dates()
    keys = sliced["participants"].column("person_key").to_pylist()
    assert keys == [privacy.person_key(key, name, f"{birth:%Y-%m-%d}") for name, birth in names]
