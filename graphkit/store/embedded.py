"""The embedded store: LadybugDB (the maintained successor of Kùzu), on disk, no server.

Tables are created from the model. New nodes and relationships go in through ``COPY ... FROM``
an Arrow table (the bulk path); updates of existing nodes through one ``LOAD FROM`` statement
per batch. A load is one transaction: ``transaction()`` rolls everything back on any error.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphkit.errors import StoreError
from graphkit.model import Node, Rel, get_model, merge_node_props
from graphkit.store.base import LoadSink, Store

DEFAULT_DB = "graphkit-data"
DB_FILE = "graph.lbdb"

_LB_TYPES = {"string": "STRING", "date": "DATE", "float": "DOUBLE", "int": "INT64",
             "bool": "BOOLEAN", "list": "STRING[]"}
_ARROW_TYPES = {"string": pa.string(), "date": pa.date32(), "float": pa.float64(), "int": pa.int64(),
                "bool": pa.bool_(), "list": pa.list_(pa.string())}


def _buffer_pool() -> int:
    """LadybugDB's memory budget: GRAPHKIT_BUFFER_POOL_MB, else LadybugDB's default (a share of
    the machine's memory). A load is one transaction, and its uncommitted data and the primary-key
    indexes live in this pool: see docs/benchmarks.md for how it grows with the graph."""
    mb = os.environ.get("GRAPHKIT_BUFFER_POOL_MB")
    return int(mb) << 20 if mb else 0


def default_db_path() -> Path:
    return Path(os.environ.get("GRAPHKIT_DB") or DEFAULT_DB)


def _arrow_column(values: list[Any], typ: str) -> pa.Array:
    if typ == "date":
        values = [v if (v is None or isinstance(v, dt.date)) else dt.date.fromisoformat(str(v)[:10])
                  for v in values]
    return pa.array(values, type=_ARROW_TYPES[typ])


def _arrow(columns: dict[str, str], rows: list[dict[str, Any]], prefix: str = "") -> pa.Table:
    return pa.table({prefix + col: _arrow_column([r.get(col) for r in rows], typ)
                     for col, typ in columns.items()})


class EmbeddedStore(Store):
    """A LadybugDB database in the directory ``path`` (created if missing)."""

    dialect = "ladybug"
    name = "embedded"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        self._db: Any = None
        self._conn: Any = None
        self._in_tx = False

    # ---- connection ----------------------------------------------------------------------

    @property
    def conn(self) -> Any:
        if self._conn is None:
            import ladybug

            if self.path.exists() and not self.path.is_dir():
                raise StoreError(f"{self.path} is a file; --db takes a directory")
            if self.read_only and not (self.path / DB_FILE).exists():
                raise StoreError(f"no graph at {self.path}: load data first (graphkit load ...)")
            self.path.mkdir(parents=True, exist_ok=True)
            try:
                self._db = ladybug.Database(str(self.path / DB_FILE), buffer_pool_size=_buffer_pool(),
                                            read_only=self.read_only)
                self._conn = ladybug.Connection(self._db)
            except RuntimeError as exc:
                raise StoreError(f"cannot open the graph at {self.path}: {exc}") from None
            if not self.read_only:
                self.ensure_schema()
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._db.close()
            self._conn = self._db = None

    def ensure_schema(self) -> None:
        model = get_model()
        conn = self.conn
        for label in model.nodes:
            cols = ", ".join(f"{c} {_LB_TYPES[t]}" for c, t in model.node_columns(label).items())
            conn.execute(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols}, PRIMARY KEY (id))")
        for rt in model.relationships.values():
            pairs = ", ".join(f"FROM {a} TO {b}" for a, b in rt.between)
            cols = ", ".join(f"{c} {_LB_TYPES[t]}" for c, t in model.rel_columns(rt.type).items())
            conn.execute(f"CREATE REL TABLE IF NOT EXISTS {rt.type}({pairs}, {cols})")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_tx:
            yield
            return
        conn = self.conn
        conn.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield
        except BaseException:
            self._in_tx = False
            try:
                conn.execute("ROLLBACK")
            except RuntimeError:
                pass  # LadybugDB already rolled back after its own error; keep that error
            raise
        self._in_tx = False
        try:
            conn.execute("COMMIT")
        except RuntimeError as exc:
            raise StoreError(f"commit failed: {exc}") from None

    @contextmanager
    def load(self) -> Iterator[LoadSink]:
        """One transaction for the whole load, its batches staged on disk (see StagedLoad)."""
        with self.transaction():
            folder = self._staging_folder()
            sink = StagedLoad(self, folder)
            try:
                yield sink
                sink.finish()
            finally:
                sink.close()
                shutil.rmtree(folder, ignore_errors=True)

    def _staging_folder(self) -> Path:
        """A new folder for a load's staging files: inside the database directory (the same
        disk, removed with it), unless that path cannot be written into a COPY statement."""
        folder = Path(tempfile.mkdtemp(prefix=".load-", dir=self.path)).resolve()
        if "'" in str(folder) or "\\" in str(folder):
            shutil.rmtree(folder)
            folder = Path(tempfile.mkdtemp(prefix="graphkit-load-")).resolve()
            if "'" in str(folder) or "\\" in str(folder):
                shutil.rmtree(folder)
                raise StoreError(f"no folder to stage a load in: {folder.parent} has a quote or "
                                 "backslash in its path; set TMPDIR to another folder")
        return folder

    def _copy(self, text: str, name: str) -> None:
        """Run a COPY statement, with the store's error messages."""
        try:
            self.conn.execute(text)
        except RuntimeError as exc:
            if "buffer pool is full" in str(exc):
                raise StoreError(f"{name}: the embedded store ran out of memory for this load (its buffer "
                                 "pool); set GRAPHKIT_BUFFER_POOL_MB higher, or load the file in parts") from None
            raise StoreError(f"{name} failed: {exc}") from None

    def execute(self, text: str, params: dict[str, Any] | None = None, *, name: str = "") -> list[dict[str, Any]]:
        try:
            result = self.conn.execute(text, params or {})
        except RuntimeError as exc:
            raise StoreError(f"query {name or text[:40]!r} failed: {exc}") from None
        rows = []
        columns = result.get_column_names()
        while result.has_next():
            rows.append(dict(zip(columns, result.get_next(), strict=True)))
        return rows

    def _scan(self, text: str, table: pa.Table, name: str) -> list[dict[str, Any]]:
        """Run ``text`` with the Arrow table bound as ``batch`` (LOAD FROM batch / COPY FROM batch)."""
        batch = table  # noqa: F841 - LadybugDB finds it by name in this frame
        try:
            result = self.conn.execute(text)
        except RuntimeError as exc:
            if "buffer pool is full" in str(exc):
                raise StoreError(f"{name}: the embedded store ran out of memory for this load (its buffer "
                                 "pool); set GRAPHKIT_BUFFER_POOL_MB higher, or load the file in parts") from None
            raise StoreError(f"{name} failed: {exc}") from None
        rows = []
        columns = result.get_column_names()
        while result.has_next():
            rows.append(dict(zip(columns, result.get_next(), strict=True)))
        return rows

    # ---- primitives ----------------------------------------------------------------------

    def fetch_nodes(self, label: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        model = get_model()
        label = model.node(label).label
        table = pa.table({"k_id": pa.array(ids, pa.string())})
        rows = self._scan(f"LOAD FROM batch MATCH (n:{label} {{id: k_id}}) RETURN n", table,
                          f"fetch {label}")
        out = {}
        for row in rows:
            props = {k: v for k, v in row["n"].items() if not k.startswith("_")}
            out[props["id"]] = props
        return out

    def create_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        columns = get_model().node_columns(label)
        self._scan(f"COPY {label} FROM batch", _arrow(columns, rows), f"create {label}")

    def update_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        columns = get_model().node_columns(label)
        sets = ", ".join(f"n.{c} = k_{c}" for c in columns if c != "id")
        self._scan(f"LOAD FROM batch MATCH (n:{label} {{id: k_id}}) SET {sets}",
                   _arrow(columns, rows, prefix="k_"), f"update {label}")

    def existing_rels(self, type_: str, start_label: str, end_label: str, rels: list[Rel]) -> set[str]:
        return self._existing_rel_ids(type_, start_label, end_label, [r.start for r in rels],
                                      [r.end for r in rels], [r.id for r in rels])

    def _existing_rel_ids(self, type_: str, start_label: str, end_label: str, starts: Any, ends: Any,
                          ids: Any) -> set[str]:
        """Ids among ``ids`` (with their endpoints ``starts``, ``ends``) already stored."""
        table = pa.table({"k_from": starts, "k_to": ends, "k_rid": ids})
        rows = self._scan(
            f"LOAD FROM batch MATCH (a:{start_label} {{id: k_from}})-[r:{type_}]->(b:{end_label} {{id: k_to}}) "
            "WHERE r.id = k_rid RETURN r.id AS id", table, f"find {type_}")
        return {r["id"] for r in rows}

    def create_rels(self, type_: str, start_label: str, end_label: str, rels: list[Rel]) -> None:
        columns = get_model().rel_columns(type_)
        rows = [{**r.props, "id": r.id} for r in rels]
        table = _arrow(columns, rows)
        table = table.add_column(0, "from", pa.array([r.start for r in rels], pa.string()))
        table = table.add_column(1, "to", pa.array([r.end for r in rels], pa.string()))
        self._scan(f"COPY {type_} FROM batch (from='{start_label}', to='{end_label}')", table,
                   f"create {type_}")


class StagedLoad(LoadSink):
    """One load into the embedded store, staged on disk and written at the end.

    LadybugDB keeps a transaction's uncommitted data in memory, and the cheapest way in is one
    ``COPY`` per table. So each batch is merged in memory (a firm repeated on several rows of the
    batch becomes one record), converted to Arrow and appended to one Parquet file per node
    label and per relationship table, in a folder inside the database directory. ``finish``
    then, inside the load's one transaction, merges the records that span batches, merges the
    records of nodes the store already holds into them (``LOAD FROM ... SET``), and ``COPY``s
    each table from its file: nodes first, so every relationship finds its endpoints. A table
    that is empty when the load starts needs no look-up of stored nodes or relationships.

    The result is what writing each batch with ``Store.write`` gives: the same merges in the
    same order (within a batch the last record of a relationship is kept, across batches the
    first), and the same counts.
    """

    def __init__(self, store: EmbeddedStore, folder: Path):
        super().__init__(store)
        self.embedded = store
        self.folder = folder
        self._node_runs: dict[str, tuple[Path, pq.ParquetWriter]] = {}
        self._rel_runs: dict[tuple[str, str, str], tuple[Path, pq.ParquetWriter]] = {}

    # ---- staging ---------------------------------------------------------------------------

    def add(self, nodes: list[Node], rels: list[Rel]) -> None:
        model = get_model()
        by_label: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for node in nodes:
            bucket = by_label[node.label]
            old = bucket.get(node.id)
            # the first record's properties are used as they are: only model columns are staged
            bucket[node.id] = node.props if old is None else merge_node_props(node.label, old, node.props)
        for label, merged in by_label.items():
            columns = model.node_columns(label)
            arrays = [pa.array(list(merged), pa.string())]
            props = list(merged.values())
            arrays.extend(_arrow_column([p.get(c) for p in props], t) for c, t in columns.items() if c != "id")
            self._append(self._node_runs, label, f"node.{label}", _node_schema(label), arrays)
        groups: dict[tuple[str, str, str], dict[str, Rel]] = defaultdict(dict)
        for rel in rels:
            groups[(rel.type, rel.start_label, rel.end_label)][rel.id] = rel  # the last one stays
        for (type_, sl, el), by_id in groups.items():
            if (sl, el) not in model.rel(type_).between:
                raise ValueError(f"a {type_} cannot go from {sl} to {el}")
            batch = list(by_id.values())
            arrays = [pa.array([r.start for r in batch], pa.string()),
                      pa.array([r.end for r in batch], pa.string()),
                      pa.array(list(by_id), pa.string())]
            arrays.extend(_arrow_column([r.props.get(c) for r in batch], t)
                          for c, t in model.rel_columns(type_).items() if c != "id")
            self._append(self._rel_runs, (type_, sl, el), f"rel.{type_}.{sl}.{el}", _rel_schema(type_),
                         arrays)

    def _append(self, runs: dict[Any, tuple[Path, pq.ParquetWriter]], key: Any, name: str,
                schema: pa.Schema, arrays: list[pa.Array]) -> None:
        run = runs.get(key)
        if run is None:
            path = self.folder / f"{name}.parquet"
            run = runs[key] = (path, pq.ParquetWriter(path, schema))
        run[1].write_table(pa.Table.from_arrays(arrays, schema=schema))  # one row group per batch

    def close(self) -> None:
        """Close the staging files (idempotent)."""
        for _, writer in [*self._node_runs.values(), *self._rel_runs.values()]:
            writer.close()

    # ---- writing -----------------------------------------------------------------------------

    def finish(self) -> None:
        """Write everything staged, inside the load's transaction."""
        self.close()
        store = self.embedded
        stored_labels = {label for label in self._node_runs
                         if store.execute(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]}
        stored_types = {t for t, _, _ in self._rel_runs
                        if store.execute(f"MATCH ()-[r:{t}]->() RETURN count(r) AS n")[0]["n"]}
        for label, (path, _) in self._node_runs.items():
            self._finish_nodes(label, path, label in stored_labels)
        for (type_, sl, el), (path, _) in sorted(self._rel_runs.items()):
            self._finish_rels(type_, sl, el, path, type_ in stored_types)

    def _finish_nodes(self, label: str, path: Path, stored: bool) -> None:
        store = self.embedded
        schema = _node_schema(label)
        staged, dups = _duplicates(path)
        if not dups and not stored:
            store._copy(f"COPY {label} FROM '{path}'", f"create {label}")
            self.stats.nodes_created += staged
            return
        merged: dict[str, dict[str, Any]] = {}  # records of one node staged in several batches

        def stored_merged(table: pa.Table) -> pa.Table:
            """``table`` without the nodes already stored, which are merged and updated."""
            if not stored or not table.num_rows:
                return table
            existing = store.fetch_nodes(label, table.column("id").to_pylist())
            if not existing:
                return table
            mask = pc.is_in(table.column("id"), value_set=pa.array(list(existing), pa.string()))
            updates = []
            for row in table.filter(mask).to_pylist():
                old = existing[row["id"]]
                combined = merge_node_props(label, old, row)
                combined.setdefault("first_loaded", old.get("first_loaded"))
                updates.append(combined)
            store.update_nodes(label, updates)
            return table.filter(pc.invert(mask))

        final = self.folder / f"final.node.{label}.parquet"
        created = 0
        with pq.ParquetWriter(final, schema) as writer:
            source = pq.ParquetFile(path)
            for i in range(source.num_row_groups):
                table = source.read_row_group(i)
                if dups:
                    mask = pc.is_in(table.column("id"), value_set=dups)
                    for row in table.filter(mask).to_pylist():
                        old = merged.get(row["id"])
                        merged[row["id"]] = row if old is None else merge_node_props(label, old, row)
                    table = table.filter(pc.invert(mask))
                table = stored_merged(table)
                writer.write_table(table)
                created += table.num_rows
            if merged:
                table = stored_merged(pa.Table.from_pylist(list(merged.values()), schema=schema))
                writer.write_table(table)
                created += table.num_rows
        if created:
            store._copy(f"COPY {label} FROM '{final}'", f"create {label}")
        self.stats.nodes_created += created
        self.stats.nodes_updated += staged - created

    def _finish_rels(self, type_: str, sl: str, el: str, path: Path, stored: bool) -> None:
        store = self.embedded
        schema = _rel_schema(type_)
        copy = f"COPY {type_} FROM '{{}}' (from='{sl}', to='{el}')"
        staged, dups = _duplicates(path)
        if not dups and not stored:
            store._copy(copy.format(path), f"create {type_}")
            self.stats.rels_created += staged
            return
        seen: set[str] = set()  # across batches the first record of a relationship stays
        final = self.folder / f"final.rel.{type_}.{sl}.{el}.parquet"
        created = 0
        with pq.ParquetWriter(final, schema) as writer:
            source = pq.ParquetFile(path)
            for i in range(source.num_row_groups):
                table = source.read_row_group(i)
                if dups:
                    mask = pc.is_in(table.column("id"), value_set=dups)
                    first = []
                    for row in table.filter(mask).to_pylist():
                        if row["id"] not in seen:
                            seen.add(row["id"])
                            first.append(row)
                    table = pa.concat_tables([table.filter(pc.invert(mask)),
                                              pa.Table.from_pylist(first, schema=schema)])
                if stored and table.num_rows:
                    have = store._existing_rel_ids(type_, sl, el, table.column("from"), table.column("to"),
                                                   table.column("id"))
                    if have:
                        table = table.filter(pc.invert(pc.is_in(table.column("id"),
                                                                value_set=pa.array(list(have), pa.string()))))
                writer.write_table(table)
                created += table.num_rows
        if created:
            store._copy(copy.format(final), f"create {type_}")
        self.stats.rels_created += created
        self.stats.rels_existing += staged - created


def _duplicates(path: Path) -> tuple[int, pa.Array | None]:
    """How many records a staged file holds, and the ids staged more than once (None if none)."""
    ids = pq.read_table(path, columns=["id"]).column("id")
    counts = pc.value_counts(ids)
    dups = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    return len(ids), (dups if len(dups) else None)


def _node_schema(label: str) -> pa.Schema:
    return pa.schema([(c, _ARROW_TYPES[t]) for c, t in get_model().node_columns(label).items()])


def _rel_schema(type_: str) -> pa.Schema:
    return pa.schema([("from", pa.string()), ("to", pa.string()),
                      *((c, _ARROW_TYPES[t]) for c, t in get_model().rel_columns(type_).items())])
