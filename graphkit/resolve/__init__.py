"""Entity resolution across registries, scripts and spellings: explainable and reviewable.

``resolve(store, judgements)`` scores candidate pairs (see ``blocking`` and ``scoring``) and
records its decisions in the graph as SAME_AS relationships carrying ``score``,
``explanation``, ``method`` and ``judgement``:

- ``auto``: the score reached ``scoring.AUTO``; the records are one entity. Two people whose
  names agree but whom nothing else confirms (no birth dates, no shared firm) are merged only
  when the names alone reach ``AUTO`` and neither record has any other compatible record in the
  data: no namesake that the name could as well mean. Records in blocks too crowded to compare
  exhaustively are never merged this way;
- ``accepted`` / ``rejected`` / ``unsure``: a person's judgement from the judgements file;
- ``pending``: the score is in the review band; ``graphkit review`` lists these.

Only ``auto`` and ``accepted`` join clusters, and every query follows only those. Firms are
resolved first, so people can be compared by the (resolved) firms they are tied to. Rerunning
replaces every earlier decision of this module; judgements are re-applied each time.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from graphkit import dates
from graphkit.errors import NotFound, ResolutionError
from graphkit.identifiers import conflicts, describe_conflict, is_registry_id, shared
from graphkit.model import Provenance, Rel, now_iso
from graphkit.resolve import constraints, registry_people
from graphkit.resolve.blocking import candidates, keys
from graphkit.resolve.clusters import Clusters, UnionFind
from graphkit.resolve.judgements import Judgement, Judgements, Partition
from graphkit.resolve.names import firm_name
from graphkit.resolve.overlap import weak_pair
from graphkit.resolve.scoring import AUTO, NEVER, REVIEW, Record, common_words, score
from graphkit.store.base import Store

METHOD = "graphkit-resolve"


@dataclass
class Candidate:
    label: str
    a: Record
    b: Record
    score: float
    explanation: str
    state: str  # auto | accepted | rejected | unsure | pending | below
    names_only: float | None = None  # see scoring.Score.names_only
    torn: bool = False  # matches two records that cannot be one: never merged automatically


@dataclass
class ResolveReport:
    records: dict[str, int] = field(default_factory=dict)
    pairs_scored: int = 0
    auto: int = 0
    pending: int = 0
    kept_apart: int = 0  # scored high enough but a rejection or a hard rule keeps them apart
    not_asked: int = 0  # in the review band, but the names share almost nothing and no fact confirms them
    judgements_applied: int = 0
    decisions: list[Candidate] = field(default_factory=list)


def _numbers(node_id: str, registry_ids: list[str] | None) -> list[str]:
    """A record's registry numbers, the one its node is keyed by included (a firm keyed
    ``ru-inn:…`` carries that INN whatever its ``registry_ids`` say)."""
    out = list(registry_ids or [])
    if _keyed_by_number(node_id) and node_id not in out:
        out.insert(0, node_id)
    return out


def _keyed_by_number(node_id: str) -> bool:
    """``identifiers.is_registry_id``, deciding most ids by their first part alone (a PSC
    person's ``uk-psc:person:…`` is no number): resolution asks it of every record."""
    head, _, value = node_id.partition(":")
    if head in ("reg", "tax", "vat"):
        return is_registry_id(node_id)
    return bool(value) and _is_scheme(head)


@lru_cache(maxsize=1024)
def _is_scheme(head: str) -> bool:
    return is_registry_id(f"{head}:0")


def load_records(store: Store) -> dict[str, list[Record]]:
    """Firms and people as resolution sees them, with their context."""
    listed = {r["id"] for r in store.run("sanctioned_entities")}
    companies = [Record(r["id"], "Company", list(r["names"] or []) + list(r["previous_names"] or []),
                        r["country"], None, _numbers(r["id"], r["registry_ids"]), r["legal_form"],
                        datasets=list(r["datasets"] or []), listed=r["id"] in listed)
                 for r in store.run("resolve_companies")]
    people = [Record(r["id"], "Person", list(r["names"] or []), r["country"],
                     dates.iso(r["birth_date"]) or r["birth_month"] or None, _numbers(r["id"], r["registry_ids"]),
                     datasets=list(r["datasets"] or []), listed=r["id"] in listed, nationality=r.get("nationality"))
              for r in store.run("resolve_people")]
    by_id = {r.id: r for r in companies}
    for row in store.run("company_context"):
        if row["company_id"] in by_id:
            by_id[row["company_id"]].context.add(row["other_id"])
    firms_of: dict[str, set[str]] = defaultdict(set)
    for row in store.run("person_firms"):
        firms_of[row["person_id"]].add(row["company_id"])
    for p in people:
        p.context = set(firms_of.get(p.id, ()))
    _addresses(store, people)
    return {"Company": [r for r in companies if r.names], "Person": [r for r in people if r.names]}


def _addresses(store: Store, people: list[Record]) -> None:
    """Each month-dated person's service addresses, and the counts over those people that the
    namesake estimate of ``registry_people`` needs (over all of them: a partial run of
    ``explain`` or a judgement estimates as the full resolve did)."""
    dated = {p.id: p for p in people if registry_people.month_dated(p)}
    if not dated:
        return
    text: dict[str, str] = {}
    for row in store.run("person_addresses"):
        if row["person_id"] in dated:
            dated[row["person_id"]].addresses.add(row["address_id"])
            text[row["address_id"]] = row["address"] or row["address_id"]
    registry_people.count(dated.values()).address_text = text


def decide(records: list[Record], judgements: Judgements, partition: Partition,
           report: ResolveReport, observe: Callable[[Record, Record], None] | None = None,
           common: frozenset[str] | None = None, focus: set[str] | None = None) -> list[Candidate]:
    """Score every candidate pair of one label and decide, strongest first.

    ``observe`` is called with every candidate pair (benchmarks use it to measure blocking);
    ``focus``: only pairs with a record among these are scored (a judgement's re-decision)."""
    with _no_cycle_collection():
        return _decide(records, judgements, partition, report, observe, common, focus)


def _decide(records: list[Record], judgements: Judgements, partition: Partition, report: ResolveReport,
            observe: Callable[[Record, Record], None] | None, common: frozenset[str] | None,
            focus: set[str] | None) -> list[Candidate]:
    ids = {r.id for r in records}
    if any(registry_people.month_dated(r) and r.population is None for r in records):
        registry_people.count(records)
    constraints.configure(partition)
    for r in records:  # what two records of one entity cannot disagree on
        constraints.note(partition, r)
        if r.listed:
            partition.note(r.id, "listed", "yes")
    # people's judgements first: they bind, and they constrain what is merged automatically
    by_id = {r.id: r for r in records}
    for d in judgements:
        if d.a in ids and d.b in ids:
            report.judgements_applied += 1
            if d.judgement is Judgement.POSITIVE:
                refuse_across_numbers(by_id[d.a], by_id[d.b], d.override, where=judgements.path)
                partition.union(d.a, d.b, force=True)
            elif d.judgement is Judgement.NEGATIVE:
                partition.separate(d.a, d.b)
    scored: list[Candidate] = []
    crowded: set[str] = set()
    common = common_words(records) if common is None else common
    for a, b in candidates(records, crowded=crowded):
        if focus is not None and a.id not in focus and b.id not in focus:
            continue
        if observe is not None:
            observe(a, b)
        s = score(a, b, common)
        report.pairs_scored += 1
        if s.value >= REVIEW:
            scored.append(Candidate(a.label, a, b, s.value, s.explanation, "below", s.names_only))
    scored.sort(key=lambda c: (-c.score, c.a.id, c.b.id))
    torn = _torn_between(scored, partition)
    shared_names = _names_of_several_firms(records) if records and records[0].label == "Company" else {}
    out: list[Candidate] = []
    for c in scored:
        judged = judgements.get(c.a.id, c.b.id)
        if judged is not None:
            c.state = judged.judgement.same_as_state
            c.explanation += _judged_note(judged)
        elif partition.kept_apart(c.a.id, c.b.id):
            report.kept_apart += 1
            continue
        elif c.score >= AUTO and (c.a.id in torn or c.b.id in torn or _on_names(c, shared_names)):
            if partition.find(c.a.id) == partition.find(c.b.id):
                continue
            c.state = "pending"
            c.explanation += "; " + (torn.get(c.a.id) or torn.get(c.b.id) or shared_names.get(c.a.id)
                                     or shared_names.get(c.b.id, ""))
            report.pending += 1
        elif c.score >= AUTO and (gate := _changes_listing(c, partition)):
            if partition.find(c.a.id) == partition.find(c.b.id):
                continue
            c.state = "pending"
            c.explanation += "; " + gate
            report.pending += 1
        elif c.score >= AUTO:
            if partition.union(c.a.id, c.b.id, confirmed=bool(shared(c.a.registry_ids, c.b.registry_ids))):
                c.state = "auto"
                report.auto += 1
            else:
                report.kept_apart += 1
                continue
        elif partition.find(c.a.id) == partition.find(c.b.id):
            continue  # already one entity through other pairs: nothing to ask
        elif weak_pair(c.a, c.b, common):
            report.not_asked += 1  # names that share almost nothing, and nothing confirms them
            continue
        else:
            c.state = "pending"
            report.pending += 1
        out.append(c)
    for c in out:  # what the second look after people are resolved must leave to a person
        c.torn = c.state == "pending" and (c.a.id in torn or c.b.id in torn or _on_names(c, shared_names))
    _note_unique_names(out, scored, crowded, partition)
    out = _strongest_questions(out, report)
    # a pair that later merges joined through others is no longer a question
    still = [c for c in out if not (c.state == "pending" and partition.find(c.a.id) == partition.find(c.b.id))]
    report.pending -= len(out) - len(still)
    out = still
    # judged pairs that blocking did not propose are decisions too
    proposed = {(c.a.id, c.b.id) for c in out}
    recs = {r.id: r for r in records}
    for d in judgements:
        if d.a in recs and d.b in recs and d.key() not in proposed:
            a, b = recs[d.key()[0]], recs[d.key()[1]]
            s = score(a, b)
            out.append(Candidate(a.label, a, b, s.value, s.explanation + "; judged by a person" + _judged_note(d),
                                 d.judgement.same_as_state))
    return out


def _changes_listing(c: Candidate, partition: Partition) -> str | None:
    """Why an automatic merge of ``c`` must wait for a person: it would put a record on a
    sanctions list into one entity with records no list names (or the reverse), and no registry
    number the two share confirms it. None if the merge changes no listing."""
    listed = ["listed" in partition.facts.get(partition.find(x), {}) for x in (c.a.id, c.b.id)]
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


def _note_unique_names(out: list[Candidate], scored: list[Candidate], crowded: set[str],
                       partition: Partition) -> None:
    """Say so on a pending pair whose names alone reach AUTO and where neither record has
    another compatible record: the strongest kind of names-only question for a reviewer.

    It is not merged: on a registry scenario the only two records of "Смирнов Алексей
    Владимирович" in the data were two men born 26 years apart, and the officer links printed
    through them named the wrong firms. A name, however rare in the data, is not a person."""
    near: dict[str, set[str]] = defaultdict(set)
    for c in scored:
        near[c.a.id].add(c.b.id)
        near[c.b.id].add(c.a.id)

    def others(x: str) -> set[str]:
        return {partition.find(y) for y in near[x] if not partition.kept_apart(x, y)} - {partition.find(x)}

    for c in out:
        if (c.state != "pending" or c.names_only is None or c.names_only < AUTO
                or c.a.id in crowded or c.b.id in crowded):
            continue
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


@dataclass
class Run:
    """One resolution of a store's records, before anything is written."""

    records: dict[str, list[Record]]
    report: ResolveReport
    partitions: dict[str, Partition]  # by label: the entities as decided


def run(records: dict[str, list[Record]], judgements: Judgements | None = None,
        common: frozenset[str] | None = None) -> Run:
    """Resolve firms, then people (compared by their resolved firms), then look again at the
    firms waiting for review with their people resolved. Writes nothing. ``common``: the firm-name
    words too frequent to tell firms apart, and every label's word counts (``common_words`` of
    all records), when ``records`` are only part of the graph."""
    with _no_cycle_collection():
        return _run(records, judgements, common)


def _run(records: dict[str, list[Record]], judgements: Judgements | None,
         common: frozenset[str] | None) -> Run:
    judgements = judgements or Judgements()
    if common is None:  # firms and people each weigh their words by the whole load's names
        common = common_words(records["Company"] + records["Person"])
    report = ResolveReport()
    report.records = {k: len(v) for k, v in records.items()}
    firms = constraints.configure(Partition())
    decisions = decide(records["Company"], judgements, firms, report, common=common)
    for p in records["Person"]:  # compare people by resolved firms
        p.context = {firms.find(c) for c in p.context}
    people = constraints.configure(Partition())
    people_decisions = decide(records["Person"], judgements, people, report, common=common)
    _confirm_by_people(decisions, people, firms, report)
    report.decisions = decisions + people_decisions
    return Run(records, report, {"Company": firms, "Person": people})


def resolve(store: Store, judgements: Judgements | None = None) -> ResolveReport:
    """Resolve firms and people; write every decision as SAME_AS (replacing earlier ones).

    Raises ResolutionError, leaving the graph as it was, if the judgements file accepts two
    records with different registry numbers without an override."""
    with _no_cycle_collection():
        report = run(load_records(store), judgements).report
        _write(store, report.decisions)
    return report


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while resolution builds its records and pairs: each full
    collection walks every object alive (hundreds of thousands of records and their names), and
    at 200k PSC lines those walks were about a quarter of the time. Resolution makes no
    reference cycles it relies on the collector to free; memory is released as before by
    reference counting, and the collector runs again afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

def explain(store: Store, a_id: str, b_id: str, judgements: Judgements | None = None) -> list[str]:
    """The full decision for two records, as lines of text: what each record carries, whether
    blocking compared them (and why not), the score with every rule that fired, and what
    resolution decided, including a judgement or a cluster fact that overrode the score.

    Scores the one pair (people compared by their firms as the stored resolution joined them)
    and reads the decision the last resolution wrote; where it wrote none, says which rule kept
    the pair out: a hard rule, a contradiction between the two clusters (every record of each
    checked against every record of the other), a score below review, names that share almost
    nothing. Writes nothing. Cost: one read of the records and of the SAME_AS decisions.
    Raises NotFound if either id is not a firm or person in the graph."""
    records = load_records(store)
    by_id = {r.id: r for rs in records.values() for r in rs}
    for x in (a_id, b_id):
        if x not in by_id:
            raise NotFound(f"no firm or person with id {x!r} in the graph (graphkit clusters and "
                           "find-links --format json show ids)")
    a, b = by_id[a_id], by_id[b_id]
    if a.label != b.label:
        return [f"{a.id} is a {a.label} and {b.id} a {b.label}: never compared"]
    common = common_words(records["Company"] + records["Person"])
    stored = Clusters.load(store)
    if a.label == "Person":  # compared by their firms as resolution joined them
        a = replace(a, context={stored.find(c) for c in a.context})
        b = replace(b, context={stored.find(c) for c in b.context})
    lines = [_describe(a), _describe(b)]
    shared_keys = sorted({k for k, _ in keys(a)} & {k for k, _ in keys(b)})
    if a.birth_date and b.birth_date and a.birth_date != b.birth_date:
        lines.append(f"blocking: never compared: born on different days ({a.birth_date}, {b.birth_date})")
    elif shared_keys:
        lines.append(f"blocking: compared (shared blocking keys, in their folded comparison form: {', '.join(shared_keys[:6])})")
    else:
        lines.append("blocking: never compared: the names share no sound or prefix key and the records no "
                     "registry number")
    s = score(a, b, common)
    lines.append(f"score: {s.value:.2f}: {s.explanation}")
    decided = stored.decision(a.id, b.id)
    judged = (judgements or Judgements()).get(a.id, b.id)
    if decided is not None and decided.get("judgement"):
        lines.append(f"decision: {decided['judgement']} ({decided['score'] or 0.0:.2f}): {decided['explanation']}")
    elif judged is not None:
        lines.append(f"decision: judged {judged.judgement.same_as_state} by a person (not yet applied: "
                     "graphkit resolve applies it)")
    elif stored.find(a.id) == stored.find(b.id):
        lines.append("decision: one entity through other records (each was merged with a record of the other)")
    elif s.value == NEVER:
        lines.append("decision: different entities (a hard rule)")
    elif (clash := _cluster_conflict(stored, [r for rs in records.values() for r in rs if r.label == a.label],
                                     a.id, b.id)) is not None:
        lines.append(f"decision: kept apart: their clusters contradict each other on {clash}")
    elif s.value < REVIEW:
        lines.append(f"decision: different entities as far as the data shows (score below review, {REVIEW})")
    elif (weak := weak_pair(a, b, common)) is not None:
        lines.append(f"decision: {weak}")
    else:
        lines.append("decision: kept apart: not among the strongest questions of either record, or a judgement "
                     "keeps their clusters apart")
    return lines


def _cluster_conflict(stored: Clusters, records: list[Record], a: str, b: str) -> str | None:
    """The fact on which the stored clusters of ``a`` and ``b`` contradict each other, described
    ("gender: female vs male"); None if they agree."""
    wanted = set(stored.members(a)) | set(stored.members(b))
    partition = constraints.configure(Partition())
    for r in records:
        if r.id in wanted:
            constraints.note(partition, r)
    for x in (a, b):
        for m in stored.members(x):
            partition.union(x, m, force=True)
    key = partition.conflict(a, b)
    return partition.describe_conflict(a, b, key) if key else None


def _describe(r: Record) -> str:
    facts = [f"names {', '.join(repr(n) for n in r.names[:4])}"]
    if r.registry_ids:
        facts.append(f"ids {', '.join(r.registry_ids)}")
    if r.country:
        facts.append(f"country {r.country}")
    if r.birth_date:
        facts.append(f"born {r.birth_date}")
    if r.legal_form:
        facts.append(f"legal form {r.legal_form}")
    return f"{r.id} ({r.label}): " + "; ".join(facts)


def pending(store: Store, limit: int | None = None) -> list[dict[str, Any]]:
    """Candidates waiting for review, strongest first."""
    rows = store.run("same_as_pending")
    return rows[:limit] if limit else rows


def group_pairs(pairs: list[tuple[str, str]], entity_of: Callable[[str], str]) -> list[str]:
    """For each pair waiting for review, the question it belongs to: the entity (``entity_of``)
    it is asked about. A question is one entity against its candidates ("is X any of these?"),
    never a chain: "Studio Dortmund" ~ "Studio Panama" ~ "Panama Holdings" are two questions,
    not one group of three firms a person must hold in mind together. Each pair goes to the
    end with more pairs waiting (the hub; ties by id), so a record asked about several
    candidates gathers them, and a group never holds two pairs that share no entity.
    Cost: linear in the pairs."""
    ends = [(entity_of(a), entity_of(b)) for a, b in pairs]
    by_entity: dict[str, list[int]] = defaultdict(list)
    for i, (x, y) in enumerate(ends):
        by_entity[x].append(i)
        by_entity[y].append(i)
    out: list[str | None] = [None] * len(pairs)
    for hub in sorted(by_entity, key=lambda e: (-len(by_entity[e]), e)):
        for i in by_entity[hub]:
            if out[i] is None:
                out[i] = hub
    return [x for x in out if x is not None]


def review_groups(store: Store, limit: int | None = None) -> list[dict[str, Any]]:
    """The review queue, one item per question: an entity and the records it may be, joined by
    pairs waiting for review, with the evidence for and against each pair, strongest group first.
    A queue never has more items than the pairs behind it.

    Ordered by consequence: groups that would put a record on a sanctions list (or take one off)
    first, then groups of listed records, then the rest; strongest first within each.

    Each group (see ``group_pairs``): ``about``, the entity (its representative record) every
    pair of the group has at one end; ``score`` (its strongest pair), ``members`` (id, name), ``pairs`` (a_id, b_id,
    score, explanation, the command to decide it), ``consequence``, and ``number`` of ``total``."""
    rows = pending(store)
    if not rows:
        return []
    clusters = Clusters.load(store)
    # a source's own candidates (ICIJ's similarity edges) stay pending beside a person's judgement
    # of the same pair, and records already one entity are no question
    judged = {frozenset((r["a_id"], r["b_id"])) for r in store.run("same_as_all")
              if r["judgement"] in ("accepted", "rejected", "unsure")}
    rows = [r for r in rows if frozenset((r["a_id"], r["b_id"])) not in judged
            and clusters.find(r["a_id"]) != clusters.find(r["b_id"])]
    if not rows:
        return []
    groups: dict[str, dict[str, Any]] = {}
    for r, root in zip(rows, group_pairs([(r["a_id"], r["b_id"]) for r in rows], clusters.find), strict=True):
        g = groups.setdefault(root, {"score": r["score"], "about": root, "members": {}, "pairs": []})
        if r["score"] is not None and (g["score"] is None or r["score"] > g["score"]):
            g["score"] = r["score"]
        g["members"][r["a_id"]] = r["a_name"]
        g["members"][r["b_id"]] = r["b_name"]
        g["pairs"].append({**r, "decide": f"graphkit review --accept {r['a_id']} {r['b_id']}"})
    listed = {r["id"] for r in store.run("sanctioned_entities")}
    for g in groups.values():
        on_list = {m in listed for m in g["members"]}
        g["consequence"] = "changes a sanctions status" if on_list == {True, False} else \
            "on a sanctions list" if on_list == {True} else "other"
    # what a wrong answer would cost first: a record put on (or taken off) a sanctions list
    rank = {"changes a sanctions status": 0, "on a sanctions list": 1, "other": 2}
    out = sorted(groups.values(), key=lambda g: (rank[g["consequence"]], -(g["score"] or 0.0), min(g["members"])))
    for number, g in enumerate(out, start=1):
        g["members"] = [{"id": k, "name": v} for k, v in sorted(g["members"].items())]
        g["number"], g["total"] = number, len(out)
    return out[:limit] if limit else out


def clusters(store: Store) -> list[dict[str, Any]]:
    """Resolved entities with more than one record: members with names, ids and sources."""
    out = []
    for members in sorted(Clusters.load(store).groups()):
        rep = members[0]
        rows = {r["id"]: r for r in store.run("clusters", ids=members)}
        out.append({"id": rep, "label": rows.get(rep, {}).get("label"),
                    "members": [{"id": m, "name": rows.get(m, {}).get("name"),
                                 "country": rows.get(m, {}).get("country"),
                                 "registry_ids": rows.get(m, {}).get("registry_ids") or [],
                                 "datasets": rows.get(m, {}).get("datasets") or [],
                                 "records": rows.get(m, {}).get("records") or []}
                                for m in sorted(members)]})
    return out



def apply_judgement(store: Store, judgements: Judgements, a: str, b: str) -> ResolveReport:
    """Re-apply resolution after a person judged ``a`` and ``b`` (already in ``judgements``),
    only for the entities the judgement touches: the records of the stored clusters of ``a``
    and ``b`` (the core). Every candidate pair with a record of the core is scored and decided
    again, against the records that share a block key with the core (blocking proposes the
    same pairs of the core as over the whole graph, since those blocks lie wholly in that
    neighbourhood), with the neighbours' stored clusters as they are, so joining the core to
    one checks every record of it. The core's SAME_AS decisions are replaced; the rest of the
    graph keeps its own. A firm judgement does not re-compare the people of those firms, nor a
    neighbour's other questions: ``graphkit resolve`` does.

    Cost: one read of the records and of the SAME_AS decisions, and the scoring of the core's
    candidate pairs only (seconds on a graph whose full resolve takes minutes)."""
    records = load_records(store)
    common = common_words(records["Company"] + records["Person"])
    by_id = {r.id: r for rs in records.values() for r in rs}
    label = by_id[a].label if a in by_id else by_id[b].label if b in by_id else "Company"
    stored = Clusters.load(store)
    core = {m for x in (a, b) for m in stored.members(x)}
    judged_with = {y for d in judgements for x, y in ((d.a, d.b), (d.b, d.a)) if x in core}
    wanted = {label + k for x in core if x in by_id for k, _ in keys(by_id[x])}
    near = {r.id for r in records[label] if r.id in judged_with or any(label + k in wanted for k, _ in keys(r))}
    near = {m for x in near | core for m in stored.members(x)}
    part = [r for r in records[label] if r.id in near]
    if label == "Person":  # people are compared by their firms as resolution joined them
        for p in part:
            p.context = {stored.find(c) for c in p.context}
    partition = constraints.configure(Partition())
    for x in near - core:  # the neighbours' entities as they are: facts checked against every record
        partition.union(x, stored.find(x), force=True)
    report = ResolveReport()
    decisions = decide(part, judgements, partition, report, common=common, focus=core)
    if label == "Company":
        _confirm_by_people(decisions, stored, partition, report)
    report.decisions = [c for c in decisions if c.a.id in core or c.b.id in core]
    _write(store, report.decisions, replace_touching=sorted(core))
    return report


def _write(store: Store, decisions: list[Candidate], replace_among: list[str] | None = None,
           replace_touching: list[str] | None = None) -> None:
    """Write ``decisions`` as SAME_AS, replacing this module's earlier ones: all of them, those
    between the given records (``replace_among``) or those touching any of them
    (``replace_touching``)."""
    loaded_at = now_iso()
    rels = []
    for c in decisions:
        src = Provenance(METHOD, "judgements" if c.state in ("accepted", "rejected", "unsure") else "scoring",
                         f"{c.a.id}={c.b.id}")
        rels.append(Rel("SAME_AS", c.label, c.a.id, c.label, c.b.id, {
            "score": round(c.score, 4), "explanation": c.explanation, "method": METHOD, "judgement": c.state,
            "dataset": src.dataset, "source_file": src.file, "record": src.record, "loaded_at": loaded_at}, src))
    with store.transaction():
        if replace_touching is not None:
            store.run("same_as_delete_touching", ids=replace_touching, method=METHOD)
        elif replace_among is not None:
            store.run("same_as_delete_among", ids=replace_among, method=METHOD)
        else:
            store.delete_rels("SAME_AS", {"method": METHOD})
        store.write([], rels)
