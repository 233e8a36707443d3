"""The store protocol: what every backend implements, and the logic shared above it.

A backend implements a few primitives (open a transaction, run a query, fetch nodes by id, create
or update nodes, find existing relationships, create relationships). Everything else - merging
what records say about a node, making loads idempotent, counting - lives here once, so the
embedded store and Neo4j behave the same and one conformance suite tests both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Self

from graphkit.errors import QueryError, StoreError
from graphkit.model import Node, Rel, get_model, merge_node_props
from graphkit.queries import get_query
from graphkit.store.dialect import NEO4J, Dialect


@dataclass
class WriteStats:
    nodes_created: int = 0
    nodes_updated: int = 0
    rels_created: int = 0
    rels_existing: int = 0

    def add(self, other: WriteStats) -> None:
        self.nodes_created += other.nodes_created
        self.nodes_updated += other.nodes_updated
        self.rels_created += other.rels_created
        self.rels_existing += other.rels_existing


@dataclass
class Counts:
    """What a store holds: nodes by label, relationships by type, and both by dataset."""

    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    by_dataset: dict[str, dict[str, int]] = field(default_factory=dict)


class LoadSink:
    """Takes the batches of one load; ``stats`` is what the store gained once the load ends."""

    def __init__(self, store: Store):
        self.store = store
        self.stats = WriteStats()

    def add(self, nodes: list[Node], rels: list[Rel]) -> None:
        """Write one batch of records (idempotently, see ``Store.write``)."""
        with self.store.transaction():
            self.stats.add(self.store.write(nodes, rels))


def refuse_missing_columns(name: str, columns: tuple[str, ...], returned: Iterable[str]) -> None:
    """Raise StoreError if query ``name``, which returned ``returned``, lacks one of ``columns``."""
    have = set(returned)
    if missing := [c for c in columns if c not in have]:
        raise StoreError(f"query {name!r} returns no column {missing[0]!r}")


class Store(ABC):
    """A graph store. Use as a context manager, or call ``close()``."""

    #: how this store reads the query library (store/dialect.py)
    cypher_dialect: ClassVar[Dialect] = NEO4J
    name: str = "store"

    @property
    def dialect(self) -> str:
        """The name of this store's Cypher dialect: "neo4j" or "ladybug"."""
        return self.cypher_dialect.name

    # ---- primitives a backend implements -------------------------------------------------

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create tables, constraints and indexes for the model; idempotent."""

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside commits together or not at all."""

    @abstractmethod
    def _execute(self, text: str, params: dict[str, Any] | None = None, *, name: str = "") -> list[dict[str, Any]]:
        """Run Cypher text (already in this store's dialect) and return rows as dicts. Not part
        of the public protocol: outside ``store/``, graphkit runs named queries (``run``) and
        the store's methods, so every query a command runs is a file of ``cypher/`` read in
        each store's dialect, or a statement built here from the model's labels."""

    def _execute_flat(self, text: str, params: dict[str, Any] | None = None, *, name: str = "") -> list[dict[str, Any]]:
        """``_execute`` for a query of plain-valued columns (``run_flat``): a store that reads
        such results faster in bulk overrides it; the rows must be those ``_execute`` gives."""
        return self._execute(text, params, name=name)

    def _execute_columns(self, text: str, params: dict[str, Any] | None, columns: tuple[str, ...], *,
                         name: str = "") -> tuple[list[Any], ...]:
        """``_execute_flat``'s rows as the lists of ``columns`` (``run_columns``): a store that
        reads such results faster column by column overrides it."""
        rows = self._execute_flat(text, params, name=name)
        if rows:
            refuse_missing_columns(name, columns, rows[0])
        return tuple([row[c] for row in rows] for c in columns)

    def read_pages(self, pattern: str, var: str, returns: str, batch: int, *,
                   name: str = "") -> Iterator[list[dict[str, Any]]]:
        """The rows of ``MATCH {pattern} RETURN {returns}`` (every node or relationship ``var``
        of one table), at most ``batch`` at a time, without the store holding them all at once:
        here each page after the last ``var.id`` read, in id order (keyset paging; ``SKIP``
        would sort the whole table again for every page). A store that reads a whole table
        faster another way overrides it (the embedded store: one scan into a file)."""
        text = f"MATCH {pattern} WHERE {var}.id > $after RETURN {returns}, {var}.id AS _key ORDER BY {var}.id LIMIT $limit"
        after = ""
        while True:
            rows = self._execute(text, {"after": after, "limit": batch}, name=name)
            if not rows:
                return
            after = rows[-1]["_key"]
            for row in rows:
                del row["_key"]
            yield rows

    @abstractmethod
    def fetch_nodes(self, label: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Stored properties of the nodes among ``ids`` that exist."""

    @abstractmethod
    def create_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        """Create nodes that do not exist yet (bulk path)."""

    @abstractmethod
    def update_nodes(self, label: str, rows: list[dict[str, Any]], columns: Collection[str] | None = None) -> None:
        """Overwrite the properties of existing nodes with ``rows`` (complete property sets).
        ``columns``: the only properties that may differ from the stored ones (a load that adds
        a source record to stored firms changes their ``records``, not their 30 other columns);
        a store may write only those. LadybugDB rewrites each column it sets: all of them took
        27 times as long as ``records`` alone for 25k stored LEI records (one-off)."""

    @abstractmethod
    def existing_rel_ids(self, type_: str, start_label: str, end_label: str, starts: list[str],
                         ends: list[str], ids: list[str]) -> set[str]:
        """Those of ``ids`` (relationships from ``starts[i]`` to ``ends[i]``) already stored."""

    def existing_rels(self, type_: str, start_label: str, end_label: str, rels: list[Rel]) -> set[str]:
        """Ids of those ``rels`` already stored."""
        return self.existing_rel_ids(type_, start_label, end_label, [r.start for r in rels],
                                     [r.end for r in rels], [r.id for r in rels])

    @abstractmethod
    def create_rels(self, type_: str, start_label: str, end_label: str, rels: list[Rel]) -> None:
        """Create relationships whose endpoints exist (bulk path)."""

    def delete_rels(self, type_: str, where: dict[str, Any]) -> int:
        """Delete relationships of ``type_`` whose properties equal ``where``; returns how many."""
        columns = get_model().rel_columns(type_)
        unknown = [k for k in where if k not in columns]
        if unknown:
            raise ValueError(f"{type_} has no property {unknown[0]!r}")
        cond = " AND ".join(f"r.{k} = ${k}" for k in where) or "true"
        rows = self._execute(f"MATCH ()-[r:{type_}]->() WHERE {cond} DELETE r RETURN count(*) AS n",
                            where, name=f"delete {type_}")
        return int(rows[0]["n"]) if rows else 0

    @contextmanager
    def load(self) -> Iterator[LoadSink]:
        """The scope of one load: yields the sink that takes its batches of records.

        Here the whole load is one transaction, each batch written by ``write``. Both backends
        override this to commit in chunks, each journalled before it commits so that a failed
        load is undone and a killed one undone by the next open (store/journal.py): the embedded
        store with a staged bulk path (store/staged.py), Neo4j streaming batch by batch
        (store/streamed.py).
        """
        with self.transaction():
            yield LoadSink(self)

    #: what opening this store undid: one line per load killed midway (store/journal.py)
    recovered: list[str]

    def journal_root(self) -> Path | None:
        """The folder of this store's load journals (store/journal.py); None where a load keeps
        none (it is one transaction)."""
        return None

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release the connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- shared logic --------------------------------------------------------------------

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named query from ``cypher/`` with parameters; rows as dicts, values as Python
        values (dates as ``datetime.date``) on every store. The one way graphkit runs a named
        query: any failure raises QueryError naming it, as does a query this store cannot run
        (``queries.ONLY_ON``)."""
        return self._run(query, params)

    def run_flat(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """``run`` for a named query whose columns are all plain values or lists of them (no
        node, relationship or path): the same rows, which a store may read in bulk (the
        embedded store through Arrow, about twice as fast as row by row on the 100k-row reads
        of resolution). Raises QueryError as ``run`` does, and where the query returns a node
        or relationship on a store that reads in bulk."""
        return self._run(query, params, flat=True)

    def run_columns(self, query: str, *columns: str, **params: Any) -> tuple[list[Any], ...]:
        """``run_flat``'s values of the named ``columns``, each as one list in row order: what a
        caller that reads a large result column by column needs, without a dict per row (the
        embedded store reads each column from Arrow at once). Raises QueryError as ``run``
        does, and where the query returns none of a column."""
        return self._run(query, params, columns=columns)

    #: below this many ids, ``run_keyed`` looks each id up on its own (a store whose batched
    #: look-up costs a scan sets it; 0 = always in batches)
    one_key_below: int = 0
    KEY_BATCH = 5_000

    def run_keyed(self, query: str, ids: Iterable[str]) -> list[dict[str, Any]]:
        """Run a query keyed by ``$ids`` (see ``Query.keyed``) for ``ids``: in batches of
        ``KEY_BATCH``, or one id at a time where this store looks single ids up faster
        (``one_key_below``). Rows as ``run`` gives them."""
        todo = sorted(set(ids))
        if len(todo) < self.one_key_below and get_query(query).keyed:
            return [r for i in todo for r in self._run(query, {"id": i}, one_key=True)]
        return [r for i in range(0, len(todo), self.KEY_BATCH)
                for r in self._run(query, {"ids": todo[i:i + self.KEY_BATCH]})]

    def _run(self, query: str, params: dict[str, Any], *, one_key: bool = False,
             flat: bool = False, columns: tuple[str, ...] | None = None) -> Any:
        q = get_query(query)
        why = self.cypher_dialect.cannot_run.get(query)
        if why is not None:
            raise QueryError(f"query {query!r} runs on {NEO4J.name} only: {why}", query)
        text = self.cypher_dialect.text(q, one_key=one_key)
        try:
            if columns is not None:
                return self._execute_columns(text, params, columns, name=query)
            return (self._execute_flat if flat else self._execute)(text, params, name=query)
        except QueryError:
            raise
        except StoreError as exc:
            raise QueryError(str(exc), query) from None

    def write(self, nodes: Iterable[Node], rels: Iterable[Rel]) -> WriteStats:
        """Write records idempotently: nodes are merged with what is stored (see
        ``model.merge_node_props``), relationships already stored are left as they are.
        Nodes go first, so every relationship finds its endpoints. Call inside ``transaction()``
        to make a batch atomic.
        """
        stats = WriteStats()
        by_label: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for node in nodes:
            bucket = by_label[node.label]
            bucket[node.id] = merge_node_props(node.label, bucket.get(node.id), node.props)
        for label, merged in by_label.items():
            existing = self.fetch_nodes(label, list(merged))
            new_rows, updated = [], []
            for node_id, props in merged.items():
                old = existing.get(node_id)
                if old is None:
                    new_rows.append({"id": node_id, **props})
                else:
                    combined = merge_node_props(label, old, props)
                    combined.setdefault("first_loaded", old.get("first_loaded"))
                    updated.append({**combined, "id": node_id})
            if new_rows:
                self.create_nodes(label, new_rows)
            if updated:
                self.update_nodes(label, updated)
            stats.nodes_created += len(new_rows)
            stats.nodes_updated += len(updated)
        groups: dict[tuple[str, str, str], dict[str, Rel]] = defaultdict(dict)
        for rel in rels:
            groups[(rel.type, rel.start_label, rel.end_label)].setdefault(rel.id, rel)  # the first stays, as across batches
        model = get_model()
        for type_, sl, el in groups:
            model.rel_between(type_, sl, el)
        # a type the store holds none of needs no look-up (resolution rewrites every SAME_AS)
        empty = {t for t in {t for t, _, _ in groups}
                 if not self._execute(f"MATCH ()-[r:{t}]->() RETURN count(r) AS n", name=f"count {t}")[0]["n"]}
        for (type_, sl, el), by_id in sorted(groups.items()):
            batch = list(by_id.values())
            have = set() if type_ in empty else self.existing_rels(type_, sl, el, batch)
            fresh = [r for r in batch if r.id not in have]
            if fresh:
                self.create_rels(type_, sl, el, fresh)
            stats.rels_created += len(fresh)
            stats.rels_existing += len(batch) - len(fresh)
        return stats

    def counts(self) -> Counts:
        """Nodes by label, relationships by type, and both by source dataset."""
        model = get_model()
        out = Counts()
        for label in model.nodes:
            rows = self._execute(f"MATCH (n:{label}) RETURN count(n) AS n", name=f"count {label}")
            out.nodes[label] = int(rows[0]["n"])
            for row in self._execute(
                f"MATCH (n:{label}) UNWIND n.datasets AS d RETURN d AS dataset, count(*) AS n",
                name=f"count {label} by dataset",
            ):
                out.by_dataset.setdefault(row["dataset"], {})[label] = int(row["n"])
        for type_ in model.relationships:
            rows = self._execute(f"MATCH ()-[r:{type_}]->() RETURN r.dataset AS dataset, count(r) AS n",
                                name=f"count {type_}")
            out.relationships[type_] = sum(int(r["n"]) for r in rows)
            for row in rows:
                out.by_dataset.setdefault(row["dataset"] or "?", {})[type_] = int(row["n"])
        return out
