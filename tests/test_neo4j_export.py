"""The CSV export behind ``graphkit neo4j import`` (no server needed): every row of the
embedded graph in neo4j-admin's layout, and the one value it must refuse."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graphkit.errors import StoreError
from graphkit.load import load_files
from graphkit.model import Node, Provenance
from graphkit.server.neo4j_import import ARRAY_DELIMITER, export_csv
from graphkit.store.embedded import EmbeddedStore


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_export_holds_every_node_and_relationship_as_stored(real, tmp_path: Path):
    db = tmp_path / "graph"
    with EmbeddedStore(db) as store:
        load_files(store, [real / "ofac_sdn" / "sdn.csv"], "ofac-sdn", rejects_dir=tmp_path / "rejects")
        counts = store.counts()
        names = {r["id"]: r["name"] for r in store._execute("MATCH (c:Company) RETURN c.id AS id, c.name AS name")}
        records = {r["id"]: r["records"] for r in store._execute("MATCH (c:Company) RETURN c.id AS id, "
                                                                    "c.records AS records")}
        linked = sorted((r["a"], r["b"], r["id"]) for r in store._execute(
            "MATCH (a)-[r:LINKED_TO]->(b) RETURN a.id AS a, b.id AS b, r.id AS id"))
    folder = tmp_path / "it's \\ here"  # a path no statement can name in quotes: the scan goes elsewhere
    export = export_csv(db, folder)

    assert export.nodes == sum(counts.nodes.values()) and export.relationships == sum(counts.relationships.values())
    by_file = {f.path.name: f.rows for f in export.files}
    for label, n in counts.nodes.items():
        assert by_file.get(f"nodes.{label}.csv", 0) == n
    companies = _rows(folder / "nodes.Company.csv")
    assert {r["id:ID(Company)"]: r["name"] for r in companies} == names
    assert {r["id:ID(Company)"]: r["records:string[]"].split(ARRAY_DELIMITER) for r in companies} == records
    exported = sorted((r[f":START_ID({f.start})"], r[f":END_ID({f.end})"], r["id"])
                      for f in export.files if f.name == "LINKED_TO" for r in _rows(f.path))
    assert len(linked) > 1000 and exported == linked
    assert sorted(p.name for p in folder.iterdir()) == sorted(f.path.name for f in export.files)  # no scratch left


def test_a_list_value_holding_the_array_delimiter_is_refused_by_node_id(tmp_path: Path):
    db = tmp_path / "graph"
    src = Provenance("t", "f.csv", "line 2")
    with EmbeddedStore(db) as store, store.transaction():
        store.write([Node("Company", "t:1", {"name": "A", "names": ["A", "B\x1fC"], "datasets": ["t"],
                                             "records": [src.ref]}, src)], [])
    with pytest.raises(StoreError, match="Company 't:1' has a list value holding the control character U\\+001F"):
        export_csv(db, tmp_path / "csv")
