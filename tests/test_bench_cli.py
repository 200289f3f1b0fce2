"""The bench's command line: counts are taken as given, and a count that cannot be measured is refused."""

from __future__ import annotations

import pytest

from bench.cli import MODES, _guarded, exit_status, parse_args
from bench.etl_bench import budget_rows


def test_defaults_follow_the_mode() -> None:
    full, quick = parse_args([]), parse_args(["--quick"])
    assert (full.repeats, full.cold_repeats, full.naive_rows) == (5, 3, 100_000)
    assert (quick.repeats, quick.cold_repeats, quick.naive_rows) == (3, 2, MODES["quick"].naive_rows)


def test_counts_given_are_used() -> None:
    config = parse_args(["--repeats", "2", "--cold-repeats", "1", "--rows", "2000", "--naive-rows", "500"])
    assert (config.repeats, config.cold_repeats, config.rows, config.naive_rows) == (2, 1, 2000, 500)


def test_naive_rows_default_to_the_workbooks_rows() -> None:
    assert parse_args(["--rows", "2000"]).naive_rows == 2000


@pytest.mark.parametrize("option", ["--repeats", "--cold-repeats", "--rows", "--naive-rows"])
@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_count_that_cannot_be_measured_is_refused(option: str, value: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # 0 cold repeats used to run the default 3: read as "not given".
    with pytest.raises(SystemExit) as exit_info:
        parse_args([option, value])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert option in error and ("at least 1" in error or "not a whole number" in error)


def test_a_section_that_fails_is_reported_and_fails_the_run() -> None:
    """A fresh machine's bench once had every ETL load rejected and still exited 0."""
    def rejected() -> list:
        raise ValueError("load rejected")

    failed = _guarded("etl", rejected)
    assert [section.title for section in failed] == ["etl — FAILED"]
    assert any("ValueError: load rejected" in note for note in failed[0].notes)
    assert exit_status(failed) == 1
    assert exit_status(_guarded("etl", list)) == 0


def test_the_etl_section_says_what_its_target_leaves_after_the_read() -> None:
    """At 1.7x a 0.70 s bare read, 0.49 s remain for validate, clean, snapshot and write."""
    stages = {"read": 0.80, "validate": 0.28, "clean": 0.12, "snapshot": 0.07, "write": 0.34}
    budget, after = budget_rows(stages, 0.70, 5)
    assert budget.value == pytest.approx(0.49) and "1.7×" in budget.measure
    assert after.value == pytest.approx(0.81) and after.ratio == "1.7× that time"
