"""Streamed loads: each batch written as it comes, in its own transaction, undone on failure.

A load into Neo4j cannot be one transaction (a large file exhausts the server's transaction
memory), and staging the whole load before writing it holds the load in the client. A streamed
load instead writes every batch the loader hands over at once, in its own transaction, exactly
as ``Store.write`` would (the batch's records merged in memory, then merged with the stored
nodes, which are looked up by id; relationships already stored are left alone), so the client
holds one batch and the server one batch's transaction.

What each batch changed is appended to the load's journal on disk before the batch commits
(``store/journal.py``): the ids of the nodes and relationships it creates, and the properties the
nodes it updates had before. When the load fails (bad input found in strict mode, an error,
Ctrl-C), the journal is replayed backwards, so the store is as before the load. If the store
itself is gone (a server killed), nothing can be undone then; the journal stays, and the next
command that opens the store undoes it (or running the load again completes it exactly: stored
records are merged, never created twice). A client killed outright leaves its journal too, and
the next command undoes it the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graphkit.model import Node, Rel, get_model, merge_node_props
from graphkit.store.base import LoadSink, Store
from graphkit.store.journal import Entry, Journal


class StreamedLoad(LoadSink):
    """The sink of a streamed load (see the module docstring); ``batches`` counts the batches
    written, ``largest`` the most records one of them held."""

    def __init__(self, store: Store, journal: Journal):
        super().__init__(store)
        self.journal = journal
        self.batches = 0
        self.largest = 0

    def add(self, nodes: list[Node], rels: list[Rel]) -> None:
        """Write one batch in one transaction and journal what it changed."""
        entry = Entry()
        with self.store.transaction():
            self._write(nodes, rels, entry)
            if entry:
                self.journal.record(entry)  # on disk before the commit
        self.batches += 1
        self.largest = max(self.largest, len(nodes) + len(rels))

    def _write(self, nodes: list[Node], rels: list[Rel], entry: Entry) -> None:
        store, stats = self.store, self.stats
        by_label: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for node in nodes:
            bucket = by_label[node.label]
            bucket[node.id] = merge_node_props(node.label, bucket.get(node.id), node.props)
        for label, merged in by_label.items():
            existing = store.fetch_nodes(label, list(merged))
            new_rows, updated = [], []
            for node_id, props in merged.items():
                old = existing.get(node_id)
                if old is None:
                    new_rows.append({**props, "id": node_id})
                    continue
                combined = merge_node_props(label, old, props)
                combined.setdefault("first_loaded", old.get("first_loaded"))
                if combined != old:
                    updated.append({**combined, "id": node_id})
                    entry.updated.setdefault(label, []).append(old)
            if new_rows:
                store.create_nodes(label, new_rows)
                entry.created[label] = [r["id"] for r in new_rows]
            if updated:
                store.update_nodes(label, updated)
            stats.nodes_created += len(new_rows)
            stats.nodes_updated += len(merged) - len(new_rows)
        groups: dict[tuple[str, str, str], dict[str, Rel]] = defaultdict(dict)
        for rel in rels:
            groups[(rel.type, rel.start_label, rel.end_label)].setdefault(rel.id, rel)  # the first stays, as across batches
        model = get_model()
        for (type_, sl, el), by_id in sorted(groups.items()):
            model.rel_between(type_, sl, el)
            batch = list(by_id.values())
            have = store.existing_rels(type_, sl, el, batch)
            fresh = [r for r in batch if r.id not in have]
            if fresh:
                store.create_rels(type_, sl, el, fresh)
                entry.rels.setdefault(type_, []).extend(r.id for r in fresh)
            stats.rels_created += len(fresh)
            stats.rels_existing += len(batch) - len(fresh)

    def undo(self) -> None:
        """Undo every committed batch, newest first (``Journal.undo``)."""
        self.journal.undo(self.store)


@contextmanager
def streamed(store: Store, root: Path) -> Iterator[StreamedLoad]:
    """A streamed load's life, its journal under ``root``: batches go to the yielded sink and
    are written at once; if the caller fails, what was written is undone (see
    ``StreamedLoad.undo``) and the error raised. The journal is removed when the load has
    ended, or been undone; one that could not be undone stays for the next command."""
    sink = StreamedLoad(store, Journal.start(root))
    try:
        yield sink
    except BaseException as exc:
        try:
            sink.undo()
        except Exception as undo_exc:  # noqa: BLE001 - the store is gone: the first error counts
            exc.add_note(f"graphkit: the batches written before this could not be undone ({undo_exc}); "
                         "the next command that opens the store undoes them")
            sink.journal.close()
            raise
        raise
    sink.journal.remove()
