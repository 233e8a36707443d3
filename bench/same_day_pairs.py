"""What the same-day keys of blocking bring: the candidate pairs that only people born the same
day whose two name parts begin alike (``d:`` keys, ``graphkit/resolve/blocking.py``) propose,
and how those pairs are decided on their own. The measurement behind "they cannot simply go"
in docs/benchmarks.md, section "Entity resolution: 100k and 1M names".

    python bench/same_day_pairs.py [--names 100000]

Synthetic people from ``graphkit.resolve.namesakes.make_records`` (as ``bench/resolve_bench.py``):
the candidate pairs with every key, then without the ``d:`` keys; the pairs only the first
propose are scored (``scoring.score``) and counted by outcome (automatic, review, below) and by
the generator's truth. Writes the section "Entity resolution: pairs only same-day keys propose".
Counts, not timings.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("GRAPHKIT_BLOCK_APART_WORK", "-1")  # one process: the keys are patched here

from bench.docsection import machine, put_section  # noqa: E402
from graphkit.resolve import blocking  # noqa: E402
from graphkit.resolve.namesakes import make_records  # noqa: E402
from graphkit.resolve.scoring import AUTO, REVIEW, score  # noqa: E402


def measure(n: int) -> dict[str, int]:
    records, truth = make_records(n)
    every = [(a, b) for a, b in blocking.candidates(records)]
    keys = blocking.keys

    def without_same_day(r, *args, **kwargs):  # type: ignore[no-untyped-def]
        return {k for k in keys(r, *args, **kwargs) if not k[0].startswith("d:")}
    blocking.keys = without_same_day
    try:
        rest = {(a.id, b.id) for a, b in blocking.candidates(records)}
    finally:
        blocking.keys = keys
    only = [(a, b) for a, b in every if (a.id, b.id) not in rest]
    out: Counter[str] = Counter()
    for a, b in only:
        value = score(a, b, frozenset(), explain=False).value
        kind = "auto" if value >= AUTO else "review" if value >= REVIEW else "below"
        out[f"{kind}_{'true' if (a.id, b.id) in truth else 'false'}"] += 1
    return {"records": len(records), "true_pairs": len(truth), "pairs": len(every), "only_same_day": len(only),
            "true_only_same_day": sum((a.id, b.id) in truth for a, b in only), **out}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--names", type=int, default=100_000)
    args = ap.parse_args()
    m = measure(args.names)
    print(m)
    body = "\n".join([
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}: "
        f"`python bench/same_day_pairs.py --names {args.names}` (counts: they do not depend on the machine).", "",
        f"{m['records']:,} synthetic person records (`namesakes.make_records({args.names})`, {m['true_pairs']:,} true "
        f"pairs): {m['pairs']:,} candidate pairs, of which {m['only_same_day']:,} are proposed only by the same-day "
        f"keys (born the same day, two name parts beginning alike); {m['true_only_same_day']:,} of those are true "
        "pairs. Those pairs scored on their own:", "",
        "| outcome | true pairs | other pairs |", "|---|---:|---:|",
        *(f"| {kind} | {m.get(kind + '_true', 0):,} | {m.get(kind + '_false', 0):,} |"
          for kind in ("auto", "review", "below")),
        "", "Dropping the same-day keys would lose the true pairs above that merge automatically or wait for "
        "review; they are people a transliteration or a slip parts from every other key."])
    put_section("Entity resolution: pairs only same-day keys propose", body)
    print("wrote its section of docs/benchmarks.md")


if __name__ == "__main__":
    main()
