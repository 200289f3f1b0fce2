"""What outlives the script runs is kept out of the collection Streamlit runs after each, and given back to it."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import warmup


class Node:
    """An object in a cycle, as a Plotly figure and its parts are: freed only by a collection."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def settling(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(warmup, "_settling", warmup._Settling())
    gc.collect()
    gc.unfreeze()  # what the warm-up or earlier runs of this process froze
    try:
        yield
    finally:
        gc.unfreeze()


def runs(count: int) -> None:
    for _ in range(count):
        warmup.settle_between_runs()


def test_what_outlives_the_runs_is_frozen_every_so_many_runs_and_thawed_again(settling: None) -> None:
    kept = [Node() for _ in range(1_000)]  # a cache's answers, alive from run to run
    dropped = Node()
    gone = weakref.ref(dropped)
    runs(warmup.RUNS_PER_FREEZE - 1)
    assert gc.get_freeze_count() == 0
    runs(1)
    frozen = gc.get_freeze_count()
    assert frozen >= len(kept), "frozen at the run that completes the count"
    del dropped
    gc.collect()
    assert gone() is not None, "a frozen cycle dropped later is not collected while frozen"
    runs(warmup.RUNS_PER_FREEZE * (warmup.FREEZES_PER_THAW - 1) - 1)
    assert gc.get_freeze_count() >= frozen, "frozen, never thawed, until the last freeze of the period"
    runs(1)
    assert gc.get_freeze_count() == 0, "thawed"
    gc.collect()  # Streamlit's collection after that run
    assert gone() is None, "the cycle dropped while frozen is freed after the thaw"
    runs(1)
    assert gc.get_freeze_count() >= len(kept), "what is alive is frozen again at the next run"
    assert all(node.me is node for node in kept)


def test_nothing_is_frozen_while_another_sessions_run_is_under_way(settling: None) -> None:
    finish = threading.Event()
    other = threading.Thread(target=finish.wait, name=warmup.SCRIPT_THREAD)  # another session's run
    other.start()
    try:
        runs(warmup.RUNS_PER_FREEZE + 3)
        assert gc.get_freeze_count() == 0, "its objects, half made, are not frozen"
    finally:
        finish.set()
        other.join()
    runs(1)
    assert gc.get_freeze_count() > 0, "frozen at the first run after it ended"


def test_streamlit_runs_each_script_in_the_thread_named_here() -> None:
    """Other runs in flight are found by their thread's name, Streamlit's: a release that renamed it would let a
    freeze take another run's objects half made."""

    def script() -> None:
        import threading

        import streamlit as st

        st.text(threading.current_thread().name)

    app = AppTest.from_function(script)
    app.run()
    assert app.text[0].value == warmup.SCRIPT_THREAD

