"""Periods an administrator sets in the environment (how long an upload is kept, how long a sign-in lasts)."""

from __future__ import annotations

import functools
import logging
import math
import os

_logger = logging.getLogger(__name__)


def period_setting(name: str, default: float, *, zero_allowed: bool) -> float:
    """The number in the environment variable ``name``. Blank, unreadable, infinite or out of range (negative, or
    zero where ``zero_allowed`` is false): ``default``, and the server's log says so. A bad value is never taken
    as "forever"."""
    value = os.environ.get(name, "").strip()
    try:
        number = float(value) if value else default
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0 or (number == 0 and not zero_allowed):
        _say_refused(name, value, default, "0 or more" if zero_allowed else "more than 0")
        return default
    return number


@functools.cache  # read on every run of a signed-in page: said once per value in the server's log
def _say_refused(name: str, value: str, default: float, allowed: str) -> None:
    _logger.warning("%s=%r is not a usable period (a number, %s): the default, %g, is used instead.",
                    name, value, allowed, default)
