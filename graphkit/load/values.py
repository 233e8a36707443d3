"""Cells and values: what one property of a mapping reads from a row.

A ``ValueSpec`` says where a value comes from (a column, a constant, several columns, a
function of several columns) and how it is cut, mapped and transformed; ``_compile_values``
turns one into a plain function of a cleaned row, specialised for the common shapes. The
named transforms and combiners a mapping may use are listed here (``TRANSFORMS``,
``COMBINERS``); so are the cell cleaning of every load and the formula guard of every CSV
cell written out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphkit import identifiers as ident
from graphkit import normalize as nz
from graphkit.errors import MappingError
from graphkit.load.nested import LIST_SEP
from graphkit.namekind import name_kind

_SHARES = re.compile(r"ownership-of-shares-(?:(\d+(?:\.\d+)?)-to-(\d+(?:\.\d+)?)|more-than-(\d+(?:\.\d+)?))-percent")


def _share_bound(which: int) -> Callable[[str], str | None]:
    def bound(value: str) -> str | None:
        m = _SHARES.search(value)
        if not m:
            return None
        if m.group(3):  # "more-than-25-percent": a lower bound only
            return m.group(3) if which == 1 else None
        return m.group(which)
    return bound


def person_or_company(name: str) -> str:
    """``company`` when a name carries a legal form or a word only firms use (LIMITED, TRUST,
    BANK, LAW FIRM, ...), else ``person``: for sources that hold both in one list. The rules
    are ``graphkit.namekind``'s; a mapping's label decided this way records the rule on the node
    (``label_basis``)."""
    return name_kind(name)[0]


def _year_month(year: str | None, month: str | None) -> str | None:
    if not year or not year.isdigit():
        return None
    return f"{int(year):04d}-{int(month):02d}" if month and month.isdigit() else f"{int(year):04d}"

# Named value transforms a mapping may apply to a column (``transform: country``).
TRANSFORMS: dict[str, Any] = {
    "country": nz.country,
    "strip_glued_ids": lambda v: nz.split_glued_ids(v)[1],
    "glued_inn": lambda v: nz.split_glued_ids(v)[0].get("ru-inn"),
    "glued_kpp": lambda v: nz.split_glued_ids(v)[0].get("ru-kpp"),
    "lower": str.lower,
    "upper": str.upper,
    "strip_of": lambda v: re.sub(r"\s+of$", "", v.strip(), flags=re.IGNORECASE).lower() or None,
    "share_min": _share_bound(1),
    "share_max": _share_bound(2),
    "person_or_company": person_or_company,
    "gb_company_number": ident.gb_company_number,
}

# Named functions of several columns (``combine: registration_id`` with ``columns: [...]``): each
# takes the columns' first values in order (None where empty) and returns one value or None.
COMBINERS: dict[str, Callable[..., str | None]] = {
    "registration_id": ident.registration_id,
    "gleif_registration": ident.gleif_registration,
    "year_month": _year_month,
}


@dataclass
class ValueSpec:
    """Where one property value comes from: a column, a constant, or several columns."""

    columns: list[str] = field(default_factory=list)
    value: Any = None
    transform: str | None = None
    split: str | None = None
    parts: list[ValueSpec] = field(default_factory=list)  # a list mixing plain and detailed specs
    join: str | None = None        # several values become one, joined by this
    combine: str | None = None     # a function of several columns (COMBINERS)
    map: dict[str, str] | None = None  # value -> value (unmapped values are kept)
    template: str | None = None    # "ICIJ marks them {}": each value formatted into this

    @classmethod
    def parse(cls, raw: Any, where: str) -> ValueSpec:
        if isinstance(raw, str):
            return cls(columns=[raw])
        if isinstance(raw, list):
            if all(isinstance(c, str) for c in raw):
                return cls(columns=list(raw))
            parts = [cls.parse(c, f"{where}[{i}]") for i, c in enumerate(raw)]
            return cls(columns=[c for p in parts for c in p.columns], parts=parts)
        if isinstance(raw, dict):
            unknown = set(raw) - {"column", "columns", "value", "transform", "split", "join", "combine",
                                  "map", "format"}
            if unknown:
                raise MappingError(f"{where}: unknown key(s) {sorted(unknown)}")
            cols = raw.get("columns") or ([raw["column"]] if "column" in raw else [])
            spec = cls(columns=list(cols), value=raw.get("value"), transform=raw.get("transform"),
                       split=raw.get("split"), join=raw.get("join"), combine=raw.get("combine"),
                       map={str(k).lower(): str(v) for k, v in raw["map"].items()} if raw.get("map") else None,
                       template=raw.get("format"))
            if spec.transform and spec.transform not in TRANSFORMS:
                raise MappingError(f"{where}: unknown transform {spec.transform!r}; "
                                   f"choose from {', '.join(TRANSFORMS)}")
            if spec.combine and spec.combine not in COMBINERS:
                raise MappingError(f"{where}: unknown combine {spec.combine!r}; "
                                   f"choose from {', '.join(COMBINERS)}")
            if spec.template is not None and "{}" not in spec.template:
                raise MappingError(f"{where}.format: put {{}} where the value goes")
            if not spec.columns and spec.value is None:
                raise MappingError(f"{where}: give a column or a value")
            return spec
        raise MappingError(f"{where}: expected a column name, a list of columns or a mapping")

    def values(self, row: dict[str, str | None]) -> list[str]:
        """Every non-empty value this spec yields for ``row``, transformed, in order."""
        out = self._values(row)
        if self.join is not None and out:
            out = [self.join.join(out)]
        if self.map:
            mapping = self.map
            out = [mapping.get(v.lower(), v) for v in out]
        if self.template is not None:
            out = [self.template.format(v) for v in out]
        return out

    def _values(self, row: dict[str, str | None]) -> list[str]:
        if self.combine:
            args = [None if (v := row.get(c)) is None else v.split(LIST_SEP)[0] for c in self.columns]
            combined = COMBINERS[self.combine](*args)
            return [] if combined is None else [combined]
        if self.parts:
            out: list[str] = []
            for part in self.parts:
                out.extend(v for v in part.values(row) if v not in out)
            return out
        if not self.columns:
            return [] if self.value is None else [str(self.value)]
        out = []
        for col in self.columns:
            raw = row.get(col)  # rows arrive cleaned (RecordBuilder.build): None or stripped text
            if raw is None:
                continue
            many = LIST_SEP in raw
            pieces = raw.split(LIST_SEP) if many else [raw]
            if self.split:
                pieces = [q for p in pieces for q in p.split(self.split)]
            for piece in pieces:
                text = nz.clean(piece) if (self.split or many) else piece
                if text is None:
                    continue
                if self.transform:
                    text = TRANSFORMS[self.transform](text)
                    if text is None:
                        continue
                if text not in out:
                    out.append(text)
        return out


def _clean_cell(value: str) -> str | None:
    """``normalize.clean`` for a cell that is already text (the hot path of every load)."""
    text = value.strip()
    if "\ufeff" in text or "\x1a" in text:
        text = text.replace("\ufeff", "").replace("\x1a", "").strip()
    return None if text in nz.NULLS else text


def _compile_values(spec: ValueSpec) -> Callable[[dict[str, Any]], list[str]]:
    """``spec.values`` as a function of a cleaned row (which holds every column the mapping
    names), specialised for the common shapes: one column, with or without a transform, and a
    combination of columns (computed once per distinct set of values)."""
    if spec.combine and not (spec.map or spec.template is not None or spec.join is not None):
        return _combined(spec)
    if spec.parts and not (spec.split or spec.combine or spec.map or spec.join is not None
                           or spec.template is not None):
        return _parts(spec)
    if (len(spec.columns) > 1 and not (spec.parts or spec.split or spec.combine or spec.map)
            and spec.template is None):
        return _several(spec)
    if (spec.parts or spec.split or len(spec.columns) > 1 or spec.join is not None or spec.combine
            or spec.map or spec.template is not None):
        return spec.values
    if not spec.columns:
        if spec.value is None:
            return lambda row: []
        constant = str(spec.value)
        return lambda row: [constant]
    col = spec.columns[0]
    spec_values = spec.values
    lists: dict[str, list[str]] = {}

    def values(row: dict[str, Any]) -> list[str]:
        """The values of a cell holding a list (PSC natures of control), worked out once per
        distinct cell: they depend on that cell alone. A fresh list each time (it may be kept
        in a record's properties)."""
        v = row[col]
        try:
            return list(lists[v])
        except KeyError:
            out = spec_values(row)
            if len(lists) >= 10_000:
                lists.clear()
            lists[v] = out
            return list(out)

    if not spec.transform:
        def plain(row: dict[str, Any]) -> list[str]:
            v = row[col]
            if v is None:
                return []
            return values(row) if LIST_SEP in v else [v]
        return plain
    transform = _memo(TRANSFORMS[spec.transform])

    def transformed(row: dict[str, Any]) -> list[str]:
        v = row[col]
        if v is None:
            return []
        if LIST_SEP in v:
            return values(row)
        t = transform(v)
        return [] if t is None else [t]
    return transformed


def _memo(transform: Callable[[str], Any]) -> Callable[[str], Any]:
    """``transform`` worked out once per distinct value (the same country or share band
    repeats on most rows); the memory is emptied when it holds 100,000 values (a firm's number
    repeats on each of its PSC lines, which lie far apart in a snapshot: a smaller memory was
    emptied before they met again). At most ~20 MB a memo."""
    seen: dict[str, Any] = {}

    def once(v: str) -> Any:
        try:
            return seen[v]
        except KeyError:
            t = transform(v)
            if len(seen) >= 100_000:
                seen.clear()
            seen[v] = t
            return t
    return once


def _parts(spec: ValueSpec) -> Callable[[dict[str, Any]], list[str]]:
    """``spec.values`` of a list of specs: each part compiled, values kept once in order."""
    parts = [_compile_values(p) for p in spec.parts]

    def joined(row: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for part in parts:
            out.extend(v for v in part(row) if v not in out)
        return out
    return joined


def _several(spec: ValueSpec) -> Callable[[dict[str, Any]], list[str]]:
    """``spec.values`` of several columns, each transformed (once per distinct value) and kept
    once, optionally joined; a cell holding a list goes the general way."""
    columns = tuple(spec.columns)
    values, join = spec.values, spec.join
    transform = _memo(TRANSFORMS[spec.transform]) if spec.transform else None

    def several(row: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for col in columns:
            v = row.get(col)
            if v is None:
                continue
            if LIST_SEP in v:
                return values(row)
            if transform is not None:
                v = transform(v)
                if v is None:
                    continue
            if v not in out:
                out.append(v)
        if join is not None and out:
            return [join.join(out)]
        return out
    return several


def _combined(spec: ValueSpec) -> Callable[[dict[str, Any]], list[str]]:
    """``spec.values`` of a ``combine:`` spec, each distinct tuple of arguments combined once
    (a registration's country and authority repeat on most records)."""
    combine = COMBINERS[spec.combine or ""]
    columns = tuple(spec.columns)
    seen: dict[tuple[str | None, ...], str | None] = {}

    def combined(row: dict[str, Any]) -> list[str]:
        args = tuple(None if (v := row.get(c)) is None else v.split(LIST_SEP)[0] for c in columns)
        try:
            value = seen[args]
        except KeyError:
            value = combine(*args)
            if len(seen) >= 50_000:
                seen.clear()
            seen[args] = value
        return [] if value is None else [value]
    return combined



def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: a leading = + - @ (or tab/CR) gets a quote mark."""
    if value is None:
        return ""
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
