"""Evaluate entity resolution on the team's labelled pairs and write the report.

    python bench/evaluate_resolution.py [--out docs/resolution-evaluation.md] [--backgrounds 20000,100000]

See bench/resolution_eval.py for what is measured; tests/test_resolution.py asserts floors.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.resolution_eval import Outcome, evaluate, metrics, namesake_background  # noqa: E402
from graphkit.resolve.scoring import AUTO, REVIEW  # noqa: E402

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "er_pairs.csv"


def _fmt(v: float | int | None) -> str:
    return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="docs/resolution-evaluation.md")
    ap.add_argument("--backgrounds", default="20000,100000",
                    help="sizes of the synthetic background populations to evaluate among, besides none")
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
             "Each pair is decided as `graphkit resolve` decides it (blocking, scoring, the rules of "
             "`graphkit.resolve.decide`), without graph context (shared firms, officers, addresses). "
             "`recall` counts automatic merges only; `found_recall` also counts pairs sent to review.", "",
             "## Each pair on its own", "",
             "The labelled pairs as authored: each pair is the whole data, so two people whose names agree "
             "have no namesake to be confused with (see the next section for the same pairs among namesakes).", "",
             "| category | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for cat in sorted(by_cat):
        m = metrics(by_cat[cat])
        lines.append(f"| {cat} | " + " | ".join(_fmt(m[c]) for c in cols) + " |")
    m = metrics(outcomes)
    lines.append("| **overall** | " + " | ".join(f"**{_fmt(m[c])}**" for c in cols) + " |")
    lines += ["", "## The same pairs among namesakes", "",
              "Each pair decided among a synthetic background population "
              "(`bench.namesakes.make_records(n, seed=11)`: Russian and Kazakh people with "
              "Zipf-distributed surnames, so common names recur as in a national registry): the pair's "
              "records plus every background record that shares a block key with either. Names alone "
              "merge only when no namesake could be meant, so recall falls as namesakes multiply and "
              "those pairs wait for review instead; precision is what must hold.", "",
              "| background people | " + " | ".join(cols) + " | seconds |", "|---" * (len(cols) + 2) + "|",
              "| none | " + " | ".join(_fmt(m[c]) for c in cols) + " | - |"]
    for n in [int(x) for x in args.backgrounds.split(",") if x]:
        t0 = time.perf_counter()
        among = evaluate(PAIRS, namesake_background(n))
        mb = metrics(among)
        lines.append(f"| {n:,} | " + " | ".join(_fmt(mb[c]) for c in cols) + f" | {time.perf_counter() - t0:.0f} |")
    lines.append("")
    lines.append("## Pairs decided wrongly, each pair on its own")
    wrong = [o for o in outcomes if o.same != o.merged]
    lines += ["", "Merged but different, or the same but not merged:", "",
              "| pair | category | same | score | explanation |", "|---|---|---|---|---|"]
    for o in wrong:
        lines.append(f"| {o.pair_id} | {o.category} | {int(o.same)} | {o.score:.2f} | {o.explanation.replace('|', '/')} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    from docsection import put_section

    table = lines[lines.index("## The same pairs among namesakes"):lines.index("## Pairs decided wrongly, each pair on its own")]
    put_section("Entity resolution: evaluation on the labelled pairs", "\n".join(
        [f"Written by `python bench/evaluate_resolution.py` ({lines[2][2:]}); per category and the pairs "
         f"decided wrongly in `{args.out}`. The labelled pairs on their own (first row) and among "
         "synthetic namesakes:", ""] + table[2:]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
