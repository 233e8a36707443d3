"""FollowTheMoney delta files (``{"op": "ADD"|"MOD"|"DEL", "entity": {...}}`` per line), applied
as yente applies them to its index, one dataset at a time:

- **ADD** and **MOD** give the entity as the dataset now states it. What that dataset said
  before about the entity (its properties, the relationships the entity's own record gave) is
  replaced; what other datasets said stays. A MOD that renames an entity leaves the old name
  only if another dataset also gives it. (yente treats ADD of a known entity as a replacement
  too: both index the whole entity.)
- **DEL** withdraws the entity from the dataset: its statements, and every relationship of that
  dataset touching it (an Ownership naming a deleted owner no longer links anything). A node
  no other dataset asserts is removed; one that another dataset also asserts keeps that
  dataset's properties and relationships. A Sanction node left without its listed entity
  goes too (loading the final state would skip it: "Sanction of an entity not in this file").

How one dataset's statements are told apart from another's: a node keeps, beside its merged
properties, what each dataset said (``claims``, see ``model.merge_node_props``), but only when
more than one dataset asserted it - most nodes carry none, so the cost falls on the few merged
nodes. Withdrawing dataset D drops D's entry and derives the node again from the rest, as
loading them in order would (``model.derive_node``). The key is the dataset, not the record:
within one FtM load each entity is its own node (a registry number two entities share is no
node identity), and relationships carry their own ``dataset`` and ``record``. Where one
dataset's statements about a node came from several of its records (e.g. an address shared by
two firms), withdrawing one record only removes that record from ``records``; the dataset's
properties stay while another of its records still asserts the node. A records table keyed by
integers (a compact provenance) keeps this design: claims stay keyed by dataset, records by
whatever key ``records`` holds.

Atomicity: every line of every file of the load is read and checked first; with a bad line
(strict mode) nothing is written. The operations are then applied in file order, line by line,
in one transaction (delta files are small, the increments between two versions); on Neo4j as
on the embedded store a failure leaves the store as it was.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followthemoney import model as ftm_model

from graphkit.errors import InvalidData, Problem
from graphkit.load import FileReport, LoadReport, _Rejects
from graphkit.load.ftm import _build, _label, _node_id, json_lines
from graphkit.load.mapping import Mapping
from graphkit.load.read import _text_lines, sniff_file
from graphkit.load.records import RowResult
from graphkit.model import derive_node, dump_claims, get_model, merge_node_props, node_claims
from graphkit.store import records as records_of
from graphkit.store.base import Store

OPS = ("ADD", "MOD", "DEL")
# FtM properties that name another entity, read when an entity of a delta refers to one the
# delta does not carry (it came with an earlier version): its node is looked up in the store
REF_PROPERTIES = ("director", "organization", "owner", "asset", "person", "relative", "payer", "beneficiary",
                  "entity", "addressEntity")
OWN_LABELS = ("Company", "Person", "Address", "Sanction")  # the node an entity's own record makes, by precedence


@dataclass
class _Op:
    line: int
    op: str
    entity: dict[str, Any]
    result: RowResult | None = None  # the records of an ADD or MOD


def is_delta(path: Path, encoding: str = "utf-8") -> bool:
    """Whether ``path`` is in the delta form: its first entity line has ``op`` and ``entity``."""
    try:
        for text in _text_lines(path, encoding):
            if text.strip():
                data = json.loads(text)
                return isinstance(data, dict) and "op" in data and "entity" in data
    except (ValueError, OSError, InvalidData):
        return False
    return False


def _read_ops(path: Path, encoding: str) -> tuple[list[_Op], list[Problem]]:
    ops: list[_Op] = []
    problems: list[Problem] = []
    for line, data, problem in json_lines(path, encoding):
        if problem is not None:
            problems.append(problem)
            continue
        if not isinstance(data, dict) or "op" not in data or not isinstance(data.get("entity"), dict):
            problems.append(Problem(path.name, line, "op", "not a delta line (needs op and entity)"))
            continue
        op = str(data["op"]).upper()
        entity = data["entity"]
        if op not in OPS:
            problems.append(Problem(path.name, line, "op", f"unknown delta operation {data['op']!r} (ADD, MOD or DEL)"))
        elif not entity.get("id"):
            problems.append(Problem(path.name, line, "entity", "the entity has no id"))
        elif op != "DEL" and "schema" not in entity:
            problems.append(Problem(path.name, line, "schema", f"{op} of an entity without a schema"))
        else:
            ops.append(_Op(line, op, entity))
    return ops, problems


def load_deltas(store: Store, files: list[tuple[Path, Mapping]], report: LoadReport, *, on_error: str,
                loaded_at: str, rejects_dir: Path | None) -> None:
    """Apply the delta files ``files`` (in order) to ``store`` for the mapping's dataset, all or
    nothing (see the module docstring); fills ``report``. Raises InvalidData in strict mode when
    any line is bad, the store unchanged. Cost: per file one scan of each label (the nodes its
    records are on) and one delete per relationship type; per operation a few look-ups by id.
    """
    plans: list[tuple[FileReport, _Rejects, list[_Op], str]] = []
    index: dict[str, tuple[str, str]] = {}  # entity id -> (label, node id), across the files of the load
    deleted: set[str] = set()
    try:
        for path, mapping in files:
            sniff_file(path)
            dataset = mapping.dataset
            frep = FileReport(path.name, operations=Counter())
            report.files.append(frep)
            rejects = _Rejects(path, mapping, rejects_dir, store)
            ops, problems = _read_ops(path, mapping.encoding)
            for p in problems:
                frep.rows_read += 1
                frep.rows_rejected += 1
                rejects.add(RowResult(p.line or 0, {}, [], [], [p]))
            report.problems.extend(problems)
            for o in ops:
                schema = ftm_model.get(o.entity.get("schema", "")) if o.op != "DEL" else None
                label = _label(schema) if schema else None
                if o.op == "DEL":
                    index.pop(o.entity["id"], None)
                    deleted.add(o.entity["id"])
                elif label:
                    index[o.entity["id"]] = (label, _node_id(label, o.entity))
                    deleted.discard(o.entity["id"])
            _known_from_store(store, dataset, ops, index, deleted)
            kept: list[_Op] = []
            for o in ops:
                frep.rows_read += 1
                if o.op != "DEL":
                    o.result = _build(path.name, o.line, o.entity, index, dataset, loaded_at)
                    if o.result.problems:
                        report.problems.extend(o.result.problems)
                        frep.rows_rejected += 1
                        rejects.add(o.result)
                        continue
                    if o.result.skipped:  # not in the graph model: what the dataset said before still goes
                        frep.rows_skipped += 1
                        frep.skipped_reasons[o.result.skipped] += 1
                        rejects.add(o.result)
                kept.append(o)
            plans.append((frep, rejects, kept, dataset))
        if on_error == "strict" and report.problems:
            raise InvalidData(report.problems, rows_read=report.rows_read)
        with store.transaction():
            for frep, _rejects, kept, dataset in plans:
                assert frep.operations is not None
                recs = sorted({str(o.entity["id"]) for o in kept})
                # one scan for the nodes each record of the file appears on, and one delete per
                # relationship type for the relationships the records gave (an op writes its own)
                where = nodes_of_records(store, dataset, recs)
                frep.operations["relationships removed"] += _delete_rels_of(store, dataset, recs)
                done: set[str] = set()
                for o in kept:
                    _apply(store, o, dataset, frep, report, loaded_at, where, done)
    except BaseException:
        for _, rejects, _, _ in plans:
            rejects.discard()
        raise
    for frep, rejects, _, _ in plans:
        frep.rejects_path = rejects.finish()


def _known_from_store(store: Store, dataset: str, ops: list[_Op], index: dict[str, tuple[str, str]],
                      deleted: set[str]) -> None:
    """Add to ``index`` the entities the delta's relationships name but do not carry: their
    nodes as an earlier version of the dataset stored them."""
    wanted: set[str] = set()
    for o in ops:
        props = o.entity.get("properties") or {}
        for prop in REF_PROPERTIES:
            for value in props.get(prop) or []:
                if isinstance(value, str) and value not in index and value not in deleted:
                    wanted.add(value)
    found = nodes_of_records(store, dataset, wanted)
    for rec, nodes in found.items():
        own = _own(nodes)
        if own is not None:
            index[rec] = own


def _own(nodes: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The node an entity's own record made, among the nodes its record appears on (a firm's
    record also appears on the Address nodes of the addresses it gives as text)."""
    by_label = {label: (label, nid) for label, nid in nodes}
    return next((by_label[lab] for lab in OWN_LABELS if lab in by_label), None)


def nodes_of_records(store: Store, dataset: str, records: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """For each source record id of ``dataset``, the nodes (label, id) whose ``records`` name it
    (from any file). One scan of each label per call."""
    keys = [{"p": f"{dataset}|", "s": f"|{rec}", "id": rec} for rec in sorted(set(records))]
    out: dict[str, list[tuple[str, str]]] = {}
    if not keys:
        return out
    for label in get_model().nodes:
        for row in records_of.nodes_of_records(store, label, keys):
            out.setdefault(row["key"], []).append((label, row["id"]))
    return out


def _delete_rels_of(store: Store, dataset: str, records: list[str]) -> int:
    """Delete the relationships ``records`` of ``dataset`` gave; returns how many."""
    removed = 0
    if not records:
        return 0
    for type_ in get_model().relationships:
        removed += records_of.delete_rels_of_records(store, type_, dataset, records)
    return removed


def _apply(store: Store, o: _Op, dataset: str, frep: FileReport, report: LoadReport, loaded_at: str,
           where: dict[str, list[tuple[str, str]]], done: set[str]) -> None:
    """Apply one operation. ``where`` holds the nodes each record of the file is on, kept up to
    date as operations write; ``done`` the records an earlier line of the file already wrote
    (their relationships are then deleted here, not with the file's)."""
    assert frep.operations is not None
    frep.operations[o.op] += 1
    rec = str(o.entity["id"])
    removed_rels = _delete_rels_of(store, dataset, [rec]) if rec in done else 0
    done.add(rec)
    nodes = where.get(rec, [])
    withdrawn: list[tuple[str, str, set[str]]] = [(label, nid, {rec}) for label, nid in nodes]
    own = _own(nodes)
    if o.op == "DEL" and own is not None:
        n, sanctions = _withdraw_rels_touching(store, dataset, *own)
        removed_rels += n
        for sid, srecs in sanctions.items():
            withdrawn.append(("Sanction", sid, srecs))
    replacements: dict[tuple[str, str], dict[str, Any]] = {}
    if o.result is not None and not o.result.skipped:
        for node in o.result.nodes:
            key = (node.label, node.id)
            replacements[key] = merge_node_props(node.label, replacements.get(key), node.props)
    removed_nodes = 0
    for label, nid, recs in withdrawn:
        removed_nodes += _withdraw_node(store, label, nid, dataset, recs, replacements.get((label, nid)), loaded_at)
    frep.operations["nodes removed"] += removed_nodes
    frep.operations["relationships removed"] += removed_rels
    if o.result is not None and not o.result.skipped:
        frep.rows_loaded += 1
        report.written.add(store.write(o.result.nodes, o.result.rels))
        where[rec] = list(dict.fromkeys((n.label, n.id) for n in o.result.nodes))
    else:
        where[rec] = []
        if o.op == "DEL":
            frep.rows_loaded += 1


def _withdraw_rels_touching(store: Store, dataset: str, label: str, node_id: str) -> tuple[int, dict[str, set[str]]]:
    """Delete every relationship of ``dataset`` at the node; returns how many, and the Sanction
    nodes left without a listed entity (with the records of their listing)."""
    model = get_model()
    removed = 0
    orphans: dict[str, set[str]] = {}
    for type_, rt in model.relationships.items():
        if not any(label in pair for pair in rt.between):
            continue
        if type_ == "SANCTIONED" and label != "Sanction":
            for sid, rec in records_of.listings_of(store, label, node_id, dataset):
                orphans.setdefault(sid, set()).add(rec)
        removed += records_of.delete_rels_at(store, label, node_id, type_, dataset)
    for sid in list(orphans):
        if records_of.listings_left(store, sid):
            del orphans[sid]
    return removed, orphans


def _withdraw_node(store: Store, label: str, node_id: str, dataset: str, records: set[str],
                   replacement: dict[str, Any] | None, loaded_at: str) -> int:
    """Withdraw what ``records`` of ``dataset`` said about one node; returns 1 if the node is
    gone. ``replacement``, the node as the same dataset now states it (ADD/MOD), takes the place
    of a node no other dataset asserts, keeping its id (and what hangs on it, such as review
    judgements) rather than deleting and creating it again."""
    stored = store.fetch_nodes(label, [node_id]).get(node_id)
    if stored is None:
        return 0

    def withdrawn(ref: str) -> bool:
        return ref.startswith(f"{dataset}|") and ref.rsplit("|", 1)[-1] in records

    left = [r for r in stored.get("records") or [] if not withdrawn(r)]
    claims = node_claims(label, stored)
    if any(r.startswith(f"{dataset}|") for r in left) or dataset not in claims:
        # another record of the dataset still asserts the node (or, in a graph built before
        # claims were kept, the datasets' statements are mixed): only the record goes
        new = {**stored, "records": left}
        if dataset in claims and len(claims) > 1:
            claims[dataset]["records"] = [r for r in claims[dataset].get("records") or [] if not withdrawn(r)]
            new["claims"] = dump_claims(claims)
        _overwrite(store, label, node_id, new)
        return 0
    del claims[dataset]
    if not claims and replacement is None:
        records_of.delete_node(store, label, node_id)
        return 1
    new = (derive_node(label, claims) if claims else None) or dict(replacement or {})
    new["first_loaded"] = stored.get("first_loaded")
    new["last_loaded"] = loaded_at
    _overwrite(store, label, node_id, new)
    return 0


def _overwrite(store: Store, label: str, node_id: str, props: dict[str, Any]) -> None:
    columns = get_model().node_columns(label)
    row: dict[str, Any] = dict.fromkeys(columns)
    row.update({k: v for k, v in props.items() if k in columns})
    row["id"] = node_id
    store.update_nodes(label, [row])

