"""The Neo4j store, on the official ``neo4j`` driver.

Chosen with ``--neo4j URI`` or ``NEO4J_URI`` (with ``NEO4J_USER``, ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``). Writes are batched ``UNWIND $rows …`` statements with values as parameters:
a load streams, each batch of the loader in its own transaction (store/streamed.py), creating
new records (``CREATE``, relationships between endpoints found by index seeks on ``id``) and
merging stored ones (``MERGE``), ``batch_size`` rows per statement; schema (a uniqueness constraint on ``id`` per
label, indexes on the properties look-ups use) is created idempotently. Credentials are never
printed or logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graphkit.errors import StoreError
from graphkit.model import Rel, get_model
from graphkit.store.base import LoadSink, Store
from graphkit.store.journal import recover
from graphkit.store.streamed import streamed

BATCH = 5_000


def state_dir() -> Path:
    """Where graphkit keeps the journals of loads into Neo4j (a server holds no such file):
    GRAPHKIT_STATE_DIR, else $XDG_STATE_HOME/graphkit, else ~/.local/state/graphkit."""
    if os.environ.get("GRAPHKIT_STATE_DIR"):
        return Path(os.environ["GRAPHKIT_STATE_DIR"])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "graphkit"


def _to_python(value: Any) -> Any:
    """Neo4j temporal values to Python dates; lists element-wise."""
    if hasattr(value, "to_native"):
        native = value.to_native()
        return native.date() if isinstance(native, dt.datetime) else native
    if isinstance(value, list):
        return [_to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    return value


def _node_props(value: Any) -> dict[str, Any]:
    return {k: _to_python(v) for k, v in dict(value).items()}


class Neo4jStore(Store):
    """A Neo4j database reached over Bolt. ``auth`` defaults to the NEO4J_* environment."""

    name = "neo4j"

    def __init__(self, uri: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = BATCH):
        self.uri = uri
        self._user = user or os.environ.get("NEO4J_USER", "neo4j")
        self._password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = batch_size
        self._driver: Any = None
        self._tx: Any = None
        self._session: Any = None
        self._schema_done = False
        self.recovered: list[str] = []  # loads killed midway that opening this store undid

    def __repr__(self) -> str:  # never show the password
        return f"Neo4jStore({self.uri!r}, user={self._user!r}, database={self.database!r})"

    @property
    def driver(self) -> Any:
        if self._driver is None:
            import neo4j
            from neo4j.exceptions import AuthError, ServiceUnavailable

            if self._password is None:
                raise StoreError("NEO4J_PASSWORD is not set: export it, or start a local server "
                                 "with `graphkit neo4j start`")
            try:
                driver = neo4j.GraphDatabase.driver(self.uri, auth=(self._user, self._password),
                                                    notifications_min_severity="OFF")
                driver.verify_connectivity()
            except AuthError:
                raise StoreError(f"Neo4j at {self.uri} refused the credentials of user "
                                 f"{self._user!r}: check NEO4J_USER and NEO4J_PASSWORD") from None
            except (ServiceUnavailable, OSError, ValueError) as exc:
                raise StoreError(f"cannot reach Neo4j at {self.uri}: {type(exc).__name__}; is the "
                                 "server running (graphkit neo4j status)?") from None
            self._driver = driver
            self.recovered = recover(self, self.journal_root())
        return self._driver

    def journal_root(self) -> Path:
        """The folder of this database's load journals, on this machine (store/journal.py): one
        per server and database, named by a hash of both (no credentials in it)."""
        key = hashlib.sha256(f"{self.uri}\n{self.database or ''}".encode()).hexdigest()[:16]
        return state_dir() / "neo4j-loads" / key

    def close(self) -> None:
        if self._driver is not None:
            try:
                self._driver.close()
            except Exception:  # noqa: BLE001 - closing a driver whose server is gone
                pass
            self._driver = None

    @contextmanager
    def _lost(self, what: str) -> Iterator[None]:
        """Turn the driver's connection errors into StoreError, the one error graphkit raises."""
        from neo4j.exceptions import DriverError, Neo4jError

        try:
            yield
        except Neo4jError as exc:
            raise StoreError(f"{what} failed on Neo4j: {exc.code}: {exc.message}") from None
        except DriverError as exc:
            raise StoreError(f"{what}: lost Neo4j at {self.uri} ({type(exc).__name__}); nothing after "
                             "the last committed batch was written") from None

    def ensure_schema(self) -> None:
        if self._schema_done:
            return
        model = get_model()
        statements = []
        for label in model.nodes:
            statements.append(f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
                              f"FOR (n:{label}) REQUIRE n.id IS UNIQUE")
        for rt in model.relationships.values():
            statements.append(f"CREATE INDEX {rt.type.lower()}_id IF NOT EXISTS FOR ()-[r:{rt.type}]-() ON (r.id)")
        with self._lost("creating the schema"), self.driver.session(database=self.database) as session:
            for st in statements:
                session.run(st).consume()
        self._schema_done = True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._tx is not None:
            yield
            return
        self.ensure_schema()
        with self._lost("starting a transaction"):
            self._session = self.driver.session(database=self.database)
            self._tx = self._session.begin_transaction()
        try:
            yield
        except BaseException:
            tx, self._tx = self._tx, None
            try:
                tx.rollback()
            except Exception:  # noqa: BLE001 - a server gone mid-write: the first error tells why
                pass
            finally:
                try:
                    self._session.close()
                except Exception:  # noqa: BLE001 - as above
                    pass
            raise
        tx, self._tx = self._tx, None
        try:
            tx.commit()
        except Exception as exc:
            raise StoreError(f"commit to Neo4j failed: {type(exc).__name__}: {exc}") from None
        finally:
            try:
                self._session.close()
            except Exception:  # noqa: BLE001 - the commit's own error (or none) is what counts
                pass

    @contextmanager
    def load(self) -> Iterator[LoadSink]:
        """A streamed load (see store/streamed.py): each batch is written as it comes, in its own
        transaction, ``batch_size`` rows per statement; a load that fails is undone from its
        journal (kept under ``journal_root()``; one left by a killed client is undone when the
        store is next opened). The client holds one batch at a time, whatever the size of the
        load."""
        self.ensure_schema()
        with streamed(self, self.journal_root()) as sink:
            yield sink

    def _execute(self, text: str, params: dict[str, Any] | None = None, *, name: str = "") -> list[dict[str, Any]]:
        with self._lost(f"query {name or text[:40]!r}"):
            if self._tx is not None:
                result = self._tx.run(text, params or {})
                return [{k: _to_python(v) for k, v in rec.items()} for rec in result]
            with self.driver.session(database=self.database) as session:
                result = session.run(text, params or {})
                return [{k: _to_python(v) for k, v in rec.items()} for rec in result]

    def await_indexes(self, seconds: int) -> None:
        """Wait until every index is online (after a bulk import creates the schema), at most
        ``seconds``; raises StoreError past that."""
        self._execute("CALL db.awaitIndexes($seconds)", {"seconds": seconds}, name="await indexes")

    # ---- primitives ----------------------------------------------------------------------

    def _batches(self, rows: list[Any]) -> Iterator[list[Any]]:
        for i in range(0, len(rows), self.batch_size):
            yield rows[i:i + self.batch_size]

    def fetch_nodes(self, label: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        label = get_model().node(label).label
        out: dict[str, dict[str, Any]] = {}
        for chunk in self._batches(ids):
            for row in self._execute(f"UNWIND $ids AS k MATCH (n:{label} {{id: k}}) RETURN properties(n) AS n",
                                    {"ids": chunk}, name=f"fetch {label}"):
                out[row["n"]["id"]] = _node_props(row["n"])
        return out

    def create_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        """``CREATE`` each row as a new node (the caller knows none exists; the uniqueness
        constraint on ``id`` refuses a duplicate). Properties are named from the model, so a null
        value is simply not stored; ``batch_size`` rows per statement."""
        label = get_model().node(label).label
        props = ", ".join(f"{c}: row.{c}" for c in get_model().node_columns(label))
        for chunk in self._batches(rows):
            self._execute(f"UNWIND $rows AS row CREATE (n:{label} {{{props}}})", {"rows": chunk},
                         name=f"create {label}")

    def update_nodes(self, label: str, rows: list[dict[str, Any]], columns: Collection[str] | None = None) -> None:
        """The complete property sets of ``rows``, whatever ``columns`` says: one ``SET n = row``
        per node, whose cost does not grow with the properties that did not change."""
        label = get_model().node(label).label
        for chunk in self._batches(rows):
            clean = [{k: v for k, v in r.items() if v is not None} for r in chunk]
            self._execute(f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n = row",
                         {"rows": clean}, name=f"write {label}")

    def existing_rel_ids(self, type_: str, start_label: str, end_label: str, starts: list[str],
                         ends: list[str], ids: list[str]) -> set[str]:
        get_model().rel(type_)
        found: set[str] = set()
        for chunk in self._batches(ids):
            rows = self._execute(
                f"UNWIND $ids AS k MATCH ()-[r:{type_} {{id: k}}]->() RETURN r.id AS id",
                {"ids": chunk}, name=f"find {type_}")
            found.update(r["id"] for r in rows)
        return found

    def create_rels(self, type_: str, start_label: str, end_label: str, rels: list[Rel]) -> None:
        """``CREATE`` the relationships (none stored yet), each between its endpoints found by an
        index seek on the model's key ``id`` (the uniqueness constraint's index)."""
        columns = get_model().rel_columns(type_)
        for chunk in self._batches(rels):
            rows = [{**r.props, "id": r.id, "_from": r.start, "_to": r.end} for r in chunk]
            self.create_rel_rows(type_, start_label, end_label, rows, columns)

    def create_rel_rows(self, type_: str, start_label: str, end_label: str, rows: list[dict[str, Any]],
                        columns: dict[str, str] | None = None) -> None:
        """``create_rels`` for rows of properties with the endpoint ids in ``_from`` and ``_to``."""
        get_model().rel_between(type_, start_label, end_label)
        props = ", ".join(f"{c}: row.{c}" for c in (columns or get_model().rel_columns(type_)))
        self._execute(
            f"UNWIND $rows AS row MATCH (a:{start_label} {{id: row._from}}) MATCH (b:{end_label} {{id: row._to}}) "
            f"CREATE (a)-[r:{type_} {{{props}}}]->(b)", {"rows": rows}, name=f"create {type_}")
