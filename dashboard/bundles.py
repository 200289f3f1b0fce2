"""How Streamlit's own JavaScript reaches a new visitor: gzip-compressed, and Plotly's asked for early.

Streamlit serves its bundles uncompressed (7.5 MB for the Overview's first
visit, 4.7 MB of it Plotly) and leaves compression to a reverse proxy; its
server skips them on purpose because compressing on every request costs
CPU. Here each file is compressed once and kept in memory (the bundles a
visit needs come to about 2.6 MB compressed). Requests for a file not yet
compressed get it as before, and put it in a queue that one thread works
through only once no bundle has been asked for during QUIET_SECONDS, so
the 0.4 CPU-seconds of a visit's bundles do not compete with that visit.
Measured on cold starts, interleaved with the app without compression:
compressing at once, even at the lowest priority or zlib's fastest level,
cost the first chart 0.2-0.9 s on two cores; after 2 s of quiet, +0.49,
+0.28 and -0.03 s in three runs; after 5 s, +0.01 s. Bundles are named by
their content and cached by browsers for a year, so a new visitor is the
one who pays for every byte: on a phone's connection about two thirds of
them are saved (bench/visits.py).

Only plain GET requests for files that exist in Streamlit's static folder
are answered here (listed once, so no request path reaches the file
system); a range, a conditional request or anything else passes through
to Streamlit unchanged.

Every page of the app that draws charts (Streamlit's index.html at the paths
it is given) also gets a ``Link: rel=modulepreload`` header for Plotly's
bundle. Streamlit asks for that file only when the script's first chart
reaches the browser, seconds into a visit on a phone; asked for at once, it
travels while the page's own code loads and the first script runs. Plotly's
chunk is an ES module, so the preload says so: Chromium then parses it as a
module off the main thread, and the import finds it ready. A plain
``rel=preload; as=script`` (used first) was parsed as a classic script, in
the background all the same, and then compiled again as a module on the main
thread (140 ms in a Chromium trace) just when the first messages were being
drawn. Measured against it, interleaved: the first chart 2.66 → 2.54 s, 3.14
→ 2.73 s and 2.56 → 2.51 s on the loopback (10, 16 and 14 rounds at load
3.7-5), the same 5.71 s on a phone's link (5 rounds). The preload itself,
against none, on a phone's link: 6.84 → 5.68 s (5 rounds, the same 2.59 MB
received).

A page without charts gets ``rel=prefetch`` instead: the browser fetches the
file at its lowest priority into its cache, for the chart page a reader may
open next, and does not compile it. On a phone's link, 5-6 interleaved
rounds, the Glossary was ready after 4.46 s with the module preload, 4.01 s
with nothing and 4.22 s with the prefetch; with the prefetch, the Overview's
first chart, opened from the sidebar 3 s later, came after 2.03 s instead
of 3.38 s (the same 2.94 MB received: the prefetched copy is the one used).

Each compressed copy is also kept on disk (``BundleCache``), so a restarted
server sends it compressed to its very first visitor instead of waiting for
the quiet time again; the set-up script fills that cache right after it
installs Streamlit (``python -m dashboard.bundles``). The copies are read
beside the server's start, and one is used only if gzip's own check (the
CRC-32 and length of what it decompresses to) matches the file Streamlit
has now.
"""

from __future__ import annotations

import gzip
import logging
import mimetypes
import os
import shutil
import struct
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Collection
from pathlib import Path

import streamlit
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import file_util

from dashboard.urls import below_base

# The folder Streamlit's server serves as its root; its bundles sit in static/ below it.
STATIC_ROOT = Path(file_util.get_static_dir())
STATIC_PREFIX = "static/"
COMPRESSED_SUFFIXES = (".js", ".css", ".json", ".svg", ".map")
# Small files gain nothing worth a header.
MIN_BYTES = 1024
# zlib's default: Plotly's bundle in 0.2 s, 0.2 % larger than at level 9 in 0.26 s.
LEVEL = 6
# A visit asks for its bundles in waves: the page's, then each kind of element's as the first
# script run draws it, which after a cold start can come seconds later (on a phone's link the
# waves are further apart still, but the server has nothing else to do while the bytes travel).
QUIET_SECONDS = 5.0
# On a server never quiet that long (visitors arriving all the time), compress anyway after this.
MAX_WAIT_SECONDS = 30.0
# What Streamlit sends for its hashed bundles (starlette_static_routes._apply_cache_headers).
CACHE_CONTROL = "public, immutable, max-age=31536000"
_CONDITIONAL = ("range", "if-none-match", "if-modified-since", "if-range")
# Bundles the chart pages need, which Streamlit asks for late: when an element of their kind first
# arrives. Plotly's is the largest file of a first visit (4.7 MB, 1.4 MB compressed).
PRELOADED = ("PlotlyChart.",)
# Where the compressed copies are kept: by default in the environment Streamlit is installed in,
# so the cache lasts as long as the install it was made from (one folder per Streamlit version).
CACHE_ENV = "DASHBOARD_BUNDLE_CACHE"
# A gzip member: magic and deflate's method byte first, CRC-32 and length last (RFC 1952).
GZIP_MAGIC = b"\x1f\x8b\x08"
GZIP_MINIMUM = 18

logger = logging.getLogger(__name__)


def compressible_files(root: Path = STATIC_ROOT) -> dict[str, Path]:
    """URL path below the server's root (``static/js/…``) -> file, for every bundle worth compressing."""
    folder = root / STATIC_PREFIX
    if not folder.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): path for path in folder.rglob("*")
            if path.suffix in COMPRESSED_SUFFIXES and path.is_file() and path.stat().st_size >= MIN_BYTES}


def default_cache_folder() -> Path:
    """$DASHBOARD_BUNDLE_CACHE, else var/dashboard-bundles in Streamlit's environment; below it, this
    Streamlit version's folder."""
    configured = os.environ.get(CACHE_ENV)
    return versioned(Path(configured) if configured else Path(sys.prefix) / "var" / "dashboard-bundles")


def versioned(base: Path) -> Path:
    """The folder below a cache's ``base`` (what DASHBOARD_BUNDLE_CACHE names) for this Streamlit version."""
    return base / f"streamlit-{streamlit.__version__}"


class BundleCache:
    """gzip copies of the bundles on disk (``<folder>/static/js/….js.gz``), shared by every start of the
    server. Neither reading nor writing ever fails a request: a cache that cannot be used is skipped."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, name: str) -> Path:
        return self.folder / (name + ".gz")

    def load(self, name: str, source: Path) -> bytes | None:
        """The kept copy of ``name`` if it is a copy of ``source`` as it is now (else None).

        Checked by gzip's own trailer, the CRC-32 and length of what the copy decompresses to:
        a copy of another version of the file, or one cut short, does not match. Decompressing
        every copy to compare would cost 0.12-0.19 s of CPU at each start, the trailer 0.03-0.06 s.
        Copies are only ever written whole (``save``), so the middle of one is not checked.
        """
        try:
            body = self.path(name).read_bytes()
            original = source.read_bytes()
        except OSError:  # not kept, or unreadable
            return None
        if len(body) < GZIP_MINIMUM or not body.startswith(GZIP_MAGIC):
            return None
        crc, size = struct.unpack("<II", body[-8:])
        return body if (crc, size) == (zlib.crc32(original), len(original) & 0xFFFFFFFF) else None

    def save(self, name: str, body: bytes) -> bool:
        """Keep ``body`` as the copy of ``name``, replacing any other at once (never half written)."""
        target = self.path(name)
        partial: Path | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, prefix=target.name, suffix=".partial",
                                             delete=False) as file:
                partial = Path(file.name)
                file.write(body)
            os.replace(partial, target)
        except OSError as error:  # a read-only install, a full disk: the copy lives in memory only
            if partial is not None:
                partial.unlink(missing_ok=True)
            logger.info("Compressed bundles are not kept in %s: %s", self.folder, error)
            return False
        return True

    def remove_other_versions(self) -> None:
        """Delete the folders kept for other Streamlit versions beside this one's."""
        for folder in self.folder.parent.glob("streamlit-*"):
            if folder != self.folder and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)


class BundleDelivery:
    """ASGI middleware: answers GET requests for Streamlit's bundles with their gzip-compressed copy."""

    def __init__(self, app: ASGIApp, base_url: str = "", root: Path = STATIC_ROOT,
                 quiet_seconds: float = QUIET_SECONDS, chart_pages: Collection[str] = (),
                 cache: BundleCache | None = None) -> None:
        """``chart_pages``: the URL paths below ``base_url`` ("" for the root) of the pages that draw
        charts; they preload Plotly's bundle, the app's other pages prefetch it. ``cache``: where
        compressed copies are kept between starts (default: ``default_cache_folder()``)."""
        self.app = app
        self.cache = cache or BundleCache(default_cache_folder())
        self.prefix = "/" + "/".join(part for part in (base_url.strip("/"), STATIC_PREFIX) if part)
        self.files = compressible_files(root)
        self.preload_header = link_header(self.prefix, self.files, "modulepreload; crossorigin")
        self.prefetch_header = link_header(self.prefix, self.files, "prefetch")
        self.base = self.prefix.removesuffix(STATIC_PREFIX)  # "/" or "/prefix/"
        self.chart_pages = frozenset(path.strip("/") for path in chart_pages)
        self.compressed: dict[str, bytes] = {}
        self.quiet_seconds = quiet_seconds
        self._queue: list[str] = []  # asked for, not compressed yet, in the order asked
        self._queued_at = 0.0  # when the queue last went from empty to not empty
        self._last_request = 0.0
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        # The kept copies are read and checked beside the server's start (all 214 of Streamlit 1.67's
        # files in a few hundredths of a second); a bundle asked for before that is sent as before.
        self.kept_copies_read = threading.Event()
        threading.Thread(target=self._read_kept_copies, name="read-compressed-bundles", daemon=True).start()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = self._bundle(scope)
        if name is None:
            header = self._link_header(scope)
            await self.app(scope, receive, send_linking(send, header) if header else send)
            return
        with self._lock:
            self._last_request = time.monotonic()
        body = self.compressed.get(name)
        if body is None:
            self._compress_later(name)
            await self.app(scope, receive, send_varying(send))
            return
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        headers = {"Content-Encoding": "gzip", "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
        await Response(body, media_type=media_type, headers=headers)(scope, receive, send)

    def _bundle(self, scope: Scope) -> str | None:
        """The bundle a plain GET asks for in gzip, or None to let Streamlit answer."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        path: str = scope["path"]
        if not path.startswith(self.prefix):
            return None
        name = STATIC_PREFIX + path[len(self.prefix):]
        if name not in self.files:
            return None
        headers = Headers(scope=scope)
        if any(header in headers for header in _CONDITIONAL):
            return None
        if not accepts_gzip(headers.get("accept-encoding", "")):
            return None
        return name

    def _link_header(self, scope: Scope) -> str:
        """The ``Link`` header for a request that may get one of the app's pages ("" for anything else)."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return ""
        below = below_base(scope["path"], self.base)
        if below is None:
            return ""
        page = below.strip("/")
        if page in self.chart_pages:
            return self.preload_header
        # Streamlit's own files and its media (the offline report, a download) are not pages.
        if page.startswith((STATIC_PREFIX, "media/", "_stcore/")):
            return ""
        return self.prefetch_header

    def _read_kept_copies(self) -> None:
        for name, source in list(self.files.items()):
            body = self.cache.load(name, source)
            if body is not None:
                self.compressed.setdefault(name, body)
        self.kept_copies_read.set()

    def _compress_later(self, name: str) -> None:
        with self._lock:
            if not self._queue:
                self._queued_at = time.monotonic()
            if name not in self._queue:
                self._queue.append(name)
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="compress-bundles", daemon=True)
                self._worker.start()

    def _work(self) -> None:
        """Compress the queue one file at a time, each once no bundle was asked for a while; then end."""
        while True:
            with self._lock:
                if not self._queue:
                    self._worker = None
                    return
                now = time.monotonic()
                wait = min(self._last_request + self.quiet_seconds, self._queued_at + MAX_WAIT_SECONDS) - now
                name = self._queue[0] if wait <= 0 else None
            if name is None:
                time.sleep(min(wait, 0.25))  # short naps: a changed quiet_seconds is seen soon
                continue
            if name not in self.compressed:  # not read from the cache meanwhile
                try:
                    body = compress(self.files[name])
                except OSError:  # gone or unreadable (Streamlit upgraded under a running server): sent as is
                    self.files.pop(name, None)
                else:
                    self.cache.save(name, body)  # kept first: a copy served from memory is on disk too
                    self.compressed[name] = body
            with self._lock:
                self._queue.remove(name)


def compress(source: Path) -> bytes:
    """``source`` gzip-compressed, the same bytes every time (no timestamp in the header)."""
    return gzip.compress(source.read_bytes(), compresslevel=LEVEL, mtime=0)


def fill_cache(cache: BundleCache, files: dict[str, Path]) -> tuple[int, int]:
    """Compress into ``cache`` every file it lacks a good copy of: (compressed now, already kept).

    Run by the set-up script after it installs Streamlit, so even the first visitor after the first
    start gets compressed bundles (every one of Streamlit's: about 1 CPU-second, once).
    """
    cache.remove_other_versions()
    done = kept = 0
    for name, source in sorted(files.items()):
        if cache.load(name, source) is not None:
            kept += 1
        elif cache.save(name, compress(source)):
            done += 1
        else:
            raise OSError(f"cannot write to {cache.folder}")
    return done, kept


def link_header(prefix: str, files: dict[str, Path], relation: str) -> str:
    """A ``Link`` header value with ``relation`` for the PRELOADED bundles ("" when Streamlit has none
    of that name)."""
    links = [f"<{prefix}{name.removeprefix(STATIC_PREFIX)}>; rel={relation}"
             for name in sorted(files) if Path(name).name.startswith(PRELOADED)]
    return ", ".join(links)


def send_linking(send: Send, header: str) -> Send:
    """``send`` with ``header`` as a ``Link`` header on an HTML page (the app's pages, not its data)."""
    async def linking(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if headers.get("content-type", "").startswith("text/html"):
                headers.append("Link", header)
        await send(message)
    return linking


def send_varying(send: Send) -> Send:
    """``send`` with ``Vary: Accept-Encoding`` added: a shared cache must not give this copy to everyone."""
    async def varying(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message).add_vary_header("Accept-Encoding")
        await send(message)
    return varying


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 §12.5.3: "q=0" refuses a coding,
    and a coding named outright counts before "*")."""
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _, parameters = item.partition(";")
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        qualities[coding.strip().lower()] = quality
    for coding in ("gzip", "x-gzip", "*"):
        if coding in qualities:
            return qualities[coding] > 0
    return False


def main() -> int:
    """``python -m dashboard.bundles``: fill the cache of compressed bundles for this Streamlit."""
    cache = BundleCache(default_cache_folder())
    started = time.perf_counter()
    try:
        done, kept = fill_cache(cache, compressible_files())
    except OSError as error:
        print(f"  Streamlit's files were not compressed ahead ({error}); the server compresses them "
              "when it has been idle for a few seconds.")
        return 1
    print(f"  Compressed {done} of Streamlit's files for new visitors ({kept} already were) "
          f"in {time.perf_counter() - started:.1f} s: {cache.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
