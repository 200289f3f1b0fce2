"""How much of the machine other processes used while we measured.

The benchmark may share its machine (here: test suites of other sessions).
Timings then get slower without anything being wrong with the code, so each
section reports the share of all CPUs that processes outside the benchmark
used meanwhile: busy time from /proc/stat minus the CPU time of this
process's whole tree (workers, servers, Playwright's driver and the Chromium
it starts). The tree is read from /proc, not from os.times(): os.times()
counts a child only once it has been waited for, and Chromium's processes,
under Playwright's driver, are waited for only when the browser closes, so
the benchmark's own browser used to be reported as other processes (37 % of
the machine in a quiet run of 1 Dec). Chromium also leaves processes behind
when its browser process exits (its zygote's children, crashpad): they are
re-parented, and without adopt_orphans() their time would leave the tree.
"""

from __future__ import annotations

import ctypes
import os
import time
from dataclasses import dataclass
from pathlib import Path

from bench.measure import cpu_seconds, log

QUIET_SHARE = 0.15  # others using under 15% of the CPUs counts as quiet
SAMPLE_S = 5.0


@dataclass(frozen=True)
class CpuSnapshot:
    wall_s: float
    busy_s: float  # all processes, all CPUs
    own_s: float  # this process and its waited-for children

    @staticmethod
    def take() -> CpuSnapshot:
        return CpuSnapshot(time.monotonic(), _busy_seconds(), tree_cpu_seconds())

    def others_share(self, later: CpuSnapshot) -> float | None:
        """Share (0..1) of all CPUs used by other processes between this snapshot and `later`."""
        capacity = (later.wall_s - self.wall_s) * (os.cpu_count() or 1)
        if capacity <= 0:
            return None
        others = (later.busy_s - self.busy_s) - (later.own_s - self.own_s)
        return min(max(others / capacity, 0.0), 1.0)


PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def adopt_orphans() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux), so their time stays in its tree.

    An adopted orphan that exits stays a zombie until this process exits (nothing here waits for
    it, so no exit status of a child the code waits for is taken away); a zombie still shows its
    CPU time in /proc. The benchmark is one run that then exits, and its zombies with it.
    Returns whether it took effect.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        return False


def tree_cpu_seconds(root: int | None = None) -> float:
    """CPU time of `root` (this process) and every descendant, the reaped ones included.

    Each process counts its own time and that of the children it has waited for (cutime, cstime);
    a child still running (or not yet reaped) is counted through the walk instead, so each
    CPU-second is counted once (a child reaped in the instant between the reading of its parent and
    its own is missed by that snapshot). A descendant whose parent exited without waiting for it is re-parented
    outside the tree and no longer counted, unless this process adopted it (adopt_orphans).
    """
    root = os.getpid() if root is None else root
    own: dict[int, float] = {}
    children: dict[int, list[int]] = {}
    for pid, parent, seconds in _process_table():
        own[pid] = seconds
        children.setdefault(parent, []).append(pid)
    if root not in own:  # no /proc here: what os.times() knows
        return cpu_seconds()
    total, pending = 0.0, [root]
    while pending:
        pid = pending.pop()
        total += own.get(pid, 0.0)
        pending.extend(children.get(pid, ()))
    return total


def _process_table() -> list[tuple[int, int, float]]:
    """(pid, parent pid, its own and its reaped children's CPU seconds) of every process in /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    table = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # exited since the listing
            continue
        # The command name, in parentheses, may hold spaces: the fields start after its last ')'.
        fields = stat[stat.rindex(")") + 2:].split()
        parent = int(fields[1])
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        table.append((int(entry.name), parent, (utime + stime + cutime + cstime) / tick))
    return table


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
