"""find-links on a small case built the way an investigator's data arrives: two registries in
two scripts, and a customs file that names the buyer only by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from cases import KZ_EXPORT_COLUMNS

from graphkit.errors import NotFound
from graphkit.link.links import find_links, lookup, screen
from graphkit.load import load_files
from graphkit.resolve import resolve

RU = (
    "record_id,company_name,company_name_en,jurisdiction,inn,ogrn,address,address_country,holder_kind,"
    "holder_name,holder_birth_date,role,share_pct,role_start,role_end\n"
    "RU1,ООО «Северный ветер»,OOO Severny Veter,ru,7700000101,1207700000101,,,person,Ветров Антон Павлович,"
    "1979-09-09,founder,100,2019-05-01,2021-12-15\n"
    "RU2,ООО «Южный берег»,,ru,7700000202,,,,person,Ветров Антон Павлович,1985-01-01,director,,2018-01-01,\n"
)
KZ = (
    "record_id,company_name,company_name_en,jurisdiction,bin,address,address_country,holder_kind,"
    "holder_name,holder_birth_date,role,share_pct,role_start,role_end\n"
    "KZ1,ТОО «Дала Транс»,Dala Trans LLP,kz,220400000111,,,person,Ветров Антон Павлович,1979-09-09,"
    "director,,2022-04-20,\n"
)
def kz_export_line(record: str, date: str, qty: str) -> dict[str, str]:
    row = dict.fromkeys(KZ_EXPORT_COLUMNS, "NULL")
    row.update(RECORD_ID=record, DECLARATION_NUMBER=f"50000/{record}", REGISTRATION_DATE=date,
               EXPORTER_CODE="220400000111", EXPORTER_NAME="ТОО ДАЛА ТРАНС", BUYER_NAME="ООО СЕВЕРНЫЙ ВЕТЕР",
               BUYER_NAME_EN="OOO SEVERNYI VETER", COUNTRY_ISO_CODE_2="RU", HS_CODE="8806221000",
               PRODUCT_DESCRIPTION_EN="UNMANNED AIRCRAFT", CUSTOMS_VALUE_USD="1000", QUANTITY=qty,
               UNIT_OF_QUANTITY="PCE", TO_COUNTRY_NAME_EN="RUSSIAN FEDERATION")
    return row


@pytest.fixture
def case(store, tmp_path: Path):
    import csv

    (tmp_path / "ru.csv").write_text(RU, encoding="utf-8")
    (tmp_path / "kz.csv").write_text(KZ, encoding="utf-8")
    with (tmp_path / "kz_export.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, KZ_EXPORT_COLUMNS)
        w.writeheader()
        w.writerow(kz_export_line("E1", "2022-06-01", "120"))
        w.writerow(kz_export_line("E2", "2022-09-01", "80"))
    load_files(store, [tmp_path / "ru.csv"], "registry", dataset="ru-registry")
    load_files(store, [tmp_path / "kz.csv"], "registry", dataset="kz-registry")
    load_files(store, [tmp_path / "kz_export.csv"], "kz-export")
    return store


def test_before_resolution_only_identifiers_link(case):
    # the customs buyer is a name-only record and the people are per-registry records, so the
    # Kazakh firm's only link is the shipment to that name-only buyer
    links = find_links(case, "Дала Транс")
    assert [(link.b.id.split(":")[0], link.kinds) for link in links] == [("kz-customs-export", ["shipment"])]


def test_resolution_links_the_firms_through_the_person_and_the_shipments(case):
    report = resolve(case)
    auto = sorted((c.a.id, c.b.id) for c in report.decisions if c.state == "auto")
    # the customs buyer with the Russian firm, and Ветров (same birth date) with himself
    assert len(auto) == 2 and ("kz-customs-export" in auto[0][0] + auto[0][1])
    # the other Ветров Антон Павлович (born 1985) is never proposed: a hard rule
    assert not any("1985" in c.explanation for c in report.decisions)
    links = find_links(case, "Dala Trans")
    assert [link.b.id for link in links] == ["ru-inn:7700000101"]
    link = links[0]
    assert link.kinds == ["shared_officer", "shipment"]
    assert len(link.b.members) == 2 and link.b.members[0] == "ru-inn:7700000101"
    assert link.b.members[1].startswith("kz-customs-export:company:")  # the customs line's buyer record
    officer = next(e for e in link.evidence if e.kind == "shared_officer")
    assert officer.detail["a"]["status"] == "current" and officer.detail["a"]["role"] == "director"
    assert officer.detail["b"]["status"] == "former" and officer.detail["b"]["end_date"] == "2021-12-15"
    assert officer.detail["b"]["at_shipments"] == "ended before the first shipment (2022-06-01)"
    assert officer.via["resolution"]["judgement"] == "auto"
    assert "same birth date 1979-09-09" in officer.via["resolution"]["explanation"]
    assert {s["dataset"] for s in officer.sources} == {"kz-registry", "ru-registry"}
    shipments = [e for e in link.evidence if e.kind == "shipment"]
    assert sorted(e.detail["quantity"] for e in shipments) == [80.0, 120.0]
    assert all(e.detail["direction"] == "A -> B" and e.detail["hs6"] == "880622" for e in shipments)
    assert shipments[0].sources[0]["dataset"] == "kz-customs-export"
    # the namesake with another birth date directs an unrelated firm: never linked
    assert all("7700000202" not in link.b.id for link in links)


def test_screening_reports_each_pair_once(case):
    resolve(case)
    pairs = [(link.a.id, link.b.id) for link in screen(case)]
    assert len(pairs) == len(set(pairs)) == 1
    assert set(pairs[0]) == {"kz-bin:220400000111", "ru-inn:7700000101"}


def test_lookup_by_registry_number_id_and_any_script(case):
    assert [e.id for e in lookup(case, "7700000101")] == ["ru-inn:7700000101"]
    assert [e.id for e in lookup(case, "kz-bin:220400000111")] == ["kz-bin:220400000111"]
    assert "ru-inn:7700000101" in [e.id for e in lookup(case, "Северный ветер")]
    assert "ru-inn:7700000101" in [e.id for e in lookup(case, "SEVERNY VETER")]  # the registry's Latin name
    with pytest.raises(NotFound):
        lookup(case, "Nobody Ltd")
