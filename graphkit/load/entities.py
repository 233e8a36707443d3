"""Entities of a mapping compiled into functions of a row, and what the model derives for every
source (``complete_entity``).

``compile_entity`` turns one ``EntitySpec`` into the function a ``RecordBuilder`` calls per row:
its label, its identifiers, its typed properties and its node id, built once per distinct set
of cells. In the counting pass of a load it becomes instead the function that claims the
registry number the entity would take as its id, and nothing else (``graphkit/load/numberids.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from graphkit import identifiers as ident
from graphkit import normalize as nz
from graphkit.errors import Problem
from graphkit.load.mapping import EntitySpec
from graphkit.load.nested import LIST_SEP
from graphkit.load.values import TRANSFORMS, _compile_values
from graphkit.model import Node, Provenance, address_id, entity_id, get_model
from graphkit.namekind import name_kind

if TYPE_CHECKING:
    from graphkit.load.records import RecordBuilder

# (property, values function, typer, column for problems, from columns), per stored property
PropFn = tuple[str, Callable[[dict[str, Any]], list[str]], Callable[[list[str]], Any], str | None, bool]
EntityFn = Callable[[dict[str, Any], int, Provenance, list[Problem]], Node | None]
ClaimFn = Callable[[dict[str, Any], int, Provenance, list[Problem]], None]

_FALLBACK = ("name", "names", "full")  # the properties a record without key values is keyed by


def compile_entity(builder: RecordBuilder, spec: EntitySpec) -> EntityFn | ClaimFn | None:
    """The function building ``spec``'s node from a cleaned row (None where the row holds none,
    with the reason in ``problems``), reusing the node built from the same cells earlier. In the
    counting pass, the function claiming its number instead, or None for an entity without
    identifiers (it claims no number)."""
    sig_cols = sorted(spec.columns())
    getter: Callable[[dict[str, Any]], Any] = itemgetter(*sig_cols) if sig_cols else (lambda row: ())
    single = len(sig_cols) == 1
    identifiers = [(scheme, _compile_values(vspec)) for scheme, vspec in spec.identifiers.items()]
    label_of = _label_of(spec, builder.file)
    ids_of = _ids_of(identifiers)
    props_for = _props_by_label(builder, spec)
    build = _build_entity(builder, spec, label_of, ids_of, props_for)
    if not builder.counting:
        return _reusing(builder, getter, single, build)
    if not identifiers:
        return None  # no number to claim: not read in the counting pass
    return _claiming(builder, spec, getter, single, label_of, ids_of, props_for, build)


def _label_of(spec: EntitySpec, file: str) -> Callable[[dict[str, Any], int, list[Problem]], str | None]:
    """The node label of a row: the mapping's, or the one its label column maps to."""
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
            label = one_of(label_map.get(raw) or label_map.get(raw.lower()), raw, label_map,
                           problems, file, line, spec.label_column)
        return label
    return label_of


def one_of(found: str | None, value: str, choices: dict[str, str], problems: list[Problem],
           file: str, line: int, column: str | None) -> str | None:
    """``found`` (what a cell's value maps to), or None with the problem that the value is
    none of ``choices``."""
    if found is None:
        problems.append(Problem(file, line, column, f"{value!r} is not one of {', '.join(choices)}"))
    return found


def _ids_of(identifiers: list[tuple[str, Callable[[dict[str, Any]], list[str]]]],
            ) -> Callable[[dict[str, Any]], dict[str, str]]:
    """The identifiers of a row by scheme (first value each)."""
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
    return ids_of


def _props_by_label(builder: RecordBuilder, spec: EntitySpec) -> Callable[[str], list[PropFn]]:
    """The compiled properties of ``spec`` that a node of a label stores, compiled once a label."""
    model = builder.model
    by_label: dict[str, list[PropFn]] = {}

    def props_for(label: str) -> list[PropFn]:
        found = by_label.get(label)
        if found is None:
            found = by_label[label] = builder._props(spec.properties, model.node_columns(label))
        return found
    return props_for


def typed_props(prop_fns: list[PropFn], row: dict[str, Any], file: str, line: int,
                problems: list[Problem], props: dict[str, Any]) -> bool:
    """Fill ``props`` with the typed values of ``row`` (a value that does not parse is a
    problem of its column); True when some value came from a column, not a constant."""
    from_columns = False  # constants alone do not make an entity present in a row
    for pname, values_of, typed, col, has_columns in prop_fns:
        values = values_of(row)
        if not values:
            continue
        from_columns = from_columns or has_columns
        try:
            props[pname] = typed(values)
        except ValueError as exc:
            problems.append(Problem(file, line, col, str(exc)))
    return from_columns


def _key_or_name(key_values: list[Any], props: dict[str, Any]) -> list[Any]:
    """The key columns' values; where they are all empty, another spelling of the name."""
    if any(key_values):
        return key_values
    return [(props.get("names") or [props.get("name") or props.get("full")])[0]]


def _scoped_key(key_values: list[Any], global_scope: bool) -> list[Any]:
    """The key of a node id: written in Latin letters where the id is shared across datasets."""
    return [nz.latin(v) if v else v for v in key_values] if global_scope else key_values


def _build_entity(builder: RecordBuilder, spec: EntitySpec,
                  label_of: Callable[[dict[str, Any], int, list[Problem]], str | None],
                  ids_of: Callable[[dict[str, Any]], dict[str, str]],
                  props_for: Callable[[str], list[PropFn]]) -> EntityFn:
    """The whole build of ``spec``'s node from a row, nothing reused."""
    file, loaded_at, mapping = builder.file, builder.loaded_at, builder.mapping
    required_col = next(iter([*spec.key, *(c for v in spec.identifiers.values() for c in v.columns)]), None)
    key_col = spec.key[0] if spec.key else None
    hs = spec.properties.get("hs_code")
    hs_col = hs.columns[0] if hs and hs.columns else None
    global_scope = spec.scope == "global"
    scope = "global" if global_scope else mapping.dataset
    key_cols = list(spec.key)
    kind_column = spec.label_column if spec.label_transform == "person_or_company" else None
    derived: dict[str, bool] = {}  # label -> whether its ids derived from the key read as numbers

    def number_id(label: str, node_id: str, ids: dict[str, str]) -> bool:
        """``is_registry_id(node_id)``; for an id derived from the key (no numbers), worked out
        once per label: such an id is "<scope>:<label>:<hash>", whose scheme is its prefix."""
        if ids:
            return ident.is_registry_id(node_id)
        found = derived.get(label)
        if found is None:
            found = derived[label] = ident.is_registry_id(node_id)
        return found

    def build_entity(row: dict[str, Any], line: int, source: Provenance,
                     problems: list[Problem]) -> Node | None:
        label = label_of(row, line, problems)
        if label is None:
            return None
        basis = name_kind(row[kind_column].split(LIST_SEP)[0])[1] if kind_column else None
        ids = ids_of(row)
        props: dict[str, Any] = {}
        from_columns = typed_props(props_for(label), row, file, line, problems, props)
        if basis is not None:
            props["label_basis"] = basis
        key_values = _key_or_name([row[c] for c in key_cols], props)
        if not ids and not any(key_values) and not from_columns:
            if spec.required:
                problems.append(Problem(file, line, required_col, f"required value missing for {spec.name}"))
            return None
        if not ids and not any(key_values):
            problems.append(Problem(file, line, key_col, f"{spec.name} has values but no key to identify it"))
            return None
        try:
            complete_entity(label, props, ids)
        except ValueError as exc:
            problems.append(Problem(file, line, hs_col, str(exc)))
            return None
        if label == "Address" and props.get("full"):
            node_id = address_id(props["full"])
        else:
            key = _scoped_key(key_values, global_scope)
            node_id = entity_id(label, scope, ids, key)
            claims = mapping.number_claims
            if claims is not None and number_id(label, node_id, ids):
                # a number two records of the load claim is no identity (graphkit/load/numberids.py);
                # the records are told apart by the source's key, within one entity of the
                # mapping (a holder named by a firm's number refers to that firm's record)
                node_id = claims.node_id(node_id, entity_id(label, scope, {}, key), spec.name)
        props["datasets"] = [source.dataset]
        props["records"] = [source.ref]
        props["first_loaded"] = props["last_loaded"] = loaded_at
        return Node(label, node_id, props, source)
    return build_entity


def _reusing(builder: RecordBuilder, getter: Callable[[dict[str, Any]], Any], single: bool,
             build: EntityFn) -> EntityFn:
    """``build``, done once per distinct set of the entity's cells (extracts repeat a firm on
    every row naming one of its officers): later rows reuse the node with their provenance."""
    loaded_at = builder.loaded_at
    limit = builder._CACHE_LIMIT
    built_cache: dict[Any, tuple[str, str, dict[str, Any]]] = {}
    builder._caches.append(built_cache)

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
        node = build(row, line, source, problems)
        if node is not None and len(problems) == before:
            if len(built_cache) >= limit:
                built_cache.clear()
            built_cache[signature] = (node.label, node.id, {k: v for k, v in node.props.items()
                                                            if k not in ("datasets", "records")})
        return node
    return entity


def _claiming(builder: RecordBuilder, spec: EntitySpec, getter: Callable[[dict[str, Any]], Any],
              single: bool, label_of: Callable[[dict[str, Any], int, list[Problem]], str | None],
              ids_of: Callable[[dict[str, Any]], dict[str, str]],
              props_for: Callable[[str], list[PropFn]], build: EntityFn) -> ClaimFn:
    """The counting pass's function: what ``build`` claims for a row, and nothing else."""
    claims = builder.mapping.number_claims
    assert claims is not None
    limit = builder._CACHE_LIMIT
    global_scope = spec.scope == "global"
    scope = "global" if global_scope else builder.mapping.dataset
    key_cols = list(spec.key)
    seen: set[Any] = set()
    builder._caches.append(seen)
    numbers_of = _numbers_present(spec)

    def claim(row: dict[str, Any], line: int, source: Provenance, problems: list[Problem]) -> None:
        """The label, the numbers (qualified by the record's country) and the source-scoped id."""
        if numbers_of is not None and not any(numbers_of(row)):
            return  # no cell a number comes from: nothing to claim (most PSC people)
        signature = (getter(row),) if single else getter(row)
        if signature in seen:  # the same cells claim the same number for the same record
            return
        if len(seen) >= limit:
            seen.clear()
        seen.add(signature)
        label = label_of(row, line, problems)
        if label is None:
            return
        if label not in ("Company", "Person"):  # the rare labels: the whole build, exact
            build(row, line, source, problems)
            return
        ids = ids_of(row)
        if not ids:  # a source-scoped id, unique to its key: never an ambiguous number
            return
        key_values = [row[c] for c in key_cols]
        props: dict[str, Any] = {}
        for pname, values_of, typed, _, _ in props_for(label):
            if pname == "country" or (pname in _FALLBACK and not any(key_values)):
                values = values_of(row)
                if values:
                    try:
                        props[pname] = typed(values)
                    except ValueError:
                        pass  # reported by the writing pass
        qualify_identifiers(label, props.get("country"), ids)
        key = _scoped_key(_key_or_name(key_values, props), global_scope)
        node_id = entity_id(label, scope, ids, key)
        if ident.is_registry_id(node_id):
            claims.claim(node_id, entity_id(label, scope, {}, key), spec.name)
    return claim


def _numbers_present(spec: EntitySpec) -> Callable[[dict[str, Any]], Any] | None:
    """The cells ``spec``'s numbers come from, as a getter, where a row with all of them empty
    can claim nothing: the entity only ever takes the labels whose claims are worked out here
    (a rare label is built in full, and its build may claim otherwise), and every identifier
    yields no value from empty cells (tried once, here: a constant or a combiner that makes
    something of nothing would). None where that does not hold."""
    labels = set(spec.label_map.values()) if spec.label_column else {spec.label}
    columns = sorted({c for vspec in spec.identifiers.values() for c in vspec.columns})
    if not columns or not labels <= {"Company", "Person"}:
        return None
    empty = dict.fromkeys(columns)
    try:
        if any(_compile_values(vspec)(empty) for vspec in spec.identifiers.values()):
            return None
    except (TypeError, ValueError, AttributeError):  # a combiner that does not take empty cells: no shortcut, the row decides
        return None
    return itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)


def clear_caches() -> None:
    """Empty the memory of qualified numbers (see ``normalize.clear_caches``)."""
    _qualified.cache_clear()


@lru_cache(maxsize=20_000)
def _qualified(kind: str, value: str, country: str | None, label: str) -> tuple[str, str] | None:
    """``identifiers.qualify`` split into (scheme, number), once per distinct number: a pure
    function of its arguments and the model's schemes, and a number repeats on every record of
    its firm. Most repeats never reach it (the record builder reuses an entity built from the
    same cells, and a transform's memory its numbers): reading 500k PSC lines it answered 756 of
    678,592 calls from memory, and holding 200,000 numbers instead of 20,000 put the reading
    process's peak at 681 MB instead of 596 (docs/benchmarks.md, "Loader: loads in chunks"); on
    a customs sample, 4,778 of 9,524 calls (4,746 numbers). Recent numbers are enough."""
    q = ident.qualify(kind, value, country=country, label=label)
    return ident.split(q) if q else None


def qualify_identifiers(label: str, country: str | None, identifiers: dict[str, str]) -> None:
    """Each number of a Company or Person under its scheme, in its normal form ("company-number"
    of a UK firm is a "gb-coh"; a number whose scheme is unknown is "reg:<country>"). The dict is
    updated in place, so the caller's node id comes from the qualified numbers."""
    if not identifiers:  # most people: nothing to qualify
        return
    qualified: dict[str, str] = {}
    for kind, value in identifiers.items():
        q = _qualified(kind, value, country, label)
        if q:
            qualified.setdefault(*q)
    identifiers.clear()
    identifiers.update(qualified)


def complete_entity(label: str, props: dict[str, Any], identifiers: dict[str, str]) -> None:
    """Derive what the model derives, the same way for every source: identifier properties and
    ``registry_ids``, all names with their look-up keys, the legal form, HS-6 and chapter."""
    if label in ("Company", "Person"):
        _complete_party(label, props, identifiers)
    elif label == "Shipment" and props.get("hs_code"):
        parsed = nz.hs_code(props["hs_code"])
        if parsed:
            props["hs_code"], props["hs6"], props["hs_chapter"] = parsed
    elif label == "Address" and props.get("full"):
        names = list(props.get("names") or [])
        if props["full"] not in names:
            names.insert(0, props["full"])
        props["names"] = names


@cache
def _scheme_props(label: str) -> dict[str, str]:
    """The property of ``label`` each identifier scheme fills (``ru-inn`` -> ``inn``), for the
    schemes whose property the label stores."""
    columns = get_model().node_columns(label)
    return {name: spec.property for name, spec in ident.schemes().items()
            if spec.property and spec.property in columns}


def _complete_party(label: str, props: dict[str, Any], identifiers: dict[str, str]) -> None:
    """``complete_entity`` of a Company or Person."""
    if identifiers:
        qualify_identifiers(label, props.get("country"), identifiers)
        scheme_props = _scheme_props(label)
        for scheme, value in identifiers.items():
            prop = scheme_props.get(scheme)
            if prop and not props.get(prop):
                props[prop] = value
    if identifiers or props.get("registry_ids"):
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
