"""A first visit loads only what it draws: libraries for downloads and data tables wait until asked for.

On a cold start the first visitor's run waits for the warm-up's imports, which also slow the server
while the browser fetches Streamlit's files. openpyxl (with Pillow) and pandas' Styler (with jinja2)
were loaded for XLSX downloads and data tables that the Overview does not show until asked:
interleaved cold starts, 10 rounds, first chart 4.19 → 3.91 s (docs/speed-history.md, 1 Dec).
"""

from __future__ import annotations

import subprocess
import sys

from etl.warehouse import Warehouse
from tests.paths import REPO_ROOT

# The Overview's first run, as a new visitor's, in a fresh interpreter: which of these it loaded.
FIRST_VISIT = """
import sys
from streamlit.testing.v1 import AppTest

at = AppTest.from_file("navigation.py", default_timeout=120).run()
assert not at.exception, at.exception
print(len(at.get("plotly_chart")))
print(",".join(name for name in ("openpyxl", "PIL.Image", "jinja2") if name in sys.modules))
"""


def test_a_first_visit_loads_no_library_only_downloads_and_tables_need(warehouse: Warehouse) -> None:
    # DASHBOARD_DB (the warehouse fixture) reaches the child through the inherited environment.
    result = subprocess.run([sys.executable, "-c", FIRST_VISIT], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    charts, loaded = result.stdout.splitlines()
    assert int(charts) == 4  # the Overview was drawn: its four charts
    assert loaded == ""
