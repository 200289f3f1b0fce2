"""(g) Before and after: this checkout's dashboard against another commit's, in the same run.

`python -m bench --against REF` checks REF out in a temporary git worktree and serves
the bare page, this checkout's dashboard and REF's side by side, on copies of the same sample warehouse.
Each round times a new visitor on each of the three (first chart, every chart; then, on a 1920 × 1080
projector, every chart shown of the Benefits page in presentation mode, the bare page's one chart beside
them; and on each dashboard a filter change on the Activities and Benefits pages, FILTERED_PAGES), in an
order that turns round by round, so neither dashboard always follows the other; with
--cold-repeats, each round also starts each of the three from cold. What the section judges is each
round's pair, this checkout and REF measured one after the other: a change is only called faster or
slower when the rounds agree beyond chance (a sign test). An A/A run (--against HEAD, nothing changed)
showed why: with the order turning only one way and 4 cold rounds, identical code came out "0.95×,
faster in 3 of 4". REF runs with this checkout's Python packages: a commit whose requirements differ
is not a fair "before".
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Browser, sync_playwright

from bench.measure import error_line, log, median, middle_half
from bench.report import Row, Section, Unit
from bench.visits import (
    BARE_SCRIPT,
    _cold,
    _kept_bundles,
    _new_selections,
    _projector_visit,
    _timed_visit,
    as_set_up,
)
from tests.e2e.harness import RunningApp, launch_chromium, start_app, stop_app

REPO_ROOT = Path(__file__).resolve().parents[1]
KINDS = ("bare", "this", "ref")
T = TypeVar("T")
# Presentation mode's heaviest page: 13 charts of the sample, each sent in two figures since 4 Dec.
PRESENTED_PAGE = "/benefits"
# The pages whose filter change is compared (the bench's visits section times every chart page's): the
# Activities page sends its timeline in two figures, the Benefits page redraws the most charts (11-13).
FILTERED_PAGES = ("/activities", "/benefits")
# The measures judged in each run: the first chart, every chart, presenting, the cold start, and a filter change
# per page. Each is judged at 0.05 / JUDGED, so that identical code is called faster or slower in about one run
# in twenty (Bonferroni), not one in four. Fewer than 8 rounds can never reach it (8 of 8: p = 0.008).
JUDGED = 4 + len(FILTERED_PAGES)
SIGNIFICANCE = 0.05 / JUDGED
MIN_ROUNDS = 8


@dataclass
class AgainstResult:
    ref: str  # as given
    commit: str  # what it resolved to
    first_chart_s: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    all_charts_s: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    presenting_s: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    cold_s: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    # By page: each round's two changes (a year removed, one field chosen) added up, per dashboard.
    filtered_s: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: {page: {kind: [] for kind in KINDS} for page in FILTERED_PAGES})
    load: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def resolve(ref: str) -> str:
    """REF's commit (short); ValueError saying so when git does not know it."""
    done = subprocess.run(["git", "rev-parse", "--verify", "--short", f"{ref}^{{commit}}"], cwd=REPO_ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise ValueError(f"--against {ref}: not a commit of this repository ({done.stderr.strip()})")
    return done.stdout.strip()


@contextmanager
def checkout(commit: str) -> Iterator[Path]:
    """``commit`` in a temporary worktree, removed afterwards (also when the measurement fails)."""
    root = Path(tempfile.mkdtemp(prefix="bench-against-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(root), commit], cwd=REPO_ROOT, check=True,
                   capture_output=True)
    try:
        yield root
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(root)], cwd=REPO_ROOT, capture_output=True)
        shutil.rmtree(root.parent, ignore_errors=True)


@contextmanager
def snapshot_of_this_checkout() -> Iterator[Path]:
    """This checkout as it is now (committed or not, untracked files included, ignored ones not), copied beside
    REF's worktree: an A/A run (REF = HEAD) served from the checkout itself, with its .venv and artifacts, came
    out 3 % faster than the same code from a worktree in 10 of 12 rounds."""
    root = Path(tempfile.mkdtemp(prefix="bench-this-")) / "tree"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    try:
        for name in filter(None, listed):
            source = REPO_ROOT / name
            if source.is_file():  # a tracked file deleted in the working tree is left out, as it is here
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, root / name)
        yield root
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def _own_copy(warehouse: Path, into: Path) -> Path:
    """A copy of the warehouse's directory for one server: an older commit may upgrade what it opens."""
    target = into / warehouse.parent.name
    shutil.copytree(warehouse.parent, target, symlinks=True)
    return target / warehouse.name


def rotated(round_number: int) -> tuple[str, ...]:
    """The order of the three in a round: this checkout and REF swap every round (each goes first in half of
    them), and the bare page takes each place in turn; every 6 rounds hold each of the 6 orders once."""
    pair = ("this", "ref") if round_number % 2 == 0 else ("ref", "this")
    order = list(pair)
    order.insert((round_number // 2) % 3, "bare")
    return tuple(order)


def measure_against(warehouse: Path, ref: str, repeats: int, cold_repeats: int, log_dir: Path) -> AgainstResult:
    result = AgainstResult(ref, resolve(ref))
    kept = _kept_bundles(log_dir)
    scratch = Path(tempfile.mkdtemp(prefix="bench-against-data-"))
    try:
        with checkout(result.commit) as ref_root, snapshot_of_this_checkout() as this_root:
            for root in (ref_root, this_root):
                as_set_up(root)
            # The bare page reads no warehouse; each dashboard gets its own copy.
            warehouses = {"bare": warehouse} | {kind: _own_copy(warehouse, scratch / kind) for kind in ("this", "ref")}
            roots = {"bare": REPO_ROOT, "this": this_root, "ref": ref_root}
            scripts = {"bare": BARE_SCRIPT, "this": "app.py", "ref": "app.py"}
            envs = {"bare": {}, "this": kept, "ref": kept}
            queries = {"bare": "", "this": "lang=en", "ref": "lang=en"}

            def started(kind: str, log_name: str) -> RunningApp:
                return start_app(warehouses[kind], log_dir / f"{log_name}-{kind}.log", script=scripts[kind],
                                 extra_env=envs[kind], root=roots[kind])

            servers = {kind: started(kind, "streamlit-against") for kind in KINDS}
            try:
                with sync_playwright() as playwright:
                    browser = launch_chromium(playwright)
                    try:
                        for kind in KINDS:  # the first visit pays each server's first imports
                            _timed_visit(browser, servers[kind].url("/", queries[kind]))
                        for run in range(repeats):
                            log(f"against {result.commit}: run {run + 1}/{repeats}")
                            result.load.append(os.getloadavg()[0])
                            visits = _timed_round(result, rotated(run), lambda kind: _timed_visit(
                                browser, servers[kind].url("/", queries[kind])))
                            for kind, (first, every) in visits.items():
                                result.first_chart_s[kind].append(first)
                                result.all_charts_s[kind].append(every)
                            presented = _timed_round(result, rotated(run), lambda kind: _projector_visit(
                                browser, servers[kind].url("/", "") if kind == "bare"
                                else servers[kind].url(PRESENTED_PAGE, "lang=en&present=1")))
                            for kind, seconds in presented.items():
                                result.presenting_s[kind].append(seconds)
                            for page in FILTERED_PAGES:  # the bare page has no filters
                                changes = _timed_round(result, _dashboards(rotated(run)), lambda kind, page=page:
                                                       _filtered(browser, page, lambda kind=kind: started(
                                                           kind, "streamlit-against-filters")))
                                for kind, seconds in changes.items():
                                    result.filtered_s[page][kind].append(seconds)
                        for server in servers.values():
                            stop_app(server)
                        for run in range(cold_repeats):
                            log(f"against {result.commit}: cold start {run + 1}/{cold_repeats}")
                            starts = _timed_round(result, rotated(run), lambda kind: _cold(
                                browser, warehouses[kind], log_dir, scripts[kind], envs[kind], roots[kind]))
                            for kind, seconds in starts.items():
                                result.cold_s[kind].append(seconds)
                    finally:
                        browser.close()
            finally:
                for server in servers.values():
                    stop_app(server)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def _dashboards(order: tuple[str, ...]) -> tuple[str, ...]:
    """The round's order without the bare page."""
    return tuple(kind for kind in order if kind != "bare")


def _filtered(browser: Browser, page: str, started: Callable[[], RunningApp]) -> float:
    """A year removed, then one field chosen, on ``page`` of a server ``started`` for them (both selections new to
    it, as in the visits section): the two changes' seconds (each the click → the last chart redrawn, on the
    page's clock), added up."""
    return sum(timing.page_s for timing in _new_selections(browser, started, page))


def _timed_round(result: AgainstResult, order: tuple[str, ...], measure: Callable[[str], T]) -> dict[str, T]:
    """Each of the three measured in ``order``; a round with an error is left out whole (rounds stay paired)."""
    try:
        return {kind: measure(kind) for kind in order}
    except Exception as error:  # recorded, the next round is tried
        result.errors.append(error_line(error))
        return {}


def compared(this: list[float], ref: list[float]) -> str:
    """Each round's time here ÷ REF's: median, middle half, and in how many rounds this checkout was faster."""
    ratios = [mine / theirs for mine, theirs in zip(this, ref, strict=True) if theirs > 0]
    if not ratios:
        return ""
    faster = sum(ratio < 1 for ratio in ratios)
    if len(ratios) < 2:
        return f"{ratios[0]:.2f}× REF's (one round)"
    low, middle, high = middle_half(ratios)
    return (f"{middle:.2f}× REF's per round (middle half {low:.2f}–{high:.2f}×), "
            f"faster in {faster} of {len(ratios)}")


def sign_test(this: list[float], ref: list[float]) -> float:
    """Two-sided sign test: the chance of rounds split at least this unevenly if neither were faster."""
    faster = sum(mine < theirs for mine, theirs in zip(this, ref, strict=True))
    slower = sum(mine > theirs for mine, theirs in zip(this, ref, strict=True))
    rounds, fewer = faster + slower, min(faster, slower)
    if rounds == 0:
        return 1.0
    tail = sum(math.comb(rounds, k) for k in range(fewer + 1)) / 2**rounds
    return min(1.0, 2 * tail)


def verdict(this: list[float], ref: list[float]) -> str:
    """'faster' or 'slower' only when the rounds agree beyond chance (sign test, p < 0.05 / 6: 8 of 8,
    10 of 10, 11 of 12); otherwise 'no change beyond the noise'."""
    if len(this) < MIN_ROUNDS:
        return f"too few rounds to tell (at least {MIN_ROUNDS})"
    p = sign_test(this, ref)
    if p >= SIGNIFICANCE:
        return f"no change beyond the noise (sign test p = {p:.2f})"
    return f"{'faster' if median(this) < median(ref) else 'slower'} (sign test p = {p:.3f})"


def against_section(result: AgainstResult) -> Section:
    section = Section(f"(g) Before and after: this checkout against {result.ref} ({result.commit}), sample size")
    measures = (("new visitor → Overview's first chart", result.first_chart_s),
                ("new visitor → every chart of the Overview", result.all_charts_s),
                ("new visitor on a 1920 px projector → every chart shown of Benefits, presenting",
                 result.presenting_s),
                *((f"filter change on {page.lstrip('/')} (a year removed, then one field: both changes)", times)
                  for page, times in result.filtered_s.items()),
                ("cold `streamlit run` → first chart", result.cold_s))
    for measure, times in measures:
        if not times["this"]:
            continue
        bare = median(times["bare"])
        for kind, who in (("bare", "bare page"), ("ref", f"{result.commit}"), ("this", "this checkout")):
            if not times[kind]:  # the filter changes have no bare page
                continue
            value = median(times[kind])
            ratio = f"{value / bare:.2f}× the bare page" if kind != "bare" and value and bare else ""
            if kind == "this":
                ratio = "; ".join(filter(None, [ratio, compared(times["this"], times["ref"]),
                                                verdict(times["this"], times["ref"])]))
            section.rows.append(Row(f"{who}: {measure}", value, Unit.SECONDS, len(times[kind]), ratio=ratio))
    load = median(result.load)
    section.notes = [
        f"REF {result.ref} is commit {result.commit}, checked out in a temporary git worktree and served with "
        "this checkout's Python packages; this checkout is served from a copy of its files beside it (what git "
        "tracks or does not ignore), and each has its own copy of the sample warehouse.",
        "Each round times the three one after the other; this checkout and REF swap places every round and the "
        "bare page takes each place in turn (each of the 6 orders once in every 6 rounds). 'Faster' or 'slower' "
        "is said only when the rounds agree beyond chance: a two-sided sign test on the rounds in which this "
        f"checkout was faster or slower than REF, p < 0.05 / {JUDGED} ({JUDGED} measures judged; at least 8 "
        "rounds).",
        "On the projector the dashboards show the Benefits page in presentation mode (each chart sent in the "
        "projector's figure and the page's, one of them hidden) and the bare page its one chart at the same size; "
        "the measure ends when every chart a reader sees is drawn.",
        "A filter change is timed on each dashboard alone (the bare page has no filters): on the page named, the "
        "latest year's chip removed, then one field chosen, each from the click to the last chart redrawn (the "
        "page's clock), the two added up; on a server of that dashboard started for them, so both selections are "
        "new to it (until 7 Dec the round's running server took them, answering them from its caches from the "
        "second round on).",
        f"Load average (1 min) during the warm rounds: median {load:.2f} on {os.cpu_count()} CPUs." if load else "",
    ]
    section.notes += [f"ERROR in a round (left out): {error}" for error in result.errors]
    return section
