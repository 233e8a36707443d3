"""A registry number is a node's identity only where it is unambiguous within its source: two
records of one load carrying the same number stay two nodes, both carrying the number."""

from __future__ import annotations

from graphkit.load import load_files

VEB = "STATE CORPORATION BANK FOR DEVELOPMENT AND FOREIGN ECONOMIC AFFAIRS VNESHECONOMBANK"


def _holders(store, identifier: str) -> dict[str, str]:
    rows = store._execute("MATCH (c:Company) WHERE $identifier IN c.registry_ids "
                          "RETURN c.id AS id, c.name AS name", {"identifier": identifier})
    return {r["name"]: r["id"] for r in rows}


def test_ofac_gives_vebs_inn_to_belveb_too_and_both_stay_apart(cli, real, tmp_path):
    db = tmp_path / "g"
    r = cli("load", real / "ofac_sdn" / "sdn.csv", "--mapping", "ofac-sdn", "--db", db,
            "--rejects-dir", tmp_path / "rej")
    assert r.code == 0, r.err
    assert "8 registry number(s) given to several records of this load" in r.out
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(db) as store:
        holders = _holders(store, "ru-inn:7750004150")
        # two nodes, neither named by the number; a number OFAC gives once is still the id
        assert set(holders) == {VEB, "BANK BELVEB OJSC"}
        assert not any(i.startswith("ru-inn:") for i in holders.values())
        assert holders[VEB] != holders["BANK BELVEB OJSC"]
        assert store._execute("MATCH (c:Company {id: 'ru-inn:7831000122'}) RETURN c.name AS n")
    asked = cli("find-links", "7750004150", "--db", db)  # the number names two: both are listed
    assert "matches 2 entities" in asked.err
    assert "VNESHECONOMBANK" in asked.err and "BANK BELVEB OJSC" in asked.err
    found = cli("find-links", "7750004150", "--all-matches", "--db", db)
    assert found.code == 0, found.err
    assert "VNESHECONOMBANK" in found.out and "BELVEB" in found.out
    exposure = cli("exposure", "BANK BELVEB", "--db", db)
    assert exposure.code == 0, exposure.err
    assert "BELVEB" in exposure.out and "VNESHECONOMBANK" not in exposure.out


def test_a_number_a_registry_gives_two_rows_is_no_identity_a_unique_one_is(store, tmp_path):
    reg = tmp_path / "registry.csv"
    reg.write_text("record_id,company_name,jurisdiction,inn\n"
                   "R1,ООО Альфа,ru,7700000011\n"
                   "R2,ООО Бета,ru,7700000011\n"
                   "R3,ООО Гамма,ru,7717019625\n"
                   "R3,ООО Гамма,ru,7717019625\n",  # the same record twice is no ambiguity
                   encoding="utf-8")
    report = load_files(store, [reg], "registry", rejects_dir=tmp_path)
    assert report.rows_loaded == 4 and report.ambiguous_numbers == 1
    shared = _holders(store, "ru-inn:7700000011")
    assert set(shared) == {"ООО Альфа", "ООО Бета"}
    assert all(i.startswith("registry:company:") for i in shared.values())
    assert _holders(store, "ru-inn:7717019625") == {"ООО Гамма": "ru-inn:7717019625"}
    assert store.counts().nodes["Company"] == 3


def test_a_holder_named_by_a_firms_number_is_that_firm(store, tmp_path):
    reg = tmp_path / "registry.csv"
    reg.write_text("record_id,company_name,jurisdiction,inn,holder_kind,holder_name,holder_inn,role\n"
                   "R1,ООО Альфа,ru,7700000011,company,ООО Гамма,7717019625,owner\n"
                   "R2,ООО Гамма,ru,7717019625,,,,\n", encoding="utf-8")
    load_files(store, [reg], "registry", rejects_dir=tmp_path)
    assert _holders(store, "ru-inn:7717019625") == {"ООО Гамма": "ru-inn:7717019625"}
