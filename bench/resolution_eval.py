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
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graphkit.identifiers import by_scheme
from graphkit.resolve import ResolveReport, decide
from graphkit.resolve.blocking import candidates, keys
from graphkit.resolve.judgements import Judgements, Partition
from graphkit.resolve.scoring import REVIEW, Record, score
from graphkit.resolve.synthetic import make_records


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


def _conflict(a: Record, b: Record) -> bool:
    """Two ids of one scheme and none in common: the pair must never merge."""
    ia, ib = by_scheme(a.registry_ids), by_scheme(b.registry_ids)
    return any(not ia[s] & ib[s] for s in ia.keys() & ib.keys())


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
            partition = Partition()
            decided = decide([a, b, *near.values()], Judgements(), partition, ResolveReport())
            merged = partition.find(a.id) == partition.find(b.id)
            pair = next((c for c in decided if {c.a.id, c.b.id} == {a.id, b.id}), None)
            s = score(a, b)
            value, explanation = (pair.score, pair.explanation) if pair else (s.value, s.explanation)
            out.append(Outcome(row["pair_id"], row["category"], row["same"] == "1", merged,
                               merged or s.value >= REVIEW, any(True for _ in candidates([a, b])),
                               _conflict(a, b), value, explanation))
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


