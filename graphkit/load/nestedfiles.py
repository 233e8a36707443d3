"""Nested files read as streams, one record at a time, never the whole file (their records
are then flattened by the paths of ``graphkit.load.nested``):

- JSON: JSON lines (one object per line) or one array of objects, read incrementally.
- XML: the elements named by the mapping's ``record`` (``lei:LEIRecord``), parsed with
  ``xml.etree.ElementTree.XMLPullParser`` fed line by line and cleared after each record, so
  memory stays flat and each record knows the line it starts on. Elements in the record's own
  namespace are named by their local name, elements of other namespaces the mapping declares by
  ``prefix:Local``; attributes are ``@name``; an element that has attributes or children keeps
  its text under ``#text``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from graphkit.errors import InvalidData, MappingError, Problem
from graphkit.load.span import Span, span_lines


def json_records(path: Path, lines: Iterator[str], chunk: int = 1 << 20, first_line: int | None = None
                 ) -> Iterator[tuple[int, Any, Problem | None]]:
    """(line, object, problem) for each record of a JSON-lines file, or of a file holding one
    JSON array of objects (read ``chunk`` characters at a time, never whole). ``lines`` is the
    file's decoded text, line by line; or, with ``first_line``, the lines of a JSON-lines file
    from that line on (a part of it, whose first line may be anything: never read as an array).

    In JSON lines a line that is not valid JSON is a problem at that line, and reading goes on.
    In an array, a record that is not valid JSON, or an array cut off before its closing ``]``,
    raises InvalidData naming the line (a broken array has no next record to go on with).
    """
    first = ""
    head: list[str] = []
    for text in lines if first_line is None else ():
        head.append(text)
        if text.strip():
            first = text.strip()[0]
            break
    if first != "[":
        for lineno, text in enumerate(_chain(head, lines), start=first_line or 1):
            if not text.strip():
                continue
            try:
                yield lineno, _loads(text), None
            except json.JSONDecodeError as exc:
                yield lineno, None, Problem(path.name, lineno, None,
                                            f"not a complete JSON object ({exc.msg} at character {exc.pos + 1})")
        return
    yield from _array(path.name, _chain(head, lines), chunk)


def _loads(text: str) -> Any:
    """``json.loads``, through orjson (several times faster) where it reads the text the same:
    what orjson refuses (NaN, integers beyond 64 bits, a broken line) goes to ``json``, which
    reads it or raises its usual error."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


class _Buffer:
    def __init__(self, lines: Iterator[str], chunk: int):
        self.lines, self.chunk = lines, chunk
        self.buf, self.pos, self.line, self.eof = "", 0, 1, False

    def fill(self) -> bool:
        parts: list[str] = []
        size = 0
        for text in self.lines:
            parts.append(text)
            size += len(text)
            if size >= self.chunk:
                break
        if not parts:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + "".join(parts)
        self.pos = 0
        return True

    def skip(self, chars: str) -> None:
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in chars:
                if buf[pos] == "\n":
                    self.line += 1
                pos += 1
            self.pos = pos
            if pos < len(buf) or not self.fill():
                return


def _array(name: str, lines: Iterator[str], chunk: int) -> Iterator[tuple[int, Any, Problem | None]]:
    decoder = json.JSONDecoder()
    b = _Buffer(lines, chunk)
    b.skip(" \t\r\n")
    b.pos += 1  # the opening [
    while True:
        b.skip(" \t\r\n,")
        if b.pos >= len(b.buf):
            raise InvalidData.single(name, b.line, None,
                                     "the JSON array is cut off: the file ends before its closing ]")
        if b.buf[b.pos] == "]":
            b.pos += 1
            b.skip(" \t\r\n\x1a")
            if b.pos < len(b.buf):
                raise InvalidData.single(name, b.line, None, "text after the end of the JSON array")
            return
        start = b.line
        while True:
            try:
                obj, end = decoder.raw_decode(b.buf, b.pos)
                break
            except json.JSONDecodeError as exc:
                if not b.eof and b.fill():
                    continue
                if exc.msg.startswith("Unterminated") or not b.buf[exc.pos:].strip():
                    raise InvalidData.single(
                        name, start, None, "the JSON array is cut off: the record starting on this "
                        "line is unfinished at the end of the file") from None
                raise InvalidData.single(name, start + b.buf.count("\n", b.pos, exc.pos), None,
                                         f"not valid JSON ({exc.msg})") from None
        yield start, obj, None
        b.line += b.buf.count("\n", b.pos, end)
        b.pos = end


# ---- XML --------------------------------------------------------------------------------------

def _qname(name: str, namespaces: dict[str, str], where: str) -> str:
    if ":" in name:
        prefix, local = name.split(":", 1)
        if prefix not in namespaces:
            raise MappingError(f"{where}: namespace prefix {prefix!r} is not declared under namespaces:")
        return f"{{{namespaces[prefix]}}}{local}"
    return name


def xml_records(path: Path, record: str, namespaces: dict[str, str], span: Span | None = None
                ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, record as nested dict) for each ``record`` element of ``path``, streamed; with
    ``span`` (``graphkit/load/apart.py``), those of that part of the file only: a part after the
    first is read after the file's prolog, and a part before the last is not closed.

    Raises InvalidData with the line and column where the XML stops being well formed (a
    malformed record cannot be skipped: the parser cannot find where the next one starts).
    """
    tag = _qname(record, namespaces, "record")
    own_ns = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    prefixes = {uri: p for p, uri in namespaces.items()}
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    # the line a record's start tag opens on (the parser reports the tag once it is complete)
    opening = re.compile(rb"<(?:[\w.-]+:)?" + re.escape(tag.rsplit("}", 1)[-1].encode()) + rb"[\s>/]")
    stack: list[ET.Element] = []  # the open elements, to drop each record from its parent
    depth = 0
    start_line = seen = 0
    found = 0
    shift = 0  # the parser's line numbers less the file's (a part's prolog)

    def malformed(exc: ET.ParseError) -> InvalidData:
        line, col = exc.position
        return InvalidData.single(
            path.name, line - shift if line and line > shift else lineno, None,
            f"malformed XML at column {col + 1}: {str(exc).split(':')[0]}"
            + (f" (in the record starting at line {start_line})" if depth else ""))

    with path.open("rb") as fh:
        lines: Iterator[bytes] = fh
        lineno = 1
        if span is not None:
            if span.start:  # the declaration and the elements around the records, then this part's lines
                prolog = fh.read(span.prolog) + b"\n"
                shift = prolog.count(b"\n") + 1 - span.first_line
                parser.feed(prolog)
                for event, elem in parser.read_events():  # type: ignore[misc]  # the header before the records
                    assert isinstance(elem, ET.Element)
                    if event == "start":
                        stack.append(elem)
                    else:
                        stack.pop()
            lines = span_lines(fh, span)
        for lineno, raw in enumerate(lines, start=span.first_line if span else 1):
            if opening.search(raw):
                seen = lineno
            try:
                parser.feed(raw)
                events = list(parser.read_events())
            except ET.ParseError as exc:
                raise malformed(exc) from None
            for event, elem in events:  # type: ignore[misc]  # typeshed: (event, element) pairs here
                assert isinstance(elem, ET.Element)
                if event == "start":
                    stack.append(elem)
                else:
                    stack.pop()
                if elem.tag != tag:
                    continue
                if event == "start":
                    depth += 1
                    if depth == 1:
                        start_line = seen or lineno
                elif depth:
                    depth -= 1
                    if depth == 0:
                        found += 1
                        yield start_line, _as_dict(elem, own_ns, prefixes)
                        elem.clear()
                        if stack:  # the parent would keep every cleared record: memory would grow
                            stack[-1].remove(elem)
        if span is not None and span.stop is not None:  # a part before the last: the next goes on
            if depth:
                raise InvalidData.single(path.name, start_line, None,
                                         f"the <{record}> starting here is still open where the file was cut into "
                                         "parts read at once (an element of that name inside a record?): "
                                         "set GRAPHKIT_READ_PARTS=1 to read it in one part")
            return
        try:
            parser.close()
        except ET.ParseError as exc:
            line = exc.position[0]
            raise InvalidData.single(path.name, line - shift if line and line > shift else None, None,
                                     f"the XML is cut off or malformed at the end: {exc}") from None
    if not found and (span is None or not span.start):
        raise InvalidData.single(path.name, None, None, f"no <{record}> records in the file")


def _local(tag: str, own_ns: str, prefixes: dict[str, str]) -> str:
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if uri == own_ns:
        return local
    return f"{prefixes[uri]}:{local}" if uri in prefixes else tag


def _as_dict(elem: ET.Element, own_ns: str, prefixes: dict[str, str]) -> Any:
    children = list(elem)
    text = (elem.text or "").strip()
    if not children and not elem.attrib:
        return text
    out: dict[str, Any] = {}
    for k, v in elem.attrib.items():
        out["@" + _local(k, own_ns, prefixes)] = v
    for child in children:
        key = _local(child.tag, own_ns, prefixes)
        value = _as_dict(child, own_ns, prefixes)
        if key in out:
            if not isinstance(out[key], list):
                out[key] = [out[key]]
            out[key].append(value)
        else:
            out[key] = value
    if text:
        out["#text"] = text
    return out
