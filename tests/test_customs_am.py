"""The Armenian customs declarations (am-import, am-export), loaded from the real samples in
../shared/data/real/customs_trade, read in place: who sold to whom, and each number of one line
against the row read by hand."""

from __future__ import annotations

import re

import pytest
from conftest import REAL, customs_loaded, need_real, run_cli

from graphkit.errors import InvalidData
from graphkit.load import load_files
from graphkit.store.embedded import EmbeddedStore

CUSTOMS = REAL / "customs_trade"
IMPORTS = CUSTOMS / "am_import_declarations_full.csv"
EXPORTS = CUSTOMS / "am_export_declarations_full.csv"

LINE = ("MATCH (a:Company)-[r:SHIPPED]->(s:Shipment)-[t:SHIPPED_TO]->(b:Company) "
        "RETURN a.name AS seller, a.names AS seller_names, a.country AS seller_country, r.role AS seller_role, "
        "b.name AS buyer, b.names AS buyer_names, b.country AS buyer_country, b.legal_form AS buyer_form, "
        "t.role AS buyer_role, r.record AS record, s AS s ORDER BY s.declaration_number")



def _sentences(out: str) -> list[str]:
    return [line.strip()[2:] for line in out.splitlines() if line.strip().startswith("- [")]


def test_am_import_supplier_sold_to_the_armenian_importer(tmp_path):
    with customs_loaded(tmp_path, IMPORTS, "am-import", 2) as store:
        counts = store.counts()
        assert counts.nodes["Shipment"] == 2 and counts.nodes["Company"] == 4
        assert counts.relationships["SHIPPED"] == 2 and counts.relationships["SHIPPED_TO"] == 2
        assert counts.relationships["DECLARED"] == 0  # CUSTOMS BROKER is NULL on both lines: no firm "NULL"
        rows = store._execute(LINE)
        assert len(rows) == 2
        # the row read by hand: RECORD ID 0b8499aa-e4ed-4915-a775-69e178406939 (line 3), MARAZZI GROUP
        # S R L -> LIA K GROUP LLC, 2025-09-26, HS 69072190090, 1091.1 M2, net 21217.472, INVOICE
        # AMOUNT 14490.63 EUR, CUSTOMS VALUE USD 19135.12221, ITALY/ITALY/ITALY, EXW SASSUOLO
        row = rows[0]
        s = row["s"]
        assert row["record"] == "0b8499aa-e4ed-4915-a775-69e178406939"
        assert (row["seller"], row["seller_role"], row["seller_country"]) == ("MARAZZI GROUP S R L", "supplier", "it")
        assert row["seller_names"] == ["MARAZZI GROUP S R L", "MARAZZI GROUP SRL"]
        assert (row["buyer"], row["buyer_role"], row["buyer_country"]) == ("LIA K GROUP LLC", "importer", "am")
        assert row["buyer_names"] == ["ԼԻԱ-Կ ԳՐՈՒՊ ՍՊԸ", "LIA K GROUP LLC"]
        assert row["buyer_form"] == "llc"  # ՍՊԸ is an LLC, never an Italian S.p.A.
        assert s["direction"] == "import"
        assert s["declaration_number"] == "05100010/260925/0290350"
        assert str(s["date"]) == "2025-09-26"
        # HS CODE 69072190090 has 11 digits: read as it is, never as chapter 06 (live plants)
        assert (s["hs_code"], s["hs_chapter"]) == ("69072190090", "69")
        assert (s["value"], s["currency"], s["value_usd"]) == (14490.63, "EUR", 19135.12221)
        assert (s["quantity"], s["unit"], s["net_weight_kg"]) == (1091.1, "M2", 21217.472)
        assert (s["origin_country"], s["dispatch_country"], s["trading_country"], s["destination_country"]) == (
            "it", "it", "it", "am")
        assert s["incoterms"] == "EXW SASSUOLO,PROVINCE OF MODENA IT"
        assert s["description_en"] == "CERAMIC FLOOR TILES, GLAZED, (EB =0.5%) MARAZZI"
        # the other line: the invoice is in dollars, the customs value (freight included) in the
        # vendor's dollars is another number
        other = rows[1]
        assert (other["seller"], other["buyer"]) == ("FOSHAN DOSUNTILES CO LTD", "BARSIS LLC")
        assert (other["s"]["value"], other["s"]["currency"], other["s"]["value_usd"]) == (23096.88, "USD", 40260.99751)
        again = load_files(store, [IMPORTS], "am-import", rejects_dir=tmp_path)
        assert again.written.nodes_created == 0 and store.counts().nodes == counts.nodes

    out = run_cli("find-links", "LIA K GROUP LLC", "--db", tmp_path / "g", "--kind", "shipment", "--detail")
    assert out.code == 0, out.err
    line = next(x for x in _sentences(out.out) if "0b8499aa" in x or "05100010/260925/0290350" in x)
    assert line.startswith("[shipment] B -> A declaration 05100010/260925/0290350: 2025-09-26, HS 69072190090, "
                           "1,091.1 M2, net 21,217.472 kg, USD 19,135.12, value 14,490.63 EUR, "
                           "CERAMIC FLOOR TILES, GLAZED"), line
    assert re.search(r"A: LIA K GROUP LLC \(am\).*\nB: MARAZZI GROUP S R L \(it\)", out.out)


def test_am_export_armenian_exporter_sold_to_the_foreign_buyer(tmp_path):
    with customs_loaded(tmp_path, EXPORTS, "am-export", 1) as store:
        counts = store.counts()
        assert counts.nodes["Shipment"] == 1 and counts.nodes["Company"] == 2
        assert counts.relationships["SHIPPED"] == 1 and counts.relationships["SHIPPED_TO"] == 1
        assert counts.relationships["DECLARED"] == 0
        [row] = store._execute(LINE)
        # the row read by hand (line 2, no record id): IMEX GROUP LLC (ԻՄԷՔՍ ԳՐՈՒՊ ՍՊԸ) -> ISOLA-G LLC,
        # 2025-03-18, HS 69072190090, 180 SQUARE METER, net 4221, INVOICE AMOUNT 860.4 EUR (x INVOICE
        # RATE 535.55 = CUSTOMS VALUE LC 460787), CUSTOMS VALUE USD 963.5434474, origin TURKEY,
        # destination and trade country GEORGIA
        s = row["s"]
        assert row["record"] == "line 2"
        assert (row["seller"], row["seller_role"], row["seller_country"]) == ("IMEX GROUP LLC", "exporter", "am")
        assert row["seller_names"] == ["ԻՄԷՔՍ ԳՐՈՒՊ ՍՊԸ", "IMEX GROUP LLC"]
        assert (row["buyer"], row["buyer_role"], row["buyer_country"]) == ("ISOLA-G LLC", "buyer", "ge")
        assert row["buyer_names"] == ["ISOLA-G LLC", "ISOLA G LLC"]
        assert s["direction"] == "export"
        assert s["declaration_number"] == "05100010/180325/0053820"
        assert str(s["date"]) == "2025-03-18"
        assert (s["hs_code"], s["hs_chapter"]) == ("69072190090", "69")
        assert (s["value"], s["currency"], s["value_usd"]) == (860.4, "EUR", 963.5434474)
        assert (s["quantity"], s["unit"], s["net_weight_kg"]) == (180.0, "SQUARE METER", 4221.0)
        # a re-export: Turkish goods, sent from Armenia to Georgia
        assert (s["origin_country"], s["dispatch_country"], s["destination_country"], s["trading_country"]) == (
            "tr", "am", "ge", "ge")
        assert s["incoterms"] == "FCA YEREVAN"

    out = run_cli("find-links", "IMEX GROUP LLC", "--db", tmp_path / "g", "--kind", "shipment")
    assert out.code == 0, out.err
    assert "A: IMEX GROUP LLC (am)" in out.out and "B: ISOLA-G LLC (ge)" in out.out
    [line] = _sentences(out.out)
    assert line.startswith("[shipment] A -> B, HS 690721, 2025: 1 line in am-customs-export:am_export_declarations_full.csv "
                           "(180 SQUARE METER, USD 963.54, 2025-03-18)"), line
    detail = run_cli("find-links", "--all", "--db", tmp_path / "g", "--kind", "shipment", "--detail").out
    [line] = _sentences(detail)
    assert line == ("[shipment] A -> B declaration 05100010/180325/0053820: 2025-03-18, HS 69072190090, 180 SQUARE METER, "
                    "net 4,221 kg, USD 963.54, value 860.40 EUR, GLAZED CERAMIC FACING TILES, WATER-REPELLENT E 0.5%")


def test_am_columns_are_named_with_their_spaces(tmp_path):
    """A mapping names a column as its header writes it, spaces and all ("BUYER NAME EN"): a
    header that spells it otherwise is refused, naming the column."""
    need_real()
    text = EXPORTS.read_text(encoding="utf-8")
    assert ",BUYER NAME EN," in text.splitlines()[0]
    renamed = tmp_path / "am_export_renamed.csv"
    renamed.write_text(text.replace(",BUYER NAME EN,", ",BUYER_NAME_EN,", 1), encoding="utf-8")
    with EmbeddedStore(tmp_path / "g") as store, pytest.raises(InvalidData) as exc:
        load_files(store, [renamed], "am-export", rejects_dir=tmp_path)
    assert [(p.column, p.message) for p in exc.value.problems] == [
        ("BUYER NAME EN", "column missing from the header (mapping am-export needs it)")]


def test_an_armenian_legal_form_is_read_in_its_own_script_not_as_its_transliteration():
    import csv

    from graphkit.normalize import split_legal_form

    need_real()
    with IMPORTS.open(encoding="utf-8", newline="") as f:
        named = [(row["IMPORTER NAME"], row["IMPORTER NAME EN"]) for row in csv.DictReader(f)
                 if row["IMPORTER NAME"].endswith("ՍՊԸ")]
    assert named
    for armenian, english in named:  # ԲԱՐՍԻՍ ՍՊԸ / BARSIS LLC
        assert split_legal_form(armenian)[0] == split_legal_form(english)[0] == "llc"
    assert split_legal_form("Barilla G. e R. Fratelli S.p.A.")[0] == "spa"  # the Italian form stays one
