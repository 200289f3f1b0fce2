"""Which of the app's pages another site may show in an <iframe>: the public pages' embed forms only.

The share control's "Embed" snippet frames a public page with ``frame=page`` or one chart with
``frame=<chart name>``: content only, no sidebar, so nothing in the frame leads elsewhere in the app. Who may
embed those is the deployer's choice, a ``frame-ancestors`` header at the reverse proxy (README, "For
presenters"). Everything else never: framed by another site under a transparent layer, a signed-in analyst
(a sign-in with the organisation's account is kept in a cookie) could be led to press "Load" or "Restore"
unseen (click-jacking). The analysts' pages are refused outright; a plain public page too, because its
sidebar leads to the sign-in and the Upload page inside the frame (an in-app navigation loads no new
document, so no header would stop it there). Their HTML is sent with ``frame-ancestors 'self'`` (and the
older ``X-Frame-Options``), whatever the proxy does.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.urls import base_prefix, below_base

ANALYST_PAGES = ("upload", "signin")  # URL paths below the base URL (navigation.py)
UNFRAMED = (("Content-Security-Policy", "frame-ancestors 'self'"), ("X-Frame-Options", "SAMEORIGIN"))
FRAME_PARAM = "frame"
FRAME_PAGE = "page"
LONGEST_TARGET = 60  # characters; a chart's name is far shorter


def frame_target(values: Sequence[str]) -> str | None:
    """None, FRAME_PAGE or a chart's name: what an embedding link asked for (its ``frame`` values).

    The one rule for the page script (presentation.frame_target: what to draw) and for this module (which
    documents may be framed): a link the page would not draw as an embed is not framed either."""
    value = values[-1] if values else ""  # as st.query_params.get: the last of repeated values
    return value if value and len(value) <= LONGEST_TARGET else None


class EmbedFormsOnly:
    """ASGI middleware: the HTML of every page but a public page's embed form may be framed by the app's
    own origin only."""

    def __init__(self, app: ASGIApp, base_url: str = "", pages: Collection[str] = ANALYST_PAGES) -> None:
        self.app = app
        self.base = base_prefix(base_url)
        self.analyst_pages = frozenset(pages)

    def is_analyst_page(self, path: str) -> bool:
        below = below_base(path, self.base)
        return below is not None and below.strip("/") in self.analyst_pages

    def may_be_framed(self, path: str, query: str) -> bool:
        asked = parse_qs(query, keep_blank_values=True).get(FRAME_PARAM, [])
        return frame_target(asked) is not None and not self.is_analyst_page(path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.may_be_framed(scope["path"], scope["query_string"].decode("latin-1")):
            send = _unframed(send)
        await self.app(scope, receive, send)


def _unframed(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if headers.get("content-type", "").startswith("text/html"):
                for name, value in UNFRAMED:
                    headers[name] = value
        await send(message)
    return sending
