"""Check and stage an uploaded workbook in a child process, so the app's own memory stays small.

Parsing a workbook holds its cells in memory several times over (fastexcel's
Arrow columns, DuckDB's typed tables): measured, a 190,000-row upload took
the app from 276 MB to 612 MB, and a long-running server keeps much of what
it once allocated. The child does the whole check (guard, read, validate,
clean, snapshot) and exits, giving its memory back; the app receives only
the problems, the row counts and the snapshot's hash. A workbook that makes
the child fail (killed for memory, crashed) is refused, and the server is
untouched.

Protocol: the parent writes the request as JSON to the child's stdin; the
child writes progress lines (JSON) to stderr and the result (pickle of
etl.load.Staged, our own data) to stdout.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

from etl.load import Progress, Staged, stage_file
from etl.problems import Problem
from etl.schema import DEFAULT_LIMITS, Limits
from etl.warehouse import DB_ENV, Warehouse

REPO_ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = 15 * 60


def stage_in_child(warehouse: Warehouse, path: Path, file_name: str, year: int | None = None,
                   limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None) -> Staged:
    """etl.load.stage_file, run in a child process; never raises for bad input."""
    request = json.dumps({"path": str(path), "file_name": file_name, "year": year,
                          "limits": dataclasses.asdict(limits)})
    env = {**os.environ, DB_ENV: str(warehouse.path)}
    child = subprocess.Popen([sys.executable, "-m", "etl.isolated"], cwd=REPO_ROOT, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    child.stdin.write(request.encode("utf-8"))
    child.stdin.close()
    output: list[bytes] = []
    # stdout is read beside stderr: a large result must not block the child while we read progress.
    reader = threading.Thread(target=lambda: output.append(child.stdout.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    for line in child.stderr:
        _report(line, progress)
    try:
        child.wait(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    reader.join(timeout=30)
    if child.returncode == 0 and output and output[0]:
        staged = pickle.loads(output[0])
        if isinstance(staged, Staged):
            return staged
    # Killed (e.g. out of memory) or crashed: the file is refused; the server carries on.
    return Staged(file_name, None, None, [Problem("check_failed", params={"code": child.returncode})])


def _report(line: bytes, progress: Progress | None) -> None:
    if progress is None:
        return
    try:
        message = json.loads(line)
    except ValueError:
        return  # a library's own warning on stderr, not ours
    if isinstance(message, dict) and isinstance(message.get("key"), str):
        progress(message["key"], **message.get("params", {}))


def _child() -> int:
    request = json.loads(sys.stdin.read())

    def progress(key: str, **params: object) -> None:
        print(json.dumps({"key": key, "params": {k: str(v) for k, v in params.items()}}), file=sys.stderr,
              flush=True)

    staged = stage_file(Warehouse(), Path(request["path"]), request["file_name"], year=request["year"],
                        limits=Limits(**request["limits"]), progress=progress)
    sys.stdout.buffer.write(pickle.dumps(staged))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
