"""Entry point: `streamlit run app.py` serves the dashboard and its HTTP API in one process.

- navigation.py is the script each browser session runs (filters, navigation,
  the page scripts of views/);
- dashboard.api answers GET /api/v1/… (open data: the same figures and rows
  as the pages, as JSON and CSV), under the server's --server.baseUrlPath;
- when the server starts, the warehouse is built from the sample workbooks
  (first start) or upgraded (an older release), once: the read side never
  writes; then a background thread warms imports and the default view's
  answers (dashboard.warmup) while the first browser loads.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from dashboard import api, db, params, warmup
from dashboard.bundles import BundleDelivery
from dashboard.failures import show_failure
from dashboard.framing import ANALYST_PAGES, EmbedFormsOnly
from dashboard.headers import NoSniff
from dashboard.missing_pages import MissingPagesToOverview


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    await asyncio.to_thread(db.prepare_warehouse)
    # Imports and the default view's answers, beside the browser fetching Streamlit's files.
    threading.Thread(target=warmup.warm, name="warm-up", daemon=True).start()
    yield


base_url = st.get_option("server.baseUrlPath")
# An unexpected failure of a page is told in the reader's language, not in Streamlit's English box.
app = st.App("navigation.py", routes=api.routes(base_url), lifespan=lifespan, on_script_error=show_failure,
             middleware=[Middleware(NoSniff),  # every response taken as the type it is sent as
                         # Plotly's bundle is preloaded where charts are drawn: the root is the Overview.
                         Middleware(BundleDelivery, base_url=base_url, chart_pages=("", *params.CHART_PAGES)),
                         # Another site may embed a public page's embed form (frame=…), nothing else (click-jacking).
                         Middleware(EmbedFormsOnly, base_url=base_url),
                         # A link to a page the app lacks: the Overview says so in the reader's language.
                         Middleware(MissingPagesToOverview, pages=(*params.PUBLIC_PAGES, *ANALYST_PAGES),
                                    base_url=base_url)])
