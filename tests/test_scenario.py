"""The synthetic registry scenario (graphkit/synth/scenario.py): the generator makes registry-like data
with its truth, and what graphkit prints on it is held to the issue's floors: no merge across
registry numbers; KZ-RU officer links from `find-links --all` with precision >= 0.99 and
recall >= 0.95, scored on the firms each link names.

The figures at 5,000 firms are in docs/benchmarks.md (python bench/evaluate_scenario.py)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from stdnum.ru import inn as ru_inn
from stdnum.ru import ogrn as ru_ogrn

from graphkit.synth.evaluate import score_scenario
from graphkit.synth.scenario import FILES, SCHEMES, Truth, kz_check, make_scenario, transliterate

FIRMS, SEED = 300, 1


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("scenario")
    return out, make_scenario(FIRMS, SEED, out)


@pytest.fixture(scope="module")
def scored(scenario: tuple[Path, Truth], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out, truth = scenario
    return score_scenario(out, truth, tmp_path_factory.mktemp("graph") / "g")


def _entities(folder: Path, key: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / FILES[key]).read_text(encoding="utf-8").splitlines()]


def test_same_seed_same_files_other_seed_other_files(scenario, tmp_path: Path):
    out, _ = scenario
    make_scenario(FIRMS, SEED, tmp_path / "again")
    make_scenario(FIRMS, SEED + 1, tmp_path / "other")
    for name in [*FILES.values(), "truth.json"]:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name
    assert (tmp_path / "other" / FILES["ru"]).read_bytes() != (out / FILES["ru"]).read_bytes()


def test_every_firm_has_its_own_valid_registry_number(scenario):
    out, truth = scenario
    numbers: Counter[str] = Counter()
    for firm in truth.firms.values():
        ids = firm["ids"]
        if firm["country"] == "ru":
            assert ru_inn.is_valid(ids["ru-inn"]), ids
            assert ru_ogrn.is_valid(ids.get("ru-ogrn") or ids["ru-ogrnip"]), ids
            numbers[ids["ru-inn"]] += 1
        else:
            number = ids.get("kz-bin") or ids["kz-iin"]
            assert len(number) == 12 and kz_check(number[:11]) == int(number[11]), number
            numbers[number] += 1
    assert max(numbers.values()) == 1  # no two firms share a number
    ru = [e for e in _entities(out, "ru") if e["schema"] == "Company"]
    kz = [e for e in _entities(out, "kz") if e["schema"] == "Company"]
    assert all(e["properties"]["innCode"] and e["properties"]["ogrnCode"] for e in ru)
    assert all(e["properties"]["registrationNumber"] and e["properties"]["jurisdiction"] == ["kz"] for e in kz)
    press = [e for e in _entities(out, "press") if e["schema"] == "Company"]
    with_id = [e for e in press if "innCode" in e["properties"] or "registrationNumber" in e["properties"]]
    assert 0 < len(with_id) < len(press)  # the press carries the number only sometimes


def test_firms_share_name_words_and_people_share_names(scenario):
    _, truth = scenario
    forms = Counter((f["country"], f["form"]) for f in truth.firms.values())
    assert forms[("ru", "ООО")] > 5 * forms[("ru", "АО")] and forms[("kz", "ТОО")] > 5 * forms[("kz", "АО")]
    words = Counter(w for f in truth.firms.values() if f["form"] != "ИП" for w in set(f["name"].split()))
    distinct_firms_on_top_word = words.most_common(1)[0][1]
    assert distinct_firms_on_top_word >= 10  # Zipf: the commonest word names many different firms
    same_words_other_order = {tuple(sorted(f["name"].split())) for f in truth.firms.values()}
    assert len(same_words_other_order) < len({f["name"] for f in truth.firms.values()})
    names = Counter(p["name"] for p in truth.people.values())
    assert sum(c for c in names.values() if c > 1) >= 10  # namesakes: different people, one name
    assert any("namesake_of" in p for p in truth.people.values())
    firms_per_person = Counter(len(p["firms"]) for p in truth.people.values())
    assert firms_per_person[1] > firms_per_person[2] > firms_per_person[3] > 0  # heavy-tailed


def test_truth_covers_every_record_and_the_links_are_real(scenario):
    out, truth = scenario
    for key in FILES:
        for e in _entities(out, key):
            if e["schema"] in ("Company", "Person"):
                assert e["id"] in truth.entity_of, e["id"]
    assert truth.officer_links
    for link in truth.officer_links:
        assert truth.firms[link["kz_firm"]]["country"] == "kz" and truth.firms[link["ru_firm"]]["country"] == "ru"
        for p in link["people"]:
            assert {link["kz_firm"], link["ru_firm"]} <= set(truth.people[p["person"]]["firms"])
            assert "Directorship" in (p["kz_role"]["type"], p["ru_role"]["type"])
            assert truth.entity_of[p["kz_record"]] == truth.entity_of[p["ru_record"]] == p["person"]


def test_five_transliteration_schemes_from_their_tables():
    assert transliterate("Хрущёв", "icao-9303") == "Khrushchev"
    assert transliterate("Юрий Соловьёв", "bgn-pcgn") == "Yuriy Solov'yëv"
    assert transliterate("Щукин", "gost-7.79-a") == "Ŝukin"
    assert transliterate("Ельцин Горбачёв", "german") == "Jelzin Gorbatschow"
    assert transliterate("Путин Сергей", "french") == "Poutine Sergueï"
    assert transliterate("Згурський", "ukrainian") == "Zghurskyi"
    assert transliterate("ИВАНОВ", "icao-9303") == "IVANOV"
    assert len({transliterate("Евгений Хрущёв", s) for s in SCHEMES}) == 5


def test_no_merge_across_registry_numbers(scored):
    assert scored["cross_id_merges"] == 0, scored["cross_id_examples"]
    assert scored["cross_id_clusters"] == 0


def test_officer_links_precision(scored):
    links = scored["links"]
    assert links["printed"] > 0
    assert links["precision"] >= 0.99, links["wrong_examples"]


def test_officer_links_recall(scored):
    """Recall over the true KZ-RU officer links the records can show: the person's records at
    both firms carry the birth date. (Links whose only evidence is an equal name, among
    namesakes, are counted in the figures but not required: merging on a name alone is what
    precision forbids.)"""
    links = scored["links"]
    assert links["corroborated_true"] >= 20
    assert links["recall_corroborated"] >= 0.95, links["missed_examples"]


def test_links_plus_possible_links_show_nearly_every_true_officer_link(scored):
    """An investigator sees the printed links and, in their own section, the possible links
    resting on a pair waiting for review: together they show >= 95 % of all true KZ-RU officer
    links (issue 14), and every printed link is still among them."""
    links = scored["links"]
    assert links["possible"] > 0
    assert links["found_with_possible"] >= links["found"]
    assert links["recall_with_possible"] >= 0.95, links["missed_examples"]
