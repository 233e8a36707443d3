"""Pairs of people that surely score below review are told on arrays, not scored one by one
(graphkit/resolve/gate.py): names that share no part, patronymics of two fathers. The gate may
only ever leave out what scoring would drop: checked on every pair of the real people labelled
by hand (scripts, initials, titles, several names, month-dated PSC filings, listed entries), and
by resolving synthetic namesakes with and without it."""

from __future__ import annotations

import copy
import csv
import dataclasses
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from graphkit import forked
from graphkit.resolve import ResolveReport, blocking, decide, names
from graphkit.resolve import gate as gate_module
from graphkit.resolve.evaluation import real_records
from graphkit.resolve.gate import PeopleGate
from graphkit.resolve.judgements import Judgement, Judgements, Partition
from graphkit.resolve.names import person_name, word_forms
from graphkit.resolve.namesakes import make_records
from graphkit.resolve.overlap import name_words
from graphkit.resolve.scoring import REVIEW, Record, score
from graphkit.synth.registries import psc

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def real_people():
    """Every person of the labelled real pairs, once."""
    people = {}
    with (DATA / "real_pairs.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for r in real_records(row):
                if r.label == "Person":
                    people.setdefault(r.id, r)
    return list(people.values())


def every_pair(records) -> np.ndarray:
    n = len(records)
    first, second = np.triu_indices(n, 1)
    return first.astype(np.int64) * n + second


def test_the_gate_keeps_for_each_person_it_reads_the_gender_and_words_scoring_works_out(real_people):
    """The gate reads every name once before scoring forks, and keeps each person's gender
    (titles, patronymics, several names that agree or not) as ``person_gender`` gives it, and
    the words the word counts read (``overlap.name_words``) as ``person_words`` gives them."""
    people = copy.deepcopy(real_people) + [
        Record("t1", "Person", ["Mrs Anna Smith", "Anna Smith"]),
        Record("t2", "Person", ["Mr A. Smith", "Mrs A. Smith"]),  # names that disagree: none
        Record("t3", "Person", ["Иванова Мария Петровна"]),
        Record("t4", "Person", ["Ivanov Petr Sergeevich", "Петров П."]),
    ]
    PeopleGate(people, len(people), every_pair(people))
    kept = [r for r in people if r.derived_gender is not names.NOT_YET]
    assert len(kept) > len(people) // 2 and {"male", "female", None} <= {r.derived_gender for r in kept}
    assert [r.derived_gender for r in kept] == [names.person_gender(r.names) for r in kept]
    assert [r.derived_gender for r in people if r.id.startswith("t")] == ["female", None, "female", "male"]
    assert all(r.derived_words is not names.NOT_YET for r in kept)
    assert [r.derived_words for r in kept] == [names.person_words(r.names) for r in kept]
    assert next(r for r in people if r.id == "t4").derived_words == ("ivanov", "petr", "sergevich", "petrov")


def test_every_real_pair_the_gate_leaves_out_scores_below_review(real_people):
    numbers = every_pair(real_people)
    below = PeopleGate(real_people, len(real_people), numbers).below(len(real_people), numbers)
    assert below.sum() > len(numbers) // 2  # most pairs of unrelated people share no name part
    wrong = []
    for number in numbers[below].tolist():
        a, b = real_people[number // len(real_people)], real_people[number % len(real_people)]
        s = score(a, b)
        if s.value >= REVIEW:
            wrong.append((a.names, b.names, s.value, s.explanation))
    assert wrong == []


def test_the_gate_passes_every_real_pair_that_reaches_review(real_people):
    """The other side of the same check, counted: the pairs scoring at least REVIEW are all
    among those the gate passes to scoring, and there are some."""
    numbers = every_pair(real_people)
    below = PeopleGate(real_people, len(real_people), numbers).below(len(real_people), numbers)
    n = len(real_people)
    reaching = [i for i, x in enumerate(numbers.tolist()) if score(real_people[x // n], real_people[x % n]).value >= REVIEW]
    assert len(reaching) > 50
    assert not below[reaching].any()


def test_the_gate_tells_the_same_in_small_steps_as_at_once(real_people, monkeypatch):
    """The gate remembers each pair of tokens it looked up across its steps: asked a few pairs
    at a time (most of their tokens looked up before, some new), it tells what it tells at once."""
    numbers = every_pair(real_people)
    n = len(real_people)
    at_once = PeopleGate(copy.deepcopy(real_people), n, numbers).below(n, numbers)
    monkeypatch.setattr(gate_module, "CHUNK", 97)
    in_steps = PeopleGate(copy.deepcopy(real_people), n, numbers).below(n, numbers)
    assert at_once.sum() > len(numbers) // 2
    assert in_steps.tolist() == at_once.tolist()


def test_the_gate_leaves_out_names_sharing_no_part_and_two_fathers():
    people = [
        Record("x1", "Person", ["Петров Сергей Иванович"], birth_date="1970-01-01"),
        Record("x2", "Person", ["Сидорова Анна Павловна"], birth_date="1970-01-01"),  # no part shared
        Record("x3", "Person", ["Петров Сергей Николаевич"], birth_date="1970-01-01"),  # another father
        Record("x4", "Person", ["Petrov Sergey Ivanovich"], birth_date="1970-01-01"),  # the same person
        Record("x5", "Person", ["Petrov S. I."], birth_date="1970-01-01"),  # initials that fit
    ]
    numbers_all = every_pair(people)
    gate = PeopleGate(people, len(people), numbers_all)
    pairs = {(0, 1): True, (0, 2): True, (0, 3): False, (0, 4): False, (1, 3): True}
    numbers = np.array([i * len(people) + j for i, j in pairs], np.int64)
    assert gate.below(len(people), numbers).tolist() == list(pairs.values())


def test_the_gate_leaves_out_namesakes_who_share_one_part_and_keep_a_name_apart():
    """Namesakes share one part spelled alike and each keeps a given name the other lacks:
    scoring caps them at 0.5. One shared part is not enough where a side has nothing else
    (a lone surname), where the shared part is spelled two ways (rigour might tell two given
    names apart and ask a person), or where a second part fits."""
    people = [
        Record("n1", "Person", ["Иванов Сергей Петрович"], birth_date="1970-01-01"),
        Record("n2", "Person", ["Иванов Павел"], birth_date="1970-01-01"),  # namesakes
        Record("n3", "Person", ["Ivanov Pavel"]),  # namesakes of n1 in Latin, undated
        Record("n4", "Person", ["Иванов"], birth_date="1970-01-01"),  # nothing kept apart
        Record("n5", "Person", ["Ivanof Sergei Petrovich"], birth_date="1970-01-01"),  # the same man
        Record("n6", "Person", ["Ivanof Anton"]),  # one part, spelled two ways
        Record("n7", "Person", ["Ivanov P."], birth_date="1970-01-01"),  # the initial fits n2
        Record("n8", "Person", ["Ahmed Ahmed Hassan"]),
        Record("n9", "Person", ["Ahmed Omar"]),  # as n8, whose one word written twice may match twice
    ]
    numbers_all = every_pair(people)
    gate = PeopleGate(people, len(people), numbers_all)
    pairs = {(0, 1): True, (0, 2): True, (0, 3): False, (0, 4): False, (0, 5): False, (1, 6): False,
             (1, 2): False, (7, 8): False}
    numbers = np.array([i * len(people) + j for i, j in pairs], np.int64)
    assert gate.below(len(people), numbers).tolist() == list(pairs.values())
    for i, j in pairs:
        s = score(people[i], people[j])
        assert s.value < REVIEW or not pairs[(i, j)], (people[i].names, people[j].names, s.explanation)
    assert "different given names" in score(people[0], people[1]).explanation


def decisions(records, monkeypatch, gated: bool) -> list[tuple]:
    if not gated:
        monkeypatch.setattr(PeopleGate, "below", lambda self, width, numbers: np.zeros(len(numbers), bool))
    out = decide(records, Judgements(), Partition(), ResolveReport())
    monkeypatch.undo()
    return sorted((c.a.id, c.b.id, c.state, round(c.score, 6), c.explanation) for c in out)


def test_resolving_namesakes_with_the_gate_decides_as_scoring_every_pair(monkeypatch):
    records, _ = make_records(8000)
    with_gate = decisions(records, monkeypatch, True)
    assert with_gate == decisions(records, monkeypatch, False)
    assert sum(state == "auto" for _, _, state, _, _ in with_gate) > 100


def pairs_found(records, monkeypatch, on_arrays: bool) -> tuple[set, set, dict]:
    monkeypatch.setattr(blocking, "ON_ARRAYS", on_arrays)
    crowded: set[str] = set()
    stats: dict[str, int] = {}
    found = {(a.id, b.id) for a, b in blocking.candidates(records, stats, crowded)}
    monkeypatch.undo()
    return found, crowded, stats


def test_blocks_paired_on_arrays_give_the_pairs_of_python(monkeypatch, real_people):
    """Namesakes born the same day or undated, PSC people dated to a month (paired in month
    blocks, not with each other here), and the real people, whose dates come at every
    precision and in other forms ("circa 1960" stays in Python)."""
    records, _ = make_records(6000)
    records += [Record(f"m{i}", "Person", [f"{name} {surname}"], birth_date=f"196{i % 3}-0{1 + i % 2}",
                       nationality="British")
                for i, (name, surname) in enumerate((n, s) for n in ("John", "Jon", "Mary") for s in
                                                    ("Smith", "Smyth", "Jones", "Brown", "Browne") for _ in range(4))]
    # namesakes too many to compare in full (sorted neighbourhood): dated to a year, a month, none
    records += [Record(f"s{i}", "Person", [f"{('Smith', 'Smyth', 'Smithe')[i % 3]} {('John', 'Jon')[i % 2]} {chr(65 + i % 26)}"],
                       birth_date=(None, "1970", "1970-05", f"1970-05-{1 + i % 28:02d}")[i % 4]) for i in range(160)]
    records += real_people
    taken = []
    take = blocking._Blocks.take_whole
    monkeypatch.setattr(blocking._Blocks, "take_whole", lambda self, *a: taken.append(take(self, *a)) or taken[-1])
    on_arrays = pairs_found(records, monkeypatch, True)
    assert sum(len(rows) for rows in taken[0]) > 1000  # blocks paired on arrays
    assert on_arrays == pairs_found(records, monkeypatch, False)
    assert len(on_arrays[0]) > 4000
    assert on_arrays[2]["windowed_blocks"] > 0 and any(x.startswith("s") for x in on_arrays[1])
    assert any(a.startswith("m") and b.startswith("m") for a, b in on_arrays[0])  # month blocks too


def test_reasons_written_again_for_the_decisions_are_those_they_were_scored_with(monkeypatch):
    """Beyond ``EXPLAINED`` pairs reaching review, a scoring process keeps no reasons; the
    decisions get theirs after triage, before what triage added to them."""
    decide_module = sys.modules["graphkit.resolve.decide"]  # the package's ``decide`` is the function

    records, _ = make_records(8000)
    records += [Record("j1", "Person", ["Иванов Пётр Сергеевич"], birth_date="1961-02-03"),
                Record("j2", "Person", ["IVANOV Petr Sergeevich"], birth_date="1961-02-03")]
    judged = Judgements()
    judged.record("j1", "j2", Judgement.POSITIVE, note="one passport")  # triage adds the note to the reasons
    kept = sorted((c.a.id, c.b.id, c.state, c.explanation) for c in decide(records, judged, Partition(), ResolveReport()))
    monkeypatch.setattr(decide_module, "EXPLAINED", 0)
    monkeypatch.setenv("GRAPHKIT_EXPLAIN_APART", "-1")
    written = sorted((c.a.id, c.b.id, c.state, c.explanation) for c in decide(records, judged, Partition(), ResolveReport()))
    assert written == kept
    assert any(x[:2] == ("j1", "j2") and x[3].startswith("name parts") and x[3].endswith("one passport") for x in written)
    if forked.available():  # half of them written in a forked child
        monkeypatch.setenv("GRAPHKIT_EXPLAIN_APART", "2")
        apart = sorted((c.a.id, c.b.id, c.state, c.explanation) for c in decide(records, judged, Partition(), ResolveReport()))
        assert apart == kept


def psc_people(tmp_path: Path) -> list[Record]:
    """The individuals of a small synthetic PSC snapshot as ``uk-psc`` names them: the name as
    filed (often with a title) and its elements joined, dated to a month."""
    psc(tmp_path, 0.0003)
    out = []
    for n, line in enumerate((tmp_path / "psc-snapshot.txt").open(encoding="utf-8")):
        data = json.loads(line).get("data", {})
        if data.get("kind", "").startswith("individual"):
            parts = data.get("name_elements", {})
            joined = " ".join(parts[k] for k in ("forename", "middle_name", "surname") if parts.get(k))
            born = data["date_of_birth"]
            out.append(Record(f"psc{n}", "Person", list(dict.fromkeys([data["name"], joined])),
                              birth_date=f"{born['year']}-{born['month']:02d}", nationality=data.get("nationality")))
    return out


def test_a_persons_name_words_are_those_of_its_names_parsed_whole(tmp_path, real_people):
    """``overlap.name_words`` reads a person's names a written word at a time (``person_words``):
    the words ``names.person_name`` gives each name, titled forms and glued numbers included."""
    namesakes, _ = make_records(2000)
    people = psc_people(tmp_path) + real_people + namesakes + [Record("glued", "Person", ["7707083893 Ivanov Ivan"])]
    parsed = [frozenset(w for name in word_forms(r.names) for w in person_name(name).words) for r in people]
    assert [frozenset(name_words(r)) for r in people] == parsed
    assert all(len(set(words)) == len(words) for words in map(name_words, people))  # each word once
    assert sum(len(r.names) > 1 for r in people) > 1000 and sum(map(bool, parsed)) > 0.99 * len(parsed)
    # and the words, their spellings and the initials in order, of which blocking makes its keys
    # (``_parts``) and by which it sorts crowded parts (``_orders``)
    whole = [(list(pn.words), list(pn.spelled), list(pn.initials)) for r in people for pn in map(person_name, r.names)]
    assert [names.person_parts(name) for r in people for name in r.names] == whole
    assert sum(bool(initials) for *_, initials in whole) > 100


def nameless(r: Record) -> Record:
    """``r`` without its names: what meets by date or number alone."""
    out = copy.copy(r)
    out.names = []  # its words worked out again (``names.per_names``)
    return out


def test_a_month_dated_person_meets_the_blocks_its_name_words_meet(tmp_path, real_people):
    """``blocking._meeting`` reads a person's names a written word at a time, never parsing
    them whole: it must say what the words of ``overlap.name_words`` say, for names with
    titles, initials, particles and every script of the real samples."""
    others, _ = make_records(2000)
    others = [r for r in others + real_people if not blocking.month_dated(r)]
    blocks = blocking._Blocks(person_keys=True)
    blocking._add_keys(blocks, others, list(range(len(others))))
    may_meet, word_meets = blocking._meeting(blocks.person_keys)
    dated = psc_people(tmp_path) + real_people + [Record("glued", "Person", ["7707083893 Ivanov Ivan"])]
    assert len(dated) > 2000
    met = [may_meet(r) for r in dated]
    by_words = [may_meet(nameless(r)) or any(word_meets(w) for w in name_words(r)) for r in dated]
    assert met == by_words
    assert 0 < sum(met) < len(met)  # some meet the others' blocks, some do not


def test_an_oversized_block_splits_on_arrays_as_by_its_refinement_words():
    """A part for each refinement word, in the order the words first come, its members in
    their order, the initial-only members (``*``) in every part; no part of one record."""
    blocks = blocking._Blocks()
    refinements = [frozenset({"IFN", "SRK"}), frozenset({"*"}), frozenset({"PTR"}), frozenset({"*", "IFN"}),
                   frozenset({"ALK"}), frozenset()]
    members = list(range(30))
    for i in members:
        blocks.add("Person", [("m:SM0|I", refinements[i * 7 % 6])], i)
    block_members, block_refines = next(blocks.shared())
    expected: dict[str, list[int]] = {}
    wildcard = []
    for i, f in zip(block_members, block_refines, strict=True):
        for word in blocks.refines[f] - {"*"}:
            expected.setdefault(word, []).append(i)
        if "*" in blocks.refines[f]:
            wildcard.append(i)
    got = blocking._split_apart(np.array(block_members), np.array(block_refines), *blocks.refinement_words())
    assert got == [g + wildcard for g in expected.values()] and len(got) == 4
    assert all(set(wildcard) <= set(part) for part in got) and wildcard


def test_an_undated_persons_closest_names_are_the_first_of_a_stable_sort():
    """``_nearest`` picks each undated person's ``MAX_MEET`` closest names without sorting whole
    rows: the same columns, in the same order, as a stable sort by falling similarity (ties to
    the record first in the part), on rows with many ties and with the person's own cell at -1."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        rows, cols = int(rng.integers(1, 40)), int(rng.integers(1, 300))
        sims = rng.integers(0, int(rng.integers(1, 101)), (rows, cols)).astype(np.int64)
        sims[rng.random((rows, cols)) < 0.05] = -1
        k = int(rng.integers(1, 120))
        expected = [np.argsort(-row, kind="stable")[:k].tolist() for row in sims]
        assert blocking._closest(sims, k).tolist() == expected


def test_an_undated_person_meets_the_closest_names_of_a_block_that_writes_each_many_times():
    """``_nearest``'s pairs in a block of namesakes that writes most names many times, against
    comparing every undated person's forms with every record's, pair by pair (rapidfuzz's token
    set ratio in whole numbers, as ``cdist`` gives it): each undated person with the ``MAX_MEET``
    records of the closest names, in that order, ties to the record first in the part, the
    person's own pair left out."""
    from rapidfuzz import fuzz, process

    people = make_records(20_000)[0]
    surname = Counter(p.names[0].split()[0] for p in people).most_common(1)[0][0]
    block = [p for p in people if p.names[0].split()[0] == surname]
    # a record of every tenth of them again without its birth date, as another source gives it
    part = sorted(block + [dataclasses.replace(p, id=p.id + "-undated", birth_date=None) for p in block[::10]],
                  key=lambda r: r.id)
    undated = [i for i, r in enumerate(part) if not r.birth_date]
    assert len(part) > 2 * blocking.MAX_MEET and undated and len({r.names[0] for r in part}) < len(part)
    place = {id(r): k for k, r in enumerate(part)}
    got: dict[int, list[int]] = {}
    for a, b in blocking._nearest(part):
        got.setdefault(place[id(a)], []).append(place[id(b)])
    forms = [blocking._name_forms(r) for r in part]
    for i in undated:
        closeness = [-1 if j == i else int(process.cdist(forms[i], forms[j], scorer=fuzz.token_set_ratio,
                                                           dtype=np.uint8).max())
                     for j in range(len(part))]
        closest = sorted(range(len(part)), key=lambda j: -closeness[j])[:blocking.MAX_MEET]
        assert got[i] == [j for j in closest if j != i]
    assert list(got) == undated


def test_candidates_sorted_on_arrays_come_in_the_order_of_their_scores_and_ids(monkeypatch):
    """Scoring's candidates, strongest first and then by the ids of the two records, sorted on
    the ranks of the ids blocking worked out: the order of sorting the candidates themselves
    (half of them scored in a forked child, where there are children)."""
    decide_module = sys.modules["graphkit.resolve.decide"]
    records, _ = make_records(6000)
    pairs = decide_module.block(records).pairs
    assert pairs.rank is not None
    monkeypatch.setenv("GRAPHKIT_SCORE_APART_PAIRS", "2")
    on_arrays = decide_module._scored(pairs, ResolveReport(), None, frozenset(), None)
    monkeypatch.setenv("GRAPHKIT_SCORE_APART_PAIRS", "-1")
    pairs.rank = None
    in_python = decide_module._scored(pairs, ResolveReport(), None, frozenset(), None)
    assert len(on_arrays) > 500 and len({c.score for c in on_arrays}) > 5
    assert [(c.a.id, c.b.id) for c in on_arrays] == [(c.a.id, c.b.id) for c in in_python]
