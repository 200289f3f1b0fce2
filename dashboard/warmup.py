"""Warm the server before its first visitor: imports, the default view's answers and Overview charts,
then keep what it loaded out of later garbage collections, and, run after run, what outlives the runs.

app.py starts this in a background thread when the server starts, so it overlaps with the browser
loading Streamlit's own files: the first visitor's first run then finds pandas, Plotly and the
dashboard imported and the default view's queries in the cache (per data version, as always).
"""

from __future__ import annotations

import gc
import logging
import threading

logger = logging.getLogger(__name__)

# The queries the pages run for the default view (every loaded year, every field, both directions). Not
# activity_months: only a selection of more than 60 activities asks for it (the sample's holds 46), and a
# query warmed for nobody competes with the first visitor for the interpreter.
DEFAULT_QUERIES = ("yearly_summary", "participation_breakdown", "selection_funnel", "repeat_applicants",
                   "activities_breakdown", "activity_timeline", "benefits_breakdown", "benefit_indicators",
                   "benefit_values", "codes_not_followed", "obstacles_breakdown", "obstacle_list", "sample_years",
                   "export_counts", "load_history")
# Asked without filters by every page (PageContext): warmed without them, or the warm answer is not the one asked.
UNFILTERED_QUERIES = ("provisional_years", "last_update")


def warm() -> None:
    try:
        from dashboard import charts, db, queries
        from dashboard.context import PageContext
        from dashboard.filters import Available, default_filters

        reader = db.reader()
        filters = default_filters(Available.of(queries.fetch(reader, "available")))
        scope = queries.Scope(filters.years)
        for name in DEFAULT_QUERIES:
            queries.fetch(reader, name, scope)
        for name in UNFILTERED_QUERIES:
            queries.fetch(reader, name)
        # The Overview's charts of the default view in the default language (a link without lang=):
        # built once, shared by every session (context.shared), Plotly's validators imported on the
        # way. Only that language: a cold start's first visitor competes with this thread for the
        # interpreter, and three languages delayed it by 0.4 s (5.36 s against 4.95 s, 7 rounds).
        charts.page_charts(PageContext(reader, filters), "overview")
    except Exception:  # warming is an optimisation: a failure only means a slower first visitor
        logger.warning("warming the server failed", exc_info=True)
    finally:
        settle_memory()


def settle_memory() -> None:
    """Keep the long-lived objects loaded so far out of every later garbage collection.

    Streamlit collects garbage fully after every script run (runner.postScriptGC), and with pandas,
    Plotly and DuckDB imported a full collection walks about 140,000 objects: 70–150 ms of every run,
    holding the interpreter while the run's last messages wait to be sent (py-spy during filter
    changes: 47 % of the server's samples). Modules, Plotly's validators and the warm caches live as
    long as the server, so they are frozen (gc.freeze) once warm: later collections walk only what
    runs create, and still free it. Only the young generations are collected first: a full collection
    here (~0.1 s) would hold up a cold start's first visitor, whose run is usually under way by now.
    """
    gc.collect(1)
    gc.freeze()


# Every this many script runs, what the runs before left alive is frozen too; every this many freezes it is all
# thawed once, so that a full collection frees what was frozen and has since become garbage.
RUNS_PER_FREEZE = 25
FREEZES_PER_THAW = 20


class _Settling:
    """Counts script runs (every session's) between freezes, and freezes between thaws."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs = 0
        self.freezes = 0


_settling = _Settling()


def settle_between_runs() -> None:
    """Keep what outlives the script runs (cached answers and charts, open sessions) out of the collection after
    every run, as settle_memory does for what the warm-up loaded. Called at the start of every run.

    Streamlit collects fully after every run (runner.postScriptGC), and that collection walks every object made
    since the last freeze, holding the interpreter while the run's last messages wait to be sent: on a server
    answering new selections at sample size it grew from 15 ms over the first 20 runs to 56-86 ms after 120 (with
    this, 2-12 ms; docs/speed-history.md, 8 Dec). So every RUNS_PER_FREEZE runs what is alive is frozen. A frozen
    object is still freed when nothing refers to it, but a frozen cycle (a Plotly figure, a session's state) is not
    collected: a chart evicted from the shared answers would stay. So nothing is frozen while another session's run
    is under way (an upload's parsed sheets are in memory during its run), and every FREEZES_PER_THAW freezes
    everything is thawed: the collection after that run walks all once and frees them, and the next run freezes
    what is left.
    """
    with _settling.lock:
        _settling.runs += 1
        if _settling.runs < RUNS_PER_FREEZE or _other_runs_in_flight():
            return  # another session's run would have its objects frozen half made: at a later run
        _settling.runs = 0
        _settling.freezes += 1
        if _settling.freezes >= FREEZES_PER_THAW:
            _settling.freezes = 0
            gc.unfreeze()
            _settling.runs = RUNS_PER_FREEZE - 1  # frozen again at the next run, after one full collection
        else:
            gc.freeze()


# The name Streamlit gives the thread of each script run (streamlit.runtime.scriptrunner.script_runner).
SCRIPT_THREAD = "ScriptRunner.scriptThread"


def _other_runs_in_flight() -> bool:
    current = threading.current_thread()
    return any(thread is not current and thread.name == SCRIPT_THREAD for thread in threading.enumerate())
