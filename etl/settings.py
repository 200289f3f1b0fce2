"""Periods an administrator sets in the environment (how long an upload is kept, how long a sign-in lasts)."""

from __future__ import annotations

import math
import os


def period_setting(name: str, default: float, *, zero_allowed: bool) -> float:
    """The number in the environment variable ``name``. Blank, unreadable, infinite or out of range (negative, or
    zero where ``zero_allowed`` is false): ``default``. A bad value is never taken as "forever"."""
    value = os.environ.get(name, "").strip()
    try:
        number = float(value) if value else default
    except ValueError:
        return default
    if not math.isfinite(number) or number < 0 or (number == 0 and not zero_allowed):
        return default
    return number
