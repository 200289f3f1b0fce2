"""The bench's before-and-after (python -m bench --against REF): fair order, honest verdicts, a clean checkout."""

from __future__ import annotations

import subprocess

import pytest

from bench.against import (
    FILTERED_PAGES,
    KINDS,
    AgainstResult,
    against_section,
    checkout,
    compared,
    resolve,
    rotated,
    snapshot_of_this_checkout,
    verdict,
)
from bench.cli import parse_args
from bench.report import render_section
from tests.paths import REPO_ROOT


def test_every_order_comes_once_in_six_rounds_and_the_two_dashboards_swap_every_round() -> None:
    """An A/A run with the order turning one way only called identical code faster: order matters."""
    orders = [rotated(number) for number in range(12)]
    assert len(set(orders[:6])) == 6 and all(sorted(order) == sorted(KINDS) for order in orders)
    assert orders[6:] == orders[:6]
    this_first = [order.index("this") < order.index("ref") for order in orders]
    assert this_first == [True, False] * 6


def test_a_change_is_called_faster_only_when_most_rounds_agree() -> None:
    result = AgainstResult("main", "abc1234")
    result.first_chart_s = {"bare": [2.0] * 8, "this": [2.2, 2.3, 2.2, 2.4, 2.2, 2.3, 2.2, 2.5],
                            "ref": [2.6, 2.7, 2.6, 2.8, 2.6, 2.7, 2.6, 2.4]}
    # Every chart: as often slower as faster.
    result.all_charts_s = {"bare": [2.0] * 8, "this": [2.5, 2.7] * 4, "ref": [2.7, 2.5] * 4}
    rows = {row.measure: row for row in against_section(result).rows}
    first = rows["this checkout: new visitor → Overview's first chart"]
    assert first.value == pytest.approx(2.25)
    assert "1.12× the bare page" in first.ratio
    assert "faster in 7 of 8" in first.ratio and "no change beyond the noise (sign test p = 0.07)" in first.ratio
    every = rows["this checkout: new visitor → every chart of the Overview"]
    assert "faster in 4 of 8" in every.ratio and "no change beyond the noise (sign test p = 1.00)" in every.ratio
    assert rows["abc1234: new visitor → Overview's first chart"].value == pytest.approx(2.6)
    assert not any("cold" in measure or "projector" in measure for measure in rows)  # not measured: no rows
    result.presenting_s = {"bare": [1.0] * 8, "this": [3.2] * 8, "ref": [3.0] * 8}
    rows = {row.measure: row for row in against_section(result).rows}
    presenting = rows["this checkout: new visitor on a 1920 px projector → every chart shown of Benefits, presenting"]
    assert presenting.value == pytest.approx(3.2) and "3.20× the bare page" in presenting.ratio
    assert "faster in 0 of 8" in presenting.ratio and "slower (sign test p = 0.008)" in presenting.ratio


def test_a_filter_change_is_compared_between_the_two_dashboards_alone() -> None:
    """The Activities and Benefits pages' filter changes (stop 74's two-figure timeline cost the Activities page
    about 0.1 s a change, seen only in runs made by hand): judged per round like the rest, with no bare row, as the
    bare page has no filters."""
    assert FILTERED_PAGES == ("/activities", "/benefits")
    result = AgainstResult("main", "abc1234")
    result.filtered_s["/activities"] = {"bare": [], "this": [0.8] * 8, "ref": [0.6] * 8}
    rows = {row.measure: row for row in against_section(result).rows}
    measure = "filter change on activities (a year removed, then one field: both changes)"
    assert set(rows) == {f"abc1234: {measure}", f"this checkout: {measure}"}
    this = rows[f"this checkout: {measure}"]
    assert this.value == pytest.approx(0.8) and "the bare page" not in this.ratio
    assert "1.33× REF's per round" in this.ratio and "slower (sign test p = 0.008)" in this.ratio
    assert "p < 0.05 / 6 (6 measures judged" in render_section(against_section(result))


@pytest.mark.parametrize(("faster", "rounds", "said"), [
    (8, 8, "faster (sign test p = 0.008)"), (11, 12, "faster (sign test p = 0.006)"),
    (1, 12, "slower (sign test p = 0.006)"), (9, 10, "no change beyond the noise (sign test p = 0.02)"),
    (7, 7, "too few rounds to tell (at least 8)")])
def test_a_change_is_named_only_when_the_rounds_agree_beyond_chance(faster: int, rounds: int, said: str) -> None:
    """Six measures per run: each judged at 0.05 / 6, so that identical code is rarely called faster or slower
    (an A/A run judged at 0.05 called one of three measures faster). 7 of 7 (p = 0.016) is not enough."""
    this = [1.0] * faster + [3.0] * (rounds - faster)
    assert verdict(this, [2.0] * rounds) == said


def test_the_per_round_ratio_pairs_rounds() -> None:
    assert compared([1.0, 3.0], [2.0, 2.0]).startswith("1.00× REF's per round (middle half 0.75–1.25×)")
    assert compared([1.0], [2.0]) == "0.50× REF's (one round)"
    assert compared([], []) == ""


def test_an_unknown_ref_is_refused_before_anything_runs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--against", "no-such-branch-anywhere"])
    assert exit_info.value.code == 2
    assert "not a commit of this repository" in capsys.readouterr().err


def test_the_against_section_and_its_ref_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--sections", "etl,against"], ["--sections", "etl", "--against", "HEAD"]):
        with pytest.raises(SystemExit):
            parse_args(argv)
        assert "go together" in capsys.readouterr().err
    alone = parse_args(["--against", "HEAD"])
    assert (alone.sections, alone.against) == (("against",), "HEAD")
    assert parse_args(["--sections", "visits,against", "--against", "HEAD"]).sections == ("visits", "against")
    assert "against" not in parse_args([]).sections


def test_the_checkout_is_the_commit_and_is_removed_afterwards() -> None:
    commit = resolve("HEAD")
    with checkout(commit) as root:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
        assert head.stdout.strip() == commit
        assert (root / "app.py").exists()
    assert not root.exists()
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=REPO_ROOT, capture_output=True, text=True).stdout
    assert str(root) not in worktrees


def test_this_checkout_is_served_from_a_copy_of_its_files_and_nothing_ignored() -> None:
    """Both dashboards run from a fresh tree of their own files: an A/A run from the checkout itself (with its
    .venv and artifacts) came out faster than the same code from a worktree in 10 of 12 rounds."""
    with snapshot_of_this_checkout() as root:
        assert (root / "app.py").read_bytes() == (REPO_ROOT / "app.py").read_bytes()
        assert (root / "tests" / "test_bench_against.py").exists()
        assert not (root / ".venv").exists() and not (root / ".git").exists()
    assert not root.exists()
