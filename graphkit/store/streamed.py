"""Streamed loads: each batch written as it comes, in its own transaction, undone on failure.

A load into Neo4j cannot be one transaction (a large file exhausts the server's transaction
memory), and staging the whole load before writing it holds the load in the client. A streamed
load instead writes every batch the loader hands over at once, in its own transaction, exactly
as ``Store.write`` would (the batch's records merged in memory, then merged with the stored
nodes, which are looked up by id; relationships already stored are left alone), so the client
holds one batch and the server one batch's transaction.

What each committed batch changed is appended to a *journal* on disk: the ids of the nodes and
relationships it created, and the properties the nodes it updated had before. When the load
fails (bad input found in strict mode, an error, Ctrl-C), :meth:`StreamedLoad.undo` replays the
journal backwards: relationships and nodes created are deleted, updated nodes get their old
properties back, so the store is as before the load. If the store itself is gone (a server
killed), nothing can be undone; the records written so far stay, and running the load again
completes it exactly (stored records are merged, never created twice).
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphkit.model import Node, Rel, get_model, merge_node_props
from graphkit.store.base import LoadSink, Store


@dataclass
class _Entry:
    """What one committed batch changed."""

    created: dict[str, list[str]] = field(default_factory=dict)  # label -> node ids
    updated: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # label -> old properties
    rels: dict[str, list[str]] = field(default_factory=dict)  # type -> relationship ids


class StreamedLoad(LoadSink):
    """The sink of a streamed load (see the module docstring); ``batches`` counts the batches
    written, ``largest`` the most records one of them held."""

    def __init__(self, store: Store, folder: Path):
        super().__init__(store)
        self.folder = folder
        self._journal = open(folder / "journal.pickle", "wb")  # noqa: SIM115 - closed by close()
        self._offsets: list[int] = []
        self.batches = 0
        self.largest = 0

    def add(self, nodes: list[Node], rels: list[Rel]) -> None:
        """Write one batch in one transaction and journal what it changed."""
        entry = _Entry()
        with self.store.transaction():
            self._write(nodes, rels, entry)
        self._offsets.append(self._journal.tell())
        pickle.dump(entry, self._journal, protocol=pickle.HIGHEST_PROTOCOL)
        self._journal.flush()
        self.batches += 1
        self.largest = max(self.largest, len(nodes) + len(rels))

    def _write(self, nodes: list[Node], rels: list[Rel], entry: _Entry) -> None:
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
            groups[(rel.type, rel.start_label, rel.end_label)][rel.id] = rel  # the last one stays
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
        """Undo every committed batch, newest first, each in its own transaction."""
        self._journal.flush()
        with open(self.folder / "journal.pickle", "rb") as fh:
            for offset in reversed(self._offsets):
                fh.seek(offset)
                entry: _Entry = pickle.load(fh)  # noqa: S301 - our own file, written above
                with self.store.transaction():
                    self._undo(entry)
        self._offsets.clear()

    def _undo(self, entry: _Entry) -> None:
        store = self.store
        for type_, ids in entry.rels.items():
            get_model().rel(type_)
            store.execute(f"UNWIND $ids AS k MATCH ()-[r:{type_} {{id: k}}]->() DELETE r", {"ids": ids},
                          name=f"undo {type_}")
        for label, rows in entry.updated.items():
            store.update_nodes(label, rows)
        for label, ids in entry.created.items():
            label = get_model().node(label).label
            store.execute(f"UNWIND $ids AS k MATCH (n:{label} {{id: k}}) DETACH DELETE n", {"ids": ids},
                          name=f"undo {label}")

    def close(self) -> None:
        """Close the journal (idempotent)."""
        self._journal.close()


@contextmanager
def streamed(store: Store) -> Iterator[StreamedLoad]:
    """A streamed load's life: batches go to the yielded sink and are written at once; if the
    caller fails, what was written is undone (see ``StreamedLoad.undo``) and the error raised.
    The journal folder is removed either way."""
    sink = StreamedLoad(store, Path(tempfile.mkdtemp(prefix="graphkit-load-")))
    try:
        try:
            yield sink
        except BaseException as exc:
            try:
                sink.undo()
            except Exception as undo_exc:  # noqa: BLE001 - the store is gone: the first error counts
                exc.add_note(f"graphkit: the batches written before this could not be undone ({undo_exc}); "
                             "run the load again to complete it")
            raise
    finally:
        sink.close()
        shutil.rmtree(sink.folder, ignore_errors=True)
