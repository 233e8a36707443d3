"""Copying one store into another (``graphkit push``: the embedded graph into Neo4j).

Nodes go first, then relationships, in batches, through the target's ordinary write path, so a
push is idempotent: pushing twice, or again after an interrupted push, ends with the same counts.
Batches are read page by page (``Store.read_pages``: the embedded store scans each table once
into a Parquet file and hands it on a page at a time; the protocol's default reads in id order
after the last id read); ``SKIP`` would sort the whole table again for every batch, and LadybugDB
0.22 crashed (a segfault) reading relationships that way after the node tables of a 100k-company
graph.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from graphkit.model import Provenance, Rel, get_model
from graphkit.store.base import Store, WriteStats

BATCH = 10_000

T = TypeVar("T")


def copy_store(source: Store, target: Store, *, batch: int = BATCH,
               progress: Callable[[int], None] | None = None) -> WriteStats:
    """Copy every node and relationship of ``source`` into ``target``; returns what was written.

    Each batch is its own transaction on the target, so a large push does not hold one huge
    transaction open; rerunning after a failure completes it without duplicates. A label or
    relationship type the target holds none of when the push starts is written without looking
    its records up (each id is read once). The next batch is read from ``source`` while the
    target writes the current one; the client holds two batches of ``batch`` rows at most.
    """
    model = get_model()
    stats = WriteStats()
    target.ensure_schema()
    # a table the target does not hold yet needs no look-ups: the pages hold each id once
    empty = empty_tables(target)
    for label in model.nodes:
        columns = list(model.node_columns(label))
        ret = ", ".join(f"n.{c} AS {c}" for c in columns)
        pages = source.read_pages(f"(n:{label})", "n", ret, batch, name=f"read {label}")
        for rows in read_ahead(pages):
            with target.transaction():
                existing = {} if label in empty else target.fetch_nodes(label, [r["id"] for r in rows])
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
            pages = source.read_pages(f"(a:{start_label})-[r:{rt.type}]->(b:{end_label})", "r",
                                      f"a.id AS _from, b.id AS _to, r.id AS _id, {ret}", batch,
                                      name=f"read {rt.type}")
            for rows in read_ahead(pages):
                rels = []
                for r in rows:
                    props = {c: r[c] for c in columns}
                    src = Provenance(props.get("dataset") or "?", props.get("source_file") or "?",
                                     props.get("record") or "?")
                    rels.append(Rel(rt.type, start_label, r["_from"], end_label, r["_to"], props, src, id=r["_id"]))
                with target.transaction():
                    have = set() if rt.type in empty else target.existing_rels(rt.type, start_label, end_label,
                                                                               rels)
                    new_rels = [x for x in rels if x.id not in have]
                    if new_rels:
                        target.create_rels(rt.type, start_label, end_label, new_rels)
                stats.rels_created += len(new_rels)
                stats.rels_existing += len(rels) - len(new_rels)
                if progress:
                    progress(len(rows))
    return stats


def empty_tables(target: Store) -> set[str]:
    """The node labels and relationship types of the model that ``target`` holds none of.

    On Neo4j one statement of ``COUNT {}`` subqueries (each answered from the count store): 17
    statements of their own cost about 4 s on a fresh server, most of it planning each text once.
    """
    model = get_model()
    tables = [*((label, f"(n:{label})") for label in model.nodes),
              *((t, f"()-[r:{t}]->()") for t in model.relationships)]
    if target.dialect == "neo4j":
        ret = ", ".join(f"COUNT {{ MATCH {pattern} }} AS {name}" for name, pattern in tables)
        row = target._execute(f"RETURN {ret}", name="count tables")[0]
        return {name for name, _ in tables if not row[name]}
    return {name for name, pattern in tables
            if not target._execute(f"MATCH {pattern} RETURN count(*) AS n",
                                  name=f"count {name}")[0]["n"]}


_END = object()


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """``items``, with the next one produced by a thread while the caller handles the current
    one (at most one item waits). An error in ``items`` is raised to the caller; a caller that
    stops early stops the thread after its current item."""
    slots: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            slots.put(exc)

    thread = threading.Thread(target=produce, name="graphkit-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let it finish its current read before the source is used again
            with contextlib.suppress(queue.Empty):
                slots.get(timeout=0.1)
        thread.join()
