"""The bench's "other processes" share: the benchmark's own process tree is never counted as others."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.contention import CpuSnapshot

# A child that starts a grandchild burning one CPU-second and keeps it running, unreaped, until
# told to stop: like Playwright's driver and the Chromium it starts.
_PARENT = """
import subprocess, sys
burner = subprocess.Popen([sys.executable, "-c",
    "import time\\nend = time.process_time() + 1.0\\nwhile time.process_time() < end: pass\\n"
    "print('burnt', flush=True)\\ntime.sleep(60)"], stdout=subprocess.PIPE, text=True)
print(burner.stdout.readline().strip(), flush=True)
sys.stdin.readline()
burner.kill()
burner.wait()
"""


def test_a_grandchild_not_yet_waited_for_counts_as_the_benchmarks_own() -> None:
    before = CpuSnapshot.take()
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "burnt"
        during = CpuSnapshot.take()
        # Nobody has waited for the grandchild yet, so os.times() would not see its CPU-second.
        assert during.own_s - before.own_s >= 0.9
    finally:
        parent.communicate("stop\n", timeout=30)
    after = CpuSnapshot.take()
    # Once reaped, its time moves into its parent's and then this process's children's time: counted once.
    assert 0.9 <= after.own_s - before.own_s < during.own_s - before.own_s + 0.5


# Run in a fresh interpreter, so the test runner itself never becomes a reaper of orphans.
_ORPHAN = """
import subprocess, sys, time
from pathlib import Path
from bench.contention import CpuSnapshot, adopt_orphans
done = Path(sys.argv[2])
if sys.argv[1] == "adopt":
    assert adopt_orphans()
burn = ("import time\\nend = time.process_time() + 0.5\\nwhile time.process_time() < end: pass\\n"
        f"open({str(done)!r}, 'w').close()\\ntime.sleep(60)")
before = CpuSnapshot.take()
# The shell starts the burner in the background and exits at once: the burner is an orphan,
# as Chromium's processes become when its browser process exits before them.
subprocess.run(["sh", "-c", f'"{sys.executable}" -c "$0" >/dev/null 2>&1 &', burn], check=True)
deadline = time.monotonic() + 30
while not done.exists() and time.monotonic() < deadline:
    time.sleep(0.05)
after = CpuSnapshot.take()
print(done.exists(), after.busy_s - before.busy_s, after.own_s - before.own_s)
"""


@pytest.mark.parametrize("adopt", [True, False], ids=["adopted", "not-adopted"])
def test_an_orphan_of_the_bench_counts_as_its_own_once_adopted(adopt: bool, tmp_path: Path) -> None:
    """Without adopt_orphans() an orphan's work leaves the tree: it stands for any process not the bench's."""
    done = tmp_path / "done"
    shown = subprocess.run([sys.executable, "-c", _ORPHAN, "adopt" if adopt else "leave", str(done)],
                           cwd=Path(__file__).parents[1], capture_output=True, text=True, timeout=60, check=True)
    try:
        finished, busy, own = shown.stdout.split()
        assert finished == "True" and float(busy) >= 0.45  # the machine saw the half CPU-second
        if adopt:
            assert float(own) >= 0.45, shown.stdout
        else:
            assert float(own) < 0.3, shown.stdout  # outside the tree: another process's work
    finally:
        subprocess.run(["pkill", "-f", str(done)], check=False)  # the orphan's sleep
