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

**Both cores.** Reading is most of a large load (at 200k PSC lines about three quarters of its
time: the counting pass and building the records, docs/benchmarks.md), and it ran on one core
while the other waited. A load read apart whose one input is a JSON-lines file (a PSC snapshot)
is read in ``GRAPHKIT_READ_PARTS`` parts (default ``READ_PARTS``; 1: in one), split at line
boundaries (``spans``). The reading process reads the first part itself and forks a child for
each other part, twice: once for the counting pass (each child sends back the numbers its part
claims, ``NumberClaims.state``; a number two parts claim for two records is ambiguous, as
if one pass had read both) and once for the records, staged in files of the child's own
(``StagedLoad.prefix``) that the reading process then appends to its own, part after part
(``StagedLoad.take``), with the rejects, the counts and the problems. The staging files hold
the same rows in the same order as when one process reads the file (only the batches break
elsewhere), so the graph, the report and the rejects are the same (tests/test_read_apart.py).
A child counts the rows it has read into memory shared with the reading process, which passes
them on with its own progress (``_PartRows`` in ``graphkit/load/__init__.py``). Each part's
reading holds its own memories of worked-out values, so the reading peaks add up
(docs/benchmarks.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from graphkit import forked
from graphkit.load.read import Span

if TYPE_CHECKING:
    from graphkit.load.mapping import Mapping
    from graphkit.store.staged import StagedLoad

READ_APART_MB = 16
READ_PARTS = 2
ONE_PART = "set GRAPHKIT_READ_PARTS=1 to read it in one process"

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


def spans(files: list[tuple[Path, Mapping]]) -> list[Span] | None:
    """The parts to read a load's one input in (``GRAPHKIT_READ_PARTS``), if it is a JSON-lines
    file of a mapping that reads each line on its own (no deriver, no source ids, UTF-8); else
    None. Called where the load is read apart."""
    try:
        parts = int(os.environ.get("GRAPHKIT_READ_PARTS", READ_PARTS))
    except ValueError:
        parts = READ_PARTS
    if parts < 2 or len(files) != 1:
        return None
    path, mapping = files[0]
    if (mapping.format != "json" or mapping.derive or mapping.parts or mapping.uses_source_ids
            or mapping.encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig")):
        return None
    with path.open("rb") as fh:
        if fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":  # an array, or not JSON at all
            return None
    return split(path, parts)


def split(path: Path, parts: int) -> list[Span]:
    """``path`` cut into at most ``parts`` spans of about equal size, each starting a line."""
    size = path.stat().st_size
    starts = [0]
    with path.open("rb") as fh:
        for k in range(1, parts):
            fh.seek(max(size * k // parts - 1, starts[-1]))
            fh.readline()  # to the start of the next line
            at = fh.tell()
            if starts[-1] < at < size:
                starts.append(at)
        lines = [1]
        fh.seek(0)
        read, count = 0, 1
        for at in starts[1:]:
            while read < at:
                block = fh.read(min(1 << 24, at - read))
                read += len(block)
                count += block.count(b"\n")
            lines.append(count)
    stops: list[int | None] = [*starts[1:], None]
    return [Span(a, b, n) for a, b, n in zip(starts, stops, lines, strict=True)]
