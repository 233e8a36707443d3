"""The embedded store: LadybugDB (the maintained successor of Kùzu), on disk, no server.

Tables are created from the model. A load is staged on disk and, chunk by chunk, each table
``COPY``-ed from its Parquet file (``load()``, see ``store/staged.py``); stored nodes it merges
with are updated through ``LOAD FROM``; ``write()`` (used outside loads) ``COPY``s from Arrow.
Each chunk is one transaction, journalled first (``store/journal.py``): a load that fails is
undone, and one killed outright is undone when the store is next opened.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphkit import forked
from graphkit.errors import StoreError
from graphkit.model import Rel, get_model
from graphkit.store.base import LoadSink, Store, refuse_missing_columns
from graphkit.store.dialect import LADYBUG
from graphkit.store.journal import Journal, recover, stale_loads
from graphkit.store.staged import ARROW_TYPES, StagedLoad, arrow_columns, hand_back_memory, staged

DEFAULT_DB = "graphkit-data"
DB_FILE = "graph.lbdb"
JOURNALS = ".loads"  # in the database directory: the journals of loads under way (store/journal.py)

#: records (nodes and relationships) a load stages before it commits them as one chunk; 0: the
#: whole load is one chunk (one journalled transaction, as fast as before chunks existed). Chunks
#: bound what one transaction holds, but measured at 500k PSC lines they did not lower the load's
#: peak memory (the pages of committed chunks stay in LadybugDB's buffer pool, and the look-ups of
#: records earlier chunks stored cost time and pool): off until that is solved
#: (docs/benchmarks.md, "Loader: loads in chunks"). GRAPHKIT_LOAD_CHUNK turns them on.
CHUNK_RECORDS = 0


def _env_int(variable: str, default: int) -> int:
    """The whole number an environment variable sets, else ``default``."""
    value = os.environ.get(variable)
    return int(value) if value else default


def chunk_records() -> int:
    """Records per committed chunk of a load: GRAPHKIT_LOAD_CHUNK, else ``CHUNK_RECORDS``."""
    return _env_int("GRAPHKIT_LOAD_CHUNK", CHUNK_RECORDS)


#: rows of one statement that changes stored nodes (``update_nodes``): in a one-off measurement 100,000 stored firms
#: rewritten took 7.9 s CPU 5,000 to a statement, 5.7 s 50,000 to one and 6.0 s in one
UPDATE_ROWS = 50_000

#: threads LadybugDB runs a load's writes with (GRAPHKIT_LOAD_THREADS; 0: its default, one per
#: core). Each thread of a COPY holds its own buffers: the raw COPY of a 500k-line PSC graph
#: peaked at 720 MB with one thread and 875 MB with two (2 cores), taking 18.7 s against 12.6 s.
#: One thread was the default while the writing process held the load's peak; since a large load
#: is read in parts at once (``load/apart.py``), its peak is the reading (1.3 GB summed over the
#: parts at 500k lines, the writing's 0.7 GB), and the writes run one per core: the load's wall
#: time fell by a tenth (docs/benchmarks.md, "Loader: UK PSC lines against a JSON parse").
#: GRAPHKIT_LOAD_THREADS=1 keeps the writing's memory lowest.
LOAD_THREADS = 0


def load_threads() -> int:
    """Threads for a load's writes: GRAPHKIT_LOAD_THREADS, else ``LOAD_THREADS``."""
    return _env_int("GRAPHKIT_LOAD_THREADS", LOAD_THREADS)


#: rows from which a load's COPY runs in a process of its own (``_copy_apart``;
#: GRAPHKIT_COPY_APART_ROWS; negative: never). LadybugDB keeps what a COPY took (its pages in the
#: buffer pool while the pool has room, and more beside it) until the database is closed, so in
#: one process the memory of each table's COPY came on top of the ones before: 500k PSC lines
#: peaked at 956 MB, 682 MB with their six large COPYs apart, for 0.6% more CPU (docs/benchmarks.md,
#: "Loader: loads in chunks"). Below this a COPY is a fraction of a second and takes little;
#: starting a process and opening the graph again cost about as much.
COPY_APART_ROWS = 100_000

#: fewer relationships than this are looked up one at a time by their ends' keys
#: (``existing_rel_ids``); a staged load asks about more by their ids, ``REL_ASK`` at a time
#: (``_EmbeddedStagedLoad.stored_rels``)
KEYED_RELS = 5_000
#: staged relationships asked about at once, from ``KEYED_RELS`` on (``stored_rels``)
REL_ASK = 1_000_000

#: list entries (sources, names) from which a new node's row is ``COPY``-ed apart from the rest of
#: its table, after it (GRAPHKIT_LONG_LIST_ROW; 0: never), in files of at most
#: ``LONG_ENTRIES_APART`` entries, each its own COPY (``staged.LongRows``; a file of 100,000 entries
#: or more in a process of its own, as ``COPY_APART_ROWS`` rows are). LadybugDB 0.22 takes memory
#: out of all proportion for several long lists in one COPY: 1M addresses among which 12 of 150,000
#: sources each (a registry's mass-registration addresses at the full UK PSC snapshot's size) took
#: 10.7 GB in one COPY and 1.1 GB this way; 12 of 100,000, 2.5 GB and 0.7 GB; rows of 10,000 cost
#: little either way (docs/benchmarks.md, "Loader: rows with long lists"). That is how the full
#: snapshot's ``Address`` COPY ran out of pool. Changed by a later load, such a row is set in a
#: statement of its own (``update_nodes``), in a process of its own from ``COPY_APART_ROWS``
#: entries: the 12 of 150,000 given one source more took 3.8 GB in one statement and at most 1.7
#: GB this way, the writing process unchanged, in about 7x the time (46 s against 7 s).
LONG_LIST_ROW = 10_000
LONG_ENTRIES_APART = 50_000

#: rows of a LadybugDB node group: a table is stored in groups of this many rows, and a COPY
#: appends to the last one. A COPY appending to a group whose lists hold some 140,000 entries or
#: more between them takes memory out of all proportion: 880,000 new rows appended to a group
#: holding 12 rows of 15,000 sources took 8.3 GB and 23.5 s, 1.0 GB and 3.1 s with 12 of 6,000;
#: once those rows had been given 15,000 sources more, the COPY ran out of an 11 GB pool. So the
#: full PSC snapshot's second part failed: its first left its twelve mass-registration addresses
#: in the Address table's last group. Each file of long rows is therefore COPY-ed so that it ends
#: a group (``staged._placed``), where no later COPY appends (docs/benchmarks.md, "Loader: rows
#: with long lists").
NODE_GROUP_ROWS = 131_072


def long_list_row() -> int:
    """List entries from which a node's row is written apart: GRAPHKIT_LONG_LIST_ROW, else ``LONG_LIST_ROW``."""
    return _env_int("GRAPHKIT_LONG_LIST_ROW", LONG_LIST_ROW)


def statement_folder(parent: Path, prefix: str) -> Path:
    """A new folder in ``parent`` whose path a COPY or LOAD statement can name in quotes; in the
    system's temporary folder if ``parent``'s path holds a quote or a backslash."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent)).resolve()
    if "'" in str(folder) or "\\" in str(folder):
        shutil.rmtree(folder)
        folder = Path(tempfile.mkdtemp(prefix=f"graphkit-{prefix.strip('.-')}-")).resolve()
        if "'" in str(folder) or "\\" in str(folder):
            shutil.rmtree(folder)
            raise StoreError(f"no folder for the store's files: {folder.parent} has a quote or "
                             "backslash in its path; set TMPDIR to another folder")
    return folder


def table_pages(conn: Any, query: str, folder: Path, rows: int) -> Iterator[pa.Table]:
    """The rows of ``query`` (``MATCH ... RETURN ...``), ``rows`` at a time: written by the store
    in one scan (``COPY (query) TO`` a Parquet file in ``folder``, a ``statement_folder``) and
    read back page by page, so that this process holds one page, not the table; the file is
    removed at the end. Raises LadybugDB's RuntimeError."""
    target = folder / "table.parquet"
    conn.execute(f"COPY ({query}) TO '{target}'")
    try:
        if target.exists():
            for batch in pq.ParquetFile(target).iter_batches(batch_size=rows):
                if batch.num_rows:
                    yield pa.Table.from_batches([batch])
    finally:
        target.unlink(missing_ok=True)


_LB_TYPES = {"string": "STRING", "date": "DATE", "float": "DOUBLE", "int": "INT64",
             "bool": "BOOLEAN", "list": "STRING[]"}


#: the share of the machine's memory LadybugDB's buffer pool may take unless
#: GRAPHKIT_BUFFER_POOL_MB says otherwise: LadybugDB's own default (about 80%) leaves too little
#: for graphkit's process at full size. Loading the full UK PSC snapshot (13.6M lines), the
#: kernel killed the process in its writes at 22.7 GiB of anonymous memory on a 23.5 GiB
#: machine: that default pool filled, plus the loader's own few GiB (docs/benchmarks.md,
#: "Loader: the full UK PSC snapshot").
POOL_SHARE = 0.5


def buffer_pool() -> int:
    """LadybugDB's memory budget: GRAPHKIT_BUFFER_POOL_MB, else ``POOL_SHARE`` of the machine's
    memory. The pages of the tables and primary-key indexes live in this pool and stay while it
    has room; a smaller pool did not lower the peak of a load written as one transaction (its
    uncommitted data is held apart), which is why a load commits write by write. A pool too
    small for one write fails the load with a message saying so, and the load is undone, where
    a pool larger than the memory left beside graphkit's process gets the process killed."""
    given = _env_int("GRAPHKIT_BUFFER_POOL_MB", 0) << 20
    if given:
        return given
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * POOL_SHARE)
    except (ValueError, OSError, AttributeError):  # no sysconf: LadybugDB's default
        return 0


def default_db_path() -> Path:
    return Path(os.environ.get("GRAPHKIT_DB") or DEFAULT_DB)


def _open(path: Path, read_only: bool, threads: int) -> tuple[Any, Any]:
    """LadybugDB's database in ``path`` and a connection to it (running queries with ``threads``
    threads, if not 0)."""
    import ladybug

    db = ladybug.Database(str(path / DB_FILE), buffer_pool_size=buffer_pool(), read_only=read_only)
    conn = ladybug.Connection(db)
    if threads:
        conn.set_max_threads_for_exec(threads)
    return db, conn


#: the process a COPY runs in (``_copy_apart``): a fresh interpreter that imports LadybugDB only
#: (0.06 s and 21 MB here), not a fork of the writing process, whose pages its RSS would count
_COPY_APART = """
import ctypes, json, os, sys
path, text, threads, pool, parent = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
try:  # killed by the kernel when the load's process dies (Linux prctl PR_SET_PDEATHSIG)
    ctypes.CDLL(None).prctl(1, 9)
except (OSError, AttributeError):
    pass
if os.getppid() != parent:  # it died before that
    sys.exit(1)
import ladybug
db = ladybug.Database(path, buffer_pool_size=pool)
conn = ladybug.Connection(db)
if threads:
    conn.set_max_threads_for_exec(threads)
try:
    conn.execute(text)
    error = None
except RuntimeError as exc:
    error = str(exc)
conn.close()
db.close()
with open("/proc/self/status") as status:
    peak = next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")), 0.0)
print(json.dumps({"error": error, "peak_mb": peak}))
"""


def _copy_apart(db_file: Path, text: str, name: str, threads: int) -> float:
    """Run the COPY ``text`` in a process of its own that opens the graph ``db_file``, writes,
    commits and ends (the caller's connection closed): what LadybugDB took for it ends with that
    process. Dies with this one, and is killed if this one is interrupted while it waits.
    Returns its peak RSS in MB; raises StoreError as ``_copy`` would."""
    proc = subprocess.run([sys.executable, "-I", "-c", _COPY_APART, str(db_file), text, str(threads),
                           str(buffer_pool()), str(os.getpid())], capture_output=True, text=True)
    said = proc.stdout.strip().splitlines()[-1:] if proc.returncode == 0 else []
    if not said:
        how = (f"was killed by signal {-proc.returncode}" if proc.returncode < 0
               else f"ended with exit status {proc.returncode}")
        hint = " (out of memory?)" if proc.returncode == -signal.SIGKILL else ""
        raise StoreError(f"{name}: the process writing it {how}{hint}: {proc.stderr.strip()[-300:]} (set "
                         "GRAPHKIT_COPY_APART_ROWS=-1 to write in this process)")
    answer = json.loads(said[0])
    if answer["error"] is not None:
        raise _load_error(name, RuntimeError(answer["error"]))
    return float(answer["peak_mb"])


def _load_error(name: str, exc: RuntimeError) -> StoreError:
    """A failed bulk statement (COPY, LOAD FROM) as one readable error."""
    if "buffer pool is full" in str(exc):
        return StoreError(f"{name}: the embedded store ran out of memory for this load (its buffer "
                          "pool); set GRAPHKIT_BUFFER_POOL_MB higher, or load the file in parts")
    return StoreError(f"{name} failed: {exc}")


def _rows(result: Any) -> list[dict[str, Any]]:
    """A LadybugDB query result as a list of dicts."""
    columns = result.get_column_names()
    rows = []
    while result.has_next():
        rows.append(dict(zip(columns, result.get_next(), strict=True)))
    return rows


def _flat_table(result: Any, name: str) -> pa.Table:
    """A LadybugDB query result of plain-valued columns as an Arrow table, whose values are
    those ``_rows`` gives (lists as lists, dates as ``datetime.date``). Nodes and relationships
    come back from Arrow as structs of another shape, so a query that returns one is refused."""
    table = result.get_as_arrow(0)
    nested = [f.name for f in table.schema if pa.types.is_struct(f.type) or pa.types.is_map(f.type)
              or pa.types.is_union(f.type)]
    if nested:
        raise StoreError(f"query {name!r} returns nodes or relationships ({', '.join(nested)}): "
                         "read it with run(), not run_flat()")
    return table


def _flat_rows(result: Any, name: str) -> list[dict[str, Any]]:
    """``_flat_table`` as a list of dicts: about twice as fast as ``_rows``."""
    return _flat_table(result, name).to_pylist()


def _arrow(columns: dict[str, str], rows: list[dict[str, Any]], prefix: str = "") -> pa.Table:
    """``rows`` as a table of ``columns`` (name: model type), each name given ``prefix``."""
    schema = pa.schema([(col, ARROW_TYPES[typ]) for col, typ in columns.items()])
    return pa.Table.from_arrays(arrow_columns(rows, schema), names=[prefix + col for col in columns])


class EmbeddedStore(Store):
    """A LadybugDB database in the directory ``path`` (created if missing)."""

    cypher_dialect = LADYBUG
    name = "embedded"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        self._db: Any = None
        self._conn: Any = None
        self._in_tx = False
        self._threads_set = 0  # threads the connection runs queries with, where ``_threads`` set them
        self.copies_apart: list[tuple[str, float]] = []  # each COPY run apart: its name, its process's peak MB
        self.recovered: list[str] = []  # loads killed midway that opening this store undid

    # ---- connection ----------------------------------------------------------------------

    @property
    def conn(self) -> Any:
        if self._conn is None:
            if self.path.exists() and not self.path.is_dir():
                raise StoreError(f"{self.path} is a file; --db takes a directory")
            if self.read_only and not (self.path / DB_FILE).exists():
                raise StoreError(f"no graph at {self.path}: load data first (graphkit load ...)")
            self.path.mkdir(parents=True, exist_ok=True)
            if self.read_only and stale_loads(self.journal_root()):
                self._recover_first()
            try:
                self._db, self._conn = _open(self.path, self.read_only, self._threads_set)
            except RuntimeError as exc:
                raise StoreError(f"cannot open the graph at {self.path}: {exc}") from None
            if not self.read_only:
                self.ensure_schema()
                self.recovered += recover(self, self.journal_root())
        return self._conn

    def journal_root(self) -> Path:
        """The folder of this graph's load journals: inside its directory."""
        return self.path / JOURNALS

    def _recover_first(self) -> None:
        """Before a read-only open: undo the loads killed midway, through a writable open (which
        fails only while another process writes; the reader then sees the graph as it is)."""
        writer = EmbeddedStore(self.path)
        try:
            writer.conn  # noqa: B018 - opening it undoes them
            self.recovered += writer.recovered
        except StoreError:
            pass
        finally:
            writer.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._db.close()
            self._conn = self._db = None

    def release(self) -> None:
        """Close the database, if open, and hand what it held back to the system
        (``hand_back_memory``); the next use opens it again."""
        if self._conn is not None:
            self.close()
            hand_back_memory()

    def ensure_schema(self) -> None:
        model = get_model()
        conn = self.conn
        for label in model.nodes:
            cols = ", ".join(f"{c} {_LB_TYPES[t]}" for c, t in model.node_columns(label).items())
            conn.execute(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols}, PRIMARY KEY (id))")
            # a graph built before the model gained a property cannot take the new records (the
            # staged COPY writes columns in the model's order): say so instead of failing later
            result = conn.execute(f"CALL table_info('{label}') RETURN *")
            have = set()
            while result.has_next():
                have.add(result.get_next()[1])
            columns = model.node_columns(label)
            missing = [c for c in columns if c not in have]
            if missing and missing == list(columns)[-len(missing):]:
                # the model's newest properties come last (node claims, graphkit/load/deltas.py):
                # added in place, in the model's order, so the graph keeps its data
                for c in missing:
                    conn.execute(f"ALTER TABLE {label} ADD {c} {_LB_TYPES[columns[c]]}")
                missing = []
            if missing:
                raise StoreError(f"the graph at {self.path} was built by an older graphkit: {label} lacks "
                                 f"{', '.join(missing)}; load the data again into a new --db")
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
        """A load staged on disk (see store/staged.py) and written chunk by chunk under a load
        id, ``chunk_records()`` records a chunk, each table COPY-ed from its Parquet file with
        ``load_threads()`` threads. Each chunk's journal entry is on disk before it writes; a
        load that fails is undone from it (the store is as before), and one killed outright is
        undone by the next open."""
        self.conn  # noqa: B018 - open (undoing any load killed midway) before the journal starts
        journal = Journal.start(self.journal_root())
        # staged inside the journal's folder: a load killed midway leaves nothing once undone
        sink = _EmbeddedStagedLoad(self, self._staging_folder(journal.folder), journal=journal,
                                   chunk_records=chunk_records())
        try:
            with self._threads(load_threads()), staged(sink):
                yield sink
        except BaseException as exc:
            try:
                journal.undo(self)
            except Exception as undo_exc:  # noqa: BLE001 - the load's own error is what counts
                exc.add_note(f"graphkit: the chunks committed before this could not be undone ({undo_exc}); "
                             "the next command that opens the graph undoes them")
            raise
        journal.remove()

    @contextmanager
    def _threads(self, n: int) -> Iterator[None]:
        """The connection's queries run with ``n`` threads in the block (0: as they are), the
        connection opened again meanwhile (after a COPY apart) and a COPY apart included."""
        if not n:
            yield
            return
        before = int(self.conn.execute("CALL current_setting('threads') RETURN *").get_next()[0])
        self.conn.set_max_threads_for_exec(n)
        self._threads_set = n
        try:
            yield
        finally:
            self._threads_set = 0
            if self._conn is not None:
                self._conn.set_max_threads_for_exec(before)

    def _staging_folder(self, parent: Path | None = None) -> Path:
        """A new folder for a load's staging files: in ``parent``, else the database directory
        (the same disk, removed with it); see ``statement_folder``."""
        return statement_folder(parent or self.path, ".load-")

    def _copy(self, text: str, name: str, rows: int = 0) -> None:
        """Run a COPY statement of ``rows`` rows, with the store's error messages; from
        ``COPY_APART_ROWS`` rows on (outside a transaction, on Linux) in a process of its own
        (``_copy_apart``), the store closed meanwhile here and opened again at its next use."""
        limit = forked.threshold("GRAPHKIT_COPY_APART_ROWS", COPY_APART_ROWS)
        if limit is None or rows < limit or self._in_tx or self.read_only:
            try:
                self.conn.execute(text)
            except RuntimeError as exc:
                raise _load_error(name, exc) from None
            return
        self.conn  # noqa: B018 - opened first: a load killed midway is undone here, not in the child
        self.release()  # what the store held here, before this process waits beside the COPY's
        self.copies_apart.append((name, _copy_apart(self.path / DB_FILE, text, name, self._threads_set)))

    # LadybugDB plans ``UNWIND $ids ... {id: k}`` as a scan of the label (about 100 ms at 100k
    # firms) but ``{id: $id}`` as an index look-up (0.2 ms): small batches go one id at a time
    one_key_below = 300

    def _result(self, text: str, params: dict[str, Any] | None, name: str) -> Any:
        """LadybugDB's result of a query, its error as a StoreError."""
        try:
            return self.conn.execute(text, params or {})
        except RuntimeError as exc:
            raise StoreError(f"query {name or text[:40]!r} failed: {exc}") from None

    def _execute(self, text: str, params: dict[str, Any] | None = None, *, name: str = "") -> list[dict[str, Any]]:
        return _rows(self._result(text, params, name))

    def _execute_flat(self, text: str, params: dict[str, Any] | None = None, *, name: str = "") -> list[dict[str, Any]]:
        return _flat_rows(self._result(text, params, name), name or text[:40])

    def _execute_columns(self, text: str, params: dict[str, Any] | None, columns: tuple[str, ...], *,
                         name: str = "") -> tuple[list[Any], ...]:
        table = _flat_table(self._result(text, params, name), name or text[:40])
        refuse_missing_columns(name, columns, table.column_names)
        return tuple(table.column(c).to_pylist() for c in columns)

    def _scan(self, text: str, table: pa.Table, name: str) -> list[dict[str, Any]]:
        """Run ``text`` with the Arrow table bound as ``batch`` (LOAD FROM batch / COPY FROM batch)."""
        return _rows(self._scan_result(text, table, name))

    def _scan_result(self, text: str, table: pa.Table, name: str) -> Any:
        """``_scan``'s LadybugDB result."""
        batch = table  # noqa: F841 - LadybugDB finds it by name in this frame
        try:
            return self.conn.execute(text)
        except RuntimeError as exc:
            raise _load_error(name, exc) from None

    def read_pages(self, pattern: str, var: str, returns: str, batch: int, *,
                   name: str = "") -> Iterator[list[dict[str, Any]]]:
        """One scan of the table by the store into a Parquet file (``table_pages``, in a folder
        of the graph's directory, removed after; a process killed meanwhile leaves its
        ``.scan-*`` folder), read back ``batch`` rows at a time: LadybugDB
        answers a page of a table, by id after the last read or by storage position alike, by
        scanning the whole table, so paging grew with the square of its rows
        (docs/benchmarks.md, "Push: reading the embedded graph": at 1M PSC lines 37 s against 198 s
        in id order; one scan takes more of the buffer pool, 2.0 GB against 1.5 GB)."""
        folder = statement_folder(self.path, ".scan-")
        try:
            for table in table_pages(self.conn, f"MATCH {pattern} RETURN {returns}", folder, batch):
                yield table.to_pylist()
        except RuntimeError as exc:
            raise StoreError(f"query {name or pattern!r} failed: {exc}") from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # ---- primitives ----------------------------------------------------------------------

    def fetch_nodes(self, label: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        model = get_model()
        label = model.node(label).label
        if len(ids) < self.one_key_below:  # each by its key: a batch's look-up scans the label
            rows = [row for i in dict.fromkeys(ids)
                    for row in self._execute(f"MATCH (n:{label} {{id: $id}}) RETURN n", {"id": i},
                                             name=f"fetch {label}")]
        else:
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

    def update_nodes(self, label: str, rows: list[dict[str, Any]], columns: Collection[str] | None = None) -> None:
        """One statement per ``UPDATE_ROWS`` rows, setting ``columns`` only if given: outside a
        transaction (a journalled load's writes) each commits on its own, so LadybugDB never holds
        all of a large load's changed nodes uncommitted in memory; a row with ``LONG_LIST_ROW``
        list entries or more in a statement of its own, read from a file (``_copy``: in a process
        of its own from ``COPY_APART_ROWS`` entries)."""
        columns = {c: t for c, t in get_model().node_columns(label).items()
                   if columns is None or c == "id" or c in columns}
        if len(columns) == 1:  # nothing but the id: nothing changes
            return
        sets = ", ".join(f"n.{c} = k_{c}" for c in columns if c != "id")
        least = long_list_row()
        lists = [c for c, t in columns.items() if t == "list"]
        entries = [sum(len(r.get(c) or ()) for c in lists) if least > 0 else 0 for r in rows]
        long = [(r, n) for r, n in zip(rows, entries, strict=True) if least > 0 and n >= least]
        if long:  # each in a statement of its own (see LONG_LIST_ROW)
            rows = [r for r, n in zip(rows, entries, strict=True) if n < least]
        for i in range(0, len(rows), UPDATE_ROWS):
            self._scan(f"LOAD FROM batch MATCH (n:{label} {{id: k_id}}) SET {sets}",
                       _arrow(columns, rows[i:i + UPDATE_ROWS], prefix="k_"), f"update {label}")
        for row, n in long:  # from a file, so that a large one is written in a process of its own as a COPY is
            folder = self._staging_folder()
            try:
                path = folder / "update.parquet"
                pq.write_table(_arrow(columns, [row], prefix="k_"), path)
                self._copy(f"LOAD FROM '{path}' MATCH (n:{label} {{id: k_id}}) SET {sets}", f"update {label}", n)
            finally:
                shutil.rmtree(folder, ignore_errors=True)

    def existing_rel_ids(self, type_: str, start_label: str, end_label: str, starts: list[str],
                         ends: list[str], ids: list[str]) -> set[str]:
        if len(ids) < KEYED_RELS:  # each by its ends' keys (an index look-up, about 0.2 ms): a batch's scans
            text = (f"MATCH (a:{start_label} {{id: $f}})-[r:{type_}]->(b:{end_label} {{id: $t}}) "
                    "WHERE r.id = $id RETURN r.id AS id")
            return {found["id"] for f, t, rel_id in zip(starts, ends, ids, strict=True)
                    for found in self._execute(text, {"f": f, "t": t, "id": rel_id}, name=f"find {type_}")}
        table = pa.table({"k_from": pa.array(starts, pa.string()), "k_to": pa.array(ends, pa.string()),
                          "k_rid": pa.array(ids, pa.string())})
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



class _EmbeddedStagedLoad(StagedLoad):
    """A staged load into LadybugDB: each table is ``COPY``-ed from its Parquet file, each write
    committing on its own after the chunk's journal entry is on disk. LadybugDB holds an
    uncommitted transaction in memory: a 500k-line PSC load written as one transaction peaked
    at 2.56 GB, written this way (with one thread, the builder's memories emptied first) at
    1.44 GB (docs/benchmarks.md, "Loader: UK PSC lines against a JSON parse"). A write that
    fails is undone with the rest of the load from the journal."""

    store: EmbeddedStore
    commit_steps = True
    update_rows = UPDATE_ROWS
    long_entries = LONG_ENTRIES_APART

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.long_list_row = long_list_row()

    def storage_groups(self, label: str) -> tuple[int, int]:
        rows = self.store._execute(f"CALL storage_info('{label}') WHERE column_name = 'id' "
                                   "RETURN sum(num_values) AS n", name=f"rows of {label}")
        return NODE_GROUP_ROWS, (int(rows[0]["n"] or 0) if rows else 0)

    def release_lookups(self) -> None:
        """Close the store (opened again at its next use): LadybugDB keeps what a look-up took
        until the database is closed, and a load's planning asked table after table, so the
        load's process grew by all of them (444 to 1,918 MB for the third part of a snapshot
        loaded in three: docs/benchmarks.md, "Loader: later parts over a growing graph")."""
        self.store.release()

    def copy_nodes(self, label: str, path: Path, weight: int = 0) -> None:
        self.store._copy(f"COPY {label} FROM '{path}'", f"create {label}", weight or _rows_in(path))

    def copy_rels(self, type_: str, start_label: str, end_label: str, path: Path) -> None:
        self.store._copy(f"COPY {type_} FROM '{path}' (from='{start_label}', to='{end_label}')",
                         f"create {type_}", _rows_in(path))

    def stored_nodes(self, label: str, ids: pa.Array) -> pa.Array:
        """One ``LOAD FROM`` of the ids, returning the stored ones' ids only."""
        return self._held(label, ids).column("k").combine_chunks().cast(pa.string())

    def _held(self, label: str, ids: pa.Array) -> pa.Table:
        """The stored ones of ``ids`` (nodes of ``label``, distinct), each (``k``) with its
        storage offset (``o``): one ``LOAD FROM`` of the ids."""
        return self.store._scan_result(f"LOAD FROM batch MATCH (n:{label} {{id: k}}) RETURN k AS k, "
                                       "offset(id(n)) AS o", pa.table({"k": ids}), f"find {label}").get_as_arrow(0)

    def stored_rels(self, type_: str, sl: str, el: str, table: pa.Table) -> set[str]:
        """Fewer than ``KEYED_RELS`` relationships are looked up as the store looks them up
        (``existing_rel_ids``: one at a time, each by its ends' keys). More are asked about
        ``REL_ASK`` at a time, each time in three ``LOAD FROM``s: the stored relationships with
        one of their ids, with the storage offsets of their ends (LadybugDB reads the table's
        ids, not its ends' ids); and the offsets of their starts and of their ends. A staged
        relationship is stored where one has its id and the offsets of its ends: ids are unique
        in a label, so that is the same start, end and id. Until 2026-12-07 every stored
        relationship of the table was read with its ends' ids, which grew with the graph: on the
        graph of the full PSC snapshot, 8.0-28.2 s and 2.5-8.4 GB a table, against 1.9-4.6 s and
        1.3-2.8 GB so (docs/benchmarks.md, "Loader: the planning's look-ups of a large graph")."""
        if table.num_rows < KEYED_RELS:
            return super().stored_rels(type_, sl, el, table)
        found: set[str] = set()
        for start in range(0, table.num_rows, REL_ASK):
            part = table.slice(start, REL_ASK)
            stored = self.store._scan_result(
                f"LOAD FROM batch MATCH (a:{sl})-[r:{type_}]->(b:{el}) WHERE r.id = k_rid "
                "RETURN offset(id(a)) AS f, offset(id(b)) AS t, r.id AS id",
                pa.table({"k_rid": pc.unique(part.column("id"))}), f"find {type_}").get_as_arrow(0)
            if not stored.num_rows:
                continue
            keys = _rel_keys(self._offsets(sl, part.column("from")), self._offsets(el, part.column("to")),
                             part.column("id"))
            held = _rel_keys(stored.column("f").cast(pa.string()), stored.column("t").cast(pa.string()),
                             stored.column("id"))
            hit = pc.is_in(keys, value_set=held)
            found.update(part.column("id").filter(hit).to_pylist())
        return found

    def _offsets(self, label: str, ids: pa.ChunkedArray | pa.Array) -> pa.Array:
        """The storage offset of each of ``ids`` (nodes of ``label``) as text, null where the
        store does not hold it."""
        result = self._held(label, pc.unique(ids))
        known = result.column("k").combine_chunks().cast(pa.string())
        offsets = result.column("o").combine_chunks().cast(pa.string())
        where = pc.index_in(ids, value_set=known)
        return pc.take(offsets, where.combine_chunks() if isinstance(where, pa.ChunkedArray) else where)


def _rows_in(path: Path) -> int:
    """The rows of a Parquet file, from its footer."""
    return int(pq.ParquetFile(path).metadata.num_rows)


def _rel_keys(start: Any, end: Any, rel_id: Any) -> pa.Array:
    """One text key per relationship: its start's id, its end's id and its own, joined by a
    control character no id holds."""
    keys = pc.binary_join_element_wise(start, end, rel_id, "\x1f")
    return keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys
