"""Staged loads: the batches of one load kept on disk, merged, and written once at the end.

Writing a load batch by batch looks up every node and relationship of each batch in the store
and merges in Python, and on LadybugDB each uncommitted batch holds memory. A staged load
instead merges each batch in memory (a firm repeated on several rows of the batch becomes one
record), converts it to Arrow and appends it to one Parquet file per node label and per
relationship table, in a folder of its own. ``finish``, called when every row has been read
(and, in strict mode, found good), then merges the records that span batches, merges the
records of nodes the store already holds into them, and hands each table to the backend as a
Parquet file of new records: nodes first, so every relationship finds its endpoints. A table
that is empty when ``finish`` starts needs no look-up of stored nodes or relationships, and a
relationship with an end the load creates needs none either.

A load commits in chunks (``chunk_records``, see ``store/journal.py``): once that many records
are staged, they are written out as above, after the chunk's journal entry (the ids it creates,
the old properties of the nodes it changes) is on disk, and the staging files start again. The
nodes a chunk changes are looked up batch by batch, and both their old properties (in a file
of the journal's) and their merged new ones (in the staging folder) go to Parquet as they come,
to be written back in slices: a load over a graph that holds much of it keeps no list of them. The
chunk's writes are one transaction, or, where the store holds an uncommitted transaction in
memory (``commit_steps``: LadybugDB), each write commits on its own; either way a load that
fails or is killed is undone from the journal. A table the store held nothing of when the load began is looked up
only for the ids earlier chunks of the load created (kept as Arrow arrays, a few dozen bytes an
id), so a load into a new graph stays on the bulk path chunk after chunk.

The result is what writing each batch with ``Store.write`` gives: the same merges in the same
order (within a batch the last record of a relationship is kept, across batches the first),
and the same counts.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import shutil
from abc import abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphkit.model import Node, Rel, get_model, merge_node_props
from graphkit.store.base import LoadSink, Store
from graphkit.store.journal import Entry, Journal, ParquetRows

#: staged ids a load asks the store about at once, of which it holds which (``_stored_ids``)
ASK_IDS = 250_000

#: records merged at a time where a node was staged in several batches (``_merge_repeats``)
MERGE_SLICE = 20_000

ARROW_TYPES = {"string": pa.string(), "date": pa.date32(), "float": pa.float64(), "int": pa.int64(),
               "bool": pa.bool_(), "list": pa.list_(pa.string())}


def arrow_column(values: list[Any], typ: str) -> pa.Array:
    """Python values of one model type as an Arrow array (ISO text is accepted for dates)."""
    if typ == "date":
        values = [v if (v is None or isinstance(v, dt.date)) else dt.date.fromisoformat(str(v)[:10])
                  for v in values]
    return pa.array(values, type=ARROW_TYPES[typ])


def arrow_columns(rows: list[dict[str, Any]], schema: pa.Schema) -> list[pa.Array]:
    """The columns of ``schema`` from dicts (a key missing is null; other keys are ignored)."""
    try:  # one conversion in Arrow, about three times faster than a list per column
        return pa.array(rows, type=pa.struct(list(schema))).flatten()
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. a date given as text
        types = {pa.string(): "string", pa.date32(): "date", pa.float64(): "float",
                 pa.int64(): "int", pa.bool_(): "bool", pa.list_(pa.string()): "list"}
        return [arrow_column([r.get(f.name) for r in rows], types[f.type]) for f in schema]


def node_schema(label: str) -> pa.Schema:
    """A node table's columns in the store's order: id, properties, provenance."""
    return pa.schema([(c, ARROW_TYPES[t]) for c, t in get_model().node_columns(label).items()])


def rel_schema(type_: str) -> pa.Schema:
    """A relationship table's columns: its endpoints' ids ``from`` and ``to``, then its own."""
    return pa.schema([("from", pa.string()), ("to", pa.string()),
                      *((c, ARROW_TYPES[t]) for c, t in get_model().rel_columns(type_).items())])


def _node_run(label: str) -> str:
    """The name of a label's staging file, before its prefix and suffix."""
    return f"node.{label}"


def _rel_run(key: tuple[str, str, str]) -> str:
    """The name of a relationship table's staging file: type, start label, end label."""
    return "rel." + ".".join(key)


class StagedLoad(LoadSink):
    """A load staged in ``folder`` (see the module docstring). A backend says how a Parquet
    file of new nodes or relationships is written (``copy_nodes``, ``copy_rels``), and
    provides ``existing_rel_ids``; the rest uses the store protocol."""

    #: each write of a chunk commits on its own once the chunk's journal entry is on disk (a
    #: store whose uncommitted transaction is held in memory), instead of one transaction a chunk
    commit_steps = False
    #: changed nodes handed to ``Store.update_nodes`` at a time (``_update_nodes``)
    update_rows = 5_000
    #: list entries from which a new node's row is written apart from the rest of its table, in
    #: files of at most ``long_entries`` entries each (``LongRows``); 0: never
    long_list_row = 0
    long_entries = 0

    def __init__(self, store: Store, folder: Path, *, journal: Journal | None = None,
                 chunk_records: int = 0):
        super().__init__(store)
        self.folder = folder
        self.journal = journal
        self.chunk_records = chunk_records  # 0: the whole load is one chunk
        self.chunks = 0
        # the staging file of each label and relationship table, with its writer (None once
        # adopted from another process: ``detach``, ``adopt``)
        self._node_runs: dict[str, tuple[Path, pq.ParquetWriter | None]] = {}
        self._rel_runs: dict[tuple[str, str, str], tuple[Path, pq.ParquetWriter | None]] = {}
        self._staged = 0  # records staged in the current chunk
        self._stored_before: set[str] | None = None  # labels and types the store held at the start
        self._created: dict[str, list[pa.Array]] = defaultdict(list)  # ids earlier chunks created
        self._entry = Entry()
        #: the staging files' names begin with it: another part of a load's one input read by a
        #: process of its own (``graphkit/load/apart.py``) stages beside this one's
        self.prefix = ""

    @abstractmethod
    def copy_nodes(self, label: str, path: Path, weight: int = 0) -> None:
        """Create the nodes in ``path`` (none of them is stored yet); ``weight``: its rows, or
        for a file of long rows (``LongRows``) their list entries."""

    def storage_groups(self, label: str) -> tuple[int, int]:
        """For a store that keeps a table in groups of rows and appends each COPY to the last
        (LadybugDB's node groups): the rows of a group, and the rows ``label``'s table holds,
        deleted ones too (where a COPY appends); files of long rows are placed by them
        (``_placed``). (0, 0): a store without such groups."""
        return 0, 0

    def stored_rels(self, type_: str, sl: str, el: str, table: pa.Table) -> set[str]:
        """The ids of the relationships of a staged table (``from``, ``to``, ``id``) that the
        store holds, with the same id and endpoints."""
        return self.store.existing_rel_ids(type_, sl, el, table.column("from").to_pylist(),
                                           table.column("to").to_pylist(), table.column("id").to_pylist())

    @abstractmethod
    def copy_rels(self, type_: str, start_label: str, end_label: str, path: Path) -> None:
        """Create the relationships in ``path`` (none stored yet; their endpoints are)."""

    # ---- staging ---------------------------------------------------------------------------

    def add(self, nodes: list[Node], rels: list[Rel]) -> None:
        model = get_model()
        by_label: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for node in nodes:
            bucket = by_label[node.label]
            old = bucket.get(node.id)
            # the first record's properties are taken as they are: only model columns are staged
            bucket[node.id] = node.props if old is None else merge_node_props(node.label, old, node.props)
        for label, merged in by_label.items():
            schema = node_schema(label)
            arrays = [pa.array(list(merged), pa.string()),
                      *arrow_columns(list(merged.values()), schema.remove(schema.get_field_index("id")))]
            self._append(self._node_runs, label, _node_run(label), pa.Table.from_arrays(arrays, schema=schema))
            self._staged += len(merged)
        groups: dict[tuple[str, str, str], dict[str, Rel]] = defaultdict(dict)
        for rel in rels:
            groups[(rel.type, rel.start_label, rel.end_label)].setdefault(rel.id, rel)  # the first stays, as across batches
        for (type_, sl, el), by_id in groups.items():
            model.rel_between(type_, sl, el)
            batch = list(by_id.values())
            schema = rel_schema(type_)
            arrays = [pa.array([r.start for r in batch], pa.string()),
                      pa.array([r.end for r in batch], pa.string()),
                      pa.array(list(by_id), pa.string()),
                      *arrow_columns([r.props for r in batch], pa.schema(list(schema)[3:]))]
            self._append(self._rel_runs, (type_, sl, el), _rel_run((type_, sl, el)),
                         pa.Table.from_arrays(arrays, schema=schema))
            self._staged += len(batch)
        if self.chunk_records and self._staged >= self.chunk_records:
            self.commit_chunk()

    def _append(self, runs: dict[Any, tuple[Path, pq.ParquetWriter | None]], key: Any, name: str,
                table: pa.Table) -> None:
        path, writer = runs.get(key) or (self.folder / f"{self.prefix}{name}.parquet", None)
        if writer is None:
            if path.exists():
                raise RuntimeError(f"{path.name}: staged in another process, and closed")
            writer = pq.ParquetWriter(path, table.schema)
            runs[key] = (path, writer)
        writer.write_table(table)  # one row group per batch

    def close(self) -> None:
        """Close the staging files (idempotent)."""
        for _, writer in [*self._node_runs.values(), *self._rel_runs.values()]:
            if writer is not None:
                writer.close()

    def detach(self) -> tuple[dict[str, Path], dict[tuple[str, str, str], Path], int]:
        """The staging files, closed, and the records they hold: for a sink in another process
        (the one that read the load, ``graphkit/load/apart.py``) to ``adopt``."""
        self.close()
        return ({k: p for k, (p, _) in self._node_runs.items()},
                {k: p for k, (p, _) in self._rel_runs.items()}, self._staged)

    def adopt(self, staged: tuple[dict[str, Path], dict[tuple[str, str, str], Path], int]) -> None:
        """Take over what another process staged into this sink's folder (``detach``)."""
        nodes, rels, count = staged
        self._node_runs = {k: (p, None) for k, p in nodes.items()}
        self._rel_runs = {k: (p, None) for k, p in rels.items()}
        self._staged = count

    def take(self, staged: tuple[dict[str, Path], dict[tuple[str, str, str], Path], int]) -> None:
        """Append what another process staged (``detach``: the next part of the input, read with
        another ``prefix``) to this sink's staging files, batch by batch, and remove its files:
        the rows end up in the order one process reading both parts would have staged them."""
        nodes, rels, count = staged
        for label, path in nodes.items():
            self._append_file(self._node_runs, label, _node_run(label), path)
        for key, path in rels.items():
            self._append_file(self._rel_runs, key, _rel_run(key), path)
        self._staged += count

    def _append_file(self, runs: dict[Any, tuple[Path, pq.ParquetWriter | None]], key: Any, name: str,
                     path: Path) -> None:
        """``_append`` every batch of the staging file at ``path``, then remove it."""
        part = pq.ParquetFile(path)
        for group in range(part.num_row_groups):
            self._append(runs, key, name, part.read_row_group(group))
        path.unlink()

    # ---- writing -----------------------------------------------------------------------------

    def finish(self) -> None:
        """Write everything staged (the last chunk)."""
        self.commit_chunk()

    def commit_chunk(self) -> None:
        """Write the chunk staged so far and start the next one. Every table's writes are worked
        out first (``_plan``: look-ups of stored records, merged files of new ones), then the
        chunk's journal entry goes to disk and the writes run: each committing on its own where
        the store commits steps (``commit_steps``, with a journal), else all in one transaction
        with the entry on disk before its commit."""
        self.close()
        if not self._node_runs and not self._rel_runs:
            return
        store = self.store
        if self._stored_before is None:  # nothing of this load is committed yet
            model = get_model()
            self._stored_before = (
                {label for label in model.nodes
                 if store._execute(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]}
                | {t for t in model.relationships
                   if store._execute(f"MATCH ()-[r:{t}]->() RETURN count(r) AS n")[0]["n"]})
        self._entry = Entry()
        if self.commit_steps and self.journal is not None:
            writes = self._plan(release=True)
            self.journal.record(self._entry)  # on disk before the first write commits
            self._entry = Entry()  # its ids (some 100 MB at 500k PSC lines) are not needed again
            hand_back_memory()  # what the planning freed, before the store's writes add theirs
            for write in writes:
                write()
        else:
            with store.transaction():
                for write in self._plan():
                    write()
                if self.journal is not None and self._entry:
                    self.journal.record(self._entry)  # on disk before the commit
        for path, _ in [*self._node_runs.values(), *self._rel_runs.values()]:
            path.unlink(missing_ok=True)
        for final in self.folder.glob("final.*.parquet"):
            final.unlink()
        self._node_runs, self._rel_runs, self._staged = {}, {}, 0
        self.chunks += 1

    def _plan(self, *, release: bool = False) -> list[Callable[[], None]]:
        """The chunk's writes in order (nodes first, so every relationship finds its endpoints),
        with the journal entry filled in: what they create, and the old properties of what
        they change. ``release``: outside a transaction, the store gives back what each table's
        look-ups took before the next table's (``release_lookups``)."""
        assert self._stored_before is not None
        writes: list[Callable[[], None]] = []
        for label, (path, _) in self._node_runs.items():
            writes += self._plan_nodes(label, path, label in self._stored_before)
            if release:
                self.release_lookups()
        for (type_, sl, el), (path, _) in sorted(self._rel_runs.items()):
            writes += self._plan_rels(type_, sl, el, path, type_ in self._stored_before)
            if release:
                self.release_lookups()
        return writes

    def release_lookups(self) -> None:
        """Give back what the store took to answer a table's look-ups (which staged records it
        holds), before the next table's: called between tables, outside a transaction. Here,
        nothing: a store that keeps it until it is closed closes."""

    def _prior(self, key: str) -> pa.Array | None:
        """The ids of ``key`` (a label, or a relationship type) that earlier chunks created."""
        arrays = self._created.get(key)
        return pa.concat_arrays(arrays) if arrays else None

    def _created_ids(self, key: str, path: Path, into: dict[str, Any]) -> None:
        """Note the ids the file at ``path`` creates: in the journal entry (``into``), and for
        the look-ups of later chunks when there may be any. Kept as Arrow arrays, a few dozen
        bytes an id."""
        array = pq.read_table(path, columns=["id"]).column("id").combine_chunks()
        if not len(array):
            return
        if self.chunk_records:
            self._created[key].append(array)
        into[key] = pa.concat_arrays([into[key], array]) if key in into else array

    def _plan_nodes(self, label: str, path: Path, stored: bool) -> list[Callable[[], None]]:
        store = self.store
        schema = node_schema(label)
        staged, dups = _duplicates(path)
        prior = self._prior(label)
        if not dups and not stored and prior is None:
            self._created_ids(label, path, self._entry.created)
            self.stats.nodes_created += staged
            return [partial(self.copy_nodes, label, path)]
        old = self.journal.old_rows(label) if self.journal is not None else None
        # the changed nodes' merged properties, a file for each set of properties they change,
        # written with those columns only: LadybugDB rewrites each column it sets (on the full
        # snapshot's graph, 13,044 people set to their own values took 0.6 s for two columns and
        # 103 s for all 20), and most firms a later part shares with the graph change only their
        # sources, where the union of all their changes held seven columns (docs/benchmarks.md,
        # "Loader: the UK PSC snapshot in parts")
        new: dict[frozenset[str], ParquetRows] = {}
        # which of the staged ids the store holds, asked once for the whole table: asked batch by
        # batch, each batch's look-up was a scan of the label's stored ids
        present = self._stored_ids(label, path, None if stored else prior) if stored or prior is not None else None

        def without_stored(table: pa.Table) -> pa.Table:
            """``table`` less the nodes already stored, whose old properties (for the journal)
            and merged new ones (for ``_update_nodes``) go to their files."""
            if present is None or not table.num_rows:
                return table
            ids = table.column("id")
            ids = ids.filter(pc.is_in(ids, value_set=present))
            existing = store.fetch_nodes(label, ids.to_pylist()) if len(ids) else {}
            if not existing:
                return table
            if old is not None:
                old.add(list(existing.values()))
            mask = pc.is_in(table.column("id"), value_set=pa.array(list(existing), pa.string()))
            updates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
            for row in table.filter(mask).to_pylist():
                before = existing[row["id"]]
                combined = merge_node_props(label, before, row)
                combined.setdefault("first_loaded", before.get("first_loaded"))
                changed = frozenset(k for k in before.keys() | combined.keys() if combined.get(k) != before.get(k))
                updates[changed].append(combined)
            for changed, rows in updates.items():
                if changed not in new:
                    new[changed] = ParquetRows(label, self.folder, f"final.update.{label}.{len(new)}.parquet")
                new[changed].add(rows)
            return table.filter(pc.invert(mask))

        final = self.folder / f"final.node.{label}.parquet"
        created = 0
        repeated: list[pa.Table] = []  # the records of nodes staged in several batches
        # a node staged in one batch holds at most what one batch gave it: rows with long lists
        # come from the merge of repeated records
        long = LongRows(self.folder / f"final.node.{label}", schema, self.long_list_row, self.long_entries)
        try:
            with pq.ParquetWriter(final, schema) as writer:
                for table, again in _batches(path, dups):
                    repeated.append(again)
                    table = without_stored(table)
                    writer.write_table(table)
                    created += table.num_rows
                for table in _merge_repeats(label, repeated, schema):
                    table = long.take(without_stored(table))
                    writer.write_table(table)
                    created += table.num_rows
        finally:
            for rows in new.values():
                rows.close()
            long.close()
            if old is not None:
                old.close()  # on disk before the entry that names it
        writes: list[Callable[[], None]] = []
        if old:
            self._entry.updated[label] = old
        writes += [partial(self._update_nodes, rows, set(changed)) for changed, rows in new.items() if rows]
        if created:
            self._created_ids(label, final, self._entry.created)
        for part, _entries in long.parts:
            self._created_ids(label, part, self._entry.created)
        group, at = self.storage_groups(label) if long.parts else (0, 0)
        writes += [partial(self.copy_nodes, label, path, weight)
                   for path, weight in _placed(final, created, long.parts, group, at)]
        created += long.rows
        self.stats.nodes_created += created
        self.stats.nodes_updated += staged - created
        return writes

    def _update_nodes(self, rows: ParquetRows, columns: set[str]) -> None:
        """Write the merged properties of changed nodes from their staging file, read
        ``update_rows`` at a time, so that no list of all of them is alive; of the properties
        in ``columns`` only, the others being as stored."""
        for part in rows.read(self.update_rows):
            self.store.update_nodes(rows.label, part, columns)

    def _plan_rels(self, type_: str, sl: str, el: str, path: Path, stored: bool) -> list[Callable[[], None]]:
        schema = rel_schema(type_)
        staged, dups = _duplicates(path)
        prior = self._prior(type_)
        if not dups and not stored and prior is None:
            self._created_ids(type_, path, self._entry.rels)
            self.stats.rels_created += staged
            return [partial(self.copy_rels, type_, sl, el, path)]
        seen: set[str] = set()  # across batches the first record of a relationship stays
        have = (self._stored_of(type_, sl, el, path, None if stored else prior)
                if stored or prior is not None else None)
        final = self.folder / f"final.rel.{type_}.{sl}.{el}.parquet"
        created = 0
        with pq.ParquetWriter(final, schema) as writer:
            for table, repeated in _batches(path, dups):
                first = []
                for row in repeated.to_pylist():
                    if row["id"] not in seen:
                        seen.add(row["id"])
                        first.append(row)
                if first:
                    table = pa.concat_tables([table, pa.Table.from_pylist(first, schema=schema)])
                if have is not None:
                    table = table.filter(pc.invert(pc.is_in(table.column("id"), value_set=have)))
                writer.write_table(table)
                created += table.num_rows
        self.stats.rels_created += created
        self.stats.rels_existing += staged - created
        if not created:
            return []
        self._created_ids(type_, final, self._entry.rels)
        return [partial(self.copy_rels, type_, sl, el, final)]

    def _stored_ids(self, label: str, path: Path, prior: pa.Array | None) -> pa.Array | None:
        """The ids staged in ``path`` (nodes of ``label``) that the store holds (None: none),
        for a label the store held before the load, or of which earlier chunks created ``prior``."""
        ids = pc.unique(pq.read_table(path, columns=["id"]).column("id"))
        if prior is not None:  # only what earlier chunks created can be stored
            ids = ids.filter(pc.is_in(ids, value_set=prior))
        found = [self.stored_nodes(label, ids.slice(i, ASK_IDS)) for i in range(0, len(ids), ASK_IDS)]
        present = pa.concat_arrays(found) if found else pa.array([], pa.string())
        return present if len(present) else None

    def stored_nodes(self, label: str, ids: pa.Array) -> pa.Array:
        """Those of ``ids`` (of nodes of ``label``) that the store holds."""
        return pa.array(list(self.store.fetch_nodes(label, ids.to_pylist())), pa.string())

    def _stored_of(self, type_: str, sl: str, el: str, path: Path, prior: pa.Array | None) -> pa.Array | None:
        """The ids of the relationships staged in ``path`` that the store holds already (None:
        none does), for a table the store held before the load, or of which earlier chunks
        created ``prior``. Only a relationship between two nodes that were stored before this
        chunk can be: one whose start or end this chunk creates is new. So the store is asked
        about those alone, once for the whole table, and not at all where there are none (a
        later part of a registry loaded over earlier ones adds mostly new people, each with new
        relationships, and asking about every one of them read the stored table ever more
        slowly as the graph grew: docs/benchmarks.md, "Loader: the UK PSC snapshot in parts")."""
        staged = pq.read_table(path, columns=["from", "to", "id"])
        old = pc.invert(pc.or_(self._new_this_chunk(sl, staged.column("from")),
                               self._new_this_chunk(el, staged.column("to"))))
        if prior is not None:  # only what earlier chunks created can be stored
            old = pc.and_(old, pc.is_in(staged.column("id"), value_set=prior))
        candidates = staged.filter(old)
        del staged
        if not candidates.num_rows:
            return None
        found = self.stored_rels(type_, sl, el, candidates)
        return pa.array(sorted(found), pa.string()) if found else None

    def _new_this_chunk(self, label: str, ids: pa.ChunkedArray) -> pa.ChunkedArray:
        """Whether each of ``ids`` (of nodes of ``label``) is created by this chunk's writes."""
        created = self._entry.created.get(label)
        if created is None:
            created = pa.array([], pa.string())
        elif not isinstance(created, pa.Array):
            created = pa.array(created, pa.string())
        return pc.is_in(ids, value_set=created)


class _Files:
    """Parquet files of one schema written one after another, each opened at its first rows:
    ``{prefix}{n}.parquet``; ``files`` names each closed one with its weight (what ``write``
    was told each piece weighs: rows, or list entries)."""

    def __init__(self, prefix: Path, schema: pa.Schema) -> None:
        self.prefix, self.schema = prefix, schema
        self.files: list[tuple[Path, int]] = []
        self.weight = 0  # of the file being written
        self._writer: pq.ParquetWriter | None = None

    def write(self, piece: pa.Table | pa.RecordBatch, weight: int) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(f"{self.prefix}{len(self.files)}.parquet", self.schema)
        if isinstance(piece, pa.RecordBatch):
            self._writer.write_batch(piece)
        else:
            self._writer.write_table(piece)
        self.weight += weight

    def close(self) -> None:
        """Close the file being written, if any (``files`` then names it)."""
        if self._writer is not None:
            self._writer.close()
            self.files.append((Path(self._writer.where), self.weight))
            self._writer, self.weight = None, 0


class LongRows:
    """The rows of a node table whose lists hold ``least`` entries or more between them, taken
    out of the tables that pass (``take``) and written as they come to files of their own
    (``parts``: path and list entries), each of at most ``budget`` entries (a longer row alone).
    A store whose COPY takes memory out of proportion for long lists writes each such file on
    its own (``store/embedded.py``, ``LONG_LIST_ROW``). ``least`` 0: every row passes."""

    def __init__(self, prefix: Path, schema: pa.Schema, least: int, budget: int) -> None:
        self.least, self.budget = least, budget
        self.lists = [f.name for f in schema if pa.types.is_list(f.type)]
        self._files = _Files(prefix.with_name(f"{prefix.name}.long"), schema)
        self.parts = self._files.files
        self.rows = 0

    def take(self, table: pa.Table) -> pa.Table:
        """``table`` less its long rows, which go to the files."""
        if self.least <= 0 or not self.lists or not table.num_rows:
            return table
        entries = pa.array([0] * table.num_rows, pa.int64())
        for name in self.lists:
            entries = pc.add(entries, pc.fill_null(pc.list_value_length(table.column(name)), 0))
        long = pc.greater_equal(entries, self.least)
        if not pc.any(long).as_py():
            return table
        rows = table.filter(long)
        for i, n in enumerate(entries.filter(long).to_pylist()):
            if self._files.weight and self._files.weight + n > self.budget:
                self._files.close()
            self._files.write(rows.slice(i, 1), n)
            self.rows += 1
        return table.filter(pc.invert(long))

    def close(self) -> None:
        """Close the file being written, if any (``parts`` then names it)."""
        self._files.close()


def _placed(final: Path, rows: int, long: list[tuple[Path, int]], group: int, at: int) -> list[tuple[Path, int]]:
    """The COPYs of a label's new nodes, in order, as (file, weight): the ``rows`` of ``final``,
    and each file of long rows (``LongRows``: its list entries the weight) placed so that its
    rows are the last of their storage group (``store/embedded.py``, ``NODE_GROUP_ROWS``): before
    it, as many rows of ``final`` (in a file of their own) as fill the group but for them. The
    table holds ``at`` rows (where the first COPY appends) in groups of ``group`` rows. A later
    COPY appends to the table's last group, so it never appends to one of theirs, and no two
    files share a group. A file the rows left cannot place comes after the rest, as all do with
    ``group`` 0 (a store without such groups)."""
    plain = [(final, rows)] if rows else []
    if not long or not group or not rows:
        return plain + long
    before: list[int] = []  # rows of final before each file placed
    fill, left = at % group, rows
    for path, _ in long:
        need = (group - fill - int(pq.ParquetFile(path).metadata.num_rows)) % group
        if need > left:
            break
        before.append(need)
        fill, left = 0, left - need
    pieces = iter(_sliced(final, before))
    order: list[tuple[Path, int]] = []
    for part, need in zip(long, before, strict=False):
        if need:
            order.append(next(pieces))
        order.append(part)
    return order + list(pieces) + long[len(before):]


def _sliced(path: Path, sizes: list[int]) -> list[tuple[Path, int]]:
    """``path``'s rows in files of ``sizes`` rows each (none for a size 0), the rest in one more
    file (if any is left), each as (file, rows); ``path`` itself is left as it is."""
    wanted = [n for n in sizes if n]
    source = pq.ParquetFile(path)
    files = _Files(path.with_name(f"{path.stem}.slice"), source.schema_arrow)
    try:
        for batch in source.iter_batches(batch_size=65_536):
            while batch.num_rows:
                n = len(files.files)
                room = wanted[n] - files.weight if n < len(wanted) else batch.num_rows
                piece, batch = batch.slice(0, room), batch.slice(room)
                files.write(piece, piece.num_rows)
                if n < len(wanted) and files.weight == wanted[n]:
                    files.close()
    finally:
        files.close()
    return files.files


def _batches(path: Path, dups: pa.Array | None) -> Iterator[tuple[pa.Table, pa.Table]]:
    """The staged batches of ``path`` in order, each split into the rows whose id is staged only
    once and the rows of ``dups`` (for the caller to merge)."""
    source = pq.ParquetFile(path)
    for i in range(source.num_row_groups):
        table = source.read_row_group(i)
        if dups is None:
            yield table, table.slice(0, 0)
            continue
        mask = pc.is_in(table.column("id"), value_set=dups)
        yield table.filter(pc.invert(mask)), table.filter(mask)


def _merge_repeats(label: str, parts: list[pa.Table], schema: pa.Schema) -> Iterator[pa.Table]:
    """The records of nodes staged in several batches (``parts``, in the order staged), each
    node's merged into one with ``merge_node_props`` in that order, the nodes in the order of
    their first record: what one dict of every repeated node gave, but sorted by id in Arrow
    and merged ``MERGE_SLICE`` records at a time, so that the Python objects alive at once are
    bounded (at 500k PSC lines most firms are staged in several batches, and that dict was
    hundreds of MB at the top of the load's peak)."""
    repeated = pa.concat_tables(parts) if parts else None
    if repeated is None or not repeated.num_rows:
        return
    keys = pa.table({"id": repeated.column("id"), "at": pa.array(range(repeated.num_rows), pa.int64())})
    order = pc.sort_indices(keys, sort_keys=[("id", "ascending"), ("at", "ascending")])
    tables: list[pa.Table] = []
    firsts: list[pa.Array] = []  # where each merged node's first record was staged
    node: dict[str, Any] | None = None
    first = 0
    for start in range(0, len(order), MERGE_SLICE):
        taken = order.slice(start, MERGE_SLICE)
        done: list[dict[str, Any]] = []
        done_at: list[int] = []
        for at, row in zip(taken.to_pylist(), repeated.take(taken).to_pylist(), strict=True):
            if node is not None and row["id"] == node["id"]:
                node = merge_node_props(label, node, row)
                continue
            if node is not None:
                done.append(node)
                done_at.append(first)
            node, first = row, at
        if start + MERGE_SLICE >= len(order) and node is not None:
            done.append(node)
            done_at.append(first)
        tables.append(pa.Table.from_pylist(done, schema=schema))
        firsts.append(pa.array(done_at, pa.int64()))
    merged = pa.concat_tables(tables)
    order = pc.sort_indices(pa.concat_arrays(firsts))
    for start in range(0, len(order), MERGE_SLICE):
        yield merged.take(order.slice(start, MERGE_SLICE))


def _duplicates(path: Path) -> tuple[int, pa.Array | None]:
    """How many records a staged file holds, and the ids staged more than once (None if none)."""
    ids = pq.read_table(path, columns=["id"]).column("id")
    counts = pc.value_counts(ids)
    dups = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    return len(ids), (dups if len(dups) else None)


def hand_back_memory() -> None:
    """Hand memory freed by the load back to the system: the pages Arrow's pool keeps for reuse,
    and glibc's free heap pages (``malloc_trim``). Without it, memory a phase of a load freed
    still counts towards the process's size when the next phase adds its own, and the peaks of
    the phases stack up (docs/benchmarks.md, "Loader: loads in chunks")."""
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused, not returned
        pass


@contextmanager
def staged(sink: StagedLoad) -> Iterator[StagedLoad]:
    """A load's life: batches go to ``sink``; when the caller is done without error the sink
    writes them out (``finish``); its staging folder is removed either way."""
    try:
        yield sink
        sink.finish()
    finally:
        sink.close()
        shutil.rmtree(sink.folder, ignore_errors=True)
