"""A link to a page the dashboard does not have: the Overview, saying so in the reader's language.

Streamlit answers any path with its page and, for a path that is no page of the app, opens its own English
dialog ("Page not found … Running the app's main page.") over the Indonesian Overview. A mistyped or
outdated link (an old bookmark, ``/participasi``, ``/home``) is a policymaker's first sight of the
dashboard: this middleware sends the browser to the root instead, keeping the link's filters and naming the
missing page in a ``missing`` parameter, which the page script turns into a notice and then drops.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlencode

import streamlit as st
from starlette.datastructures import Headers
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from dashboard.api import ROOT as API_ROOT
from dashboard.literal import code_span
from dashboard.urls import base_prefix, below_base
from translations import translate

MISSING_PARAM = "missing"
LONGEST_NAMED = 80  # characters of the missing path the notice repeats
# Below the base URL: Streamlit's own routes and files, and the app's API (dashboard.api, which answers
# every path under it, itself included), never pages.
NOT_PAGES = ("_stcore/", "static/", "media/", "component/", "app/", f"{API_ROOT}/")


class MissingPagesToOverview:
    """ASGI middleware: a browser asking for a page the app does not have is sent to the root."""

    def __init__(self, app: ASGIApp, pages: Collection[str], base_url: str = "") -> None:
        """``pages``: the URL paths of the app's pages below ``base_url`` (navigation.py)."""
        self.app = app
        self.base = base_prefix(base_url)
        self.pages = frozenset(page.strip("/") for page in pages) | {""}

    def missing_page(self, scope: Scope) -> str | None:
        """The path below the base URL of a browser's request for a page that does not exist, else None."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        below = below_base(scope["path"], self.base)
        if below is None:
            return None
        page = below.strip("/")
        if page in self.pages or page == API_ROOT or below.startswith(NOT_PAGES) or "." in below.rsplit("/", 1)[-1]:
            return None  # a page, or Streamlit's, or the API's, or a file (favicon.png, robots.txt)
        if "text/html" not in Headers(scope=scope).get("accept", ""):
            return None  # a browser's navigation asks for HTML; a script's fetch is answered as before
        return page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        missing = self.missing_page(scope)
        if missing is None:
            await self.app(scope, receive, send)
            return
        query = scope["query_string"].decode("latin-1")
        named = urlencode({MISSING_PARAM: missing[:LONGEST_NAMED]})
        target = self.base + "?" + "&".join(part for part in (query, named) if part)
        await RedirectResponse(target, status_code=307)(scope, receive, send)


def missing_page_notice(lang: str) -> None:
    """Where the middleware sent a link to a missing page: say which, once, and drop it from the link (a
    link shared from here opens the Overview without the notice)."""
    missing = st.query_params.get(MISSING_PARAM)
    if missing is None:
        return
    st.query_params.pop(MISSING_PARAM)
    # Typed by whoever made the link: shown as typed, never as a link or markup.
    st.warning(translate(lang, "nav.page_missing", page=code_span(missing[:LONGEST_NAMED])), icon=":material/link_off:")
