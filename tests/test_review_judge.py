"""graphkit.resolve.review.judge, the library function behind `graphkit review --accept/--reject`:
checked before anything is written, recorded in the judgements file, applied to the graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphkit.errors import NotFound, ResolutionError
from graphkit.load import load_files
from graphkit.resolve import clusters, resolve
from graphkit.resolve.judgements import Judgement, Judgements
from graphkit.resolve.review import judge

FIRMS = (  # one firm filed twice without a number, and a namesake with its own INN
    "record_id,company_name,jurisdiction,inn,address,address_country\n"
    "A1,ООО «Северный ветер»,ru,,\"Москва, ул. Ленина, 5\",ru\n"
    "A2,OOO Severnyi Veter,ru,,\"Moskva, ul. Lenina, 5\",ru\n"
    "B1,ООО «Северный ветер»,ru,7700000011,\"Тверь, ул. Мира, 1\",ru\n"
    "C1,ООО «Северный ветер»,ru,7700000022,\"Казань, ул. Баумана, 2\",ru\n"
)


@pytest.fixture
def graph(store, tmp_path: Path):
    src = tmp_path / "firms.csv"
    src.write_text(FIRMS, encoding="utf-8")
    load_files(store, [src], "registry")
    resolve(store)
    return store


def _ids(store) -> dict[str, str]:
    rows = store._execute("MATCH (c:Company) RETURN c.id AS id, c.registry_ids AS ids, c.name AS name")
    return {r["ids"][0] if r["ids"] else r["name"]: r["id"] for r in rows}


def test_an_unknown_record_or_two_numbers_are_refused_and_nothing_is_written(graph, tmp_path: Path):
    book = Judgements(tmp_path / "j.jsonl")
    ids = _ids(graph)
    with pytest.raises(NotFound, match="no record with id 'ru-inn:0' in the graph"):
        judge(graph, book, ids["ru-inn:7700000011"], "ru-inn:0", Judgement.POSITIVE)
    with pytest.raises(ResolutionError, match="different INN 7700000011 vs 7700000022"):
        judge(graph, book, ids["ru-inn:7700000011"], ids["ru-inn:7700000022"], Judgement.POSITIVE)
    assert not book.path.exists() and list(book) == []
    assert clusters(graph) == []


def test_an_accepted_pair_is_recorded_and_joined(graph, tmp_path: Path):
    book = Judgements(tmp_path / "j.jsonl")
    a, b = _ids(graph)["ru-inn:7700000011"], _ids(graph)["ru-inn:7700000022"]
    done = judge(graph, book, a, b, Judgement.POSITIVE, note="one firm re-registered", override=True)
    assert done.path == book.path and done.decision.override
    (line,) = book.path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) | {"at": ""} == {"a": a, "b": b, "judgement": "positive", "note": "one firm re-registered",
                                             "at": "", "override": True}
    assert [{m["id"] for m in c["members"]} for c in clusters(graph)] == [{a, b}]
