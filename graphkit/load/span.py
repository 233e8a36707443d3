"""A part of a file read on its own (``graphkit/load/apart.py``), and its lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class Span:
    """A part of a file read on its own: the bytes from ``start`` (the start of a line) up to
    ``stop`` (the start of a line, or None: the end), the first of which is line ``first_line``
    of the file. ``prolog``: for an XML file, how many of the file's first bytes a part after the
    first feeds its parser before its own (the declaration and the elements around the records,
    up to the first record)."""

    start: int
    stop: int | None
    first_line: int
    prolog: int = 0


def span_lines(fh: BinaryIO, span: Span) -> Iterator[bytes]:
    """The lines of ``span``, read from ``fh`` (opened in binary)."""
    fh.seek(span.start)
    if span.stop is None:
        yield from fh
        return
    size, read = span.stop - span.start, 0
    for raw in fh:
        if read >= size:
            return
        read += len(raw)
        yield raw
