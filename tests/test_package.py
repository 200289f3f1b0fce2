"""The open-data package (etl.package): valid for frictionless, complete, described from etl.schema, no person in it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import duckdb
import frictionless
import pytest

from dashboard import downloads
from etl import package, schema
from etl.cli import main
from etl.load import load_files
from etl.warehouse import Warehouse
from tests.apptest import expected_connection, open_app, toml_catalogue
from tests.open_data import errors, unexpected
from tests.paths import SAMPLE_FILES
from translations import LANGUAGES, format_number

PRIVATE = ("full_name", "birth_date", "person_key")
TYPES = {schema.Kind.TEXT: "string", schema.Kind.CATEGORY: "string", schema.Kind.INTEGER: "integer",
         schema.Kind.NUMBER: "number", schema.Kind.DATE: "date"}


@pytest.fixture
def exported(warehouse: Warehouse, tmp_path: Path) -> Path:
    """The package of the sample warehouse, written by export_package: its descriptor's path."""
    return package.export_package(warehouse, tmp_path / "package")


@pytest.fixture
def db(warehouse: Warehouse, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """The test's own SQL, on a copy of the published version."""
    return expected_connection(warehouse, tmp_path / "expected")


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def fields(descriptor: dict, table: str) -> dict[str, dict]:
    (resource,) = [r for r in descriptor["resources"] if r["name"] == table]
    return {field["name"]: field for field in resource["schema"]["fields"]}


def without_fingerprints(descriptor_path: Path) -> None:
    """Drop bytes and hash, so a test may change a file and see what else frictionless notices."""
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource.pop("bytes"), resource.pop("hash")
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


def append_row(path: Path, row: dict[str, str]) -> None:
    header, rows = read_csv(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows([*rows, row])


# -- validity --------------------------------------------------------------------------------------

def test_frictionless_finds_the_package_valid_but_for_benefits_without_an_activity(
        exported: Path, db: duckdb.DuckDBPyConnection) -> None:
    """Types, constraints, enums, primary keys, hashes and the foreign key hold on every row; frictionless-py
    reports only the benefits with an empty activity_id, one error each (see etl.package)."""
    report = frictionless.validate(str(exported))
    assert unexpected(report) == []
    without_activity = db.execute("SELECT count(*) FROM benefits WHERE activity_id IS NULL").fetchall()[0][0]
    assert without_activity > 0  # the sample has such benefits, so the exception above is exercised
    assert len(errors(report)) == without_activity
    assert [task.name for task in report.tasks] == list(package.TABLES)


def test_a_benefit_pointing_at_an_activity_of_another_year_breaks_the_foreign_key(
        exported: Path, db: duckdb.DuckDBPyConnection) -> None:
    """The foreign key is (year, activity_id): an activity ID that exists only in another year is refused."""
    without_fingerprints(exported)
    activity, year = db.execute("SELECT activity_id, year FROM activities ORDER BY year, activity_id").fetchall()[0]
    other_year = db.execute("SELECT max(year) FROM loads").fetchall()[0][0]
    assert other_year != year
    _, rows = read_csv(exported.parent / "benefits.csv")
    row = rows[-1] | {"benefit_id": "B-TEST-01", "year": str(other_year), "activity_id": activity}
    append_row(exported.parent / "benefits.csv", row)
    assert [(table, kind) for table, kind, _ in unexpected(frictionless.validate(str(exported)))] == [
        ("benefits", "foreign-key")]


def test_an_id_repeated_within_a_year_breaks_the_primary_key_but_not_across_years(
        exported: Path, db: duckdb.DuckDBPyConnection) -> None:
    """The primary key is (year, ID): IDs are unique within a year only."""
    without_fingerprints(exported)
    path = exported.parent / "obstacles.csv"
    _, rows = read_csv(path)
    first, last = rows[0], rows[-1]
    assert first["year"] != last["year"]
    append_row(path, first | {"year": last["year"]})  # the same ID in another year: allowed
    assert unexpected(frictionless.validate(str(exported))) == []
    append_row(path, last | {"description": "the same ID again in the same year"})
    assert [(table, kind) for table, kind, _ in unexpected(frictionless.validate(str(exported)))] == [
        ("obstacles", "primary-key")]


def test_a_changed_file_no_longer_matches_its_size_and_hash(exported: Path) -> None:
    path = exported.parent / "activities.csv"
    header, rows = read_csv(path)
    rows[0]["title"] += " (edited)"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    kinds = {kind for _, kind, _ in unexpected(frictionless.validate(str(exported)))}
    assert kinds and kinds <= {"hash-count", "byte-count"}


# -- content -----------------------------------------------------------------------------------------

def test_every_table_holds_every_published_row_in_year_and_id_order(
        warehouse: Warehouse, exported: Path, db: duckdb.DuckDBPyConnection) -> None:
    """All years, all rows, unfiltered, with the downloads' columns; provisional is false (the sample is final)."""
    descriptor = json.loads(exported.read_text(encoding="utf-8"))
    for sheet in schema.SHEETS:
        header, rows = read_csv(exported.parent / f"{sheet.name}.csv")
        columns = [column.name for column in sheet.stored_columns if column.name != "person_key"] + ["provisional"]
        assert header == columns == list(fields(descriptor, sheet.name))
        key = sheet.id_column.name
        expected = db.execute(f'SELECT year, "{key}" FROM "{sheet.name}" ORDER BY year, "{key}"').fetchall()
        assert [(int(row["year"]), row[key]) for row in rows] == expected
        assert {row["provisional"] for row in rows} == {"false"}
    assert package.published_rows(warehouse) == {
        sheet.name: db.execute(f'SELECT count(*) FROM "{sheet.name}"').fetchall()[0][0] for sheet in schema.SHEETS}


def test_values_are_written_as_the_warehouse_holds_them(exported: Path, db: duckdb.DuckDBPyConnection) -> None:
    """Read back with the package's own types, every cell equals the warehouse's value (text not neutralised)."""
    for sheet in schema.SHEETS:
        resource = frictionless.Package(str(exported)).get_resource(sheet.name)
        columns = [name for name in package.published_columns(sheet.name) if name != "provisional"]
        quoted = ", ".join(f'"{name}"' for name in columns)
        expected = db.execute(
            f'SELECT {quoted} FROM "{sheet.name}" ORDER BY year, "{sheet.id_column.name}"').fetchall()
        read = [tuple(_plain(row[name]) for name in columns) for row in resource.read_rows()]
        assert read == [tuple(_plain(value) for value in row) for row in expected]


def _plain(value: object) -> object:
    """A cell as Python compares it: Decimal and float as float, date as date."""
    if value is None or isinstance(value, (str, bool, int, dt.date)):
        return value
    return float(value)  # type: ignore[arg-type]


def test_no_private_column_nor_pseudonym_is_in_any_file(exported: Path, db: duckdb.DuckDBPyConnection) -> None:
    texts = {path.name: path.read_text(encoding="utf-8") for path in exported.parent.iterdir()}
    assert sorted(texts) == sorted([package.DESCRIPTOR, *(f"{table}.csv" for table in package.TABLES)])
    for sheet in schema.SHEETS:
        header, _ = read_csv(exported.parent / f"{sheet.name}.csv")
        assert not set(header) & set(PRIVATE)
    descriptor = json.loads(texts[package.DESCRIPTOR])
    assert not {name for resource in descriptor["resources"] for name in fields(descriptor, resource["name"])} & set(
        PRIVATE)
    keys = [key for (key,) in db.execute("SELECT DISTINCT person_key FROM participants").fetchall()]
    assert keys and not any(key in text for key in keys for text in texts.values())


# -- the descriptor ----------------------------------------------------------------------------------

def test_fields_are_typed_and_constrained_as_the_schema_says(warehouse: Warehouse) -> None:
    descriptor = package.descriptor(warehouse)
    for sheet in schema.SHEETS:
        described = fields(descriptor, sheet.name)
        for column in sheet.published_columns:
            field = described[column.name]
            assert field["type"] == TYPES[column.kind]
            assert field["title"] == column.label.en and field["description"] == column.description.en
            assert field["i18n:title"] == {lang: column.label(lang) for lang in LANGUAGES}
            assert field["i18n:description"] == {lang: column.description(lang) for lang in LANGUAGES}
            if isinstance(column, schema.DerivedColumn):
                assert "constraints" not in field
                continue
            constraints = field.get("constraints", {})
            assert constraints.get("required", False) == column.required
            assert constraints.get("minimum") == column.minimum
            assert constraints.get("maximum") == column.maximum
            assert constraints.get("maxLength") == column.max_length
            assert constraints.get("pattern") == column.pattern
        assert described["provisional"]["type"] == "boolean"
        assert described["provisional"]["constraints"] == {"required": True}
        (resource,) = [r for r in descriptor["resources"] if r["name"] == sheet.name]
        assert resource["type"] == "table" and resource["path"] == f"{sheet.name}.csv"
        assert resource["schema"]["primaryKey"] == ["year", sheet.id_column.name]
    benefits = next(r for r in descriptor["resources"] if r["name"] == "benefits")
    assert benefits["schema"]["foreignKeys"] == [
        {"fields": ["year", "activity_id"], "reference": {"resource": "activities", "fields": ["year", "activity_id"]}}]
    assert all("foreignKeys" not in r["schema"] for r in descriptor["resources"] if r["name"] != "benefits")


def test_categories_are_enums_with_their_labels_in_every_language(warehouse: Warehouse) -> None:
    descriptor = package.descriptor(warehouse)
    checked = 0
    for sheet in schema.SHEETS:
        described = fields(descriptor, sheet.name)
        for column in sheet.columns:
            if column.vocabulary is None:
                assert "i18n:labels" not in described.get(column.name, {})
                continue
            vocabulary, field = column.vocabulary, described[column.name]
            assert field["constraints"]["enum"] == list(vocabulary.codes)
            assert field["i18n:labels"] == {
                category.code: {"id": category.label.id, "en": category.label.en, "zh": category.label.zh}
                for category in vocabulary.categories}
            assert all(set(labels) == set(LANGUAGES) and all(labels.values())
                       for labels in field["i18n:labels"].values())
            assert [c["value"] for c in field["categories"]] == list(vocabulary.codes)
            assert field["categoriesOrdered"] == vocabulary.ordered
            checked += 1
    assert checked == sum(1 for sheet in schema.SHEETS for column in sheet.columns if column.vocabulary is not None)


def test_the_catalogue_metadata(warehouse: Warehouse, db: duckdb.DuckDBPyConnection) -> None:
    """Licence, publisher, version = data version, temporal coverage = the loaded years, created = now."""
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    descriptor = package.descriptor(warehouse)
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                       "title": "Creative Commons Attribution 4.0 International"}]
    assert descriptor["contributors"] == [
        {"title": "Dinas Pemuda dan Olahraga Provinsi DKI Jakarta", "roles": ["publisher"]}]
    assert descriptor["version"] == warehouse.data_version()
    years = [year for (year,) in db.execute("SELECT DISTINCT year FROM loads ORDER BY year").fetchall()]
    assert descriptor["dc:temporal"] == {"start": f"{years[0]}-01-01", "end": f"{years[-1]}-12-31"}
    assert descriptor["dispora:years"] == years
    created = dt.datetime.fromisoformat(descriptor["created"])
    assert created.tzinfo is not None and before <= created <= dt.datetime.now(dt.UTC)
    catalogues = {lang: toml_catalogue(lang) for lang in LANGUAGES}
    assert descriptor["title"] == catalogues["en"]["package.title"]
    assert descriptor["i18n:title"] == {lang: catalogues[lang]["package.title"] for lang in LANGUAGES}
    assert descriptor["dc:language"] == list(LANGUAGES)
    assert {"Jakarta", "Beijing", "kota kembar", "友好城市"} <= set(descriptor["keywords"])
    # The sample is loaded: every year is sample data, none provisional, and the description says so.
    assert descriptor["dispora:sampleYears"] == years and descriptor["dispora:provisionalYears"] == []
    listed = ", ".join(map(str, years))
    assert descriptor["description"] == "\n\n".join([catalogues["en"]["package.description"].format(years=listed),
                                                      catalogues["en"]["package.note_sample"].format(years=listed)])
    # Chinese lists with 、 (its catalogue's own lists do), not ", " inside a Chinese sentence.
    assert catalogues["zh"]["package.note_sample"].format(years="、".join(map(str, years))) in (
        descriptor["i18n:description"]["zh"])


def test_a_provisional_year_is_noted_and_marked_on_its_rows(warehouse: Warehouse, tmp_path: Path) -> None:
    load_files(warehouse, [SAMPLE_FILES[-1]], replace=True, provisional=True)  # 2019 again, provisional
    path = package.export_package(warehouse, tmp_path / "package")
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    db = expected_connection(warehouse, tmp_path / "expected")
    sample = [year for (year,) in db.execute("""SELECT year FROM loads WHERE is_sample AND load_id IN
        (SELECT max(load_id) FROM loads GROUP BY year) ORDER BY year""").fetchall()]
    assert descriptor["dispora:provisionalYears"] == [2019] and descriptor["dispora:sampleYears"] == sample
    for lang in LANGUAGES:
        note = toml_catalogue(lang)["package.note_provisional"].format(years="2019")
        assert note in descriptor["i18n:description"][lang]
    assert descriptor["version"] == warehouse.data_version()
    _, rows = read_csv(path.parent / "participants.csv")
    assert {row["year"] for row in rows if row["provisional"] == "true"} == {"2019"}
    assert {row["year"] for row in rows if row["provisional"] == "false"} == {"2017", "2018"}
    assert unexpected(frictionless.validate(str(path))) == []


def test_the_api_gives_the_paths_of_its_csv_endpoints(warehouse: Warehouse) -> None:
    url = "https://data.example/api/v1/participants.csv"
    descriptor = package.descriptor(warehouse, {"participants": url})
    assert [r["path"] for r in descriptor["resources"]] == [url, "activities.csv", "benefits.csv", "obstacles.csv"]
    assert all("hash" not in r for r in descriptor["resources"])


# -- the command and the download ---------------------------------------------------------------------

def test_the_cli_writes_a_valid_package(warehouse: Warehouse, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "open data"
    assert main(["--lang", "en", "export-package", str(directory)]) == 0
    message = toml_catalogue("en")["cli.package_written"].format(path=directory, version=warehouse.data_version())
    assert capsys.readouterr().out.strip() == message
    assert unexpected(frictionless.validate(str(directory / package.DESCRIPTOR))) == []


def test_the_cli_says_when_nothing_is_published(empty_warehouse: Warehouse, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "zh", "export-package", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().out.strip() == toml_catalogue("zh")["cli.package_empty"]
    assert not (tmp_path / "out").exists()


def test_the_cli_says_why_a_package_cannot_be_written(warehouse: Warehouse, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A file where the folder should be: one line in the reader's language, exit 1; it was a traceback."""
    (tmp_path / "taken").write_text("x")
    assert main(["--lang", "id", "export-package", str(tmp_path / "taken" / "open data")]) == 1
    reason = toml_catalogue("id")["cli.write_not_folder"]
    expected = toml_catalogue("id")["cli.cannot_write"].format(path=tmp_path / "taken" / "open data", reason=reason)
    assert capsys.readouterr().err == f"✗ {expected}\n"


def test_the_zip_holds_the_same_files(warehouse: Warehouse, exported: Path, tmp_path: Path) -> None:
    data = package.package_zip(warehouse)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(path.name for path in exported.parent.iterdir())
        for table in package.TABLES:
            assert archive.read(f"{table}.csv") == (exported.parent / f"{table}.csv").read_bytes()
        zipped = json.loads(archive.read(package.DESCRIPTOR))
    written = json.loads(exported.read_text(encoding="utf-8"))
    assert {**zipped, "created": None} == {**written, "created": None}
    (tmp_path / "download.zip").write_bytes(data)
    assert unexpected(frictionless.validate(str(tmp_path / "download.zip"))) == []


@pytest.mark.parametrize("too_many", [False, True], ids=["offered", "too-many-rows"])
def test_the_data_page_offers_the_package(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch,
                                          too_many: bool) -> None:
    """One button beside the per-table downloads; past the download row limit it points to the command."""
    limit = sum(package.published_rows(warehouse).values()) - 1 if too_many else downloads.CSV_MAX_ROWS
    monkeypatch.setattr(downloads, "CSV_MAX_ROWS", limit)
    at = open_app({"lang": "en"}, page="views/data.py")
    assert not at.exception
    t = toml_catalogue("en")
    (button,) = [b for b in at.get("download_button") if str(b.proto.id).endswith("-open-data-package")]
    assert button.label == t["data.package_download"] and button.proto.help == t["data.package_help"]
    assert button.proto.disabled == too_many
    captions = [caption.value for caption in at.caption]
    assert t["data.package_intro"] in captions
    assert (t["data.package_too_big"].format(limit=format_number(limit, "en")) in captions) == too_many
