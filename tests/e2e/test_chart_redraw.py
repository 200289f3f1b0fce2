"""A chart is drawn once when it appears: handed to Plotly a second time, the same figure draws nothing.

Streamlit's chart element gives each new figure to Plotly.react twice: the figure, then a JSON copy of
the figure it keeps as its state. Plotly takes an array object it has not seen for new data unless the
layout carries a data revision, and a number array sent as a typed array ({"dtype", "bdata"}) is
decoded into a new one at every call, so before dashboard.figures.Draft.build sent plain lists and a
revision, every chart of every page, on every visit and filter change, was drawn a second time.

The figures are the exact JSON the dashboard sends (every chart of the four chart pages, and the
Overview's in presentation mode, through AppTest); they are drawn in Chromium by the Plotly.js
that plotly.py ships (4.1; Streamlit bundles 4.2).
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly
from playwright.sync_api import Browser
from streamlit.testing.v1 import AppTest

from dashboard.components import CHART_KEY
from etl.warehouse import Warehouse
from tests.apptest import CHART_PAGES, open_app

from .harness import new_context

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# Draw the figure as Streamlit does, then count what a second Plotly.react with a copy of it changes.
REDRAW_JS = """async (spec) => {
  const plot = document.createElement('div');
  plot.style.width = '700px';
  document.body.appendChild(plot);
  await Plotly.react(plot, JSON.parse(spec));
  let changes = 0;
  const observer = new MutationObserver(records => { changes += records.length; });
  observer.observe(plot, {subtree: true, childList: true, attributes: true, characterData: true});
  await Plotly.react(plot, JSON.parse(JSON.stringify({data: plot.data, layout: plot.layout})));
  await new Promise(resolve => setTimeout(resolve, 50));
  observer.disconnect();
  const drawn = plot.querySelectorAll('svg.main-svg *').length;
  Plotly.purge(plot);
  plot.remove();
  return {changes, drawn};
}"""


def _specs(at: AppTest) -> dict[str, str]:
    """Each chart's figure by name (while presenting, the projector's: the page's copies are the pages' own)."""
    named = ((element.proto.id.partition(f"-{CHART_KEY}"), element.proto.spec) for element in at.get("plotly_chart"))
    return {name: spec for (_, found, name), spec in named if found}


def _every_chart_spec() -> dict[str, str]:
    specs: dict[str, str] = {}
    for page in CHART_PAGES:
        at = open_app({"lang": "en"}, page=page)
        specs |= {f"{Path(page).stem}/{name}": spec for name, spec in _specs(at).items()}
        for tab in at.tabs[1:]:  # the profile tabs build only the open one
            at.session_state["participation-profile-en"] = tab.label
            specs |= {f"{Path(page).stem}/{name}": spec for name, spec in _specs(at.run()).items()}
    # Presentation mode sends larger copies of the figures (figures.for_projector).
    specs |= {f"projector/{name}": spec for name, spec in _specs(open_app({"lang": "en", "present": "1"})).items()}
    return specs


def _typed_arrays(node: object) -> int:
    if isinstance(node, dict):
        return ("bdata" in node) + sum(_typed_arrays(value) for value in node.values())
    if isinstance(node, list):
        return sum(_typed_arrays(item) for item in node)
    return 0


def test_a_chart_given_to_plotly_again_draws_nothing(warehouse: Warehouse, browser: Browser) -> None:
    specs = _every_chart_spec()
    assert len(specs) >= 20, sorted(specs)
    for name, spec in specs.items():
        figure = json.loads(spec)
        assert _typed_arrays(figure) == 0, f"{name}: a typed array is decoded anew at each Plotly.react"
        assert figure["layout"].get("datarevision"), f"{name}: no data revision"
    context = new_context(browser)
    page = context.new_page()
    try:
        page.set_content("<!doctype html><html><body></body></html>")
        page.add_script_tag(path=str(PLOTLY_JS))
        redrawn = {}
        for name, spec in specs.items():
            result = page.evaluate(REDRAW_JS, spec)
            assert result["drawn"] > 50, f"{name} was not drawn: {result}"
            if result["changes"]:
                redrawn[name] = result["changes"]
    finally:
        context.close()
    assert not redrawn, f"drawn again when handed to Plotly a second time (DOM changes): {redrawn}"


def test_the_data_revision_follows_the_data(warehouse: Warehouse) -> None:
    """The revision names the data: the same view sends the same one, other years another."""
    every = _specs(open_app({"lang": "en"}))
    again = _specs(open_app({"lang": "en"}))
    fewer = _specs(open_app({"lang": "en", "year": ["2018", "2019"]}))

    def revision(spec: str) -> str:
        return json.loads(spec)["layout"]["datarevision"]

    assert every and {name: revision(spec) for name, spec in every.items()} == {
        name: revision(spec) for name, spec in again.items()}
    for name, spec in fewer.items():
        assert revision(spec) != revision(every[name]), f"{name}: other data, the same revision"
