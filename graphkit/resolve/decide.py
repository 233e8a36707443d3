"""Deciding the candidate pairs of one label: people's judgements first, then every pair
scored, strongest first, merged automatically (``auto``), sent to a person (``pending``) or
dropped, with the gates that keep a merge from a person: records torn between two that cannot
be one, names several registered firms carry, merges that change a sanctions listing, and at
most ``MAX_QUESTIONS`` questions a record. ``graphkit.resolve`` runs it label by label.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from graphkit import forked
from graphkit.errors import ResolutionError
from graphkit.identifiers import conflicts, describe_conflict, shared
from graphkit.resolve import constraints, people, registry_people
from graphkit.resolve.blocking import Pairs, candidates
from graphkit.resolve.clusters import UnionFind
from graphkit.resolve.gate import PeopleGate
from graphkit.resolve.judgements import Judgement, Judgements, Partition
from graphkit.resolve.names import firm_name
from graphkit.resolve.overlap import weak_pair
from graphkit.resolve.scoring import AUTO, REVIEW, Record, below_review, common_words, score


@dataclass(slots=True)  # no per-pair __dict__: 0.9M pairs reach review at a million names
class Candidate:
    label: str
    a: Record
    b: Record
    score: float
    explanation: str
    state: str  # auto | accepted | rejected | unsure | pending | below
    names_only: float | None = None  # see scoring.Score.names_only
    torn: bool = False  # matches two records that cannot be one: never merged automatically
    #: below AUTO: whether ``overlap.weak_pair`` holds for the pair (worked out as it is scored,
    #: in whichever process scores it); None where not worked out
    weak: bool | None = field(default=None, compare=False, repr=False)
    #: the score's reasons are not in ``explanation`` yet (only what was added to them): beyond
    #: ``EXPLAINED`` pairs they are written for the pairs that remain decisions (``_explained``),
    #: not kept for every pair that reached review (1.9M at a million names, 330 bytes each)
    unexplained: bool = field(default=False, compare=False, repr=False)


@dataclass
class ResolveReport:
    records: dict[str, int] = field(default_factory=dict)
    pairs_scored: int = 0
    pairs_gated: int = 0  # of those, told below review on arrays and not scored one by one (``gate``)
    pairs_reaching_review: int = 0  # of those, scoring at least REVIEW (then triaged)
    auto: int = 0
    pending: int = 0
    kept_apart: int = 0  # scored high enough but a rejection or a hard rule keeps them apart
    not_asked: int = 0  # in the review band, but the names share almost nothing and no fact confirms them
    judgements_applied: int = 0
    decisions: list[Candidate] = field(default_factory=list)


def decide(records: list[Record], judgements: Judgements, partition: Partition,
           report: ResolveReport, observe: Callable[[Record, Record], None] | None = None,
           common: frozenset[str] | None = None, focus: set[str] | None = None,
           prepared: bool = False, blocked: Blocked | None = None) -> list[Candidate]:
    """Score every candidate pair of one label and decide, strongest first.

    ``observe`` is called with every candidate pair (benchmarks use it to measure blocking);
    ``focus``: only pairs with a record among these are scored (a judgement's re-decision);
    ``prepared``: ``partition`` was already set up with ``prepare`` for these records;
    ``blocked``: the records' candidate pairs, found before (``block``)."""
    with _no_cycle_collection():
        if not prepared:
            prepare(records, judgements, partition, report)
        return _decide(records, judgements, partition, report, observe, common, focus, blocked or block(records))


@dataclass
class Blocked:
    """The candidate pairs of one label's records (``blocking.candidates``); ``gate``: the
    people's names read ahead for scoring's gate while the pairs were being finished, if they
    were."""

    pairs: Pairs
    gate: PeopleGate | None = None


def block(records: list[Record]) -> Blocked:
    """The candidate pairs of ``records``. They depend on the records' names, dates and numbers
    alone, not on the firms a person is tied to: a resolution finds the people's while its
    firms are decided in another process (``resolve._run``)."""
    ahead = _Ahead() if _outside_months(records, NAME_TABLES_AHEAD) else None
    pairs = candidates(records, meanwhile=ahead)
    return Blocked(pairs, ahead.gate if ahead is not None else None)


class _Ahead:
    """What scoring many people outside month blocks needs first, done while a forked child
    finishes their candidate pairs (the undated's closest names, one core for about 15 s at a
    million names): rigour's name tables loaded (6 s of one core, holding the interpreter; the
    scoring processes forked later share them instead of each building its own) and the people's
    names read for the gate (``PeopleGate.read_ahead``: 9 s of one core)."""

    def __init__(self) -> None:
        self.gate: PeopleGate | None = None

    def __call__(self, records: list[Record]) -> None:
        people.load_name_tables()
        self.gate = PeopleGate.read_ahead(records)


NAME_TABLES_AHEAD = 50_000  # people outside month blocks from whom scoring's first needs are met ahead (``_Ahead``)


def _outside_months(records: list[Record], at_least: int) -> bool:
    """Whether at least ``at_least`` of ``records`` are people not dated to a month (whom scoring
    aligns word by word; those dated to a month ``registry_people`` decides)."""
    count = 0
    for r in records:
        if r.label == "Person" and not registry_people.month_dated(r):
            count += 1
            if count >= at_least:
                return True
    return False


def _decide(records: list[Record], judgements: Judgements, partition: Partition, report: ResolveReport,
            observe: Callable[[Record, Record], None] | None, common: frozenset[str] | None,
            focus: set[str] | None, blocked: Blocked) -> list[Candidate]:
    common = common_words(records) if common is None else common
    scored = _scored(blocked.pairs, report, observe, common, focus, blocked.gate)
    torn = _torn_between(scored, partition)
    shared_names = _names_of_several_firms(records) if records and records[0].label == "Company" else {}
    listing = any(r.listed for r in records)  # whether a merge may change a sanctions listing at all
    out = [c for c in scored if _triage(c, judgements, partition, report, torn, shared_names, common, listing)]
    for c in out:  # what the second look after people are resolved must leave to a person
        c.torn = c.state == "pending" and (c.a.id in torn or c.b.id in torn or _on_names(c, shared_names))
    _note_unique_names(out, scored, blocked, partition)
    out = _strongest_questions(out, report)
    # a pair that later merges joined through others is no longer a question
    still = [c for c in out if not (c.state == "pending" and partition.find(c.a.id) == partition.find(c.b.id))]
    report.pending -= len(out) - len(still)
    out = still
    _explained(out, common)
    # judged pairs that blocking did not propose are decisions too (none without judgements:
    # the look-ups of a million records were a second of one core)
    proposed = {(c.a.id, c.b.id) for c in out} if judgements.decisions else set()
    recs = {r.id: r for r in records} if judgements.decisions else {}
    for d in judgements:
        if d.a in recs and d.b in recs and d.key() not in proposed:
            a, b = recs[d.key()[0]], recs[d.key()[1]]
            s = score(a, b)
            out.append(Candidate(a.label, a, b, s.value, s.explanation + "; judged by a person" + _judged_note(d),
                                 d.judgement.same_as_state))
    return out


def prepare(records: list[Record], judgements: Judgements, partition: Partition, report: ResolveReport) -> None:
    """Set the partition up before any score: what two records of one entity cannot disagree
    on, and people's judgements first (they bind, and constrain what is merged automatically)."""
    ids = {r.id for r in records}
    if any(registry_people.month_dated(r) and r.population is None for r in records):
        registry_people.count(records)
    constraints.configure(partition)
    by_id = {r.id: r for r in records}
    partition.read_facts(by_id, constraints.facts)  # each record's facts read when first asked
    for r in records:
        if r.listed:
            partition.note(r.id, "listed", "yes")
    for d in judgements:
        if d.a in ids and d.b in ids:
            report.judgements_applied += 1
            if d.judgement is Judgement.POSITIVE:
                refuse_across_numbers(by_id[d.a], by_id[d.b], d.override, where=judgements.path)
                partition.union(d.a, d.b, force=True)
            elif d.judgement is Judgement.NEGATIVE:
                partition.separate(d.a, d.b)


def _scored(pairs: Pairs, report: ResolveReport, observe: Callable[[Record, Record], None] | None,
            common: frozenset[str], focus: set[str] | None, ahead: PeopleGate | None = None) -> list[Candidate]:
    """The candidate pairs scoring at least REVIEW, strongest first. Many pairs (at least
    ``GRAPHKIT_SCORE_APART_PAIRS``) are scored in slices shared with a forked child
    (``graphkit/forked.py``): both cores busy on what is most of a large resolution's time."""
    if focus is not None:
        pairs = pairs.where(np.fromiter((a.id in focus or b.id in focus for a, b in pairs), bool, len(pairs)))
    if observe is not None:
        for a, b in pairs:
            observe(a, b)
    report.pairs_scored += len(pairs)
    # pairs of people that surely score below REVIEW are told on arrays (names that share no
    # part, patronymics of two fathers), by each scoring process for its own pairs
    # (``ahead``: the gate that read the people while the pairs were finished, on these records)
    gate = PeopleGate(pairs.records, pairs.width, pairs.numbers) if ahead is None \
        else ahead.for_pairs(pairs.width, pairs.numbers)
    limit = forked.threshold("GRAPHKIT_SCORE_APART_PAIRS", SCORE_APART_PAIRS)
    job, ends, size = None, None, max(len(pairs), 1)
    if limit is not None and len(pairs) >= max(limit, 2):
        # slices of pairs shared out as each process is free: this one takes them from the
        # front, a forked child from the back. A slice keeps a block's pairs together (and in
        # the caches of one process); the pairs of one kind come together in the order found and
        # cost differently, so halves by position left one process at work alone for minutes at
        # a million names, and every other slice still left one alone for seconds
        size = min(SCORE_SLICE, max(len(pairs) // 16, 1))
        ends = forked.TwoEnds(-(-len(pairs) // size))
        job = forked.start(lambda _: (_Kept.of(_kept(pairs, common, gate, ends.slices(False, size, len(pairs)))),
                                      gate.left_out), "scoring candidate pairs",
                           "set GRAPHKIT_SCORE_APART_PAIRS=-1 to score in this process")
    at: list[int] = []  # the position in ``pairs`` of each pair kept
    try:
        with job or nullcontext():
            spans = ends.slices(True, size, len(pairs)) if ends is not None else [(0, len(pairs))]
            scored = _candidates(pairs, _kept(pairs, common, gate, spans), at)
            if job is not None:
                theirs_kept, theirs_left_out = job.result()
                scored += _candidates(pairs, theirs_kept, at)
                del theirs_kept
                report.pairs_gated += theirs_left_out
    finally:
        if ends is not None:
            ends.close()
    scored = _strongest_first(scored, pairs, np.asarray(at, np.int64))
    report.pairs_gated += gate.left_out
    report.pairs_reaching_review += len(scored)
    return scored


SCORE_APART_PAIRS = 200_000  # candidate pairs from which some are scored in a forked child (Linux)
SCORE_SLICE = 1 << 17  # pairs in one slice of those shared out between the two scoring processes


EXPLAINED = 100_000  # pairs reaching review whose reasons a scoring process keeps; the others': ``_explained``


def _kept(pairs: Pairs, common: frozenset[str], gate: PeopleGate,
          spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, float, str | None, float | None, bool | None]]:
    """(position in ``pairs``, score, explanation, names_only, weak) of each pair scoring at
    least REVIEW; ``weak`` (below AUTO only) whether ``weak_pair`` holds, which triage asks of
    most pairs below AUTO and which depends on the two records and the word counts alone.
    Pairs ``gate`` calls surely below REVIEW are not scored. The explanation is None after the
    first ``EXPLAINED`` (written again for those that remain decisions: ``_explained``): most
    such pairs of a large run are dropped by triage, and their reasons were most of its memory."""
    explained = 0
    for start, stop in spans:
        below = gate.below(pairs.width, pairs.numbers[start:stop])
        for i, a, b in pairs.among(start + np.flatnonzero(~below)):
            if below_review(a, b, common):
                continue
            s = score(a, b, common, explain=False)  # reasons in full where kept (at least REVIEW)
            if s.value >= REVIEW:
                explained += 1
                yield (i, s.value, s.explanation if explained <= EXPLAINED else None, s.names_only,
                       weak_pair(a, b, common) is not None if s.value < AUTO else None)


class _Kept:
    """What ``_kept`` yields, as columns: what a scoring child sends back. A tuple each was about
    170 bytes a pair (0.44M pairs at a million names), all held at once where the resolving
    process took them, at its peak."""

    def __init__(self, at: array[int], value: array[float], why: list[str | None], names_only: array[float],
                 weak: array[int]):
        self.at = np.frombuffer(at, np.int64)
        self.value, self.why, self.names_only, self.weak = value, why, names_only, weak

    @classmethod
    def of(cls, kept: Iterable[tuple[int, float, str | None, float | None, bool | None]]) -> _Kept:
        at, value, why, names_only, weak = array("q"), array("d"), [], array("d"), array("b")
        for i, v, w, n, k in kept:
            at.append(i)
            value.append(v)
            why.append(w)
            names_only.append(math.nan if n is None else n)
            weak.append(-1 if k is None else k)
        return cls(at, value, why, names_only, weak)

    def __iter__(self) -> Iterator[tuple[int, float, str | None, float | None, bool | None]]:
        for i, v, w, n, k in zip(self.at.tolist(), self.value, self.why, self.names_only, self.weak, strict=True):
            yield i, v, w, None if math.isnan(n) else n, None if k < 0 else k == 1


def _candidates(pairs: Pairs, kept: Iterable[tuple[int, float, str | None, float | None, bool | None]],
                at: list[int]) -> list[Candidate]:
    """The candidates of the pairs ``kept``; their positions in ``pairs`` appended to ``at``."""
    out = []
    for i, value, explanation, names_only, weak in kept:
        a, b = pairs.at(i)
        out.append(Candidate(a.label, a, b, value, explanation or "", "below", names_only, weak=weak,
                             unexplained=explanation is None))
        at.append(i)
    return out


def _strongest_first(scored: list[Candidate], pairs: Pairs, at: np.ndarray) -> list[Candidate]:
    """``scored`` (the pairs at positions ``at`` of ``pairs``) by falling score, then by the ids
    of their first and second records; on arrays where the pairs rank their records' ids (a
    sort of tuples of strings was 3 s of one core for 0.9M candidates)."""
    if pairs.rank is None:
        return sorted(scored, key=lambda c: (-c.score, c.a.id, c.b.id))
    first, second = np.divmod(pairs.numbers[at], pairs.width)
    values = np.fromiter((c.score for c in scored), np.float64, len(scored))
    return [scored[i] for i in np.lexsort((pairs.rank[second], pairs.rank[first], -values)).tolist()]


def _explained(decisions: list[Candidate], common: frozenset[str]) -> None:
    """The score's reasons written into the explanation of each decision that lacks them,
    before what triage added (scoring is a pure function of the two records and ``common``:
    the reasons are those the pair was scored with). Many (at least ``GRAPHKIT_EXPLAIN_APART``)
    are written half in a forked child: about 6 s of one core at a million names."""
    todo = [c for c in decisions if c.unexplained]
    limit = forked.threshold("GRAPHKIT_EXPLAIN_APART", EXPLAIN_APART)
    theirs = todo[len(todo) // 2:] if limit is not None and len(todo) >= max(limit, 2) else []
    job = forked.start(lambda _: [score(c.a, c.b, common).explanation for c in theirs],
                       "writing the reasons of decisions",
                       "set GRAPHKIT_EXPLAIN_APART=-1 to write them in this process") if theirs else None
    with job or nullcontext():
        for c in todo[:len(todo) - len(theirs)]:
            c.explanation = score(c.a, c.b, common).explanation + c.explanation
            c.unexplained = False
        if job is not None:
            for c, reasons in zip(theirs, job.result(), strict=True):
                c.explanation = reasons + c.explanation
                c.unexplained = False


EXPLAIN_APART = 20_000  # decisions whose reasons are written again, from which half are written in a forked child


def _triage(c: Candidate, judgements: Judgements, partition: Partition, report: ResolveReport,
            torn: dict[str, str], shared_names: dict[str, str], common: frozenset[str], listing: bool = True) -> bool:
    """Decide one scored pair, strongest first: set its state (judged, auto, pending) and
    count it; False for a pair that is no decision (kept apart, already one, not asked).
    ``listing`` False: no record is listed (``_changes_listing`` holds for no pair)."""
    judged = judgements.get(c.a.id, c.b.id)
    if judged is not None:
        c.state = judged.judgement.same_as_state
        c.explanation += _judged_note(judged)
    elif partition.kept_apart(c.a.id, c.b.id):
        report.kept_apart += 1
        return False
    elif c.score >= AUTO and (c.a.id in torn or c.b.id in torn or _on_names(c, shared_names)):
        if partition.find(c.a.id) == partition.find(c.b.id):
            return False
        c.state = "pending"
        c.explanation += "; " + (torn.get(c.a.id) or torn.get(c.b.id) or shared_names.get(c.a.id)
                                 or shared_names.get(c.b.id, ""))
        report.pending += 1
    elif c.score >= AUTO and listing and (gate := _changes_listing(c, partition)):
        if partition.find(c.a.id) == partition.find(c.b.id):
            return False
        c.state = "pending"
        c.explanation += "; " + gate
        report.pending += 1
    elif c.score >= AUTO:
        if not partition.union(c.a.id, c.b.id, confirmed=bool(shared(c.a.registry_ids, c.b.registry_ids))):
            report.kept_apart += 1
            return False
        c.state = "auto"
        report.auto += 1
    elif partition.find(c.a.id) == partition.find(c.b.id):
        return False  # already one entity through other pairs: nothing to ask
    elif c.weak if c.weak is not None else weak_pair(c.a, c.b, common) is not None:
        report.not_asked += 1  # names that share almost nothing, and nothing confirms them
        return False
    else:
        c.state = "pending"
        report.pending += 1
    return True


def _changes_listing(c: Candidate, partition: Partition) -> str | None:
    """Why an automatic merge of ``c`` must wait for a person: it would put a record on a
    sanctions list into one entity with records no list names (or the reverse), and no registry
    number the two share confirms it. None if the merge changes no listing."""
    listed = ["listed" in partition.facts_of(x) for x in (c.a.id, c.b.id)]
    if listed[0] == listed[1] or shared(c.a.registry_ids, c.b.registry_ids):
        return None
    return "merging would change a sanctions status (one side is listed, the other not) and no registry number " \
           "confirms it: a person decides"


def _judged_note(d: Any) -> str:
    note = f"; reviewer: {d.note}" if d.note else ""
    if d.override:
        note += "; accepted by a person over different registry numbers (explicit override)"
    return note


def refuse_across_numbers(a: Record, b: Record, override: bool, where: Any = None) -> None:
    """Raise ResolutionError if ``a`` and ``b`` carry different numbers of one scheme and the
    person accepting them as one did not say ``override``."""
    clash = conflicts(a.registry_ids, b.registry_ids)
    if clash and not override:
        found = "; ".join(describe_conflict(*c) for c in clash)
        source = f" (judgement in {where})" if where else ""
        raise ResolutionError(f"{a.id} and {b.id} cannot be accepted as one{source}: {found}. "
                              "If you are sure, accept again with --override; the explanation will say so")


def _names_of_several_firms(records: list[Record]) -> dict[str, str]:
    """Records whose name is also the name of two or more registered firms with different numbers
    (there are many ООО «Альфа»), each with a note: without a number, such a name does not say
    which firm is meant, so it never joins two records on its own."""
    registered: dict[tuple[Any, ...], list[Record]] = defaultdict(list)
    keyed: dict[str, set[tuple[Any, ...]]] = {}
    for r in records:
        keys = {(fn.form, fn.words, fn.marks) for fn in map(firm_name, r.names) if fn.words}
        keyed[r.id] = keys
        if r.registry_ids:
            for k in keys:
                registered[k].append(r)
    ambiguous = {k: len(firms) for k, firms in registered.items() if len(firms) > 1 and any(
        conflicts(x.registry_ids, y.registry_ids) for i, x in enumerate(firms) for y in firms[i + 1:])}
    out: dict[str, str] = {}
    for r in records:
        name = next((k for k in keyed[r.id] if k in ambiguous), None)
        if name is not None:
            out[r.id] = (f"{ambiguous[name]} registered firms with different numbers carry the name "
                         f"{' '.join(name[1])!r}: a person decides")
    return out


def _on_names(c: Candidate, shared_names: dict[str, str]) -> bool:
    """Whether a pair would be joined on a name several registered firms carry (no number shared)."""
    return (c.a.id in shared_names or c.b.id in shared_names) and not shared(c.a.registry_ids, c.b.registry_ids)


MAX_QUESTIONS = 3  # pairs waiting for review per record: its strongest candidates


def _strongest_questions(out: list[Candidate], report: ResolveReport) -> list[Candidate]:
    """Keep a record's ``MAX_QUESTIONS`` strongest pairs waiting for review and drop the rest
    (``out`` is strongest first): a person asked about "Verlagsgesellschaft mbH" firms should
    see the likely match, not every firm whose name shares two words with it."""
    asked: dict[str, int] = defaultdict(int)
    kept = []
    for c in out:
        if c.state == "pending" and (asked[c.a.id] >= MAX_QUESTIONS or asked[c.b.id] >= MAX_QUESTIONS) \
                and not shared(c.a.registry_ids, c.b.registry_ids):  # a shared number is always asked
            report.pending -= 1
            continue
        if c.state == "pending":
            asked[c.a.id] += 1
            asked[c.b.id] += 1
        kept.append(c)
    return kept


def _torn_between(scored: list[Candidate], partition: Partition) -> dict[str, str]:
    """Records that match two records which cannot be one entity (their birth dates, fathers'
    names or registry ids disagree), each with a note naming them: "Erlan Lebedbai", born
    1983-12-25, matches Lebedbai Erlan Ilyich and Lebedbai Erlan Mikhailovich born that day, and
    whichever scored higher is a guess. Such records are never merged automatically."""
    strong: dict[str, list[Record]] = defaultdict(list)
    for c in scored:
        if c.score >= AUTO:
            strong[c.a.id].append(c.b)
            strong[c.b.id].append(c.a)
    torn: dict[str, str] = {}
    for x, matches in strong.items():
        for i, y in enumerate(matches):
            clash = next(((z, key) for z in matches[i + 1:] if (key := partition.conflict(x, y.id, z.id))), None)
            if clash is not None:
                z, key = clash
                torn[x] = (f"also matches {z.names[0]!r} and {y.names[0]!r}, who cannot be one "
                           f"({key} differs): a person decides")
                break
    return torn


def _note_unique_names(out: list[Candidate], scored: list[Candidate], blocked: Blocked,
                       partition: Partition) -> None:
    """Say so on a pending pair whose names alone reach AUTO and where neither record has
    another compatible record: the strongest kind of names-only question for a reviewer.

    It is not merged: on a registry scenario the only two records of "Смирнов Алексей
    Владимирович" in the data were two men born 26 years apart, and the officer links printed
    through them named the wrong firms. A name, however rare in the data, is not a person."""
    asked = [c for c in out if c.state == "pending" and c.names_only is not None and c.names_only >= AUTO]
    crowded = blocked.pairs.crowded_ids({x for c in asked for x in (c.a.id, c.b.id)}) if asked else set()
    asked = [c for c in asked if c.a.id not in crowded and c.b.id not in crowded]
    if not asked:
        return
    wanted = {x for c in asked for x in (c.a.id, c.b.id)}
    near: dict[str, set[str]] = defaultdict(set)  # of the records of those pairs only
    for c in scored:
        if c.a.id in wanted:
            near[c.a.id].add(c.b.id)
        if c.b.id in wanted:
            near[c.b.id].add(c.a.id)

    def others(x: str) -> set[str]:
        return {partition.find(y) for y in near[x] if not partition.kept_apart(x, y)} - {partition.find(x)}

    for c in asked:
        if others(c.a.id) == {partition.find(c.b.id)} and others(c.b.id) == {partition.find(c.a.id)}:
            c.explanation += "; no other record in the data is compatible with either name (still a person decides)"


def _confirm_by_people(decisions: list[Candidate], people: UnionFind, firms: Partition,
                       report: ResolveReport) -> None:
    """A second look at the firms waiting for review, now that people are resolved: the press's
    "Aspan Arba" and the registry's ТОО «Аспан Арба» share no person record, but they share
    Ilya Goldberg once his records are one. Such a pair is scored again with its officers and
    addresses as resolved entities, and merged if that now reaches ``AUTO`` (the rules are the
    same: names that differ by a number, a legal-form family or word order never get there)."""
    for c in decisions:
        if c.state != "pending" or c.torn or _changes_listing(c, firms):
            continue
        if shared(c.a.registry_ids, c.b.registry_ids):  # a number under unrelated names: officers do not settle it
            continue
        a = replace(c.a, context={people.find(x) for x in c.a.context})
        b = replace(c.b, context={people.find(x) for x in c.b.context})
        s = score(a, b)
        if s.value >= AUTO and firms.union(c.a.id, c.b.id, confirmed=bool(shared(c.a.registry_ids, c.b.registry_ids))):
            c.state, c.score = "auto", s.value
            c.explanation = s.explanation + "; the shared officers are resolved people"
            report.pending -= 1
            report.auto += 1


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while resolution builds its records and pairs: each full
    collection walks every object alive (hundreds of thousands of records and their names), and
    at 200k PSC lines those walks were about a quarter of the time. Resolution makes no
    reference cycles it relies on the collector to free; memory is released as before by
    reference counting, and the collector runs again afterwards.

    What is still alive then (the name caches, the decisions) goes straight to the oldest
    generation (``gc.freeze`` then ``gc.unfreeze``), where it would end up anyway: re-enabled,
    the collector would otherwise begin by walking all of it as young objects, a second or
    more at 200k PSC lines. Only a full collection looks at it again, when one is due."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
