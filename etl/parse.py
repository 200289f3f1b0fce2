"""Parse a workbook's sheets with fastexcel, beside the guard's streaming pass when that pays.

The guard (etl.guard) refuses hostile files in two steps: the zip's directory,
in milliseconds, then one streaming pass that inflates every part (0.4 s for
a 7 MB workbook of 100,000 rows, a third of the read). fastexcel does not
need that pass's results, so for a large file the two run at once, on two
cores: the parse in a child process forked after step 1, the pass in this
one. What makes that safe is the child, not the order:

- Its address space is capped (RLIMIT_AS) to what a parse of the file's
  declared size needs (measured: a parse peaks at 2.1 times the declared
  size of the parts, plus the interpreter; the cap allows twice that). A
  part that lies about its size (a bomb the directory cannot show) makes
  fastexcel inflate it whole; in the child that ends in a failed
  allocation, not in the server's memory.
- A refusal by the streaming pass kills the child at once, and a child that
  dies or hangs refuses the file (``check_failed``): nothing it parsed is
  used unless the pass accepted the file.

A small file is parsed here after the pass, as before: forking and copying
the result cost more than the pass they would hide.

The child is forked, not spawned: a new interpreter would spend longer
importing pyarrow than the pass takes. The processes that read large
workbooks (the CLI, etl.isolated's child for an upload) run one Python thread
when they read, and the child only parses and writes Arrow IPC to a memory
file the parent maps (its size is bounded by the capped parse). A process
running other Python threads (a server) could hold a lock at the fork that
no thread in the child would release, so there the file is parsed after the
pass instead. The cap counts the address space the child inherits, heap the
parent freed but kept included, so in a long-lived process it is looser than
its budget; the processes above start fresh.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import fastexcel
import pyarrow as pa

from etl import guard
from etl.guard import XlsxLayout
from etl.problems import Problem, WorkbookRefused
from etl.schema import DEFAULT_LIMITS, Limits

# Files smaller than this are parsed after the pass, in this process (see the docstring);
# the bench's 100,000-row workbook is 7 MB, the sample's are 20 KB.
CHILD_MIN_BYTES = 2 << 20
# The child's address space beyond what it had when forked.
MEMORY_FLOOR_BYTES = 512 << 20
MEMORY_PER_DECLARED_BYTE = 4
# A parse runs at about 100,000 rows a second; the largest allowed file is far below this.
TIMEOUT_SECONDS = 10 * 60

Wanted = Callable[[str], bool]  # which sheets (by title) to parse


@dataclass
class ParsedSheets:
    """Every sheet's title in workbook order, and the wanted ones parsed as text with no header row."""

    titles: list[str]
    batches: dict[str, pa.RecordBatch] = field(default_factory=dict)


def guarded_parse(path: Path, wanted: Wanted, limits: Limits = DEFAULT_LIMITS) -> tuple[XlsxLayout, ParsedSheets]:
    """The guard's layout of the file and its wanted sheets; WorkbookRefused when either refuses it."""
    declared = guard.check_container(path, limits)
    if path.stat().st_size < CHILD_MIN_BYTES or not _forking_is_safe():
        layout = guard.scan_parts(path, limits)
        return layout, parse_sheets(path, wanted)
    child = _Child.start(path, wanted, MEMORY_FLOOR_BYTES + MEMORY_PER_DECLARED_BYTE * declared)
    try:
        layout = guard.scan_parts(path, limits)
        return layout, child.result()
    finally:
        child.stop()


def _forking_is_safe() -> bool:
    """No other Python thread runs here (the module docstring says why that matters), on Linux.

    The child's result comes back in a memfd, which only Linux has (a developer's macOS parses
    after the pass, like a server).
    """
    return threading.active_count() == 1 and hasattr(os, "memfd_create")


def parse_sheets(path: Path, wanted: Wanted) -> ParsedSheets:
    """fastexcel's parse of the wanted sheets; WorkbookRefused ("damaged") when it cannot."""
    try:
        reader = fastexcel.read_excel(str(path))
        parsed = ParsedSheets(list(reader.sheet_names))
        for title in parsed.titles:
            if wanted(title):
                # One parse of the whole sheet without a header row; calamine parses the whole
                # sheet even for n_rows, so a separate preview would double the cost.
                parsed.batches[title] = reader.load_sheet(title, header_row=None, dtypes="string", eager=True)
    except MemoryError:
        raise  # not the file's damage: in a child, its cap (see _Child.result)
    except Exception as error:  # the guard passed, so this is a damaged file
        raise WorkbookRefused(Problem("damaged", params={"detail": str(error)[:200]})) from None
    return parsed


@dataclass
class _Child:
    process: multiprocessing.process.BaseProcess
    receiver: Connection
    # The parsed sheets come back in this memory file (memfd) as Arrow IPC streams, mapped here
    # without a copy. Measured at 100,000 rows, 22 MB: sent through the pipe, they cost the parent
    # 0.15 s of reading; a whole load took 1.73 s before, 1.63 s after (7 interleaved runs).
    memory_file: int

    @classmethod
    def start(cls, path: Path, wanted: Wanted, memory_bytes: int) -> _Child:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        memory_file = os.memfd_create("parsed-sheets", os.MFD_CLOEXEC)
        process = context.Process(target=_child_main, args=(path, wanted, memory_bytes, sender, memory_file),
                                  daemon=True)
        process.start()
        sender.close()  # the child's copy stays open: end of file here means the child is gone
        return cls(process, receiver, memory_file)

    def result(self) -> ParsedSheets:
        try:
            if not self.receiver.poll(TIMEOUT_SECONDS):
                raise EOFError
            titles, refusal, extents = self.receiver.recv()
            if refusal is not None:
                raise WorkbookRefused(refusal)
            self.process.join(timeout=5)  # it exits once it has written everything
            if self.process.exitcode != 0:
                raise EOFError
            return ParsedSheets(titles, _mapped_batches(self.memory_file, extents))
        except (EOFError, OSError):
            self.stop()  # killed for memory, crashed or hung: refused, with its exit code
            raise WorkbookRefused(Problem("check_failed", params={"code": self.process.exitcode})) from None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receiver.close()
        if self.memory_file >= 0:
            os.close(self.memory_file)  # the mapping of a result keeps its pages; nothing else does
            self.memory_file = -1


Extent = tuple[str, int, int]  # a sheet's title, and where its IPC stream starts and ends in the memory file


def _mapped_batches(memory_file: int, extents: list[Extent]) -> dict[str, pa.RecordBatch]:
    if not extents:
        return {}
    mapped = pa.py_buffer(mmap.mmap(memory_file, 0, prot=mmap.PROT_READ))
    return {title: pa.ipc.open_stream(mapped.slice(start, end - start)).read_next_batch()
            for title, start, end in extents}


def _child_main(path: Path, wanted: Wanted, memory_bytes: int, sender: Connection, memory_file: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory_bytes,) * 2)
    try:
        parsed = parse_sheets(path, wanted)
    except WorkbookRefused as refused:
        sender.send(([], refused.problem, []))
        return
    extents: list[Extent] = []
    # Written through the file, not built in memory first: no copy under the address-space cap.
    with pa.OSFile(f"/proc/self/fd/{memory_file}", "wb") as sink:
        for title, batch in parsed.batches.items():
            start = sink.tell()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            extents.append((title, start, sink.tell()))
    sender.send((parsed.titles, None, extents))


def _address_space() -> int:
    """This process's current virtual size (the limit counts what the fork inherited)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
