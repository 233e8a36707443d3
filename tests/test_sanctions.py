"""The OFAC SDN list in its published format: a headerless CSV whose mapping names its columns,
Remarks parsed into aliases, birth dates, nationalities and registration numbers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from graphkit.errors import InvalidData, MappingError
from graphkit.load import load_files
from graphkit.load.mapping import parse_mapping
from graphkit.load.sanctions import parse_remarks

SDN_ROW = ('{n},"{name}",{kind},"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{remarks}"\r\n')


def write_sdn(path: Path, rows: list[dict[str, str]], *, eof: bool = True) -> Path:
    text = "".join(SDN_ROW.format(**r) for r in rows)
    path.write_bytes(text.encode() + (b"\x1a" if eof else b""))
    return path


def test_the_real_sdn_list_loads_with_every_row_accounted_for(real, store, tmp_path):
    sdn = real / "ofac_sdn" / "sdn.csv"
    lines = sdn.read_bytes().count(b"\r\n")
    report = load_files(store, [sdn], "ofac-sdn", rejects_dir=tmp_path)
    assert report.rows_read == lines == report.rows_loaded  # vessels and aircraft too, as assets
    assert report.rows_rejected == report.rows_skipped == 0
    assert not (tmp_path / "sdn.csv.rejects.csv").exists()
    counts = store.counts()
    assert counts.relationships["SANCTIONED"] == report.rows_loaded == counts.nodes["Sanction"]
    assert counts.nodes["Asset"] == 1227  # 851 vessels and 376 aircraft
    # Bank Rossiya: INN and OGRN from Remarks become its id and registry ids; raw text kept
    bank = store._execute("MATCH (c:Company)-[:SANCTIONED]->(s:Sanction) WHERE c.id = 'ru-inn:7831000122' "
                         "RETURN c.name AS name, c.registry_ids AS ids, c.sanctioned AS sanctioned, "
                         "s.program AS program, s.list AS list, s.remarks AS remarks")
    assert bank and bank[0]["sanctioned"] is True and bank[0]["list"] == "SDN"
    assert "ru-ogrn:1027800000084" in bank[0]["ids"] and "Tax ID No. 7831000122 (Russia)" in bank[0]["remarks"]
    people = store._execute("MATCH (p:Person) RETURN count(p) AS n, count(p.birth_date) AS dob")[0]
    assert people["n"] > 6000 and 0 < people["dob"] < people["n"]  # years alone and alt. DOBs stay unset


def test_remarks_give_aliases_dates_nationality_and_ids_only_where_the_text_is_clear():
    r = parse_remarks("DOB 14 Mar 1979; nationality Russia; Tax ID No. 772418503617 (Russia); "
                      "a.k.a. 'SAPOZHNIKOV, Mikhail'; f.k.a. 'OLD NAME'; Gender Male.", person=True)
    assert r["birth_date"] == "1979-03-14" and r["nationality"] == "ru"
    assert r["aliases"] == ["SAPOZHNIKOV, Mikhail"] and r["previous_names"] == ["OLD NAME"]
    assert r["ids"] == {"ru-inn": ["772418503617"]}
    assert parse_remarks("DOB 1946; POB Baghdad, Iraq.", person=True)["birth_date"] is None
    assert parse_remarks("DOB 01 Jan 1960; alt. DOB 01 Jan 1961.", person=True)["birth_date"] is None
    firm = parse_remarks("Registration Number 1147746803049 (Russia); Registration Number 02696754 "
                         "(United Kingdom); Legal Entity Number 253400V1H6ART1UQ0N98; Registration ID "
                         "17317105 (Serbia); Tax ID No. 123456; Business Registration Number "
                         "220440173863 (Kazakhstan).", person=False)
    assert firm["ids"] == {"ru-ogrn": ["1147746803049"], "gb-coh": ["02696754"], "lei": ["253400V1H6ART1UQ0N98"],
                           "reg:rs": ["17317105"], "kz-bin": ["220440173863"]}  # no country: not an id


def test_a_listed_firm_with_a_registry_number_is_the_registry_firm(store, tmp_path):
    reg = tmp_path / "registry.csv"
    reg.write_text("record_id,company_name,jurisdiction,inn\nR1,ООО Небесная механика,ru,7717019625\n",
                   encoding="utf-8")
    load_files(store, [reg], "registry")
    sdn = write_sdn(tmp_path / "sdn.csv", [
        {"n": "1", "name": "OOO NEBESNAYA MEKHANIKA", "kind": "-0- ",
         "remarks": "Tax ID No. 7717019625 (Russia); a.k.a. 'CELESTIAL MECHANICS'."},
        {"n": "2", "name": "IVANOV, Ivan", "kind": "individual", "remarks": "DOB 01 Feb 1970."}])
    report = load_files(store, [sdn], "ofac-sdn")
    assert (report.rows_read, report.rows_loaded) == (2, 2)
    row = store._execute("MATCH (c:Company)-[:SANCTIONED]->(s:Sanction) RETURN c.id AS id, c.names AS names")
    assert row[0]["id"] == "ru-inn:7717019625"
    assert {"ООО Небесная механика", "CELESTIAL MECHANICS"} <= set(row[0]["names"])


def test_a_bad_sdn_row_is_reported_with_file_and_line_and_nothing_loads(store, tmp_path):
    sdn = write_sdn(tmp_path / "sdn.csv", [
        {"n": "1", "name": "GOOD FIRM", "kind": "-0- ", "remarks": "-0- "},
        {"n": "2", "name": "ANOTHER", "kind": "individual", "remarks": "x"}])
    with sdn.open("ab") as fh:  # a truncated row, then the EOF byte again
        fh.write(b'3,"SHORT ROW",-0- \r\n')
    with pytest.raises(InvalidData) as exc:
        load_files(store, [sdn], "ofac-sdn")
    assert str(exc.value.problems[0]).startswith("sdn.csv, line 3")
    assert "3 cells where the mapping names 12 columns" in str(exc.value.problems[0])
    assert store.counts().nodes.get("Company", 0) == 0
    report = load_files(store, [sdn], "ofac-sdn", on_error="skip", rejects_dir=tmp_path / "rej")
    assert (report.rows_loaded, report.rows_rejected) == (2, 1)
    assert "SHORT ROW" in (tmp_path / "rej" / "sdn.csv.rejects.csv").read_text(encoding="utf-8")


def test_a_headerless_mapping_must_name_its_columns(tmp_path):
    base = {"name": "x", "entities": {"c": {"label": "Company", "key": ["a"], "properties": {"name": "a"}}}}
    with pytest.raises(MappingError, match="header: false needs `columns:`"):
        parse_mapping({**base, "header": False}, tmp_path / "x.yml")
    with pytest.raises(MappingError, match="add header: false"):
        parse_mapping({**base, "columns": ["a"]}, tmp_path / "x.yml")
    with pytest.raises(MappingError, match="skip\\[0\\]: give column, reason"):
        parse_mapping({**base, "skip": {"column": "a"}}, tmp_path / "x.yml")
    with pytest.raises(MappingError, match="unknown row parser"):
        parse_mapping({**base, "derive": "nope"}, tmp_path / "x.yml")


def test_a_user_headerless_mapping_loads_by_column_names(store, tmp_path):
    mapping = tmp_path / "firms.yml"
    mapping.write_text("name: firms\nheader: false\ncolumns: [inn, name, country]\nentities:\n"
                       "  c: {label: Company, identifiers: {ru-inn: inn}, key: [name],\n"
                       "      properties: {name: name, country: {column: country, transform: country}}}\n",
                       encoding="utf-8")
    data = tmp_path / "firms.csv"
    data.write_text("7707083893,ПАО Сбербанк,ru\n", encoding="utf-8")
    load_files(store, [data], str(mapping))
    assert store._execute("MATCH (c:Company) RETURN c.id AS id, c.country AS c") == [
        {"id": "ru-inn:7707083893", "c": "ru"}]


def test_a_listed_person_without_an_id_joins_the_registry_person_only_through_a_judgement(store, tmp_path):
    from graphkit.link.exposure import exposure
    from graphkit.resolve import apply_judgement, resolve
    from graphkit.resolve.judgements import Judgement, Judgements

    reg = tmp_path / "registry.csv"
    reg.write_text(
        "record_id,company_name,jurisdiction,inn,holder_kind,holder_name,holder_birth_date,role,share_pct,role_start\n"
        "R1,ООО «Полярный Ключ»,ru,7816385044,person,Вершинин Олег Павлович,1971-01-12,shareholder,60,2019-03-11\n"
        "R2,ООО «Тихий Берег»,ru,7842159073,person,Вершинин Олег Павлович,1980-05-05,shareholder,60,2019-03-11\n",
        encoding="utf-8")
    load_files(store, [reg], "registry")
    sdn = write_sdn(tmp_path / "sdn.csv", [{"n": "7", "name": "VERSHININ, Oleg Pavlovich", "kind": "individual",
                                            "remarks": "DOB 12 Jan 1971; nationality Russia."}])
    load_files(store, [sdn], "ofac-sdn")
    before = exposure(store, "7816385044", as_of=dt.date(2023, 1, 1))[0]
    assert before["blocked_by_ownership"] is False  # not joined yet: nothing is guessed
    judgements = Judgements.load(tmp_path / "j.jsonl")
    resolve(store, judgements)
    # name and birth date agree, but joining would make an unlisted person listed and no registry
    # number confirms it: a person decides (issue 14, the consequence gate), and until then nothing is blocked
    same = store._execute("MATCH (a:Person)-[r:SAME_AS]->(b:Person) RETURN a.id AS a, b.id AS b, "
                         "r.judgement AS j, r.explanation AS why")
    assert same and same[0]["j"] == "pending" and "sanctions status" in same[0]["why"]
    assert exposure(store, "7816385044", as_of=dt.date(2023, 1, 1))[0]["blocked_by_ownership"] is False
    judgements.record(same[0]["a"], same[0]["b"], Judgement.POSITIVE, note="same birth date, checked")
    apply_judgement(store, judgements, same[0]["a"], same[0]["b"])
    after = exposure(store, "7816385044", as_of=dt.date(2023, 1, 1))[0]
    assert after["blocked_by_ownership"] is True and after["aggregate_share"] == 60.0
    # the namesake born in 1980 is another person: his firm stays clear
    assert exposure(store, "7842159073", as_of=dt.date(2023, 1, 1))[0]["blocked_by_ownership"] is False


def test_graphkit_load_reads_the_published_sdn_file(cli, real, tmp_path):
    r = cli("load", real / "ofac_sdn" / "sdn.csv", "--mapping", "ofac-sdn", "--db", tmp_path / "g",
            "--rejects-dir", tmp_path / "rej")
    assert r.code == 0, r.err
    read, loaded, rejected, skipped = (int(x.replace(",", "")) for x in re.findall(
        r"([\d,]+) read, ([\d,]+) loaded, ([\d,]+) rejected, ([\d,]+) skipped", r.out)[0])
    assert read == loaded and rejected == skipped == 0


def test_a_graph_built_before_sanctions_had_list_and_remarks_is_refused_with_a_reason(tmp_path):
    from graphkit.errors import StoreError
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "old") as s:
        s.conn.execute("ALTER TABLE Sanction DROP remarks")
    with pytest.raises(StoreError, match="built by an older graphkit: Sanction lacks remarks; load the data "
                                         "again into a new --db"), EmbeddedStore(tmp_path / "old") as s:
        s.counts()


def test_a_national_id_is_a_national_id_not_a_registry_number(real, store, tmp_path):
    """OFAC's "National ID No. 114671230001 (United Kingdom)" (AL-AKHRAS, Firas, ent_num 30746)
    was printed as the UK registry number reg:gb:114671230001; it is a national id."""
    lines = (real / "ofac_sdn" / "sdn.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    rows = [ln for ln in lines if ln.startswith(("30746,", "30747,"))]
    assert len(rows) == 2
    (tmp_path / "sdn.csv").write_text("".join(rows), encoding="utf-8")
    load_files(store, [tmp_path / "sdn.csv"], "ofac-sdn")
    got = store._execute("MATCH (p:Person) RETURN p.name AS name, p.registry_ids AS ids ORDER BY name")
    assert [(r["name"], r["ids"]) for r in got] == [("AL-AKHRAS, Eyad", ["nid:gb:116544570001"]),
                                                    ("AL-AKHRAS, Firas", ["nid:gb:114671230001"])]
    from graphkit.identifiers import describe

    assert describe("nid:gb:114671230001") == ("national id (GB)", "114671230001")
    # the wordings OFAC uses for each kind of number, qualified from the model's schemes
    firm = parse_remarks("Tax ID No. 113974567 (Switzerland); Registration Number 102770013219512 (Russia); "
                         "National ID No. 10340455609 (Iran); Tax ID No. 220440173863 (Kazakhstan).", person=False)
    assert firm["ids"] == {"tax:ch": ["113974567"], "ru-ogrn": ["102770013219512"], "nid:ir": ["10340455609"],
                           "kz-bin": ["220440173863"]}  # an OGRNIP has 15 digits: the model says so
    person = parse_remarks("National ID No. 850101300123 (Kazakhstan).", person=True)
    assert person["ids"] == {"kz-iin": ["850101300123"]}
