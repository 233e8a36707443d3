"""Reading a large load in a process of its own, which ends before the store's writes begin.

Reading a load leaves the Python heap large and full of holes: the record builder's memories,
the counting pass's dict of numbers and millions of short-lived records free most of what they
took, but CPython hands its small-object arenas back to the system only when they are wholly
empty, and a few long-lived objects keep most of them (about 700 MB of heap after reading 500k
PSC lines, some 40 MB of it live: docs/benchmarks.md, "Loader: loads in chunks"). The store's
writes (LadybugDB's COPY) then add their own memory on top, and the load's peak is the sum.

A staged load (``store/staged.py``) writes nothing to the store while it reads: its batches go to
Parquet files in the load's folder. So on Linux a large load is read in a forked child, which
runs the counting pass, reads every file into the staging files and the rejects files, sends
back what the writing needs (the files' reports, the problems, the names of the staging and
rejects files) and ends: its whole heap goes with it. The parent waits, holding only what it
held before reading, and then writes. The graph, the report and the rejects files are the same
either way (tests/test_read_apart.py).

The child is ``graphkit/forked.py``'s: it never touches the store, dies with the parent (a
killed load leaves no reader behind) and is killed if the parent is interrupted. An error in the
child is raised in the parent as it was raised there, and the parent undoes the load as for any
failed load. Progress is relayed as rows are read.

Inputs of at least ``GRAPHKIT_READ_APART_MB`` megabytes (default ``READ_APART_MB``; a negative
value: never) are read apart; smaller ones, where the heap is small, in the process itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from graphkit import forked

if TYPE_CHECKING:
    from graphkit.store.staged import StagedLoad

READ_APART_MB = 16

T = TypeVar("T")


def wanted(paths: list[Path], sink: StagedLoad) -> bool:
    """Whether to read a load of ``paths`` into ``sink`` in a process of its own: where the sink
    writes only once everything is read (not in chunks), on Linux, for a large input."""
    limit = forked.threshold("GRAPHKIT_READ_APART_MB", READ_APART_MB)
    if limit is None or sink.chunk_records:
        return False
    return sum(p.stat().st_size for p in paths if p.is_file()) >= limit * 1_000_000


def run(read: Callable[[forked.Progress | None], T], progress: forked.Progress | None) -> T:
    """``read(progress)`` in a forked child; its result (or its error, raised here)."""
    job = forked.start(read, "reading the load", "set GRAPHKIT_READ_APART_MB=-1 to read in this process",
                       relay_progress=progress is not None)
    return job.result(progress)
