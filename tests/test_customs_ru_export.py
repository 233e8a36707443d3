"""The ru-export mapping on the real Russian export declarations (line level), read in place."""

from __future__ import annotations

import pytest

from graphkit.load import load_files
from graphkit.store.embedded import EmbeddedStore
from tests.conftest import REAL, need_real, run_cli

PATH = REAL / "customs_trade" / "ru_export_declarations_full.csv"



@pytest.fixture
def loaded(tmp_path):
    need_real()
    with EmbeddedStore(tmp_path / "g") as store:
        report = load_files(store, [PATH], "ru-export", rejects_dir=tmp_path)
        yield store, report


def test_every_row_loads(loaded):
    store, report = loaded
    assert (report.rows_read, report.rows_loaded, report.rows_rejected, report.rows_skipped) == (2, 2, 0, 0)
    counts = store.counts()
    assert counts.nodes["Shipment"] == 2
    assert counts.relationships["SHIPPED"] == 2
    assert counts.relationships["SHIPPED_TO"] == 2
    assert counts.relationships["REGISTERED_AT"] == 2


def test_a_line_as_written_seller_to_buyer(loaded):
    store, _ = loaded
    # the first data row: RECORD_ID 9367959a-bfba-4136-8438-ba404bf259fa, declaration
    # 10511010/310325/5040427, ARTKERA (INN 6658449389, Yekaterinburg) sells 665.02 M2 of tiles
    # to ИП ЕСАВА ЛЕВ САИДОВИЧ (Pitsunda), USD 6,515.70, invoice 500,223.47 RUB
    rows = store._execute(
        "MATCH (seller:Company)-[a:SHIPPED]->(s:Shipment)-[b:SHIPPED_TO]->(buyer:Company) "
        "WHERE s.declaration_number = '10511010/310325/5040427' "
        "RETURN seller.id AS seller, seller.country AS seller_country, a.role AS a_role, "
        "buyer.name AS buyer, buyer.country AS buyer_country, b.role AS b_role, s.direction AS direction, "
        "s.date AS date, s.hs_code AS hs, s.value_usd AS usd, s.value AS value, s.currency AS currency, "
        "s.quantity AS qty, s.unit AS unit, s.net_weight_kg AS net, s.dispatch_country AS dispatch, "
        "s.destination_country AS dest, s.origin_country AS origin, s.customs_office AS office, "
        "s.brand AS brand, s.manufacturer AS manufacturer, s.incoterms AS incoterms, s.item_number AS item")
    assert len(rows) == 1
    r = rows[0]
    assert (r["seller"], r["seller_country"], r["a_role"]) == ("ru-inn:6658449389", "ru", "exporter")
    assert (r["buyer"], r["buyer_country"], r["b_role"]) == ("ИП ЕСАВА ЛЕВ САИДОВИЧ", None, "buyer")
    assert r["direction"] == "export" and str(r["date"]) == "2025-03-31"
    assert r["hs"] == "6907219009"
    assert (r["usd"], r["value"], r["currency"]) == (6515.7, 500223.47, "RUB")
    assert (r["qty"], r["unit"], r["net"]) == (665.02, "M2", 12571.54)
    # DESTINATION_COUNTRY "OTHER COUNTRY" (ISO "OC") is no country; no column gives the origin
    assert (r["dispatch"], r["dest"], r["origin"]) == ("ru", None, None)
    assert (r["office"], r["brand"], r["manufacturer"], r["incoterms"]) == ("10511010", "ALMA CERAMICA", "JSC ZKI", "FCA")
    assert r["item"] is None  # ITEM_NUMBER is 0 on every line: left out


def test_the_usd_line_keeps_its_currency_and_destination(loaded):
    store, _ = loaded
    # the second data row: declaration 10013160/310325/5135241, ООО ТРИУМФ (INN 5047179507) to
    # "ООО AKABE ПО ПОРУЧЕНИЮ HAZAR INSAAT ..." in Baku, CURRENCY USD, invoice 1265.9 = TOTAL_VALUE_USD
    rows = store._execute(
        "MATCH (seller:Company)-[:SHIPPED]->(s:Shipment)-[:SHIPPED_TO]->(buyer:Company) "
        "WHERE s.declaration_number = '10013160/310325/5135241' "
        "RETURN seller.id AS seller, seller.names AS names, buyer.name AS buyer, s.value_usd AS usd, "
        "s.value AS value, s.currency AS currency, s.destination_country AS dest")
    assert rows == [{"seller": "ru-inn:5047179507", "names": ["ООО ТРИУМФ", "LLC TRIUMPH"],
                     "buyer": "ООО AKABE ПО ПОРУЧЕНИЮ HAZAR INSAAT DIS TIC LIMITED STI",
                     "usd": 1265.9, "value": 1265.9, "currency": "USD", "dest": "az"}]


def test_find_links_tells_the_row(tmp_path):
    need_real()
    db = tmp_path / "g"
    r = run_cli("load", PATH, "--mapping", "ru-export", "--db", db, "--rejects-dir", tmp_path / "rejects")
    assert r.code == 0, r.err
    out = run_cli("find-links", "ARTKERA", "--db", db, "--kind", "shipment").out
    assert "A: ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ АРТКЕРА (ru) [ru-inn:6658449389]" in out
    assert "B: ИП ЕСАВА ЛЕВ САИДОВИЧ" in out
    assert ("[shipment] A -> B, HS 690721, 2025: 1 line in ru-customs-export:ru_export_declarations_full.csv "
            "(665.02 M2, USD 6,515.70, 2025-03-31)") in out
    detail = run_cli("find-links", "ARTKERA", "--db", db, "--kind", "shipment", "--detail").out
    assert ("[shipment] A -> B declaration 10511010/310325/5040427: 2025-03-31, HS 6907219009, 665.02 M2, "
            "net 12,571.54 kg, USD 6,515.70, value 500,223.47 RUB") in detail
