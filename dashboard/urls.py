"""Where the app's own paths start under ``server.baseUrlPath``: one reading for every middleware."""

from __future__ import annotations


def base_prefix(base_url: str) -> str:
    """"/" or "/prefix/": the path every page of the app starts with (``base_url`` as configured)."""
    return "/" + "".join(part + "/" for part in base_url.strip("/").split("/") if part)


def below_base(path: str, base: str) -> str | None:
    """The part of a request's ``path`` below ``base`` (base_prefix: "" for the root, with or without its
    slash), or None for a path outside the app."""
    return path[len(base):] if (path + "/").startswith(base) else None
