"""A large resolution decides its firms in a process of its own while this one prepares the people
and finds their candidate pairs (graphkit/resolve/apart.py), and scores half of many candidate
pairs in another (graphkit/resolve/decide.py): the decisions, the explanations and the report
are those of the same resolution in one process, judgements included; an error or a death of
such a process leaves the graph as it was and says what happened."""

from __future__ import annotations

import importlib
import json
import os
import pickle
import signal
import sys
import time
from pathlib import Path

import pytest
from cases import LOAD_TIMES, graph_snapshot

import graphkit.resolve.apart as resolve_apart
from graphkit import forked
from graphkit.errors import GraphkitError, ResolutionError
from graphkit.load import load_files
from graphkit.resolve import blocking, load_records, resolve
from graphkit.resolve.judgements import Judgement, Judgements
from graphkit.resolve.namesakes import make_records
from graphkit.resolve.overlap import count_words, with_label
from graphkit.resolve.scoring import common_words
from graphkit.store.embedded import EmbeddedStore
from graphkit.synth.registries import psc

decide_module = importlib.import_module("graphkit.resolve.decide")  # the package's name is its function


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("psc")
    psc(folder, 0.0005)  # 5,000 lines: some 500 named firms and 4,000 people
    return folder / "psc-snapshot.txt"


def resolve_apart_or_not(monkeypatch, yes: bool) -> None:
    monkeypatch.setenv("GRAPHKIT_RESOLVE_APART_RECORDS", "0" if yes else "-1")


def loaded(folder: Path, snapshot: Path) -> EmbeddedStore:
    store = EmbeddedStore(folder)
    load_files(store, [snapshot], "uk-psc", on_error="skip", rejects_dir=folder.parent / f"{folder.name}-rejects")
    return store


def pairs_apart_or_not(monkeypatch, yes: bool) -> None:
    """Candidate pairs found (the records keyed and the blocks paired from both ends) and scored (the pairs
    from both ends) with forked children, or not."""
    monkeypatch.setenv("GRAPHKIT_KEYS_APART_RECORDS", "2" if yes else "-1")
    monkeypatch.setenv("GRAPHKIT_BLOCK_APART_WORK", "0" if yes else "-1")
    monkeypatch.setenv("GRAPHKIT_SCORE_APART_PAIRS", "2" if yes else "-1")


def resolved_both_ways(monkeypatch, tmp_path: Path, snapshot: Path, judgements: Judgements,
                       apart_or_not=resolve_apart_or_not) -> list[tuple]:
    out = []
    for yes in (True, False):
        apart_or_not(monkeypatch, yes)
        with loaded(tmp_path / f"graph-{yes}", snapshot) as store:
            report = resolve(store, judgements)
            counts = (report.records, report.pairs_scored, report.auto, report.pending, report.kept_apart,
                      report.not_asked, report.judgements_applied)
            decisions = [(c.label, c.a.id, c.b.id, c.score, c.explanation, c.state, c.torn) for c in report.decisions]
            out.append((counts, decisions, graph_snapshot(store, without=LOAD_TIMES)["SAME_AS"]))
    return out


def test_firms_decided_apart_give_the_decisions_of_one_process_judgements_included(monkeypatch, tmp_path, snapshot,
                                                                                  forks):
    resolve_apart_or_not(monkeypatch, False)
    with loaded(tmp_path / "first", snapshot) as store:
        first = resolve(store)
    firms = [c for c in first.decisions if c.label == "Company"]
    asked, other = [c for c in firms if c.state == "pending"][:2]
    judgements = Judgements.load(None)
    judgements.record(asked.a.id, asked.b.id, Judgement.POSITIVE, override=True)
    judgements.record(other.a.id, other.b.id, Judgement.NEGATIVE)

    apart, in_place = resolved_both_ways(monkeypatch, tmp_path, snapshot, judgements)
    assert len(forks) == 1  # the firms of the first resolution, decided apart
    assert apart == in_place
    counts, decisions, same_as = apart
    assert counts[6] == 2 and len(same_as) == len(decisions) > 100
    states = {(a, b): state for label, a, b, _, _, state, _ in decisions}
    assert states[asked.a.id, asked.b.id] == "accepted" and states[other.a.id, other.b.id] == "rejected"
    assert {label for label, *_ in decisions} == {"Company", "Person"}


def test_pairs_found_and_scored_half_apart_give_the_decisions_of_one_process(monkeypatch, tmp_path, snapshot, forks):
    resolve_apart_or_not(monkeypatch, False)
    with loaded(tmp_path / "first", snapshot) as store:
        first = resolve(store)
    asked = next(c for c in first.decisions if c.state == "pending" and c.label == "Person")
    judgements = Judgements.load(None)
    judgements.record(asked.a.id, asked.b.id, Judgement.NEGATIVE)

    apart, in_place = resolved_both_ways(monkeypatch, tmp_path, snapshot, judgements, pairs_apart_or_not)
    # half the firms keyed apart, half their blocks paired apart, and half the firms' pairs and
    # the people's scored apart (PSC people are keyed and paired in month blocks, on arrays: no
    # shared block of theirs to pair)
    assert len(forks) == 4
    assert apart == in_place
    counts, decisions, same_as = apart
    assert counts[1] > 1000 and len(same_as) == len(decisions) > 100
    assert {label for label, *_ in decisions} == {"Company", "Person"}


def test_a_scoring_process_that_is_killed_leaves_the_graph_and_says_so(monkeypatch, tmp_path, snapshot):
    pairs_apart_or_not(monkeypatch, True)
    with loaded(tmp_path / "graph", snapshot) as store:
        resolve(store)
        before = graph_snapshot(store)
        parent = os.getpid()

        def dies_apart(*args, **kwargs):
            if os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            return iter(())
        monkeypatch.setattr(sys.modules["graphkit.resolve.decide"], "_kept", dies_apart)  # the package's decide hides it
        with pytest.raises(GraphkitError, match="scoring candidate pairs was killed by signal 9 .*nothing was written "
                                                ".*GRAPHKIT_SCORE_APART_PAIRS=-1"):
            resolve(store)
        assert graph_snapshot(store) == before


def test_blocks_paired_half_apart_give_the_pairs_of_one_process_in_its_order(monkeypatch, forks):
    records, truth = make_records(20000)  # enough for parts too large to compare in full
    found = {}
    for yes in (True, False):
        pairs_apart_or_not(monkeypatch, yes)
        stats, crowded = {}, set()
        found[yes] = ([(a.id, b.id) for a, b in blocking.candidates(records, stats, crowded)], stats, crowded)
    # the later half of the records keyed, the orders of names ranked, the blocks paired from both ends
    assert len(forks) == 3
    assert found[True] == found[False]
    pairs, stats, crowded = found[True]
    assert len(pairs) == len(set(pairs)) > 15000 and stats["windowed_blocks"] > 0 and crowded
    assert len(truth & set(pairs)) > 0.9 * len(truth)


def test_pieces_of_work_shared_from_two_ends_are_each_taken_once():
    """A parent and its child take pieces from their ends as each is free, however their pace
    differs: every piece once, the parent's from the front, the child's from the back."""
    ends = forked.TwoEnds(40)

    def slow_child(_):
        taken = []
        while (k := ends.take(front=False)) is not None:
            taken.append(k)
            time.sleep(0.01)
        return taken
    job = forked.start(slow_child, "taking pieces", "")
    ours = []
    while (k := ends.take(front=True)) is not None:
        ours.append(k)
        time.sleep(0.002)
    theirs = job.result()
    ends.close()
    assert sorted(ours + theirs) == list(range(40))
    assert ours == list(range(len(ours))) and theirs == list(range(39, 39 - len(theirs), -1))
    assert len(ours) > len(theirs) > 0  # the faster process did more


def test_scorings_first_needs_are_met_while_a_process_finishes_the_pairs(monkeypatch, forks):
    """Many people outside month blocks: while a forked child finishes their candidate pairs (the
    undated's closest names), this process loads rigour's name tables and reads the people's
    names for scoring's gate. The pairs are those of one process, and the gate read ahead tells
    the pairs below review as a gate read for the pairs does."""
    records, _ = make_records(3000)
    loads = []
    monkeypatch.setattr(decide_module.people, "load_name_tables", lambda: loads.append(os.getpid()))
    monkeypatch.setattr(decide_module, "NAME_TABLES_AHEAD", 1000)
    pairs_apart_or_not(monkeypatch, True)
    apart = decide_module.block(records)
    # keyed, ranked, paired and finished in a child each; the tables loaded here
    assert len(forks) == 4 and loads == [os.getpid()] and apart.gate is not None
    pairs_apart_or_not(monkeypatch, False)
    in_place = decide_module.block(records)
    assert in_place.gate is None and len(loads) == 1  # the tables are loaded when scoring first asks
    assert list(apart.pairs.numbers) == list(in_place.pairs.numbers) and (apart.pairs.crowded == in_place.pairs.crowded).all()
    pairs = apart.pairs
    below = apart.gate.for_pairs(pairs.width, pairs.numbers).below(pairs.width, pairs.numbers)
    assert 0 < below.sum() < len(below)
    assert list(below) == list(decide_module.PeopleGate(pairs.records, pairs.width, pairs.numbers)
                               .below(pairs.width, pairs.numbers))

    monkeypatch.setattr(decide_module, "NAME_TABLES_AHEAD", len(records) + 1)  # too few people outside months
    pairs_apart_or_not(monkeypatch, True)
    assert decide_module.block(records).gate is None and len(loads) == 1


def test_a_pairing_process_that_is_killed_says_so(monkeypatch):
    records, _ = make_records(300)
    pairs_apart_or_not(monkeypatch, True)
    monkeypatch.setattr(blocking, "ON_ARRAYS", False)  # its blocks are small: all in Python, half apart
    parent, part_pairs = os.getpid(), blocking._part_pairs

    def dies_apart(*args):
        if os.getpid() != parent:  # killed as the kernel kills a process out of memory: without a word
            os.kill(os.getpid(), signal.SIGKILL)
        return part_pairs(*args)
    monkeypatch.setattr(blocking, "_part_pairs", dies_apart)
    with pytest.raises(GraphkitError, match="pairing the blocks of candidates was killed by signal 9 .*"
                                            "GRAPHKIT_BLOCK_APART_WORK=-1"):
        blocking.candidates(records)


def test_a_process_finishing_the_pairs_that_is_killed_says_so(monkeypatch):
    records, _ = make_records(300)
    pairs_apart_or_not(monkeypatch, True)
    parent, closest = os.getpid(), blocking._closest_of_undated

    def dies_apart(*args):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return closest(*args)
    monkeypatch.setattr(blocking, "_closest_of_undated", dies_apart)
    read = []
    with pytest.raises(GraphkitError, match="finishing the candidate pairs was killed by signal 9 .*"
                                            "GRAPHKIT_BLOCK_APART_WORK=-1"):
        blocking.candidates(records, meanwhile=read.append)
    assert len(read) == 1 and len(read[0]) == len(records)  # this process's work was done meanwhile


def test_a_keying_process_that_is_killed_says_so(monkeypatch):
    records, _ = make_records(300)
    pairs_apart_or_not(monkeypatch, True)
    parent, keys = os.getpid(), blocking.keys

    def dies_apart(*args, **kwargs):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return keys(*args, **kwargs)
    monkeypatch.setattr(blocking, "keys", dies_apart)
    with pytest.raises(GraphkitError, match="working out block keys was killed by signal 9 .*"
                                            "GRAPHKIT_KEYS_APART_RECORDS=-1"):
        blocking.candidates(records)


def test_a_ranking_process_that_is_killed_says_so(monkeypatch):
    records, _ = make_records(3000)  # parts of namesakes too large to compare in full: ranked by name
    pairs_apart_or_not(monkeypatch, True)
    parent, work = os.getpid(), blocking._NameOrders._work

    def dies_apart(self):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return work(self)
    monkeypatch.setattr(blocking._NameOrders, "_work", dies_apart)
    with pytest.raises(GraphkitError, match="ranking names for blocking was killed by signal 9 .*"
                                            "GRAPHKIT_KEYS_APART_RECORDS=-1"):
        blocking.candidates(records)


def test_a_process_already_apart_splits_its_work_again_only_on_more_than_two_cores(monkeypatch):
    monkeypatch.setenv("GRAPHKIT_SCORE_APART_PAIRS", "0")
    assert forked.threshold("GRAPHKIT_SCORE_APART_PAIRS", 200_000) == 0  # here, the resolving process
    in_child = forked.start(lambda _: forked.threshold("GRAPHKIT_SCORE_APART_PAIRS", 200_000), "asking", "")
    assert in_child.result() == (0 if len(os.sched_getaffinity(0)) > 2 else None)


def test_an_error_in_the_firms_process_is_raised_here_and_the_graph_keeps_its_decisions(monkeypatch, tmp_path,
                                                                                        snapshot):
    resolve_apart_or_not(monkeypatch, True)
    with loaded(tmp_path / "graph", snapshot) as store:
        resolve(store)
        before = graph_snapshot(store)
        a, b = sorted(r.id for r in load_records(store)["Company"])[:2]  # two firms, two company numbers
        path = tmp_path / "judgements.jsonl"
        path.write_text(json.dumps({"a": a, "b": b, "judgement": "positive"}) + "\n", encoding="utf-8")
        with pytest.raises(ResolutionError, match="cannot be accepted as one .*different UK company number"):
            resolve(store, Judgements.load(path))
        assert graph_snapshot(store) == before


def test_a_firms_process_that_is_killed_leaves_the_graph_and_says_so(monkeypatch, tmp_path, snapshot):
    resolve_apart_or_not(monkeypatch, True)
    with loaded(tmp_path / "graph", snapshot) as store:
        resolve(store)
        before = graph_snapshot(store)
        # the firms' process dies as the kernel kills a process out of memory: without a word
        monkeypatch.setattr(resolve_apart, "decide", lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
        with pytest.raises(GraphkitError, match="resolving the firms was killed by signal 9 .*nothing was written"):
            resolve(store)
        assert graph_snapshot(store) == before


def test_small_resolutions_stay_in_one_process(monkeypatch, tmp_path, snapshot):
    with loaded(tmp_path / "graph", snapshot) as store:
        records = load_records(store)
    firms, people = len(records["Company"]), len(records["Person"])
    monkeypatch.delenv("GRAPHKIT_RESOLVE_APART_RECORDS", raising=False)
    assert firms + people < resolve_apart.RESOLVE_APART_RECORDS
    assert not resolve_apart.wanted(firms, people)
    monkeypatch.setenv("GRAPHKIT_RESOLVE_APART_RECORDS", "0")
    assert resolve_apart.wanted(firms, people)
    assert not resolve_apart.wanted(firms, 0)  # nothing to do meanwhile
    monkeypatch.setenv("GRAPHKIT_RESOLVE_APART_RECORDS", "-1")
    assert not resolve_apart.wanted(firms, people)


def test_the_firms_word_counts_and_the_peoples_counted_apart_are_those_of_all_records(tmp_path, snapshot):
    with loaded(tmp_path / "graph", snapshot) as store:
        records = load_records(store)
    firms, people = records["Company"], records["Person"]
    whole = common_words(firms + people)
    joined = with_label(common_words(firms), "Person", people)
    assert (set(joined), joined.records) == (set(whole), whole.records)
    for label in ("Company", "Person"):
        assert joined.counts_of(label) == whole.counts_of(label) == count_words(records[label])
    assert whole.counts_of("Person") and whole.counts_of("Company") and set(whole)
    sent = pickle.loads(pickle.dumps(with_label(common_words(firms), "Person", people)))  # as a child sends it
    assert sent.counts == whole.counts and not sent.later
