"""How much of the machine other processes used while we measured.

The benchmark may share its machine (here: test suites of other sessions).
Timings then get slower without anything being wrong with the code, so each
section reports the share of all CPUs that processes outside the benchmark
used meanwhile: busy time from /proc/stat minus the CPU time of this
process and of the children it waited for (workers, servers, Chromium).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from bench.measure import log

QUIET_SHARE = 0.15  # others using under 15% of the CPUs counts as quiet
SAMPLE_S = 5.0


@dataclass(frozen=True)
class CpuSnapshot:
    wall_s: float
    busy_s: float  # all processes, all CPUs
    own_s: float  # this process and its waited-for children

    @staticmethod
    def take() -> CpuSnapshot:
        times = os.times()
        return CpuSnapshot(time.monotonic(), _busy_seconds(),
                           times.user + times.system + times.children_user + times.children_system)

    def others_share(self, later: CpuSnapshot) -> float | None:
        """Share (0..1) of all CPUs used by other processes between this snapshot and `later`."""
        capacity = (later.wall_s - self.wall_s) * (os.cpu_count() or 1)
        if capacity <= 0:
            return None
        others = (later.busy_s - self.busy_s) - (later.own_s - self.own_s)
        return min(max(others / capacity, 0.0), 1.0)


def _busy_seconds() -> float:
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def describe(share: float | None) -> str:
    if share is None:
        return "CPU use of other processes: unknown"
    warning = " — timings are inflated by contention" if share > QUIET_SHARE else ""
    return f"Other processes used {share:.0%} of the machine's CPU during this section{warning}."


def wait_until_quiet(limit_s: float) -> float | None:
    """Wait (at most `limit_s`) until other processes use under QUIET_SHARE of the CPUs; returns the last share."""
    deadline = time.monotonic() + limit_s
    share = None
    while True:
        before = CpuSnapshot.take()
        time.sleep(SAMPLE_S)
        share = before.others_share(CpuSnapshot.take())
        if share is not None and share < QUIET_SHARE:
            return share
        if time.monotonic() > deadline:
            log(f"machine still busy after {limit_s:.0f} s (others use {share:.0%}); measuring anyway")
            return share
        log(f"waiting for a quieter machine: other processes use {share:.0%} of the CPUs")
