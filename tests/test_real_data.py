"""The real public samples in ../shared/data/real load, read in place, with their counts."""

from __future__ import annotations

import json

import pytest

from graphkit.link.links import screen
from graphkit.load import load_files

CUSTOMS = "customs_trade"


@pytest.mark.parametrize("file, mapping, rows, shipments, sellers", [
    ("kz_export_declarations_full.csv", "kz-export", 2, 2, 2),
    ("kz_import_declarations_full.csv", "kz-import", 2, 2, 1),  # one line names no supplier (NULL)
    ("ru_import_declarations_full.csv", "ru-import", 2, 2, 2),
    ("kz_import_monthly_agg.csv", "kz-import-agg", 1000, 1000, 1000),
    ("ru_import_monthly_agg.csv", "ru-import-agg", 1000, 1000, 1000),
    ("ru_export_monthly_agg.csv", "ru-export-agg", 1000, 1000, 1000),
])
def test_customs_samples_load(store, real, file, mapping, rows, shipments, sellers):
    report = load_files(store, [real / CUSTOMS / file], mapping)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (rows, rows, 0)
    counts = store.counts()
    assert counts.nodes["Shipment"] == shipments
    assert counts.relationships["SHIPPED"] == sellers
    assert counts.relationships["SHIPPED_TO"] == shipments
    again = load_files(store, [real / CUSTOMS / file], mapping)
    assert again.written.nodes_created == 0 and store.counts().nodes == counts.nodes


def test_kz_export_keeps_hs_codes_as_strings_and_both_scripts(store, real):
    load_files(store, [real / CUSTOMS / "kz_export_declarations_full.csv"], "kz-export")
    rows = store._execute("MATCH (c:Company)-[:SHIPPED]->(s:Shipment) RETURN c.id AS id, c.names AS names, "
                         "c.legal_form AS form, s.hs_code AS hs, s.hs6 AS hs6, s.hs_chapter AS ch, "
                         "s.destination_country AS dest ORDER BY s.id")
    first = rows[0]
    assert first["id"] == "kz-bin:221240025169"
    assert first["names"] == ["TOO WAN SHENG CERAMIC ВАН ШЭН КЕРАМИК", "LLP WAN SHENG CERAMIC VAN SHEN КERAMIК"]
    assert first["form"] == "llp"
    assert (first["hs"], first["hs6"], first["ch"], first["dest"]) == ("6907219009", "690721", "69", "uz")


def test_glued_inn_and_kpp_become_identifiers(store, real):
    load_files(store, [real / CUSTOMS / "ru_import_monthly_agg.csv"], "ru-import-agg")
    rows = store._execute("MATCH (c:Company) WHERE c.id = 'ru-inn:7722476458' RETURN c.name AS name, c.kpp AS kpp")
    assert rows == [{"name": "OOO YATASH RUS", "kpp": "772201001"}]


def test_monthly_aggregates_are_flagged_and_dated_by_month(store, real):
    load_files(store, [real / CUSTOMS / "kz_import_monthly_agg.csv"], "kz-import-agg")
    rows = store._execute("MATCH (s:Shipment) WHERE s.aggregated RETURN count(s) AS n, min(s.date) AS first")
    assert rows[0]["n"] == 1000
    assert rows[0]["first"].day == 1


def test_opensanctions_ftm_samples_load(store, real, tmp_path):
    files = sorted((real / "ftm_opensanctions").glob("*.ftm.json"))
    report = load_files(store, files, "ftm", dataset="opensanctions", rejects_dir=tmp_path)
    # the delta files after the full state (loading them together is refused, test_deltas.py)
    deltas = load_files(store, sorted((real / "ftm_opensanctions").glob("*.delta.json")), "ftm",
                        dataset="opensanctions", rejects_dir=tmp_path)
    assert [f.operations["ADD"] for f in deltas.files] == [2, 1, 1] and deltas.rows_rejected == 0
    assert report.rows_rejected == 0
    reasons = {k: v for f in report.files for k, v in f.skipped_reasons.items()}
    assert "schema Payment is not in the graph model" not in reasons  # payments are facts now
    assert reasons["schema Passport is not in the graph model"] == 1  # counted and written out
    skipped = (tmp_path / "yente_zala_entities.ftm.json.rejects.jsonl").read_text(encoding="utf-8")
    assert skipped.count('"skipped: schema Passport is not in the graph model"') == 1
    assert report.rows_read == report.rows_loaded + report.rows_skipped
    counts = store.counts()
    assert counts.nodes["Sanction"] == 41 and counts.relationships["SANCTIONED"] == 41
    assert counts.relationships["OFFICER_OF"] == 3
    # one donation names two beneficiaries for one amount: skipped (which got what is not given)
    assert reasons["Payment names 1 payer and 2 beneficiaries: the record does not pair them, so which payer goes "
                   "with which beneficiary is not known"] == 1
    assert counts.relationships["PAID"] == 289 and counts.relationships["FAMILY"] == 4
    assert counts.by_dataset["opensanctions"]["Person"] == counts.nodes["Person"]
    sanctioned = store._execute("MATCH (p:Person) WHERE p.sanctioned RETURN count(p) AS n")[0]["n"]
    assert sanctioned > 0


def test_kek_media_ownership_loads_and_screens(store, real, tmp_path):
    report = load_files(store, [real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"], "ftm",
                        dataset="kek", rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5607, 5605, 0)
    # two Ownership records each name two owners and two assets (cross-holdings: Constantin
    # Medien and Highlight Communications, News America and News Publishing Australia) with two
    # shares, as unordered sets: which firm holds which share is not given, so neither is loaded
    assert report.files[0].skipped_reasons == {
        "Ownership names 2 owners and 2 assets: the record does not pair them, so which owner goes "
        "with which asset is not known": 2}
    counts = store.counts()
    assert counts.nodes["Company"] == 2705
    assert counts.relationships["OWNS"] == 2900
    shares = store._execute("MATCH (a:Company)-[r:OWNS]->(b:Company) WHERE a.name STARTS WITH 'Constantin Medien' "
                            "AND b.name STARTS WITH 'Highlight Communications' RETURN r.share AS share")
    assert shares == []  # before: "Constantin Medien owns 47.3 % of Highlight", by the lists' order alone
    written = (tmp_path / "kek_company_ownership.ftm.jsonl.rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["line"] for x in written] == [939, 3431]  # each skipped record, written out
    links = screen(store, kinds=["common_owner"])
    assert links, "media groups share owners in the KEK data"
    for link in links[:20]:
        for ev in link.evidence:
            assert ev.kind == "common_owner"
            assert all(s["dataset"] == "kek" and s["record"] for s in ev.sources)
