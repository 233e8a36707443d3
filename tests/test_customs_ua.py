"""The Ukrainian customs samples (ua-import, ua-export, ua-import-agg), read in place from
../shared/data/real/customs_trade: counts, one line checked against the row it came from, the
direction (seller SHIPPED, buyer SHIPPED_TO), EDRPOU codes only on the Ukrainian party that
carries them, and the find-links sentence with that row's numbers."""

from __future__ import annotations

import datetime as dt

from conftest import REAL, customs_loaded, run_cli, shipment_line

CUSTOMS = REAL / "customs_trade"



def test_ua_import_lines(tmp_path):
    db = tmp_path / "g"
    with customs_loaded(tmp_path, CUSTOMS / "ua_import_declarations_full.csv", "ua-import", 2) as store:
        counts = store.counts()
        assert counts.nodes["Shipment"] == 2
        assert counts.relationships["SHIPPED"] == 2 and counts.relationships["SHIPPED_TO"] == 2
        assert "DECLARED" not in counts.relationships or counts.relationships["DECLARED"] == 0  # all NULL
        # line 3 of the file, RECORD_ID a93202e1-974a-4ced-8efa-d5e8b70d6834: CERAMICHE REFIN (Italy)
        # to ТОВ ТИМГЛАН, EDRPOU 38271459, declaration UA209230/2025/103961, customs value
        # 21237.14 UAH = 506.01 USD, 23.04 M2, net 471 kg, origin EUROPEAN UNION, from ITALY
        row = shipment_line(store, "ua-customs-import|ua_import_declarations_full.csv|a93202e1-974a-4ced-8efa-d5e8b70d6834")
        x = row["x"]
        assert (x["declaration_number"], x["item_number"], x["direction"]) == ("UA209230/2025/103961", "1", "import")
        assert x["date"] == dt.date(2025, 10, 31)
        assert (x["hs_code"], x["hs6"], x["hs_chapter"]) == ("6907210090", "690721", "69")
        assert (x["value_usd"], x["value"], x["currency"]) == (506.01, 21237.14, "UAH")
        assert (x["quantity"], x["unit"], x["net_weight_kg"]) == (23.04, "M2", 471.0)
        assert (x["origin_country"], x["dispatch_country"], x["destination_country"]) == ("eu", "it", "ua")
        assert x["customs_office"] == "LVIV CUSTOMS OFFICE"
        assert x.get("trading_country") is None and x.get("incoterms") is None  # no column / NULL
        # the foreign supplier sells, the Ukrainian importer buys and carries the EDRPOU code
        assert row["seller_name"] == "CERAMICHE REFIN S P A SALVATERRA VIA I MAGGIO 22 42013 CASALGRANDE RE ITALIA"
        assert not row["seller"].startswith("ua-edrpou:")
        assert row["seller_country"] is None and row["a_role"] == "supplier"
        assert (row["buyer"], row["buyer_name"], row["buyer_country"], row["b_role"]) == (
            "ua-edrpou:38271459", "ТОВ ТИМГЛАН", "ua", "importer")
        importer = store._execute("MATCH (c:Company {id: 'ua-edrpou:38271459'})-[:REGISTERED_AT]->(a:Address) "
                                  "RETURN c.company_number AS num, c.names AS names, a.full AS addr")
        assert importer == [{"num": "38271459", "names": ["ТОВ ТИМГЛАН", "TIMGLAN LLC"],
                             "addr": "03179 М КИЇВ ПР ПЕРЕМОГИ 123"}]
    r = run_cli("find-links", "TIMGLAN", "--db", db, "--kind", "shipment", "--detail")
    assert r.code == 0, r.err
    assert "A: ТОВ ТИМГЛАН (ua) [ua-edrpou:38271459]" in r.out
    assert "B: CERAMICHE REFIN S P A SALVATERRA" in r.out
    assert ("[shipment] B -> A declaration UA209230/2025/103961: 2025-10-31, HS 6907210090, 23.04 M2, "
            "net 471 kg, USD 506.01, value 21,237.14 UAH, CERAMIC TILES") in r.out


def test_ua_export_lines(tmp_path):
    db = tmp_path / "g"
    with customs_loaded(tmp_path, CUSTOMS / "ua_export_declarations_full.csv", "ua-export", 2) as store:
        counts = store.counts()
        assert counts.nodes["Shipment"] == 2
        assert counts.relationships["SHIPPED"] == 2 and counts.relationships["SHIPPED_TO"] == 2
        # line 2 of the file, RECORD_ID 936bf055-ab52-4168-80a0-4d68da28c220: ТОВ ЕПІЦЕНТР К, EDRPOU
        # 32490244, exports to GLOBALCOM SP Z O O (Warsaw), destination BELGIUM, customs value
        # 8790 USD, 1238.88 M2, net 22372.2 kg; GTD_NO is NULL
        row = shipment_line(store, "ua-customs-export|ua_export_declarations_full.csv|936bf055-ab52-4168-80a0-4d68da28c220")
        x = row["x"]
        assert x.get("declaration_number") is None and x["item_number"] == "1" and x["direction"] == "export"
        assert x["date"] == dt.date(2025, 10, 31) and x["hs_code"] == "6907210090"
        assert x["value_usd"] == 8790.0
        assert x.get("value") is None and x.get("currency") is None  # no value in another currency
        assert (x["quantity"], x["unit"], x["net_weight_kg"]) == (1238.88, "M2", 22372.2)
        assert (x["dispatch_country"], x["destination_country"]) == ("ua", "be")
        assert x.get("origin_country") is None and x.get("incoterms") is None
        assert x["customs_office"] == "KYIV CUSTOMS OFFICE"
        # the Ukrainian exporter sells and carries the EDRPOU code; the consignee buys, no country
        # (the line goes to Belgium, the consignee is in Warsaw)
        assert (row["seller"], row["seller_name"], row["seller_country"], row["a_role"]) == (
            "ua-edrpou:32490244", "TOV EPICENTR K", "ua", "exporter")
        assert row["buyer_name"].startswith("GLOBALCOM SP Z O O AL WYSCIGOWA 6")
        assert not row["buyer"].startswith("ua-edrpou:")
        assert row["buyer_country"] is None and row["b_role"] == "consignee"
    r = run_cli("find-links", "EPICENTR", "--db", db, "--kind", "shipment", "--detail")
    assert r.code == 0, r.err
    assert "A: TOV EPICENTR K (ua) [ua-edrpou:32490244]" in r.out and "B: GLOBALCOM SP Z O O" in r.out
    assert ("[shipment] A -> B 2025-10-31, HS 6907210090, 1,238.88 M2, net 22,372.2 kg, USD 8,790.00, "
            "GLAZED CERAMIC FLOOR TILES") in r.out


def test_ua_import_monthly_aggregates(tmp_path):
    db = tmp_path / "g"
    with customs_loaded(tmp_path, CUSTOMS / "ua_import_monthly_agg.csv", "ua-import-agg", 1000) as store:
        counts = store.counts()
        assert counts.nodes["Shipment"] == 1000
        assert counts.relationships["SHIPPED"] == 1000 and counts.relationships["SHIPPED_TO"] == 1000
        stats = store._execute(
            "MATCH (x:Shipment) RETURN count(x) AS n, sum(CASE WHEN x.aggregated THEN 1 ELSE 0 END) AS agg, "
            "sum(CASE WHEN x.value_usd IS NULL AND x.currency IS NULL THEN 1 ELSE 0 END) AS no_currency, "
            "sum(CASE WHEN x.quantity IS NULL THEN 1 ELSE 0 END) AS no_qty, "
            "sum(CASE WHEN x.quantity = 0 THEN 1 ELSE 0 END) AS zero_qty")[0]
        # TOTALVALUE names no currency; every Mar 2025 row (104) gives quantity 0, kept as written
        assert stats == {"n": 1000, "agg": 1000, "no_currency": 1000, "no_qty": 0, "zero_qty": 104}
        # line 15 of the file: CERAMICHE SUPERGRES ... to TOV LASTRA, HS 6907210010, EUROPEAN UNION,
        # TOTALVALUE 1180.04 (%GTTOTALVALUE 1.46e-05 left out), TOTALQUANTITY 47.25, Oct 2025
        row = shipment_line(store, "ua-customs-import-agg|ua_import_monthly_agg.csv|line 15")
        x = row["x"]
        assert (x["direction"], x["aggregated"], x["date"]) == ("import", True, dt.date(2025, 10, 1))
        assert (x["hs_code"], x["value"], x["quantity"]) == ("6907210010", 1180.04, 47.25)
        assert x.get("value_usd") is None and x.get("currency") is None and x.get("unit") is None
        assert (x["origin_country"], x["destination_country"]) == ("eu", "ua")
        assert row["seller_name"].startswith("CERAMICHE SUPERGRES DIVISIONE DI CHERAMICHE ATLAS CONCORDE")
        assert (row["a_role"], row["buyer_name"], row["buyer_country"], row["b_role"]) == (
            "supplier", "TOV LASTRA", "ua", "importer")
    r = run_cli("find-links", "CERAMICHE SUPERGRES", "--db", db, "--kind", "shipment", "--detail")
    assert r.code == 0, r.err
    assert "B: TOV LASTRA (ua)" in r.out
    assert ("[shipment] A -> B monthly total, 2025-10: HS 6907210010, quantity 47.25 (unit not given), "
            "value 1,180.04 (currency not named by the source), OTHER") in r.out
    # line 27: FINCIBEC to TOV LASTRA, Mar 2025, TOTALVALUE 1242, TOTALQUANTITY 0: the zero as written,
    # and in the summary a sum of zeros is said to be what the source gives
    r = run_cli("find-links", "FINCIBEC", "--db", db, "--kind", "shipment", "--detail")
    assert ("[shipment] A -> B monthly total, 2025-03: HS 6907210010, quantity 0 (unit not given), value 1,242.00 "
            "(currency not named by the source), OTHER") in r.out
