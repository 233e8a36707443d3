"""Copying one store into another (``graphkit push``: the embedded graph into Neo4j).

Nodes go first, then relationships, in batches, through the target's ordinary write path, so a
push is idempotent: pushing twice, or again after an interrupted push, ends with the same counts.
Batches are read in id order after the last id read (keyset paging): ``SKIP`` would sort the
whole table again for every batch, and LadybugDB 0.22 crashed (a segfault) reading relationships
that way after the node tables of a 100k-company graph.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkit.model import Provenance, Rel, get_model
from graphkit.store.base import Store, WriteStats

BATCH = 10_000


def copy_store(source: Store, target: Store, *, batch: int = BATCH,
               progress: Callable[[int], None] | None = None) -> WriteStats:
    """Copy every node and relationship of ``source`` into ``target``; returns what was written.

    Each batch is its own transaction on the target, so a large push does not hold one huge
    transaction open; rerunning after a failure completes it without duplicates.
    """
    model = get_model()
    stats = WriteStats()
    target.ensure_schema()
    for label in model.nodes:
        columns = list(model.node_columns(label))
        ret = ", ".join(f"n.{c} AS {c}" for c in columns)
        after = ""
        while True:
            rows = source.execute(f"MATCH (n:{label}) WHERE n.id > $after RETURN {ret} ORDER BY n.id LIMIT $limit",
                                  {"after": after, "limit": batch}, name=f"read {label}")
            if not rows:
                break
            after = rows[-1]["id"]
            with target.transaction():
                existing = target.fetch_nodes(label, [r["id"] for r in rows])
                fresh = [r for r in rows if r["id"] not in existing]
                if fresh:
                    target.create_nodes(label, fresh)
                if existing:
                    target.update_nodes(label, [r for r in rows if r["id"] in existing])
            stats.nodes_created += len(fresh)
            stats.nodes_updated += len(rows) - len(fresh)
            if progress:
                progress(len(rows))
    for rt in model.relationships.values():
        columns = [c for c in model.rel_columns(rt.type) if c != "id"]
        ret = ", ".join(f"r.{c} AS {c}" for c in columns)
        for start_label, end_label in rt.between:
            after = ""
            while True:
                rows = source.execute(
                    f"MATCH (a:{start_label})-[r:{rt.type}]->(b:{end_label}) WHERE r.id > $after "
                    f"RETURN a.id AS _from, b.id AS _to, r.id AS _id, {ret} ORDER BY r.id LIMIT $limit",
                    {"after": after, "limit": batch}, name=f"read {rt.type}")
                if not rows:
                    break
                after = rows[-1]["_id"]
                rels = []
                for r in rows:
                    props = {c: r[c] for c in columns}
                    src = Provenance(props.get("dataset") or "?", props.get("source_file") or "?",
                                     props.get("record") or "?")
                    rels.append(Rel(rt.type, start_label, r["_from"], end_label, r["_to"], props, src, id=r["_id"]))
                with target.transaction():
                    have = target.existing_rels(rt.type, start_label, end_label, rels)
                    new_rels = [x for x in rels if x.id not in have]
                    if new_rels:
                        target.create_rels(rt.type, start_label, end_label, new_rels)
                stats.rels_created += len(new_rels)
                stats.rels_existing += len(rels) - len(new_rels)
                if progress:
                    progress(len(rows))
    return stats
