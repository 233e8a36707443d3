"""One link engine: find-links started from every firm, batch screening (find-links --all) and
the Neo4j Browser query give the same linked pairs with the same kinds, on the demo, on real
samples and on a long resolved chain, on both stores."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from graphkit.demo import load_demo
from graphkit.link.links import KINDS, find_links, screen
from graphkit.load import load_files
from graphkit.model import Node, Provenance, Rel
from graphkit.resolve.clusters import Clusters
from graphkit.store.base import Store

Pairs = dict[frozenset[str], set[str]]


def _pairs(links) -> Pairs:
    out: Pairs = defaultdict(set)
    for link in links:
        out[frozenset((link.a.id, link.b.id))] |= set(link.kinds)
    return dict(out)


def every_firm(store: Store) -> list[str]:
    return sorted(r["id"] for r in store._execute("MATCH (c:Company) RETURN c.id AS id"))


def from_each_firm(store: Store, firms: list[str]) -> Pairs:
    """find-links run once for each of ``firms``, answers pooled."""
    out: Pairs = defaultdict(set)
    for firm in firms:
        for pair, kinds in _pairs(find_links(store, [firm])).items():
            out[pair] |= kinds
    return dict(out)


def from_browser_query(store: Store, firms: list[str]) -> Pairs:
    """cypher/browser_find_links.cypher run for each of ``firms`` (by id), rows as entity pairs."""
    clusters = Clusters.load(store)
    out: Pairs = defaultdict(set)
    for firm in firms:
        for r in store.run("browser_find_links", name=firm):
            if r["kind"] != "same_as":
                out[frozenset((clusters.find(r["firm_id"]), clusters.find(r["linked_id"])))].add(r["kind"])
    return dict(out)


def assert_one_answer(store: Store, every: int = 1) -> Pairs:
    """Screening's pairs are exactly those find-links (and, on Neo4j, the Browser query) give
    when started from each firm; with ``every`` > 1, from every ``every``-th firm, whose pairs
    in screening are then the ones to match."""
    everything = _pairs(screen(store))
    firms = every_firm(store)[::every]
    clusters = Clusters.load(store)
    starts = {clusters.find(f) for f in firms}
    expected = {pair: kinds for pair, kinds in everything.items() if pair & starts}
    assert from_each_firm(store, firms) == expected
    if store.dialect == "neo4j":  # the Browser query is Neo4j only (see its header)
        assert from_browser_query(store, firms) == expected
    assert everything, "a scenario without links shows nothing"
    assert all(kinds <= set(KINDS) for kinds in everything.values())
    return everything


SRC = Provenance("chain", "chain.csv", "1")


def _firm(i: str) -> Node:
    return Node("Company", f"chain:firm:{i}", {"name": f"Firm {i}", "names": [f"Firm {i}"],
                                               "name_keys": [f"firm {i}".lower()], "datasets": ["chain"]}, SRC)


def _person(i: int) -> Node:
    return Node("Person", f"chain:person:{i}", {"name": f"Person {i}", "names": [f"Person {i}"],
                                                "datasets": ["chain"]}, SRC)


def _rel(type_: str, sl: str, start: str, el: str, end: str, record: str, **props) -> Rel:
    return Rel(type_, sl, start, el, end, {"dataset": "chain", "source_file": "chain.csv", "record": record, **props},
               SRC)


def _same(label: str, a: str, b: str, judgement: str) -> Rel:
    return _rel("SAME_AS", label, a, label, b, f"{a}={b}", score=0.9, method="test", judgement=judgement,
                explanation="test")


def chain_scenario(store: Store) -> None:
    """Five records of one person joined by a chain of four SAME_AS (auto and accepted), each of
    the two ends directing a firm; a sixth record hangs off the chain by a pending pair only.
    Five records of one firm likewise, the last registered at an address with another firm.
    Two exporters on one customs line to one buyer."""
    people = [_person(i) for i in range(1, 7)]
    firms = [_firm(x) for x in ("A", "B", "C", "X", "E1", "E2", "I")] + [_firm(f"R{i}") for i in range(1, 6)]
    rels = [_same("Person", f"chain:person:{i}", f"chain:person:{i + 1}", "auto" if i % 2 else "accepted")
            for i in range(1, 5)]
    rels.append(_same("Person", "chain:person:5", "chain:person:6", "pending"))
    rels += [_rel("OFFICER_OF", "Person", "chain:person:1", "Company", "chain:firm:A", "r1", role="director"),
             _rel("OFFICER_OF", "Person", "chain:person:5", "Company", "chain:firm:B", "r5", role="director"),
             _rel("OFFICER_OF", "Person", "chain:person:6", "Company", "chain:firm:C", "r6", role="director")]
    rels += [_same("Company", f"chain:firm:R{i}", f"chain:firm:R{i + 1}", "auto") for i in range(1, 5)]
    address = Node("Address", "chain:address:1", {"full": "1 Chain Street", "datasets": ["chain"]}, SRC)
    rels += [_rel("REGISTERED_AT", "Company", "chain:firm:R5", "Address", "chain:address:1", "a1"),
             _rel("REGISTERED_AT", "Company", "chain:firm:X", "Address", "chain:address:1", "a2")]
    line = Node("Shipment", "chain:shipment:1", {"date": "2023-01-05", "hs_code": "8806221000",
                                                 "datasets": ["chain"]}, SRC)
    rels += [_rel("SHIPPED", "Company", "chain:firm:E1", "Shipment", "chain:shipment:1", "s1", role="exporter"),
             _rel("SHIPPED", "Company", "chain:firm:E2", "Shipment", "chain:shipment:1", "s2", role="exporter"),
             _rel("SHIPPED_TO", "Shipment", "chain:shipment:1", "Company", "chain:firm:I", "s3", role="buyer")]
    with store.transaction():
        store.write([*people, *firms, address, line], rels)


def test_a_five_record_chain_links_the_same_everywhere(any_store):
    chain_scenario(any_store)
    links = assert_one_answer(any_store)
    firm = "chain:firm:{}".format
    assert links == {
        frozenset((firm("A"), firm("B"))): {"shared_officer"},  # through four SAME_AS
        frozenset((firm("R1"), firm("X"))): {"shared_address"},  # R1 stands for R1..R5
        frozenset((firm("E1"), firm("I"))): {"shipment"},
        frozenset((firm("E2"), firm("I"))): {"shipment"},  # and never E1 with E2: both exported
    }
    # the pending pair is never walked: C stays apart from A and B
    assert find_links(any_store, [firm("C")]) == []


def test_the_demo_links_the_same_everywhere(any_store):
    load_demo(any_store)
    links = assert_one_answer(any_store)
    assert len(links) >= 10


def test_real_samples_link_the_same_everywhere(any_store, real, tmp_path):
    load_files(any_store, [real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"], "ftm",
               dataset="kek", rejects_dir=tmp_path)
    load_files(any_store, [real / "customs_trade" / "ru_import_monthly_agg.csv"], "ru-import-agg",
               rejects_dir=tmp_path)
    links = assert_one_answer(any_store, every=10)  # find-links for 300 of the 2,966 firms
    assert {"common_owner", "shipment"} <= set().union(*links.values())


# the demo has no list links, family or payments: those kinds are sliced on the samples that have them
SOURCE_KINDS = ("source_link", "family", "payment")
SDN_LINKED = ('10,"ALPHA TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
              '"Linked To: PETROV, Ivan."\r\n'
              '11,"PETROV, Ivan","individual","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
              '12,"BETA HOLDING AG",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
              '"Linked To: PETROV, Ivan; Linked To: ALPHA TRADING LLC."\r\n')


def load_source_links(store: Store, real, folder) -> None:
    """OFAC-style Linked To entries, and the FtM samples with Family and Payment facts."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sdn.csv").write_text(SDN_LINKED, encoding="utf-8")
    load_files(store, [folder / "sdn.csv"], "ofac-sdn")
    for name in ("yente_zala_entities.ftm.json", "yente_parteispenden_entities.ftm.json"):
        load_files(store, [real / "ftm_opensanctions" / name], "ftm", dataset=name.split("_")[1],
                   rejects_dir=folder)


def test_the_sources_own_links_link_the_same_everywhere(any_store, real, tmp_path):
    load_source_links(any_store, real, tmp_path / "in")
    everything = _pairs(screen(any_store))
    firms = every_firm(any_store)
    assert from_each_firm(any_store, firms) == everything
    assert set(SOURCE_KINDS) <= set().union(*everything.values())
    if any_store.dialect == "neo4j":  # the Browser query draws the same three kinds (Neo4j only)
        assert from_browser_query(any_store, firms) == everything


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_alone_is_the_slice_of_all_kinds(store, kind, request, tmp_path):
    if kind in SOURCE_KINDS:
        load_source_links(store, request.getfixturevalue("real"), tmp_path / "in")
    else:
        load_demo(store)
    alone = _pairs(screen(store, kinds=[kind]))
    together = {p: {kind} for p, kinds in _pairs(screen(store)).items() if kind in kinds}
    assert alone == together
    assert alone, f"the data has a {kind} link"


def test_every_link_kind_reads_one_hop_queries_keyed_by_ids():
    from graphkit.link.links import LINK_KINDS
    from graphkit.queries import library

    for kind in LINK_KINDS.values():
        assert kind.summary and kind.queries
        for name in kind.queries:
            assert library()[name].keyed, f"{kind.name} reads {name}, which is not keyed by $ids"
            assert not re.search(r"\[[^\]]*\*", library()[name].text), f"{name} walks a variable-length path"
