"""The ETL benchmark's generated workbook passes every check, so the bench times the real path end to end."""

from __future__ import annotations

import random
from pathlib import Path

from bench.workbook import BENCH_YEAR, write_workbook
from etl.load import check_file
from etl.problems import Severity


def test_the_generated_workbook_is_valid_in_every_sheet(tmp_path: Path) -> None:
    path = tmp_path / f"bench-{BENCH_YEAR}.xlsx"
    write_workbook(path, 2_000, random.Random(42))
    checked = check_file(path)
    errors = [problem for problem in checked.problems if problem.severity is Severity.ERROR]
    assert not errors, errors[:5]
    assert checked.ok
    assert checked.rows["participants"] == 2_000
    assert checked.rows["benefits"] > 0 and checked.rows["obstacles"] > 0
