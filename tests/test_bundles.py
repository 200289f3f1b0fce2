"""Streamlit's bundles sent compressed and Plotly's preloaded (dashboard.bundles), driven over ASGI.

The inner app is Starlette's real StaticFiles over real files, as Streamlit's
server serves its bundles; tests/e2e/test_api.py asks the running server.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Router
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from dashboard.bundles import (
    CACHE_ENV,
    STATIC_ROOT,
    BundleCache,
    BundleDelivery,
    accepts_gzip,
    compressible_files,
    default_cache_folder,
    fill_cache,
)

BUNDLE = "static/js/chart.abc123.js"
CONTENT = b"function draw(){return 'chart'}\n" * 400  # 12 kB, compressible
GZIP = [(b"accept-encoding", b"gzip, deflate, br, zstd")]


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own cache of compressed copies (never the one of the environment running the tests)."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return default_cache_folder()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / BUNDLE).write_bytes(CONTENT)
    (tmp_path / "static" / "js" / "tiny.js").write_bytes(b"x=1")
    (tmp_path / "static" / "media").mkdir()
    (tmp_path / "static" / "media" / "font.woff2").write_bytes(bytes(4096))
    (tmp_path / "index.html").write_bytes(b"<html>" + b" " * 4096 + b"</html>")
    return tmp_path


def _app(root: Path, base_url: str = "") -> BundleDelivery:
    """The middleware over the files, mounted under ``base_url`` as Streamlit mounts its own."""
    files = StaticFiles(directory=root)
    inner = Router([Mount(f"/{base_url}", app=files)]) if base_url else files
    return BundleDelivery(inner, base_url=base_url, root=root, quiet_seconds=0)


def get(app: BundleDelivery, path: str, headers: list[tuple[bytes, bytes]] | None = None,
        method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request through the middleware."""
    scope = {"type": "http", "http_version": "1.1", "method": method, "scheme": "http", "path": path,
             "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": headers or [],
             "server": ("testserver", 80), "client": ("127.0.0.1", 1234)}
    messages: list[dict] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict:
        if requests:
            return requests.pop()
        await asyncio.sleep(3600)  # the client stays until the response is sent (then this is cancelled)
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        messages.append(message)

    refused: list[HTTPException] = []

    def serve() -> None:  # in a thread of its own: the browser tests' Playwright keeps a loop in this one
        try:
            asyncio.run(app(scope, receive, send))
        except HTTPException as error:  # StaticFiles' 404, which a whole Starlette app turns into a response
            refused.append(error)

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join()
    if refused:
        return refused[0].status_code, {}, b""
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body


def compressed_once(app: BundleDelivery, path: str, name: str) -> tuple[int, dict[str, str], bytes]:
    """The first answer (as Streamlit's), after which the file is compressed in the background."""
    answer = get(app, path, GZIP)
    deadline = time.monotonic() + 10
    while name not in app.compressed and time.monotonic() < deadline:
        time.sleep(0.01)
    return answer


def test_a_bundle_is_sent_as_is_first_then_compressed(root: Path) -> None:
    app = _app(root)
    status, headers, body = compressed_once(app, "/" + BUNDLE, BUNDLE)
    assert (status, body) == (200, CONTENT)
    assert "content-encoding" not in headers
    assert headers["vary"] == "Accept-Encoding"  # a shared cache keeps the two copies apart

    status, headers, body = get(app, "/" + BUNDLE, GZIP)
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert headers["cache-control"] == "public, immutable, max-age=31536000"
    assert int(headers["content-length"]) == len(body) < len(CONTENT) / 10
    assert gzip.decompress(body) == CONTENT


@pytest.mark.parametrize("extra, method", [
    ([], "GET"),  # no Accept-Encoding: the browser did not say it reads gzip
    ([(b"accept-encoding", b"gzip;q=0, identity")], "GET"),
    ([(b"accept-encoding", b"gzip"), (b"range", b"bytes=0-99")], "GET"),
    ([(b"accept-encoding", b"gzip"), (b"if-none-match", b'"abc"')], "GET"),
    ([(b"accept-encoding", b"gzip")], "HEAD"),
])
def test_other_requests_get_streamlits_answer(root: Path, extra: list[tuple[bytes, bytes]], method: str) -> None:
    app = _app(root)
    compressed_once(app, "/" + BUNDLE, BUNDLE)
    status, headers, body = get(app, "/" + BUNDLE, extra, method)
    assert "content-encoding" not in headers
    if dict(extra).get(b"range"):
        assert (status, body) == (206, CONTENT[:100])
    elif method == "GET":
        assert (status, body) == (200, CONTENT)


@pytest.mark.parametrize("path", [
    "/static/js/tiny.js",  # too small to gain anything
    "/static/media/font.woff2",  # already compressed
    "/index.html",  # not a bundle: Streamlit's own answer, never cached
    "/static/js/../../index.html",  # outside the listed bundles
    "/static/js/missing.js",
])
def test_only_listed_bundles_are_compressed(root: Path, path: str) -> None:
    app = _app(root)
    for _ in range(2):
        _, headers, _ = get(app, path, GZIP)
        assert "content-encoding" not in headers
    assert app.compressed == {}


def test_bundles_follow_the_base_url(root: Path) -> None:
    app = _app(root, base_url="/sister-city/")
    compressed_once(app, "/sister-city/" + BUNDLE, BUNDLE)
    _, headers, body = get(app, "/sister-city/" + BUNDLE, GZIP)
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == CONTENT
    _, headers, _ = get(app, "/" + BUNDLE, GZIP)  # not under the prefix: not this app's bundle
    assert "content-encoding" not in headers


@pytest.mark.parametrize("header, accepted", [
    ("gzip, deflate, br, zstd", True),
    ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
    ("GZIP", True),
    ("x-gzip", True),
    ("*", True),
    ("gzip;q=0", False),
    ("gzip;q=0, *", False),  # named outright: counts before the wildcard
    ("*;q=0", False),
    ("identity", False),
    ("br", False),
    ("", False),
    ("gzip;q=abc", False),
])
def test_accept_encoding_is_read_as_the_rfc_says(header: str, accepted: bool) -> None:
    assert accepts_gzip(header) is accepted


def test_streamlits_bundles_are_listed() -> None:
    """The real folder: Plotly's bundle, the largest a first visit loads, is among them."""
    files = compressible_files(STATIC_ROOT)
    assert any(name.startswith("static/js/PlotlyChart") for name in files)
    assert all(name.startswith("static/") and path.is_file() for name, path in files.items())


def test_compression_waits_until_no_bundle_is_asked_for(root: Path) -> None:
    """The visit that asks for a bundle is not slowed by compressing it: that waits for a quiet server."""
    app = BundleDelivery(StaticFiles(directory=root), root=root, quiet_seconds=60)
    get(app, "/" + BUNDLE, GZIP)
    time.sleep(0.5)
    _, headers, _ = get(app, "/" + BUNDLE, GZIP)
    assert "content-encoding" not in headers and app.compressed == {}
    app.quiet_seconds = 0  # the server went quiet
    compressed_once(app, "/" + BUNDLE, BUNDLE)
    assert gzip.decompress(get(app, "/" + BUNDLE, GZIP)[2]) == CONTENT


def test_a_bundle_gone_before_compression_is_sent_as_is(root: Path) -> None:
    app = _app(root)
    (root / BUNDLE).unlink()
    (root / "static" / "js" / "other.js").write_bytes(CONTENT)
    app.files["static/js/other.js"] = root / "static" / "js" / "other.js"
    get(app, "/" + BUNDLE, GZIP)  # 404 from StaticFiles; its compression fails in the thread
    compressed_once(app, "/static/js/other.js", "static/js/other.js")  # the thread goes on with the next
    assert BUNDLE not in app.files and "static/js/other.js" in app.compressed


async def _pages(scope: Scope, receive: Receive, send: Send) -> None:
    """Streamlit's answer to any page path: its index.html."""
    await HTMLResponse("<html>app</html>")(scope, receive, send)


@pytest.mark.parametrize("base_url, prefix", [("", "/"), ("sister-city", "/sister-city/")])
def test_pages_ask_for_plotlys_bundle_early(root: Path, base_url: str, prefix: str) -> None:
    (root / "static" / "js" / "PlotlyChart.x1y2.js").write_bytes(CONTENT)
    app = BundleDelivery(_pages, base_url=base_url, root=root, chart_pages=("", "participation"))
    bundle = f"<{prefix}static/js/PlotlyChart.x1y2.js>"
    # Pages with charts: preloaded as a module, compiled off the main thread.
    for path in (prefix, prefix.rstrip("/") or "/", prefix + "participation", prefix + "participation/"):
        for method in ("GET", "HEAD"):
            status, headers, _ = get(app, path, GZIP, method)
            assert (status, headers.get("link")) == (200, f"{bundle}; rel=modulepreload; crossorigin"), (path, method)
    # Other pages: fetched at the lowest priority for the next one, not compiled.
    for path in ("glossary", "participation/x"):
        assert get(app, prefix + path, GZIP)[1].get("link") == f"{bundle}; rel=prefetch", path
    # Not pages: Streamlit's files and media (a download such as the offline report), and outside the prefix.
    for path in ("media/report.html", "static/js/other.html", "_stcore/health"):
        assert "link" not in get(app, prefix + path, GZIP)[1], path
    if base_url:
        for path in ("/", "/participation"):
            assert "link" not in get(app, path, GZIP)[1], path


def test_only_html_answers_get_the_preload(root: Path) -> None:
    (root / "static" / "js" / "PlotlyChart.x1y2.js").write_bytes(CONTENT)
    app = BundleDelivery(StaticFiles(directory=root), root=root, chart_pages=("index.html", "static/js/tiny.js"))
    assert "link" in get(app, "/index.html", GZIP)[1]
    assert "link" not in get(app, "/static/js/tiny.js", GZIP)[1]  # JavaScript, not a page


def test_no_preload_without_the_bundle(root: Path) -> None:
    app = BundleDelivery(_pages, root=root, chart_pages=("",))
    assert "link" not in get(app, "/", GZIP)[1]


# -- compressed copies kept between starts ---------------------------------------------


def test_a_compressed_bundle_is_kept_for_the_next_start(root: Path, cache_folder: Path) -> None:
    compressed_once(_app(root), "/" + BUNDLE, BUNDLE)
    assert gzip.decompress(BundleCache(cache_folder).path(BUNDLE).read_bytes()) == CONTENT
    restarted = _app(root)
    assert restarted.kept_copies_read.wait(10)
    status, headers, body = get(restarted, "/" + BUNDLE, GZIP)  # its very first request
    assert (status, headers["content-encoding"]) == (200, "gzip") and gzip.decompress(body) == CONTENT
    assert headers["vary"] == "Accept-Encoding"


@pytest.mark.parametrize("kept", [
    gzip.compress(b"what Streamlit had before an upgrade"),
    gzip.compress(CONTENT)[:-20],  # cut short (a full disk, an older release's half-written file)
    b"not gzip at all",
], ids=["another version", "cut short", "not gzip"])
def test_a_kept_copy_that_does_not_match_is_not_sent(root: Path, cache_folder: Path, kept: bytes) -> None:
    cache = BundleCache(cache_folder)
    cache.save(BUNDLE, kept)
    app = _app(root)
    assert app.kept_copies_read.wait(10)
    status, headers, body = compressed_once(app, "/" + BUNDLE, BUNDLE)
    assert (status, body) == (200, CONTENT) and "content-encoding" not in headers
    assert gzip.decompress(cache.path(BUNDLE).read_bytes()) == CONTENT  # replaced by the good copy


def test_a_cache_that_cannot_be_written_costs_only_the_copy(root: Path, cache_folder: Path) -> None:
    cache_folder.parent.mkdir(parents=True)
    cache_folder.write_text("a file where the folder should be")
    app = _app(root)
    compressed_once(app, "/" + BUNDLE, BUNDLE)
    _, headers, body = get(app, "/" + BUNDLE, GZIP)
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == CONTENT


def test_the_set_up_fills_the_cache_once(root: Path, cache_folder: Path) -> None:
    older = cache_folder.with_name("streamlit-0.1.0")
    older.mkdir(parents=True)
    cache = BundleCache(cache_folder)
    files = compressible_files(root)
    assert fill_cache(cache, files) == (1, 0)  # only the bundle: tiny.js and the font are not compressed
    assert fill_cache(cache, files) == (0, 1)
    assert not older.exists()  # another Streamlit version's copies are removed
    assert [path.relative_to(cache_folder).as_posix() for path in cache_folder.rglob("*") if path.is_file()] == [
        BUNDLE + ".gz"]


def test_the_set_up_command_says_what_it_did(tmp_path: Path) -> None:
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    command = [sys.executable, "-m", "dashboard.bundles"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    count = len(compressible_files())
    assert re.fullmatch(rf"  Compressed {count} of Streamlit's files for new visitors \(0 already were\) "
                        rf"in \d+\.\d s: {re.escape(str(tmp_path / 'cache'))}/streamlit-[\d.]+\n", done.stdout)
    (tmp_path / "file").write_text("")
    refused = subprocess.run(command, env={**env, CACHE_ENV: str(tmp_path / "file")}, capture_output=True,
                             text=True, timeout=120)
    assert refused.returncode == 1 and "were not compressed ahead (cannot write to" in refused.stdout
