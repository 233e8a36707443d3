"""Evaluate entity resolution on the team's labelled pairs and write the report.

    python bench/evaluate_resolution.py [--out docs/resolution-evaluation.md] [--backgrounds 20000,100000]

See graphkit/resolve/evaluation.py for what is measured; tests/test_resolution.py asserts floors.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsection import machine  # noqa: E402
from graphkit.resolve.evaluation import (  # noqa: E402
    Outcome,
    RealOutcome,
    evaluate,
    evaluate_real,
    evaluate_spellings,
    metrics,
    namesake_background,
    real_metrics,
)
from graphkit.resolve.scoring import AUTO, REVIEW  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
PAIRS = DATA / "er_pairs.csv"
REAL = DATA / "real_pairs.csv"
SPELLINGS = DATA / "person_spellings.csv"
REAL_COLS = ["pairs", "same", "different", "false_merges", "auto_precision", "auto_recall", "found_precision",
             "found_recall"]


def _table(label: str, groups: dict[str, list], measure, cols: list[str], everything: list) -> list[str]:
    """A Markdown table: one row per group (sorted), then the overall row in bold."""
    out = [f"| {label} | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name in sorted(groups):
        m = measure(groups[name])
        out.append(f"| {name} | " + " | ".join(_fmt(m[c]) for c in cols) + " |")
    m = measure(everything)
    out.append("| **overall** | " + " | ".join(f"**{_fmt(m[c])}**" for c in cols) + " |")
    return out


def real_section() -> list[str]:
    """The evidence: real records nobody on the team wrote, labelled by hand."""
    outcomes = evaluate_real(REAL)
    lines = ["## Real records labelled by hand", "",
             f"`tests/data/real_pairs.csv`: {len(outcomes)} candidate pairs from the KEK media-ownership, "
             "OpenSanctions, customs, GLEIF and ICIJ samples in `../shared/data/real/`, labelled from the "
             "records (ids, ownership rows, the sources' own merges) before the rules were changed, without "
             "reading or running the resolver; 92% are hard (same words, different entity; or another "
             "spelling of one entity). `tests/test_resolution_real.py` asserts no false merge and "
             "`found_recall` >= 0.95. `found` = merged automatically or offered for review.", ""]
    by_source: dict[str, list[RealOutcome]] = defaultdict(list)
    for o in outcomes:
        by_source[o.source].append(o)
    lines += _table("source", by_source, real_metrics, REAL_COLS, outcomes)
    lines += ["", "True pairs neither merged nor offered for review (what a reader of the review queue never sees):", "",
              "| pair | category | score | explanation |", "|---|---|---|---|"]
    for o in outcomes:
        if o.same and not o.found:
            lines.append(f"| {o.pair_id} | {o.category} | {o.score:.2f} | {o.explanation.replace('|', '/')} |")
    wrong = [o for o in outcomes if o.merged and not o.same]
    lines += ["", f"Pairs labelled different but merged automatically: {len(wrong) or 'none'}.", ""]
    sp = evaluate_spellings(SPELLINGS)
    with SPELLINGS.open(encoding="utf-8", newline="") as fh:
        dated = {r["group_id"] for r in csv.DictReader(fh) if r["birth_date"]}
    undated = sorted(set(sp.clusters_per_person) - dated)
    lines += ["## One person under many spellings", "",
              f"`tests/data/person_spellings.csv`: {sp.records} real spellings of {sp.people} people (OpenSanctions: "
              "Latin, Cyrillic, Ukrainian and Belarusian forms, Czech and Swedish romanisations, maiden names), "
              "resolved together as one input.", "",
              f"- entities each person ends as: {', '.join(f'{g} {n}' for g, n in sp.clusters_per_person.items())}",
              f"- records of two different people joined: {sp.false_merges}",
              f"- review queue: {sp.review_items} would-be entities ({sp.review_pairs} pairs) for {sp.records} records",
              "", "People with a birth date and one surname end as one entity. Two (ps04, ps05) were recorded "
              "under a maiden or married surname too; those records wait for a person, as they should. "
              f"{', '.join(undated)} have no birth date in the sources: names alone never merge two people, "
              "so their spellings are offered for review (or, where the forms are too far apart, stay apart).", ""]
    return lines


def _kept(out: Path, lines: list[str]) -> str:
    """The sections of ``out`` that other scripts and people wrote (after this script's own, from
    the first ``## `` heading this script does not write), kept as they are."""
    if not out.exists():
        return ""
    own = {ln for ln in lines if ln.startswith("## ")}
    old = out.read_text(encoding="utf-8")
    m = next((m for m in re.finditer(r"^## .*$", old, re.M) if m.group(0) not in own), None)
    return "\n" + old[m.start():] if m else ""


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
    lines = ["# Entity resolution: evaluation", "",
             f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             f"- machine: {machine()} (the figures are counts: they do not depend on it)",
             "- command: `python bench/evaluate_resolution.py` (tests/test_resolution_real.py and "
             "tests/test_resolution.py assert the floors); the synthetic registry scenario and its officer "
             "links: `python bench/evaluate_scenario.py` (section in docs/benchmarks.md)",
             f"- thresholds: merge (auto) at score >= {AUTO}, review from {REVIEW}", "",
             *real_section(),
             "## The team's synthetic pairs", "",
             f"`tests/data/er_pairs.csv`: {len(outcomes)} pairs the team wrote by hand. They were written "
             "with the rules, so they guard against regressions and are no evidence of accuracy.", "",
             "Each pair is decided as `graphkit resolve` decides it (blocking, scoring, the rules of "
             "`graphkit.resolve.decide`), without graph context (shared firms, officers, addresses). "
             "`recall` counts automatic merges only; `found_recall` also counts pairs sent to review.", "",
             "### Each pair on its own", "",
             "The labelled pairs as authored: each pair is the whole data, so two people whose names agree "
             "have no namesake to be confused with (see the next section for the same pairs among namesakes).", "",
             *_table("category", by_cat, metrics, cols, outcomes)]
    m = metrics(outcomes)
    lines += ["", "### The same pairs among namesakes", "",
              "Each pair decided among a synthetic background population "
              "(`graphkit.resolve.namesakes.make_records(n, seed=11)`: Russian and Kazakh people with "
              "Zipf-distributed surnames, so common names recur as in a national registry): the pair's "
              "records plus every background record that shares a block key with either. Names alone "
              "never merge two people, so what they cannot settle waits for review; precision is what "
              "must hold.", "",
              "| background people | " + " | ".join(cols) + " | seconds |", "|---" * (len(cols) + 2) + "|",
              "| none | " + " | ".join(_fmt(m[c]) for c in cols) + " | - |"]
    for n in [int(x) for x in args.backgrounds.split(",") if x]:
        t0 = time.perf_counter()
        among = evaluate(PAIRS, namesake_background(n))
        mb = metrics(among)
        lines.append(f"| {n:,} | " + " | ".join(_fmt(mb[c]) for c in cols) + f" | {time.perf_counter() - t0:.0f} |")
    lines.append("")
    lines.append("### Pairs decided wrongly, each pair on its own")
    wrong = [o for o in outcomes if o.same != o.merged]
    lines += ["", "Merged but different, or the same but not merged:", "",
              "| pair | category | same | score | explanation |", "|---|---|---|---|---|"]
    for o in wrong:
        lines.append(f"| {o.pair_id} | {o.category} | {int(o.same)} | {o.score:.2f} | {o.explanation.replace('|', '/')} |")
    Path(args.out).write_text("\n".join(lines) + "\n" + _kept(Path(args.out), lines), encoding="utf-8")
    from docsection import put_section

    real = lines[lines.index("## Real records labelled by hand"):lines.index("## One person under many spellings")]
    table = real[real.index("| source | " + " | ".join(REAL_COLS) + " |"):]
    table = table[:table.index("")]
    put_section("Entity resolution: evaluation on the labelled pairs", "\n".join(
        [f"Written by `python bench/evaluate_resolution.py` ({lines[2][2:]}; {lines[3][2:]}); the misses, the spellings "
         f"test and the team's synthetic pairs in `{args.out}`. Real records labelled by hand:", ""] + table))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
