"""The bundled sample workbooks: reproducible, true to the 2017 facts, and valid under the schema."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from openpyxl import load_workbook

from etl import sample_data
from etl.schema import (
    ACTIVITIES,
    ACTIVITY_TYPE,
    BENEFICIARY,
    BENEFIT_CATEGORY,
    BENEFITS,
    DEFAULT_PARTNER_CITY,
    FIELD,
    FRAMEWORK,
    HOST_CITY,
    INSTITUTION_TYPE,
    JAKARTA_AREAS,
    LEVEL,
    OBSTACLE_CATEGORY,
    OBSTACLES,
    PARTICIPANTS,
    PARTNER_CITY,
    SHEETS,
    SOURCE,
    STAGE,
    STATUS_STAGES,
    UNIT,
    Kind,
    Sheet,
    Vocabulary,
    category_spellings,
    normalize_value,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "data" / "sample"
YEARS = (2017, 2018, 2019)
DATE_COLUMNS = {sheet.name: {c.name for c in sheet.columns if c.kind is Kind.DATE} for sheet in SHEETS}


def _code(vocabulary: Vocabulary, value: object, partner: str = DEFAULT_PARTNER_CITY) -> str | None:
    """The code behind a cell as an analyst may write it (code or label, any case)."""
    if value is None:
        return None
    key = normalize_value(str(value))
    spellings = dict(category_spellings(vocabulary))
    if key in spellings:
        return spellings[key]
    if vocabulary.partner_name_code:
        partner_names = {spelling for spelling, code in category_spellings(PARTNER_CITY) if code == partner}
        if key in partner_names:
            return vocabulary.partner_name_code
    raise AssertionError(f"{value!r} is not a {vocabulary.name} category")


def _decode(sheet: Sheet, row: dict[str, object]) -> dict[str, object]:
    partner = _code(PARTNER_CITY, row["partner_city"]) or DEFAULT_PARTNER_CITY
    return {column.name: _code(column.vocabulary, row[column.name], partner) if column.vocabulary
            else row[column.name] for column in sheet.columns}


@pytest.fixture(scope="module")
def raw() -> dict[int, dict[str, list[dict[str, object]]]]:
    return {year: sample_data.generate_year(year) for year in YEARS}


@pytest.fixture(scope="module")
def data(raw) -> dict[int, dict[str, list[dict[str, object]]]]:
    """Rows with every category cell turned back into its code."""
    by_name = {sheet.name: sheet for sheet in SHEETS}
    return {year: {name: [_decode(by_name[name], row) for row in rows] for name, rows in sheets.items()}
            for year, sheets in raw.items()}


def _outbound(data, year: int) -> list[dict[str, object]]:
    return [row for row in data[year]["participants"] if row["direction"] == "outbound"]


def _inbound(data, year: int) -> list[dict[str, object]]:
    return [row for row in data[year]["participants"] if row["direction"] == "inbound"]


def _age(birth_date: date, year: int) -> int:
    return year - birth_date.year - ((birth_date.month, birth_date.day) > (7, 1))


# --------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------


def test_generation_is_deterministic(raw):
    assert sample_data.YEARS == YEARS
    for year in YEARS:
        assert sample_data.generate_year(year) == raw[year]


@pytest.mark.parametrize("hash_seed", ["1", "2"])
def test_generation_does_not_depend_on_the_interpreter_run(raw, hash_seed):
    # A fresh process with another hash seed must produce the same rows (no set-order or cache leaks).
    code = "from etl import sample_data as s; print(repr([s.generate_year(y) for y in s.YEARS]))"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == repr([raw[year] for year in YEARS])


def test_unknown_year_is_refused():
    with pytest.raises(ValueError):
        sample_data.generate_year(2020)


def test_written_workbooks_are_byte_identical(tmp_path):
    first = sample_data.write_workbook(2017, tmp_path / "a" / "2017.xlsx")
    second = sample_data.write_workbook(2017, tmp_path / "b" / "2017.xlsx")
    assert first.read_bytes() == second.read_bytes()
    assert not list(tmp_path.rglob("*.tmp"))


def test_write_sample_workbooks_writes_every_year(tmp_path):
    paths = sample_data.write_sample_workbooks(tmp_path)
    assert [path.name for path in paths] == [f"{year}.xlsx" for year in YEARS]
    assert all(path.is_file() for path in paths)


def _cell_value(value: object) -> object:
    # openpyxl reads date cells back as datetime at midnight.
    if isinstance(value, datetime):
        assert value.time() == datetime.min.time()
        return value.date()
    return value


@pytest.mark.parametrize("year", YEARS)
def test_committed_workbook_matches_generator(raw, year):
    path = SAMPLE_DIR / f"{year}.xlsx"
    assert path.is_file(), f"{path} missing: run python -m etl.sample_data"
    workbook = load_workbook(path)
    assert workbook.sheetnames == [sheet.name for sheet in SHEETS]
    props = workbook.properties
    assert props.created == sample_data.FIXED_TIMESTAMP and props.modified == sample_data.FIXED_TIMESTAMP
    for sheet in SHEETS:
        worksheet = workbook[sheet.name]
        names = [column.name for column in sheet.columns]
        assert not worksheet.merged_cells.ranges
        assert worksheet.min_row == 1 and worksheet.min_column == 1
        cells = [cell for row in worksheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "formulas in sample data"
        for cell in cells:
            if cell.row > 1 and names[cell.column - 1] in DATE_COLUMNS[sheet.name]:
                assert cell.is_date, f"{sheet.name}!{cell.coordinate} is not a date cell"
        rows = list(worksheet.iter_rows(values_only=True))
        assert list(rows[0]) == names
        found = [[_cell_value(value) for value in row] for row in rows[1:]]
        expected = [[row[name] for name in names] for row in raw[year][sheet.name]]
        assert found == expected, f"{path.name}!{sheet.name} is stale: run python -m etl.sample_data"


# --------------------------------------------------------------------------
# Shape of the rows
# --------------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_rows_follow_the_schema(raw, year):
    assert list(raw[year]) == [sheet.name for sheet in SHEETS]
    for sheet in SHEETS:
        names = [column.name for column in sheet.columns]
        for row in raw[year][sheet.name]:
            assert list(row) == names
            assert row["year"] == year
            for column in sheet.columns:
                value = row[column.name]
                if column.required:
                    assert value not in (None, ""), f"{sheet.name}.{column.name} empty in {row}"
                if value is None:
                    continue
                if column.kind is Kind.DATE:
                    assert type(value) is date
                elif column.kind is Kind.INTEGER:
                    assert type(value) is int
                elif column.kind is Kind.NUMBER:
                    assert isinstance(value, int | float) and not isinstance(value, bool)
                else:
                    assert isinstance(value, str) and not value.startswith("=")
                if column.minimum is not None:
                    assert value >= column.minimum
                if column.maximum is not None:
                    assert value <= column.maximum


@pytest.mark.parametrize("year", YEARS)
def test_ids_are_unique_and_well_formed(data, year):
    prefixes = {PARTICIPANTS.name: ("P", 3), ACTIVITIES.name: ("A", 2), BENEFITS.name: ("B", 2),
                OBSTACLES.name: ("H", 2)}
    for sheet in SHEETS:
        ids = [row[sheet.id_column.name] for row in data[year][sheet.name]]
        assert len(ids) == len(set(ids))
        letter, digits = prefixes[sheet.name]
        for value in ids:
            head, number = value.split("-")
            assert head == f"{letter}{year}" and len(number) == digits and number.isdigit()


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda sheet: sheet.name)
def test_categories_appear_as_labels_and_as_codes(raw, data, sheet):
    vocabulary_columns = [c for c in sheet.columns if c.vocabulary and c.name != "partner_city"]
    labels = codes = 0
    for year in YEARS:
        for raw_row, row in zip(raw[year][sheet.name], data[year][sheet.name], strict=True):
            for column in vocabulary_columns:
                if raw_row[column.name] is None:
                    continue
                if raw_row[column.name] == row[column.name]:
                    codes += 1
                else:
                    labels += 1
    assert codes > 0 and labels > codes * 3  # mostly Indonesian labels, a few codes
    partner_cells = Counter(row["partner_city"] for year in YEARS for row in raw[year][sheet.name])
    assert partner_cells[PARTNER_CITY.label(DEFAULT_PARTNER_CITY, "id")] > partner_cells[None] > 0


# --------------------------------------------------------------------------
# Public 2017 facts
# --------------------------------------------------------------------------


def test_2017_public_facts(data):
    outbound = _outbound(data, 2017)
    assert len(outbound) == 96
    assert sum(row["status"] == "delegate" for row in outbound) == 3
    assert 1 <= sum(row["status"] == "reserve" for row in outbound) <= 3
    assert sum(row["status"] == "withdrew" for row in outbound) <= 1

    activities = data[2017]["activities"]
    titles = " | ".join(row["title"] for row in activities)
    assert "Beijing Sister City Youth Camp" in titles
    assert "International Youth Forum" in titles
    # Pre-departure training at the Dispora building, after the selection of 22–30 July 2017.
    training = [row for row in activities if row["type"] == "pre_departure"]
    assert len(training) == 1
    assert training[0]["start_date"] > date(2017, 7, 30)
    assert "Gedung Dispora DKI Jakarta" in training[0]["description"]
    assert "22–30 Juli 2017" in training[0]["description"]
    camp = next(row for row in activities if row["title"].startswith("Beijing Sister City Youth Camp"))
    assert camp["host_city"] == "partner_city" and camp["participants_jakarta"] == 3
    assert camp["start_date"] > training[0]["end_date"]
    # Beijing delegates at Jakarta's International Youth Program.
    program = next(row for row in activities if "International Youth Program" in row["title"])
    assert program["host_city"] == "jakarta"
    assert program["participants_partner"] == len(_inbound(data, 2017))


# --------------------------------------------------------------------------
# Plausible elsewhere
# --------------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_counts_are_within_range(data, year):
    outbound, inbound = _outbound(data, year), _inbound(data, year)
    assert 80 <= len(outbound) <= 150
    assert 3 <= sum(row["status"] == "delegate" for row in outbound) <= 6
    assert 3 <= len(inbound) <= 6
    assert 8 <= len(data[year]["activities"]) <= 20
    assert 10 <= len(data[year]["benefits"]) <= 30
    assert 4 <= len(data[year]["obstacles"]) <= 8


@pytest.mark.parametrize("year", YEARS)
def test_every_mou_field_is_present(data, year):
    assert {row["field"] for row in data[year]["participants"]} == set(FIELD.codes)
    assert {row["field"] for row in data[year]["activities"]} == set(FIELD.codes)


@pytest.mark.parametrize("year", YEARS)
def test_consistency_rules(data, year):
    for row in data[year]["participants"]:
        assert row["stage_reached"] in STATUS_STAGES[row["status"]], row
        if row["direction"] == "outbound":
            assert row["origin"] in JAKARTA_AREAS, row
        else:
            assert row["origin"] == "partner_city", row
            assert (row["status"], row["stage_reached"]) == ("delegate", "selected")
    for row in data[year]["activities"]:
        assert row["start_date"] <= row["end_date"]
        assert row["start_date"].year == year


@pytest.mark.parametrize("year", YEARS)
def test_benefit_activity_ids_exist(data, year):
    activity_ids = {row["activity_id"] for row in data[year]["activities"]}
    linked = [row["activity_id"] for row in data[year]["benefits"] if row["activity_id"] is not None]
    assert linked and set(linked) <= activity_ids
    assert len(linked) < len(data[year]["benefits"])  # some benefits belong to no single activity


@pytest.mark.parametrize("year", YEARS)
def test_benefit_values_are_realistic(data, year):
    for row in data[year]["benefits"]:
        bounds = {"percent": (0, 100), "score": (1, 5), "count": (0, 1_000), "idr": (1_000_000, 10**10)}
        low, high = bounds[row["unit"]]
        assert low <= row["value"] <= high, row
        assert row["indicator"] and row["source"] in (None, *SOURCE.codes)


@pytest.mark.parametrize("year", YEARS)
def test_selection_funnel_narrows(data, year):
    outbound = _outbound(data, year)
    reached = [sum(STAGE.codes.index(row["stage_reached"]) >= i for row in outbound)
               for i in range(len(STAGE.codes))]
    assert reached[0] == len(outbound)
    assert all(earlier > later for earlier, later in pairwise(reached)), reached
    stopped = Counter(row["stage_reached"] for row in outbound if row["status"] == "not_selected")
    counts = [stopped[stage] for stage in STATUS_STAGES["not_selected"]]
    assert all(earlier > later > 0 for earlier, later in pairwise(counts)), counts


@pytest.mark.parametrize("year", YEARS)
def test_applicants_are_plausible(data, year):
    outbound = _outbound(data, year)
    assert all(17 <= _age(row["birth_date"], year) <= 30 for row in data[year]["participants"])
    female = sum(row["gender"] == "female" for row in outbound) / len(outbound)
    assert 0.35 <= female <= 0.65
    assert {row["institution_type"] for row in outbound} == set(INSTITUTION_TYPE.codes)
    assert {row["origin"] for row in outbound} == set(JAKARTA_AREAS)
    names = [(row["full_name"], row["birth_date"]) for row in data[year]["participants"]]
    assert len(names) == len(set(names))
    written_test = STAGE.codes.index("written_test")
    for row in outbound:
        scored = STAGE.codes.index(row["stage_reached"]) >= written_test
        assert (row["score"] is not None) == scored, row
        if scored:
            assert 0 <= row["score"] <= 100 and round(row["score"], 1) == row["score"]
    delegates = [row["score"] for row in outbound if row["status"] == "delegate"]
    others = [row["score"] for row in outbound
              if row["status"] == "not_selected" and row["score"] is not None]
    assert min(delegates) > max(others)


@pytest.mark.parametrize("year", YEARS)
def test_obstacles_have_severity_and_mitigation(data, year):
    for row in data[year]["obstacles"]:
        assert 1 <= row["severity"] <= 5 and row["description"] and row["mitigation"]


def test_every_category_is_used_across_the_years(data):
    def used(sheet: str, column: str) -> set[object]:
        return {row[column] for year in YEARS for row in data[year][sheet]} - {None}

    assert used("activities", "type") == set(ACTIVITY_TYPE.codes)
    assert used("activities", "host_city") == set(HOST_CITY.codes)
    assert used("benefits", "beneficiary") == set(BENEFICIARY.codes)
    assert used("benefits", "level") == set(LEVEL.codes)
    assert used("benefits", "category") == set(BENEFIT_CATEGORY.codes)
    assert used("benefits", "framework") == set(FRAMEWORK.codes)
    assert used("benefits", "unit") == set(UNIT.codes)
    assert used("benefits", "source") == set(SOURCE.codes)
    assert used("obstacles", "category") == set(OBSTACLE_CATEGORY.codes)


def test_repeat_applicants_across_years(data):
    seen: set[tuple[object, object]] = set()
    for year in YEARS:
        people = {(row["full_name"], row["birth_date"]) for row in _outbound(data, year)}
        repeats = people & seen
        if year != YEARS[0]:
            assert 5 <= len(repeats) <= 10, (year, len(repeats))
        # Only deliberate repeats share a name with an earlier year.
        earlier_names = {name for name, _ in seen}
        assert {name for name, _ in people} & earlier_names == {name for name, _ in repeats}
        seen |= people
