"""``graphkit neo4j import``: an embedded graph bulk-loaded into the local server's database.

The driver writes a graph record by record through transactions; ``neo4j-admin database import
full`` instead builds the store files directly from CSV, and is the fastest way into an empty
database. :func:`import_graph` does the whole round:

1. check that the workspace's database is empty (else refuse, unless ``overwrite``), with the
   server running (it is started if it is not);
2. export every node label and relationship type of the embedded store to neo4j-admin CSV
   (:func:`export_csv`): typed headers (``id:ID(Company)``, ``:START_ID(Person)``,
   ``datasets:string[]``, ``incorporated:date`` ...), every value quoted with quotes doubled,
   list elements joined by U+001F (a character no data string may hold: one that does is refused
   by name); each table is read in one scan of the store (to a Parquet file beside the CSV)
   and written a page at a time, so memory does not grow with the graph;
3. stop the server, run ``neo4j-admin database import full`` into its ``neo4j`` database
   (its read buffer sized to the longest value written: a mass-registration address's list of
   sources outgrows the default 4 MiB at full size; ``--verbose``, so that a failure names its
   cause), start it again on the same ports;
4. create the model's constraints and indexes (``Neo4jStore.ensure_schema``), wait until they
   are online, and check that the database holds what was exported.

Nothing is changed when the database is not empty and ``overwrite`` is not given, or when the
export fails (the server is stopped only after the CSV files are complete). The password comes
from ``NEO4J_PASSWORD`` or the workspace's 0600 password file and is never printed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graphkit.errors import StoreError
from graphkit.model import get_model
from graphkit.server import neo4j_server as ns

ARRAY_DELIMITER = "\x1f"  # ASCII unit separator: never part of a name, address or identifier
PAGE = 100_000  # rows read from the embedded store per query (flat memory for any graph size)
READ_BUFFER = 4 << 20  # neo4j-admin import's default --read-buffer-size (4 MiB): its longest value

_HEADER_TYPES = {"string": "", "list": ":string[]", "date": ":date", "float": ":double", "int": ":long",
                 "bool": ":boolean"}


@dataclass
class CsvFile:
    """One neo4j-admin input file: nodes of ``name`` (a label) or relationships of ``name``
    (a type) between ``start`` and ``end`` labels."""

    kind: str  # "nodes" or "relationships"
    name: str
    path: Path
    rows: int = 0
    start: str = ""
    end: str = ""


@dataclass
class CsvExport:
    """What :func:`export_csv` wrote: the files, and whether any value spans lines."""

    folder: Path
    files: list[CsvFile] = field(default_factory=list)
    multiline: bool = False
    longest: int = 0  # bytes of the longest value written (a list: its elements joined)

    @property
    def nodes(self) -> int:
        return sum(f.rows for f in self.files if f.kind == "nodes")

    @property
    def relationships(self) -> int:
        return sum(f.rows for f in self.files if f.kind == "relationships")


@dataclass
class ImportReport:
    """What :func:`import_graph` did: counts read back from Neo4j, and the time of each step."""

    bolt_uri: str
    nodes: dict[str, int]
    relationships: dict[str, int]
    seconds: dict[str, float]

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_relationships(self) -> int:
        return sum(self.relationships.values())


def export_csv(db: Path, folder: Path, *, page: int = PAGE) -> CsvExport:
    """Write the embedded graph at ``db`` into ``folder`` as neo4j-admin CSV files, one per node
    label and one per relationship type and pair of endpoint labels (tables with no rows get
    no file). Each table is read in one scan by the store itself (``COPY (MATCH ...) TO`` a
    Parquet file beside the CSV, removed once written) and turned into CSV ``page`` rows at a
    time: this process holds one page, not the graph; the store's scan works in its buffer pool
    (a relationship's endpoints are joined there: 1.7 GB for 8M relationships, one-off).

    Raises StoreError when ``db`` holds no graph, or a list element holds U+001F (the array
    delimiter; named with the node or relationship id).
    """
    import ladybug

    from graphkit.store.embedded import DB_FILE, buffer_pool, statement_folder, table_pages

    if not (Path(db) / DB_FILE).exists():
        raise StoreError(f"no graph at {db}: load data first (graphkit load ... --db {db})")
    model = get_model()
    folder.mkdir(parents=True, exist_ok=True)
    out = CsvExport(folder)
    scratch = statement_folder(folder, "scan-")  # beside the CSV, where the path allows
    # the pool every graphkit store opens with (half the machine's memory, GRAPHKIT_BUFFER_POOL_MB),
    # not LadybugDB's default of about 80%: the scans fill what they are given
    database = ladybug.Database(str(Path(db) / DB_FILE), read_only=True, buffer_pool_size=buffer_pool())
    conn = ladybug.Connection(database)

    def scan(match: str, key: str, columns: dict[str, str], extra: str = "") -> Iterator[pa.Table]:
        # One scan of the table, not pages by id: LadybugDB answers ``WHERE id > $after ORDER BY
        # id LIMIT n`` by scanning the table, so paging grew with the square of its rows (0.8 s a
        # page of 100k at 1M rows, 1.2 s at 4M; one COPY TO of the 4M: 2.3 s). Labels and column
        # names come from the model; the path is one a statement can name (statement_folder).
        ret = ", ".join([*(f"{key}.{c} AS {c}" for c in columns)] + ([extra] if extra else []))
        return table_pages(conn, f"{match} RETURN {ret}", scratch, page)

    try:
        for label in model.nodes:
            columns = model.node_columns(label)
            header = {c: (f"id:ID({label})" if c == "id" else c + _HEADER_TYPES[t]) for c, t in columns.items()}
            _write(out, CsvFile("nodes", label, folder / f"nodes.{label}.csv"), header, columns,
                   scan(f"MATCH (n:{label})", "n", columns))
        for rt in model.relationships.values():
            columns = model.rel_columns(rt.type)
            for a, b in rt.between:
                header = {"_from": f":START_ID({a})", "_to": f":END_ID({b})",
                          **{c: c + _HEADER_TYPES[t] for c, t in columns.items()}}
                _write(out, CsvFile("relationships", rt.type, folder / f"rels.{rt.type}.{a}.{b}.csv", start=a, end=b),
                       header, columns, scan(f"MATCH (a:{a})-[r:{rt.type}]->(b:{b})", "r", columns,
                                             "a.id AS _from, b.id AS _to"))
    except RuntimeError as exc:
        raise StoreError(f"reading the graph at {db} failed: {exc}") from None
    finally:
        conn.close()
        database.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def _write(out: CsvExport, file: CsvFile, header: dict[str, str], columns: dict[str, str], tables: Any) -> None:
    """Append ``tables`` to ``file`` as CSV with ``header``; register the file if it got rows."""
    writer = None
    names = list(header)
    try:
        for table in tables:
            cols = []
            for name in names:
                col = table.column(name)
                typ = columns.get(name, "string")
                if typ == "list":
                    col = _joined(col, table.column("id"), file)
                elif typ == "date":
                    col = pc.cast(col, pa.date32())
                if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                    out.multiline = out.multiline or bool(
                        pc.any(pc.match_substring_regex(col, "[\r\n]")).as_py())
                    out.longest = max(out.longest, pc.max(pc.binary_length(col)).as_py() or 0)
                cols.append(col)
            batch = pa.table(cols, names=[header[n] for n in names])
            if writer is None:
                writer = pacsv.CSVWriter(file.path, batch.schema,
                                         write_options=pacsv.WriteOptions(quoting_style="all_valid"))
            writer.write_table(batch)
            file.rows += batch.num_rows
    finally:
        if writer is not None:
            writer.close()
    if file.rows:
        out.files.append(file)


def _joined(col: Any, ids: Any, file: CsvFile) -> Any:
    """A list column as one string per row, elements joined by the array delimiter."""
    col = pc.cast(col, pa.list_(pa.string()))
    hit = pc.any(pc.match_substring(pc.list_flatten(col), ARRAY_DELIMITER)).as_py()
    if hit:
        bad = [i for i, v in zip(ids.to_pylist(), col.to_pylist(), strict=True)
               if v and any(ARRAY_DELIMITER in (e or "") for e in v)]
        raise StoreError(f"{file.name} {bad[0]!r} has a list value holding the control character U+001F, "
                         "which neo4j-admin would split on: remove it, or push with the driver instead")
    return pc.binary_join(col, ARRAY_DELIMITER)


def node_count(uri: str, password: str) -> int:
    """How many nodes the server's default database holds."""
    from graphkit.store.neo4j import Neo4jStore

    with Neo4jStore(uri, password=password) as store:
        return sum(store.counts().nodes.values())


def import_graph(db: Path, workspace: Path, *, overwrite: bool = False, bolt_port: int | None = None,
                 http_port: int | None = None, keep_csv: Path | None = None) -> ImportReport:
    """Bulk-load the embedded graph at ``db`` into the ``neo4j`` database of ``workspace``'s
    local server (see the module docstring for the steps). The server is started if it is not
    running (on ``bolt_port``/``http_port``, else the ports it had), and is left running.

    Costs: the CSV export (about the size of the graph on disk, in a temporary folder, or in
    ``keep_csv`` if given, kept there) and a server restart (10-20 s on 2 cores).

    Raises StoreError when the database already holds nodes and ``overwrite`` is false (nothing
    is changed), when the export or ``neo4j-admin`` fails, or when the imported database does
    not hold what was exported.
    """
    from graphkit.store.embedded import DB_FILE

    if not (Path(db) / DB_FILE).exists():
        raise StoreError(f"no graph at {db}: load data first (graphkit load ... --db {db})")
    seconds: dict[str, float] = {}
    before = ns.status(workspace)
    bolt = bolt_port or _port_of(before.bolt_uri)
    http = http_port or _port_of(before.http_url)
    info = ns.start(workspace, bolt_port=bolt, http_port=http)
    password = ns.password_for(workspace)
    held = node_count(info.bolt_uri, password)
    if held and not overwrite:
        raise StoreError(f"the Neo4j database of {workspace} already holds {held:,} nodes: nothing was "
                         "imported; pass --overwrite to replace them")
    folder = keep_csv or Path(tempfile.mkdtemp(prefix="graphkit-import-"))
    try:
        t = time.perf_counter()
        export = export_csv(db, folder)
        seconds["export"] = time.perf_counter() - t
        bolt, http = _port_of(info.bolt_uri), _port_of(info.http_url)
        ns.stop(workspace)
        t = time.perf_counter()
        try:
            run_admin_import(workspace, export)
        finally:
            seconds["neo4j-admin"] = time.perf_counter() - t
            t = time.perf_counter()
            info = ns.start(workspace, bolt_port=bolt, http_port=http)
            seconds["restart"] = time.perf_counter() - t
    finally:
        if keep_csv is None:
            shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    report = _finish(info.bolt_uri, password, export, seconds)
    seconds["schema"] = time.perf_counter() - t
    return report


def run_admin_import(workspace: Path, export: CsvExport, *, timeout: float = 6 * 3600) -> None:
    """``neo4j-admin database import full neo4j`` of ``export`` into the (stopped) server of
    ``workspace``, replacing its ``neo4j`` database. Any bad entry aborts the import."""
    args = ["database", "import", "full", "neo4j", "--overwrite-destination=true", "--bad-tolerance=0",
            "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
            f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
            f"--report-file={ns.logs_dir(workspace) / 'import.report'}", "--verbose"]
    if export.multiline:
        args.append("--multiline-fields=true")
    if (buffer := read_buffer(export)) > READ_BUFFER:
        args.append(f"--read-buffer-size={buffer}")
    args += [f"--nodes={f.name}={f.path}" for f in export.files if f.kind == "nodes"]
    args += [f"--relationships={f.name}={f.path}" for f in export.files if f.kind == "relationships"]
    if not export.files:
        raise StoreError("the embedded graph is empty: nothing to import")
    ns.admin(workspace, args, timeout=timeout, what="neo4j-admin database import full")


def read_buffer(export: CsvExport) -> int:
    """Bytes of neo4j-admin's read buffer for ``export``: it must hold the longest value (a
    registry's mass-registration address lists some 150,000 sources at the full UK PSC snapshot,
    about 9 MB), with room for its quotes doubled; at least neo4j-admin's default."""
    return max(READ_BUFFER, 2 * export.longest + (1 << 20))


def _finish(uri: str, password: str, export: CsvExport, seconds: dict[str, float]) -> ImportReport:
    """Create the schema, wait for its indexes, and check the counts against ``export``."""
    from graphkit.store.neo4j import Neo4jStore

    with Neo4jStore(uri, password=password) as store:
        store.ensure_schema()
        store.await_indexes(3600)
        counts = store.counts()
    nodes = {k: v for k, v in counts.nodes.items() if v}
    rels = {k: v for k, v in counts.relationships.items() if v}
    want_nodes = {f.name: 0 for f in export.files if f.kind == "nodes"}
    for f in export.files:
        if f.kind == "nodes":
            want_nodes[f.name] += f.rows
    if nodes != want_nodes or sum(rels.values()) != export.relationships:
        raise StoreError(f"neo4j-admin imported {sum(nodes.values()):,} nodes and {sum(rels.values()):,} "
                         f"relationships, but {export.nodes:,} and {export.relationships:,} were exported; "
                         "see the import report in the workspace's logs")
    return ImportReport(uri, nodes, rels, seconds)


def _port_of(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])
