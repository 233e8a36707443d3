"""The graph model: node and relationship types, ids and provenance.

The model is data (``model.yml`` beside this file), read once here and used by every store,
loader, query and report. Labels and relationship types that are not in the model never reach
a store: this module is the allow-list that makes it safe to put a label into query text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from graphkit.errors import GraphkitError, ModelError, StoreError

TYPES = ("string", "date", "float", "int", "bool", "list")


@dataclass(frozen=True)
class NodeType:
    label: str
    description: str
    caption: str
    properties: dict[str, str]  # own properties, without provenance and id
    facts: tuple[str, ...] = ()  # what a report shows about such a node
    display: dict[str, str] = field(default_factory=dict)  # word, shape, glyph, fill


@dataclass(frozen=True)
class RelType:
    type: str
    description: str
    between: tuple[tuple[str, str], ...]
    properties: dict[str, str]
    display: dict[str, str] = field(default_factory=dict)  # word, legend, colour


@dataclass(frozen=True)
class IdScheme:
    """A registry identifier scheme (``model.yml``, ``identifiers``); see ``graphkit.identifiers``."""

    name: str
    labels: tuple[str, ...]
    property: str | None
    country: str | None
    pattern: str | None
    description: str
    # what the number is (the first: registration, tax, national_id, lei, passport), and what
    # else a source may call it
    kinds: tuple[str, ...] = ("registration",)
    short: str = ""  # the name a report prints: INN, BIN, LEI, company number


@dataclass(frozen=True)
class GenericScheme:
    """Numbers of a kind but of no scheme of the model: ``<prefix>:<country>:<value>``."""

    kind: str
    prefix: str
    short: str


@dataclass(frozen=True)
class Model:
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]
    node_provenance: dict[str, str]
    rel_provenance: dict[str, str]
    identifiers: dict[str, IdScheme] = field(default_factory=dict)
    report_columns: tuple[str, ...] = ()  # what a report reads about every node
    generic_identifiers: dict[str, GenericScheme] = field(default_factory=dict)  # by kind
    joining: tuple[str, ...] = ()  # the SAME_AS judgements that join two records (the only rule)
    _columns: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise GraphkitError(
                f"unknown node label {label!r}; the model has {', '.join(self.nodes)}"
            ) from None

    def rel(self, type_: str) -> RelType:
        try:
            return self.relationships[type_]
        except KeyError:
            raise GraphkitError(
                f"unknown relationship type {type_!r}; the model has {', '.join(self.relationships)}"
            ) from None

    def rel_between(self, type_: str, start_label: str, end_label: str) -> RelType:
        """The relationship type, checked to go from ``start_label`` to ``end_label``; raises
        StoreError if the model does not allow it (a mapping or code bug, never data)."""
        rel = self.rel(type_)
        if (start_label, end_label) not in rel.between:
            raise StoreError(f"a {type_} cannot go from {start_label} to {end_label}")
        return rel

    def shown_columns(self) -> list[str]:
        """What a report reads about a node of any label: id, label, every caption, the
        ``report_columns`` and every label's facts, each once (``cypher/nodes_by_id.cypher``)."""
        cols = [n.caption for n in self.nodes.values()] + list(self.report_columns)
        cols += [f for n in self.nodes.values() for f in n.facts]
        return list(dict.fromkeys(c for c in cols if c not in ("id", "label")))

    def node_columns(self, label: str) -> dict[str, str]:
        """Every stored property of ``label`` with its type: id, own properties, provenance.
        (Computed once per label; do not modify the returned dict.)"""
        cols = self._columns.get(("node", label))
        if cols is None:
            cols = self._columns[("node", label)] = {"id": "string", **self.node(label).properties,
                                                     **self.node_provenance}
        return cols

    def rel_columns(self, type_: str) -> dict[str, str]:
        """Every stored property of relationship ``type_``: id, own properties, provenance.
        (Computed once per type; do not modify the returned dict.)"""
        cols = self._columns.get(("rel", type_))
        if cols is None:
            cols = self._columns[("rel", type_)] = {"id": "string", **self.rel(type_).properties,
                                                    **self.rel_provenance}
        return cols


@cache
def get_model() -> Model:
    """The model, parsed once from ``graphkit/model.yml``."""
    return parse_model(resources.files("graphkit").joinpath("model.yml").read_text(encoding="utf-8"))


def parse_model(text: str) -> Model:
    """The model written in ``text`` (``model.yml``'s format). Raises ModelError where it
    contradicts itself."""
    raw = yaml.safe_load(text)
    nodes = {
        label: NodeType(label, spec.get("description", ""), spec.get("caption", "name"),
                        dict(spec.get("properties", {})), tuple(spec.get("facts") or ()),
                        dict(spec.get("display") or {}))
        for label, spec in raw["nodes"].items()
    }
    rels = {
        name: RelType(name, spec.get("description", ""),
                      tuple((a, b) for a, b in spec["between"]), dict(spec.get("properties", {})),
                      dict(spec.get("display") or {}))
        for name, spec in raw["relationships"].items()
    }
    schemes = {
        name: IdScheme(name, tuple(spec.get("labels", ())), spec.get("property"), spec.get("country"),
                       spec.get("pattern"), spec.get("description", ""), tuple(spec.get("kinds") or ("registration",)),
                       spec.get("short") or name)
        for name, spec in (raw.get("identifiers") or {}).items()
    }
    generic = {kind: GenericScheme(kind, spec["prefix"], spec.get("short") or kind)
               for kind, spec in (raw.get("generic_identifiers") or {}).items()}
    model = Model(nodes, rels, dict(raw["provenance"]["node"]), dict(raw["provenance"]["relationship"]),
                  schemes, tuple(raw.get("report_columns") or ()), generic,
                  tuple(raw["relationships"].get("SAME_AS", {}).get("joining") or ()))
    _check(model)
    return model


def _check(model: Model) -> None:
    """Raise ModelError at the first place ``model.yml`` contradicts itself (never ``assert``:
    the checks must hold under ``python -O`` too)."""
    nodes = model.nodes
    for label in nodes:
        for prop, typ in model.node_columns(label).items():
            if typ not in TYPES:
                raise ModelError(f"model.yml: {label}.{prop} has unknown type {typ}")
        for prop in (nodes[label].caption, *nodes[label].facts):
            if prop not in model.node_columns(label):
                raise ModelError(f"model.yml: {label} shows {prop}, not a property")
    for prop in model.report_columns:
        if not any(prop in model.node_columns(n) for n in nodes):
            raise ModelError(f"model.yml: no label has {prop}")
    for rel in model.relationships.values():
        for a, b in rel.between:
            if a not in nodes or b not in nodes:
                raise ModelError(f"model.yml: {rel.type} names unknown label {a if a not in nodes else b}")
    known_kinds = {*model.generic_identifiers, "lei", "passport"}
    for scheme in model.identifiers.values():
        if set(scheme.kinds) - known_kinds:
            raise ModelError(f"model.yml: identifier {scheme.name} has unknown kind(s) "
                             f"{sorted(set(scheme.kinds) - known_kinds)}; known: {', '.join(sorted(known_kinds))}")
        if set(scheme.labels) - set(nodes):
            raise ModelError(f"model.yml: identifier {scheme.name} names unknown label(s) "
                             f"{sorted(set(scheme.labels) - set(nodes))}")
    if not model.joining:
        raise ModelError("model.yml: SAME_AS names no joining judgement")


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Provenance:
    """Where one fact came from: dataset, file (base name) and record id or row number."""

    dataset: str
    file: str
    record: str

    def __post_init__(self) -> None:
        if not (self.dataset and self.file and self.record):
            raise GraphkitError(f"incomplete provenance {self!r}: a fact without a source is not loaded")

    @property
    def ref(self) -> str:
        return f"{self.dataset}|{self.file}|{self.record}"


# A source as find-links, reports and their JSON show it: {"dataset", "file", "record"}, each
# text ("" when unknown), from a relationship's properties or a node's ``records`` entry.

def source(dataset: Any, file: Any, record: Any) -> dict[str, str]:
    return {"dataset": dataset or "", "file": file or "", "record": record or ""}


def source_of(row: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """The source in a query row's ``{prefix}dataset``, ``{prefix}file`` (or ``source_file``)
    and ``{prefix}record`` columns."""
    file = row.get(f"{prefix}file", row.get(f"{prefix}source_file"))
    return source(row.get(f"{prefix}dataset"), file, row.get(f"{prefix}record"))


def source_from_ref(ref: str) -> dict[str, str]:
    """The source of a node's ``records`` entry, ``"dataset|file|record"`` (``Provenance.ref``)."""
    return source(*(ref.split("|", 2) + ["", ""])[:3])


def sources_text(sources: Iterable[dict[str, str]]) -> str:
    """Sources as one line of text: ``dataset:file#record; ...``."""
    return "; ".join(f"{s['dataset']}:{s['file']}#{s['record']}" for s in sources)


@dataclass
class Node:
    label: str
    id: str
    props: dict[str, Any]
    source: Provenance


@dataclass
class Rel:
    type: str
    start_label: str
    start: str
    end_label: str
    end: str
    props: dict[str, Any]
    source: Provenance
    id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.id:
            # A fact is identified by what it links, the dataset that asserts it and its role,
            # start and end: loading a record twice, or a long-format extract repeating a firm's
            # address on every row, never creates a second relationship, and the first record
            # is cited. Two statements of one dataset that differ in their end (a holding that
            # ended in 2023 and one still held, both from 2015) are two facts, each cited.
            self.id = "r:" + digest(self.type, self.start, self.end, self.source.dataset,
                                    self.props.get("role"), self.props.get("start_date"),
                                    *((end,) if (end := self.props.get("end_date")) else ()))


def digest(*parts: Any, length: int = 20) -> str:
    """A short stable hash of ``parts`` (None and '' are distinct from each other)."""
    # One update of the joined text hashes the same bytes as one update per part: each part
    # preceded by \x1f, None written \x00.
    if not parts:
        return hashlib.sha1(b"").hexdigest()[:length]
    text = "\x1f" + "\x1f".join(["\x00" if p is None else p if type(p) is str else str(p) for p in parts])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


@cache
def id_schemes(label: str) -> tuple[str, ...]:
    """The registry id schemes of ``label``, in the order they are preferred for a node's id
    (``model.yml``, ``identifiers``); computed once per label (the model is parsed once)."""
    return tuple(s.name for s in get_model().identifiers.values() if label in s.labels)


def entity_id(label: str, dataset: str, identifiers: Mapping[str, str | None],
              key: Iterable[Any]) -> str:
    """The stable id of an entity.

    The first registry identifier present, in ``id_schemes(label)`` order, gives ``"ru-inn:7707083893"``;
    otherwise the id is derived from the dataset and the key values, ``"<dataset>:<label>:<hash>"``,
    so reloading a record yields the same id and never a second node.
    """
    if identifiers:  # most records of a person carry no number: no scheme to look up
        for scheme in id_schemes(label):
            value = identifiers.get(scheme)
            if value:
                return f"{scheme}:{value}"
    return f"{dataset}:{label.lower()}:{digest(*key)}"


def address_id(full: str) -> str:
    """Addresses are identified by their transliterated, casefolded text, across all sources:
    two records that write the same address the same way share one Address node."""
    from graphkit.normalize import latin

    return "address:" + digest(latin(full))


# --------------------------------------------------------------------------------------------
# Merging what two records say about one node


def merge_node_props(label: str, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Combine a stored node's properties with a new record's.

    Lists are unioned in order (names, registry ids, provenance); a scalar already stored is kept
    (the first source to state it wins, and the new value stays visible through its record);
    booleans are or-ed; ``last_loaded`` takes the newest value.

    A node more than one dataset asserts also keeps what each dataset said, in ``claims``
    (``node_claims``), so that one dataset's statements can later be replaced or withdrawn and
    the node derived again from the others (``derive_node``). A node of one dataset - most
    nodes - carries no claims: its properties are that dataset's.
    """
    columns = get_model().node_columns(label)
    if old is None:
        return {k: v for k, v in new.items() if k in columns}
    out = _merge_plain(columns, old, new)
    new_datasets = new.get("datasets")
    if old.get("claims") or new.get("claims") or (new_datasets and list(new_datasets) != list(old.get("datasets") or [])):
        claims = node_claims(label, old)
        for key, props in node_claims(label, new).items():
            claims[key] = _merge_plain(columns, claims[key], props) if key in claims else props
        if len(claims) > 1:
            out["claims"] = dump_claims(claims)
        else:
            out.pop("claims", None)
    return out


def _merge_plain(columns: Mapping[str, str], old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for key, value in new.items():
        typ = columns.get(key)
        if typ is None or value is None or key == "claims":
            continue
        current = out.get(key)
        if typ != "bool" and current == value:
            continue  # a record repeating what is stored (the usual case) changes nothing
        if typ == "list":
            # a set to ask: a registry's mass-registration address gathers 150,000 sources at full
            # size, and asking the list itself made each merge cost the length of what it held
            merged = list(current or [])
            held = set(merged)
            for v in value:
                if v not in held:
                    held.add(v)
                    merged.append(v)
            out[key] = merged
        elif typ == "bool":
            out[key] = bool(current) or bool(value)
        elif key == "last_loaded" or current is None or current == "":
            out[key] = value
    return out


def node_claims(label: str, props: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What each dataset said about a node: ``{dataset: properties}``, in the order the datasets
    came. A node without ``claims`` is one dataset's (or, in a graph built before claims were
    kept, several datasets' together, under their names joined by "+", which cannot be told
    apart)."""
    text = props.get("claims")
    if text:
        columns = get_model().node_columns(label)
        out: dict[str, dict[str, Any]] = {}
        for key, stored in json.loads(text).items():
            out[key] = {k: (dt.date.fromisoformat(v) if columns.get(k) == "date" and isinstance(v, str) else v)
                        for k, v in stored.items()}
        return out
    own = {k: v for k, v in props.items() if k not in _NOT_CLAIMED and v is not None}
    return {"+".join(props.get("datasets") or []) or "?": own}


# kept on the node, not per dataset: the load times say when the graph changed, not what a source said
_NOT_CLAIMED = frozenset(("claims", "id", "first_loaded", "last_loaded"))


def derive_node(label: str, claims: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
    """A node's properties from what its datasets said (``node_claims``), merged in their order
    as loading them would; None when no dataset is left."""
    out: dict[str, Any] | None = None
    for props in claims.values():
        out = merge_node_props(label, out, props)
    return out


def dump_claims(claims: Mapping[str, Mapping[str, Any]]) -> str:
    return json.dumps({k: {p: v for p, v in props.items() if p not in _NOT_CLAIMED and v is not None}
                       for k, props in claims.items()},
                      ensure_ascii=False, sort_keys=False, default=lambda v: v.isoformat())


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
