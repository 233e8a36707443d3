"""Declarative loader mappings: a YAML file in ``loaders/`` turns rows of one source layout into
model records (nodes and relationships with provenance).

A mapping names the entities each row describes, where their identifiers, keys and properties
come from, and the relationships between them. The format is documented in docs/mappings.md
("Mapping format"); ``loaders/registry.yml`` is the worked example. A mapping never holds code:
the few layouts that need it (FollowTheMoney) name a reader with ``format:``.

This module reads and checks the format (``load_mapping``); ``graphkit.load.values`` holds what
one value reads, ``graphkit.load.records`` and ``graphkit.load.entities`` compile a mapping into
the functions that build records, ``graphkit.load.read`` streams files through them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graphkit.errors import MappingError
from graphkit.load.nested import LIST_SEP
from graphkit.load.numberids import NumberClaims
from graphkit.load.values import TRANSFORMS, ValueSpec
from graphkit.model import get_model
from graphkit.resources import loaders_dir

FORMATS = ("csv", "json", "xml", "ftm")

PSEUDO_COLUMNS = {"_line"}  # the line a record starts on, for layouts that have no record id


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
    label_transform: str | None = None
    source_id: str | None = None  # column with the source's own id, for relationship files

    def columns(self) -> set[str]:
        cols = set(self.key)
        for spec in [*self.identifiers.values(), *self.properties.values()]:
            cols.update(spec.columns)
        for c in (self.label_column, self.source_id):
            if c:
                cols.add(c)
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
    when_prefix: tuple[str, ...] = ()
    when_not_prefix: tuple[str, ...] = ()
    start_ref: str | None = None  # column naming the start node by the source's own id
    end_ref: str | None = None
    type_contains: dict[str, str] = field(default_factory=dict)
    on_mismatch: str = "reject"  # or "skip": ends whose labels the type cannot join

    def columns(self) -> set[str]:
        cols = {c for s in self.properties.values() for c in s.columns}
        for c in (self.type_column, self.when_column, self.start_ref, self.end_ref):
            if c:
                cols.add(c)
        return cols


@dataclass
class SkipRule:
    """Records a mapping reads but does not load, each counted under its reason."""

    column: str
    values: set[str] | None
    not_values: set[str] | None
    prefixes: tuple[str, ...]
    reason: str

    def reason_for(self, row: dict[str, Any]) -> str | None:
        raw = row.get(self.column)
        value = "" if raw is None else raw.split(LIST_SEP)[0].lower()
        hit = ((self.values is not None and value in self.values)
               or (self.not_values is not None and value not in self.not_values)
               or any(value.startswith(p) for p in self.prefixes))
        return self.reason.replace("{value}", value) if hit else None


@dataclass
class FilePart:
    """One kind of file of a mapping made of several (``files:``): which names it takes and
    the mapping that reads it."""

    patterns: list[str]
    mapping: Mapping


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
    derive: str | None = None  # a named row parser adding ``_``-columns (see DERIVERS)
    record: str | None = None  # XML: the element that is one record ("lei:LEIRecord")
    namespaces: dict[str, str] = field(default_factory=dict)
    skip: list[SkipRule] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)  # file names this mapping reads (match:)
    require: list[str] = field(default_factory=list)  # columns a record must fill (else a bad record)
    parts: list[FilePart] = field(default_factory=list)  # the kinds of file of a several-file mapping
    # set by a load: which registry numbers are ambiguous within it (graphkit/load/numberids.py)
    number_claims: NumberClaims | None = field(default=None, repr=False, compare=False)


    def derived_columns(self) -> set[str]:
        return set(DERIVERS[self.derive][2]) if self.derive else set()

    def set_number_claims(self, claims: NumberClaims | None) -> None:
        """Use ``claims`` to decide which numbers may be node ids (this mapping and its parts)."""
        self.number_claims = claims
        for part in self.parts:
            part.mapping.set_number_claims(claims)

    def set_dataset(self, dataset: str) -> None:
        self.dataset = dataset
        for part in self.parts:
            part.mapping.set_dataset(dataset)

    @property
    def uses_source_ids(self) -> bool:
        """Whether some file of this mapping names nodes by the source's own ids."""
        return any(r.start_ref or r.end_ref for m in self._all() for r in m.relationships)

    def _all(self) -> list[Mapping]:
        return [p.mapping for p in self.parts] or [self]

    def expects(self) -> list[str]:
        """The files this mapping reads, one line each, for ``graphkit mappings``."""
        out = []
        for m in self._all():
            what = {"xml": f"XML <{m.record}> records", "json": "JSON lines or a JSON array",
                    "csv": "CSV", "ftm": "FollowTheMoney JSON lines"}[m.format]
            names = ", ".join(m.patterns) if m.patterns else "any file"
            out.append(f"{names} ({what})")
        return out

    def files_for(self, paths: list[Path]) -> list[tuple[Path, Mapping]]:
        """Each file to read with the mapping that reads it, in the mapping's order of files
        (node files before the relationship files that refer to them). A folder stands for the
        files in it that the mapping names; a file the mapping does not name is a MappingError."""
        found: list[tuple[int, int, Path, Mapping]] = []
        for n, path in enumerate(paths):
            path = Path(path)
            if path.is_dir():
                inside = sorted(p for p in path.iterdir() if p.is_file() and ".rejects." not in p.name)
                matched = [(p, m) for p in inside if (m := self._part_of(p, explicit=False)) is not None]
                if not matched:
                    raise MappingError(f"{path}: no file in this folder is one mapping {self.name} "
                                       f"reads ({'; '.join(self.expects())})")
                found.extend((self._rank(m), n, p, m) for p, m in matched)
                continue
            part = self._part_of(path, explicit=True)
            if part is None:
                raise MappingError(f"{path.name}: not a file mapping {self.name} reads; it reads "
                                   f"{'; '.join(self.expects())}")
            found.append((self._rank(part), n, path, part))
        found.sort(key=lambda t: (t[0], t[1], str(t[2])))
        return [(p, m) for _, _, p, m in found]

    def _rank(self, m: Mapping) -> int:
        return next((i for i, part in enumerate(self.parts) if part.mapping is m), 0)

    def _part_of(self, path: Path, *, explicit: bool) -> Mapping | None:
        if not self.parts:  # a file named on the command line is read whatever its name
            return self if explicit or _matches(path.name, self.patterns or DEFAULT_PATTERNS[self.format]) else None
        return next((p.mapping for p in self.parts if _matches(path.name, p.patterns)), None)

    def columns(self) -> set[str]:
        """Every file column the mapping reads (pseudo-columns such as ``_line`` excluded)."""
        cols: set[str] = set()
        for e in self.entities.values():
            cols |= e.columns()
        for r in self.relationships:
            cols |= r.columns()
        if self.record_id:
            cols.add(self.record_id)
        cols.update(rule.column for rule in self.skip)
        cols.update(self.require)
        if self.derive:
            cols.update(DERIVERS[self.derive][1])
        return cols - PSEUDO_COLUMNS - self.derived_columns()

    def required_columns(self) -> list[str]:
        return sorted(self.columns() - self.optional_columns)


DEFAULT_PATTERNS = {"csv": ["*.csv"], "json": ["*.json", "*.jsonl"], "xml": ["*.xml"],
                    "ftm": ["*.json", "*.jsonl"]}


def _matches(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(name.lower(), p.lower()) for p in patterns)


# Row parsers a mapping may name with ``derive:``: name -> ("module:function", the columns it
# reads, the columns it adds). The function takes the cleaned row and returns the added
# columns (text or None); list
# values are joined with "; " so a mapping reads them with ``split: ";"``. They live in the
# module of their source, so this file holds no source-specific code.
DERIVERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "ofac-sdn": ("graphkit.load.sanctions:sdn_row", ("sdn_type", "program", "remarks", "vess_flag"), (
        "_kind", "_aliases", "_previous_names", "_birth_date", "_nationality", "_country",
        "_programs", "_ru_inn", "_ru_ogrn", "_kz_bin", "_lei", "_registry_ids", "_linked_to",
        "_imo", "_mmsi", "_aircraft_model", "_serial_number", "_tail_number", "_operator")),
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
    return loaders_dir()


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


def _patterns(raw: Any) -> list[str]:
    return [raw] if isinstance(raw, str) else list(raw or [])


def parse_mapping(raw: dict[str, Any], path: Path) -> Mapping:
    """A Mapping from its parsed YAML. Raises MappingError naming the key at fault."""
    if raw.get("files"):
        return _parse_several(raw, path)
    return _parse_one(raw, path, str(path))


def _parse_several(raw: dict[str, Any], path: Path) -> Mapping:
    """A mapping of several kinds of file (``files:``): each entry holds ``match`` (file name
    patterns) and the keys of a one-file mapping; the top-level keys (name, dataset, date
    formats, encoding, namespaces) apply to every entry that does not set its own."""
    top = {k: v for k, v in raw.items() if k != "files"}
    if top.get("entities") or top.get("relationships"):
        raise MappingError(f"{path}: a mapping with files: puts entities and relationships under each file")
    parts = []
    for i, entry in enumerate(raw["files"]):
        where = f"{path}: files[{i}]"
        if not isinstance(entry, dict) or not entry.get("match"):
            raise MappingError(f"{where}: give match: (file name patterns) and the file's entities")
        sub = _parse_one({**top, **entry}, path, where)
        parts.append(FilePart(sub.patterns, sub))
    whole = _parse_one({**top, "entities": {}, "relationships": []}, path, str(path))
    whole.parts = parts
    return whole


def _parse_one(raw: dict[str, Any], path: Path, where: str) -> Mapping:
    fmt = raw.get("format", "csv")
    if fmt not in FORMATS:
        raise MappingError(f"{where}: format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    namespaces = dict(raw.get("namespaces") or {})
    if fmt == "xml" and not raw.get("record"):
        raise MappingError(f"{where}: an xml mapping names its record element (record: lei:LEIRecord)")
    entities: dict[str, EntitySpec] = {}
    for ename, espec in (raw.get("entities") or {}).items():
        entities[ename] = _parse_entity(ename, espec, f"{where}: entities.{ename}")
    rels = [_parse_rel(rspec, entities, f"{where}: relationships[{i}]")
            for i, rspec in enumerate(raw.get("relationships") or [])]
    header = _parse_header(raw, where)
    derive = raw.get("derive")
    if derive is not None and derive not in DERIVERS:
        raise MappingError(f"{where}: derive: unknown row parser {derive!r} (have {', '.join(DERIVERS)})")
    rules = raw.get("skip") or []
    skip = [_parse_skip(rule, f"{where}: skip[{i}]")
            for i, rule in enumerate([rules] if isinstance(rules, dict) else rules)]  # one rule, or a list
    name = raw.get("name") or path.stem
    return Mapping(
        name=name, path=path, description=raw.get("description", ""), format=fmt,
        dataset=raw.get("dataset", name), record_id=raw.get("record_id"),
        encoding=raw.get("encoding", "utf-8-sig"), delimiter=raw.get("delimiter", ","),
        date_formats=tuple(raw.get("date_formats") or ()),
        optional_columns=set(raw.get("optional_columns") or ()),
        entities=entities, relationships=rels, header=header, derive=derive,
        record=raw.get("record"), namespaces=namespaces,
        skip=skip, patterns=_patterns(raw.get("match")), require=_patterns(raw.get("require")),
    )


def _parse_entity(ename: str, espec: Any, w: str) -> EntitySpec:
    """One entry of ``entities:``; ``w`` names it in errors."""
    model = get_model()
    if not isinstance(espec, dict):
        raise MappingError(f"{w}: expected a mapping")
    label = espec.get("label")
    label_column, label_map, label_transform = None, {}, None
    if isinstance(label, dict):
        label_column, label_map = label.get("column"), dict(label.get("map") or {})
        label_transform = label.get("transform")
        if label_transform and label_transform not in TRANSFORMS:
            raise MappingError(f"{w}.label.transform: unknown transform {label_transform!r}")
        labels = set(label_map.values())
        label = None
    else:
        labels = {label}
    _known(labels, model.nodes, f"{w}.label", "node label")
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
    return EntitySpec(ename, label, label_column, label_map, identifiers, list(key),
                      props, bool(espec.get("required", False)), scope, label_transform,
                      espec.get("source_id"))


def _parse_rel(rspec: dict[str, Any], entities: dict[str, EntitySpec], w: str) -> RelSpec:
    """One entry of ``relationships:``, between the ``entities`` parsed before it."""
    model = get_model()
    rtype = rspec.get("type")
    type_column = type_default = None
    type_map: dict[str, str] = {}
    type_contains: dict[str, str] = {}
    if isinstance(rtype, dict):
        type_column, type_default = rtype.get("column"), rtype.get("default")
        type_map = {str(k).lower(): v for k, v in (rtype.get("map") or {}).items()}
        type_contains = {str(k).lower(): v for k, v in (rtype.get("contains") or {}).items()}
        types = set(type_map.values()) | set(type_contains.values()) | ({type_default} if type_default else set())
        rtype = None
    else:
        types = {rtype}
    _known(types, model.relationships, f"{w}.type", "relationship type")
    refs: dict[str, str | None] = {}
    for end in ("from", "to"):
        value = rspec.get(end)
        if isinstance(value, dict) and value.get("ref"):
            refs[end] = str(value["ref"])  # the source's own id of a node read earlier
        elif value not in entities:
            raise MappingError(f"{w}.{end}: {value!r} is not one of the entities {sorted(entities)} "
                               "(or {ref: column} for a node named by the source's own id)")
        else:
            refs[end] = None
    when = rspec.get("when") or {}
    on_mismatch = rspec.get("on_mismatch", "reject")
    if on_mismatch not in ("reject", "skip"):
        raise MappingError(f"{w}.on_mismatch: reject or skip, not {on_mismatch!r}")
    return RelSpec(
        rtype, type_column, type_map, type_default,
        "" if refs["from"] else rspec["from"], "" if refs["to"] else rspec["to"],
        {p: ValueSpec.parse(s, f"{w}.properties.{p}") for p, s in (rspec.get("properties") or {}).items()},
        when.get("column"), set(when["in"]) if "in" in when else None,
        set(when["not_in"]) if "not_in" in when else None,
        tuple(_patterns(when.get("prefix"))), tuple(_patterns(when.get("not_prefix"))),
        refs["from"], refs["to"], type_contains, on_mismatch,
    )


def _known(names: set[Any], known: dict[str, Any], where: str, what: str) -> None:
    """Raise MappingError for the first of ``names`` the model does not know."""
    for name in names:
        if name not in known:
            raise MappingError(f"{where}: {name!r} is not a {what} ({', '.join(known)})")


def _parse_header(raw: dict[str, Any], where: str) -> list[str] | None:
    """The columns of a file without a header row (``header: false`` with ``columns:``)."""
    header = raw.get("columns")
    if raw.get("header", True) is False:
        if not header or not all(isinstance(c, str) for c in header):
            raise MappingError(f"{where}: header: false needs `columns:`, the list of column names in order")
    elif header is not None:
        raise MappingError(f"{where}: `columns:` names the columns of a file without a header; add header: false")
    return list(header) if header else None


def _parse_skip(rule: Any, w: str) -> SkipRule:
    if not isinstance(rule, dict) or not rule.get("column") or not rule.get("reason"):
        raise MappingError(f"{w}: give column, reason and in, not_in or prefix")
    return SkipRule(rule["column"],
                    {str(v).lower() for v in rule["in"]} if "in" in rule else None,
                    {str(v).lower() for v in rule["not_in"]} if "not_in" in rule else None,
                    tuple(str(p).lower() for p in _patterns(rule.get("prefix"))), rule["reason"])
