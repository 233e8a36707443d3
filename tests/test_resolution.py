"""Entity resolution: the labelled pairs' floors, the hard rules, judgements and review."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphkit.resolve import resolve
from graphkit.resolve.judgements import Judgement, Judgements, Partition
from graphkit.resolve.names import fold
from graphkit.resolve.scoring import AUTO, NEVER, Record, score

PAIRS = Path(__file__).resolve().parent / "data" / "er_pairs.csv"


@pytest.fixture(scope="module")
def evaluation():
    from graphkit.resolve import evaluation as evaluate

    return evaluate, evaluate.evaluate(PAIRS)


def test_precision_and_recall_floors_on_the_labelled_pairs(evaluation):
    mod, outcomes = evaluation
    m = mod.metrics(outcomes)
    assert m["pairs"] >= 400
    assert m["precision"] >= 0.99  # automatic merges
    # merged or sent to a person: the floor the resolution issue sets
    assert m["found_recall"] >= 0.95
    # merged automatically, without graph context: names alone no longer join two people or two
    # firms whose names are not identical (they wait for a person), so this is a guard against
    # regressions, not a target (docs/resolution-evaluation.md)
    assert m["recall"] >= 0.80
    assert m["conflicting_id_merges"] == 0
    assert m["blocking_recall"] >= 0.95


def test_among_namesakes_precision_holds_and_the_rest_waits_for_review():
    from graphkit.resolve.evaluation import evaluate, metrics, namesake_background

    m = metrics(evaluate(PAIRS, namesake_background(10_000)))
    assert m["precision"] >= 0.99 and m["conflicting_id_merges"] == 0
    assert m["found_recall"] >= 0.95  # what names alone cannot settle goes to a person
    assert m["recall"] >= 0.80


@pytest.mark.parametrize("category", ["decoy_surname", "decoy_birth_date", "decoy_country",
                                      "decoy_similar_firm", "conflicting_ids", "translation"])
def test_no_decoy_is_merged(evaluation, category):
    _, outcomes = evaluation
    cases = [o for o in outcomes if o.category == category]
    assert cases, f"no labelled pairs of category {category}"
    assert [o.pair_id for o in cases if o.merged] == []


@pytest.mark.parametrize("a, b", [
    ("Небесная механика", "Nebesnaya Mekhanica"), ("Юлия", "Iuliia"), ("Пётр", "Petr"),
    ("Дмитрий", "Dmitriy"), ("Қайрат", "Kairat"), ("Жуков", "Jukov"), ("Ольга", "Ol'ga"),
    ("SHIMКENT", "Shimkent"),  # a Cyrillic К inside a Latin word
    ("Жданов Георгий", "Jdanov Gueorgui"), ("Вячеслав Журавлёв", "Wjatscheslaw Zhurawljow"),
])
def test_transliteration_schemes_fold_together(a, b):
    assert fold(a) == fold(b)


def person(pid: str, name: str, born: str | None = None, ids: list[str] | None = None, firms: set[str] | None = None):
    return Record(pid, "Person", [name], None, born, ids or [], None, firms or set())


def test_hard_rules_cannot_be_outweighed():
    s = score(person("a", "Иванов Иван Иванович", "1970-01-01"), person("b", "Ivanov Ivan Ivanovich", "1971-01-01"))
    assert s.value == NEVER and "different birth dates" in s.explanation
    s = score(Record("x", "Company", ["ООО Ромашка"], "ru", registry_ids=["ru-inn:7700000001"]),
              Record("y", "Company", ["OOO Romashka"], "ru", registry_ids=["ru-inn:7700000002"]))
    assert s.value == NEVER and "different INN 7700000001 vs 7700000002" in s.explanation
    s = score(person("a", "Петров Пётр Ильич"), person("b", "Petrov Petr Olegovich"))
    assert s.value == NEVER and "different patronymics" in s.explanation


def test_a_name_alone_is_not_enough_for_a_person():
    s = score(person("a", "Сидоров Олег Петрович"), person("b", "Sidorov Oleg Petrovich"))
    assert 0.75 <= s.value < 0.90 and "no birth date in both records and no shared firm to confirm" in s.explanation
    s = score(person("a", "Сидоров Олег Петрович", firms={"f1"}), person("b", "SIDOROV O.P.", firms={"f1"}))
    assert s.value >= 0.90 and "same firm" in s.explanation


def test_judgements_apply_transitively():
    part = Partition()
    part.separate("A", "B")
    assert part.union("B", "C")
    assert part.kept_apart("A", "C")  # A≠B and B=C: A=C is never merged
    assert not part.union("A", "C")


def _decide(*records: Record) -> dict[frozenset[str], str]:
    from graphkit.resolve import ResolveReport, decide

    out = decide(list(records), Judgements(), Partition(), ResolveReport())
    return {frozenset((c.a.id, c.b.id)): c.state for c in out}


def test_names_alone_never_merge_two_people_but_a_unique_name_says_so():
    a = person("a", "Сидоров Олег Петрович", firms={"alfa"})
    b = person("b", "SIDOROV OLEG PETROVICH", firms={"beta"})
    from graphkit.resolve import ResolveReport, decide

    (pair,) = decide([a, b], Judgements(), Partition(), ResolveReport())
    assert pair.state == "pending"
    assert "no other record in the data is compatible with either name (still a person decides)" in pair.explanation
    # a third Sidorov Oleg Petrovich: any of the three could be meant; nothing says the name is unique
    c = person("c", "Sidorov Oleg Petrovich", firms={"gamma"})
    out = decide([a, b, c], Judgements(), Partition(), ResolveReport())
    assert {p.state for p in out} == {"pending"}
    assert not any("no other record" in p.explanation for p in out)


def test_a_merge_never_joins_two_birth_dates_through_a_third_record():
    born_84 = person("a", "Гольдберг Илья Маркович", "1984-11-02", firms={"aspan"})
    press = person("b", "Ilya Golberg", firms={"aspan"})  # no birth date; shares a firm with born_84
    born_71 = person("c", "ГОЛЬДБЕРГ ИЛЬЯ МАРКОВИЧ", "1971-02-27", firms={"other"})
    states = _decide(born_84, press, born_71)
    assert states[frozenset("ab")] == "auto"
    assert states.get(frozenset("bc")) != "auto"  # would make the 1971 namesake the 1984 man


def test_namesakes_of_one_block_are_paired_only_where_their_birth_dates_may_be_one_day():
    from itertools import combinations

    from graphkit.resolve.blocking import candidates
    from graphkit.resolve.scoring import dates_agree

    born = [None, "1961", "1961-12", "1961-12-03", "1961-12-03", "1961-12-04", "1961-11-03", "1962", None]
    people = [person(f"p{i}", "Сидоров Олег Петрович", date) for i, date in enumerate(born)]
    proposed = [(a.id, b.id) for a, b in candidates(people)]
    may_be_one = {(a.id, b.id) for a, b in combinations(people, 2)
                  if not (a.birth_date and b.birth_date) or dates_agree(a.birth_date, b.birth_date)}
    assert sorted(proposed) == sorted(may_be_one) and len(proposed) == len(set(proposed))
    assert ("p2", "p3") in may_be_one and ("p3", "p5") not in may_be_one  # a month fits its days, not another day


def test_a_person_without_birth_date_among_many_namesakes_meets_the_closest_names_only():
    from graphkit.resolve.blocking import MAX_MEET, candidates
    from graphkit.resolve.namesakes import PATRONYMICS

    fathers = [f for f in PATRONYMICS if f != "Николаевич"]
    namesakes = [person(f"d{i:02d}", f"Иванов Сергей {fathers[i % len(fathers)]}", f"19{50 + i // 12}-{1 + i % 12:02d}-11")
                 for i in range(2 * MAX_MEET)]
    namesakes.append(person("d99", "Иванов Сергей Николаевич", "1950-01-11"))  # born the day d00 was
    press = person("u", "IVANOV SERGEI NIKOLAEVICH")
    crowded: set[str] = set()
    proposed = [(a.id, b.id) for a, b in candidates([*namesakes, press], crowded=crowded)]
    met = {a if b == "u" else b for a, b in proposed if "u" in (a, b)}
    # not every Sergei Ivanov: the closest names, his own among them
    assert "d99" in met and len(met) <= MAX_MEET
    # the dated are compared with one another as before: where a birth day is shared
    assert [(a, b) for a, b in proposed if "u" not in (a, b)] == [("d00", "d99")]
    # and nobody in that block is called unique: not every namesake was compared
    assert {"u", "d99"} <= crowded


def test_a_person_without_birth_date_meets_the_closest_names_over_all_blocks_not_in_each():
    """Each block of namesakes bounded what an undated person met, not the blocks together: an
    "Ivanov Sergei" shares a block with every Ivanov S. and another with every Sergei N."""
    from rapidfuzz import fuzz

    from graphkit.resolve.blocking import MAX_MEET, candidates
    from graphkit.resolve.namesakes import PATRONYMICS

    fathers = [f for f in PATRONYMICS if f != "Николаевич"]
    ivanovs = [person(f"i{i:03d}", f"Иванов Сергей {fathers[i % len(fathers)]}", f"19{50 + i // 12}-{1 + i % 12:02d}-11")
               for i in range(2 * MAX_MEET)]
    sergeis = [person(f"s{i:03d}", f"{surname} Сергей Николаевич", f"19{50 + i // 12}-{1 + i % 12:02d}-12")
               for i, surname in enumerate(["Петров", "Сидоров", "Смирнов", "Кузнецов"] * (MAX_MEET // 2))]
    himself = person("d99", "Иванов Сергей Николаевич", "1950-01-11")
    press = person("u", "IVANOV SERGEI NIKOLAEVICH")
    crowded: set[str] = set()
    proposed = [(a.id, b.id) for a, b in candidates([*ivanovs, *sergeis, himself, press], crowded=crowded)]
    met = {a if b == "u" else b for a, b in proposed if "u" in (a, b)}
    assert {r.id[0] for r in [*ivanovs, *sergeis] if r.id in met} == {"i", "s"}  # he met both blocks
    assert "d99" in met and len(met) == MAX_MEET
    # the closest names of both blocks: none he did not meet is closer than one he met
    close = {r.id: fuzz.token_set_ratio("ivanov sergei nikolaevich", " ".join(fold(w) for w in r.names[0].split()))
             for r in [*ivanovs, *sergeis, himself]}
    assert min(close[x] for x in met) >= max(v for x, v in close.items() if x not in met)
    # the namesakes he did not meet, and he, are not called unique
    assert {"u"} | (close.keys() - met) <= crowded
    # the dated still meet one another as before: where a birth day is shared
    assert ("d99", "i000") in proposed


def test_a_name_is_never_called_unique_where_its_block_was_too_crowded_to_compare_every_namesake():
    from graphkit.resolve import ResolveReport, decide
    from graphkit.resolve.blocking import MAX_MEET
    from graphkit.resolve.namesakes import PATRONYMICS

    fathers = [f for f in PATRONYMICS if f != "Николаевич"]
    namesakes = [person(f"d{i:02d}", f"Иванов Сергей {fathers[i % len(fathers)]}", f"19{50 + i // 12}-{1 + i % 12:02d}-11")
                 for i in range(2 * MAX_MEET)]
    himself = person("d99", "Иванов Сергей Николаевич", "1950-01-11", firms={"alfa"})
    press = person("u", "IVANOV SERGEI NIKOLAEVICH", firms={"beta"})
    out = decide([*namesakes, himself, press], Judgements(), Partition(), ResolveReport())
    [pair] = [c for c in out if {c.a.id, c.b.id} == {"u", "d99"}]
    assert pair.state == "pending" and pair.names_only is not None and pair.names_only >= AUTO
    # no other namesake he met is compatible, but he did not meet them all
    assert "no other record in the data is compatible" not in pair.explanation


@pytest.mark.parametrize("a, b, why", [
    ("Валентин Гордеев", "Валентина Гордеева", "male and female forms"),
    ("Лоббай Дәурен Евгеньевич", "Daurensky E.", "has no close match"),
    ("Беленко Ольга Игоревич", "Tolenko Olga Grigorevich", "loosely matched parts"),
])
def test_names_that_only_look_alike_are_not_merged_even_with_the_same_birth_date(a, b, why):
    s = score(person("a", a, "1990-01-01"), person("b", b, "1990-01-01"))
    assert s.value < 0.9 and why in s.explanation


def test_initials_are_read_as_written_and_never_as_the_patronymic():
    # ICAO writes Юлия as Iuliia, so "Okunev I." may be her; "Akhmetuk Y." is not Anna Ilyichna
    assert score(person("a", "Окунев Юлия Евгеньевна", firms={"f"}), person("b", "Okunev I.", firms={"f"})).value >= 0.9
    s = score(person("a", "Ахметук Анна Ильинична", firms={"f"}), person("b", "Akhmetuk Y.", firms={"f"}))
    assert s.value < 0.9 and "only one name part" in s.explanation
    # Kseniya folds to xeniya for comparison, but her initial is still K.
    assert score(person("a", "Соловьева Ксения Петровна", firms={"f"}), person("b", "Solovyova K.", firms={"f"})).value >= 0.9


def test_a_record_matching_two_fathers_sons_is_merged_with_neither():
    ilyich = person("a", "Лебедбай Ерлан Ильич", "1983-12-25")
    mikhailovich = person("b", "Лебедбай Ерлан Михайлович", "1983-12-25")
    bare = person("c", "Erlan Lebedbai", "1983-12-25")
    states = _decide(ilyich, mikhailovich, bare)
    # either would be a guess: both wait for a person
    assert states[frozenset("ac")] == states[frozenset("bc")] == "pending"


def _two_sidorovs(tmp_path: Path) -> Path:
    """A registry where one name is a Russian and a Kazakh national: the names cannot decide, a
    person reviews."""
    src = tmp_path / "reg.csv"
    src.write_text("record_id,company_name,jurisdiction,holder_kind,holder_name,holder_nationality,role\n"
                   "1,ООО Альфа,ru,person,Сидоров Олег Петрович,ru,director\n"
                   "2,ООО Бета,ru,person,SIDOROV OLEG PETROVICH,kz,director\n", encoding="utf-8")
    return src


def test_judgements_persist_and_are_reapplied_after_a_reload(store, tmp_path):
    from graphkit.load import load_files

    src = _two_sidorovs(tmp_path)
    load_files(store, [src], "registry")
    first = resolve(store)
    pending = [c for c in first.decisions if c.state == "pending"]
    assert len(pending) == 1
    book = Judgements.load(tmp_path / "judgements.jsonl")
    book.record(pending[0].a.id, pending[0].b.id, Judgement.NEGATIVE, note="two people, says the registry office")
    # reload into a fresh store: the judgement file still applies (ids are stable)
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "again") as again:
        load_files(again, [src], "registry")
        report = resolve(again, Judgements.load(tmp_path / "judgements.jsonl"))
        assert [c.state for c in report.decisions] == ["rejected"]
        assert "reviewer: two people, says the registry office" in report.decisions[0].explanation
        rows = again._execute("MATCH (a:Person)-[s:SAME_AS]->(b:Person) RETURN s.judgement AS j, s.method AS m")
        assert rows == [{"j": "rejected", "m": "graphkit-resolve"}]


def test_review_command_records_and_reapplies(cli, tmp_path):
    src = _two_sidorovs(tmp_path)
    db, book = tmp_path / "g", tmp_path / "j.jsonl"
    cli("load", src, "--mapping", "registry", "--db", db)
    r = cli("resolve", "--db", db, "--judgements", book)
    assert "1 waiting for review" in r.out
    listed = cli("review", "--db", db, "--judgements", book, "--format", "json").out.splitlines()
    assert len(listed) == 1
    import json

    group = json.loads(listed[0])
    assert len(group["members"]) == 2 and len(group["pairs"]) == 1
    cand = group["pairs"][0]
    r = cli("review", "--db", db, "--judgements", book, "--accept", cand["a_id"], cand["b_id"], "--note", "same INN in court file")
    assert r.code == 0 and "positive" in r.out
    assert '"judgement": "positive"' in book.read_text(encoding="utf-8")
    clusters = [json.loads(x) for x in cli("clusters", "--db", db, "--format", "json").out.splitlines()]
    assert len(clusters) == 1 and len(clusters[0]["members"]) == 2
    links = cli("find-links", "ООО Альфа", "--db", db, "--format", "json").out.splitlines()
    assert json.loads(links[0])["kinds"] == ["shared_officer"]


def test_a_bad_judgements_file_names_file_line_and_field_and_changes_nothing(cli, tmp_path):
    src = _two_sidorovs(tmp_path)
    db, book = tmp_path / "g", tmp_path / "j.jsonl"
    cli("load", src, "--mapping", "registry", "--db", db)
    cli("resolve", "--db", db, "--judgements", book)
    before = cli("review", "--db", db, "--judgements", book, "--format", "json").out
    book.write_text('{"a": "x", "b": "y", "judgement": "positive"}\n{"a": "x", "b": "y", "judgement": "maybe"}\n',
                    encoding="utf-8")
    r = cli("resolve", "--db", db, "--judgements", book)
    assert r.code == 1
    assert "j.jsonl, line 2, column 'judgement': 'maybe' is not positive, negative or unsure" in r.err
    book.write_text('{"a": "x", "judgement": "positive"}\n', encoding="utf-8")
    r = cli("resolve", "--db", db, "--judgements", book)
    assert "j.jsonl, line 1, column 'b': missing from the judgement" in r.err
    book.write_text('{"a": "x", "b"\n', encoding="utf-8")
    assert "j.jsonl, line 1: not a complete JSON object" in cli("resolve", "--db", db, "--judgements", book).err
    book.unlink()
    assert cli("review", "--db", db, "--judgements", book, "--format", "json").out == before


def test_candidate_pairs_are_the_same_however_often_the_pairs_found_are_folded_into_unique_ones(monkeypatch):
    from graphkit.resolve import blocking
    from graphkit.resolve.namesakes import make_records

    records, truth = make_records(3000)
    once = [(a.id, b.id) for a, b in blocking.candidates(records)]
    monkeypatch.setattr(blocking._Found, "FOLD", 7)  # folded after nearly every block part
    often = [(a.id, b.id) for a, b in blocking.candidates(records)]
    assert often == once and len(once) == len(set(once))
    assert all(a < b for a, b in once)
    assert len(truth & set(once)) > 0.9 * len(truth)  # the variants of one person meet


def test_facts_read_when_first_asked_keep_clusters_apart_as_facts_noted_ahead():
    """A million records' facts are not noted ahead (``Partition.read_facts``): read when a
    cluster is first asked about, they refuse the same joins and describe the same conflicts."""
    import pickle

    from graphkit.resolve import constraints

    records = [person("a", "Иванов Сергей Петрович", "1970-01-02"), person("b", "Ivanov Sergei"),
               person("c", "Иванов Сергей Петрович", "1971-05-05"), person("d", "Иванова Анна Петровна")]
    said = {}
    for ahead in (True, False):
        p = constraints.configure(Partition())
        if ahead:
            for r in records:
                constraints.note(p, r)
        else:
            p.read_facts({r.id: r for r in records}, constraints.facts)
        p.note("c", "listed", "yes")
        joined = [p.union("a", "b"), p.union("b", "c"), p.union("b", "d")]
        said[ahead] = (joined, p.conflict("a", "c"), p.describe_conflict("a", "c", "birth_date"),
                       p.facts_of("b"), p.facts_of("c"), p.conflict("c", "d"))
    assert said[True] == said[False]
    assert said[False][:3] == ([True, False, False], "birth_date", "birth date: 1970-01-02 vs 1971-05-05")
    assert said[False][5] == "gender"
    # pickled (a partition handed back by a forked child), the records stay behind until given again
    back = pickle.loads(pickle.dumps(p))
    assert back.facts_of("b") == p.facts_of("b") and back.facts_of("d") == {}
    back.read_facts({r.id: r for r in records}, constraints.facts)
    assert back.conflict("c", "d") == "gender" and not back.union("a", "c")
