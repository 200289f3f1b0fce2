"""A link to a page the dashboard lacks: which requests the server sends to the Overview, and its notice."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from dashboard.framing import ANALYST_PAGES
from dashboard.literal import code_span
from dashboard.missing_pages import MISSING_PARAM, MissingPagesToOverview
from dashboard.params import PUBLIC_PAGES
from etl.warehouse import Warehouse
from tests.apptest import open_app
from translations import translate

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


def _scope(path: str, query: str = "", accept: str = HTML, method: str = "GET") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "query_string": query.encode(),
            "headers": [(b"accept", accept.encode())]}


def _policy(base_url: str = "") -> MissingPagesToOverview:
    return MissingPagesToOverview(app=None, pages=(*PUBLIC_PAGES, *ANALYST_PAGES), base_url=base_url)  # type: ignore[arg-type]


@pytest.mark.parametrize(("path", "missing"), [
    ("/participasi", "participasi"), ("/home", "home"), ("/data/2019/", "data/2019"),
    ("/Participation", "Participation"),
])
def test_a_browser_asking_for_a_missing_page_is_sent_to_the_overview(path: str, missing: str) -> None:
    assert _policy().missing_page(_scope(path)) == missing


@pytest.mark.parametrize("scope", [
    _scope("/"), _scope("/participation"), _scope("/activities/"), _scope("/upload"), _scope("/signin"),
    _scope("/_stcore/health"), _scope("/static/js/index.js"), _scope("/media/abc.html"), _scope("/favicon.png"),
    _scope("/api/v1/nope.json"), _scope("/api"), _scope("/api/v1"), _scope("/component/x"), _scope("/app/static/logo"),
    _scope("/participasi", accept="application/json"),  # a script's fetch, not a reader's navigation
    _scope("/participasi", method="POST"),
    _scope("/elsewhere/participasi"),  # outside the base URL below
], ids=lambda scope: f"{scope['method']} {scope['path']} {scope['headers'][0][1].decode()[:9]}")
def test_pages_files_and_streamlits_routes_pass_through(scope: dict[str, Any]) -> None:
    base = "sister-city" if scope["path"].startswith("/elsewhere") else ""
    assert _policy(base).missing_page(scope) is None


def test_under_a_path_prefix_the_pages_are_below_it() -> None:
    policy = _policy("sister-city")
    assert policy.missing_page(_scope("/sister-city/benefits")) is None
    assert policy.missing_page(_scope("/sister-city")) is None
    assert policy.missing_page(_scope("/sister-city/manfaat")) == "manfaat"


def _answer(policy: MissingPagesToOverview, scope: dict[str, Any]) -> dict[str, str]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # In its own thread: after the browser tests, Playwright's event loop is running in this one.
    worker = threading.Thread(target=lambda: asyncio.run(policy(scope, receive, send)))
    worker.start()
    worker.join()
    start = sent[0]
    return {"status": str(start["status"])} | {k.decode(): v.decode() for k, v in start["headers"]}


def test_the_redirect_keeps_the_links_view_and_names_the_page() -> None:
    answer = _answer(_policy("sister-city"), _scope("/sister-city/participasi", "lang=zh&year=2018&field=tourism"))
    assert answer["status"] == "307"
    assert answer["location"] == f"/sister-city/?lang=zh&year=2018&field=tourism&{MISSING_PARAM}=participasi"
    bare = _answer(_policy(), _scope("/" + "x" * 200))
    assert bare["location"] == f"/?{MISSING_PARAM}=" + "x" * 80


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_overview_names_the_missing_page_once_in_the_readers_language(warehouse: Warehouse,
                                                                            lang: str) -> None:
    at = open_app({"lang": lang, MISSING_PARAM: "participasi"})
    assert not at.exception
    expected = translate(lang, "nav.page_missing", page=code_span("participasi"))
    assert expected in [warning.value for warning in at.warning]
    assert MISSING_PARAM not in at.query_params, "a link shared from here opens the Overview without it"
    at.run()
    assert expected not in [warning.value for warning in at.warning]


def test_the_missing_page_is_shown_as_typed(warehouse: Warehouse) -> None:
    at = open_app({"lang": "en", MISSING_PARAM: "[Klik](https://evil.example)"})
    (notice,) = [w.value for w in at.warning if "[Klik]" in w.value]
    assert code_span("[Klik](https://evil.example)") in notice
