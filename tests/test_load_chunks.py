"""A load commits in chunks under a load id, journalled first (graphkit/store/journal.py): a load
killed outright (SIGKILL) after some chunks committed is undone by the next command that opens
the store, which says so, and running the load again gives the graph of one clean load."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cases import LOAD_TIMES, graph_snapshot

from graphkit.cli.options import StoreTarget, open_store
from graphkit.load import load_files
from graphkit.store.embedded import EmbeddedStore
from graphkit.store.journal import ParquetRows

# the child: a load that kills itself (SIGKILL, nothing runs after it) at a given point: "journal",
# once its third chunk is journalled, just before that chunk writes (every batch of 400 lines a
# chunk); "copy", once the first relationship table of its one chunk is written and committed
# (its nodes are, the rest is not); "update", midway through rewriting the stored nodes its one
# chunk changes (read back from their staging file 7 at a time: two slices are committed)
KILLED_LOAD = """
import os, signal, sys
from pathlib import Path
from graphkit.cli.options import StoreTarget, open_store
from graphkit.load import load_files
from graphkit.store.embedded import EmbeddedStore, _EmbeddedStagedLoad
from graphkit.store.journal import Journal

db, neo4j, sample, rejects, point = sys.argv[1:]
record, copy_rels, update = Journal.record, _EmbeddedStagedLoad.copy_rels, EmbeddedStore.update_nodes
def record_then_die(self, entry):
    record(self, entry)
    if self.chunks == 3:
        os.kill(os.getpid(), signal.SIGKILL)
def copy_then_die(self, *args):
    copy_rels(self, *args)
    os.kill(os.getpid(), signal.SIGKILL)
def update_then_die(self, label, rows, calls=[]):
    update(self, label, rows)
    calls.append(len(rows))
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
if point == "journal":
    Journal.record = record_then_die
elif point == "update":
    _EmbeddedStagedLoad.update_rows = 7
    EmbeddedStore.update_nodes = update_then_die
else:
    _EmbeddedStagedLoad.copy_rels = copy_then_die
with open_store(StoreTarget(Path(db) if db else None, neo4j or None)) as store:
    load_files(store, [Path(sample)], "ftm", dataset="kek", batch_rows=400, rejects_dir=Path(rejects))
"""


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def target(request, tmp_path, monkeypatch) -> tuple[list[str], StoreTarget]:
    """The store a command line names: a new embedded graph, or the test Neo4j emptied (its
    load journals in a folder of this test's)."""
    if request.param == "embedded":
        return ["--db", str(tmp_path / "graph")], StoreTarget(tmp_path / "graph")
    server = request.getfixturevalue("neo4j_server")
    monkeypatch.setenv("NEO4J_PASSWORD", server.password)
    monkeypatch.setenv("GRAPHKIT_STATE_DIR", str(tmp_path / "state"))
    with open_store(StoreTarget(None, server.bolt_uri)) as store:
        store._execute("MATCH (n) DETACH DELETE n")
    return ["--neo4j", server.bolt_uri], StoreTarget(None, server.bolt_uri)


def test_a_load_killed_after_two_chunks_is_undone_by_the_next_command(real, tmp_path: Path, cli, target):
    killed_load_is_undone(real, tmp_path, cli, *target, point="journal", chunk="1", begun=3)


def test_an_embedded_load_killed_between_two_writes_of_a_chunk_is_undone(real, tmp_path: Path, cli):
    # the embedded store commits each write of a chunk on its own (its nodes, then each
    # relationship table): killed after some of them, the load is undone all the same
    where = StoreTarget(tmp_path / "graph")
    killed_load_is_undone(real, tmp_path, cli, ["--db", str(where.db)], where, point="copy", chunk="0", begun=1)


def test_an_embedded_load_killed_after_a_copy_run_in_its_own_process_is_undone(real, tmp_path: Path, cli):
    # each COPY in a process of its own (graphkit/store/embedded.py, COPY_APART_ROWS): that process
    # committed the first relationship table and ended, then the load itself is killed
    where = StoreTarget(tmp_path / "graph")
    killed_load_is_undone(real, tmp_path, cli, ["--db", str(where.db)], where, point="copy", chunk="0", begun=1,
                          env={"GRAPHKIT_COPY_APART_ROWS": "0"})


def test_a_load_over_a_graph_killed_while_rewriting_the_nodes_it_changes_is_undone(real, tmp_path: Path, cli):
    # the nodes a load changes are rewritten from a staging file slice by slice, each slice
    # committing on its own; killed after two slices, the graph gets back the exact properties
    # its nodes had (kept in the journal's folder as Parquet)
    where = StoreTarget(tmp_path / "graph")
    killed_load_is_undone(real, tmp_path, cli, ["--db", str(where.db)], where, point="update", chunk="0", begun=1)


def killed_load_is_undone(real, tmp_path: Path, cli, options: list[str], where: StoreTarget, *, point: str,
                          chunk: str, begun: int, env: dict[str, str] | None = None) -> None:
    """Kill a load at ``point`` (see KILLED_LOAD), after ``begun`` chunks were begun; the next
    command undoes it, and the load run again gives the graph of one clean load."""
    sample = real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    head = tmp_path / "kek-head.ftm.jsonl"  # a graph that holds part of the sample already
    head.write_text("".join(lines[-2500:]), encoding="utf-8")  # the first chunks create and change
    with open_store(where) as store:
        load_files(store, [head], "ftm", dataset="kek", rejects_dir=tmp_path)
        before = graph_snapshot(store)
        journals = store.journal_root()
    assert journals is not None

    env = {**os.environ, "GRAPHKIT_LOAD_CHUNK": chunk, **(env or {})}
    child = subprocess.run([sys.executable, "-c", KILLED_LOAD, str(where.db or ""), where.neo4j or "", str(sample),
                            str(tmp_path), point], env=env, capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert len(list(journals.iterdir())) == 1  # the killed load's journal is left behind

    stats = cli("stats", *options)  # any command: a reader too
    assert stats.code == 0, stats.err
    said = re.search(rf"undid the load \S+ \(started .*\), which stopped before it finished: {begun} chunk\(s\) "
                     r"begun, (\d+) node\(s\) and (\d+) relationship\(s\) removed, (\d+) node\(s\) given back "
                     "their properties", stats.err)
    assert said and all(int(n) > 0 for n in said.groups()), stats.err
    with open_store(where) as store:
        assert graph_snapshot(store) == before  # exactly: every property, the load times too
    assert not list(journals.iterdir())  # its staging files went with its journal
    if where.db:
        assert sorted(p.name for p in where.db.iterdir()) == [".loads", "graph.lbdb"]

    again = cli("load", sample, "--mapping", "ftm", "--dataset", "kek", *options, "--rejects-dir", tmp_path)
    assert again.code == 0, again.err
    assert "undid" not in again.err
    with EmbeddedStore(tmp_path / "reference") as store:
        load_files(store, [head], "ftm", dataset="kek", rejects_dir=tmp_path)
        load_files(store, [sample], "ftm", dataset="kek", rejects_dir=tmp_path)
        expected = graph_snapshot(store, without=LOAD_TIMES)
    with open_store(where) as store:
        assert graph_snapshot(store, without=LOAD_TIMES) == expected


def test_a_load_in_chunks_gives_the_graph_of_a_load_in_one(real, tmp_path: Path, monkeypatch):
    # the same real files loaded in chunks of 300 records and as one chunk: the same graph
    files = [real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"]
    customs = real / "customs_trade" / "ru_import_monthly_agg.csv"
    snapshots = []
    for chunk in ("300", "0"):
        monkeypatch.setenv("GRAPHKIT_LOAD_CHUNK", chunk)
        with EmbeddedStore(tmp_path / f"chunk-{chunk}") as store:
            load_files(store, files, "ftm", dataset="kek", batch_rows=250, rejects_dir=tmp_path)
            report = load_files(store, [customs], "ru-import-agg", batch_rows=250, rejects_dir=tmp_path)
            snapshots.append((graph_snapshot(store, without=LOAD_TIMES), report.written))
    assert snapshots[0] == snapshots[1]
    assert sum(map(len, snapshots[0][0].values())) > 1000  # enough records for several chunks


def test_rows_kept_on_disk_come_back_exactly_and_those_that_would_not_stay_as_they_are(tmp_path: Path):
    # the old properties of changed nodes go to Parquet batch by batch; a batch whose values
    # Arrow would give back otherwise (a whole number in a float column) is kept as it is
    rows = ParquetRows("Shipment", tmp_path, "old.0.Shipment.parquet", durable=True)
    exact = [{"id": f"s{i}", "value_usd": 1.5 * i, "date": dt.date(2024, 1, i + 1)} for i in range(5)]
    whole = [{"id": "w", "value_usd": 3}]
    rows.add(exact[:3])
    rows.add(whole)
    rows.add(exact[3:])
    rows.close()
    assert (rows.written, rows.kept, len(rows)) == (5, whole, 6)
    again = pickle.loads(pickle.dumps(rows))  # as a journal entry holds it
    again.folder = tmp_path
    back = [row for part in again.read(2) for row in part]
    assert [{k: v for k, v in r.items() if v is not None} for r in back] == [*exact, *whole]
    assert [type(r["value_usd"]) for r in back] == [float] * 5 + [int]


def test_the_embedded_store_leaves_half_the_memory_to_graphkit_unless_told(monkeypatch):
    from graphkit.store.embedded import POOL_SHARE, buffer_pool

    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    monkeypatch.delenv("GRAPHKIT_BUFFER_POOL_MB", raising=False)
    assert buffer_pool() == int(machine * POOL_SHARE) and POOL_SHARE <= 0.5
    monkeypatch.setenv("GRAPHKIT_BUFFER_POOL_MB", "512")
    assert buffer_pool() == 512 << 20
