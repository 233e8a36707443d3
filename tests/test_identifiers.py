"""Registry numbers from every source reach their scheme, show in every output, find the firm,
and decide resolution: two numbers of one scheme are two entities, on every path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cases import ftm_entity as entity

from graphkit import identifiers as idents


@pytest.mark.parametrize(("prop", "value", "country", "label", "expected"), [
    ("registrationNumber", "220440173863", "kz", "Company", "kz-bin:220440173863"),
    ("registrationNumber", "870412300123", "kz", "Person", "kz-iin:870412300123"),
    ("taxNumber", "7717019625", "ru", "Company", "ru-inn:7717019625"),
    ("registrationNumber", "1167746812155", "ru", "Company", "ru-ogrn:1167746812155"),
    ("innCode", "7717 019 625", None, "Company", "ru-inn:7717019625"),
    ("registrationNumber", "32855962", "ua", "Company", "ua-edrpou:32855962"),
    ("registrationNumber", "1234567", "gb", "Company", "gb-coh:01234567"),
    ("registrationNumber", "HRB 86786", "de", "Company", "reg:de:HRB 86786"),
    ("vatCode", "DE129273398", "de", "Company", "vat:de:DE129273398"),
    ("leiCode", "529900t8bm49aursdo55", None, "Company", "lei:529900T8BM49AURSDO55"),
    ("registrationNumber", "12345", None, "Company", None),  # a number of no known register decides nothing
])
def test_numbers_reach_their_scheme(prop, value, country, label, expected):
    assert idents.qualify(prop, value, country=country, label=label) == expected


def test_generic_schemes_are_per_country():
    assert idents.by_scheme(["reg:de:HRB 1", "reg:at:FN 1", "ru-inn:7717019625"]) == {
        "reg:de": {"HRB 1"}, "reg:at": {"FN 1"}, "ru-inn": {"7717019625"}}
    assert idents.conflicts(["reg:de:HRB 1"], ["reg:at:FN 2"]) == []
    assert idents.conflicts(["reg:de:HRB 1"], ["reg:de:HRB 2"]) == [("reg:de", "HRB 1", "HRB 2")]


KZ_FIRMS = [  # two Kazakh firms whose names use the same words, each with its own BIN
    entity("kz-1", "Company", name="ТОО «Сокол Меридиан»", jurisdiction="kz", registrationNumber="190540012345"),
    entity("kz-2", "Company", name="TOO Sokol Meridian", jurisdiction="kz", registrationNumber="200640067891"),
    entity("ru-1", "Company", name="ООО «Сокол меридиан»", country="ru", innCode="7701234561",
           ogrnCode="1027700132195"),
    entity("ru-2", "Company", name="ООО «Меридиан сокол»", country="ru", innCode="7712345678"),
]


def _loaded(cli, tmp_path: Path) -> Path:
    """A graph of KZ_FIRMS, loaded as a user would."""
    src = tmp_path / "firms.ftm.json"
    src.write_text("\n".join(KZ_FIRMS) + "\n", encoding="utf-8")
    db = tmp_path / "g"
    assert cli("load", src, "--mapping", "ftm", "--dataset", "reg", "--db", db).code == 0
    return db


def test_ftm_registration_numbers_decide_and_are_shown(cli, tmp_path: Path):
    db = _loaded(cli, tmp_path)
    r = cli("resolve", "--db", db, "--judgements", tmp_path / "j.jsonl")
    assert r.code == 0 and "0 resolved automatically" in r.out, r.out
    r = cli("clusters", "--db", db, "--format", "json")
    assert r.code == 0 and r.out == "", (r.out, r.err)
    # the BIN is the node's id and finds its firm; the OGRN (not the id) finds its firm too
    r = cli("find-links", "190540012345", "--db", db, "--format", "json")
    assert r.code == 0 and r.out == "" and r.err == ""  # no links, but no error either
    r = cli("find-links", "190540012345", "--db", db)
    assert r.code == 0 and "kz-bin:190540012345" in r.out and "No links found" in r.out
    r = cli("find-links", "1027700132195", "--db", db)
    assert r.code == 0 and "No links found" in r.out
    r = cli("find-links", "999999999999", "--db", db)
    assert r.code != 0 and "nothing matches '999999999999'" in r.err


def test_explain_names_the_number_that_parts_two_firms(cli, tmp_path: Path):
    db = _loaded(cli, tmp_path)
    r = cli("resolve", "--db", db, "--explain", "kz-bin:190540012345", "kz-bin:200640067891")
    assert r.code == 0, r.err
    assert "different BIN 190540012345 vs 200640067891" in r.out
    r = cli("resolve", "--db", db, "--explain", "ru-inn:7701234561", "ru-inn:7712345678")
    assert r.code == 0 and "different INN 7701234561 vs 7712345678" in r.out


def _same_as(db: Path, cli) -> list[dict]:
    r = cli("clusters", "--db", db, "--format", "json")
    assert r.code == 0, r.err
    return [json.loads(x) for x in r.out.splitlines()]


def test_accepting_two_firms_with_different_numbers_needs_an_override(cli, tmp_path: Path):
    db, book = _loaded(cli, tmp_path), tmp_path / "j.jsonl"
    assert cli("resolve", "--db", db, "--judgements", book).code == 0
    r = cli("review", "--db", db, "--judgements", book, "--accept", "ru-inn:7701234561", "ru-inn:7712345678")
    assert r.code != 0
    assert "different INN 7701234561 vs 7712345678" in r.err and "--override" in r.err
    assert not book.exists() and _same_as(db, cli) == []  # nothing recorded, nothing merged
    r = cli("review", "--db", db, "--judgements", book, "--accept", "ru-inn:7701234561", "ru-inn:7712345678",
            "--override", "--note", "one firm re-registered, says the court file")
    assert r.code == 0, r.err
    (cluster,) = _same_as(db, cli)
    assert {m["id"] for m in cluster["members"]} == {"ru-inn:7701234561", "ru-inn:7712345678"}
    why = cli("resolve", "--db", db, "--judgements", book, "--explain", "ru-inn:7701234561", "ru-inn:7712345678")
    assert why.code == 0 and "accepted by a person over different registry numbers (explicit override)" in why.out


def test_a_judgements_file_accepting_across_numbers_is_refused_and_the_graph_kept(cli, tmp_path: Path):
    db, book = _loaded(cli, tmp_path), tmp_path / "judgements.jsonl"
    assert cli("resolve", "--db", db, "--judgements", book).code == 0
    before = cli("review", "--db", db, "--judgements", book, "--format", "json")
    assert before.code == 0, before.err
    book.write_text(json.dumps({"a": "kz-bin:190540012345", "b": "kz-bin:200640067891",
                                "judgement": "positive"}) + "\n", encoding="utf-8")  # written by hand
    r = cli("resolve", "--db", db, "--judgements", book)
    assert r.code != 0 and r.err.count("\n") == 1  # one line on stderr
    assert "different BIN 190540012345 vs 200640067891" in r.err and "judgements.jsonl" in r.err
    after = cli("review", "--db", db, "--judgements", tmp_path / "none.jsonl", "--format", "json")
    assert after.code == 0 and after.out == before.out
    assert _same_as(db, cli) == []


def test_explain_names_a_missing_record(cli, tmp_path: Path):
    db = _loaded(cli, tmp_path)
    r = cli("resolve", "--db", db, "--explain", "kz-bin:190540012345", "ru-inn:0000000000")
    assert r.code != 0 and "no firm or person with id 'ru-inn:0000000000'" in r.err
