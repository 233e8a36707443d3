"""Neo4j at scale: ``graphkit neo4j import`` (neo4j-admin bulk import of an embedded graph), the
dump of that database loaded into a fresh server (the way to a cluster or Aura), and driver
writes that stream batch by batch instead of holding the load."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphkit.errors import InvalidData
from graphkit.load import load_files
from graphkit.store.copy import copy_store
from graphkit.store.embedded import EmbeddedStore
from graphkit.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j


def _answers(cli, *where: str | Path) -> list[str]:
    """find-links over the whole graph and for one name, as JSON lines, order-free."""
    every = cli("find-links", "--all", *where, "--format", "json")
    one = cli("find-links", "Zala Aero", "--all-matches", *where, "--format", "json")  # three firms match
    assert every.code == 0 and one.code == 0, every.err + one.err
    return sorted(every.out.splitlines()) + ["--"] + sorted(one.out.splitlines())


@pytest.fixture
def sanctions_graph(real, tmp_path: Path) -> Path:
    """OFAC's SDN list and OpenSanctions' Zala cluster (real samples) in an embedded graph."""
    db = tmp_path / "graph"
    with EmbeddedStore(db) as store:
        load_files(store, [real / "ofac_sdn" / "sdn.csv"], "ofac-sdn", rejects_dir=tmp_path / "rejects")
        load_files(store, [real / "ftm_opensanctions" / "yente_zala_entities.ftm.json"], "ftm",
                   rejects_dir=tmp_path / "rejects")
    return db


def test_import_answers_as_the_embedded_store_refuses_a_full_database_and_dumps_to_a_fresh_server(
        sanctions_graph, cli, tmp_path: Path, free_port, monkeypatch):
    from graphkit.server import neo4j_server as ns

    password = secrets.token_urlsafe(16)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    workspace, fresh = tmp_path / "neo", tmp_path / "fresh"
    db = sanctions_graph
    expected = _answers(cli, "--db", db)
    assert len(expected) > 10  # the samples link firms: the comparison below compares something
    with EmbeddedStore(db, read_only=True) as source:
        counts, properties = source.counts(), _properties(source)
    nodes, rels = sum(counts.nodes.values()), sum(counts.relationships.values())
    try:
        r = cli("neo4j", "import", "--db", db, "--workspace", workspace,
                "--bolt-port", str(free_port()), "--http-port", str(free_port()))
        assert r.code == 0, r.err
        assert f"{nodes:,} nodes, {rels:,} relationships" in r.out and password not in r.out + r.err
        uri = ns.status(workspace).bolt_uri
        assert _answers(cli, "--neo4j", uri) == expected
        with Neo4jStore(uri) as store:  # every node property as the embedded store holds it
            assert _properties(store) == properties
            constraints = {r["name"] for r in store._execute("SHOW CONSTRAINTS YIELD name")}
        assert {"company_id", "person_id", "sanction_id"} <= constraints

        # a database that holds nodes is refused, with nothing changed
        refused = cli("neo4j", "import", "--db", db, "--workspace", workspace)
        assert refused.code == 1
        assert refused.err.strip() == (f"graphkit: error: the Neo4j database of {workspace} already holds {nodes:,} nodes: "
                                       "nothing was imported; pass --overwrite to replace them")
        assert ns.status(workspace).running and _answers(cli, "--neo4j", uri) == expected

        # the way to a cluster or Aura: neo4j-admin database dump, loaded into a fresh server
        dumps = tmp_path / "dumps"
        dumps.mkdir()
        ns.stop(workspace)
        ns.admin(workspace, ["database", "dump", "neo4j", f"--to-path={dumps}"])
        assert (dumps / "neo4j.dump").stat().st_size > 0
        ports = {"bolt_port": free_port(), "http_port": free_port()}
        ns.start(fresh, **ports)
        ns.stop(fresh)
        ns.admin(fresh, ["database", "load", "neo4j", f"--from-path={dumps}", "--overwrite-destination=true"])
        info = ns.start(fresh, **ports)
        assert _answers(cli, "--neo4j", info.bolt_uri) == expected
    finally:
        ns.stop(workspace)
        ns.stop(fresh)


def _properties(store: Any) -> dict[str, dict[str, Any]]:
    from graphkit.model import get_model

    out = {}
    for label in get_model().nodes:
        ret = ", ".join(f"x.{c} AS {c}" for c in get_model().node_columns(label))
        for row in store._execute(f"MATCH (x:{label}) RETURN {ret}"):
            out[f"{label}:{row['id']}"] = {k: v for k, v in row.items() if v is not None}
    return out


def test_a_value_longer_than_neo4j_admins_read_buffer_is_imported_whole(cli, tmp_path: Path, free_port,
                                                                          monkeypatch):
    """A registry's mass-registration address: every line that gives it adds a source to its
    ``records``, some 150,000 at the full UK PSC snapshot, one CSV field of about 9 MB. The full
    snapshot's import failed on such fields until the read buffer was sized to the longest."""
    from graphkit.model import Node, Provenance
    from graphkit.server import neo4j_server as ns

    monkeypatch.setenv("NEO4J_PASSWORD", secrets.token_urlsafe(16))
    db, workspace = tmp_path / "graph", tmp_path / "neo"
    sources = [f"uk-psc|psc-snapshot.txt|/company/{n:08d}/persons-with-significant-control/individual/x{n}"
               for n in range(80_000)]  # 6.5 MB joined: beyond neo4j-admin's 4 MiB default
    src = Provenance("uk-psc", "psc-snapshot.txt", "line 1")
    with EmbeddedStore(db) as store, store.transaction():
        store.write([Node("Address", "addr:agent", {"full": "1 Formation Street, London", "datasets": ["uk-psc"],
                                                    "records": sources}, src),
                     Node("Address", "addr:home", {"full": "2 Home Road", "datasets": ["uk-psc"],
                                                   "records": sources[:1]}, src)], [])
    try:
        r = cli("neo4j", "import", "--db", db, "--workspace", workspace,
                "--bolt-port", str(free_port()), "--http-port", str(free_port()))
        assert r.code == 0, r.err
        with Neo4jStore(ns.status(workspace).bolt_uri) as neo:
            got = {row["id"]: row["records"] for row in neo._execute("MATCH (a:Address) RETURN a.id AS id, "
                                                                       "a.records AS records")}
        assert got == {"addr:agent": sources, "addr:home": sources[:1]}
    finally:
        ns.stop(workspace)


def test_import_of_a_graph_that_is_not_there_is_one_line_and_starts_nothing(cli, tmp_path: Path):
    r = cli("neo4j", "import", "--db", tmp_path / "nothing", "--workspace", tmp_path / "neo")
    assert r.code == 1 and r.err.count("\n") == 1
    assert "no graph at" in r.err and not (tmp_path / "neo").exists()


class _Counting(Neo4jStore):
    """A Neo4jStore that records the rows of every write statement it sends."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.writes: list[tuple[str, int]] = []
        self.on_write = lambda: None

    def _execute(self, text: str, params: dict[str, Any] | None = None, *, name: str = "") -> list[dict[str, Any]]:
        if name.startswith(("create ", "write ")):
            self.writes.append((name, len((params or {}).get("rows", []))))
            self.on_write()
        return super()._execute(text, params, name=name)


def test_a_load_into_neo4j_streams_batch_by_batch_and_a_failed_one_is_undone(neo4j_server, tmp_path: Path):
    with _Counting(neo4j_server.bolt_uri, password=neo4j_server.password, batch_size=40) as store:
        store._execute("MATCH (n) DETACH DELETE n")
        rows = 1000
        firms = tmp_path / "firms.csv"
        firms.write_text("record_id,company_name,jurisdiction,inn\n"
                         + "".join(f"F{i},ООО Фирма {i},ru,{7700000000 + i}\n" for i in range(rows)), encoding="utf-8")
        read: list[int] = []
        first_write_at: list[int] = []
        store.on_write = lambda: first_write_at.append(sum(read)) if not first_write_at else None
        load_files(store, [firms], "registry", batch_rows=100, progress=read.append)
        assert store.counts().nodes["Company"] == rows
        # written while reading, never more than batch_size rows per statement, whatever the input size
        assert first_write_at == [100]
        assert max(n for _, n in store.writes) == 40
        assert len([w for w in store.writes if w[0] == "create Company"]) == rows // 100 * 3  # 100 = 40 + 40 + 20
        before = _properties(store)

        # strict mode: row 3 is bad; batch 1 (an update of a stored firm, a new firm) was written, then undone
        bad = tmp_path / "bad.csv"
        bad.write_text("record_id,company_name,jurisdiction,inn,incorporation_date\n"
                       "B1,ООО Фирма Новая,ru,7700000001,2020-01-01\nB2,ООО Бета,ru,7799999999,2020-01-01\n"
                       "B3,ООО Гамма,ru,7799999998,not a date\n", encoding="utf-8")
        store.writes.clear()
        with pytest.raises(InvalidData, match="bad.csv, line 4, column 'incorporation_date'"):
            load_files(store, [bad], "registry", batch_rows=2)
        assert ("create Company", 1) in store.writes  # B2 had been created ...
        assert _properties(store) == before  # ... and B1's new name merged: both undone


def test_a_push_streams_page_by_page(real, neo4j_server, tmp_path: Path):
    source = EmbeddedStore(tmp_path / "src")
    load_files(source, [real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"], "ftm",
               dataset="kek", rejects_dir=tmp_path / "rejects")
    expected = source.counts()
    reads: list[int] = []  # the rows of each page the push has read
    original = source.read_pages

    def counting(*args: Any, **kwargs: Any) -> Iterator[list[dict[str, Any]]]:
        for page in original(*args, **kwargs):
            reads.append(len(page))
            yield page

    source.read_pages = counting  # type: ignore[method-assign]
    with _Counting(neo4j_server.bolt_uri, password=neo4j_server.password) as target:
        target._execute("MATCH (n) DETACH DELETE n")
        ahead: list[int] = []
        target.on_write = lambda: ahead.append(len(reads) - len(target.writes))
        stats = copy_store(source, target, batch=50)
        counts = target.counts()
    assert counts.nodes == expected.nodes and counts.relationships == expected.relationships
    assert stats.nodes_created == sum(expected.nodes.values())
    # one statement per page of at most 50 rows, and never more than two pages read ahead of the writes
    assert len(target.writes) == len(reads) > sum(expected.nodes.values()) / 50
    assert max(n for _, n in target.writes) == 50
    assert max(ahead) <= 2
    source.close()
