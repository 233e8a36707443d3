"""Evaluating entity resolution on labelled pairs (the team's set is tests/data/er_pairs.csv;
``bench/evaluate_resolution.py`` writes the report to docs/).

Each pair is scored on its own (names, countries, birth dates, registry ids; no graph context).
A pair is *merged* when the decision is automatic (score >= AUTO); *found* when it at least
reaches the review band. Precision, recall and F1 of merges are given overall and per category,
beside the recall of "found" (what a reviewer gets to see) and blocking recall (the share of
true pairs that blocking proposes for scoring).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from graphkit.resolve.blocking import candidates
from graphkit.resolve.scoring import AUTO, REVIEW, Record, score


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
    sa = {x.split(":")[0]: x for x in a.registry_ids}
    return any(x.split(":")[0] in sa and sa[x.split(":")[0]] != x for x in b.registry_ids)


def evaluate(path: Path) -> list[Outcome]:
    """Score every labelled pair in ``path`` (CSV, see tests/data/README.md)."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = records(row)
            s = score(a, b)
            out.append(Outcome(row["pair_id"], row["category"], row["same"] == "1", s.value >= AUTO,
                               s.value >= REVIEW, any(True for _ in candidates([a, b])), _conflict(a, b),
                               s.value, s.explanation))
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


