"""Resolution on a synthetic UK PSC snapshot in the real line layout: candidate pairs, time and
the review queue, with and without the birth month and year PSC gives each person.

    python bench/psc_resolve_bench.py [--lines 20000] [--out docs/resolution-evaluation.md]

Writes the snapshot with ``bench/registries_synth.py`` (seed 7), loads it with the ``uk-psc``
mapping into a temporary embedded graph, and resolves its records in memory twice: as loaded (people
carry ``birth_month``) and with every birth date removed (what resolution saw before it read PSC's
months). Times are ratios to a plain ``json.loads`` of every line, measured in the same run. The
target: a review queue of at most 5 % as many pairs as there are people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.combined_resolution import put  # noqa: E402
from bench.docsection import machine  # noqa: E402
from bench.registries_synth import PSC_LINES, psc  # noqa: E402
from graphkit.load import load_files  # noqa: E402
from graphkit.resolve import load_records, run  # noqa: E402
from graphkit.resolve.blocking import candidates  # noqa: E402
from graphkit.resolve.scoring import Record  # noqa: E402

HEADING = "## Synthetic UK PSC snapshot"


def measure(records: dict[str, list[Record]]) -> dict[str, float]:
    pairs = sum(1 for _ in candidates(records["Person"]))
    started = time.perf_counter()
    report = run(records).report
    seconds = time.perf_counter() - started
    people = len(records["Person"])
    pending = sum(c.state == "pending" and c.label == "Person" for c in report.decisions)
    return {"people": people, "candidate_pairs": pairs, "pairs_per_person": pairs / max(people, 1),
            "seconds": seconds, "auto": sum(c.state == "auto" and c.label == "Person" for c in report.decisions),
            "queue": pending, "queue_share": pending / max(people, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--out", type=Path, help="Markdown file whose 'Synthetic UK PSC snapshot' section to write")
    args = parser.parse_args()
    from graphkit.store.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "psc"
        psc(folder, args.lines / PSC_LINES)
        snapshot = folder / "psc-snapshot.txt"
        started = time.perf_counter()
        for line in snapshot.read_text(encoding="utf-8").splitlines():
            json.loads(line)
        parse = time.perf_counter() - started
        store = EmbeddedStore(Path(tmp) / "g")
        load_files(store, [snapshot], "uk-psc", on_error="skip", rejects_dir=Path(tmp) / "rejects")
        records = load_records(store)
        store.close()
    with_months = measure(records)
    undated = {label: [replace(r, birth_date=None, context=set(r.context)) for r in rs] for label, rs in records.items()}
    without = measure(undated)
    rows = [("with birth month and year (now)", with_months), ("without (before)", without)]
    lines = [HEADING, "",
             f"Measured {dt.date.today().isoformat()} on {machine()}: `python bench/psc_resolve_bench.py "
             f"--lines {args.lines}`.", "",
             f"A {args.lines:,}-line snapshot from `bench/registries_synth.py psc` (the real line layout), loaded "
             "with `uk-psc`; people resolved in memory. Time as a ratio to a plain `json.loads` of every line "
             f"({parse:.2f} s in this run).", "",
             "| people's birth dates | people | candidate pairs | per person | resolve (s, ratio to parse) "
             "| merged | review queue | queue / people |", "|---|---|---|---|---|---|---|---|"]
    for name, m in rows:
        lines.append(f"| {name} | {m['people']:,} | {m['candidate_pairs']:,} | {m['pairs_per_person']:.2f} "
                     f"| {m['seconds']:.1f} ({m['seconds'] / parse:.0f}x) | {m['auto']:,} | {m['queue']:,} "
                     f"| {m['queue_share']:.1%} |")
    body = "\n".join(lines) + "\n"
    print(body)
    if args.out:
        put(args.out, body, HEADING)


if __name__ == "__main__":
    main()
