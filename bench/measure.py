"""Small measuring helpers shared by the sections (and the worker subprocesses)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_STARTED = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the tables."""
    print(f"[bench {time.monotonic() - _STARTED:6.0f} s] {message}", file=sys.stderr, flush=True)


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """(seconds, result) of one call, on the monotonic high-resolution clock."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def cpu_seconds() -> float:
    """CPU time used so far by every thread of this process and by its children that have ended."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed_with_cpu(action: Callable[[], T]) -> tuple[float, float, T]:
    """(seconds, CPU seconds, result) of one call; the CPU time counts every core the call kept busy."""
    cpu_before = cpu_seconds()
    seconds, result = timed(action)
    return seconds, cpu_seconds() - cpu_before, result


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def middle_half(values: list[float]) -> tuple[float, float, float]:
    """(25th percentile, median, 75th percentile) of at least two values."""
    low, middle, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, middle, high


def error_line(error: BaseException) -> str:
    """A failed run as one line of the report: the error's type and the first line of its message."""
    return f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"


def process_memory_mb(pid: int | str = "self", field: str = "VmHWM") -> float | None:
    """VmHWM (peak resident set) or VmRSS of a process from /proc (psutil is not a dependency)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024  # the kernel reports kB
    except OSError:
        return None
    return None
