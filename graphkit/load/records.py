"""The compiled record builder: one row of a source (a dict of column -> text) into model
records, following a mapping compiled once into plain functions.

``RecordBuilder`` compiles the skip rules, the entities (``graphkit.load.entities``) and the
relationships of a mapping; ``build`` runs them on each row and returns a ``RowResult``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from graphkit import normalize as nz
from graphkit.errors import Problem
from graphkit.load.entities import PropFn, compile_entity, one_of, typed_props
from graphkit.load.mapping import PSEUDO_COLUMNS, Mapping, RelSpec, SkipRule, _deriver
from graphkit.load.nested import LIST_SEP
from graphkit.load.sourceids import SourceIndex
from graphkit.load.values import ValueSpec, _clean_cell, _compile_values
from graphkit.model import Node, Provenance, Rel, get_model


@dataclass
class RowResult:
    """What one input record became: nodes, relationships, and any problems found in it."""

    line: int
    raw: dict[str, Any]
    nodes: list[Node]
    rels: list[Rel]
    problems: list[Problem]
    skipped: str | None = None  # a reason, for records that are read but not part of the model



def _counted_columns(mapping: Mapping) -> set[str]:
    """The columns the counting pass reads: those of the entities that may claim a number, the
    skip rules' (a skipped record claims nothing), the record id and what the deriver reads (a
    mapping with a deriver is read whole: what it derives may be anything)."""
    if mapping.derive:
        return mapping.columns()
    cols = {rule.column for rule in mapping.skip}
    for e in mapping.entities.values():
        if e.identifiers:
            cols |= e.columns()
    if mapping.record_id:
        cols.add(mapping.record_id)
    return cols - PSEUDO_COLUMNS


class RecordBuilder:
    """Turns one row (a dict of column -> text) into model records, following a mapping.

    The mapping is compiled once, here, into plain functions: per value spec, per entity and
    per relationship, with the model's columns and types looked up in advance. Per row the
    builder cleans only the columns the mapping reads, and an entity built from the same cells
    as an earlier row (extracts repeat a firm on every row naming one of its officers) is built
    once and reused with this row's provenance. Typed values (dates, numbers) are parsed once per
    distinct text.
    """

    _CACHE_LIMIT = 50_000
    lean_counting = True  # False: the counting pass builds every record in full (the reference)

    def __init__(self, mapping: Mapping, file: str, loaded_at: str, index: SourceIndex | None = None):
        self.mapping = mapping
        self.file = file
        self.loaded_at = loaded_at
        self.index = index
        self._source_ids = [(name, spec.source_id) for name, spec in mapping.entities.items() if spec.source_id]
        self.model = get_model()
        # the counting pass of a load (graphkit/load/numberids.py): per row only the numbers its
        # entities would take as node ids are claimed; nothing is built, and only the columns
        # of those entities (with the skip rules' and the deriver's) are read
        self.counting = (self.lean_counting and mapping.number_claims is not None
                         and mapping.number_claims.counting)
        self.read_columns = sorted(_counted_columns(mapping) if self.counting else mapping.columns())
        self._columns = sorted({*self.read_columns, *mapping.derived_columns()})
        self._derived_only = [c for c in self._columns if c not in set(self.read_columns)]
        self._derive = _deriver(mapping.derive)[0] if mapping.derive else None
        self._typed_cache: dict[tuple[str, str], Any] = {}
        self._caches: list[Any] = [self._typed_cache]  # emptied by close()
        self._skip_reason = self._compile_skip(mapping.skip) if mapping.skip else None
        compiled = [(name, compile_entity(self, spec)) for name, spec in mapping.entities.items()]
        self._entities = [(name, entity) for name, entity in compiled if entity is not None]
        self._rels = [] if self.counting else [self._compile_rel(spec) for spec in mapping.relationships]

    def close(self) -> None:
        """Free the caches now: the compiled functions refer to the builder, so without this
        they would live until the next garbage collection (paused during a load)."""
        for cache in self._caches:
            cache.clear()

    def build(self, row: dict[str, Any], line: int) -> RowResult:
        """The records of ``row`` (read from ``line``); ``row`` gains ``_line`` and is kept as the
        RowResult's raw record."""
        clean = _clean_cell
        cleaned = {c: (None if (v := row.get(c)) is None else clean(v)) for c in self._columns}
        row["_line"] = cleaned["_line"] = str(line)  # placeholders became None
        return self._build(cleaned, row, line)

    def build_cleaned(self, cleaned: dict[str, Any], line: int) -> RowResult:
        """``build`` of a row already cleaned, holding every column the builder reads
        (``PathRow.cleaned`` of a nested record); the RowResult's raw record is the row itself,
        for the caller to replace by the record it was read from."""
        for column in self._derived_only:
            cleaned[column] = None
        cleaned["_line"] = str(line)
        return self._build(cleaned, cleaned, line)

    def _build(self, cleaned: dict[str, Any], row: dict[str, Any], line: int) -> RowResult:
        problems: list[Problem] = []
        if self._skip_reason is not None:
            reason = self._skip_reason(cleaned)
            if reason:
                if self.index is not None:  # relationships naming this record are skipped too
                    for _ename, column in self._source_ids:
                        if cleaned.get(column):
                            self.index.add(str(cleaned[column]), "", reason)
                return RowResult(line, row, [], [], [], skipped=reason)
        for column in self.mapping.require:
            if cleaned.get(column) is None:
                problems.append(Problem(self.file, line, column, "required value missing"))
        if self._derive is not None:
            cleaned.update(self._derive(cleaned))
        record = cleaned.get(self.mapping.record_id) if self.mapping.record_id else None
        source = Provenance(self.mapping.dataset, self.file, record or f"line {line}")
        if self.counting:
            for _ename, claim in self._entities:
                claim(cleaned, line, source, problems)
            return RowResult(line, row, [], [], problems)
        built: dict[str, Node] = {}
        for ename, entity in self._entities:
            node = entity(cleaned, line, source, problems)
            if node is not None:
                built[ename] = node
        rels = []
        skips: list[str] = []
        for relationship in self._rels:
            rel = relationship(cleaned, line, source, built, problems, skips)
            if rel is not None:
                rels.append(rel)
        if self._source_ids and not problems and self.index is not None:
            for ename, column in self._source_ids:
                node = built.get(ename)
                source_id = cleaned.get(column)
                if node is not None and source_id:
                    self.index.add(source_id, node.label, node.id)
        if skips and not rels and not built and not problems:
            return RowResult(line, row, [], [], [], skipped=skips[0])
        return RowResult(line, row, list(built.values()), rels, problems)

    # ---- compiling the mapping -----------------------------------------------------------

    def _compile_skip(self, rules: list[SkipRule]) -> Callable[[dict[str, Any]], str | None]:
        """The reason of the first skip rule that holds for a cleaned row, else None; decided
        once per distinct set of the rules' cells (a record kind repeats on every line)."""
        columns = tuple(dict.fromkeys(rule.column for rule in rules))
        getter = itemgetter(*columns)
        single = len(columns) == 1
        seen: dict[Any, str | None] = {}
        self._caches.append(seen)

        def reason(row: dict[str, Any]) -> str | None:
            key = getter(row)
            try:
                return seen[key]
            except KeyError:
                pass
            cells = dict(zip(columns, (key,) if single else key, strict=True))
            found = next((r for rule in rules if (r := rule.reason_for(cells))), None)
            if len(seen) >= self._CACHE_LIMIT:
                seen.clear()
            seen[key] = found
            return found
        return reason

    def _typer(self, typ: str) -> Callable[[list[str]], Any]:
        """A function from a property's values to its typed value; raises ValueError."""
        if typ == "list":
            return _identity
        if typ == "string":
            return _first
        formats = self.mapping.date_formats
        cache = self._typed_cache

        def parse(value: str) -> Any:
            if typ == "date":
                return nz.parse_date(value, formats)
            if typ in ("float", "int"):
                number = nz.parse_float(value)
                return int(number) if typ == "int" and number is not None else number
            if typ == "bool":
                return nz.parse_bool(value)
            return value

        def typed(values: list[str]) -> Any:
            key = (typ, values[0])
            try:
                return cache[key]
            except KeyError:
                pass
            result = parse(values[0])  # a ValueError is not cached: each bad row reports it
            if len(cache) >= self._CACHE_LIMIT:
                cache.clear()
            cache[key] = result
            return result

        return typed

    def _props(self, specs: dict[str, ValueSpec], columns: dict[str, str]) -> list[PropFn]:
        """(property, values function, typer, column for problems, from columns) for each
        property ``columns`` stores."""
        return [(pname, _compile_values(vspec), self._typer(columns[pname]),
                 vspec.columns[0] if vspec.columns else None, bool(vspec.columns))
                for pname, vspec in specs.items() if pname in columns]

    def _compile_rel(self, spec: RelSpec) -> Callable[..., Rel | None]:
        """The function building ``spec``'s relationship from a row and the nodes built from it
        (None where the row holds none: ``skips`` says why where it is not a problem)."""
        model = self.model
        file = self.file
        loaded_at = self.loaded_at
        compiled: dict[str, tuple[frozenset[tuple[str, str]], list[PropFn]]] = {}

        def for_type(rtype: str) -> tuple[frozenset[tuple[str, str]], list[PropFn]]:
            found = compiled.get(rtype)
            if found is None:
                found = compiled[rtype] = (frozenset(model.rel(rtype).between),
                                           self._props(spec.properties, model.rel_columns(rtype)))
            return found

        holds = self._compile_when(spec)
        end_of = _end_of(file, self.index)
        type_of = _type_of(spec, file)

        def relationship(row: dict[str, Any], line: int, source: Provenance, built: dict[str, Node],
                         problems: list[Problem], skips: list[str]) -> Rel | None:
            if holds is not None and not holds(row):
                return None
            start = end_of(row, spec.start, spec.start_ref, built, line, problems, skips)
            end = end_of(row, spec.end, spec.end_ref, built, line, problems, skips)
            if start is None or end is None:
                return None
            rtype = type_of(row, line, problems)
            if rtype is None:
                return None
            between, prop_fns = for_type(rtype)
            if (start[0], end[0]) not in between:
                message = f"a {rtype} cannot go from {start[0]} to {end[0]}"
                if spec.on_mismatch == "skip":
                    skips.append(message)
                else:
                    problems.append(Problem(file, line, None, message))
                return None
            props: dict[str, Any] = {}
            typed_props(prop_fns, row, file, line, problems, props)
            props["dataset"] = source.dataset
            props["source_file"] = source.file
            props["record"] = source.record
            props["loaded_at"] = loaded_at
            return Rel(rtype, start[0], start[1], end[0], end[1], props, source)

        return relationship

    def _compile_when(self, spec: RelSpec) -> Callable[[dict[str, Any]], bool] | None:
        """Whether a row passes the relationship's ``when:``, decided once per distinct cell;
        None for a relationship without one."""
        when_column = spec.when_column
        if not when_column:
            return None
        when_seen: dict[str | None, bool] = {}
        self._caches.append(when_seen)
        limit = self._CACHE_LIMIT

        def holds(row: dict[str, Any]) -> bool:
            raw = row[when_column]
            try:
                return when_seen[raw]
            except KeyError:
                result = _when(spec, raw)
                if len(when_seen) >= limit:
                    when_seen.clear()
                when_seen[raw] = result
                return result
        return holds


def _end_of(file: str, index: SourceIndex | None) -> Callable[..., tuple[str, str] | None]:
    """The (label, id) of one end of a relationship: a node built from the row, or one named
    by the source's own id and read earlier (``index``)."""
    def end_of(row: dict[str, Any], name: str, ref: str | None, built: dict[str, Node], line: int,
               problems: list[Problem], skips: list[str]) -> tuple[str, str] | None:
        if ref is None:
            node = built.get(name)
            return None if node is None else (node.label, node.id)
        value = row[ref]
        if value is None:
            problems.append(Problem(file, line, ref, "no node id given"))
            return None
        found = index.get(value) if index is not None else None
        if found is None:
            problems.append(Problem(file, line, ref, f"dangling reference: no node with id {value!r} "
                                    "was read from the node files loaded before this file"))
        elif not found[0]:  # the node's record was skipped, with this reason
            skips.append(f"names a record that was skipped ({found[1]})")
            return None
        return found
    return end_of


def _type_of(spec: RelSpec, file: str) -> Callable[[dict[str, Any], int, list[Problem]], str | None]:
    """The relationship type of a row: the mapping's, or the one its type column maps to."""
    def type_of(row: dict[str, Any], line: int, problems: list[Problem]) -> str | None:
        rtype = spec.type
        if spec.type_column:
            value = (row[spec.type_column] or "").lower()
            rtype = spec.type_map.get(value)
            if rtype is None:
                rtype = next((t for k, t in spec.type_contains.items() if k in value), spec.type_default)
            rtype = one_of(rtype, value, spec.type_map, problems, file, line, spec.type_column)
        return rtype
    return type_of


def _when(spec: RelSpec, raw: str | None) -> bool:
    """Whether a relationship's ``when:`` holds for the cell (any of its values, for a list)."""
    values = [""] if raw is None else [v.strip().lower() for v in raw.split(LIST_SEP)]
    if spec.when_in is not None and not any(v in spec.when_in for v in values):
        return False
    if spec.when_not_in is not None and any(v in spec.when_not_in for v in values):
        return False
    if spec.when_prefix and not any(v.startswith(p) for v in values for p in spec.when_prefix):
        return False
    return not (spec.when_not_prefix and any(v.startswith(p) for v in values for p in spec.when_not_prefix))


def _identity(values: list[str]) -> list[str]:
    return values


def _first(values: list[str]) -> str:
    return values[0]

