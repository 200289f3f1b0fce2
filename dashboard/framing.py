"""Which of the app's pages another site may show in an <iframe>.

The public pages may be embedded (the share control's "Embed" snippet, ``frame=page`` or a chart's name);
who may embed them is the deployer's choice, a ``frame-ancestors`` header at the reverse proxy (README,
"For presenters"). The analysts' pages never: framed by another site under a transparent layer, a
signed-in analyst (a sign-in with the organisation's account is kept in a cookie) could be led to press
"Load" or "Restore" unseen (click-jacking). Their HTML is therefore sent with ``frame-ancestors 'self'``
(and the older ``X-Frame-Options``), whatever the proxy does.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANALYST_PAGES = ("upload", "signin")  # URL paths below the base URL (navigation.py)
UNFRAMED = (("Content-Security-Policy", "frame-ancestors 'self'"), ("X-Frame-Options", "SAMEORIGIN"))


class AnalystPagesUnframed:
    """ASGI middleware: the HTML of the analysts' pages may be framed by the app's own origin only."""

    def __init__(self, app: ASGIApp, base_url: str = "", pages: Collection[str] = ANALYST_PAGES) -> None:
        self.app = app
        self.base = "/" + "".join(part + "/" for part in base_url.strip("/").split("/") if part)
        self.pages = frozenset(pages)

    def is_analyst_page(self, path: str) -> bool:
        return (path + "/").startswith(self.base) and path[len(self.base):].strip("/") in self.pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.is_analyst_page(scope["path"]):
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
