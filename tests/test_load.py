"""Loading: idempotence, provenance, strict and skip modes, and every kind of bad input.

Each bad input must give one clear message naming the file, line and column, and leave the
store exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphkit.errors import InvalidData, MappingError
from graphkit.load import load_files

HEADER = ("record_id,company_name,company_name_en,jurisdiction,inn,ogrn,bin,incorporation_date,address,"
          "address_country,holder_kind,holder_name,holder_name_en,holder_inn,holder_birth_date,role,"
          "share_pct,role_start,role_end\n")
GOOD = HEADER + (
    "R1,ООО «Ромашка»,OOO Romashka,ru,7701000001,1027700000001,,2015-03-02,\"Москва, ул. Тверская, 1\",ru,"
    "person,Иванов Иван Иванович,Ivan Ivanov,770100000001,1970-01-01,general director,,2015-03-02,\n"
    "R2,ООО «Ромашка»,OOO Romashka,ru,7701000001,1027700000001,,2015-03-02,\"Москва, ул. Тверская, 1\",ru,"
    "person,Петров Пётр,Petr Petrov,,1980-05-05,founder,100,2015-03-02,2021-01-01\n"
    "R3,ООО «Лютик»,OOO Lyutik,ru,7701000002,,,2018-01-01,\"Москва, ул. Тверская, 1\",ru,"
    "person,Петров Пётр,Petr Petrov,,1980-05-05,director,,2018-01-01,\n"
)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def snapshot(store):
    c = store.counts()
    return c.nodes, c.relationships


@pytest.fixture
def loaded(store, tmp_path):
    load_files(store, [write(tmp_path, "base.csv", GOOD)], "registry")
    return store


def test_a_registry_extract_loads_with_provenance(loaded):
    nodes, rels = snapshot(loaded)
    assert nodes["Company"] == 2 and nodes["Person"] == 2 and nodes["Address"] == 1
    assert rels == {**rels, "OFFICER_OF": 2, "OWNS": 1, "REGISTERED_AT": 2}  # one per firm, however many rows repeat it
    company = loaded.fetch_nodes("Company", ["ru-inn:7701000001"])["ru-inn:7701000001"]
    assert company["registry_ids"] == ["ru-inn:7701000001", "ru-ogrn:1027700000001"]
    assert company["legal_form"] == "llc"
    assert company["records"] == ["registry|base.csv|R1", "registry|base.csv|R2"]
    rows = loaded._execute("MATCH (p:Person)-[r:OWNS]->(c:Company) RETURN r.dataset AS d, "
                          "r.source_file AS f, r.record AS rec, r.end_date AS e")
    assert rows[0]["d"] == "registry" and rows[0]["f"] == "base.csv" and rows[0]["rec"] == "R2"
    assert str(rows[0]["e"]) == "2021-01-01"


def test_loading_the_same_file_twice_leaves_the_same_counts(loaded, tmp_path):
    before = snapshot(loaded)
    report = load_files(loaded, [tmp_path / "base.csv"], "registry")
    assert snapshot(loaded) == before
    assert report.written.nodes_created == 0 and report.written.rels_created == 0


def test_a_person_without_id_is_one_node_per_source_and_name(loaded):
    # Петров appears in two rows of the same registry: one node, two roles.
    rows = loaded._execute("MATCH (p:Person)-[r]->(c:Company) WHERE p.name = 'Петров Пётр' RETURN count(r) AS n")
    assert rows[0]["n"] == 2


BAD_CASES = {
    "missing required column": (HEADER.replace("company_name,", "") , None, "company_name", 1, "column missing"),
    "unparseable date": (None, ("2015-03-02,\"Москва", "2015-13-45,\"Москва"), "incorporation_date", 2, "not a date"),
    "unparseable number": (None, (",founder,100,", ",founder,ten,"), "share_pct", 3, "not a number"),
    "unknown holder kind": (None, ("person,Петров Пётр,Petr Petrov,,1980-05-05,director", "robot,Петров Пётр,Petr Petrov,,1980-05-05,director"), "holder_kind", 4, "not one of"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_csv_rejects_the_whole_load_and_names_file_line_column(loaded, tmp_path, case):
    header_only, replace, column, line, message = BAD_CASES[case]
    text = GOOD.replace("R1,", "N1,").replace("R2,", "N2,").replace("R3,", "N3,")
    if header_only is not None:
        text = header_only + text.split("\n", 1)[1]
    if replace:
        text = text.replace(*replace, 1) if text.count(replace[0]) else pytest.fail("bad fixture")
    path = write(tmp_path, "bad.csv", text)
    before = snapshot(loaded)
    with pytest.raises(InvalidData) as err:
        load_files(loaded, [path], "registry")
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("bad.csv", line, column)
    assert message in problem.message
    assert f"bad.csv, line {line}, column '{column}'" in str(err.value)
    assert snapshot(loaded) == before


@pytest.mark.parametrize("content, line, message", [
    (b"", None, "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "binary file"),
    (HEADER.encode() + "R9,Компания,,ru,,,,,,,,,,,,,,,\n".encode("cp1251"), 2, "not utf-8-sig text"),
])
def test_empty_binary_and_wrongly_encoded_files_are_refused(loaded, tmp_path, content, line, message):
    path = write(tmp_path, "odd.csv", content)
    before = snapshot(loaded)
    with pytest.raises(InvalidData) as err:
        load_files(loaded, [path], "registry")
    assert err.value.problems[0].file == "odd.csv"
    assert err.value.problems[0].line == line
    assert message in str(err.value)
    assert snapshot(loaded) == before


def test_a_truncated_json_line_is_reported_with_its_line(loaded, tmp_path):
    good = json.dumps({"id": "x1", "schema": "Company", "properties": {"name": ["X Ltd"]}})
    path = write(tmp_path, "cut.jsonl", good + "\n" + good[:25] + "\n")
    before = snapshot(loaded)
    with pytest.raises(InvalidData) as err:
        load_files(loaded, [path], "ftm")
    assert "cut.jsonl, line 2" in str(err.value) and "not a complete JSON object" in str(err.value)
    assert snapshot(loaded) == before


def test_a_mapping_naming_a_column_the_file_lacks(loaded, tmp_path):
    mapping = write(tmp_path, "mine.yml", """
name: mine
entities:
  firm:
    label: Company
    key: [firm_name]
    properties: {name: firm_name, country: {column: firm_country, transform: country}}
""")
    path = write(tmp_path, "firms.csv", "firm_name\nAcme\n")
    before = snapshot(loaded)
    with pytest.raises(InvalidData) as err:
        load_files(loaded, [path], str(mapping))
    assert "firms.csv, line 1, column 'firm_country': column missing from the header" in str(err.value)
    assert snapshot(loaded) == before


def test_a_malformed_mapping_is_a_mapping_error(tmp_path, store):
    mapping = write(tmp_path, "broken.yml", "name: broken\nentities:\n  firm:\n    label: Firm\n    key: [a]\n")
    with pytest.raises(MappingError, match="'Firm' is not a node label"):
        load_files(store, [write(tmp_path, "x.csv", "a\n1\n")], str(mapping))


def test_skip_mode_loads_good_rows_and_writes_the_rejects(store, tmp_path):
    text = GOOD.replace("2015-03-02,\"Москва", "2015-13-45,\"Москва", 1)
    path = write(tmp_path, "mixed.csv", text)
    report = load_files(store, [path], "registry", on_error="skip")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    rejects = Path(report.files[0].rejects_path or "")
    assert rejects == tmp_path / "mixed.csv.rejects.csv"
    text = rejects.read_text(encoding="utf-8")
    assert "incorporation_date" in text and "not a date" in text and "R1" in text


def test_rejects_go_where_the_user_says_when_the_input_folder_is_not_theirs(cli, tmp_path):
    text = GOOD.replace("2015-03-02,\"Москва", "2015-13-45,\"Москва", 1)
    path = write(tmp_path, "mixed.csv", text)
    r = cli("load", path, "--mapping", "registry", "--on-error", "skip", "--db", tmp_path / "g",
            "--rejects-dir", tmp_path / "out")
    assert r.code == 0, r.err
    assert not (tmp_path / "mixed.csv.rejects.csv").exists()
    assert "not a date" in (tmp_path / "out" / "mixed.csv.rejects.csv").read_text(encoding="utf-8")


def test_a_user_mapping_for_a_new_layout_needs_no_python(store, tmp_path):
    mapping = write(tmp_path, "ua.yml", """
name: my-ledger
dataset: my-ledger
record_id: id
entities:
  seller: {label: Company, key: [seller], properties: {name: seller, country: {value: ua}}}
  buyer: {label: Company, key: [buyer], properties: {name: buyer}}
  line:
    label: Shipment
    key: [id]
    properties: {hs_code: hs, date: day, value_usd: usd}
relationships:
  - {type: SHIPPED, from: seller, to: line, properties: {role: {value: seller}}}
  - {type: SHIPPED_TO, from: line, to: buyer, properties: {role: {value: buyer}}}
""")
    path = write(tmp_path, "ledger.csv", "id,seller,buyer,hs,day,usd\nL1,Acme LLC,Beta GmbH,854231,2023-01-05,100.5\n")
    load_files(store, [path], str(mapping))
    rows = store._execute("MATCH (a:Company)-[:SHIPPED]->(s:Shipment)-[:SHIPPED_TO]->(b:Company) "
                         "RETURN a.name AS a, b.name AS b, s.hs6 AS hs6, s.hs_chapter AS ch, s.records AS rec")
    assert rows == [{"a": "Acme LLC", "b": "Beta GmbH", "hs6": "854231", "ch": "85",
                     "rec": ["my-ledger|ledger.csv|L1"]}]


def test_a_firm_spread_over_batches_is_merged_as_in_one_batch(store, tmp_path):
    # batches of one row: the firm of R1 and R2, the address of all three rows and Петров
    # (R2, R3) each span batches, and still become one node with every record
    report = load_files(store, [write(tmp_path, "base.csv", GOOD)], "registry", batch_rows=1)
    company = store.fetch_nodes("Company", ["ru-inn:7701000001"])["ru-inn:7701000001"]
    assert company["records"] == ["registry|base.csv|R1", "registry|base.csv|R2"]
    assert company["names"] == ["ООО «Ромашка»", "OOO Romashka"]
    nodes, rels = snapshot(store)
    assert (nodes["Company"], nodes["Person"], nodes["Address"]) == (2, 2, 1)
    assert (rels["OFFICER_OF"], rels["OWNS"], rels["REGISTERED_AT"]) == (2, 1, 2)
    w = report.written  # per batch: 3 nodes, 2 relationships; the repeats count as existing
    assert (w.nodes_created, w.nodes_updated, w.rels_created, w.rels_existing) == (5, 4, 5, 1)


def test_a_relationship_given_by_two_records_cites_the_first_wherever_the_batches_break(tmp_path):
    from cases import LOAD_TIMES, graph_snapshot

    from graphkit.store.embedded import EmbeddedStore

    # R1 and R2 register the same firm at the same address: one REGISTERED_AT, given twice
    graphs = []
    for batch_rows in (1, 2, 3):
        with EmbeddedStore(tmp_path / f"graph-{batch_rows}") as store:
            load_files(store, [write(tmp_path, "base.csv", GOOD)], "registry", batch_rows=batch_rows)
            graphs.append(graph_snapshot(store, without=LOAD_TIMES))
            cited = store._execute("MATCH (:Company {id: 'ru-inn:7701000001'})-[r:REGISTERED_AT]->() "
                                   "RETURN r.record AS record")
            assert cited == [{"record": "R1"}]
    assert graphs[0] == graphs[1] == graphs[2]


def test_a_holding_that_ended_and_one_still_held_from_the_same_day_are_two_facts_each_cited(store, tmp_path):
    # one registry, two statements of Петров's founding share from 2015-03-02: one ended in 2021,
    # one not (a later filing); neither may hide the other
    row = ("{rid},ООО «Ромашка»,OOO Romashka,ru,7701000001,1027700000001,,2015-03-02,\"Москва, ул. Тверская, 1\",ru,"
           "person,Петров Пётр,Petr Petrov,,1980-05-05,founder,{share},2015-03-02,{end}\n")
    text = HEADER + row.format(rid="R1", share=50, end="2021-01-01") + row.format(rid="R2", share=51, end="")
    load_files(store, [write(tmp_path, "base.csv", text)], "registry")
    held = store._execute("MATCH (:Person)-[r:OWNS]->(:Company) RETURN r.record AS rec, r.share AS share, "
                          "r.end_date AS e ORDER BY rec")
    assert [(h["rec"], h["share"], h["e"] and str(h["e"])) for h in held] == [("R1", 50.0, "2021-01-01"),
                                                                              ("R2", 51.0, None)]


def test_a_second_source_adds_its_records_to_the_stored_firm(loaded, tmp_path):
    first = loaded.fetch_nodes("Company", ["ru-inn:7701000001"])["ru-inn:7701000001"]
    other = GOOD.replace("OOO Romashka", "Romashka LLC")
    report = load_files(loaded, [write(tmp_path, "other.csv", other)], "registry", dataset="press",
                        batch_rows=2)
    company = loaded.fetch_nodes("Company", ["ru-inn:7701000001"])["ru-inn:7701000001"]
    assert company["datasets"] == ["registry", "press"]
    assert company["records"] == first["records"] + ["press|other.csv|R1", "press|other.csv|R2"]
    assert company["names"] == ["ООО «Ромашка»", "OOO Romashka", "Romashka LLC"]
    assert company["first_loaded"] == first["first_loaded"]
    assert report.written.nodes_updated >= 2  # both firms were stored already


def test_each_stored_node_a_load_changes_is_written_with_the_properties_it_changes(loaded, tmp_path,
                                                                                    monkeypatch):
    """A second file of the same registry names both firms again, one under a new spelling: both
    gain the record, only that one the name. Each is rewritten with its own changes (LadybugDB
    rewrites every column it sets), not with everything any changed firm changed."""
    from graphkit.store.embedded import EmbeddedStore

    ids = ["ru-inn:7701000001", "ru-inn:7701000002"]
    before = loaded.fetch_nodes("Company", ids)
    written: dict[str, set[str]] = {}
    update = EmbeddedStore.update_nodes

    def spy(self, label, rows, columns=None):
        written.update({r["id"]: set(columns) for r in rows if label == "Company"})
        return update(self, label, rows, columns)

    monkeypatch.setattr(EmbeddedStore, "update_nodes", spy)
    again = GOOD.replace("R1,ООО «Ромашка»,OOO Romashka", "R4,ООО «Ромашка»,Romashka LLC").replace("R2,", "R5,")
    load_files(loaded, [write(tmp_path, "again.csv", again.replace("R3,", "R6,"))], "registry")
    after = loaded.fetch_nodes("Company", ids)
    for firm in ids:  # what changed, and only that, was written
        assert written[firm] == {k for k in after[firm] if after[firm][k] != before[firm][k]}
    assert {"names", "records"} <= written["ru-inn:7701000001"]
    assert written["ru-inn:7701000002"] - {"last_loaded"} == {"records"}  # the same second: last_loaded as it was
    assert after["ru-inn:7701000001"]["names"] == ["ООО «Ромашка»", "OOO Romashka", "Romashka LLC"]
    assert after["ru-inn:7701000002"]["names"] == before["ru-inn:7701000002"]["names"]
    assert after["ru-inn:7701000002"]["records"] == before["ru-inn:7701000002"]["records"] + ["registry|again.csv|R6"]


def test_a_load_leaves_no_staging_files_whether_it_succeeds_or_fails(store, tmp_path):
    load_files(store, [write(tmp_path, "base.csv", GOOD)], "registry")
    bad = write(tmp_path, "bad.csv", GOOD.replace("2015-03-02,\"Москва", "2015-13-45,\"Москва", 1))
    with pytest.raises(InvalidData):
        load_files(store, [bad], "registry", batch_rows=1)
    assert [p.name for p in store.path.iterdir() if p.name.startswith(".load-")] == []


def test_a_graph_in_a_folder_with_a_quote_in_its_name_loads(tmp_path):
    from graphkit.store.embedded import EmbeddedStore

    # the staging folder goes into COPY statements, which take no parameters: a path that
    # cannot be quoted there is staged in the system's temporary folder instead
    with EmbeddedStore(tmp_path / "Smith's case") as store:
        load_files(store, [write(tmp_path, "base.csv", GOOD)], "registry")
        assert snapshot(store)[0]["Company"] == 2
        assert [p.name for p in store.path.iterdir() if p.name.startswith(".load-")] == []


MORE = HEADER + (
    # R1 again: its firm, person, address and both their relationships are stored already
    "R1,ООО «Ромашка»,OOO Romashka,ru,7701000001,1027700000001,,2015-03-02,\"Москва, ул. Тверская, 1\",ru,"
    "person,Иванов Иван Иванович,Ivan Ivanov,770100000001,1970-01-01,general director,,2015-03-02,\n"
    # a new person in a stored firm, and a new firm at the stored address
    "R4,ООО «Ромашка»,OOO Romashka,ru,7701000001,1027700000001,,2015-03-02,\"Москва, ул. Тверская, 1\",ru,"
    "person,Сидоров Сидор,Sidor Sidorov,770100000004,1975-02-02,director,,2020-01-01,\n"
    "R5,ООО «Василёк»,OOO Vasilyok,ru,7701000003,,,2019-01-01,\"Москва, ул. Тверская, 1\",ru,"
    "person,Петров Пётр,Petr Petrov,,1980-05-05,director,,2019-01-01,\n"
)


@pytest.mark.parametrize("keyed", [True, False], ids=["looked-up-one-by-one", "matched-by-their-starts"])
def test_a_load_over_a_graph_asks_the_store_only_about_relationships_between_nodes_it_held(
        tmp_path, monkeypatch, keyed):
    from cases import LOAD_TIMES, graph_snapshot

    from graphkit.store import embedded
    from graphkit.store.embedded import EmbeddedStore

    asked: list[tuple[str, str, str, str]] = []
    ask = embedded._EmbeddedStagedLoad.stored_rels

    def noting(self, type_, sl, el, table):
        asked.extend((type_, sl, f, t) for f, t in zip(table.column("from").to_pylist(),
                                                       table.column("to").to_pylist(), strict=True))
        return ask(self, type_, sl, el, table)

    monkeypatch.setattr(embedded._EmbeddedStagedLoad, "stored_rels", noting)
    monkeypatch.setattr(embedded, "KEYED_RELS", 5_000 if keyed else 0)
    labels_asked: list[str] = []
    fetched: list[str] = []
    ids_asked, fetch = embedded._EmbeddedStagedLoad.stored_nodes, EmbeddedStore.fetch_nodes
    monkeypatch.setattr(embedded._EmbeddedStagedLoad, "stored_nodes",
                        lambda self, label, ids: labels_asked.append(label) or ids_asked(self, label, ids))
    monkeypatch.setattr(EmbeddedStore, "fetch_nodes",
                        lambda self, label, ids: fetched.extend(ids) or fetch(self, label, ids))
    with EmbeddedStore(tmp_path / "graph") as store:
        load_files(store, [write(tmp_path, "base.csv", GOOD)], "registry")
        assert asked == [] and labels_asked == []  # a new graph: nothing to ask
        held = {r["id"] for r in store._execute("MATCH (n) RETURN n.id AS id")}
        report = load_files(store, [write(tmp_path, "more.csv", MORE)], "registry")
        # which nodes are stored is asked once a label; only those are read whole
        assert sorted(labels_asked) == ["Address", "Company", "Person"]
        assert fetched and set(fetched) <= held
        w = report.written
        # R1's two relationships are found stored; Сидоров's post, the new firm's address and
        # Петров's post in it are new (each has an end this load creates): never asked about
        assert (w.rels_existing, w.rels_created) == (2, 3)
        assert sorted(asked) == [("OFFICER_OF", "Person", "ru-inn:770100000001", "ru-inn:7701000001"),
                                 ("REGISTERED_AT", "Company", "ru-inn:7701000001",
                                  store._execute("MATCH (a:Address) RETURN a.id AS id")[0]["id"])]
        seen = graph_snapshot(store, without=LOAD_TIMES)
    # the same graph as the same rows loaded into a new graph in one go
    with EmbeddedStore(tmp_path / "once") as once:
        load_files(once, [write(tmp_path, "base.csv", GOOD), write(tmp_path, "more.csv", MORE)], "registry")
        assert graph_snapshot(once, without=LOAD_TIMES) == seen


@pytest.mark.parametrize("keyed", [True, False], ids=["looked-up-one-by-one", "matched-by-their-starts"])
def test_the_store_finds_exactly_the_staged_relationships_it_holds(tmp_path, monkeypatch, keyed):
    # a relationship is held when one of the store's has its start, end and id: the same start
    # with another end, or the same ends with another id (another role or period), is not
    import pyarrow as pa

    from graphkit.store import embedded
    from graphkit.store.embedded import EmbeddedStore

    monkeypatch.setattr(embedded, "KEYED_RELS", 5_000 if keyed else 0)
    with EmbeddedStore(tmp_path / "graph") as store:
        load_files(store, [write(tmp_path, "base.csv", GOOD)], "registry")
        held = store._execute("MATCH (a:Person)-[r:OFFICER_OF]->(b:Company) RETURN a.id AS f, b.id AS t, r.id AS id")
        assert len(held) >= 2
        other_firm = next(r["t"] for r in held if r["t"] != held[0]["t"])
        staged = [(r["f"], r["t"], r["id"]) for r in held]
        staged += [(held[0]["f"], other_firm, "r:same-start-another-end"),
                   (held[0]["f"], held[0]["t"], "r:same-ends-another-role"),
                   ("ru-inn:000000000000", held[0]["t"], "r:a-start-the-store-lacks")]
        table = pa.table({"from": [f for f, _, _ in staged], "to": [t for _, t, _ in staged],
                          "id": [i for _, _, i in staged]})
        sink = embedded._EmbeddedStagedLoad(store, tmp_path / "staging")
        assert sink.stored_rels("OFFICER_OF", "Person", "Company", table) == {r["id"] for r in held}


def test_a_load_over_a_graph_closes_the_store_after_each_tables_look_ups(tmp_path, monkeypatch):
    # LadybugDB keeps what a look-up took until the database is closed: a load over a graph
    # asks, table after table, which of its staged records the store holds, and closes the
    # store after each table's questions, so that the planning holds one table's at most
    from cases import LOAD_TIMES, graph_snapshot

    from graphkit.store import embedded
    from graphkit.store.embedded import EmbeddedStore

    events: list[str] = []
    ask_nodes, ask_rels = embedded._EmbeddedStagedLoad.stored_nodes, embedded._EmbeddedStagedLoad.stored_rels
    close = EmbeddedStore.close
    monkeypatch.setattr(embedded._EmbeddedStagedLoad, "stored_nodes",
                        lambda self, label, ids: events.append(label) or ask_nodes(self, label, ids))
    monkeypatch.setattr(embedded._EmbeddedStagedLoad, "stored_rels",
                        lambda self, type_, sl, el, table: events.append(type_) or ask_rels(self, type_, sl, el, table))
    monkeypatch.setattr(EmbeddedStore, "close",
                        lambda self: (events.append("close") if self._conn is not None else None) or close(self))
    with EmbeddedStore(tmp_path / "graph") as store:
        load_files(store, [write(tmp_path, "base.csv", GOOD)], "registry")
        events.clear()
        load_files(store, [write(tmp_path, "more.csv", MORE)], "registry")
        asked = [e for e in events if e != "close"]
        assert sorted(set(asked)) == ["Address", "Company", "OFFICER_OF", "Person", "REGISTERED_AT"]
        # between two closes, the questions of one table at most
        between: list[set[str]] = [set()]
        for event in events:
            if event == "close":
                between.append(set())
            else:
                between[-1].add(event)
        assert all(len(tables) <= 1 for tables in between), events
        seen = graph_snapshot(store, without=LOAD_TIMES)
    with EmbeddedStore(tmp_path / "once") as once:
        load_files(once, [write(tmp_path, "base.csv", GOOD), write(tmp_path, "more.csv", MORE)], "registry")
        assert graph_snapshot(once, without=LOAD_TIMES) == seen
