"""The Uzbek customs declarations (uz-import, uz-export) load from the real vendor files, read in
place: counts, one line checked by hand against its row, who sold to whom, and the sentence
find-links prints for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REAL, customs_loaded, run_cli, shipment_line

from graphkit.store.embedded import EmbeddedStore

CUSTOMS = REAL / "customs_trade"
IMPORTS = CUSTOMS / "uz_import_declarations_full.csv"
EXPORTS = CUSTOMS / "uz_export_declarations_full.csv"



def _shipment(store: EmbeddedStore, record: str) -> dict:
    x = shipment_line(store, record)["x"]
    names = {"decl": "declaration_number", "dir": "direction", "date": "date", "hs": "hs_code", "hs6": "hs6",
             "usd": "value_usd", "value": "value", "currency": "currency", "qty": "quantity", "unit": "unit",
             "net": "net_weight_kg", "origin": "origin_country", "dispatch": "dispatch_country",
             "dest": "destination_country", "trading": "trading_country", "inco": "incoterms", "office": "customs_office"}
    return {short: x.get(prop) for short, prop in names.items()}


def _parties(store: EmbeddedStore, record: str) -> tuple[list[dict], list[dict]]:
    r = shipment_line(store, record)
    return ([{"name": r["seller_name"], "country": r["seller_country"], "inn": r["seller_inn"], "role": r["a_role"]}],
            [{"name": r["buyer_name"], "country": r["buyer_country"], "inn": r["buyer_inn"], "role": r["b_role"]}])


def test_uz_import_supplier_ships_to_the_uzbek_importer(tmp_path: Path):
    with customs_loaded(tmp_path, IMPORTS, "uz-import", 2) as store:
        counts = store.counts()
        assert counts.nodes["Shipment"] == 2
        assert (counts.relationships["SHIPPED"], counts.relationships["SHIPPED_TO"],
                counts.relationships["DECLARED"]) == (2, 2, 2)
        # row 1 of the file (RECORD_ID 262cb04f-...): YIWU HODIY TRADING CO LIMITED (CHINA) to
        # OOO AQUA MIR (IMPORTER_CODE 305962438), registration number 10524 of 2025-10-31,
        # HS 6907219009, CUSTOMS_VALUE_USD 34538.03, 1944 M2, net 23328 kg, CPT, origin CHINA
        record = "uz-customs-import|uz_import_declarations_full.csv|262cb04f-bd9a-47c2-af56-787e51f15522"
        line = _shipment(store, record)
        assert line["decl"] == "10524" and line["dir"] == "import"
        assert str(line["date"]) == "2025-10-31"
        assert (line["hs"], line["hs6"]) == ("6907219009", "690721")
        assert line["usd"] == pytest.approx(34538.03)
        assert line["value"] is None and line["currency"] is None  # CUSTOMS_VALUE_FC is left out
        assert (line["qty"], line["unit"], line["net"]) == (1944, "M2", 23328)
        assert (line["origin"], line["dispatch"], line["dest"], line["trading"]) == ("cn", None, "uz", "cn")
        assert line["inco"] == "CPT"
        assert line["office"] == "CUSTOMS POST OF THE FOREIGN ECONOMIC ACTIVITY VODIY"
        sellers, buyers = _parties(store, record)
        assert sellers == [{"name": "YIWU HODIY TRADING CO LIMITED", "country": "cn", "inn": None, "role": "supplier"}]
        assert buyers == [{"name": "OOO AQUA MIR", "country": "uz", "inn": "305962438", "role": "importer"}]

    out = run_cli("find-links", "YIWU HODIY TRADING CO LIMITED", "--db", tmp_path / "g", "--kind", "shipment")
    assert out.code == 0, out.err
    assert "A: YIWU HODIY TRADING CO LIMITED (cn)" in out.out and "B: OOO AQUA MIR (uz)" in out.out
    assert ("[shipment] A -> B, HS 690721, 2025: 1 line in uz-customs-import:uz_import_declarations_full.csv "
            "(1,944 M2, USD 34,538.03, 2025-10-31)") in out.out


def test_uz_export_uzbek_exporter_ships_to_the_foreign_buyer(tmp_path: Path):
    with customs_loaded(tmp_path, EXPORTS, "uz-export", 2) as store:
        counts = store.counts()
        assert counts.nodes["Shipment"] == 2
        assert (counts.relationships["SHIPPED"], counts.relationships["SHIPPED_TO"],
                counts.relationships["DECLARED"]) == (2, 2, 2)
        # row 1 of the file (RECORD_ID 6099cc4a-...): СП ООО MODERNA CERAMIC INDUSTRIES FERGHANA
        # (EXPORTER_CODE 303419147) to ТОО КАМЕННАЯ ЭРА of Shymkent, registration number 10516
        # of 2025-10-31, HS 6907219003, CUSTOMS_VALUE_USD 46530, 9306 M2, net 333465 kg, DAP,
        # destination and trading country KAZAKHSTAN
        record = "uz-customs-export|uz_export_declarations_full.csv|6099cc4a-f5f4-4712-a890-dfc7e2439ac9"
        line = _shipment(store, record)
        assert line["decl"] == "10516" and line["dir"] == "export"
        assert str(line["date"]) == "2025-10-31"
        assert (line["hs"], line["hs6"]) == ("6907219003", "690721")
        assert line["usd"] == pytest.approx(46530)
        assert line["value"] is None and line["currency"] is None
        assert (line["qty"], line["unit"], line["net"]) == (9306, "M2", 333465)
        assert (line["origin"], line["dispatch"], line["dest"], line["trading"]) == (None, "uz", "kz", "kz")
        assert line["inco"] == "DAP"
        sellers, buyers = _parties(store, record)
        assert sellers == [{"name": "СП ООО MODERNA CERAMIC INDUSTRIES FERGHANA", "country": "uz",
                            "inn": "303419147", "role": "exporter"}]
        assert buyers == [{"name": "ТОО КАМЕННАЯ ЭРА", "country": "kz", "inn": None, "role": "buyer"}]

    out = run_cli("find-links", "ТОО КАМЕННАЯ ЭРА", "--db", tmp_path / "g", "--kind", "shipment")
    assert out.code == 0, out.err
    assert "A: ТОО КАМЕННАЯ ЭРА (kz)" in out.out
    assert "B: СП ООО MODERNA CERAMIC INDUSTRIES FERGHANA (uz)" in out.out
    # B (the Uzbek exporter) shipped to A (the Kazakh buyer)
    assert ("[shipment] B -> A, HS 690721, 2025: 1 line in uz-customs-export:uz_export_declarations_full.csv "
            "(9,306 M2, USD 46,530.00, 2025-10-31)") in out.out
