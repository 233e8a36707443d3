"""Trade red flags: watch lists, route jumps (lines and monthly aggregates), firm-level
transshipment, and `graphkit flags` on the demo."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from graphkit.demo import data_dir, load_demo
from graphkit.errors import InvalidData
from graphkit.link.flags import Options, flags
from graphkit.link.trade import lines_table, route_jumps, trade_lines, transshipments
from graphkit.link.watchlists import Watchlists, read_watchlist
from graphkit.load.entities import complete_entity
from graphkit.model import Node, Provenance, Rel

ASPAN = "kz-bin:220440173863"
NEBESNAYA = "ru-inn:7717019625"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from graphkit.store.embedded import EmbeddedStore

    db = tmp_path_factory.mktemp("demo") / "graph"
    with EmbeddedStore(db) as s:
        load_demo(s)
    return db


# ---- watch lists ----------------------------------------------------------------------------

def test_the_chpl_ships_and_national_codes_match_by_their_hs6(tmp_path):
    chpl = Watchlists.load()
    assert len(chpl.entries) == 50 and chpl.names() == ["chpl"]
    assert [(e.list, e.tier) for e in chpl.hits("8542319000")] == [("chpl", "1")]
    assert chpl.hits("8806221000") == []  # complete drones are not on the CHPL
    assert [e.tier for e in chpl.hits("8807300009")] == ["3.B"]  # drone parts are
    mine = tmp_path / "mine.csv"
    mine.write_text("# my list\ncode,list,tier,note\n8806,drones,,complete drones\n85.25,cameras,,\n"
                    "8806221000,drones,A,a national code: cut to its HS-6\n", encoding="utf-8")
    both = Watchlists.load([mine])
    assert [(e.list, e.code, e.tier) for e in both.hits("8806221009")] == [("drones", "880622", "A"),
                                                                           ("drones", "8806", None)]
    assert [e.list for e in both.hits("8525810000")] == ["cameras"]
    assert [e.list for e in both.hits("8525890000")] == ["chpl", "cameras"]  # 852589 is on the CHPL


def test_a_bad_watch_list_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,list\n8806,drones\n88x6,drones\n8525,\n", encoding="utf-8")
    with pytest.raises(InvalidData) as exc:
        read_watchlist(bad)
    assert [str(p) for p in exc.value.problems] == [
        "bad.csv, line 3, column 'code': '88x6' is not an HS code of 2 to 10 digits",
        "bad.csv, line 4, column 'list': no list name"]
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("8806,drones\n", encoding="utf-8")
    with pytest.raises(InvalidData, match="column 'code': column missing from the header"):
        read_watchlist(nohead)


# ---- route jumps ----------------------------------------------------------------------------

SRC = Provenance("trade", "lines.csv", "1")


def shipment(i: int, day: str, hs: str, usd: float, *, aggregated: bool = False, seller: str | None = None,
             buyer: str | None = None, qty: float | None = None, unit: str | None = "PCE",
             direction: str = "export", frm: str | None = None, to: str | None = None) -> tuple[list[Node], list[Rel]]:
    props = {"hs_code": hs, "date": dt.date.fromisoformat(day), "value_usd": usd, "aggregated": aggregated,
             "direction": direction, "quantity": qty, "unit": unit, "dispatch_country": frm,
             "destination_country": to, "declaration_number": f"D{i}", "datasets": ["trade"],
             "records": [f"trade|lines.csv|{i}"]}
    complete_entity("Shipment", props, {})
    nodes = [Node("Shipment", f"s:{i}", props, SRC)]
    rels = []
    rel_props = {"dataset": "trade", "source_file": "lines.csv", "record": str(i)}
    if seller:
        rels.append(Rel("SHIPPED", "Company", seller, "Shipment", f"s:{i}", {"role": "exporter", **rel_props}, SRC))
    if buyer:
        rels.append(Rel("SHIPPED_TO", "Shipment", f"s:{i}", "Company", buyer, {"role": "buyer", **rel_props}, SRC))
    return nodes, rels


def firm(node_id: str, name: str, country: str, **props) -> Node:
    p = {"name": name, "country": country, "datasets": ["trade"], "records": ["trade|firms.csv|" + node_id], **props}
    complete_entity("Company", p, {})
    return Node("Company", node_id, p, SRC)


def write(store, parts: list[tuple[list[Node], list[Rel]]], firms: list[Node] = ()) -> None:
    with store.transaction():
        store.write([*firms, *(n for ns, _ in parts for n in ns)], [r for _, rs in parts for r in rs])


def test_a_semiconductor_jump_flags_on_lines_and_on_monthly_aggregates(store):
    parts = [  # lines: $12,000 in 2021, $3.7 million in 2022 (two lines)
        shipment(1, "2021-05-10", "8542319000", 12_000, frm="kz", to="ru"),
        shipment(2, "2022-07-01", "8542319000", 1_700_000, frm="kz", to="ru"),
        shipment(3, "2022-09-01", "8542329000", 2_000_000, frm="kz", to="ru"),
        # monthly aggregates: $245,000 in March, $18 million in April
        shipment(4, "2022-03-01", "8542390000", 245_000, aggregated=True, frm="kz", to="ru"),
        shipment(5, "2022-04-01", "8542390000", 18_000_000, aggregated=True, frm="kz", to="ru"),
        # a route that only grew threefold, and a new route (nothing before): no jump
        shipment(6, "2021-01-01", "8471300000", 100_000, frm="kz", to="ru"),
        shipment(7, "2022-01-01", "8471300000", 300_000, frm="kz", to="ru"),
        shipment(8, "2022-02-01", "8806221000", 900_000, frm="kz", to="ru")]
    write(store, parts)
    lines = trade_lines(store)
    jumps = route_jumps(lines_table(lines), factor=10, min_value=100_000)
    got = {(j.basis, j.level, j.code, j.period_kind, j.before_period, j.after_period): (j.before_value, j.after_value)
           for j in jumps}
    assert got[("lines", "chapter", "85", "year", "2021", "2022")] == (12_000, 3_700_000)
    assert got[("monthly aggregates", "hs6", "854239", "month", "2022-03", "2022-04")] == (245_000, 18_000_000)
    assert got[("monthly aggregates", "chapter", "85", "month", "2022-03", "2022-04")] == (245_000, 18_000_000)
    assert not any(code in ("847130", "84", "880622", "88") for (_, _, code, *_rest) in got)
    chapter = next(j for j in jumps if j.basis == "lines" and j.level == "chapter" and j.period_kind == "year")
    assert sorted(lines[i].shipment_id for i in chapter.rows) == ["s:1", "s:2", "s:3"]  # the lines behind it
    assert route_jumps(lines_table(lines), factor=400, min_value=100_000) == []
    assert sorted(j.code for j in route_jumps(lines_table(lines), factor=10, min_value=5_000_000)) == ["85", "854239"]


# ---- transshipment --------------------------------------------------------------------------

def test_transshipment_needs_the_goods_the_order_and_the_window(store):
    firms = [firm("c:eu", "Euro Parts BV", "nl"), firm("c:kz", "Steppe Trade LLP", "kz",
                                                         incorporation_date=dt.date(2022, 5, 1)),
             firm("c:ru", "OOO Volga Buyer", "ru"), firm("c:ru2", "OOO Late Buyer", "ru")]
    parts = [shipment(1, "2022-06-01", "8542319000", 50_000, seller="c:eu", buyer="c:kz", qty=1000,
                      direction="import", frm="nl", to="kz"),
             shipment(2, "2022-06-20", "8542319000", 60_000, seller="c:kz", buyer="c:ru", qty=900, frm="kz", to="ru"),
             # before any import, and a year after: not transshipment
             shipment(3, "2022-05-02", "8542319000", 60_000, seller="c:kz", buyer="c:ru2", qty=10, frm="kz", to="ru"),
             shipment(4, "2023-08-01", "8542319000", 60_000, seller="c:kz", buyer="c:ru2", qty=10, frm="kz", to="ru")]
    write(store, parts, firms)
    (found,) = transshipments(store)
    assert (found.supplier["id"], found.intermediary["id"], found.consignee["id"]) == ("c:eu", "c:kz", "c:ru")
    assert found.goods == ["same HS-6 854231"] and found.quantities == "fit"
    assert "intermediary incorporated after 24 February 2022 (2022-05-01)" in found.indicators
    assert "goods on a watch list: chpl tier 1 (854231)" in found.indicators
    assert found.links == []  # not linked: scored lower than the demo's case
    assert [x.shipment_id for x in found.inbound + found.outbound] == ["s:1", "s:2"]


def test_more_sent_on_than_received_is_reported(store):
    firms = [firm("c:eu", "Euro Parts BV", "nl"), firm("c:kz", "Steppe Trade LLP", "kz"), firm("c:ru", "OOO Volga", "ru")]
    parts = [shipment(1, "2022-06-01", "8542319000", 5_000, seller="c:eu", buyer="c:kz", qty=100, direction="import",
                      frm="nl", to="kz"),
             shipment(2, "2022-06-20", "8542311000", 60_000, seller="c:kz", buyer="c:ru", qty=900, frm="kz", to="ru")]
    write(store, parts, firms)
    (found,) = transshipments(store)
    assert found.quantities == "exceed" and found.goods == ["same HS-6 854231"]


# ---- graphkit flags on the demo -------------------------------------------------------------

def test_flags_on_the_demo_surface_the_drone_route_and_the_aspan_arba_transshipment(cli, demo_db):
    r = cli("flags", "--db", demo_db, "--format", "json", "--as-of", "2023-06-01")
    assert r.code == 0, r.err
    findings = [json.loads(line) for line in r.out.splitlines()]
    assert [f["rank"] for f in findings] == list(range(1, len(findings) + 1))
    top = findings[0]
    assert top["kind"] == "transshipment"
    roles = {e["role"]: e["id"] for e in top["entities"]}
    assert (roles["intermediary"], roles["consignee"]) == (ASPAN, NEBESNAYA)
    assert {x["kind"] for x in top["evidence"]["links"]} == {"shared_officer", "common_owner"}
    assert "intermediary incorporated after 24 February 2022 (2022-04-19)" in top["evidence"]["indicators"]
    assert any(i.startswith("a role ended shortly before the shipments (Гольдберг") for i in top["evidence"]["indicators"])
    assert top["sources"] and all(s["dataset"] and s["file"] and s["record"] for s in top["sources"])
    drones = next(f for f in findings if f["kind"] == "route_jump" and f["evidence"]["code"] == "880622")
    ev = drones["evidence"]
    assert (ev["from"], ev["to"], ev["before"]["period"], ev["after"]["period"]) == ("kz", "ru", "2021", "2022")
    assert ev["before"]["value_usd"] == 4_200 and ev["after"]["value_usd"] > 800_000
    assert {line["declaration_number"] for line in ev["lines"]} >= {"55201/140921/0051877", "51727/080622/0040213"}
    blocked = next(f for f in findings if f["kind"] == "blocked_by_ownership")
    assert blocked["evidence"]["aggregate_share"] == 55.0 and blocked["evidence"]["blocked_by_ownership"] is True


def test_flags_kinds_watch_lists_and_formats(cli, demo_db):
    watch = data_dir() / "watchlist.csv"
    r = cli("flags", "--db", demo_db, "--kind", "watchlist_goods", "--watchlist", watch, "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert {row["kind"] for row in rows} == {"watchlist_goods"}
    assert any("drones" in row["title"] and "АСПАН АРБА" in row["title"].upper() for row in rows)
    table = cli("flags", "--db", demo_db, "--kind", "route_jump", "--limit", "1")
    assert table.out.startswith("1. [route_jump]") and "\n2. " not in table.out
    bad = cli("flags", "--db", demo_db, "--transit", "kaz")
    assert bad.code == 2 and "two-letter codes" in bad.err
    missing = cli("flags", "--db", demo_db, "--watchlist", demo_db / "nope.csv")
    assert missing.code == 1 and "nope.csv: no such file" in missing.err


def test_flags_options_change_what_flags(demo_db):
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(demo_db, read_only=True) as s:
        strict = flags(s, ["route_jump"], Options(factor=500))
        assert strict == []
        no_kz = flags(s, ["transshipment"], Options(transit=("am",)))
        assert no_kz == []


@pytest.mark.neo4j
def test_flags_give_the_same_findings_on_every_store(any_store, demo_db):
    from graphkit.store.embedded import EmbeddedStore

    options = Options(as_of=dt.date(2023, 6, 1))
    with EmbeddedStore(demo_db, read_only=True) as ref:
        expected = [json.dumps(f.as_dict(), sort_keys=True, default=str) for f in flags(ref, options=options)]
    load_demo(any_store)
    got = [json.dumps(f.as_dict(), sort_keys=True, default=str) for f in flags(any_store, options=options)]
    assert got == expected
    if any_store.dialect == "neo4j":  # the Browser pictures of the same patterns (Neo4j only)
        chains = any_store.run("browser_transshipment", transit=["kz"], destinations=["ru", "by"], window_days=180)
        assert any(r["mid"]["id"] == ASPAN and r["con"]["name"] == "ООО НЕБЕСНАЯ МЕХАНИКА" for r in chains)
        owners = any_store.run("browser_blocked_owners", id="ru-inn:7816385044")
        assert sorted(r["shares"] for r in owners) == [[25.0], [30.0]]


def test_every_line_in_the_evidence_carries_the_lists_and_tiers_it_hits(demo_db):
    from graphkit.store.embedded import EmbeddedStore

    watch = Watchlists.load([data_dir() / "watchlist.csv"])
    with EmbeddedStore(demo_db, read_only=True) as s:
        (case, *_) = flags(s, ["transshipment"], Options(watchlists=watch))
    tags = {line["hs_code"]: [(w["list"], w["tier"]) for w in line["watchlists"]] for line in case.evidence["outbound"]}
    assert tags["8806221000"] == [("drones", None)]
    assert tags["8529909209"] == [("chpl", "3.A")]
