"""The bench's page with the dashboard's frame (bench/chrome_app.py) draws what the Overview draws around
its charts: the same kinds of element, as many, in the same order, in the sidebar and above the charts.

Its first chart, timed beside the dashboard's, stands for what that frame costs a new visitor; a frame
that drifted from the dashboard's would measure something else.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.apptest import APP_TIMEOUT, SharedApp
from tests.paths import REPO_ROOT

CHROME_APP = REPO_ROOT / "bench" / "chrome_app.py"


def kinds(node: object) -> list[str]:
    """The kinds of element under ``node``, depth first, in the order they are drawn."""
    children = getattr(node, "children", None)
    if not children:
        return [str(getattr(node, "type", ""))]
    return [kind for child in children.values() for kind in kinds(child)]


def test_the_frame_is_the_overviews_without_its_themes(shared_app: SharedApp) -> None:
    frame = AppTest.from_file(str(CHROME_APP), default_timeout=APP_TIMEOUT).run()
    assert not frame.exception
    overview = shared_app.page("views/overview.py", {"lang": "en"})
    assert kinds(frame.sidebar) == kinds(overview.sidebar)
    assert [len(widget.value) for widget in frame.sidebar.multiselect] == [
        len(widget.value) for widget in overview.sidebar.multiselect], "as many chips as the default view"
    main = kinds(overview.main)
    last_card = len(main) - 1 - main[::-1].index("metric")
    above_the_themes = main[:main.index("header", last_card)]  # the first theme's heading, after the cards
    assert kinds(frame.main) == [*above_the_themes, "plotly_chart"]
    assert above_the_themes.count("metric") == 9 and "html" in above_the_themes
