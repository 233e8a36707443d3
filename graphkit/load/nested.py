"""Nested records, JSON and XML, read as streams and addressed by paths.

A mapping whose ``format`` is ``json`` or ``xml`` names its "columns" as paths into each
record: ``data.name_elements.surname``, ``Entity.LegalAddress.City``. This module reads such
files one record at a time, never the whole file, and turns each record into the flat row the
mapping's record builder takes (``path -> text``):

- JSON: JSON lines (one object per line) or one array of objects, read incrementally.
- XML: the elements named by the mapping's ``record`` (``lei:LEIRecord``), parsed with
  ``xml.etree.ElementTree.XMLPullParser`` fed line by line and cleared after each record, so
  memory stays flat and each record knows the line it starts on.

Paths: segments joined by ``.``; a key that itself holds dots (``RegAddress.PostTown``) is
matched whole first. A segment may carry a filter, ``RelationshipPeriod[PeriodType=RELATIONSHIP_PERIOD]``,
kept items whose child (or ``@attribute``) has that text. Lists are followed element by element,
so a path may yield several values; they reach the mapping joined by ``LIST_SEP`` and every value
spec reads them as a list. XML elements in the record's own namespace are named by their local
name, elements of other namespaces the mapping declares by ``prefix:Local``; attributes are
``@name``; an element that has attributes or children keeps its text under ``#text``.
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

LIST_SEP = "\x1f"  # joins the values of a path that yields several (never in real text)
_FILTER = re.compile(r"^(?P<key>[^\[]+)\[(?P<field>[^=\]]+)=(?P<value>[^\]]*)\]$")


# ---- paths ------------------------------------------------------------------------------------

def compile_path(path: str) -> list[tuple[str, tuple[str, str] | None]]:
    """``a.b[c=d].e`` as [(a, None), (b, (c, d)), (e, None)]."""
    out: list[tuple[str, tuple[str, str] | None]] = []
    for seg in _split_path(path):
        m = _FILTER.match(seg)
        out.append((m["key"], (m["field"], m["value"])) if m else (seg, None))
    return out


def _split_path(path: str) -> list[str]:
    """Split on dots outside ``[...]`` filters (a filter value may hold a dot)."""
    parts, depth, cur = [], 0, ""
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        if isinstance(value, dict) and "#text" in value:
            return _text(value["#text"])
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matches(item: Any, flt: tuple[str, str]) -> bool:
    return isinstance(item, dict) and _text(item.get(flt[0])) == flt[1]


def resolve(record: Any, steps: list[tuple[str, tuple[str, str] | None]]) -> list[str]:
    """Every text value at ``steps`` in ``record``, in document order."""
    values: list[str] = []
    _walk(record, steps, 0, values)
    return values


def _walk(node: Any, steps: list[tuple[str, tuple[str, str] | None]], i: int, out: list[str]) -> None:
    n = len(steps)
    while True:
        if isinstance(node, list):
            for item in node:
                _walk(item, steps, i, out)
            return
        if i == n:
            text = _text(node)
            if text is not None and text.strip():
                out.append(text)
            return
        if not isinstance(node, dict):
            return
        key, flt = steps[i]
        j = i + 1
        if key not in node:
            # a key holding dots ("RegAddress.PostTown"), the longest first
            for j in range(n, i + 1, -1):
                if not any(f for _, f in steps[i:j - 1]) and ".".join(s for s, _ in steps[i:j]) in node:
                    key, flt = ".".join(s for s, _ in steps[i:j]), steps[j - 1][1]
                    break
            else:
                return
        child = node[key]
        if flt is not None:
            items = child if isinstance(child, list) else [child]
            child = [it for it in items if _matches(it, flt)]
        node, i = child, j


class PathRow:
    """Flattens a nested record into ``{path: text}`` for the paths a mapping reads.

    A path without filters is first followed key by key through plain objects (the shape of
    nearly every record); only where it meets a list, a missing key in an object that has
    dotted keys, or an element with ``#text`` is it walked in full by ``resolve``. Both give the
    same row.
    """

    def __init__(self, paths: list[str]):
        self.paths = [(p, compile_path(p)) for p in paths]
        self._plain = [(p, steps, None if any(f for _, f in steps) else _dotted(steps))
                       for p, steps in self.paths]
        self._flatten = _compiled_flatten(self._plain)

    def flatten(self, record: Any) -> dict[str, Any]:
        """``{path: text or None}`` for every path of the row (a list of values joined by
        ``LIST_SEP``), by the function compiled for these paths."""
        row: dict[str, Any] = self._flatten(record)
        return row

    def flatten_by_path(self, record: Any) -> dict[str, Any]:
        """``flatten`` path by path, uncompiled (what the compiled function is checked against)."""
        row: dict[str, Any] = {}
        for path, steps, keys in self._plain:
            if keys is not None:
                node = record
                for key, joined in keys:
                    if type(node) is not dict:
                        break
                    child = node.get(key, _ABSENT)
                    if child is _ABSENT:  # unless a key holds dots ("RegAddress.PostTown")
                        node = _ABSENT if any(k in node for k in joined) else None
                        break
                    node = child
                else:
                    kind = type(node)
                    if kind is str:
                        row[path] = node if node.strip() else None
                        continue
                    if kind is int or kind is float:
                        row[path] = str(node)
                        continue
                if node is None:
                    row[path] = None
                    continue
            values = resolve(record, steps)
            row[path] = None if not values else values[0] if len(values) == 1 else LIST_SEP.join(values)
        return row

    def walk(self, record: Any) -> dict[str, Any]:
        """The same row as ``flatten``, every path walked in full (the reference it is tested
        against)."""
        row: dict[str, Any] = {}
        for path, steps in self.paths:
            values = resolve(record, steps)
            row[path] = None if not values else values[0] if len(values) == 1 else LIST_SEP.join(values)
        return row


_ABSENT = object()


def _compiled_flatten(plain: list[tuple[str, Any, Any]]) -> Any:
    """``flatten`` as one Python function written for these paths: the paths without filters
    are followed together, each shared key looked up once per record (``data`` once for the
    thirty paths of a PSC record), with the same outcomes as following them one by one; a
    value that is not a plain scalar at the end of plain objects, and every path with a
    filter, is walked in full (``resolve``)."""
    consts: dict[str, Any] = {"_ABSENT": _ABSENT, "_slow": _slow, "_SEP": LIST_SEP, "str": str, "type": type,
                              "dict": dict, "list": list, "int": int, "float": float, "any": any, "all": all}
    tree: dict[str, Any] = {}  # key -> [paths ending here, subtree]
    slow_paths: list[tuple[str, Any]] = []
    for path, steps, keys in plain:
        if keys is None:
            slow_paths.append((path, steps))
            continue
        node = tree
        for depth, (key, _) in enumerate(keys):
            entry = node.setdefault(key, [[], {}])
            if depth == len(keys) - 1:
                entry[0].append((path, steps, keys))
            node = entry[1]
    lines = ["def flatten(record):", "    row = {}"]
    names: dict[int, str] = {}

    def const(value: Any) -> str:
        name = names.get(id(value))
        if name is None:
            name = names[id(value)] = f"_c{len(names)}"
            consts[name] = value
        return name

    def under(node: dict[str, Any]) -> list[tuple[str, Any, Any]]:
        out = []
        for ends, sub in node.values():
            out.extend(ends)
            out.extend(under(sub))
        return out

    def not_a_dict(var: str, paths: list[tuple[str, Any, Any]], pad: str) -> None:
        for path, steps, _ in paths:  # None ends the path; anything else is walked in full
            lines.append(f"{pad}row[{path!r}] = None if {var} is None else _slow(record, {const(steps)})")

    def emit(node: dict[str, Any], var: str, depth: int, pad: str) -> None:
        for key, (ends, sub) in node.items():
            child = f"n{depth + 1}"
            lines.append(f"{pad}{child} = {var}.get({key!r}, _ABSENT)")
            lines.append(f"{pad}if {child} is _ABSENT:")
            for path, steps, keys in [*ends, *under(sub)]:
                joined = keys[depth][1]  # a key holding dots may stand in for the missing one
                if joined:
                    lines.append(f"{pad}    row[{path!r}] = _slow(record, {const(steps)}) "
                                 f"if any(k in {var} for k in {const(joined)}) else None")
                else:
                    lines.append(f"{pad}    row[{path!r}] = None")
            lines.append(f"{pad}else:")
            if ends:
                lines.append(f"{pad}    t = type({child})")
                for path, steps, _ in ends:
                    lines.append(f"{pad}    if t is str:")
                    lines.append(f"{pad}        row[{path!r}] = {child} if {child}.strip() else None")
                    lines.append(f"{pad}    elif t is int or t is float:")
                    lines.append(f"{pad}        row[{path!r}] = str({child})")
                    lines.append(f"{pad}    elif {child} is None:")
                    lines.append(f"{pad}        row[{path!r}] = None")
                    # a list of texts (PSC natures of control): its non-blank items, as the walk
                    lines.append(f"{pad}    elif t is list and all(type(x) is str for x in {child}):")
                    lines.append(f"{pad}        vs = [x for x in {child} if x.strip()]")
                    lines.append(f"{pad}        row[{path!r}] = None if not vs else vs[0] if len(vs) == 1 "
                                 "else _SEP.join(vs)")
                    lines.append(f"{pad}    else:")
                    lines.append(f"{pad}        row[{path!r}] = _slow(record, {const(steps)})")
            if sub:
                lines.append(f"{pad}    if type({child}) is dict:")
                emit(sub, child, depth + 1, pad + "        ")
                lines.append(f"{pad}    else:")
                not_a_dict(child, under(sub), pad + "        ")
            lines.append(f"{pad}    pass")

    if tree:
        lines.append("    if type(record) is dict:")
        emit(tree, "record", 0, "        ")
        lines.append("    else:")
        not_a_dict("record", under(tree), "        ")
    for path, steps in slow_paths:
        lines.append(f"    row[{path!r}] = _slow(record, {const(steps)})")
    lines.append("    return row")
    exec("\n".join(lines), consts)  # noqa: S102 - code written above from the mapping's paths, no data
    return consts["flatten"]


def _slow(record: Any, steps: list[tuple[str, tuple[str, str] | None]]) -> str | None:
    """A path's value walked in full: None, its one value, or its values joined by LIST_SEP."""
    values = resolve(record, steps)
    return None if not values else values[0] if len(values) == 1 else LIST_SEP.join(values)


def _dotted(steps: list[tuple[str, tuple[str, str] | None]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each key of a path without filters, with the dotted keys that could stand in for it
    when it is missing (the key joined with the keys after it), as ``_walk`` looks them up."""
    keys = [k for k, _ in steps]
    return tuple((k, tuple(".".join(keys[i:j]) for j in range(len(keys), i + 1, -1)))
                 for i, k in enumerate(keys))


# ---- JSON -------------------------------------------------------------------------------------

def json_records(path: Path, lines: Iterator[str], chunk: int = 1 << 20
                 ) -> Iterator[tuple[int, Any, Problem | None]]:
    """(line, object, problem) for each record of a JSON-lines file, or of a file holding one
    JSON array of objects (read ``chunk`` characters at a time, never whole). ``lines`` is the
    file's decoded text, line by line.

    In JSON lines a line that is not valid JSON is a problem at that line, and reading goes on.
    In an array, a record that is not valid JSON, or an array cut off before its closing ``]``,
    raises InvalidData naming the line (a broken array has no next record to go on with).
    """
    first = ""
    head: list[str] = []
    for text in lines:
        head.append(text)
        if text.strip():
            first = text.strip()[0]
            break
    if first != "[":
        for lineno, text in enumerate(_chain(head, lines), start=1):
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


def xml_records(path: Path, record: str, namespaces: dict[str, str]
                ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, record as nested dict) for each ``record`` element of ``path``, streamed.

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
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if opening.search(raw):
                seen = lineno
            try:
                parser.feed(raw)
                events = list(parser.read_events())
            except ET.ParseError as exc:
                line, col = exc.position
                raise InvalidData.single(
                    path.name, line or lineno, None,
                    f"malformed XML at column {col + 1}: {str(exc).split(':')[0]}"
                    + (f" (in the record starting at line {start_line})" if depth else "")) from None
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
        try:
            parser.close()
        except ET.ParseError as exc:
            raise InvalidData.single(path.name, exc.position[0] or None, None,
                                     f"the XML is cut off or malformed at the end: {exc}") from None
    if not found:
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
