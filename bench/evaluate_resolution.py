"""Evaluate entity resolution on the team's labelled pairs and write the report.

    python bench/evaluate_resolution.py [--out docs/resolution-evaluation.md]

See graphkit/resolve/evaluate.py for what is measured; tests/test_resolution.py asserts floors.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from graphkit.resolve.evaluate import Outcome, evaluate, metrics
from graphkit.resolve.scoring import AUTO, REVIEW

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "er_pairs.csv"


def _fmt(v: float | int | None) -> str:
    return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="docs/resolution-evaluation.md")
    args = ap.parse_args()
    outcomes = evaluate(PAIRS)
    by_cat: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_cat[o.category].append(o)
    cols = ["pairs", "true", "merged", "false_merges", "missed", "precision", "recall", "f1", "found_recall",
            "blocking_recall", "conflicting_id_merges"]
    lines = ["# Entity resolution: evaluation on the labelled pairs", "",
             f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             "- command: `python bench/evaluate_resolution.py` (also run by `tests/test_resolution.py`, which asserts the floors)",
             f"- data: `tests/data/er_pairs.csv` ({len(outcomes)} pairs authored by the team; see tests/data/README.md)",
             f"- thresholds: merge (auto) at score >= {AUTO}, review from {REVIEW}", "",
             "`recall` counts automatic merges only; `found_recall` also counts pairs sent to review. "
             "Pairs are scored without graph context (shared firms, officers, addresses), which in a "
             "real graph raises people without birth dates into the automatic band.", "",
             "| category | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for cat in sorted(by_cat):
        m = metrics(by_cat[cat])
        lines.append(f"| {cat} | " + " | ".join(_fmt(m[c]) for c in cols) + " |")
    m = metrics(outcomes)
    lines.append("| **overall** | " + " | ".join(f"**{_fmt(m[c])}**" for c in cols) + " |")
    wrong = [o for o in outcomes if o.same != o.merged]
    lines += ["", "## Pairs decided wrongly (merged but different, or same but not merged)", "",
              "| pair | category | same | score | explanation |", "|---|---|---|---|---|"]
    for o in wrong:
        lines.append(f"| {o.pair_id} | {o.category} | {int(o.same)} | {o.score:.2f} | {o.explanation.replace('|', '/')} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:len(by_cat) + 12]))


if __name__ == "__main__":
    main()
