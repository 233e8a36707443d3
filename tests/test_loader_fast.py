"""The loader's fast paths give what the plain ones give: nested records flattened key by key
(``PathRow.flatten``) against every path walked in full (``PathRow.walk``), JSON lines read
through orjson against the standard library, on the real samples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cases import LOAD_TIMES, graph_snapshot

from graphkit.errors import InvalidData
from graphkit.load import load_files
from graphkit.load.mapping import load_mapping
from graphkit.load.nested import LIST_SEP, PathRow
from graphkit.load.nestedfiles import json_records, xml_records
from graphkit.load.read import read_json
from graphkit.load.values import _clean_cell
from graphkit.store.embedded import EmbeddedStore


def real_files(real: Path) -> list[tuple[str, list[Path]]]:
    ch, gleif = real / "uk_companies_house", real / "gleif"
    return [("uk-psc", sorted(ch.glob("psc-data-*.json"))),
            ("uk-companies", [ch / "company-data-1.json"]),
            ("gleif-lei", [gleif / "lei-data.xml", gleif / "lei-updates-data2.xml"]),
            ("gleif-rr", [gleif / "rr-data.xml", gleif / "rr-updates-data2.xml", gleif / "repex-data.xml"])]


def part_records(part, files: list[Path]) -> Iterator[tuple[Path, dict]]:
    """Each record of ``files`` that the mapping part reads (JSON lines, or its XML record tag)."""
    for path in files:
        if part.format == "json":
            yield from ((path, obj) for _, obj, _ in json_records(path, iter(path.read_text().splitlines(True))))
        elif part.record and part.patterns and any(path.match(p) for p in part.patterns):
            yield from ((path, rec) for _, rec in xml_records(path, part.record, part.namespaces))


def graph(store: EmbeddedStore) -> dict[str, list[tuple]]:
    """Every stored node and relationship with every property but the load times, lists in the
    order they were stored."""
    return graph_snapshot(store, without=LOAD_TIMES, list_order=True)


def test_flattening_key_by_key_equals_the_full_walk_on_every_real_record(real):
    """The flattening generated per mapping, the path-by-path one and the full walk agree."""
    checked = 0
    for name, files in real_files(real):
        for part in load_mapping(name)._all():
            flat = PathRow(sorted(part.columns()))
            for path, record in part_records(part, files):
                assert flat.flatten(record) == flat.walk(record), (path.name, record)
                assert flat.flatten(record) == flat.flatten_by_path(record), (path.name, record)
                assert flat.cleaned(record) == {k: None if v is None else _clean_cell(v)
                                                for k, v in flat.walk(record).items()}, (path.name, record)
                checked += 1
    assert checked > 80  # 93 records in the samples of 2026-12


def test_the_real_samples_store_the_same_graph_with_the_full_walk(real, tmp_path, monkeypatch):
    graphs = []
    for how in ("fast", "walked"):
        if how == "walked":
            monkeypatch.setattr(PathRow, "flatten", PathRow.walk)
            monkeypatch.setattr(PathRow, "cleaned", lambda flat, record: {
                k: None if v is None else _clean_cell(v) for k, v in flat.walk(record).items()})
        with EmbeddedStore(tmp_path / how) as store:
            for name, files in real_files(real):
                load_files(store, files, name, on_error="skip", rejects_dir=tmp_path / f"rejects-{how}")
            graphs.append(graph(store))
    fast, walked = graphs
    assert sum(len(v) for v in fast.values()) > 100
    assert fast == walked


def test_flattening_takes_lists_dotted_keys_and_odd_scalars_as_the_walk_does():
    flat = PathRow(["a.b", "a.c", "RegAddress.PostTown", "n", "t", "x.y.z", "l.v"])
    records = [
        {"a": {"b": "one", "c": 2.5}, "RegAddress.PostTown": "LONDON", "n": 7, "t": True, "l": [{"v": "p"}, {"v": "q"}]},
        {"a": {"b": "  "}, "RegAddress": {"PostTown": "LEEDS"}, "n": None, "x": {"y": "scalar"}, "l": {"v": "r"}},
        {"a": None, "x": {"y.z": "dotted below"}, "t": {"#text": "text of an element"}},
    ]
    for record in records:
        assert flat.flatten(record) == flat.walk(record)
    assert flat.flatten(records[0])["l.v"] == f"p{LIST_SEP}q"
    assert flat.flatten(records[2])["x.y.z"] == "dotted below"


def test_json_lines_that_orjson_refuses_read_as_before(tmp_path):
    path = tmp_path / "psc-odd.jsonl"
    lines = ['{"company_number": "01234567", "n": NaN, "big": 123456789012345678901234567890}',
             '{"company_number": "\\ud800x"}', '{"company_number": "0123"', '{"data": {"kind": "x"}}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = list(json_records(path, iter(path.read_text().splitlines(True))))
    assert got[0][1]["big"] == 123456789012345678901234567890 and got[0][1]["n"] != got[0][1]["n"]  # NaN
    assert got[1][1] == json.loads(lines[1])
    assert got[2][1] is None and got[2][2].message == "not a complete JSON object (Expecting ',' delimiter at character 27)"
    assert got[3][1] == {"data": {"kind": "x"}}


def test_a_broken_psc_line_still_names_file_and_line_and_leaves_the_store(tmp_path):
    good = json.dumps({"company_number": "01234567", "data": {
        "kind": "individual-person-with-significant-control", "name": "Ann Smith",
        "natures_of_control": ["ownership-of-shares-25-to-50-percent"], "links": {"self": "/x/1"}}})
    path = tmp_path / "psc-broken.txt"
    path.write_text(good + "\n" + good[:-5] + "\n", encoding="utf-8")
    with EmbeddedStore(tmp_path / "db") as store:
        with pytest.raises(InvalidData) as err:
            load_files(store, [path], "uk-psc")
        assert "psc-broken.txt, line 2" in str(err.value) and "not a complete JSON object" in str(err.value)
        assert sum(store.counts().nodes.values()) == 0
        rows = list(read_json(path, load_mapping("uk-psc"), loaded_at="t"))
        assert [r.line for r in rows] == [1, 2] and rows[0].nodes and rows[1].problems


def test_compiled_value_specs_give_what_the_spec_gives_on_every_real_row(real):
    """Every value spec of the nested mappings, compiled, against ``ValueSpec.values`` on the
    flattened and cleaned rows of the real samples (lists, joins, transforms, combinations)."""
    from graphkit.load.records import RecordBuilder
    from graphkit.load.values import _clean_cell, _compile_values

    checked = 0
    for name, files in real_files(real):
        for part in load_mapping(name)._all():
            specs = [v for e in part.entities.values() for v in [*e.identifiers.values(), *e.properties.values()]]
            specs += [v for r in part.relationships for v in r.properties.values()]
            compiled = [(spec, _compile_values(spec)) for spec in specs]
            columns = RecordBuilder(part, "x", "t")._columns
            flat = PathRow(sorted(part.columns()))
            for path, record in part_records(part, files):
                raw = flat.flatten(record)
                row = {c: (None if (v := raw.get(c)) is None else _clean_cell(v)) for c in columns}
                for spec, fn in compiled:
                    assert fn(row) == spec.values(row), (path.name, spec)
                    checked += 1
    assert checked > 1000
