"""A header every response of the app carries, whatever a proxy in front of it adds.

``X-Content-Type-Options: nosniff``: a browser takes each response as the type it is sent as. The API's CSV
and JSON, the downloads and Streamlit's media files hold text typed in workbooks; without it, a browser
that guesses types could run such text as a page or a script (MIME sniffing). Streamlit sends its own
files with their proper types, which the header needs (a script sent as text/plain would be refused).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EVERY_RESPONSE = (("X-Content-Type-Options", "nosniff"),)


class NoSniff:
    """ASGI middleware: every HTTP response is sent with EVERY_RESPONSE's headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_RESPONSE:
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, sending)
