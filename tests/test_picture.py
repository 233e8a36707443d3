"""The printed picture: one node per resolved entity, trade summed per HS-6 and year, sanctions
as badges, at most N nodes, the same layout for the same data, an SVG of it; and addresses
joined on their parsed parts, checked on real written forms (OpenSanctions, ICIJ)."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from test_report import EVIL, HOSTILE, build_case

from graphkit import addresses
from graphkit.demo import load_demo
from graphkit.report import network_report
from graphkit.report.picture import TRADE, overlapping_labels
from graphkit.report.svg import render_svg

ASPAN = "kz-bin:220440173863"
NEBESNAYA = "ru-inn:7717019625"


def test_demo_picture_has_one_node_per_entity_and_trade_per_hs6(demo):
    report = network_report(demo, "Aspan Arba")
    g = report.graph
    assert g.number_of_nodes() <= 15 and g.number_of_edges() <= 30
    # Aspan Arba's three records (KZ registry, press, RU customs) are one node, listing them all
    assert ASPAN in g and len(g.nodes[ASPAN]["members"]) == 3
    assert "query" in g.nodes[ASPAN]["flags"]
    people = [d for _, d in g.nodes(data=True) if d["label"] == "Person"]
    sapozhnikov = [d for d in people if "Сапожников" in d["name"] or "САПОЖНИКОВ" in d["name"]]
    assert len(sapozhnikov) == 1 and len(sapozhnikov[0]["members"]) == 3
    assert all("=" in r and "score" in r for r in sapozhnikov[0]["resolution"])
    assert not any(d["label"] == "Shipment" for _, d in g.nodes(data=True))
    # the drones: the KZ export lines summed, apart from the RU import lines of the same goods
    drones = [d for u, v, d in g.edges(data=True) if d["type"] == TRADE and (u, v) == (ASPAN, NEBESNAYA)
              and d["hs6"] == "880622"]
    by_dataset = {d["declared_in"]: d for d in drones}
    assert by_dataset["demo-customs-kz-export"]["quantity"] == 524
    assert by_dataset["demo-customs-kz-export"]["lines"] == 6
    assert len(by_dataset["demo-customs-kz-export"]["sources"]) >= 6
    # the layout is computed once: the same data gives the same picture, with no label overlap
    assert network_report(demo, "Aspan Arba").positions == report.positions
    assert overlapping_labels(report.positions, g) == 0
    events = [e.what for e in report.timeline]
    assert any(e.startswith("HS 880622 · 2022 · 6 lines") for e in events)
    assert any(e.startswith("director 2022-04-19") for e in events)


def test_records_view_keeps_every_record(demo):
    g = network_report(demo, "Aspan Arba", records=True).graph
    assert g.number_of_nodes() > 30 and any(d["label"] == "Shipment" for _, d in g.nodes(data=True))


def test_sanctions_are_a_badge_and_large_neighbourhoods_are_summarised(store, tmp_path: Path):
    build_case(store, tmp_path)
    report = network_report(store, "Dala Trans", hops=3)
    g = report.graph
    assert not any(d["label"] == "Sanction" for _, d in g.nodes(data=True))
    assert "sanctioned" in g.nodes[EVIL]["flags"]
    small = network_report(store, "Dala Trans", hops=3, max_drawn=3)
    assert small.graph.number_of_nodes() == 3
    note = " ".join(small.notes)
    left = g.number_of_nodes() - 3
    assert f"{left:,} more node" in note and "nearest the firm asked about" in note
    assert any(d.get("hidden") for _, d in small.graph.nodes(data=True))
    # the SVG: the same positions, every name escaped text
    svg = render_svg(report)
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert HOSTILE[:33] in " ".join(t or "" for t in texts) and "<img" not in svg


def test_cli_viz_svg_and_limits(cli, store, tmp_path: Path):
    build_case(store, tmp_path)
    store.close()
    out, svg = tmp_path / "r.html", tmp_path / "r.svg"
    r = cli("viz", "Dala Trans", "--db", tmp_path / "graph", "-o", out, "--svg", svg, "--max-nodes", "3")
    assert r.code == 0, r.err
    assert "3 nodes" in r.out and "more node" in r.out and svg.read_text().startswith("<svg")
    payload = json.loads(re.search(r'id="gk-data">(.*?)</script>', out.read_text(encoding="utf-8")).group(1))
    assert payload["fixed"] and all("x" in n and "y" in n for n in payload["nodes"])
    bad = cli("viz", "Dala Trans", "--db", tmp_path / "graph", "-o", out, "--svg", svg, "--records")
    assert bad.code == 2 and "--svg draws the entity picture" in bad.err


# ---- addresses, on real written forms -----------------------------------------------------------


def _zala_addresses(real: Path) -> list[str]:
    out = []
    for line in (real / "ftm_opensanctions" / "yente_zala_entities.ftm.json").read_text(encoding="utf-8").splitlines():
        out.extend(json.loads(line).get("properties", {}).get("address", []))
    return out


def test_addresses_of_opensanctions_zala_join_across_scripts_and_send_typos_to_review(real: Path):
    written = set(_zala_addresses(real))
    parsed = {t: addresses.parse(t) for t in written}

    def verdict(a: str, b: str) -> str:
        assert a in written and b in written, (a, b)
        return addresses.compare(parsed[a], parsed[b]).same

    # the same building in English and Russian, in capitals and not
    assert verdict("130 Vorovskogo St., Izhevsk, 436063", "130 VOROVSKOGO ST., IZHEVSK, 436063") == "same"
    assert verdict("УЛ. ВОРОВСКОГО Д.130, Г. ИЖЕВСК, УДМУРТСКАЯ РЕСПУБЛИКА, 426063",
                   "130 Vorovskogo st. Izhevsk, 426063, Russia") == "same"
    assert verdict("3 Perunovsky Per., Building 2, Floor 3, Room 21, Moscow, 127055",
                   "3/2 Perunovsky Lane, Floor 3, Room 21, Moscow, 127055") == "same"
    assert verdict("272 Pushkinskaya St., Apt. 41, Izhevsk, 426008",
                   "272 Pushkinskaya Street, Apt 41, Izhevsk, 426008") == "same"
    # 436063 against 426063: one digit apart, same street and number; a person decides
    assert verdict("130 Vorovskogo St., Izhevsk, 436063", "130 Vorovskogo st. Izhevsk, 426063, Russia") == "unsure"
    # a floor written on one side only: may be the same office, may not
    assert verdict("УЛ. КРЖИЖАНОВСКОГО Д. 18 К. 4, Г.МОСКВА, 117218",
                   "Російська Федерація, 117218, м. Москва, вул. Кржижановського, буд. 18 (к. 4, пов. 7, прим. "
                   "/ кімн. ХІХ/1 )") == "unsure"
    # different buildings never join
    assert verdict("118 40 Let Pobedy Street, Izhevsk, 426072", "130 Vorovskogo St., Izhevsk, 436063") == "different"
    assert verdict("УЛ. СТРЕЛЕЦКАЯ Д. 6, Г.МОСКВА, 127018", "9 Salyama Adilya St., Office 3, Moscow, 123154") == "different"


def test_addresses_of_icij_panama_papers_join_one_tower(real: Path):
    with (real / "icij_offshoreleaks" / "Addresses_medium.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["node_id"]: r for r in csv.DictReader(f)}
    parsed = {i: addresses.parse(r["address"], r["country_codes"]) for i, r in rows.items()}
    groups = {i: tuple(g) for g in addresses.group(parsed) for i in g}
    # Crowne Plaza Commercial Tower, Dubai, 19th floor, PO Box 62425: five written forms, one place
    tower = ["14006951", "14006952", "14006953", "14006954"]
    assert all("62425" in rows[i]["address"] for i in tower)
    assert len({groups[i] for i in tower}) == 1
    # no group joins two countries, and no group is larger than the biggest plausible office block
    for group in {g for g in groups.values() if len(g) > 1}:
        assert len({rows[i]["country_codes"] for i in group}) == 1, [rows[i]["address"] for i in group]
    joined = sum(len(g) for g in {g for g in groups.values() if len(g) > 1})
    assert 0 < joined < len(rows) * 0.2


def test_browser_trade_summary_sums_as_the_picture_does(any_store):
    load_demo(any_store)
    rows = list(any_store.run("browser_trade_summary", name="Aspan Arba"))
    drones = {r["dataset"]: r for r in rows if r["hs6"] == "880622" and r["direction"] == "out"}
    assert set(drones) == {"demo-customs-kz-export", "demo-customs-ru-import"}
    kz = drones["demo-customs-kz-export"]
    assert (kz["lines"], kz["quantity"], kz["year"], kz["units"]) == (6, 524, "2022", ["PCE"])
    assert str(kz["first_date"]) == "2022-06-08" and str(kz["last_date"]) == "2022-12-06"
    assert {r["direction"] for r in rows} == {"in", "out"}
