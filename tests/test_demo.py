"""The demo case, end to end: the Aspan Arba ↔ Nebesnaya Mekhanika link with its evidence,
the press spellings resolved, and every decoy kept apart."""

from __future__ import annotations

import json

from graphkit.link.links import find_links, screen
from graphkit.resolve import clusters

ASPAN = "kz-bin:220440173863"
NEBESNAYA = "ru-inn:7717019625"


def test_aspan_arba_is_linked_to_nebesnaya_mekhanika_by_people_and_shipments(demo):
    links = {link.b.id: link for link in find_links(demo, "Aspan Arba")}
    link = links[NEBESNAYA]
    assert link.a.id == ASPAN
    assert link.kinds == ["shared_officer", "common_owner", "shipment"]
    exports = [e for e in link.evidence if e.kind == "shipment" and e.sources[0]["dataset"] == "demo-customs-kz-export"]
    drones = sum(e.detail["quantity"] for e in exports if e.detail["hs6"] == "880622" and e.detail["date"].startswith("2022"))
    assert drones > 500
    assert all(e.detail["direction"] == "A -> B" for e in exports)
    for e in link.evidence:
        assert e.sources and all(s["dataset"] and s["file"] and s["record"] for s in e.sources)


def test_roles_are_time_aware(demo):
    link = next(x for x in find_links(demo, "Aspan Arba") if x.b.id == NEBESNAYA)
    goldberg = next(e for e in link.evidence if e.kind == "shared_officer"
                    and "ru-inn:772840721943" in (e.via["id"], e.via.get("resolved_with", {}).get("id")))
    sides = goldberg.detail
    held = [s for s in sides.values() if s["role"] == "shareholder"][0]
    assert held["status"] == "former" and held["end_date"] == "2021-12-17"
    assert held["at_shipments"] == "ended before the first shipment (2022-06-08)"


def test_press_spellings_resolve_to_the_registry_records(demo):
    by_rep = {c["id"]: {m["name"] for m in c["members"]} for c in clusters(demo)}
    assert {"Mikhail Saboshnikov", "SABOSHNIKOV M.", "Сапожников Михаил Игоревич"} <= by_rep["ru-inn:772418503617"]
    assert {"Ilya Golberg", "Гольдберг Илья Маркович"} <= by_rep["ru-inn:772840721943"]
    assert {"Nebesnaya Mekhanica LLC", "ООО «Небесная механика»"} <= by_rep[NEBESNAYA]


def test_decoys_stay_apart(demo):
    members = {m["name"]: c["id"] for c in clusters(demo) for m in c["members"]}
    member_ids = {m["id"] for c in clusters(demo) for m in c["members"]}
    # the namesake born 1971 is not the Goldberg born 1984: no cluster holds him
    namesake = demo._execute("MATCH (p:Person) WHERE p.birth_date = date('1971-02-27') RETURN p.id AS id")[0]["id"]
    assert namesake not in member_ids
    assert "Сапожников Алексей Викторович" not in members
    assert "OOO NEBESNAYA MEKHANIKA TRADE" not in members
    firms = [r["name"] for r in demo._execute("MATCH (c:Company) RETURN c.name AS name")]
    for decoy in ("Плюс", "Алатау"):  # the decoy firms are in the graph, and no link reaches them
        assert any(decoy in (n or "") for n in firms), decoy
    linked = {link.b.name for link in find_links(demo, "Aspan Arba")}
    assert NEBESNAYA in {link.b.id for link in find_links(demo, "Aspan Arba")}
    assert not any("Плюс" in (n or "") or "Алатау" in (n or "") for n in linked)
    screened = screen(demo)
    assert any({link.a.id, link.b.id} == {ASPAN, NEBESNAYA} for link in screened)
    for link in screened:
        pair = {link.a.id, link.b.id}
        assert not ({ASPAN, NEBESNAYA} & pair and any("Плюс" in (e.name or "") for e in (link.a, link.b)))


def test_graphkit_demo_prints_the_link_with_sources(cli, tmp_path):
    r = cli("demo", "--db", tmp_path / "d")
    assert r.code == 0, r.err
    assert "ТОО «Аспан Арба»" in r.out and "ООО «Небесная механика»" in r.out
    assert "linked by: shared_officer, common_owner, shipment" in r.out
    assert "sources: " in r.out and "demo-registry-kz:registry_kz.csv#KZ-" in r.out
    r = cli("demo", "--db", tmp_path / "d", "--format", "json")
    first = json.loads(r.out.splitlines()[0])
    assert (first["a"]["id"], first["b"]["id"]) == (ASPAN, NEBESNAYA)
