"""The journal of a load that commits in chunks: what each chunk changed, kept on disk so that a
failed load, or one killed outright, can be undone.

A load larger than memory cannot be one transaction (LadybugDB holds an uncommitted transaction
in memory, a Neo4j server in its transaction memory), so it commits chunk by chunk under a load
id. Before a chunk writes (or, written in one transaction, before it commits), its entry is appended
to the journal and flushed to disk: the ids of the nodes and relationships it creates, and the
properties the nodes it changes had before. The
load's folder (``<root>/<load id>/``) holds ``load.json`` (who runs it: process id, host, start
time), ``journal.pickle`` (the entries) and, for a staged load, one Parquet file of old
properties per chunk and label (``ParquetRows``: an entry names its file rather than holding
hundreds of thousands of rows in memory); it is removed when the load has committed its last
chunk, or has been undone.

Undoing replays the entries newest first: relationships created are deleted, changed nodes get
their old properties back, created nodes are deleted, each slice of ``SLICE`` records in its own
transaction, so that undoing a large load holds no more in an open transaction than one slice
(undoing 500k PSC lines loaded over half of them restored 531k nodes in one transaction and
peaked at 5.1 GB; docs/benchmarks.md, "Loader: undoing a killed load"). Each step is
idempotent (deleting what is gone is a no-op; restoring the old properties of a node the
uncommitted chunk never changed writes what is there), so an entry whose chunk never committed,
or committed only some of its writes (the process was killed between the journal's flush and
the last commit), and an undo cut off midway are all undone correctly by undoing again.

A load killed outright (kill -9, power cut) leaves its folder behind; the next command that opens
the store finds it (``stale_loads``) and undoes it (``recover``), and says so. Undo rather than
resume: resuming needs the same input files, mapping and options, and the next command may be
any command (a query, another load); undoing needs nothing but the journal, and leaves the graph
exactly as before the load, which is what a load that did not finish promised.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from graphkit.model import get_model

if TYPE_CHECKING:
    from graphkit.store.base import Store

JOURNAL = "journal.pickle"
META = "load.json"


@dataclass
class Entry:
    """What one chunk of a load changed."""

    # ids as a list, or as an Arrow string array (a bulk load's millions of ids, compact in memory
    # and in the journal file)
    created: dict[str, Any] = field(default_factory=dict)  # label -> node ids
    # label -> old properties: dicts (a table once recorded), or the ParquetRows of a staged load
    updated: dict[str, Any] = field(default_factory=dict)
    rels: dict[str, Any] = field(default_factory=dict)  # type -> relationship ids

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.rels)

    def counts(self) -> tuple[int, int, int]:
        """(nodes created, nodes changed, relationships created)."""
        return (sum(map(len, self.created.values())), sum(map(len, self.updated.values())),
                sum(map(len, self.rels.values())))


class Journal:
    """The journal of one load in ``folder`` (see the module docstring)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._fh: Any = None
        self.chunks = 0

    @classmethod
    def start(cls, root: Path) -> Journal:
        """A new load's journal under ``root``, with a fresh load id."""
        load_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        folder = root / load_id
        folder.mkdir(parents=True)
        meta = {"load_id": load_id, "pid": os.getpid(), "host": socket.gethostname(),
                "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        (folder / META).write_text(json.dumps(meta), encoding="utf-8")
        journal = cls(folder)
        journal._fh = open(folder / JOURNAL, "wb")  # noqa: SIM115 - closed by close()
        _sync(journal._fh)
        return journal

    @property
    def load_id(self) -> str:
        return self.folder.name

    def old_rows(self, label: str) -> ParquetRows:
        """A file in the journal's folder for the old properties of the ``label`` nodes the next
        entry changes, synced to disk when closed (before the entry is recorded)."""
        return ParquetRows(label, self.folder, f"old.{self.chunks}.{label}.parquet", durable=True)

    def meta(self) -> dict[str, Any]:
        try:
            return dict(json.loads((self.folder / META).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {"load_id": self.load_id}

    def record(self, entry: Entry) -> None:
        """Append ``entry`` and flush it to disk; call it before the chunk's first change is
        committed, so that no committed change is missing from the journal. The old properties
        it holds become Arrow tables where that keeps them exactly (``_compact``)."""
        entry.updated = {label: _compact(label, rows) for label, rows in entry.updated.items()}
        pickle.dump(entry, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        _sync(self._fh)
        self.chunks += 1

    def entries(self) -> list[Entry]:
        """The entries written, oldest first. A last entry cut off by a kill is left out: its
        chunk never committed (the commit follows the flush)."""
        out: list[Entry] = []
        try:
            fh = open(self.folder / JOURNAL, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return out
        with fh:
            while True:
                try:
                    entry = pickle.load(fh)  # noqa: S301 - graphkit's own file in the store's folder
                except EOFError:
                    return out
                except (pickle.UnpicklingError, ValueError, AttributeError, IndexError):
                    return out  # a torn last entry
                for rows in entry.updated.values():
                    if isinstance(rows, ParquetRows):
                        rows.folder = self.folder
                out.append(entry)

    def undo(self, store: Store) -> tuple[int, int, int, int]:
        """Undo every entry, newest first, each in its own transaction, then remove the journal.
        Returns (chunks, nodes removed, nodes restored, relationships removed)."""
        self.close()
        entries = self.entries()
        created = restored = rels = 0
        for entry in reversed(entries):
            undo_entry(store, entry)
            c, u, r = entry.counts()
            created, restored, rels = created + c, restored + u, rels + r
        self.remove()
        return len(entries), created, restored, rels

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def remove(self) -> None:
        """The load is over (committed or undone): its journal goes."""
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def undo_entry(store: Store, entry: Entry) -> None:
    """Undo what one chunk changed: its relationships, then the old properties of the nodes it
    changed, then the nodes it created (with any relationship still attached to them); each
    slice in its own transaction (every step is idempotent, see the module docstring)."""
    model = get_model()
    for type_, ids in entry.rels.items():
        model.rel(type_)
        for part in _slices(ids):
            with store.transaction():
                store._execute(f"UNWIND $ids AS k MATCH ()-[r:{type_} {{id: k}}]->() DELETE r",
                               {"ids": part}, name=f"undo {type_}")
    for label, rows in entry.updated.items():
        for part in rows.read(SLICE) if isinstance(rows, ParquetRows) else _slices(rows):
            with store.transaction():
                store.update_nodes(label, part)
    for label, ids in entry.created.items():
        label = model.node(label).label
        for part in _slices(ids):
            with store.transaction():
                store._execute(f"UNWIND $ids AS k MATCH (n:{label} {{id: k}}) DETACH DELETE n",
                               {"ids": part}, name=f"undo {label}")


#: records undone in one transaction
SLICE = 5_000


def _compact(label: str, rows: Any) -> Any:
    """The old properties of changed nodes as one Arrow table of the label's columns: a tenth of
    the memory of as many dicts, in the journal file and when it is read back to undo (restoring
    531k nodes from dicts took 3.2 GB). Kept as they are when any value would not come back from
    Arrow as it went in (``exact_table``), so that undoing restores every property exactly."""
    if not isinstance(rows, list) or not rows:
        return rows
    parts = []
    for given in _slices(rows):
        part = exact_table(label, given)
        if part is None:
            return rows
        parts.append(part)
    return pa.concat_tables(parts)


def exact_table(label: str, rows: list[dict[str, Any]]) -> pa.Table | None:
    """``rows`` as an Arrow table of the label's columns, or None when any value would not come
    back from Arrow as it went in, the same value of the same Python type (a property outside
    the model, a whole number in a float column, a date given as text)."""
    from graphkit.store.staged import node_schema  # staged.py imports this module

    try:
        table = pa.Table.from_pylist(rows, schema=node_schema(label))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if list(map(_typed, table.to_pylist())) != list(map(_typed, rows)):
        return None
    return table


class ParquetRows:
    """Rows of nodes of one label kept on disk, added batch by batch and read back in slices: a
    Parquet file of the label's columns (``folder / name``) for the batches that come back from
    it exactly (``exact_table``), and the rare batch that would not kept as it is, in memory. A
    staged load keeps the old properties of the nodes it changes this way (the journal entry
    holds the object, which pickles without its folder: ``Journal.entries`` sets it), and the
    merged new ones until they are written, so that neither is ever a list of all of them
    (531k changed nodes were some 2 GB of dicts). ``durable``: synced to disk when closed."""

    def __init__(self, label: str, folder: Path, name: str, *, durable: bool = False):
        self.label, self.folder, self.name, self.durable = label, folder, name, durable
        self.written = 0
        self.kept: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None

    def __len__(self) -> int:
        return self.written + len(self.kept)

    def __getstate__(self) -> dict[str, Any]:
        return {"label": self.label, "name": self.name, "written": self.written, "kept": self.kept}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, folder=None, durable=False, _writer=None)

    def add(self, rows: list[dict[str, Any]]) -> None:
        table = exact_table(self.label, rows)
        if table is None:
            self.kept.extend(rows)
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.folder / self.name, table.schema)
        self._writer.write_table(table)
        self.written += table.num_rows

    def close(self) -> None:
        if self._writer is None:
            return
        self._writer.close()
        self._writer = None
        if self.durable:  # the file and its name in the folder
            for path, flags in ((self.folder / self.name, os.O_RDONLY), (self.folder, os.O_RDONLY | os.O_DIRECTORY)):
                fd = os.open(path, flags)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)

    def read(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """The rows as lists of at most ``size``: the file's, then those kept."""
        if self.written:
            with pq.ParquetFile(self.folder / self.name) as source:
                for batch in source.iter_batches(batch_size=size):
                    yield batch.to_pylist()
        yield from _slices(self.kept, size)


def _typed(row: dict[str, Any]) -> dict[str, tuple[type, Any]]:
    """A row's values with their types, nulls left out: equal only if each value and its type are."""
    return {k: (type(v), v) for k, v in row.items() if v is not None}


def _slices(items: Any, size: int = SLICE) -> Iterator[list[Any]]:
    """``items`` (a list, an Arrow array of ids or a table of rows) as lists of at most ``size``."""
    for i in range(0, len(items), size):
        part = items[i:i + size]
        yield part if isinstance(part, list) else list(part.to_pylist())


def stale_loads(root: Path) -> list[Journal]:
    """The journals under ``root`` of loads whose process is gone (killed before it finished)."""
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        if not (folder / META).exists() and not (folder / JOURNAL).exists():
            continue
        journal = Journal(folder)
        meta = journal.meta()
        pid, host = meta.get("pid"), meta.get("host")
        if host == socket.gethostname() and isinstance(pid, int) and (pid == os.getpid() or _alive(pid)):
            continue  # a load still running (or this process's own)
        out.append(journal)
    return out


def recover(store: Store, root: Path, notice: Callable[[str], None] | None = None) -> list[str]:
    """Undo the loads under ``root`` that were killed before they finished; returns (and passes
    to ``notice``, by default printed on stderr) one line per load undone."""
    said = []
    for journal in stale_loads(root):
        meta = journal.meta()
        chunks, created, restored, rels = journal.undo(store)
        line = (f"undid the load {journal.load_id} (started {meta.get('started', '?')}, process "
                f"{meta.get('pid', '?')}), which stopped before it finished: {chunks} chunk(s) begun, "
                f"{created} node(s) and {rels} relationship(s) removed, {restored} node(s) "
                "given back their properties; the graph is as before that load, run it again")
        said.append(line)
        (notice or _stderr)(line)
    return said


def _stderr(line: str) -> None:
    print(f"graphkit: {line}", file=sys.stderr, flush=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sync(fh: Any) -> None:
    fh.flush()
    os.fsync(fh.fileno())

