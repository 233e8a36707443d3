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

import re
from typing import Any

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
        self._cleaned = _compiled_flatten(self._plain, clean=True)

    def flatten(self, record: Any) -> dict[str, Any]:
        """``{path: text or None}`` for every path of the row (a list of values joined by
        ``LIST_SEP``), by the function compiled for these paths."""
        row: dict[str, Any] = self._flatten(record)
        return row

    def cleaned(self, record: Any) -> dict[str, Any]:
        """``flatten`` with each value cleaned as the record builder cleans a cell
        (``values._clean_cell``: stripped, a placeholder such as ``NULL`` None), in the same
        pass: the row a nested record gives the builder (``RecordBuilder.build_cleaned``)."""
        row: dict[str, Any] = self._cleaned(record)
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


def _compiled_flatten(plain: list[tuple[str, Any, Any]], clean: bool = False) -> Any:
    """``flatten`` as one Python function written for these paths: the paths without filters
    are followed together, each shared key looked up once per record (``data`` once for the
    thirty paths of a PSC record), with the same outcomes as following them one by one; a
    value that is not a plain scalar at the end of plain objects, and every path with a
    filter, is walked in full (``resolve``). With ``clean``, each value is cleaned as it is
    taken (``PathRow.cleaned``)."""
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
    code = _FlattenCode(clean)
    if tree:
        code.lines.append("    if type(record) is dict:")
        code.emit(tree, "record", 0, "        ")
        code.lines.append("    else:")
        code.not_a_dict("record", _under(tree), "        ")
    for path, steps in slow_paths:
        code.lines.append(f"    row[{path!r}] = {code.slow}(record, {code.const(steps)})")
    return code.compile()


def _under(node: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Every path ending at or below ``node`` of the path tree."""
    out = []
    for ends, sub in node.values():
        out.extend(ends)
        out.extend(_under(sub))
    return out


class _FlattenCode:
    """The text of the ``flatten`` function being written, and the constants it refers to."""

    def __init__(self, clean: bool = False) -> None:
        from graphkit.load.values import _clean_cell
        from graphkit.normalize import NULLS

        self.consts: dict[str, Any] = {"_ABSENT": _ABSENT, "_slow": _slow, "_slow_clean": _slow_clean,
                                       "_SEP": LIST_SEP, "_NULLS": NULLS, "_clean": _clean_cell, "str": str,
                                       "type": type, "dict": dict, "list": list, "int": int, "float": float,
                                       "any": any, "all": all}
        self.lines = ["def flatten(record):", "    row = {}"]
        self.names: dict[int, str] = {}
        self.clean = clean
        self.slow = "_slow_clean" if clean else "_slow"  # the full walk of one path

    def compile(self) -> Any:
        self.lines.append("    return row")
        exec("\n".join(self.lines), self.consts)  # noqa: S102 - code written from the mapping's paths, no data
        return self.consts["flatten"]

    def const(self, value: Any) -> str:
        name = self.names.get(id(value))
        if name is None:
            name = self.names[id(value)] = f"_c{len(self.names)}"
            self.consts[name] = value
        return name

    def not_a_dict(self, var: str, paths: list[tuple[str, Any, Any]], pad: str) -> None:
        for path, steps, _ in paths:  # None ends the path; anything else is walked in full
            self.lines.append(f"{pad}row[{path!r}] = None if {var} is None else {self.slow}(record, {self.const(steps)})")

    def emit(self, node: dict[str, Any], var: str, depth: int, pad: str) -> None:
        lines = self.lines
        for key, (ends, sub) in node.items():
            child = f"n{depth + 1}"
            lines.append(f"{pad}{child} = {var}.get({key!r}, _ABSENT)")
            lines.append(f"{pad}if {child} is _ABSENT:")
            for path, steps, keys in [*ends, *_under(sub)]:
                joined = keys[depth][1]  # a key holding dots may stand in for the missing one
                if joined:
                    lines.append(f"{pad}    row[{path!r}] = {self.slow}(record, {self.const(steps)}) "
                                 f"if any(k in {var} for k in {self.const(joined)}) else None")
                else:
                    lines.append(f"{pad}    row[{path!r}] = None")
            lines.append(f"{pad}else:")
            if ends:
                lines.append(f"{pad}    t = type({child})")
                for path, steps, _ in ends:
                    self.end(path, steps, child, pad)
            if sub:
                lines.append(f"{pad}    if type({child}) is dict:")
                self.emit(sub, child, depth + 1, pad + "        ")
                lines.append(f"{pad}    else:")
                self.not_a_dict(child, _under(sub), pad + "        ")
            lines.append(f"{pad}    pass")

    def end(self, path: str, steps: Any, child: str, pad: str) -> None:
        """The value of a path ending at ``child``: a plain scalar as it is, else the full walk."""
        if self.clean:  # values._clean_cell written out, the usual text stripped once
            text = [f"{pad}        s = {child}.strip()",
                    f"{pad}        row[{path!r}] = None if s in _NULLS else s if '\\ufeff' not in s "
                    f"and '\\x1a' not in s else _clean(s)"]
            listed = "_clean(vs[0] if len(vs) == 1 else _SEP.join(vs))"
        else:
            text = [f"{pad}        row[{path!r}] = {child} if {child}.strip() else None"]
            listed = "vs[0] if len(vs) == 1 else _SEP.join(vs)"
        self.lines.extend([
            f"{pad}    if t is str:",
            *text,
            # a number's text is never blank, a placeholder or padded: clean as it is
            f"{pad}    elif t is int or t is float:",
            f"{pad}        row[{path!r}] = str({child})",
            f"{pad}    elif {child} is None:",
            f"{pad}        row[{path!r}] = None",
            # a list of texts (PSC natures of control): its non-blank items, as the walk
            f"{pad}    elif t is list and all(type(x) is str for x in {child}):",
            f"{pad}        vs = [x for x in {child} if x.strip()]",
            f"{pad}        row[{path!r}] = None if not vs else {listed}",
            f"{pad}    else:",
            f"{pad}        row[{path!r}] = {self.slow}(record, {self.const(steps)})",
        ])


def _slow(record: Any, steps: list[tuple[str, tuple[str, str] | None]]) -> str | None:
    """A path's value walked in full: None, its one value, or its values joined by LIST_SEP."""
    values = resolve(record, steps)
    return None if not values else values[0] if len(values) == 1 else LIST_SEP.join(values)


def _slow_clean(record: Any, steps: list[tuple[str, tuple[str, str] | None]]) -> str | None:
    """``_slow``, its value cleaned (``PathRow.cleaned``)."""
    from graphkit.load.values import _clean_cell

    value = _slow(record, steps)
    return None if value is None else _clean_cell(value)


def _dotted(steps: list[tuple[str, tuple[str, str] | None]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each key of a path without filters, with the dotted keys that could stand in for it
    when it is missing (the key joined with the keys after it), as ``_walk`` looks them up."""
    keys = [k for k, _ in steps]
    return tuple((k, tuple(".".join(keys[i:j]) for j in range(len(keys), i + 1, -1)))
                 for i, k in enumerate(keys))


# ---- JSON -------------------------------------------------------------------------------------
