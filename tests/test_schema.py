"""The schema agrees with the workbook contract (tests/fixtures/VOCABULARY.md, a copy of
../shared/VOCABULARY.md) and is internally consistent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl import schema

CONTRACT = (Path(__file__).parent / "fixtures" / "VOCABULARY.md").read_text()

VOCABULARY_HEADINGS = {
    "field": schema.FIELD, "direction": schema.DIRECTION, "gender": schema.GENDER,
    "origin": schema.ORIGIN, "institution_type": schema.INSTITUTION_TYPE,
    "stage_reached (ordered)": schema.STAGE, "status": schema.STATUS,
    "type (activities)": schema.ACTIVITY_TYPE, "host_city": schema.HOST_CITY,
    "beneficiary": schema.BENEFICIARY, "level": schema.LEVEL,
    "category (benefits)": schema.BENEFIT_CATEGORY, "framework": schema.FRAMEWORK, "unit": schema.UNIT,
    "source": schema.SOURCE, "category (obstacles)": schema.OBSTACLE_CATEGORY,
    "partner_city": schema.PARTNER_CITY,
}


def _section(title: str) -> str:
    body = CONTRACT.split(f"## {title}", 1)[1]
    return " ".join(body.split("\n## ", 1)[0].split())


def _contract_categories() -> dict[str, list[tuple[str, str, str]]]:
    text = _section("Categories (code: English / Indonesian)")
    parts = re.split(r"(?:^|\s)([a-z_]+(?: \([a-z]+\))?) — ", " " + text)
    found = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        entries = []
        for entry in body.split(" · "):
            match = re.match(r"\s*([a-z0-9_]+): (.+?) / (.+?)(?: \((?!\d)[^)]*\))?\s*$", entry)
            if match:
                entries.append(match.groups())
        found[heading] = entries
    return found


def test_every_contract_vocabulary_is_in_the_schema() -> None:
    assert set(_contract_categories()) == set(VOCABULARY_HEADINGS)


@pytest.mark.parametrize("heading", [h for h in VOCABULARY_HEADINGS if h != "partner_city"])
def test_category_codes_and_labels_match_the_contract(heading: str) -> None:
    vocabulary = VOCABULARY_HEADINGS[heading]
    expected = _contract_categories()[heading]
    assert [code for code, _, _ in expected] == list(vocabulary.codes)
    for code, english, indonesian in expected:
        assert vocabulary.label(code, "en") == english
        assert vocabulary.label(code, "id") == indonesian


def test_partner_cities_of_the_contract_are_codes() -> None:
    listed = re.findall(r"[a-z_]+", _section("Categories (code: English / Indonesian)")
                        .split("partner_city — Jakarta's sister cities:")[1].split("(and")[0])
    assert set(listed) <= set(schema.PARTNER_CITY.codes)
    assert schema.PARTNER_CITY.label("moscow", "id") == "Moskwa"


def test_gender_aliases_of_the_contract() -> None:
    spellings = dict(schema.category_spellings(schema.GENDER))
    assert [spellings[s] for s in ("f", "p", "m", "l")] == ["female", "female", "male", "male"]


def test_columns_and_required_flags_match_the_contract() -> None:
    text = _section("Columns")
    for sheet in schema.SHEETS:
        listed = text.split(f"{sheet.name}:", 1)[1].split(".", 1)[0]
        entries = [e.strip() for e in re.split(r",\s*(?![^()]*\))", listed)]
        names = [re.match(r"[a-z_]+", e).group() for e in entries]  # type: ignore[union-attr]
        required = {re.match(r"[a-z_]+", e).group() for e in entries if "*" in e}  # type: ignore[union-attr]
        assert names == [c.name for c in sheet.columns], sheet.name
        assert required == {c.name for c in sheet.columns if c.required}, sheet.name
    assert schema.OBSTACLES.required is False
    assert all(sheet.required for sheet in schema.SHEETS if sheet is not schema.OBSTACLES)


def test_column_labels_match_the_contract() -> None:
    text = _section("Columns").split("Column labels (English / Indonesian) for headers:")[1]
    for entry in text.split(";"):
        match = re.match(r"\s*([a-z_]+) (.+?) / (.+?)\.?\s*$", entry)
        assert match, entry
        name, english, indonesian = match.groups()
        columns = [c for sheet in schema.SHEETS for c in sheet.columns if c.name == name]
        assert columns, name
        for column in columns:
            assert (column.label.en, column.label.id) == (english, indonesian), name


def test_ranges_of_the_contract() -> None:
    assert (schema.PARTICIPANTS.column("score").minimum, schema.PARTICIPANTS.column("score").maximum) == (0, 100)
    assert (schema.OBSTACLES.column("severity").minimum, schema.OBSTACLES.column("severity").maximum) == (1, 5)
    assert schema.ACTIVITIES.column("end_date").not_before == "start_date"
    assert schema.BENEFITS.column("activity_id").references == ("activities", "activity_id")
    assert [c.name for c in schema.SHEETS_BY_NAME["participants"].columns if c.unique] == ["participant_id"]


def test_every_label_and_description_exists_in_every_language() -> None:
    for sheet in schema.SHEETS:
        for column in (*sheet.columns, *sheet.derived):
            for lang in schema.LANGUAGES:
                assert column.label(lang).strip() and column.description(lang).strip(), (column.name, lang)
    for vocabulary in schema.VOCABULARIES:
        for category in vocabulary.categories:
            assert all(category.label(lang).strip() for lang in schema.LANGUAGES), category.code


def test_spellings_are_unambiguous() -> None:
    """A header or category spelling never means two different things."""
    for sheet in schema.SHEETS:
        seen: dict[str, str] = {}
        for column in sheet.columns:
            for spelling in (column.name, column.label.en, column.label.id, column.label.zh):
                key = schema.normalize_header(spelling)
                assert seen.setdefault(key, column.name) == column.name, (sheet.name, spelling)
    for vocabulary in schema.VOCABULARIES:
        codes: dict[str, str] = {}
        for spelling, code in schema.category_spellings(vocabulary):
            assert codes.setdefault(spelling, code) == code, (vocabulary.name, spelling)


def test_warehouse_keeps_no_name_and_no_birth_date() -> None:
    stored = [c.name for c in schema.PARTICIPANTS.stored_columns]
    assert "full_name" not in stored and "birth_date" not in stored
    assert stored[-3:] == ["age", "person_key", "first_year"]


def test_consistency_rules_use_known_codes() -> None:
    assert set(schema.STATUS_STAGES) == set(schema.STATUS.codes)
    assert all(set(stages) <= set(schema.STAGE.codes) for stages in schema.STATUS_STAGES.values())
    assert set(schema.DIRECTION_ORIGINS) == set(schema.DIRECTION.codes)
    assert set(schema.UNIT_RANGES) == set(schema.UNIT.codes)


def test_normalisation() -> None:
    assert schema.normalize_value("  Seni   dan_BUDAYA ") == "seni dan budaya"
    assert schema.normalize_value("Laki-laki") == schema.normalize_value("laki laki")
    assert schema.normalize_header("Nama  lengkap") == schema.normalize_header("nama_lengkap") == "namalengkap"
    assert schema.column_letter(0) == "A" and schema.column_letter(25) == "Z" and schema.column_letter(27) == "AB"


def test_every_text_column_has_a_length_limit() -> None:
    """The over-long check is generated from the schema: no text column is without a limit."""
    for sheet in schema.SHEETS:
        for column in sheet.columns:
            if column.kind is schema.Kind.TEXT:
                assert column.max_length is not None and 40 <= column.max_length <= 2000, column.name
            else:
                assert column.max_length is None, column.name
