"""Declarative loader mappings: a YAML file in ``loaders/`` turns rows of one source layout into
model records (nodes and relationships with provenance).

A mapping names the entities each row describes, where their identifiers, keys and properties
come from, and the relationships between them. The format is documented in the README
("Mapping format"); ``loaders/registry.yml`` is the worked example. A mapping never holds code:
the few layouts that need it (FollowTheMoney) name a reader with ``format:``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any

import yaml

from graphkit import normalize as nz
from graphkit.errors import InvalidData, MappingError, Problem
from graphkit.model import Node, Provenance, Rel, address_id, entity_id, get_model

# Named value transforms a mapping may apply to a column (``transform: country``).
TRANSFORMS: dict[str, Any] = {
    "country": nz.country,
    "strip_glued_ids": lambda v: nz.split_glued_ids(v)[1],
    "glued_inn": lambda v: nz.split_glued_ids(v)[0].get("ru-inn"),
    "glued_kpp": lambda v: nz.split_glued_ids(v)[0].get("ru-kpp"),
    "lower": str.lower,
    "upper": str.upper,
}


@dataclass
class ValueSpec:
    """Where one property value comes from: a column, a constant, or several columns."""

    columns: list[str] = field(default_factory=list)
    value: Any = None
    transform: str | None = None
    split: str | None = None
    parts: list[ValueSpec] = field(default_factory=list)  # a list mixing plain and detailed specs

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
            unknown = set(raw) - {"column", "columns", "value", "transform", "split"}
            if unknown:
                raise MappingError(f"{where}: unknown key(s) {sorted(unknown)}")
            cols = raw.get("columns") or ([raw["column"]] if "column" in raw else [])
            spec = cls(columns=list(cols), value=raw.get("value"), transform=raw.get("transform"),
                       split=raw.get("split"))
            if spec.transform and spec.transform not in TRANSFORMS:
                raise MappingError(f"{where}: unknown transform {spec.transform!r}; "
                                   f"choose from {', '.join(TRANSFORMS)}")
            if not spec.columns and spec.value is None:
                raise MappingError(f"{where}: give a column or a value")
            return spec
        raise MappingError(f"{where}: expected a column name, a list of columns or a mapping")

    def values(self, row: dict[str, str | None]) -> list[str]:
        """Every non-empty value this spec yields for ``row``, transformed, in order."""
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
            pieces = raw.split(self.split) if self.split else [raw]
            for piece in pieces:
                text = nz.clean(piece) if self.split else piece
                if text is None:
                    continue
                if self.transform:
                    text = TRANSFORMS[self.transform](text)
                    if text is None:
                        continue
                if text not in out:
                    out.append(text)
        return out


@dataclass
class EntitySpec:
    name: str
    label: str | None
    label_column: str | None
    label_map: dict[str, str]
    identifiers: dict[str, ValueSpec]
    key: list[str]
    properties: dict[str, ValueSpec]
    required: bool
    scope: str  # "dataset" or "global": whose key-derived ids are shared

    def columns(self) -> set[str]:
        cols = set(self.key)
        for spec in [*self.identifiers.values(), *self.properties.values()]:
            cols.update(spec.columns)
        if self.label_column:
            cols.add(self.label_column)
        return cols


@dataclass
class RelSpec:
    type: str | None
    type_column: str | None
    type_map: dict[str, str]
    type_default: str | None
    start: str
    end: str
    properties: dict[str, ValueSpec]
    when_column: str | None
    when_in: set[str] | None
    when_not_in: set[str] | None

    def columns(self) -> set[str]:
        cols = {c for s in self.properties.values() for c in s.columns}
        for c in (self.type_column, self.when_column):
            if c:
                cols.add(c)
        return cols


@dataclass
class Mapping:
    name: str
    path: Path
    description: str
    format: str
    dataset: str
    record_id: str | None
    encoding: str
    delimiter: str
    date_formats: tuple[str, ...]
    optional_columns: set[str]
    entities: dict[str, EntitySpec]
    relationships: list[RelSpec]
    header: list[str] | None = None  # for files without a header row: the columns, in order
    skip: SkipSpec | None = None  # rows read but not loaded on purpose (counted, written out)
    derive: str | None = None  # a named row parser adding ``_``-columns (see DERIVERS)

    def derived_columns(self) -> set[str]:
        return set(DERIVERS[self.derive][2]) if self.derive else set()

    def columns(self) -> set[str]:
        """Every file column the mapping reads (pseudo-columns such as ``_line`` excluded)."""
        cols: set[str] = set()
        for e in self.entities.values():
            cols |= e.columns()
        for r in self.relationships:
            cols |= r.columns()
        if self.record_id:
            cols.add(self.record_id)
        if self.skip:
            cols.add(self.skip.column)
        if self.derive:
            cols.update(DERIVERS[self.derive][1])
        return cols - PSEUDO_COLUMNS - self.derived_columns()

    def required_columns(self) -> list[str]:
        return sorted(self.columns() - self.optional_columns)


@dataclass
class SkipSpec:
    """``skip: {column: c, in: [...], reason: "..."}``: rows whose ``c`` is one of the values
    are read and counted as skipped with the reason (written to the rejects file), not loaded."""

    column: str
    values: set[str]
    reason: str


# Row parsers a mapping may name with ``derive:``: name -> ("module:function", the columns it
# reads, the columns it adds). The function takes the cleaned row and returns the added
# columns (text or None); list
# values are joined with "; " so a mapping reads them with ``split: ";"``. They live in the
# module of their source, so this file holds no source-specific code.
DERIVERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "ofac-sdn": ("graphkit.sanctions:sdn_row", ("sdn_type", "program", "remarks"), (
        "_kind", "_aliases", "_previous_names", "_birth_date", "_nationality", "_country",
        "_programs", "_ru_inn", "_ru_ogrn", "_kz_bin", "_lei", "_registry_ids")),
}


def _deriver(name: str) -> tuple[Callable[[dict[str, Any]], dict[str, str | None]], tuple[str, ...],
                                 tuple[str, ...]]:
    import importlib

    target, reads, adds = DERIVERS[name]
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func), reads, adds


# --------------------------------------------------------------------------------------------
# Finding and parsing mappings


def mappings_dir() -> Path:
    return Path(str(resources.files("graphkit").joinpath("loaders")))


def available_mappings() -> dict[str, Path]:
    """Built-in mappings by name (the file name without ``.yml``)."""
    return {p.stem: p for p in sorted(mappings_dir().glob("*.yml"))}


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A mapping by built-in name (``kz-export``) or by path to a YAML file.

    Raises MappingError naming the file and the key at fault.
    """
    builtin = available_mappings()
    path = builtin.get(str(name_or_path)) or Path(name_or_path)
    if not path.is_file():
        raise MappingError(f"no mapping {str(name_or_path)!r}: give a path to a .yml file or one of "
                           f"{', '.join(builtin)}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: a mapping is a YAML mapping with name, entities, relationships")
    return parse_mapping(raw, path)


def parse_mapping(raw: dict[str, Any], path: Path) -> Mapping:
    model = get_model()
    where = str(path)
    fmt = raw.get("format", "csv")
    if fmt not in ("csv", "ftm"):
        raise MappingError(f"{where}: format must be csv or ftm, not {fmt!r}")
    entities: dict[str, EntitySpec] = {}
    for ename, espec in (raw.get("entities") or {}).items():
        w = f"{where}: entities.{ename}"
        if not isinstance(espec, dict):
            raise MappingError(f"{w}: expected a mapping")
        label = espec.get("label")
        label_column, label_map = None, {}
        if isinstance(label, dict):
            label_column, label_map = label.get("column"), dict(label.get("map") or {})
            labels = set(label_map.values())
            label = None
        else:
            labels = {label}
        for lab in labels:
            if lab not in model.nodes:
                raise MappingError(f"{w}.label: {lab!r} is not a node label ({', '.join(model.nodes)})")
        props: dict[str, ValueSpec] = {}
        for pname, pspec in (espec.get("properties") or {}).items():
            if not any(pname in model.node(lab).properties for lab in labels):
                raise MappingError(f"{w}.properties.{pname}: not a property of {'/'.join(map(str, labels))}")
            props[pname] = ValueSpec.parse(pspec, f"{w}.properties.{pname}")
        identifiers = {scheme: ValueSpec.parse(s, f"{w}.identifiers.{scheme}")
                       for scheme, s in (espec.get("identifiers") or {}).items()}
        key = espec.get("key") or []
        if isinstance(key, str):
            key = [key]
        if not key and not identifiers:
            raise MappingError(f"{w}: give key columns or identifiers so the entity has a stable id")
        scope = espec.get("scope", "global" if labels == {"Address"} else "dataset")
        entities[ename] = EntitySpec(ename, label, label_column, label_map, identifiers, list(key),
                                     props, bool(espec.get("required", False)), scope)
    rels: list[RelSpec] = []
    for i, rspec in enumerate(raw.get("relationships") or []):
        w = f"{where}: relationships[{i}]"
        rtype = rspec.get("type")
        type_column = type_default = None
        type_map: dict[str, str] = {}
        if isinstance(rtype, dict):
            type_column, type_map, type_default = rtype.get("column"), dict(rtype.get("map") or {}), rtype.get("default")
            types = set(type_map.values()) | ({type_default} if type_default else set())
            rtype = None
        else:
            types = {rtype}
        for t in types:
            if t not in model.relationships:
                raise MappingError(f"{w}.type: {t!r} is not a relationship type ({', '.join(model.relationships)})")
        for end in ("from", "to"):
            if rspec.get(end) not in entities:
                raise MappingError(f"{w}.{end}: {rspec.get(end)!r} is not one of the entities {sorted(entities)}")
        when = rspec.get("when") or {}
        rels.append(RelSpec(
            rtype, type_column, type_map, type_default, rspec["from"], rspec["to"],
            {p: ValueSpec.parse(s, f"{w}.properties.{p}") for p, s in (rspec.get("properties") or {}).items()},
            when.get("column"), set(when["in"]) if "in" in when else None,
            set(when["not_in"]) if "not_in" in when else None,
        ))
    header = raw.get("columns")
    if raw.get("header", True) is False:
        if not header or not all(isinstance(c, str) for c in header):
            raise MappingError(f"{where}: header: false needs `columns:`, the list of column names in order")
    elif header is not None:
        raise MappingError(f"{where}: `columns:` names the columns of a file without a header; add header: false")
    skip = None
    if raw.get("skip") is not None:
        sk = raw["skip"]
        if not isinstance(sk, dict) or not sk.get("column") or not sk.get("in") or not sk.get("reason"):
            raise MappingError(f"{where}: skip needs column, in (a list of values) and reason")
        skip = SkipSpec(sk["column"], {str(v).lower() for v in sk["in"]}, str(sk["reason"]))
    derive = raw.get("derive")
    if derive is not None and derive not in DERIVERS:
        raise MappingError(f"{where}: derive: unknown row parser {derive!r} (have {', '.join(DERIVERS)})")
    name = raw.get("name") or path.stem
    return Mapping(
        name=name, path=path, description=raw.get("description", ""), format=fmt,
        dataset=raw.get("dataset", name), record_id=raw.get("record_id"),
        encoding=raw.get("encoding", "utf-8-sig"), delimiter=raw.get("delimiter", ","),
        date_formats=tuple(raw.get("date_formats") or ()),
        optional_columns=set(raw.get("optional_columns") or ()),
        entities=entities, relationships=rels, header=list(header) if header else None, skip=skip,
        derive=derive,
    )


# --------------------------------------------------------------------------------------------
# Reading rows


@dataclass
class RowResult:
    """What one input record became: nodes, relationships, and any problems found in it."""

    line: int
    raw: dict[str, Any]
    nodes: list[Node]
    rels: list[Rel]
    problems: list[Problem]
    skipped: str | None = None  # a reason, for records that are read but not part of the model


def sniff_file(path: Path) -> bytes:
    """Refuse files that cannot be text: missing, empty, or binary. Returns the first bytes."""
    name = path.name
    if not path.is_file():
        raise InvalidData.single(name, None, None, "no such file")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head.strip():
        raise InvalidData.single(name, None, None, "the file is empty")
    if b"\x00" in head:
        raise InvalidData.single(name, 1, None, "this is a binary file, not text (it holds NUL bytes)")
    return head


def _text_lines(path: Path, encoding: str) -> Iterator[str]:
    """Decode line by line so a wrong encoding is reported with its line number."""
    decoder_name = "utf-8-sig" if encoding.lower() in ("utf-8", "utf8", "utf-8-sig") else encoding
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                text = raw.decode("utf-8" if lineno > 1 and decoder_name == "utf-8-sig" else decoder_name)
            except UnicodeDecodeError as exc:
                raise InvalidData.single(
                    path.name, lineno, None,
                    f"not {encoding} text (byte 0x{raw[exc.start]:02x} at position {exc.start + 1}); "
                    "save the file as UTF-8 or set `encoding:` in the mapping") from None
            except LookupError:
                raise MappingError(f"unknown encoding {encoding!r} in the mapping") from None
            yield text.replace("\x1a", "")


def read_csv(path: Path, mapping: Mapping, *, loaded_at: str) -> Iterator[RowResult]:
    """Stream ``path`` through ``mapping``: one RowResult per data row, in file order.

    Raises InvalidData for problems with the whole file (empty, binary, wrong encoding, missing
    columns); problems with single values are returned in each RowResult instead.
    """
    sniff_file(path)
    lines = _text_lines(path, mapping.encoding)
    line_box = [0]

    def counted() -> Iterator[str]:
        for text in lines:
            line_box[0] += 1
            yield text

    reader = csv.reader(counted(), delimiter=mapping.delimiter)
    if mapping.header is not None:
        header = list(mapping.header)  # a headerless layout: the mapping names the columns
    else:
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidData.single(path.name, None, None, "the file is empty") from None
        except csv.Error as exc:
            raise InvalidData.single(path.name, 1, None, f"unreadable CSV header: {exc}") from None
        header = [h.strip() for h in header]
    missing = [c for c in mapping.required_columns() if c not in header]
    if missing:
        raise InvalidData([Problem(path.name, 1, c, f"column missing from the header (mapping {mapping.name} needs it)")
                           for c in missing])
    builder = RecordBuilder(mapping, path.name, loaded_at)
    try:
        yield from _rows(reader, header, line_box, builder, path.name)
    finally:
        builder.close()


def _rows(reader: Iterator[list[str]], header: list[str], line_box: list[int], builder: RecordBuilder,
          name: str) -> Iterator[RowResult]:
    while True:
        start = line_box[0] + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield RowResult(start, {}, [], [], [Problem(name, start, None, f"malformed CSV: {exc}")])
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            where = "the header has" if builder.mapping.header is None else "the mapping names"
            yield RowResult(start, dict(zip(header, cells, strict=False)), [], [], [Problem(
                name, start, None, f"{len(cells)} cells where {where} {len(header)} columns")])
            continue
        row = dict(zip(header, cells, strict=True))
        yield builder.build(row, start)


PSEUDO_COLUMNS = {"_line"}  # the line a record starts on, for layouts that have no record id


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

    def __init__(self, mapping: Mapping, file: str, loaded_at: str):
        self.mapping = mapping
        self.file = file
        self.loaded_at = loaded_at
        self.model = get_model()
        self._columns = sorted(mapping.columns() | mapping.derived_columns())
        self._derive = _deriver(mapping.derive)[0] if mapping.derive else None
        self._typed_cache: dict[tuple[str, str], Any] = {}
        self._caches: list[dict[Any, Any]] = [self._typed_cache]  # emptied by close()
        self._entities = [(name, self._compile_entity(spec)) for name, spec in mapping.entities.items()]
        self._rels = [self._compile_rel(spec) for spec in mapping.relationships]

    def close(self) -> None:
        """Free the caches now: the compiled functions refer to the builder, so without this
        they would live until the next garbage collection (paused during a load)."""
        for cache in self._caches:
            cache.clear()

    def build(self, row: dict[str, Any], line: int) -> RowResult:
        """The records of ``row`` (read from ``line``); ``row`` gains ``_line`` and is kept as the
        RowResult's raw record."""
        problems: list[Problem] = []
        clean = _clean_cell
        cleaned = {c: (None if (v := row.get(c)) is None else clean(v)) for c in self._columns}
        row["_line"] = cleaned["_line"] = str(line)  # placeholders became None
        skip = self.mapping.skip
        if skip and (cleaned.get(skip.column) or "").lower() in skip.values:
            return RowResult(line, row, [], [], [], skipped=skip.reason)
        if self._derive is not None:
            cleaned.update(self._derive(cleaned))
        record = cleaned.get(self.mapping.record_id) if self.mapping.record_id else None
        source = Provenance(self.mapping.dataset, self.file, record or f"line {line}")
        built: dict[str, Node] = {}
        for ename, entity in self._entities:
            node = entity(cleaned, line, source, problems)
            if node is not None:
                built[ename] = node
        rels = []
        for relationship in self._rels:
            rel = relationship(cleaned, line, source, built, problems)
            if rel is not None:
                rels.append(rel)
        return RowResult(line, row, list(built.values()), rels, problems)

    # ---- compiling the mapping -----------------------------------------------------------

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

    def _props(self, specs: dict[str, ValueSpec], columns: dict[str, str]) -> list[tuple[str, Any, Any, str | None, bool]]:
        """(property, values function, typer, column for problems, from columns) for each
        property ``columns`` stores."""
        return [(pname, _compile_values(vspec), self._typer(columns[pname]),
                 vspec.columns[0] if vspec.columns else None, bool(vspec.columns))
                for pname, vspec in specs.items() if pname in columns]

    def _compile_entity(self, spec: EntitySpec) -> Callable[..., Node | None]:
        model = self.model
        file = self.file
        loaded_at = self.loaded_at
        sig_cols = sorted(spec.columns())
        getter: Callable[[dict[str, Any]], Any] = itemgetter(*sig_cols) if sig_cols else (lambda row: ())
        single = len(sig_cols) == 1
        built_cache: dict[Any, tuple[str, str, dict[str, Any]]] = {}
        self._caches.append(built_cache)
        identifiers = [(scheme, _compile_values(vspec)) for scheme, vspec in spec.identifiers.items()]
        key_cols = list(spec.key)
        by_label: dict[str, list[tuple[str, Any, Any, str | None, bool]]] = {}

        def props_for(label: str) -> list[tuple[str, Any, Any, str | None, bool]]:
            found = by_label.get(label)
            if found is None:
                found = by_label[label] = self._props(spec.properties, model.node_columns(label))
            return found

        required_col = next(iter([*spec.key, *(c for v in spec.identifiers.values() for c in v.columns)]), None)
        key_col = spec.key[0] if spec.key else None
        hs = spec.properties.get("hs_code")
        hs_col = hs.columns[0] if hs and hs.columns else None
        global_scope = spec.scope == "global"
        scope = "global" if global_scope else self.mapping.dataset
        label_map = spec.label_map

        def build_entity(row: dict[str, Any], line: int, source: Provenance,
                         problems: list[Problem]) -> Node | None:
            label = spec.label
            if spec.label_column:
                raw = row[spec.label_column]
                if raw is None:
                    return None
                label = label_map.get(raw) or label_map.get(raw.lower())
                if label is None:
                    problems.append(Problem(file, line, spec.label_column,
                                            f"{raw!r} is not one of {', '.join(label_map)}"))
                    return None
            assert label is not None
            ids: dict[str, str] = {}
            for scheme, values_of in identifiers:
                vals = values_of(row)
                if vals:
                    ids[scheme] = vals[0]
            key_values = [row[c] for c in key_cols]
            props: dict[str, Any] = {}
            from_columns = False  # constants alone do not make an entity present in a row
            for pname, values_of, typed, col, has_columns in props_for(label):
                values = values_of(row)
                if not values:
                    continue
                from_columns = from_columns or has_columns
                try:
                    props[pname] = typed(values)
                except ValueError as exc:
                    problems.append(Problem(file, line, col, str(exc)))
            if not any(key_values):
                # The key columns are empty but another spelling of the name is there: use it.
                key_values = [(props.get("names") or [props.get("name") or props.get("full")])[0]]
            if not ids and not any(key_values) and not from_columns:
                if spec.required:
                    problems.append(Problem(file, line, required_col,
                                            f"required value missing for {spec.name}"))
                return None
            if not ids and not any(key_values):
                problems.append(Problem(file, line, key_col,
                                        f"{spec.name} has values but no key to identify it"))
                return None
            try:
                complete_entity(label, props, ids)
            except ValueError as exc:
                problems.append(Problem(file, line, hs_col, str(exc)))
                return None
            if label == "Address" and props.get("full"):
                node_id = address_id(props["full"])
            else:
                key = [nz.latin(v) if v else v for v in key_values] if global_scope else key_values
                node_id = entity_id(label, scope, ids, key)
            props["datasets"] = [source.dataset]
            props["records"] = [source.ref]
            props["first_loaded"] = props["last_loaded"] = loaded_at
            return Node(label, node_id, props, source)

        def entity(row: dict[str, Any], line: int, source: Provenance,
                   problems: list[Problem]) -> Node | None:
            signature = (getter(row),) if single else getter(row)
            cached = built_cache.get(signature)
            if cached is not None:
                label, node_id, base = cached
                props = {**base, "datasets": [source.dataset], "records": [source.ref],
                         "first_loaded": loaded_at, "last_loaded": loaded_at}
                return Node(label, node_id, props, source)
            before = len(problems)
            node = build_entity(row, line, source, problems)
            if node is not None and len(problems) == before:
                if len(built_cache) >= self._CACHE_LIMIT:
                    built_cache.clear()
                built_cache[signature] = (node.label, node.id, {k: v for k, v in node.props.items()
                                                                if k not in ("datasets", "records")})
            return node

        return entity

    def _compile_rel(self, spec: RelSpec) -> Callable[..., Rel | None]:
        model = self.model
        file = self.file
        loaded_at = self.loaded_at
        compiled: dict[str, tuple[frozenset[tuple[str, str]], list[Any]]] = {}

        def for_type(rtype: str) -> tuple[frozenset[tuple[str, str]], list[Any]]:
            found = compiled.get(rtype)
            if found is None:
                found = compiled[rtype] = (frozenset(model.rel(rtype).between),
                                           self._props(spec.properties, model.rel_columns(rtype)))
            return found

        def relationship(row: dict[str, Any], line: int, source: Provenance, built: dict[str, Node],
                         problems: list[Problem]) -> Rel | None:
            start, end = built.get(spec.start), built.get(spec.end)
            if start is None or end is None:
                return None
            if spec.when_column:
                value = (row[spec.when_column] or "").lower()
                if spec.when_in is not None and value not in spec.when_in:
                    return None
                if spec.when_not_in is not None and value in spec.when_not_in:
                    return None
            rtype = spec.type
            if spec.type_column:
                value = (row[spec.type_column] or "").lower()
                rtype = spec.type_map.get(value, spec.type_default)
                if rtype is None:
                    problems.append(Problem(file, line, spec.type_column,
                                            f"{value!r} is not one of {', '.join(spec.type_map)}"))
                    return None
            assert rtype is not None
            between, prop_specs = for_type(rtype)
            if (start.label, end.label) not in between:
                problems.append(Problem(file, line, None,
                                        f"a {rtype} cannot go from {start.label} to {end.label}"))
                return None
            props: dict[str, Any] = {}
            for pname, values_of, typed, col, _ in prop_specs:
                values = values_of(row)
                if not values:
                    continue
                try:
                    props[pname] = typed(values)
                except ValueError as exc:
                    problems.append(Problem(file, line, col, str(exc)))
            props["dataset"] = source.dataset
            props["source_file"] = source.file
            props["record"] = source.record
            props["loaded_at"] = loaded_at
            return Rel(rtype, start.label, start.id, end.label, end.id, props, source)

        return relationship


def _identity(values: list[str]) -> list[str]:
    return values


def _first(values: list[str]) -> str:
    return values[0]


def _clean_cell(value: str) -> str | None:
    """``normalize.clean`` for a cell that is already text (the hot path of every load)."""
    text = value.strip()
    if "\ufeff" in text or "\x1a" in text:
        text = text.replace("\ufeff", "").replace("\x1a", "").strip()
    return None if text in nz.NULLS else text


def _compile_values(spec: ValueSpec) -> Callable[[dict[str, Any]], list[str]]:
    """``spec.values`` as a function of a cleaned row (which holds every column the mapping
    names), specialised for the common shapes: one column, with or without a transform."""
    if spec.parts or spec.split or len(spec.columns) > 1:
        return spec.values
    if not spec.columns:
        if spec.value is None:
            return lambda row: []
        constant = str(spec.value)
        return lambda row: [constant]
    col = spec.columns[0]
    if not spec.transform:
        def plain(row: dict[str, Any]) -> list[str]:
            v = row[col]
            return [] if v is None else [v]
        return plain
    transform = TRANSFORMS[spec.transform]
    seen: dict[str, Any] = {}

    def transformed(row: dict[str, Any]) -> list[str]:
        v = row[col]
        if v is None:
            return []
        try:
            t = seen[v]
        except KeyError:
            t = transform(v)
            if len(seen) >= 10_000:
                seen.clear()
            seen[v] = t
        return [] if t is None else [t]
    return transformed


def complete_entity(label: str, props: dict[str, Any], identifiers: dict[str, str]) -> None:
    """Derive what the model derives, the same way for every source: identifier properties and
    ``registry_ids``, all names with their look-up keys, the legal form, HS-6 and chapter."""
    from graphkit import identifiers as idents

    columns = get_model().node_columns(label)
    if label in ("Company", "Person"):
        # each number under its scheme, in its normal form ("company-number" of a UK firm is a
        # "gb-coh"; a number whose scheme is unknown is "reg:<country>"); the dict is updated in
        # place, so the caller's node id comes from the qualified numbers
        qualified: dict[str, str] = {}
        for kind, value in identifiers.items():
            q = idents.qualify(kind, value, country=props.get("country"), label=label)
            if q:
                scheme, norm = idents.split(q)
                qualified.setdefault(scheme, norm)
        identifiers.clear()
        identifiers.update(qualified)
        for scheme, value in identifiers.items():
            spec = idents.schemes().get(scheme)
            prop = spec.property if spec else None
            if prop and prop in columns and not props.get(prop):
                props[prop] = value
        reg = list(props.get("registry_ids") or [])
        reg.extend(f"{s}:{v}" for s, v in identifiers.items() if f"{s}:{v}" not in reg)
        if reg:
            props["registry_ids"] = reg
        names = list(props.get("names") or [])
        if props.get("name") and props["name"] not in names:
            names.insert(0, props["name"])
        if names:
            props.setdefault("name", names[0])
            props["names"] = names
            keys: list[str] = []
            for n in names + list(props.get("previous_names") or []):
                k = nz.name_key(n, label)
                if k and k not in keys:
                    keys.append(k)
            props["name_keys"] = keys
        if label == "Company" and props.get("name") and not props.get("legal_form"):
            form = nz.split_legal_form(nz.split_glued_ids(props["name"])[1])[0]
            if form:
                props["legal_form"] = form
    elif label == "Shipment" and props.get("hs_code"):
        parsed = nz.hs_code(props["hs_code"])
        if parsed:
            props["hs_code"], props["hs6"], props["hs_chapter"] = parsed
    elif label == "Address" and props.get("full"):
        names = list(props.get("names") or [])
        if props["full"] not in names:
            names.insert(0, props["full"])
        props["names"] = names


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: a leading = + - @ (or tab/CR) gets a quote mark."""
    if value is None:
        return ""
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
