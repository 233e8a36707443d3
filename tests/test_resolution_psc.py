"""UK PSC people: when two filings are one person (graphkit.resolve.registry_people).

Built on the real PSC line of Mr Marc Anthony Feldman (company 08209948, shared sample), filed
again as Companies House varies a person filed by a second firm; the namesake estimate needs a
population, which the synthetic snapshot of graphkit/synth/registries.py gives."""

from __future__ import annotations

import copy
import csv
import json
from itertools import combinations
from pathlib import Path

import pytest

from graphkit.load import load_files
from graphkit.resolve import load_records, resolve
from graphkit.resolve.clusters import Clusters
from graphkit.resolve.registry_people import APART, count, elements, score_month_people
from graphkit.resolve.scoring import AUTO, NEVER, REVIEW, Record, score
from graphkit.synth import registries as registries_synth


def _feldman(real: Path) -> dict:
    lines = json.loads((real / "uk_companies_house" / "psc-data-1.json").read_text(encoding="utf-8"))
    return next(x for x in lines if x["data"]["kind"].startswith("individual"))


def _filed_again(line: dict, company: str, **changes) -> dict:
    """The same person's line as another firm files it."""
    out = copy.deepcopy(line)
    out["company_number"] = company
    out["data"]["links"]["self"] = f"/company/{company}/persons-with-significant-control/individual/t{company}"
    for key, value in changes.items():
        out["data"][key] = value
    return out


def _snapshot(tmp_path: Path, lines: list[dict], population: float = 0.0002) -> Path:
    """The given lines after a synthetic snapshot of ``population`` x the full register."""
    folder = tmp_path / "in"
    registries_synth.psc(folder, population)
    path = folder / "psc-snapshot.txt"
    with path.open("a", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line) + "\n")
    return path


def _people(cli, db: Path, name: str) -> list[dict]:
    """The clusters (JSON) holding a record whose name contains ``name``."""
    out = [json.loads(x) for x in cli("clusters", "--db", db, "--format", "json").out.splitlines()]
    return [c for c in out if any(name in (m["name"] or "") for m in c["members"])]


def test_a_person_filed_by_a_second_firm_at_another_address_is_one_if_the_full_name_is_rare(cli, real, tmp_path):
    feldman = _feldman(real)
    elsewhere = {"premises": "1", "address_line_1": "Parliament Street", "locality": "Harrogate",
                 "postal_code": "HG1 2QU", "country": "England"}
    other = _filed_again(feldman, "12345678", name="Mr. Marc Anthony Feldman", address=elsewhere,
                         name_elements={"forename": "Marc", "middle_name": "Anthony", "surname": "Feldman", "title": "Mr."})
    bare = _filed_again(feldman, "12345679", name="Mr Marc Feldman", address=dict(elsewhere, premises="7"),
                        name_elements={"forename": "Marc", "surname": "Feldman", "title": "Mr"})
    db = tmp_path / "g"
    assert cli("load", _snapshot(tmp_path, [feldman, other, bare]), "--mapping", "uk-psc", "--db", db).code == 0
    assert cli("resolve", "--db", db).code == 0
    [cluster] = _people(cli, db, "Feldman")
    assert sorted(m["name"] for m in cluster["members"]) == ["Mr Marc Anthony Feldman", "Mr. Marc Anthony Feldman"]
    ids = [m["id"] for m in cluster["members"]]
    explained = cli("resolve", "--db", db, "--explain", *ids).out
    assert "name elements agree, born 1961-12, nationality gb; a rare name" in explained
    # the filing without middle name at a third address: nothing settles it, and nobody is asked
    [lone] = [r.id for r in load_records_of(db) if r.names[0] == "Mr Marc Feldman"]
    explained = cli("resolve", "--db", db, "--explain", ids[0], lone).out
    assert "a filing without middle names and nothing shared to confirm" in explained
    assert "Feldman" not in cli("review", "--db", db, "--format", "json").out


def load_records_of(db: Path) -> list[Record]:
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(db) as store:
        return load_records(store)["Person"]


def test_people_read_for_resolution_share_their_datasets_and_their_empty_numbers(cli, real, tmp_path):
    """Each person read for resolution held a list of datasets and a list of numbers of its own:
    at a million names, 185 MB of lists that say the same thing."""
    feldman = _feldman(real)
    son = _filed_again(feldman, "12345678", date_of_birth={"month": 3, "year": 1990})
    db = tmp_path / "g"
    cli("load", _snapshot(tmp_path, [feldman, son]), "--mapping", "uk-psc", "--db", db)
    people = load_records_of(db)
    assert len(people) > 1 and people[0].datasets
    assert all(p.datasets is people[0].datasets for p in people)
    assert all(p.registry_ids == () and p.birth_dates == () for p in people)


def test_namesakes_born_in_another_month_and_a_spouse_at_the_same_home_stay_apart_and_wait_for_nobody(
        cli, real, tmp_path):
    feldman = _feldman(real)
    son = _filed_again(feldman, "12345678", date_of_birth={"month": 3, "year": 1990})
    wife = _filed_again(feldman, "08209948", name="Mrs Anna Feldman",
                        name_elements={"forename": "Anna", "surname": "Feldman", "title": "Mrs"})
    wife["data"]["links"]["self"] += "w"
    db = tmp_path / "g"
    cli("load", _snapshot(tmp_path, [feldman, son, wife]), "--mapping", "uk-psc", "--db", db)
    cli("resolve", "--db", db)
    assert _people(cli, db, "Feldman") == []
    queue = cli("review", "--db", db, "--format", "json").out
    assert "Feldman" not in queue


def _record(i: int, name: str, month: str = "1970-03", nationality: str = "gb", addresses=(), firms=()) -> Record:
    return Record(f"p{i}", "Person", [name], "gb", month, nationality=nationality, addresses=set(addresses),
                  context=set(firms))


def _crowd(name: str, n: int) -> list[Record]:
    """``n`` people called ``name`` born in other months, and a few thousand others."""
    months = [f"{1940 + k // 12}-{k % 12 + 1:02d}" for k in range(700)]
    people = [_record(1000 + k, name, months[k * 7 % 700]) for k in range(n)]
    people += [_record(5000 + k, f"Mr Person{k} Other{k}", months[k % 700]) for k in range(3000)]
    return people


def test_a_common_name_born_the_same_month_with_nothing_shared_is_neither_merged_nor_queued():
    a, b = _record(1, "Mr David John Smith", addresses={"x1"}), _record(2, "David John Smith", addresses={"x2"})
    count([a, b, *_crowd("Mr David Smith", 40)])
    s = score_month_people(a, b)
    assert s is not None and s.value < REVIEW
    assert "a common name" in s.explanation and "a person could not decide either" in s.explanation


def test_a_shared_firm_or_a_home_address_confirms_a_common_name_but_a_formation_agents_address_does_not():
    crowd = _crowd("Mr David Smith", 40)
    a, b = _record(1, "Mr David John Smith", addresses={"home"}), _record(2, "Mr David Smith", addresses={"home"})
    agents = [_record(100 + k, f"Mr Client{k} Name{k}", addresses={"agent"}) for k in range(10)]
    c, d = _record(3, "Mr David Smith", addresses={"agent"}), _record(4, "Mr David Smith", addresses={"agent"})
    e, f = _record(5, "Mr David Smith", firms={"gb-coh:1"}), _record(6, "Mr David Smith", firms={"gb-coh:1"})
    count([a, b, c, d, e, f, *agents, *crowd])
    assert score_month_people(a, b).value >= AUTO
    assert score_month_people(e, f).value >= AUTO and "both control the same firm" in score_month_people(e, f).explanation
    assert score_month_people(c, d).value < REVIEW


def test_a_slip_in_a_name_is_asked_only_with_a_shared_address_and_different_middle_names_are_two_people():
    a = _record(1, "Keith James Greenelbrook", addresses={"h"})
    b = _record(2, "Mr Keit James Greenelbrook", addresses={"h"})
    c = _record(3, "Mr Keit James Greenelbrook", addresses={"elsewhere"})
    d = _record(4, "Mr Keith Robert Greenelbrook", addresses={"h"})
    count([a, b, c, d, *_crowd("Mr Other Person", 5)])
    assert REVIEW <= score_month_people(a, b).value < AUTO
    assert score_month_people(a, c).value < REVIEW
    assert score_month_people(a, d).value == APART and "different middle names" in score_month_people(a, d).explanation
    assert score_month_people(a, _record(5, "Keith James Greenelbrook", "1970-04")).value == NEVER


def test_a_differing_nationality_or_mr_and_mrs_is_never_merged():
    a, b = _record(1, "Mr Jan Kowalczykowski"), _record(2, "Mr Jan Kowalczykowski", nationality="pl")
    count([a, b, *_crowd("Mr Other Person", 5)])
    assert score_month_people(a, b).value < REVIEW
    assert score_month_people(_record(3, "Mr Sam Ashworth"), _record(4, "Mrs Sam Ashworth")).value == APART


@pytest.mark.parametrize(("name", "other", "nationality"), [
    ("Mr Peng W", "Mr Peng Wang", "cn"),  # Peng Wu with a slip: W stands for Wang, Wu, Wei ...
    ("Mr Hao M", "Dr Hao Ma", "cn"),
    ("Miss Yan W", "Dr Simon Ian Whitdale", "gb"),  # false merges of a 1M-line synthetic snapshot
])
def test_a_name_given_only_as_its_initial_is_asked_with_a_shared_firm_and_apart_without(name, other, nationality):
    a = _record(1, name, "1981-08", "cn", addresses={"x1"}, firms={"gb-coh:1"})
    b = _record(2, other, "1981-08", nationality, addresses={"x2"}, firms={"gb-coh:1"})
    c = _record(3, other, "1981-08", nationality, addresses={"x3"}, firms={"gb-coh:2"})
    count([a, b, c, *_crowd("Mr Other Person", 5)])
    asked, alone = score(a, b), score(a, c)
    assert REVIEW <= asked.value < AUTO and asked.explanation.endswith("both control the same firm (1): a person decides")
    assert f"{name!r} gives fewer than two full name elements" in asked.explanation
    assert alone.value < REVIEW and "a person could not decide either" in alone.explanation


def test_on_a_synthetic_snapshot_no_false_merge_and_the_queue_is_at_most_5_percent_of_people(store, tmp_path):
    registries_synth.psc(tmp_path / "in", 0.0005, truth=True)  # 5,000 lines
    load_files(store, [tmp_path / "in" / "psc-snapshot.txt"], "uk-psc", on_error="skip", rejects_dir=tmp_path)
    report = resolve(store)
    line_of = {row["self"]: row["person"] for row in csv.DictReader((tmp_path / "in" / "truth-psc.csv").open())}
    people = load_records(store)["Person"]
    person = {r["id"]: {line_of[x.split("|", 2)[2]] for x in r["records"]}
              for r in store.run("clusters", ids=[p.id for p in people])}
    assert all(len(v) == 1 for v in person.values())  # the load joins only identical filings
    clusters = Clusters.load(store)
    entities: dict[str, list[str]] = {}
    for p in people:
        entities.setdefault(clusters.find(p.id), []).append(p.id)
    assert all(person[x] == person[y] for members in entities.values() for x, y in combinations(members, 2))
    true_pairs = [(x, y) for x, y in combinations(person, 2) if person[x] == person[y]]
    merged = sum(clusters.find(x) == clusters.find(y) for x, y in true_pairs)
    assert merged >= 0.5 * len(true_pairs)  # the rest: no middle names or a common name, nothing else shared
    queued = sum(c.state == "pending" and c.label == "Person" for c in report.decisions)
    assert queued <= 0.05 * len({next(iter(v)) for v in person.values()})


@pytest.mark.parametrize("name", ["Mr. Michael Stanley Bunyan", "Mr Derek Salter"])
def test_real_psc_people_keep_their_name_elements_without_the_title(real, store, tmp_path, name):
    load_files(store, [real / "uk_companies_house" / "psc-data-8.json"], "uk-psc", on_error="skip",
               rejects_dir=tmp_path)
    [r] = [p for p in load_records(store)["Person"] if p.names[0] == name]
    assert r.birth_date and len(r.birth_date) == 7 and r.nationality == "gb"
    e = elements(r)
    assert e is not None and "mr" not in (e.forename, e.surname)


def test_a_filing_without_middle_names_that_fits_two_namesakes_who_differ_in_them_waits_for_a_person():
    from graphkit.resolve import run

    bare = _record(1, "Mr Ian Wesigden", firms={"f1", "f2"})
    paul = _record(2, "Mr Ian Paul Wesigden", firms={"f1"})
    samuel = _record(3, "Mr Ian Paul Samuel Wesigden", firms={"f2"})
    result = run({"Company": [], "Person": [bare, paul, samuel, *_crowd("Mr Other Person", 5)]})
    people = result.partitions["Person"]
    assert len({people.find(x) for x in ("p1", "p2", "p3")}) == 3
    asked = {frozenset((c.a.id, c.b.id)): c for c in result.report.decisions if c.state == "pending"}
    assert set(asked) == {frozenset(("p1", "p2")), frozenset(("p1", "p3"))}
    assert "who cannot be one (middle_names differs)" in asked[frozenset(("p1", "p2"))].explanation


def test_name_elements_are_worked_out_once_and_again_for_new_names():
    from graphkit.resolve.registry_people import elements

    r = Record("p", "Person", ["Mr Marc Anthony Feldman", "Marc Anthony Feldman"], "gb", "1961-12")
    first = elements(r)
    assert first is not None and first.gender == "male"
    assert [first.as_written(w) for w in (first.forename, *first.middles, first.surname)] == ["Marc", "Anthony", "Feldman"]
    assert elements(r) is first  # kept on the record, not read again for every pair
    r.names = ["Mrs Anna Feldman"]  # a record given other names is read again
    again = elements(r)
    assert again is not None and again.gender == "female"
    assert [again.as_written(w) for w in (again.forename, *again.middles, again.surname)] == ["Anna", "Feldman"]


def test_people_dated_to_a_month_are_paired_once_for_every_block_they_share_and_never_across_months():
    from graphkit.resolve.blocking import candidates, month_keys

    people = [Record(f"p{i:02d}", "Person", [name], "gb", month, nationality="british")
              for i, (name, month) in enumerate([
                  ("Mr John Paul Smith", "1970-03"), ("John Smith", "1970-03"), ("Mr John P Smith", "1970-03"),
                  ("Mr John Paul Smith", "1970-04"), ("Mrs Jane Smith", "1970-03"), ("Mr Jon Smith", "1970-03"),
                  ("Mr John Paul Smyth", "1970-03"), ("Mr Anil Kumar Patel", "1981-11"),
                  ("Anil Patel", "1981-11"), ("Mr Anil Kumar Shah", "1981-11"), ("Mr Ravi Patel", "1981-11")])]
    proposed = [(a.id, b.id) for a, b in candidates(people)]
    # every pair sharing a block of its month (forename and surname's initial, surname and
    # forename's initial, forename and middle names), once, ids in order
    sharing = {(a.id, b.id) for a, b in combinations(people, 2) if month_keys(a) & month_keys(b)}
    assert sorted(proposed) == sorted(sharing) and len(proposed) == len(set(proposed))
    assert ("p00", "p01") in sharing and ("p07", "p09") in sharing  # a middle name left out; another surname
    assert not any(people[int(a[1:])].birth_date != people[int(b[1:])].birth_date for a, b in proposed)


def test_a_name_without_its_leading_title_is_read_once_with_the_same_words_and_patronymic(real):
    from graphkit.resolve.names import person_name, word_forms
    from graphkit.resolve.registry_people import _elements

    written = [x["data"]["name"] for f in sorted((real / "uk_companies_house").glob("psc-data-*.json"))
               for x in json.loads(f.read_text(encoding="utf-8")) if x["data"].get("kind", "").startswith("individual")]
    titled = sum(1 for name in written if name.split()[0].strip(".") in ("Mr", "Mrs", "Ms", "Miss", "Dr"))
    written += ["Dr Ivan Ivanovich Petrov", "г-н Иванов Иван Иванович", "Mr 7722476458 Smith", "Mrs Anna Smith",
                "Mr. J. R. Hartley", "Mr  John Smith", "Lord Mr John Smith", "Mr Li Wei"]
    skipped = 0
    for name in written:
        rest = name.partition(" ")[2]
        forms = word_forms([name, rest])
        if forms == [name]:
            skipped += 1
            assert _elements((name, rest)) == _elements((name,)) == _elements((name, rest, rest.upper()))
            a, b = person_name(name), person_name(rest)
            assert (a.words, a.initials, a.patronymic, a.spelled, a.original) == \
                (b.words, b.initials, b.patronymic, b.spelled, b.original), name
        else:
            assert forms == [name, rest]
    assert skipped >= titled > 0  # a PSC name that begins with its title
    assert word_forms(["Mr 7722476458 Smith", "7722476458 Smith"]) == ["Mr 7722476458 Smith", "7722476458 Smith"]
    assert word_forms(["John Smith", "Mr John Smith"]) == ["John Smith", "Mr John Smith"]  # only a later name is left out
    assert person_name("Dr Ivan Ivanovich Petrov").patronymic == person_name("Ivan Ivanovich Petrov").patronymic == "ivanovich"
