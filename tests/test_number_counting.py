"""The counting pass of a load (graphkit/load/numberids.py) claims per record only what decides a node
id - label, numbers, source key - without building the record; the graph it leads to is the one
the full build of every record in the counting pass leads to, on the real samples."""

from __future__ import annotations

from pathlib import Path

from test_loader_fast import graph, real_files

from graphkit.load import load_files
from graphkit.load.records import RecordBuilder
from graphkit.store.embedded import EmbeddedStore


def loads(real: Path) -> list[tuple[str, list[Path], str | None]]:
    """(mapping, files, dataset) of every real sample whose mapping gives ids from numbers."""
    customs = real / "customs_trade"
    icij = real / "icij_offshoreleaks"
    return [*((name, files, None) for name, files in real_files(real)),
            ("ofac-sdn", [real / "ofac_sdn" / "sdn.csv"], None),
            ("icij", [icij / "nodes-intermediaries.csv", icij / "Addresses_small.csv"], None),
            ("ru-import", [customs / "ru_import_declarations_full.csv"], None),
            ("kz-export", [customs / "kz_export_declarations_full.csv"], None),
            ("ftm", sorted(p for p in (real / "ftm_opensanctions").glob("*.json") if ".delta." not in p.name),
             "opensanctions")]


def test_the_lean_count_stores_the_graph_the_full_build_stores_on_the_real_samples(real, tmp_path, monkeypatch):
    graphs, ambiguous = [], []
    for how in ("lean", "built"):
        monkeypatch.setattr(RecordBuilder, "lean_counting", how == "lean")
        found: dict[str, int] = {}
        with EmbeddedStore(tmp_path / how) as store:
            for name, files, dataset in loads(real):
                report = load_files(store, files, name, on_error="skip", dataset=dataset,
                                    rejects_dir=tmp_path / f"rejects-{how}")
                found[name] = report.ambiguous_numbers
            graphs.append(graph(store))
        ambiguous.append(found)
    lean, built = graphs
    assert ambiguous[0] == ambiguous[1]
    assert ambiguous[0]["ofac-sdn"] == 8  # VEB's INN on BANK BELVEB OJSC, and seven more
    assert sum(len(v) for v in lean.values()) > 1000
    assert lean == built


def test_a_number_two_people_of_a_psc_file_carry_is_found_by_the_lean_count(tmp_path):
    """Two corporate PSCs registered under one number, and a company named on two lines (one
    record, not an ambiguity): only the PSC number is no node id."""
    lines = [
        '{"company_number":"01234567","data":{"kind":"corporate-entity-person-with-significant-control",'
        '"name":"ALPHA HOLDINGS LIMITED","identification":{"registration_number":"07654321",'
        '"country_registered":"England","place_registered":"Companies House"},"natures_of_control":["ownership-of-shares-75-to-100-percent"],'
        '"links":{"self":"/company/01234567/persons-with-significant-control/corporate-entity/a1"}}}',
        '{"company_number":"01234567","data":{"kind":"corporate-entity-person-with-significant-control",'
        '"name":"BETA TRADING LTD","identification":{"registration_number":"07654321",'
        '"country_registered":"England","place_registered":"Companies House"},"natures_of_control":["voting-rights-25-to-50-percent"],'
        '"links":{"self":"/company/01234567/persons-with-significant-control/corporate-entity/b2"}}}',
    ]
    path = tmp_path / "psc-snapshot.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with EmbeddedStore(tmp_path / "g") as store:
        report = load_files(store, [path], "uk-psc")
        rows = store._execute("MATCH (c:Company) RETURN c.id AS id, c.name AS name, c.registry_ids AS reg "
                             "ORDER BY c.name")
    assert report.ambiguous_numbers == 1
    by_name = {r["name"]: r for r in rows}
    assert by_name["ALPHA HOLDINGS LIMITED"]["id"] != by_name["BETA TRADING LTD"]["id"]
    for name in ("ALPHA HOLDINGS LIMITED", "BETA TRADING LTD"):  # both keep the number, neither is it
        assert by_name[name]["id"].startswith("uk-psc:company:")
        assert "gb-coh:07654321" in by_name[name]["reg"]
    assert [r["id"] for r in rows if r["id"].startswith("gb-coh:")] == ["gb-coh:01234567"]
