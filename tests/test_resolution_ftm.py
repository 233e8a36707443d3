"""Two FtM registry extracts, one in Cyrillic and one in Latin transliteration: after
`graphkit resolve`, `find-links --all` reports the officer links between firms that share a
person, and none between firms whose people merely share a surname."""

from __future__ import annotations

import json
from pathlib import Path

from cases import ftm_entity as entity

CYRILLIC = [
    entity("ru-c1", "Company", name="ООО «Полярный луч»", country="ru", innCode="7701234561"),
    entity("ru-c2", "Company", name="ООО «Тайга Строй»", country="ru", innCode="7701234572"),
    entity("ru-p1", "Person", name="Щукин Фёдор Ильич", birthDate="1975-04-12", country="ru"),
    entity("ru-p2", "Person", name="Щукин Павел Андреевич", birthDate="1988-09-30", country="ru"),
    entity("ru-d1", "Directorship", director="ru-p1", organization="ru-c1", role="генеральный директор",
           startDate="2019-02-01"),
    entity("ru-d2", "Directorship", director="ru-p2", organization="ru-c2", role="директор", startDate="2020-06-01"),
]
LATIN = [
    entity("kz-c1", "Company", name="Polar Ray Trading LLP", country="kz"),
    entity("kz-c2", "Company", name="Steppe Build LLP", country="kz"),
    entity("kz-p1", "Person", name="Fedor Ilich Shchukin", birthDate="1975-04-12", country="kz"),
    entity("kz-p2", "Person", name="Shchukin Oleg", birthDate="1990-01-01", country="kz"),
    entity("kz-d1", "Directorship", director="kz-p1", organization="kz-c1", role="director", startDate="2022-03-01"),
    entity("kz-d2", "Directorship", director="kz-p2", organization="kz-c2", role="director", startDate="2021-01-01"),
]


def test_officer_links_across_scripts_and_no_surname_links(cli, tmp_path: Path):
    ru, kz = tmp_path / "ru.ftm.json", tmp_path / "kz.ftm.json"
    ru.write_text("\n".join(CYRILLIC) + "\n", encoding="utf-8")
    kz.write_text("\n".join(LATIN) + "\n", encoding="utf-8")
    db = tmp_path / "g"
    assert cli("load", ru, "--mapping", "ftm", "--dataset", "ru-extract", "--db", db).code == 0
    assert cli("load", kz, "--mapping", "ftm", "--dataset", "kz-extract", "--db", db).code == 0
    r = cli("resolve", "--db", db, "--judgements", tmp_path / "j.jsonl")
    assert r.code == 0 and "1 resolved automatically" in r.out, r.out
    links = [json.loads(x) for x in cli("find-links", "--all", "--db", db, "--format", "json").out.splitlines()]
    pairs = {frozenset((link["a"]["name"], link["b"]["name"])): link for link in links}
    assert set(pairs) == {frozenset(("ООО «Полярный луч»", "Polar Ray Trading LLP"))}
    link = pairs[frozenset(("ООО «Полярный луч»", "Polar Ray Trading LLP"))]
    assert link["kinds"] == ["shared_officer"]
    ev = link["evidence"][0]
    assert {ev["via"]["name"], ev["via"]["resolved_with"]["name"]} == {"Щукин Фёдор Ильич", "Fedor Ilich Shchukin"}
    assert "same birth date 1975-04-12" in ev["via"]["resolution"]["explanation"]
    assert {s["dataset"] for s in ev["sources"]} == {"ru-extract", "kz-extract"}
