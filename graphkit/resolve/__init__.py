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

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from graphkit import dates, forked
from graphkit.errors import NotFound
from graphkit.identifiers import is_registry_id
from graphkit.model import Provenance, Rel, now_iso
from graphkit.resolve import apart, constraints, registry_people
from graphkit.resolve.blocking import keys
from graphkit.resolve.clusters import Clusters
from graphkit.resolve.decide import MAX_QUESTIONS as MAX_QUESTIONS  # the package's API
from graphkit.resolve.decide import (
    Candidate,
    ResolveReport,
    _confirm_by_people,
    _no_cycle_collection,
    block,
    decide,
    prepare,
)
from graphkit.resolve.decide import refuse_across_numbers as refuse_across_numbers
from graphkit.resolve.judgements import Judgements, Partition
from graphkit.resolve.overlap import weak_pair, with_label
from graphkit.resolve.scoring import NEVER, REVIEW, Record, common_words, score
from graphkit.store.base import Store

METHOD = "graphkit-resolve"


def _numbers(node_id: str, registry_ids: list[str] | None) -> Sequence[str]:
    """A record's registry numbers, the one its node is keyed by included (a firm keyed
    ``ru-inn:…`` carries that INN whatever its ``registry_ids`` say); most people have none:
    one shared empty tuple for them all."""
    keyed = _keyed_by_number(node_id)
    if not registry_ids and not keyed:
        return ()
    out = list(registry_ids or [])
    if keyed and node_id not in out:
        out.insert(0, node_id)
    return out


def _shared(values: list[str] | None, seen: dict[tuple[str, ...], tuple[str, ...]]) -> tuple[str, ...]:
    """``values`` as a tuple, one object for all records with the same values (``seen``): a
    record's datasets are one of a few lists, each read from the store anew for every record."""
    t = tuple(values or ())
    return seen.setdefault(t, t)


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
    firms = _firm_records(store)
    people = _people(store, firms)
    _addresses(store, people)
    return {"Company": firms.records, "Person": people}


@dataclass
class _Firms:
    """The firms as resolution sees them, read before the people (``resolve`` may decide them
    in a process of its own meanwhile), and what the people's records need of that reading."""

    records: list[Record]
    firms_of: dict[str, set[str]]  # person id -> the firms the person owns or holds a role in
    listed: set[str]  # ids of the records a sanctions list names


def _firm_records(store: Store) -> _Firms:
    listed: set[str] = set(store.run_columns("sanctioned_entities", "id")[0])
    seen: dict[tuple[str, ...], tuple[str, ...]] = {}
    companies = [Record(i, "Company", list(names or []) + list(previous or []), country, None, _numbers(i, ids),
                        form, datasets=_shared(datasets, seen), listed=i in listed)
                 for i, names, previous, country, ids, form, datasets in zip(*store.run_columns(
                     "resolve_companies", "id", "names", "previous_names", "country", "registry_ids", "legal_form",
                     "datasets"), strict=True)]  # named firms only
    by_id = {r.id: r for r in companies}
    context: dict[str, set[str]] = defaultdict(set)
    controls: dict[str, set[str]] = defaultdict(set)
    for company, other in zip(*store.run_columns("company_context", "company_id", "other_id"), strict=True):
        if company in by_id:  # a firm's addresses
            context[company].add(other)
    for holder, firm in zip(*store.run_columns("firm_control", "holder_id", "firm_id"), strict=True):
        for x, y in ((holder, firm), (firm, holder)):
            if x in by_id:
                controls[x].add(y)
    firms_of: dict[str, set[str]] = defaultdict(set)
    # read once: a role ties the firm to the person too
    for person, company, via in zip(*store.run_columns("person_firms", "person_id", "company_id", "via"), strict=True):
        firms_of[person].add(company)
        if via == "role" and company in by_id:
            context[company].add(person)
    for i, found in context.items():
        by_id[i].context = found
    for i, found in controls.items():
        by_id[i].controls = found
    return _Firms(companies, firms_of, listed)


def _people(store: Store, firms: _Firms) -> list[Record]:
    """The people, each with the firms it is tied to (as read, not yet resolved); without their
    service addresses (``_addresses``). A record without a name is never compared."""
    firms_of, listed = firms.firms_of, firms.listed
    seen: dict[tuple[str, ...], tuple[str, ...]] = {}
    return [Record(i, "Person", list(names), country, dates.iso(born) or month or None, _numbers(i, ids),
                   context=set(firms_of[i]) if i in firms_of else frozenset(), datasets=_shared(datasets, seen),
                   listed=i in listed, nationality=nationality, birth_dates=tuple(several) if several else ())
            for i, names, country, born, month, ids, datasets, nationality, several in zip(*store.run_columns(
                "resolve_people", "id", "names", "country", "birth_date", "birth_month", "registry_ids", "datasets",
                "nationality", "birth_dates"), strict=True) if names]


def _addresses(store: Store, people: list[Record]) -> None:
    """Each month-dated person's service addresses, and the counts over those people that the
    namesake estimate of ``registry_people`` needs (over all of them: a partial run of
    ``explain`` or a judgement estimates as the full resolve did)."""
    dated = {p.id: p for p in people if registry_people.month_dated(p)}
    if not dated:
        return
    text: dict[str, str] = {}
    addresses: dict[str, set[str]] = defaultdict(set)
    for person, address, full in zip(*store.run_columns("person_addresses", "person_id", "address_id", "address"),
                                     strict=True):
        if person in dated:
            addresses[person].add(address)
            text[address] = full or address
    for person, found in addresses.items():
        dated[person].addresses = found
    registry_people.count(dated.values()).address_text = text


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
        return _run(records, judgements or Judgements(), common)


def _run(records: dict[str, list[Record]], judgements: Judgements, common: frozenset[str] | None,
         meanwhile: Callable[[], None] | None = None, job: forked.Job[apart.Answer] | None = None) -> Run:
    """``run``; ``job``: the firms being decided in a process of its own (``resolve/apart.py``),
    while this one does ``meanwhile`` and the rest of the people's preparation (the caller
    stops the job if this fails)."""
    report = ResolveReport()
    report.records = {k: len(v) for k, v in records.items()}
    people = constraints.configure(Partition())
    # the people's preparation, which does not wait for the firms
    if meanwhile is not None:
        meanwhile()
    if common is None and job is None:  # firms and people each weigh their words by the whole load's names
        common = common_words(records["Company"] + records["Person"])
    prepare(records["Person"], judgements, people, report)
    # with the firms decided apart, the people's pairs are found meanwhile: they do not depend on
    # the firms (at 200k PSC lines the second of this process's waiting for them)
    blocked = block(records["Person"]) if job is not None else None
    if job is not None:  # the firms' words are counted in the firms' process, the people's here
        decisions, firms, firm_words = apart.finish(job, records["Company"], report)
        if common is None:
            common = with_label(firm_words, "Person", records["Person"])
    else:
        firms = constraints.configure(Partition())
        decisions = decide(records["Company"], judgements, firms, report, common=common)
    assert common is not None
    for p in records["Person"]:  # compare people by resolved firms
        p.context = {firms.find(c) for c in p.context}
    people_decisions = decide(records["Person"], judgements, people, report, common=common, prepared=True,
                              blocked=blocked)
    _confirm_by_people(decisions, people, firms, report)
    report.decisions = decisions + people_decisions
    return Run(records, report, {"Company": firms, "Person": people})


def resolve(store: Store, judgements: Judgements | None = None) -> ResolveReport:
    """Resolve firms and people; write every decision as SAME_AS (replacing earlier ones).

    Raises ResolutionError, leaving the graph as it was, if the judgements file accepts two
    records with different registry numbers without an override."""
    judgements = judgements or Judgements()
    with _no_cycle_collection():
        firms = _firm_records(store)
        # a large resolution decides its firms in a process of its own, forked before the people
        # are read: pages of the heap the two processes share are copied as either one writes
        # to them (a Python object's reference count), and the people are most of that heap
        job = apart.start(firms.records, judgements) if apart.wanted(len(firms.records), len(firms.firms_of)) \
            else None
        try:
            records = {"Company": firms.records, "Person": _people(store, firms)}
            report = _run(records, judgements, None, lambda: _addresses(store, records["Person"]), job).report
        except BaseException:
            if job is not None:
                job.stop()  # a child already answered and reaped is left alone
            raise
        _write(store, report.decisions)
    return report


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
    listed = {r["id"] for r in store.run_flat("sanctioned_entities")}
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
