"""Evaluating entity resolution on labelled pairs (the team's set is tests/data/er_pairs.csv;
``bench/evaluate_resolution.py`` writes the report to docs/).

Each pair is decided by ``graphkit.resolve.decide`` as a resolution run would decide it: the two
records (names, countries, birth dates, registry ids; no firms) among a *background* population
of other people - those of the background that share a block key with either record, so every
namesake the full run would compare them with is there. Without a background each pair stands
alone, and a name that agrees is trivially unique; with one, a common name meets its namesakes
and waits for review (see ``decide``: names alone merge only when no namesake could be meant).
Pairs are decided one at a time, never against each other: the labelled file reuses names
across pairs for different fictional entities.

A pair is *merged* when decided automatically; *found* when it at least reaches the review
band. Precision, recall and F1 of merges are given overall and per category, beside the recall
of "found" (what a reviewer gets to see) and blocking recall (the share of true pairs that
blocking proposes for scoring).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.identifiers import conflicts
from graphkit.resolve import ResolveReport, decide
from graphkit.resolve.blocking import candidates, keys
from graphkit.resolve.judgements import Judgements, Partition
from graphkit.resolve.namesakes import make_records
from graphkit.resolve.scoring import REVIEW, Record, score


@dataclass
class Outcome:
    pair_id: str
    category: str
    same: bool
    merged: bool
    found: bool
    blocked: bool  # proposed by blocking
    conflicting_ids: bool
    score: float
    explanation: str


def records(row: dict[str, str]) -> tuple[Record, Record]:
    out = []
    for side in ("a", "b"):
        out.append(Record(f"{row['pair_id']}-{side}", row["label"], [row[f"{side}_name"]],
                          row[f"{side}_country"] or None, row[f"{side}_birth_date"] or None,
                          [x for x in row[f"{side}_ids"].split(";") if x]))
    return out[0], out[1]


def decide_pair(a: Record, b: Record, near: list[Record] | tuple[Record, ...] = ()) -> tuple[str, float, str]:
    """(state, score, explanation) of a pair decided as ``graphkit resolve`` decides it, among
    ``near`` records: "auto" if they end as one entity, "pending" if offered for review, else
    "apart" (scored below review, kept apart, or never proposed by blocking)."""
    partition = Partition()
    decided = decide([a, b, *near], Judgements(), partition, ResolveReport())
    pair = next((c for c in decided if {c.a.id, c.b.id} == {a.id, b.id}), None)
    if partition.find(a.id) == partition.find(b.id):
        state = "auto"
    else:
        state = pair.state if pair is not None and pair.state == "pending" else "apart"
    if pair is not None:
        return state, pair.score, pair.explanation
    s = score(a, b)
    return state, s.value, s.explanation


def namesake_background(n: int, seed: int = 11) -> list[Record]:
    """``n`` synthetic people (and their variant records) to decide the labelled pairs among."""
    people = make_records(n, seed)[0]
    for r in people:
        r.id = f"background:{r.id}"
    return people


def evaluate(path: Path, background: Sequence[Record] = ()) -> list[Outcome]:
    """Decide every labelled pair in ``path`` (CSV, see tests/data/README.md), each among the
    records of ``background`` that share a block key with it."""
    index: dict[str, list[Record]] = defaultdict(list)
    for r in background:
        for key, _ in keys(r):
            index[r.label + key].append(r)
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = records(row)
            near = {r.id: r for rec in (a, b) for key, _ in keys(rec) for r in index.get(rec.label + key, ())}
            state, value, explanation = decide_pair(a, b, list(near.values()))
            merged = state == "auto"
            out.append(Outcome(row["pair_id"], row["category"], row["same"] == "1", merged,
                               merged or score(a, b).value >= REVIEW, any(True for _ in candidates([a, b])),
                               bool(conflicts(a.registry_ids, b.registry_ids)), value, explanation))
    return out


def metrics(outcomes: list[Outcome]) -> dict[str, float | int | None]:
    tp = sum(o.same and o.merged for o in outcomes)
    fp = sum((not o.same) and o.merged for o in outcomes)
    fn = sum(o.same and not o.merged for o in outcomes)
    positives = sum(o.same for o in outcomes)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / positives if positives else None
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else None
    return {"pairs": len(outcomes), "true": positives, "merged": tp + fp, "false_merges": fp, "missed": fn,
            "precision": precision, "recall": recall, "f1": f1,
            "found_recall": (sum(o.same and o.found for o in outcomes) / positives) if positives else None,
            "blocking_recall": (sum(o.same and o.blocked for o in outcomes) / positives) if positives else None,
            "conflicting_id_merges": sum(o.conflicting_ids and o.merged for o in outcomes)}




# --------------------------------------------------------------------------------------------
# Real records labelled by hand (tests/data/real_pairs.csv, person_spellings.csv)


@dataclass
class RealOutcome:
    pair_id: str
    source: str
    category: str
    label: str
    same: bool
    hard: bool
    state: str  # auto | pending | apart
    score: float
    explanation: str

    @property
    def merged(self) -> bool:
        return self.state == "auto"

    @property
    def found(self) -> bool:
        return self.state in ("auto", "pending")


def real_records(row: dict[str, str]) -> tuple[Record, Record]:
    """The two records of a labelled real pair, as resolution sees them: every name the source
    record gives, its registry numbers, country and birth date."""
    out = []
    for side in ("a", "b"):
        names = [row[f"{side}_name"]] + [n for n in row[f"{side}_aliases"].split("|") if n.strip()]
        ids = [x for x in row[f"{side}_ids"].split(";") if x and not x.startswith("ru-kpp:")]
        folder = row[f"{side}_ref"].split("/", 1)[0] if "/" in row[f"{side}_ref"] else ""
        out.append(Record(f"{row['pair_id']}-{side}", row["label"], names, row[f"{side}_country"] or None,
                          row[f"{side}_birth_date"] or None, ids, datasets=[DATASETS.get(folder, folder)]))
    return out[0], out[1]


# the dataset each sample folder's records carry once loaded (bench/load_real.py)
DATASETS = {"ofac_sdn": "ofac-sdn", "ftm_opensanctions": "opensanctions", "ftm_kek_media_ownership": "kek",
            "icij_offshoreleaks": "icij", "gleif": "gleif", "customs_trade": "customs",
            "uk_companies_house": "uk-psc"}


def evaluate_real(path: Path) -> list[RealOutcome]:
    """Decide every labelled real pair on its own, as ``graphkit resolve`` decides it (blocking
    included: a pair blocking never proposes is 'apart')."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            state, value, explanation = decide_pair(*real_records(row))
            out.append(RealOutcome(row["pair_id"], row["source"], row["category"], row["label"], row["same"] == "1",
                                   row["hard"] == "1", state, value, explanation))
    return out


def real_metrics(outcomes: list[RealOutcome]) -> dict[str, float | int | None]:
    """False merges (auto on a pair labelled different), precision and recall of ``auto``, and
    recall of ``auto`` + review (what a person gets to see)."""
    same = [o for o in outcomes if o.same]
    merged = [o for o in outcomes if o.merged]
    found = [o for o in outcomes if o.found]
    return {"pairs": len(outcomes), "same": len(same), "different": len(outcomes) - len(same),
            "false_merges": sum(not o.same for o in merged),
            "auto_precision": (sum(o.same for o in merged) / len(merged)) if merged else None,
            "auto_recall": (sum(o.merged for o in same) / len(same)) if same else None,
            "found_precision": (sum(o.same for o in found) / len(found)) if found else None,
            "found_recall": (sum(o.found for o in same) / len(same)) if same else None,
            "false_reviews": sum(not o.same for o in found if not o.merged)}


@dataclass
class SpellingsOutcome:
    records: int
    people: int
    clusters_per_person: dict[str, int]  # group -> how many entities its records ended in
    false_merges: int  # record pairs of two different people joined
    review_items: int  # would-be entities waiting for a person
    review_pairs: int
    # group -> (records in the person's largest entity, records); the largest entity may hold
    # another person's records too (``false_merges`` counts those)
    in_largest: dict[str, tuple[int, int]] = field(default_factory=dict)


def evaluate_spellings(path: Path) -> SpellingsOutcome:
    """Resolve every spelling of the labelled people together, as one input: how many entities
    each person ends as (1 is right), whether two people were joined, and how long the review
    queue is."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    records = [Record(f"s{i}", "Person", [r["name"]], r["country"] or None, r["birth_date"] or None)
               for i, r in enumerate(rows)]
    truth = {f"s{i}": r["group_id"] for i, r in enumerate(rows)}
    partition = Partition()
    decided = decide(records, Judgements(), partition, ResolveReport())
    entities: dict[str, set[str]] = defaultdict(set)
    members: dict[str, list[str]] = defaultdict(list)
    for r in records:
        entities[truth[r.id]].add(partition.find(r.id))
        members[partition.find(r.id)].append(r.id)
    false = sum(1 for ids in members.values() for i, x in enumerate(ids) for y in ids[i + 1:] if truth[x] != truth[y])
    pending = [c for c in decided if c.state == "pending"]
    from graphkit.resolve import group_pairs

    items = set(group_pairs([(c.a.id, c.b.id) for c in pending], partition.find))
    per_entity = Counter((truth[r.id], partition.find(r.id)) for r in records)
    largest: dict[str, tuple[int, int]] = {}
    for g in sorted(entities):
        counts = [n for (group, _), n in per_entity.items() if group == g]
        largest[g] = (max(counts), sum(counts))
    return SpellingsOutcome(len(records), len(entities), {g: len(v) for g, v in sorted(entities.items())},
                            false, len(items), len(pending), largest)
