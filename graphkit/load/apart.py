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
time: the counting pass and building the records, docs/benchmarks.md; of a GLEIF LEI file, nine
tenths), and it ran on one core while the other waited. A load read apart whose one input is a
JSON-lines file (a PSC snapshot), an XML file (GLEIF's) or a CSV file is read in
``GRAPHKIT_READ_PARTS`` parts (default ``READ_PARTS``; 1: in one), split at line boundaries
(``spans``): an XML file where a line opens a record element (``split_xml``), each part after
the first parsed after the file's prolog (its declaration and the elements the records sit in);
a CSV file where a row starts, as the csv module reads the rows from the start (``split_csv``),
each part after the first read under the file's header. The reading process reads the first
part itself and forks a child for each other part, twice: once for the counting pass (each child sends back the numbers its part
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

import codecs
import csv
import mmap
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar
from xml.parsers import expat

from graphkit import forked
from graphkit.load.nestedfiles import _qname
from graphkit.load.span import Span

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
    file (UTF-8), an XML or a CSV file of a mapping that reads each record on its own (no
    deriver, no source ids), and can be cut so; else None. Called where the load is read apart."""
    try:
        parts = int(os.environ.get("GRAPHKIT_READ_PARTS", READ_PARTS))
    except ValueError:
        parts = READ_PARTS
    if parts < 2 or len(files) != 1:
        return None
    path, mapping = files[0]
    if mapping.derive or mapping.parts or mapping.uses_source_ids:
        return None
    if mapping.format == "xml":
        return split_xml(path, mapping, parts)
    if mapping.format == "csv":
        return split_csv(path, mapping, parts)
    if mapping.format != "json" or mapping.encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
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
            fh.seek(max(_cut_at(size, k, parts) - 1, starts[-1]))
            fh.readline()  # to the start of the next line
            at = fh.tell()
            if starts[-1] < at < size:
                starts.append(at)
        return _spans(fh, starts)


def _spans(fh: BinaryIO, starts: list[int], prolog: int = 0) -> list[Span]:
    """The spans of a file from each of ``starts`` to the next, numbered by their first lines."""
    lines = [1]
    fh.seek(0)
    read, count = 0, 1
    for at in starts[1:]:
        while read < at:
            block = fh.read(min(1 << 24, at - read))
            read += len(block)
            count += block.count(b"\n")
        lines.append(count)
    return _numbered(starts, lines, prolog)


def _numbered(starts: list[int], lines: list[int], prolog: int = 0) -> list[Span]:
    stops: list[int | None] = [*starts[1:], None]
    return [Span(a, b, n, prolog) for a, b, n in zip(starts, stops, lines, strict=True)]


#: encodings whose bytes of quotes, delimiters and line ends are those characters alone (ASCII
#: and single-byte code pages; UTF-8, whose multi-byte sequences hold no ASCII byte)
_CSV_ENCODINGS = ("utf_8", "ascii", "iso8859", "cp125", "koi8", "mac_")


def split_csv(path: Path, mapping: Mapping, parts: int) -> list[Span] | None:
    """A CSV file cut into at most ``parts`` spans of about equal size, each starting a row: the
    rows are read from the start of the file with Python's csv reader, as the load reads them
    (a quoted cell may hold line breaks, so only such a reading tells which lines start rows), up
    to the last cut, each line decoded as Latin-1 (the bytes that delimit are ASCII in the
    encodings allowed). None in another encoding (UTF-16), or where no row starts after the
    first cut point but the first row."""
    try:
        encoding = codecs.lookup(mapping.encoding).name.replace("-", "_")
    except LookupError:
        return None
    if not encoding.startswith(_CSV_ENCODINGS):
        return None
    size = path.stat().st_size
    targets = [_cut_at(size, k, parts) for k in range(1, parts)]
    starts, lines = [0], [1]
    at = [0, 1]  # the byte offset and the number of the next line to read

    with path.open("rb") as fh:
        def text() -> Iterator[str]:
            for raw in fh:
                at[0] += len(raw)
                at[1] += 1
                yield raw.decode("latin-1")

        try:
            for _ in csv.reader(text(), delimiter=mapping.delimiter):  # the reader stops at a row's end
                while targets and at[0] >= targets[0]:
                    targets.pop(0)
                    if starts[-1] < at[0] < size:
                        starts.append(at[0])
                        lines.append(at[1])
                if not targets:
                    break
        except csv.Error:  # a row the load reports (a cell beyond the csv module's limit): in one part
            return None
    return _numbered(starts, lines) if len(starts) > 1 else None


class _Found(Exception):
    pass


def split_xml(path: Path, mapping: Mapping, parts: int) -> list[Span] | None:
    """An XML file cut into at most ``parts`` spans of about equal size, each after the first
    starting on a line that opens a record element (its tag as the file's first record writes
    it, indented or not), never inside a comment, a CDATA section or a processing instruction.
    Each span's ``prolog`` is the bytes before the first record: a later part's reader parses
    them first, so its records sit inside the elements and namespaces they sit in. None where
    the file has no record in its first ``PROLOG_MAX`` bytes, is not in an encoding that writes
    tags in ASCII bytes, or has no record starting a line after the first."""
    assert mapping.record is not None
    tag = _qname(mapping.record, mapping.namespaces, "record")
    with path.open("rb") as fh:
        if fh.read(2) in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: tags are not ASCII bytes
            return None
        first = _first_record(fh, tag[1:] if tag.startswith("{") else tag)
        if first is None:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            written = re.compile(rb"<[\w.-]*:?" + re.escape(tag.rsplit("}", 1)[-1].encode()) + rb"(?=[\s/>])").match(mm, first)
            if written is None:
                return None
            opening = re.compile(rb"\n[ \t\r]*" + re.escape(written.group(0)) + rb"[\s/>]")
            size = len(mm)
            markup = mm.find(b"<!", first) >= 0 or mm.find(b"<?", first) >= 0  # comments, CDATA, instructions
            starts = [0]
            for k in range(1, parts):
                at = max(_cut_at(size, k, parts), starts[-1], first)
                while (found := opening.search(mm, at)) is not None and markup and _inside_markup(mm, first, found.start()):
                    at = found.end()
                if found is None:
                    break
                starts.append(found.start() + 1)
        if len(starts) < 2:
            return None
        return _spans(fh, starts, first)


def _cut_at(size: int, k: int, parts: int) -> int:
    """Where to look for the start of part ``k`` (from 0) of ``parts`` in a file of ``size`` bytes."""
    return size * k // parts


#: bytes of an XML file looked through for its first record (``split_xml``)
PROLOG_MAX = 1 << 24


def _first_record(fh: BinaryIO, name: str) -> int | None:
    """The offset of the first start tag of the element ``name`` ("uri}local", as expat names
    it), if one is in the first ``PROLOG_MAX`` bytes of ``fh``."""
    parser = expat.ParserCreate(namespace_separator="}")
    where: list[int] = []

    def start(element: str, _: Any) -> None:
        if element == name:
            where.append(parser.CurrentByteIndex)
            raise _Found
    parser.StartElementHandler = start
    fh.seek(0)
    read = 0
    while read < PROLOG_MAX:
        block = fh.read(1 << 16)
        read += len(block)
        try:
            parser.Parse(block, not block)
        except _Found:
            return where[0]
        except expat.ExpatError:
            return None
        if not block:
            return None
    return None


def _inside_markup(mm: mmap.mmap, first: int, at: int) -> bool:
    """Whether offset ``at`` is inside a comment, a CDATA section or a processing instruction
    opened after offset ``first`` (before it, the parser has seen a record start)."""
    return any(mm.rfind(opener, first, at) > mm.rfind(closer, first, at)
               for opener, closer in ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>")))
