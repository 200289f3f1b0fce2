"""What the benchmark ran on: figures mean little without the machine and the versions."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = ("duckdb", "streamlit", "pandas", "pyarrow", "plotly", "fastexcel", "openpyxl", "playwright")
CHROMIUM = Path("/usr/bin/chromium")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _cgroup_limits() -> str:
    """Container limits (cgroup v2), which may be tighter than what /proc shows."""
    found = []
    for name, label in (("cpu.max", "cpu"), ("memory.max", "memory")):
        try:
            text = Path("/sys/fs/cgroup", name).read_text().strip()
        except OSError:
            continue
        if name == "cpu.max" and not text.startswith("max"):
            quota, period = text.split()
            text = f"{int(quota) / int(period):g} cores"
        elif name == "memory.max" and text != "max":
            text = f"{int(text) / 1024**3:.1f} GiB"
        found.append(f"{label} {text}")
    return ", ".join(found) or "none found"


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _chromium_version() -> str:
    if not CHROMIUM.exists():
        return "not installed"
    try:
        done = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=20)
        return done.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def usable_cores() -> int:
    """The cores this process may run on (its affinity), which a container may set below the machine's."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def machine_info() -> list[tuple[str, str]]:
    """(item, value) pairs, printed before the results."""
    usable = usable_cores()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [
        ("CPU", _cpu_model()),
        ("Cores", f"{os.cpu_count()} logical, {usable} usable by this process"),
        ("RAM", _memory_total()),
        ("cgroup limits", _cgroup_limits()),
        ("Load average at start (1, 5, 15 min)", load),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
    ]
    rows += [(name, _package_version(name)) for name in PACKAGES]
    rows.append(("Chromium", _chromium_version()))
    return rows
