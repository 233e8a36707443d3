"""Each link rule stated once: the kinds declare the queries they read and the engine runs those;
the Cypher written from the kinds and the judgement rule is current; a SAME_AS without a judgement
joins nothing, in find-links, in --all and in reports."""

from __future__ import annotations

import pytest

from graphkit.demo import load_demo
from graphkit.errors import QueryError
from graphkit.link.links import KINDS, LINK_KINDS, Search, find_links, screen
from graphkit.model import Node, Provenance, Rel
from graphkit.queries import cypher_dir, generated_texts
from graphkit.resolve.clusters import Clusters
from graphkit.store.base import Store

SRC = Provenance("kinds", "kinds.csv", "1")


def test_the_cypher_written_from_the_kinds_and_the_model_is_current():
    for name, text in generated_texts().items():
        on_disk = (cypher_dir() / f"{name}.cypher").read_text(encoding="utf-8")
        assert on_disk == text, f"cypher/{name}.cypher is stale: run `python -m graphkit.queries`"
    # the start set of screening has the first hop of every kind's start query, and nothing else
    text = generated_texts()["linked_company_ids"]
    assert "EXISTS { MATCH (a)-[:PAID]->(:Company) }" in text and "EXISTS { MATCH (a)<-[:LINKED_TO]-() }" in text
    browser = generated_texts()["browser_find_links"]
    assert all(f"RETURN '{kind}' AS kind" in browser for kind in KINDS)


class Recording:
    """A store that notes the name of every keyed query it runs."""

    def __init__(self, store: Store) -> None:
        self.store, self.ran = store, []

    def __getattr__(self, name):
        return getattr(self.store, name)

    def run_keyed(self, query, ids):
        self.ran.append(query)
        return self.store.run_keyed(query, ids)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_runs_what_it_declares_and_nothing_else(store, real, tmp_path, kind):
    from tests.test_link_engine import load_source_links

    load_demo(store)
    load_source_links(store, real, tmp_path / "in")
    recording = Recording(store)
    links = screen(recording, kinds=[kind])  # type: ignore[arg-type]
    assert links and all(kind in link.kinds for link in links)
    ran = set(recording.ran) - {"entity_by_id"}  # the linked entities' cards, for every kind
    declared = set(LINK_KINDS[kind].queries)
    assert ran <= declared, f"{kind} ran {sorted(ran - declared)} without declaring them"
    assert set(LINK_KINDS[kind].starts) <= ran


def test_a_query_no_searched_kind_declares_is_refused(store):
    load_demo(store)
    s = Search(store, [], Clusters.load(store), ["payment"], __import__("datetime").date(2026, 1, 1))
    with pytest.raises(QueryError, match="declares") as refused:
        s.facts("holdings", ["x"])
    assert refused.value.query == "holdings"
    with pytest.raises(QueryError, match="start query"):
        s.starts("firm_holders")


def _firm(i: str) -> Node:
    return Node("Company", f"kinds:firm:{i}", {"name": f"Firm {i}", "names": [f"Firm {i}"],
                                               "name_keys": [f"firm {i}".lower()], "datasets": ["kinds"]}, SRC)


def _rel(type_: str, sl: str, start: str, el: str, end: str, record: str, **props) -> Rel:
    return Rel(type_, sl, start, el, end, {"dataset": "kinds", "source_file": "kinds.csv", "record": record,
                                           **props}, SRC)


@pytest.mark.parametrize("judgement", [None, "pending", "unsure", "rejected"])
def test_a_same_as_that_is_not_judged_joining_joins_nothing(store, judgement):
    """A1 and A2 stand in a SAME_AS judged ``judgement`` (or not judged at all); A2's director
    directs B. Neither find-links from A1 nor --all may say A1 is linked to B."""
    person = Node("Person", "kinds:person:1", {"name": "Person 1", "datasets": ["kinds"]}, SRC)
    same = {"score": 0.95, "method": "test", "explanation": "test"} | ({"judgement": judgement} if judgement else {})
    rels = [_rel("SAME_AS", "Company", "kinds:firm:A1", "Company", "kinds:firm:A2", "s", **same),
            _rel("OFFICER_OF", "Person", "kinds:person:1", "Company", "kinds:firm:A2", "r1", role="director"),
            _rel("OFFICER_OF", "Person", "kinds:person:1", "Company", "kinds:firm:B", "r2", role="director")]
    with store.transaction():
        store.write([person, _firm("A1"), _firm("A2"), _firm("B")], rels)
    assert find_links(store, ["kinds:firm:A1"]) == []
    pairs = {frozenset((link.a.id, link.b.id)) for link in screen(store)}
    assert pairs == {frozenset(("kinds:firm:A2", "kinds:firm:B"))}
    assert not Clusters.load(store).members("kinds:firm:A1")[1:]


def test_a_same_as_judged_accepted_joins(store):
    """The same graph with the pair accepted: A1 stands for A2 and is linked to B."""
    person = Node("Person", "kinds:person:1", {"name": "Person 1", "datasets": ["kinds"]}, SRC)
    rels = [_rel("SAME_AS", "Company", "kinds:firm:A1", "Company", "kinds:firm:A2", "s", score=0.95,
                 method="test", explanation="test", judgement="accepted"),
            _rel("OFFICER_OF", "Person", "kinds:person:1", "Company", "kinds:firm:A2", "r1", role="director"),
            _rel("OFFICER_OF", "Person", "kinds:person:1", "Company", "kinds:firm:B", "r2", role="director")]
    with store.transaction():
        store.write([person, _firm("A1"), _firm("A2"), _firm("B")], rels)
    assert [link.b.id for link in find_links(store, ["kinds:firm:A1"])] == ["kinds:firm:B"]
    assert len(screen(store)) == 1


def test_a_report_draws_each_customs_line_from_its_exporter_to_its_importer(store):
    """The kind's projection reads who exported from the typed fact (``a_exports``)."""
    from graphkit.link import evidence as ev
    from graphkit.report.graph import links_to_graph

    load_demo(store)
    links = [link for link in screen(store, kinds=["shipment"])]
    g = links_to_graph(links)
    drawn = 0
    for link in links:
        for e in link.evidence:
            assert isinstance(e.fact, ev.Shipment)
            exporter, importer = (link.a, link.b) if e.fact.a_exports else (link.b, link.a)
            ship = e.fact.shipment_id
            assert {d["type"] for d in g.get_edge_data(exporter.id, ship).values()} == {"SHIPPED"}
            assert {d["type"] for d in g.get_edge_data(ship, importer.id).values()} == {"SHIPPED_TO"}
            assert g.get_edge_data(importer.id, ship) is None
            drawn += 1
    assert drawn >= 3
