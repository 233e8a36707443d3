"""Statements that find and withdraw what source records said, for delta loads
(graphkit/load/deltas.py) on every store.

Each is built from a label or relationship type the model allows (checked here) and takes its
values as parameters; they run as the store's own statements, like its write primitives, since
a file of ``cypher/`` cannot name a label given at run time.
"""

from __future__ import annotations

from typing import Any

from graphkit.model import get_model
from graphkit.store.base import Store


def _label(label: str) -> str:
    return get_model().node(label).label


def _type(type_: str) -> str:
    return get_model().rel(type_).type


def nodes_of_records(store: Store, label: str, keys: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The ``label`` nodes one of whose ``records`` starts with a key's ``p`` and ends with its
    ``s``: rows of the key's ``id`` (``key``) and the node's ``id``. One scan of the label."""
    label = _label(label)
    return store._execute(
        f"UNWIND $keys AS k MATCH (n:{label}) WITH k, n "
        "WHERE any(r IN n.records WHERE r STARTS WITH k.p AND r ENDS WITH k.s) RETURN k.id AS key, n.id AS id",
        {"keys": keys}, name=f"nodes of records ({label})")


def delete_rels_of_records(store: Store, type_: str, dataset: str, records: list[str]) -> int:
    """Delete the ``type_`` relationships that ``records`` of ``dataset`` gave; returns how many."""
    type_ = _type(type_)
    rows = store._execute(f"UNWIND $recs AS rec MATCH ()-[r:{type_}]->() WHERE r.dataset = $d AND r.record = rec "
                          "DELETE r RETURN count(*) AS n", {"recs": records, "d": dataset}, name=f"delete {type_}")
    return int(rows[0]["n"]) if rows else 0


def listings_of(store: Store, label: str, node_id: str, dataset: str) -> list[tuple[str, str]]:
    """The listings of one node that ``dataset`` gave: (Sanction id, record) pairs."""
    label = _label(label)
    rows = store._execute(f"MATCH (n:{label} {{id: $id}})-[r:SANCTIONED]->(s:Sanction) WHERE r.dataset = $d "
                          "RETURN s.id AS sid, r.record AS rec", {"id": node_id, "d": dataset},
                          name="listings of a node")
    return [(r["sid"], r["rec"]) for r in rows]


def listings_left(store: Store, sanction_id: str) -> int:
    """How many entities the Sanction node ``sanction_id`` still lists."""
    rows = store._execute("MATCH ()-[r:SANCTIONED]->(s:Sanction {id: $id}) RETURN count(r) AS n",
                          {"id": sanction_id}, name="listings left")
    return int(rows[0]["n"]) if rows else 0


def delete_rels_at(store: Store, label: str, node_id: str, type_: str, dataset: str) -> int:
    """Delete the ``type_`` relationships of ``dataset`` at one node, either way; returns how many."""
    label, type_ = _label(label), _type(type_)
    rows = store._execute(f"MATCH (n:{label} {{id: $id}})-[r:{type_}]-() WHERE r.dataset = $d "
                          "RETURN DISTINCT r.id AS rid", {"id": node_id, "d": dataset}, name=f"{type_} at a node")
    if rows:
        store._execute(f"UNWIND $rids AS rid MATCH ()-[r:{type_}]->() WHERE r.id = rid DELETE r",
                       {"rids": [r["rid"] for r in rows]}, name=f"delete {type_}")
    return len(rows)


def delete_node(store: Store, label: str, node_id: str) -> None:
    """Delete one node and every relationship at it."""
    label = _label(label)
    store._execute(f"MATCH (n:{label} {{id: $id}}) DETACH DELETE n", {"id": node_id}, name=f"delete {label}")
