"""AppTest helpers: run the app as a browser would, and read back what it shows.

Also the page lists, the chart and text readers, ``SharedApp`` (page runs shared by a session)
and ``expected_connection`` (a read-only copy of the warehouse for a test's own SQL).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import params
from dashboard.components import CHART_KEY
from etl.warehouse import Warehouse
from tests.paths import REPO_ROOT

APP_FILE = REPO_ROOT / "navigation.py"  # the script of each session (app.py serves it)
APP_TIMEOUT = 60  # AppTest's default of 3 s is too short for a first run that builds caches
PAGES = ("views/overview.py", "views/participation.py", "views/activities.py", "views/benefits.py",
         "views/data.py", "views/glossary.py")
# The pages that draw charts, as the server knows them (its preload of Plotly's bundle, the report):
# tests/test_pages.py checks that exactly these draw charts.
CHART_PAGES = tuple(f"views/{name}.py" for name in params.CHART_PAGES)
# A catalogue key shown as is (translate() falls back to the key when it is missing everywhere).
RAW_KEY = re.compile(r"\b(?:chart|metric|overview|participation|activities|benefits|data|filters|empty|notice|"
                     r"finding|theme|nav|dictionary|history|app|column|template|upload|auth)\.[a-z_]+\b")


def open_app(params: dict[str, str | list[str]] | None = None, page: str | None = None) -> AppTest:
    """Run navigation.py once, as a browser opening ``/<page>?<params>`` would; DASHBOARD_DB must be set."""
    at = AppTest.from_file(str(APP_FILE), default_timeout=APP_TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page is not None and page != PAGES[0]:
        at.switch_page(page)
    return at.run()


def plural(t: dict[str, str], key: str, count: int, lang: str) -> str:
    """The form of plural message ``key`` that ``lang`` uses for ``count`` things, by the rules written out
    here rather than the app's (CLDR: English "one" for exactly 1; Indonesian and Chinese one form)."""
    return t[f"{key}.one"] if lang == "en" and count == 1 else t[f"{key}.other"]


def said_most(ranked: list[tuple[str, float]], lang: str, write: Callable[[float], str] = str) -> str:
    """What a chart's sentence names as "the most", from (label, value) largest first, equals in the schema's
    order, none of none: the three largest and any equal to the third; where that is more than five, the ones
    equal to the third counted, not named ("Cultural visit 3, then 6 tied at 2 each": 2019's activities by
    type named 7 of 7 types as the most)."""
    t = toml_catalogue(lang)
    separator = "、" if lang == "zh" else ", "
    least = ranked[:3][-1][1]
    named = [(name, value) for name, value in ranked if value >= least]
    if len(named) <= 5:
        return separator.join(f"{name} {write(value)}" for name, value in named)
    above = [(name, value) for name, value in named if value > least]
    tied = {"count": str(len(named) - len(above)), "value": write(least)}
    if not above:
        return t["chart.most_tied"].format(**tied)
    return t["chart.most_tied_after"].format(named=separator.join(f"{name} {write(value)}" for name, value in above),
                                            **tied)


def toml_catalogue(lang: str) -> dict[str, str]:
    """A catalogue read straight from its TOML file (not through translations), flattened to dotted keys."""

    def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
        flat: dict[str, str] = {}
        for key, value in table.items():
            if isinstance(value, dict):
                flat |= flatten(value, f"{prefix}{key}.")
            else:
                flat[f"{prefix}{key}"] = value
        return flat

    with open(REPO_ROOT / "translations" / f"{lang}.toml", "rb") as handle:
        messages = flatten(tomllib.load(handle))
    if lang == "zh":  # as Chinese is typeset: a number keeps the word after it (2019 年), a no-break space between
        return {key: re.sub(r"(?<=[}\d]) (?=[\u4e00-\u9fff])", "\u00a0", text) for key, text in messages.items()}
    return messages


def _decoded(value: Any) -> Any:
    """Plotly JSON with its typed arrays ({"dtype", "bdata", "shape"}) decoded to lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value


def walk(node: Any) -> Iterator[Any]:
    """Every element and block of an AppTest tree, in page order."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def drawn_charts(at: AppTest, key: str = CHART_KEY) -> dict[str, dict[str, Any]]:
    """Plotly figures shown, by chart name (the page's key "chart-<name>"), as decoded JSON.

    While presenting, ``key=SCREEN_CHART_KEY`` gives the page's figures sent for a narrower screen.
    """
    figures: dict[str, dict[str, Any]] = {}
    for element in at.get("plotly_chart"):
        _, found, name = element.proto.id.partition(f"-{key}")
        if found:
            figures[name] = _decoded(json.loads(element.proto.spec))
    return figures


def open_tables(at: AppTest) -> AppTest:
    """Open every chart's data table (each is filled only when opened) and run again, once."""
    closed = [key for key in at.session_state.keys()  # noqa: SIM118 (the test session state has no __iter__)
              if str(key).startswith("table-") and not at.session_state[key]]
    for key in closed:
        at.session_state[key] = True
    return at.run() if closed else at


def chart_tables(at: AppTest) -> dict[str, pd.DataFrame]:
    """The data table under each chart (the expander holding the "csv-<name>" download), by chart name.

    The tables are filled only when opened: each is opened (and the app run again) first.
    """
    open_tables(at)
    tables: dict[str, pd.DataFrame] = {}
    for expander in at.expander:
        buttons = [e for e in walk(expander) if getattr(e, "type", "") == "download_button"
                   and "-csv-" in str(e.proto.id)]
        frames = [e for e in walk(expander) if getattr(e, "type", "") == "dataframe"]
        if buttons and frames:
            tables[str(buttons[0].proto.id).split("-csv-", 1)[1]] = frames[0].value
    return tables


def loose_tables(at: AppTest) -> list[pd.DataFrame]:
    """Data tables shown in the page itself (not under a chart), in page order."""
    nested = {id(e) for expander in at.expander for e in walk(expander)}
    return [element.value for element in at.dataframe if id(element) not in nested]


def figure_texts(figure: dict[str, Any]) -> list[str]:
    """Text a reader sees on a chart: title, axis and legend titles, trace names, category labels."""
    texts: list[str] = []

    def title(node: Any) -> None:
        if isinstance(node, dict):
            text = node.get("text")
            if isinstance(text, str):
                texts.append(text)
        elif isinstance(node, str):
            texts.append(node)

    layout = figure.get("layout", {})
    title(layout.get("title"))
    title(layout.get("legend", {}).get("title"))
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            title(axis.get("title"))
        if name.startswith("yaxis") and isinstance(axis, dict):
            texts += [str(v) for v in axis.get("categoryarray", [])]
    for trace in figure.get("data", []):
        texts += [str(trace.get("name", "")), str(trace.get("hovertemplate", ""))]
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, list):
                texts += [v for v in values if isinstance(v, str)]
        colorbar = trace.get("colorbar", {})
        title(colorbar.get("title"))
    return [text for text in texts if text]


def month_totals(figure: dict[str, Any]) -> dict[tuple[int, int], str]:
    """Of a timeline counted per month (figure JSON): (the panel's program year, the month counted from that
    year's January: 13 for the January after it) -> the total written above the month's bar. Read from the
    months' categories ("m13"), not from their names on the axis: a phone's panel names every second month."""
    layout = figure["layout"]
    # The panels' titles, in order, are the years.
    years = {("x" if index == 1 else f"x{index}"): int(note["text"]) for index, note in enumerate(
        [note for note in layout["annotations"] if note.get("xref") == "paper"], start=1)}

    def slot(category: object) -> int:
        return int(str(category).removeprefix("m"))

    # Level, the totals are text traces; turned upright, annotations.
    written = {(years[axis], slot(category)): text for trace in figure["data"] if trace["type"] == "scatter"
               for axis in [trace.get("xaxis", "x")] for category, text in zip(trace["x"], trace["text"], strict=True)}
    return written | {(years[note["xref"]], slot(note["x"])): note["text"]
                      for note in layout["annotations"] if note.get("xref") != "paper"}


def visible_texts(at: AppTest) -> list[str]:
    """Every text a reader sees on the page: headings, paragraphs, notices, widgets, tables, charts."""
    texts: list[str] = []
    for element in walk(at._tree):
        kind = getattr(element, "type", "")
        if kind in {"title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                    "success", "exception", "text"}:
            texts.append(str(element.value))
        if kind in {"metric"}:
            texts += [element.label, element.value, element.delta or "", element.proto.help]
        if kind in {"multiselect", "radio", "selectbox", "button_group", "segmented_control"}:
            texts += [str(element.proto.label), str(element.proto.help), *map(str, element.options)]
            if hasattr(element.proto, "placeholder"):
                texts.append(str(element.proto.placeholder))
        if kind in {"expander", "tab"}:
            texts.append(str(element.label))
        if kind in {"download_button", "button", "toggle", "text_input", "file_uploader"}:
            texts += [str(element.proto.label), str(element.proto.help)]
        if kind == "dataframe":
            texts += [str(column) for column in element.value.columns]
    for figure in drawn_charts(at).values():
        texts += figure_texts(figure)
    return [text for text in texts if text]


def raw_keys(at: AppTest) -> list[str]:
    """Catalogue keys a reader would see instead of a sentence (empty when every text is translated)."""
    return sorted({match for text in visible_texts(at) for match in RAW_KEY.findall(text)})


def _frozen(params: dict[str, str | list[str]]) -> tuple[tuple[str, str | tuple[str, ...]], ...]:
    """The URL as a key: one value given as a list or as a string is the same URL."""
    return tuple(sorted((key, value[0] if isinstance(value, list) and len(value) == 1
                         else tuple(value) if isinstance(value, list) else value) for key, value in params.items()))


class SharedApp:
    """Pages rendered once per session on one copy of the sample warehouse, for tests that only read.

    Each run points DASHBOARD_DB at the shared copy for its duration only, so it never disturbs a
    test's own ``warehouse`` fixture.
    """

    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse
        self._runs: dict[tuple[object, str], AppTest] = {}

    def page(self, page: str, params: dict[str, str | list[str]] | None = None) -> AppTest:
        key = (_frozen(params or {}), page)
        if key not in self._runs:
            self._runs[key] = self.fresh(page, params)
        return self._runs[key]

    def fresh(self, page: str, params: dict[str, str | list[str]] | None = None) -> AppTest:
        """A run of its own (for a test that changes widgets), on the shared copy like every other."""
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DASHBOARD_DB", str(self.warehouse.path))
            return self._pinned(open_app(params, page))

    def _pinned(self, at: AppTest) -> AppTest:
        """Every later run of ``at`` (a table opened, a widget changed) reads the shared copy too.

        Without this, a re-run outside ``page()`` read whatever DASHBOARD_DB said at that moment
        (unset in a fresh clone: the page showed "warehouse unavailable" and nothing else). Both
        ``at.run()`` and a widget's ``.run()`` go through the runner's ``_run``.
        """
        run = at._run

        def run_on_shared_copy(*args: Any, **kwargs: Any) -> AppTest:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("DASHBOARD_DB", str(self.warehouse.path))
                return run(*args, **kwargs)

        at._run = run_on_shared_copy  # type: ignore[method-assign]
        return at


def expected_connection(warehouse: Warehouse, directory: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection for a test's own SQL, on a byte copy of the warehouse's current version.

    A copy, because DuckDB refuses a second connection to a file this process (the app under test)
    already opened with another configuration.
    """
    current = warehouse.current_file()
    assert current is not None
    directory.mkdir(parents=True, exist_ok=True)
    copy = directory / f"expected-{current.name}"
    shutil.copyfile(current, copy)
    return duckdb.connect(str(copy), read_only=True)


# Half-width punctuation in Chinese text: a colon and space after Chinese ("单位: 人"; Chinese writes "："),
# an opening bracket after Chinese or a number ("96 (2017)"; Chinese writes "96（2017）"), or a space after a
# full-width mark or closing bracket ("。 时期", "（2018） →": the mark holds its own space; "。  \n" is
# Markdown's line break). Text in other languages quoted on a Chinese page ("Skor (1–5)") and code
# ("yearly_summary.selected / yearly_summary.applicants") are not Chinese.
HALF_WIDTH_PUNCTUATION = re.compile(r"[\u3000-\u9fff\uff00-\uffef](\*\*)?: "
                                    r"|[\u3000-\u9fff\d] ?\("
                                    r"|[。，、；：！？）] (?![ \n])")
