"""Declarative loader mappings: a YAML file in ``loaders/`` turns rows of one source layout into
model records (nodes and relationships with provenance).

A mapping names the entities each row describes, where their identifiers, keys and properties
come from, and the relationships between them. The format is documented in the README
("Mapping format"); ``loaders/registry.yml`` is the worked example. A mapping never holds code:
the few layouts that need it (FollowTheMoney) name a reader with ``format:``.
"""

from __future__ import annotations

import csv
import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import yaml

from graphkit import identifiers as ident
from graphkit import normalize as nz
from graphkit.errors import InvalidData, MappingError, Problem
from graphkit.load.nested import LIST_SEP, PathRow, json_records, xml_records
from graphkit.load.numberids import NumberClaims
from graphkit.load.sourceids import SourceIndex
from graphkit.model import Node, Provenance, Rel, address_id, entity_id, get_model
from graphkit.namekind import name_kind
from graphkit.resources import loaders_dir

FORMATS = ("csv", "json", "xml", "ftm")

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
    model = get_model()
    fmt = raw.get("format", "csv")
    if fmt not in FORMATS:
        raise MappingError(f"{where}: format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    namespaces = dict(raw.get("namespaces") or {})
    if fmt == "xml" and not raw.get("record"):
        raise MappingError(f"{where}: an xml mapping names its record element (record: lei:LEIRecord)")
    entities: dict[str, EntitySpec] = {}
    for ename, espec in (raw.get("entities") or {}).items():
        w = f"{where}: entities.{ename}"
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
                                     props, bool(espec.get("required", False)), scope, label_transform,
                                     espec.get("source_id"))
    rels: list[RelSpec] = []
    for i, rspec in enumerate(raw.get("relationships") or []):
        w = f"{where}: relationships[{i}]"
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
        for t in types:
            if t not in model.relationships:
                raise MappingError(f"{w}.type: {t!r} is not a relationship type ({', '.join(model.relationships)})")
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
        rels.append(RelSpec(
            rtype, type_column, type_map, type_default,
            "" if refs["from"] else rspec["from"], "" if refs["to"] else rspec["to"],
            {p: ValueSpec.parse(s, f"{w}.properties.{p}") for p, s in (rspec.get("properties") or {}).items()},
            when.get("column"), set(when["in"]) if "in" in when else None,
            set(when["not_in"]) if "not_in" in when else None,
            tuple(_patterns(when.get("prefix"))), tuple(_patterns(when.get("not_prefix"))),
            refs["from"], refs["to"], type_contains, on_mismatch,
        ))
    header = raw.get("columns")
    if raw.get("header", True) is False:
        if not header or not all(isinstance(c, str) for c in header):
            raise MappingError(f"{where}: header: false needs `columns:`, the list of column names in order")
    elif header is not None:
        raise MappingError(f"{where}: `columns:` names the columns of a file without a header; add header: false")
    derive = raw.get("derive")
    if derive is not None and derive not in DERIVERS:
        raise MappingError(f"{where}: derive: unknown row parser {derive!r} (have {', '.join(DERIVERS)})")
    skip = []
    rules = raw.get("skip") or []
    for i, rule in enumerate([rules] if isinstance(rules, dict) else rules):  # one rule, or a list
        w = f"{where}: skip[{i}]"
        if not isinstance(rule, dict) or not rule.get("column") or not rule.get("reason"):
            raise MappingError(f"{w}: give column, reason and in, not_in or prefix")
        skip.append(SkipRule(rule["column"],
                             {str(v).lower() for v in rule["in"]} if "in" in rule else None,
                             {str(v).lower() for v in rule["not_in"]} if "not_in" in rule else None,
                             tuple(str(p).lower() for p in _patterns(rule.get("prefix"))), rule["reason"]))
    name = raw.get("name") or path.stem
    return Mapping(
        name=name, path=path, description=raw.get("description", ""), format=fmt,
        dataset=raw.get("dataset", name), record_id=raw.get("record_id"),
        encoding=raw.get("encoding", "utf-8-sig"), delimiter=raw.get("delimiter", ","),
        date_formats=tuple(raw.get("date_formats") or ()),
        optional_columns=set(raw.get("optional_columns") or ()),
        entities=entities, relationships=rels, header=list(header) if header else None, derive=derive,
        record=raw.get("record"), namespaces=namespaces,
        skip=skip, patterns=_patterns(raw.get("match")), require=_patterns(raw.get("require")),
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


def read_csv(path: Path, mapping: Mapping, *, loaded_at: str,
             index: SourceIndex | None = None) -> Iterator[RowResult]:
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
    known = mapping.columns()
    last = header[-1] if header else ""
    cut = [last] if last and last not in known and any(k.startswith(last) for k in known) else []
    if cut:  # ends in "RegAddr" for "RegAddress.PostTown": a header hard-wrapped or cut off
        raise InvalidData([Problem(path.name, 1, h, "not a column of mapping "
                                   f"{mapping.name} but the start of one: is the header cut off or wrapped "
                                   "onto several lines?") for h in cut])
    builder = RecordBuilder(mapping, path.name, loaded_at, index)
    try:
        yield from _rows(reader, header, line_box, builder, path.name)
    finally:
        builder.close()


def read_json(path: Path, mapping: Mapping, *, loaded_at: str,
              index: SourceIndex | None = None) -> Iterator[RowResult]:
    """Stream the records of a JSON-lines file or a JSON array through ``mapping``, whose
    columns are paths into each record (``data.name_elements.surname``).

    Raises InvalidData for a file that is not text, or an array that is cut off or broken; a
    JSON line that does not parse is a problem of that record only.
    """
    sniff_file(path)
    builder = RecordBuilder(mapping, path.name, loaded_at, index)
    flat = PathRow(builder.read_columns)
    try:
        for line, obj, problem in json_records(path, _text_lines(path, mapping.encoding)):
            if problem is not None:
                yield RowResult(line, {}, [], [], [problem])
            elif not isinstance(obj, dict):
                yield RowResult(line, {"record": obj}, [], [], [Problem(path.name, line, None,
                                                                        "a record must be a JSON object")])
            else:
                result = builder.build(flat.flatten(obj), line)
                result.raw = obj
                yield result
    finally:
        builder.close()


def read_xml(path: Path, mapping: Mapping, *, loaded_at: str,
             index: SourceIndex | None = None) -> Iterator[RowResult]:
    """Stream the ``mapping.record`` elements of an XML file through ``mapping``, whose
    columns are paths inside the record (``Entity.LegalName``).

    Raises InvalidData with line and column where the XML is not well formed.
    """
    sniff_file(path)
    assert mapping.record is not None
    builder = RecordBuilder(mapping, path.name, loaded_at, index)
    flat = PathRow(builder.read_columns)
    try:
        for line, record in xml_records(path, mapping.record, mapping.namespaces):
            result = builder.build(flat.flatten(record), line)
            result.raw = record
            yield result
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
        self._derive = _deriver(mapping.derive)[0] if mapping.derive else None
        self._typed_cache: dict[tuple[str, str], Any] = {}
        self._caches: list[Any] = [self._typed_cache]  # emptied by close()
        self._skip_reason = self._compile_skip(mapping.skip) if mapping.skip else None
        compiled = [(name, self._compile_entity(spec)) for name, spec in mapping.entities.items()]
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
        problems: list[Problem] = []
        clean = _clean_cell
        cleaned = {c: (None if (v := row.get(c)) is None else clean(v)) for c in self._columns}
        row["_line"] = cleaned["_line"] = str(line)  # placeholders became None
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

    def _props(self, specs: dict[str, ValueSpec], columns: dict[str, str]) -> list[tuple[str, Any, Any, str | None, bool]]:
        """(property, values function, typer, column for problems, from columns) for each
        property ``columns`` stores."""
        return [(pname, _compile_values(vspec), self._typer(columns[pname]),
                 vspec.columns[0] if vspec.columns else None, bool(vspec.columns))
                for pname, vspec in specs.items() if pname in columns]

    def _compile_entity(self, spec: EntitySpec) -> Callable[..., Node | None] | None:
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
        label_transform = TRANSFORMS[spec.label_transform] if spec.label_transform else None

        def label_of(row: dict[str, Any], line: int, problems: list[Problem]) -> str | None:
            label = spec.label
            if spec.label_column:
                raw = row[spec.label_column]
                if raw is None:
                    if spec.required:
                        problems.append(Problem(file, line, spec.label_column,
                                                f"required value missing for {spec.name}"))
                    return None
                raw = raw.split(LIST_SEP)[0]
                if label_transform:
                    raw = label_transform(raw)
                label = label_map.get(raw) or label_map.get(raw.lower())
                if label is None:
                    problems.append(Problem(file, line, spec.label_column,
                                            f"{raw!r} is not one of {', '.join(label_map)}"))
                    return None
            assert label is not None
            return label

        def ids_of(row: dict[str, Any]) -> dict[str, str]:
            ids: dict[str, str] = {}
            for scheme, values_of in identifiers:
                vals = values_of(row)
                if vals and scheme == "qualified":  # the value names its scheme: "gb-coh:00686734"
                    qualified_scheme, _, value = vals[0].rpartition(":")
                    if qualified_scheme and value:
                        ids[qualified_scheme] = value
                elif vals:
                    ids[scheme] = vals[0]
            return ids

        def build_entity(row: dict[str, Any], line: int, source: Provenance,
                         problems: list[Problem]) -> Node | None:
            label = label_of(row, line, problems)
            if label is None:
                return None
            basis = (name_kind(row[spec.label_column].split(LIST_SEP)[0])[1]
                     if spec.label_transform == "person_or_company" and spec.label_column else None)
            ids = ids_of(row)
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
            if basis is not None:
                props["label_basis"] = basis
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
                claims = self.mapping.number_claims
                if claims is not None and ident.is_registry_id(node_id):
                    # a number two records of the load claim is no identity (graphkit/load/numberids.py);
                    # the records are told apart by the source's key, within one entity of the
                    # mapping (a holder named by a firm's number refers to that firm's record)
                    node_id = claims.node_id(node_id, entity_id(label, scope, {}, key), spec.name)
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

        if not self.counting:
            return entity
        if not identifiers:
            return None  # no number to claim: not read in the counting pass
        claims = self.mapping.number_claims
        assert claims is not None
        fallback = ("name", "names", "full")  # the properties a record without key values is keyed by
        seen: set[Any] = set()
        self._caches.append(seen)

        def claim(row: dict[str, Any], line: int, source: Provenance, problems: list[Problem]) -> None:
            """What ``build_entity`` claims for the row, and nothing else: the label, the
            numbers (qualified by the record's country) and the source-scoped id."""
            signature = (getter(row),) if single else getter(row)
            if signature in seen:  # the same cells claim the same number for the same record
                return
            if len(seen) >= self._CACHE_LIMIT:
                seen.clear()
            seen.add(signature)
            label = label_of(row, line, problems)
            if label is None:
                return
            if label not in ("Company", "Person"):  # the rare labels: the whole build, exact
                build_entity(row, line, source, problems)
                return
            ids = ids_of(row)
            if not ids:  # a source-scoped id, unique to its key: never an ambiguous number
                return
            key_values = [row[c] for c in key_cols]
            props: dict[str, Any] = {}
            for pname, values_of, typed, _, _ in props_for(label):
                if pname == "country" or (pname in fallback and not any(key_values)):
                    values = values_of(row)
                    if values:
                        try:
                            props[pname] = typed(values)
                        except ValueError:
                            pass  # reported by the writing pass
            if not any(key_values):
                key_values = [(props.get("names") or [props.get("name") or props.get("full")])[0]]
            qualify_identifiers(label, props.get("country"), ids)
            key = [nz.latin(v) if v else v for v in key_values] if global_scope else key_values
            node_id = entity_id(label, scope, ids, key)
            if ident.is_registry_id(node_id):
                claims.claim(node_id, entity_id(label, scope, {}, key), spec.name)

        return claim

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

        index = self.index
        when_column = spec.when_column
        when_seen: dict[str | None, bool] = {}  # a ``when:`` decided once per distinct cell
        self._caches.append(when_seen)

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

        def relationship(row: dict[str, Any], line: int, source: Provenance, built: dict[str, Node],
                         problems: list[Problem], skips: list[str]) -> Rel | None:
            if when_column:
                raw = row[when_column]
                try:
                    holds = when_seen[raw]
                except KeyError:
                    holds = _when(spec, raw)
                    if len(when_seen) >= self._CACHE_LIMIT:
                        when_seen.clear()
                    when_seen[raw] = holds
                if not holds:
                    return None
            start = end_of(row, spec.start, spec.start_ref, built, line, problems, skips)
            end = end_of(row, spec.end, spec.end_ref, built, line, problems, skips)
            if start is None or end is None:
                return None
            rtype = spec.type
            if spec.type_column:
                value = (row[spec.type_column] or "").lower()
                rtype = spec.type_map.get(value)
                if rtype is None:
                    rtype = next((t for k, t in spec.type_contains.items() if k in value), spec.type_default)
                if rtype is None:
                    problems.append(Problem(file, line, spec.type_column,
                                            f"{value!r} is not one of {', '.join(spec.type_map)}"))
                    return None
            assert rtype is not None
            between, prop_specs = for_type(rtype)
            if (start[0], end[0]) not in between:
                message = f"a {rtype} cannot go from {start[0]} to {end[0]}"
                if spec.on_mismatch == "skip":
                    skips.append(message)
                else:
                    problems.append(Problem(file, line, None, message))
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
            return Rel(rtype, start[0], start[1], end[0], end[1], props, source)

        return relationship


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
    transform = TRANSFORMS[spec.transform]
    seen: dict[str, Any] = {}

    def transformed(row: dict[str, Any]) -> list[str]:
        v = row[col]
        if v is None:
            return []
        if LIST_SEP in v:
            return values(row)
        try:
            t = seen[v]
        except KeyError:
            t = transform(v)
            if len(seen) >= 10_000:
                seen.clear()
            seen[v] = t
        return [] if t is None else [t]
    return transformed


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
    transform = TRANSFORMS[spec.transform] if spec.transform else None
    seen: dict[str, Any] = {}

    def several(row: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for col in columns:
            v = row.get(col)
            if v is None:
                continue
            if LIST_SEP in v:
                return values(row)
            if transform is not None:
                try:
                    v = seen[v]
                except KeyError:
                    t = transform(v)
                    if len(seen) >= 10_000:
                        seen.clear()
                    seen[v] = t
                    v = t
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


def qualify_identifiers(label: str, country: str | None, identifiers: dict[str, str]) -> None:
    """Each number of a Company or Person under its scheme, in its normal form ("company-number"
    of a UK firm is a "gb-coh"; a number whose scheme is unknown is "reg:<country>"). The dict is
    updated in place, so the caller's node id comes from the qualified numbers."""
    idents = ident
    qualified: dict[str, str] = {}
    for kind, value in identifiers.items():
        q = idents.qualify(kind, value, country=country, label=label)
        if q:
            scheme, norm = idents.split(q)
            qualified.setdefault(scheme, norm)
    identifiers.clear()
    identifiers.update(qualified)


def complete_entity(label: str, props: dict[str, Any], identifiers: dict[str, str]) -> None:
    """Derive what the model derives, the same way for every source: identifier properties and
    ``registry_ids``, all names with their look-up keys, the legal form, HS-6 and chapter."""
    idents = ident
    columns = get_model().node_columns(label)
    if label in ("Company", "Person"):
        qualify_identifiers(label, props.get("country"), identifiers)
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
