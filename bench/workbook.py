"""A large, valid program-year workbook for the ETL benchmark, generated once and cached.

Written the way analysts fill the template: Indonesian labels (a few cells as
codes or short aliases, a few empty partner cities meaning Beijing), dates as
Excel dates, and the schema's consistency rules kept (a delegate reached
"selected", outbound applicants come from a Jakarta area...), so the whole
workbook passes validation and the real path runs end to end. Names repeat
(a small pool of first and last names), as in a real applicant list.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from etl import schema

BENCH_YEAR = 2025
# Bump when the generated content changes, so cached workbooks are not reused.
GENERATOR_VERSION = 2  # 2: cells placed by column name (1 lacked benefits' indicator_code)
INBOUND_SHARE = 0.08
LABEL_LANGUAGE = "id"

FIRST_NAMES = ("Ayu", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hadi", "Indah", "Joko", "Kartika",
               "Lestari", "Made", "Nur", "Oka", "Putri", "Rizky", "Sari", "Tono", "Umar", "Vina", "Wahyu",
               "Yusuf", "Zahra", "Agus", "Bayu", "Dimas", "Fitri", "Intan", "Rina")
LAST_NAMES = ("Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Kusuma", "Nugroho", "Siregar",
              "Simanjuntak", "Lubis", "Nasution", "Halim", "Gunawan", "Setiawan", "Rahman", "Hakim",
              "Permana", "Utami", "Wibowo", "Sitompul", "Harahap", "Tanjung", "Susanto", "Purnomo")
PINYIN_NAMES = ("Wang Fang", "Li Wei", "Zhang Min", "Liu Yang", "Chen Jing", "Yang Lei", "Zhao Li", "Huang Tao")
STATUS_WEIGHTS = {"delegate": 3, "reserve": 4, "not_selected": 84, "withdrew": 9}

Row = dict[str, object]  # a cell per column name; the schema gives the order


def workbook_path(cache_dir: Path, rows: int, seed: int) -> Path:
    """Cache key: rows, seed and generator version (the year in the name sets the workbook's year)."""
    return cache_dir / f"participants-{BENCH_YEAR}-r{rows}-s{seed}-g{GENERATOR_VERSION}.xlsx"


def ensure_workbook(cache_dir: Path, rows: int, seed: int) -> Path:
    """The cached workbook for (rows, seed), written first if missing (atomically)."""
    path = workbook_path(cache_dir, rows, seed)
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    write_workbook(partial, rows, random.Random(seed))
    partial.replace(path)
    return path


def write_workbook(path: Path, rows: int, rng: random.Random) -> None:
    """Every schema sheet, codes in the header row, written in openpyxl's streaming mode."""
    activities = max(10, rows // 330)
    builders: dict[str, tuple[int, Callable[[random.Random, int, int], Row]]] = {
        "participants": (rows, _participant),
        "activities": (activities, _activity),
        "benefits": (max(10, rows // 330), lambda r, i, _n: _benefit(r, i, activities)),
        "obstacles": (max(5, rows // 1000), _obstacle),
    }
    workbook = Workbook(write_only=True)
    for sheet in schema.SHEETS:
        count, build = builders[sheet.name]
        worksheet = workbook.create_sheet(sheet.name)
        names = [column.name for column in sheet.columns]
        worksheet.append(names)
        for row in _rows(rng, count, build):
            worksheet.append(_in_schema_order(sheet, names, row))
    workbook.save(path)


def _in_schema_order(sheet: schema.Sheet, names: list[str], row: Row) -> list[object]:
    """The row's cells in the sheet's column order; a name the schema lacks is a generator bug."""
    unknown = set(row) - set(names)
    if unknown:
        raise ValueError(f"bench workbook: {sheet.name} has no column {sorted(unknown)}")
    return [row.get(name) for name in names]


def _rows(rng: random.Random, count: int, build: Callable[[random.Random, int, int], Row]) -> Iterator[Row]:
    return (build(rng, index, count) for index in range(count))


def _label(rng: random.Random, vocabulary: schema.Vocabulary, code: str) -> str:
    """Mostly the Indonesian label; about 1 cell in 100 as the code or an alias, as analysts mix them."""
    if rng.random() < 0.01:
        category = next(c for c in vocabulary.categories if c.code == code)
        return rng.choice((code, *category.aliases))
    return vocabulary.label(code, LABEL_LANGUAGE)


def _partner(rng: random.Random) -> str | None:
    return None if rng.random() < 0.01 else "Beijing"  # empty means Beijing


def _birth_date(rng: random.Random, age: int) -> date:
    """A date of birth giving `age` on 1 July of the program year."""
    month, day = schema.AGE_REFERENCE_MONTH_DAY
    reference = date(BENCH_YEAR - age, month, day)
    return reference - timedelta(days=rng.randrange(365))


def _participant(rng: random.Random, index: int, _count: int) -> Row:
    inbound = rng.random() < INBOUND_SHARE
    if inbound:
        direction, status, stage, score = "inbound", "delegate", "selected", None
        origin, name, age = "partner_city", rng.choice(PINYIN_NAMES), rng.randint(19, 28)
    else:
        direction = "outbound"
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        stage = rng.choice(schema.STATUS_STAGES[status])
        scored = schema.STAGE.codes.index(stage) >= schema.STAGE.codes.index("written_test")
        score = round(rng.uniform(40, 100), 1) if scored else None
        origin = rng.choice(schema.JAKARTA_AREAS)
        name, age = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", rng.randint(15, 30)
    institution_type = rng.choice(schema.INSTITUTION_TYPE.codes)
    return {
        "participant_id": f"P{BENCH_YEAR}-{index + 1:06d}", "year": BENCH_YEAR, "partner_city": _partner(rng),
        "direction": _label(rng, schema.DIRECTION, direction), "full_name": name,
        "gender": _label(rng, schema.GENDER, rng.choice(schema.GENDER.codes)), "birth_date": _birth_date(rng, age),
        "origin": _label(rng, schema.ORIGIN, origin),
        "institution_type": _label(rng, schema.INSTITUTION_TYPE, institution_type),
        "institution": f"Institusi {rng.randrange(400)}",
        "field": _label(rng, schema.FIELD, rng.choice(schema.FIELD.codes)),
        "stage_reached": _label(rng, schema.STAGE, stage), "status": _label(rng, schema.STATUS, status),
        "score": score,
    }


def _activity(rng: random.Random, index: int, _count: int) -> Row:
    start = date(BENCH_YEAR, 1, 1) + timedelta(days=rng.randrange(330))
    host = rng.choice(schema.HOST_CITY.codes)
    return {
        "activity_id": f"A{BENCH_YEAR}-{index + 1:04d}", "year": BENCH_YEAR, "partner_city": _partner(rng),
        "title": f"Kegiatan pertukaran {index + 1}",
        "type": _label(rng, schema.ACTIVITY_TYPE, rng.choice(schema.ACTIVITY_TYPE.codes)),
        "field": _label(rng, schema.FIELD, rng.choice(schema.FIELD.codes)),
        "host_city": "Beijing" if host == "partner_city" else _label(rng, schema.HOST_CITY, host),
        "start_date": start, "end_date": start + timedelta(days=rng.randrange(10)),
        "participants_jakarta": rng.randint(0, 40), "participants_partner": rng.randint(0, 40),
        "organizer": "Dispora DKI Jakarta", "budget_idr": rng.randrange(10, 500) * 1_000_000,
        "description": "Uraian kegiatan.",
    }


def _benefit_value(rng: random.Random, unit: str) -> float:
    low, high = schema.UNIT_RANGES[unit]
    return round(rng.uniform(low or 0, high if high is not None else 1000), 1)


def _benefit(rng: random.Random, index: int, activities: int) -> Row:
    unit = rng.choice(schema.UNIT.codes)
    beneficiary = rng.choice(schema.BENEFICIARY.codes)
    return {
        "benefit_id": f"B{BENCH_YEAR}-{index + 1:04d}", "year": BENCH_YEAR, "partner_city": _partner(rng),
        "beneficiary": "Beijing" if beneficiary == "partner_city" else _label(rng, schema.BENEFICIARY, beneficiary),
        "level": _label(rng, schema.LEVEL, rng.choice(schema.LEVEL.codes)),
        "category": _label(rng, schema.BENEFIT_CATEGORY, rng.choice(schema.BENEFIT_CATEGORY.codes)),
        "framework": _label(rng, schema.FRAMEWORK, rng.choice(schema.FRAMEWORK.codes)),
        "indicator_code": f"IND-{index % 40 + 1:02d}",  # recurring codes, as analysts follow indicators
        "indicator": f"Indikator {index + 1}",
        "value": _benefit_value(rng, unit), "unit": _label(rng, schema.UNIT, unit),
        "field": _label(rng, schema.FIELD, rng.choice(schema.FIELD.codes)),
        "activity_id": f"A{BENCH_YEAR}-{rng.randrange(activities) + 1:04d}",
        "source": _label(rng, schema.SOURCE, rng.choice(schema.SOURCE.codes)),
    }


def _obstacle(rng: random.Random, index: int, _count: int) -> Row:
    return {
        "obstacle_id": f"H{BENCH_YEAR}-{index + 1:04d}", "year": BENCH_YEAR, "partner_city": _partner(rng),
        "category": _label(rng, schema.OBSTACLE_CATEGORY, rng.choice(schema.OBSTACLE_CATEGORY.codes)),
        "severity": rng.randint(1, 5), "description": "Uraian hambatan.", "mitigation": "Langkah mitigasi.",
    }
