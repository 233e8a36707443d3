"""``graphkit push`` into a Neo4j database that already holds part of the graph: the nodes it
holds are merged (looked up, overwritten with the pushed values), the relationships it holds are
left alone, what only the database holds stays, and find-links answers as the embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphkit.load import load_files
from graphkit.store.embedded import EmbeddedStore
from graphkit.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j

KEK = Path("ftm_kek_media_ownership") / "kek_company_ownership.ftm.jsonl"


def test_a_push_into_a_database_holding_part_of_the_graph_merges(real, neo4j_server, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    uri = neo4j_server.bolt_uri
    lines = (real / KEK).read_text(encoding="utf-8").splitlines(keepends=True)
    part = tmp_path / "part" / KEK.name  # the first 1,500 of its 5,607 real records
    part.parent.mkdir()
    part.write_text("".join(lines[:1500]), encoding="utf-8")
    graphs = {}
    for name, source in (("part", part), ("whole", real / KEK)):
        graphs[name] = tmp_path / name / "graph"
        with EmbeddedStore(graphs[name]) as store:
            load_files(store, [source], "ftm", dataset="kek", rejects_dir=tmp_path / name / "rejects")
    with EmbeddedStore(graphs["part"], read_only=True) as store:
        held = store.counts()
        firm = store._execute("MATCH (c:Company) RETURN c.id AS id, c.name AS name ORDER BY c.id LIMIT 1")[0]
    with EmbeddedStore(graphs["whole"], read_only=True) as store:
        whole = store.counts()
    assert 0 < sum(held.nodes.values()) < sum(whole.nodes.values())

    with Neo4jStore(uri, password=neo4j_server.password) as neo:
        neo._execute("MATCH (n) DETACH DELETE n")
    assert cli("push", "--db", graphs["part"], "--neo4j", uri).code == 0
    with Neo4jStore(uri, password=neo4j_server.password) as neo:  # a stale value, and a firm only Neo4j holds
        neo._execute("MATCH (c:Company {id: $id}) SET c.name = 'stale name'", {"id": firm["id"]})
        neo._execute("CREATE (:Company {id: 'only-in-neo4j', name: 'Kept GmbH', datasets: ['manual']})")

    r = cli("push", "--db", graphs["whole"], "--neo4j", uri)
    assert r.code == 0, r.err
    n_held, r_held = sum(held.nodes.values()), sum(held.relationships.values())
    n_whole, r_whole = sum(whole.nodes.values()), sum(whole.relationships.values())
    assert (f"{n_whole - n_held:,} nodes created, {n_held:,} updated, {r_whole - r_held:,} relationships "
            f"created, {r_held:,} already there.") in r.out
    with Neo4jStore(uri, password=neo4j_server.password) as neo:
        counts = neo.counts()
        assert counts.relationships == whole.relationships  # none twice
        assert counts.nodes == {**whole.nodes, "Company": whole.nodes["Company"] + 1}
        assert neo._execute("MATCH (c:Company {id: $id}) RETURN c.name AS name", {"id": firm["id"]}) == [
            {"name": firm["name"]}]
        assert neo._execute("MATCH (c:Company {id: 'only-in-neo4j'}) RETURN c.name AS name") == [{"name": "Kept GmbH"}]
        neo._execute("MATCH (c:Company {id: 'only-in-neo4j'}) DELETE c")
    for query in (["--all"], [firm["name"]]):
        embedded = cli("find-links", *query, "--db", graphs["whole"], "--format", "json")
        pushed = cli("find-links", *query, "--neo4j", uri, "--format", "json")
        assert embedded.code == 0 and pushed.code == 0
        assert sorted(pushed.out.splitlines()) == sorted(embedded.out.splitlines())
        assert embedded.out.strip()
