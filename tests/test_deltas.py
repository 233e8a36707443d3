"""FtM deltas as yente applies them (graphkit/load/deltas.py), on the shared t2 delta files and the
zala sample: after the deltas, the graph is the one loading the final state gives, on both
stores; a dataset's withdrawn statements go, other datasets' stay."""

from __future__ import annotations

import json
from pathlib import Path

from graphkit.load import load_files
from graphkit.model import get_model, node_claims
from graphkit.store.embedded import EmbeddedStore

T2 = "ftm_opensanctions/yente_t2_*_entities.delta.json"
ZALA = "ftm_opensanctions/yente_zala_entities.ftm.json"
LOADED = ("first_loaded", "last_loaded")


def versions(real: Path) -> list[Path]:
    """The t2 delta files in version order (their names begin with the version's timestamp)."""
    files = sorted(real.glob(T2))
    assert len(files) == 3
    return files


def lines(path: Path) -> list[dict]:
    return [json.loads(t) for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]


def final_state(*deltas: list[dict], start: list[dict] | None = None) -> list[dict]:
    """The entities after the delta lines, as yente folds them: ADD and MOD set, DEL removes."""
    state = {e["id"]: e for e in start or []}
    for delta in deltas:
        for line in delta:
            if line["op"] == "DEL":
                state.pop(line["entity"]["id"], None)
            else:
                state[line["entity"]["id"]] = line["entity"]
    return list(state.values())


def write_lines(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _record(ref: str) -> str:
    dataset, _file, record = ref.split("|", 2)
    return f"{dataset}|{record}"  # the file a fact came in differs between a delta and the full state


def snapshot(store) -> dict:
    """Every node and relationship with its properties, comparable across loads (times and the
    file names inside provenance left out)."""
    model = get_model()
    out: dict = {}
    for label in model.nodes:
        cols = [c for c in model.node_columns(label) if c not in LOADED]
        rows = store._execute(f"MATCH (n:{label}) RETURN " + ", ".join(f"n.{c} AS {c}" for c in cols))
        for row in rows:
            if row.get("claims"):
                row["claims"] = {ds: {k: (sorted(map(_record, v)) if k == "records" else v)
                                      for k, v in props.items() if k not in LOADED}
                                 for ds, props in node_claims(label, row).items()}
            row["records"] = sorted(map(_record, row["records"] or []))
            out[(label, row["id"])] = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    for type_ in model.relationships:
        cols = [c for c in model.rel_columns(type_) if c not in ("source_file", "loaded_at")]
        rows = store._execute(f"MATCH (a)-[r:{type_}]->(b) RETURN a.id AS a, b.id AS b, "
                             + ", ".join(f"r.{c} AS {c}" for c in cols))
        for row in rows:
            out[(type_, row["id"])] = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return out


def reference(tmp_path: Path, loads: list[tuple[Path, str]]) -> dict:
    with EmbeddedStore(tmp_path / "reference") as ref:
        for path, dataset in loads:
            load_files(ref, [path], "ftm", dataset=dataset, rejects_dir=tmp_path / "ref-rejects")
        return snapshot(ref)


def node(store, label: str, node_id: str) -> dict | None:
    return store.fetch_nodes(label, [node_id]).get(node_id)


def test_t2_deltas_in_version_order_give_the_final_state(any_store, real, tmp_path):
    files = versions(real)
    for path in files:
        load_files(any_store, [path], "ftm", dataset="t2")
    final = write_lines(tmp_path / "t2_final.ftm.json", final_state(*(lines(p) for p in files)))
    assert snapshot(any_store) == reference(tmp_path, [(final, "t2")])
    # the MOD renamed the entity: the names only the earlier version gave are gone
    for line in lines(files[1]):
        if line["op"] == "MOD":
            entity = line["entity"]
            before = next(x["entity"] for x in lines(files[0]) if x["entity"]["id"] == entity["id"])
            gone = set(before["properties"]["name"]) - set(entity["properties"]["name"])
            stored = node(any_store, "Company", f"ftm:{entity['id']}")
            assert stored is not None and gone
            assert not gone & set(stored["names"])
            assert set(entity["properties"]["name"]) <= set(stored["names"])


def test_three_versions_in_one_load_give_the_same_graph(store, real, tmp_path, cli):
    files = versions(real)
    r = cli("load", *files, "--mapping", "ftm", "--dataset", "t2", "--db", tmp_path / "one")
    assert r.code == 0, r.err
    assert "delta: ADD 2, MOD 0, DEL 0" in r.out and "delta: ADD 1, MOD 1, DEL 0" in r.out
    for path in files:
        load_files(store, [path], "ftm", dataset="t2")
    with EmbeddedStore(tmp_path / "one") as one:
        assert snapshot(one) == snapshot(store)


def test_del_removes_an_entity_no_other_dataset_gives(any_store, real, tmp_path):
    files = versions(real)
    for path in files:
        load_files(any_store, [path], "ftm", dataset="t2")
    person = next(x["entity"] for x in lines(files[0]) if x["entity"]["schema"] == "Person")
    delete = write_lines(tmp_path / "t2_del.delta.json", [{"op": "DEL", "entity": {"id": person["id"]}}])
    report = load_files(any_store, [delete], "ftm", dataset="t2")
    assert report.files[0].operations["DEL"] == 1 and report.files[0].operations["nodes removed"] == 1
    assert node(any_store, "Person", f"ftm:{person['id']}") is None
    final = write_lines(tmp_path / "t2_final.ftm.json",
                        final_state(*(lines(p) for p in files), lines(delete)))
    assert snapshot(any_store) == reference(tmp_path, [(final, "t2")])


def _zala_firm_with_owners(entities: list[dict]) -> dict:
    """A zala firm that Ownership records name, the first in the file."""
    owned = {v for e in entities if e["schema"] == "Ownership" for v in e["properties"].get("asset", [])}
    return next(e for e in entities if e["id"] in owned and e["schema"] in ("Company", "Organization"))


def test_del_and_mod_keep_what_another_dataset_said(any_store, real, tmp_path):
    """zala's records loaded under two datasets: withdrawing a firm from one (DEL) and renaming
    a person in it (MOD) leaves the other dataset's properties and relationships."""
    zala = real / ZALA
    entities = lines(zala)
    load_files(any_store, [zala], "ftm", dataset="mirror", rejects_dir=tmp_path)
    load_files(any_store, [zala], "ftm", dataset="zala", rejects_dir=tmp_path)
    firm = _zala_firm_with_owners(entities)
    person = next(e for e in entities if e["schema"] == "Person")
    renamed = {**person, "properties": {**person["properties"], "name": ["Renamed By The Delta"]}}
    renamed["properties"].pop("alias", None)
    delta = [{"op": "DEL", "entity": {"id": firm["id"]}}, {"op": "MOD", "entity": renamed}]
    path = write_lines(tmp_path / "zala_next.delta.json", delta)
    load_files(any_store, [path], "ftm", dataset="zala")

    final = write_lines(tmp_path / "zala_final.ftm.json", final_state(delta, start=entities))
    assert snapshot(any_store) == reference(tmp_path, [(zala, "mirror"), (final, "zala")])

    firm_id = next(nid for nid in _ids_of(any_store, firm["id"]))
    kept = node(any_store, "Company", firm_id)
    assert kept is not None and kept["datasets"] == ["mirror"] and not kept.get("claims")
    by = any_store._execute("MATCH (n:Company {id: $id})-[r]-() RETURN DISTINCT r.dataset AS d", {"id": firm_id})
    assert [r["d"] for r in by] == ["mirror"]
    pid = next(nid for nid in _ids_of(any_store, person["id"]))
    p = node(any_store, "Person", pid)
    assert p is not None and "Renamed By The Delta" in p["names"]
    assert set(person["properties"]["name"]) <= set(p["names"])  # the mirror's names stay
    claims = node_claims("Person", p)
    assert list(claims) == ["mirror", "zala"] and claims["zala"]["names"] == ["Renamed By The Delta"]


def _ids_of(store, entity_id: str) -> list[str]:
    from graphkit.load.deltas import nodes_of_records

    return [nid for label, nid in nodes_of_records(store, "mirror", [entity_id]).get(entity_id, [])
            if label in ("Company", "Person")]


def test_a_bad_delta_line_leaves_the_store_unchanged(real, tmp_path, cli):
    db = tmp_path / "db"
    files = versions(real)
    assert cli("load", files[0], "--mapping", "ftm", "--dataset", "t2", "--db", db).code == 0
    with EmbeddedStore(db) as s:
        before = snapshot(s)
    bad = write_lines(tmp_path / "bad.delta.json", [{"op": "DEL", "entity": {"id": lines(files[0])[0]["entity"]["id"]}},
                                                    {"op": "UPSERT", "entity": {"id": "x", "schema": "Person"}}])
    r = cli("load", bad, "--mapping", "ftm", "--dataset", "t2", "--db", db)
    assert r.code != 0
    assert "bad.delta.json" in r.err and "line 2" in r.err and "unknown delta operation 'UPSERT'" in r.err
    with EmbeddedStore(db) as s:
        assert snapshot(s) == before


def test_delta_and_full_files_are_not_mixed(real, tmp_path, cli):
    r = cli("load", versions(real)[0], real / ZALA, "--mapping", "ftm", "--db", tmp_path / "db")
    assert r.code != 0 and "yente_zala_entities.ftm.json" in r.err and "delta files" in r.err


def test_claims_are_kept_only_where_datasets_meet(store, real):
    """One dataset's nodes carry no claims (no cost for the common case)."""
    for path in versions(real):
        load_files(store, [path], "ftm", dataset="t2")
    rows = store._execute("MATCH (n:Company) WHERE n.claims IS NOT NULL RETURN count(n) AS n")
    assert rows[0]["n"] == 0


def test_one_file_with_every_version_and_a_readd_gives_the_final_state(any_store, real, tmp_path):
    """The same entity twice in one file (ADD then MOD; DEL then ADD again): each line applies
    in order, as separate versions would."""
    delta = [line for path in versions(real) for line in lines(path)]
    person = next(x["entity"] for x in delta if x["entity"]["schema"] == "Person")
    delta += [{"op": "DEL", "entity": {"id": person["id"]}}, {"op": "ADD", "entity": person}]
    path = write_lines(tmp_path / "t2_all.delta.json", delta)
    report = load_files(any_store, [path], "ftm", dataset="t2")
    assert dict(report.files[0].operations) == {"ADD": 5, "MOD": 1, "DEL": 1, "nodes removed": 1,
                                                "relationships removed": 0}
    final = write_lines(tmp_path / "t2_final.ftm.json", final_state(delta))
    assert snapshot(any_store) == reference(tmp_path, [(final, "t2")])


def test_a_graph_built_before_claims_gains_the_column_and_keeps_its_data(real, tmp_path):
    zala = real / ZALA
    with EmbeddedStore(tmp_path / "old") as s:
        load_files(s, [zala], "ftm", dataset="zala", rejects_dir=tmp_path)
        for label in get_model().nodes:  # as graphkit wrote it before nodes kept claims
            s._execute(f"ALTER TABLE {label} DROP claims")
        before = s.counts()
    with EmbeddedStore(tmp_path / "old") as s:
        assert s.counts().nodes == before.nodes
        load_files(s, [zala], "ftm", dataset="mirror", rejects_dir=tmp_path)
        rows = s._execute("MATCH (n:Company) RETURN count(n) AS n, count(n.claims) AS claims")
        assert rows == [{"n": before.nodes["Company"], "claims": before.nodes["Company"]}]
