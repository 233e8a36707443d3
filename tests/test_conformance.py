"""One contract, both stores: every test here runs on the embedded graph and on a real Neo4j,
and find-links must give the same answer (links, kinds, evidence, sources) on each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cases import graph_snapshot

from graphkit.demo import load_demo
from graphkit.errors import InvalidData, QueryError
from graphkit.link.links import find_links, screen
from graphkit.load import load_files
from graphkit.model import Node, Provenance, Rel


def canonical(links) -> list[str]:
    """Links as comparable text: lists sorted, so only content counts."""
    out = []
    for link in links:
        d = link.as_dict()
        for side in ("a", "b"):
            for key in ("registry_ids", "datasets", "members"):
                d[side][key] = sorted(d[side][key])
        d["evidence"] = sorted(json.dumps(e, sort_keys=True, ensure_ascii=False, default=str) for e in d["evidence"])
        out.append(json.dumps(d, sort_keys=True, ensure_ascii=False, default=str))
    return sorted(out)


@pytest.fixture(scope="module")
def embedded_demo(tmp_path_factory):
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path_factory.mktemp("ref") / "graph") as s:
        load_demo(s)
        yield canonical(find_links(s, "Aspan Arba")), canonical(screen(s))


def _the_same_as_the_embedded_store(store) -> bool:
    """Whether to compare ``store`` with an embedded reference: only a store of another dialect
    (comparing the embedded store with itself proves nothing); every store also meets the
    facts each test states on its own."""
    from graphkit.store.embedded import EmbeddedStore

    return store.dialect != EmbeddedStore.dialect


def test_demo_find_links_is_the_same_on_every_store(any_store, request):
    load_demo(any_store)
    found, everything = find_links(any_store, "Aspan Arba"), screen(any_store)
    # the case as reported, on every store: Aspan Arba and Nebesnaya Mekhanika linked by people
    # and shipments, every fact with a source record
    case = {"kz-bin:220440173863", "ru-inn:7717019625"}
    pair = next(x for x in found if {x.a.id, x.b.id} == case)
    assert pair.kinds == ["shared_officer", "common_owner", "shipment"]
    assert all(e.sources and all(s["record"] for s in e.sources) for x in found for e in x.evidence)
    assert any({x.a.id, x.b.id} == case and "shared_officer" in x.kinds for x in everything)  # --all finds it
    if _the_same_as_the_embedded_store(any_store):
        one, screened = request.getfixturevalue("embedded_demo")
        assert canonical(found) == one
        assert canonical(everything) == screened


def _record_ids(path: Path) -> set[str]:
    return {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def test_real_samples_screen_the_same_on_every_store(any_store, real, tmp_path):
    from graphkit.store.embedded import EmbeddedStore

    kek = real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"
    customs = real / "customs_trade" / "ru_import_monthly_agg.csv"
    load_files(any_store, [kek], "ftm", dataset="kek", rejects_dir=tmp_path)
    load_files(any_store, [customs], "ru-import-agg", rejects_dir=tmp_path)
    found = screen(any_store)
    # on every store: the sample's ownership chains and shipments give links, and every fact
    # cites a record that is in the sample (an entity id of the FtM file, a line of the CSV)
    assert {"common_owner", "direct_control", "shipment"} <= {k for x in found for k in x.kinds}
    cited = [s for x in found for e in x.evidence for s in e.sources]
    kek_ids, lines = _record_ids(kek), len(customs.read_text(encoding="utf-8").splitlines())
    for s in cited:
        if s["file"] == kek.name:
            assert s["record"] in kek_ids, s
        else:
            assert s["file"] == customs.name and 2 <= int(s["record"].removeprefix("line ")) <= lines, s
    if _the_same_as_the_embedded_store(any_store):
        with EmbeddedStore(tmp_path / "ref") as ref:
            load_files(ref, [kek], "ftm", dataset="kek", rejects_dir=tmp_path)
            load_files(ref, [customs], "ru-import-agg", rejects_dir=tmp_path)
            assert any_store.counts().nodes == ref.counts().nodes
            assert any_store.counts().relationships == ref.counts().relationships
            assert canonical(found) == canonical(screen(ref))


def test_writes_are_idempotent_and_roll_back(any_store):
    src = Provenance("t", "f.csv", "line 2")
    nodes = [Node("Company", "ru-inn:1", {"name": "A", "names": ["A"], "datasets": ["t"], "records": [src.ref]}, src),
             Node("Person", "t:person:1", {"name": "P", "names": ["P"], "datasets": ["t"], "records": [src.ref]}, src)]
    rels = [Rel("OFFICER_OF", "Person", "t:person:1", "Company", "ru-inn:1",
                {"role": "director", "dataset": "t", "source_file": "f.csv", "record": "line 2"}, src)]
    with any_store.transaction():
        any_store.write(nodes, rels)
    with any_store.transaction():
        any_store.write(nodes, rels)
    before = any_store.counts()
    assert before.nodes["Company"] == 1 and before.relationships["OFFICER_OF"] == 1
    with pytest.raises(RuntimeError), any_store.transaction():
        any_store.write([Node("Company", "ru-inn:2", {"name": "B"}, src)], [])
        raise RuntimeError("fail in the middle")
    assert any_store.counts().nodes == before.nodes


def test_updating_stored_nodes_by_the_properties_that_changed_leaves_the_others(any_store):
    src = Provenance("t", "f.csv", "line 2")
    with any_store.transaction():
        any_store.write([Node("Company", "ru-inn:1", {"name": "A", "names": ["A", "Ä"], "country": "ru",
                                                     "datasets": ["t"], "records": [src.ref]}, src)], [])
    stored = any_store.fetch_nodes("Company", ["ru-inn:1"])["ru-inn:1"]
    later = Provenance("t", "g.csv", "line 9").ref
    any_store.update_nodes("Company", [{**stored, "records": [src.ref, later]}], columns={"records"})
    any_store.update_nodes("Company", [stored | {"records": [src.ref, later]}], columns=set())  # nothing changed
    after = any_store.fetch_nodes("Company", ["ru-inn:1"])["ru-inn:1"]
    assert after["records"] == [src.ref, later]
    assert {k: v for k, v in after.items() if k != "records"} == {k: v for k, v in stored.items() if k != "records"}
    assert after["names"] == ["A", "Ä"] and after["country"] == "ru"


def test_a_table_is_read_in_pages_each_record_once_also_after_deletes(any_store):
    from graphkit.store.records import delete_node

    src = Provenance("t", "f.csv", "line 2")
    firms = [Node("Company", f"t:firm:{i:02d}", {"name": f"Firm {i}", "datasets": ["t"], "records": [src.ref]}, src)
             for i in range(23)]
    owners = [Rel("OWNS", "Company", f"t:firm:{i:02d}", "Company", f"t:firm:{i + 1:02d}",
                  {"dataset": "t", "source_file": "f.csv", "record": "line 2"}, src) for i in range(22)]
    with any_store.transaction():
        any_store.write(firms, owners)
    for gone in ("t:firm:00", "t:firm:07", "t:firm:08", "t:firm:22"):  # each takes its relationships
        delete_node(any_store, "Company", gone)
    pages = list(any_store.read_pages("(n:Company)", "n", "n.id AS id, n.name AS name", 5, name="firms"))
    assert all(0 < len(page) <= 5 for page in pages)
    read = [row for page in pages for row in page]
    left = [f for f in firms if f.id not in ("t:firm:00", "t:firm:07", "t:firm:08", "t:firm:22")]
    assert sorted(read, key=lambda r: r["id"]) == [{"id": f.id, "name": f.props["name"]} for f in left]
    rels = [row for page in any_store.read_pages("(a:Company)-[r:OWNS]->(b:Company)", "r", "a.id AS a, b.id AS b", 4)
            for row in page]
    # 22 links less those of the firms deleted: 0->1, 6->7, 7->8, 8->9 and 21->22
    assert sorted((r["a"], r["b"]) for r in rels) == [(f"t:firm:{i:02d}", f"t:firm:{i + 1:02d}")
                                                      for i in range(22) if i not in (0, 6, 7, 8, 21)]
    assert list(any_store.read_pages("(n:Person)", "n", "n.id AS id", 5)) == []
    if any_store.dialect == "ladybug":  # its pages come from a file of its own, removed after
        assert [p.name for p in any_store.path.iterdir() if p.name.startswith(".scan-")] == []


HOSTILE = [
    "O'Brien & Sons \"Ltd\"",
    "`) MATCH (n) DETACH DELETE n //",
    "Robert'); DROP TABLE firms;--",
    "x\"}) WITH 1 AS one MATCH (m) SET m.name = 'pwned' //",
    "<img src=x onerror=alert(1)>",
]


def test_names_with_cypher_syntax_are_stored_verbatim_and_never_run(any_store, tmp_path: Path):
    rows = "\n".join(f'H{i},"{n.replace(chr(34), chr(34) * 2)}",ru,77000000{i:02d}' for i, n in enumerate(HOSTILE))
    src = tmp_path / "hostile.csv"
    src.write_text("record_id,company_name,jurisdiction,inn\n" + rows + "\n", encoding="utf-8")
    load_files(any_store, [src], "registry")
    names = sorted(r["name"] for r in any_store._execute("MATCH (c:Company) RETURN c.name AS name"))
    assert names == sorted(HOSTILE)
    assert any_store.counts().nodes["Company"] == len(HOSTILE)
    for name in HOSTILE:
        assert find_links(any_store, name) == []  # looked up as text, found, and nothing ran


def test_a_bad_file_leaves_every_store_unchanged(any_store, tmp_path: Path):
    good = tmp_path / "good.csv"
    good.write_text("record_id,company_name,jurisdiction,inn\nG1,ООО Альфа,ru,7700000001\n", encoding="utf-8")
    load_files(any_store, [good], "registry")
    before = any_store.counts()
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,company_name,jurisdiction,inn,incorporation_date\n"
                   "B1,ООО Бета,ru,7700000002,2020-01-01\nB2,ООО Гамма,ru,7700000003,not a date\n", encoding="utf-8")
    with pytest.raises(InvalidData, match="bad.csv, line 3, column 'incorporation_date'"):
        load_files(any_store, [bad], "registry", batch_rows=1)  # the first row was already written
    after = any_store.counts()
    assert after.nodes == before.nodes and after.relationships == before.relationships


def test_a_bad_row_in_the_third_chunk_leaves_the_graph_exactly_as_before(any_store, tmp_path: Path,
                                                                         monkeypatch):
    # a load commits chunk by chunk (store/journal.py); here every batch of two rows is a chunk,
    # so the first two commit before the bad row of the third is read, and are undone
    from graphkit.store.journal import Journal

    monkeypatch.setenv("GRAPHKIT_LOAD_CHUNK", "1")
    header = "record_id,company_name,jurisdiction,inn,incorporation_date\n"
    first = tmp_path / "firms.csv"
    first.write_text(header + "F1,ООО Альфа,ru,7700000001,2001-01-01\nF2,ООО Бета,ru,7700000002,\n", encoding="utf-8")
    load_files(any_store, [first], "registry")
    before = graph_snapshot(any_store)
    committed: list[tuple[int, int, int]] = []
    record = Journal.record
    monkeypatch.setattr(Journal, "record", lambda self, entry: (committed.append(entry.counts()),
                                                                record(self, entry))[1])
    second = tmp_path / "second.csv"
    second.write_text(header + "S1,АО Альфа,ru,7700000001,\nS2,ООО Гамма,ru,7700000003,\n"  # F1 changes
                      "S3,ООО Дельта,ru,7700000004,\nS4,ПАО Бета,ru,7700000002,2002-02-02\n"  # F2 changes
                      "S5,ООО Эпсилон,ru,7700000005,\nS6,ООО Зета,ru,7700000006,not a date\n", encoding="utf-8")
    with pytest.raises(InvalidData, match="second.csv, line 7, column 'incorporation_date'"):
        load_files(any_store, [second], "registry", batch_rows=2)
    assert len(committed) == 2 and all(created and changed for created, changed, _ in committed)
    assert graph_snapshot(any_store) == before  # every property of every node and relationship
    assert not any((tmp_path / name).exists() for name in ("second.csv.rejects.csv", "second.csv.rejects.csv.part"))
    assert not list(any_store.journal_root().iterdir())  # the load is over: no journal is left


def test_a_load_reports_progress_for_every_row_on_every_store(any_store, tmp_path: Path):
    good = tmp_path / "firms.csv"
    good.write_text("record_id,company_name,jurisdiction,inn\n"
                    + "".join(f"F{i},ООО Фирма {i},ru,77000001{i:02d}\n" for i in range(5)), encoding="utf-8")
    done: list[int] = []
    report = load_files(any_store, [good], "registry", batch_rows=2, progress=done.append)
    assert sum(done) == report.rows_read == 5  # the progress bar ends full
    assert any_store.counts().nodes["Company"] == 5


@pytest.mark.neo4j
def test_push_then_find_links_on_neo4j_answers_as_the_embedded_store(neo4j_server, cli, tmp_path, monkeypatch):
    uri, password = neo4j_server.bolt_uri, neo4j_server.password
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    from graphkit.store.neo4j import Neo4jStore

    with Neo4jStore(uri, password=password) as s:
        s._execute("MATCH (n) DETACH DELETE n")
    db = tmp_path / "demo"
    assert cli("demo", "--db", db).code == 0
    r = cli("push", "--db", db, "--neo4j", uri)
    assert r.code == 0 and "nodes created" in r.out and password not in r.out
    embedded = cli("find-links", "Aspan Arba", "--db", db, "--format", "json").out
    on_neo4j = cli("find-links", "Aspan Arba", "--neo4j", uri, "--format", "json").out
    assert on_neo4j == embedded
    assert cli("push", "--db", db, "--neo4j", uri).out.startswith("pushed Neo4j at")  # idempotent
    stats_e = cli("stats", "--db", db, "--format", "json").out
    stats_n = cli("stats", "--neo4j", uri, "--format", "json").out
    assert sorted(stats_e.splitlines()) == sorted(stats_n.splitlines())


def test_a_failing_named_query_raises_query_error_with_its_name(any_store):
    with pytest.raises(QueryError, match="entity_by_id") as failed:
        any_store.run("entity_by_id")  # $ids not given
    assert failed.value.query == "entity_by_id"
    if any_store.dialect != "neo4j":
        with pytest.raises(QueryError, match="runs on neo4j only") as refused:
            any_store.run("browser_find_links", name="Aspan Arba")
        assert refused.value.query == "browser_find_links"


def test_run_flat_gives_the_rows_run_gives(any_store):
    # resolution reads its records with run_flat (the embedded store through Arrow): every kind
    # of value (dates, numbers, flags, lists, missing values) must come back as run gives it
    load_demo(any_store)
    ids = [r["id"] for r in any_store.run("resolve_companies")] + [r["id"] for r in any_store.run("resolve_people")]
    rows = sorted(any_store.run("nodes_by_id", ids=ids), key=lambda r: r["id"])
    flat = sorted(any_store.run_flat("nodes_by_id", ids=ids), key=lambda r: r["id"])
    assert len(rows) == len(ids) > 20
    assert flat == rows
    assert [{k: type(v) for k, v in r.items()} for r in flat] == [{k: type(v) for k, v in r.items()} for r in rows]
    assert any(r["birth_date"] is not None for r in flat) and any(r["registry_ids"] for r in flat)
    for query in ("resolve_people", "person_firms", "company_context"):
        key = lambda r: json.dumps(r, sort_keys=True, default=str)  # noqa: E731 - a sort key
        assert sorted(any_store.run_flat(query), key=key) == sorted(any_store.run(query), key=key)
    with pytest.raises(QueryError, match="entity_by_id"):
        any_store.run_flat("entity_by_id")  # $ids not given: named as run names it


def test_run_columns_gives_the_values_of_run_flat_column_by_column(any_store):
    # resolution reads its largest results (people, their firms, firms' addresses) as columns
    load_demo(any_store)
    for query in ("resolve_people", "resolve_companies", "person_firms", "company_context"):
        rows = any_store.run_flat(query)
        names = list(rows[0])
        assert len(rows) > 5
        columns = any_store.run_columns(query, *names)
        assert sorted(zip(*columns, strict=True), key=repr) == sorted((tuple(r[c] for c in names) for r in rows), key=repr)
    assert any_store.run_columns("nodes_by_id", "id", "names", ids=["no such id"]) == ([], [])
    with pytest.raises(QueryError, match="no column 'nationality'"):
        any_store.run_columns("resolve_companies", "id", "nationality")
    with pytest.raises(QueryError, match="entity_by_id"):
        any_store.run_columns("entity_by_id", "id")  # $ids not given


def test_run_flat_refuses_nodes_on_the_embedded_store(tmp_path: Path):
    # Arrow gives a node as a struct of another shape than run's dict: refused, not reshaped
    from graphkit.errors import StoreError
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "graph") as store:
        load_demo(store)
        with pytest.raises(StoreError, match="returns nodes or relationships"):
            store._execute_flat("MATCH (n:Company) RETURN n.id AS id, n", name="firms")


def test_a_judgement_replaces_only_the_decisions_among_the_records_it_touches(any_store, real, tmp_path):
    # same_as_delete_among and same_as_delete_touching (what `graphkit review` runs after each
    # judgement) on both stores: they remove one method's decisions among, or touching, the given
    # records and nothing else
    from graphkit.resolve import METHOD, apply_judgement, resolve, review_groups
    from graphkit.resolve.judgements import Judgement, Judgements

    def decisions() -> set[tuple[str, str, str]]:
        return {(r["a_id"], r["b_id"], r["judgement"]) for r in any_store.run("same_as_all")}

    load_files(any_store, [real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"], "ftm",
               dataset="kek", rejects_dir=tmp_path)
    book = Judgements.load(tmp_path / "j.jsonl")
    resolve(any_store, book)
    before = decisions()
    pair = review_groups(any_store, 1)[0]["pairs"][0]
    a, b = pair["a_id"], pair["b_id"]
    among = {d for d in before if {d[0], d[1]} <= {a, b}}
    assert [d[2] for d in among] == ["pending"]
    with any_store.transaction():
        any_store.run("same_as_delete_among", ids=[a, b], method=METHOD)
    assert decisions() == before - among
    with any_store.transaction():
        any_store.run("same_as_delete_among", ids=[a, b], method="another-method")  # not ours: nothing
    assert decisions() == before - among
    with any_store.transaction():
        any_store.run("same_as_delete_touching", ids=[a], method="another-method")
    assert decisions() == before - among
    touching = {d for d in before if a in d[:2]}
    with any_store.transaction():
        any_store.run("same_as_delete_touching", ids=[a], method=METHOD)
    assert decisions() == before - among - touching
    book.record(a, b, Judgement.NEGATIVE, "conformance: one judgement")
    apply_judgement(any_store, book, a, b)
    after = decisions()
    assert [d[2] for d in after if {d[0], d[1]} == {a, b}] == ["rejected"]
    resolve(any_store, book)  # the whole graph again: the same entities and the same rejection
    assert {d for d in decisions() if d[2] != "pending"} == {d for d in after if d[2] != "pending"}
