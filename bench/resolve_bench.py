"""Benchmark entity resolution on synthetic names: time, peak memory, pairs scored, blocking
recall, and precision/recall of the automatic decisions.

    python bench/resolve_bench.py --sizes 100000,1000000 [--out docs/benchmarks-resolve.md]
    python bench/resolve_bench.py --render-only   # docs/benchmarks.md's section from --out again

Writes ``--out`` and the section "Entity resolution: 100k and 1M names" of docs/benchmarks.md.

Each size N makes N person records with ``graphkit.resolve.namesakes.make_records``: Russian and
Kazakh names in Cyrillic with birth dates, Zipf-distributed surnames (so namesakes are common);
10% of them get a second record for the same person written as another source would write it
(Latin under one of several transliteration schemes, surname first or last, an initial instead
of the given name, a press-style spelling slip, 20% without the birth date). Those are the true
pairs. Every size runs in a fresh process so peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if os.environ.get("RESOLVE_BENCH_CODE"):  # a child measuring an earlier revision's package (--against)
    sys.path.insert(0, os.environ["RESOLVE_BENCH_CODE"])

from bench.docsection import machine  # noqa: E402
from bench.revisions import checkout  # noqa: E402
from graphkit.resolve.namesakes import make_records  # noqa: E402


def measure(n: int) -> dict:
    from graphkit.resolve import ResolveReport, decide
    from graphkit.resolve.decide import block, prepare
    from graphkit.resolve.judgements import Judgements, Partition

    t0 = time.perf_counter()
    records, truth = make_records(n)
    t_gen = time.perf_counter() - t0

    # what ``decide`` does, in its order, with the candidate pairs kept to read the blocking recall
    # from afterwards: a callback for each pair (``observe``: 9.8M calls at a million names) was
    # timed with the run, work that no resolution of graphkit's does
    report, judgements, partition = ResolveReport(), Judgements(), Partition()
    t0, c0 = time.perf_counter(), _cpu()
    gc.disable()  # as ``decide`` does for its preparation and blocking (``_no_cycle_collection``)
    try:
        prepare(records, judgements, partition, report)
        blocked_pairs = block(records)
        decisions = decide(records, judgements, partition, report, prepared=True, blocked=blocked_pairs)
    finally:
        gc.enable()
    t_resolve, t_cpu = time.perf_counter() - t0, _cpu() - c0
    blocked = _true_pairs(blocked_pairs.pairs, truth)
    recall_block = blocked / len(truth) if truth else 1.0
    auto = {(min(c.a.id, c.b.id), max(c.a.id, c.b.id)) for c in decisions if c.state == "auto"}
    asked = {(min(c.a.id, c.b.id), max(c.a.id, c.b.id)) for c in decisions if c.state == "pending"}
    tp = len(auto & truth)
    return {
        "records": len(records), "true_pairs": len(truth), "generate_s": round(t_gen, 1),
        "resolve_s": round(t_resolve, 1),
        "pairs_scored": report.pairs_scored, "blocking_recall": round(recall_block, 4),
        "pairs_gated": getattr(report, "pairs_gated", None),
        "pairs_reaching_review": getattr(report, "pairs_reaching_review", None),
        "record_bytes": _record_bytes(),
        "auto": len(auto), "pending": report.pending,
        "auto_precision": round(tp / len(auto), 4) if auto else None,
        "auto_recall": round(tp / len(truth), 4) if truth else None,
        "found_recall": round(len((auto | asked) & truth) / len(truth), 4) if truth else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # the forked children that share the finding and scoring of the pairs (graphkit/resolve/blocking.py,
        # decide.py): the largest one's peak, which counts the pages it shares with this process
        "children_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "cpu_s": round(t_cpu, 1),
        "decisions": sorted([c.a.id, c.b.id, c.state, round(c.score, 4), c.explanation] for c in decisions),
    }


def _true_pairs(pairs, truth: set[tuple[str, str]]) -> int:
    """How many of the candidate ``pairs`` (``blocking.Pairs``) are ``truth``'s pairs of ids, read
    a million at a time (a test of all 10M at once took more memory than the resolution's peak)."""
    ids = {x for pair in truth for x in pair}
    number = {r.id: i for i, r in enumerate(pairs.records) if r.id in ids}
    wanted = np.array(sorted(number[a] * pairs.width + number[b] for a, b in truth if a in number and b in number),
                      np.int64)
    step = 1 << 20
    return sum(int(np.isin(pairs.numbers[lo:lo + step], wanted, assume_unique=True).sum())
               for lo in range(0, len(pairs.numbers), step))


def _record_bytes(n: int = 10_000) -> int:
    """Bytes a synthetic person's ``Record`` takes with its names and date (tracemalloc over
    ``make_records(n)``, the truth set included)."""
    import tracemalloc

    tracemalloc.start()
    try:
        records, _ = make_records(n)
        return round(tracemalloc.get_traced_memory()[0] / len(records))
    finally:
        tracemalloc.stop()


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", default="docs/benchmarks-resolve.md")
    ap.add_argument("--against", metavar="REV", help="also measure each size with the code of this git revision, "
                    "in the same run (the time ratio and whether any decision differs)")
    ap.add_argument("--render-only", action="store_true",
                    help="only copy --out (measured earlier) into docs/benchmarks.md")
    args = ap.parse_args()
    if args.render_only:
        _to_benchmarks(Path(args.out))
        return
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        code = checkout(args.against, Path(tmp) / "code") if args.against else None
        for n in [int(x) for x in args.sizes.split(",")]:
            # the earlier revision first: on these machines a run right after another was slower
            # in alternating trials, and that must not flatter the code measured
            before = _measure_in_child(n, code) if code is not None else {}
            row = {"size": n, **_measure_in_child(n)}
            if code is not None:
                row["before"] = {k: before.get(k) for k in ("resolve_s", "pairs_scored", "peak_rss_mb", "auto", "pending",
                                                            "cpu_s", "pairs_gated", "pairs_reaching_review",
                                                            "record_bytes")}
                row["before"]["decisions_differ"] = len(set(map(tuple, before["decisions"]))
                                                        ^ set(map(tuple, row["decisions"])))
            row.pop("decisions")
            rows.append(row)
            print(rows[-1], flush=True)
    lines = [
        "# Entity resolution benchmark", "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine: {machine()}",
        f"- command: `python bench/resolve_bench.py --sizes {args.sizes}"
        + (f" --against {args.against}" if args.against else "") + "`", "",
        "Synthetic people (see the script's docstring): N Cyrillic records, 10% with a second record "
        "in another transliteration, order or with an initial. Blocking recall is the share of true "
        "pairs that reach scoring; precision and recall are those of the automatic decisions; found "
        "recall also counts true pairs left pending for review. Each size runs in its own process. "
        "The review queue is large by construction: 1.8k surnames and 48 given names for up to a "
        "million people make most names common, and a variant without birth date matches every "
        "namesake, which is exactly when a person must decide. Names alone never merge two people, so "
        "auto recall counts only pairs confirmed by a birth date.", "",
        "| names | records | true pairs | pairs scored | blocking recall | resolve s (block+score+decide) | auto precision | auto recall | pending review | found recall (auto or pending) | peak RSS MB | CPU s (forked children included) | forked children's peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['size']:,} | {r['records']:,} | {r['true_pairs']:,} | {r['pairs_scored']:,} | "
                     f"{r['blocking_recall']} | {r['resolve_s']} | {r['auto_precision']} | "
                     f"{r['auto_recall']} | {r['pending']:,} | {r['found_recall']} | {r['peak_rss_mb']:,} | "
                     f"{r.get('cpu_s', '')} | {r.get('children_peak_rss_mb', 0):,} |")
    lines += ["", "Where the pairs go: *left out unscored*, pairs of people the gate (`graphkit/resolve/gate.py`) "
              "tells below review on arrays; *reaching review*, pairs scoring at least REVIEW, which triage "
              "then decides; *bytes a record*, a synthetic person's `Record` with its names and date "
              "(tracemalloc over 10,000 of them).", "",
              "| names | pairs scored | left out unscored | reaching review | bytes a record |"
              + (f" bytes a record at `{args.against}` |" if args.against else ""),
              "|---|---:|---:|---:|---:|" + ("---:|" if args.against else "")]
    for r in rows:
        gated, reaching = r.get("pairs_gated"), r.get("pairs_reaching_review")
        left_out = f"{gated:,} ({gated / max(r['pairs_scored'], 1):.0%})" if gated is not None else ""
        lines.append(f"| {r['size']:,} | {r['pairs_scored']:,} | {left_out} | "
                     f"{reaching:,} | {r.get('record_bytes', 0):,} |" if reaching is not None else
                     f"| {r['size']:,} | {r['pairs_scored']:,} | {left_out} | | {r.get('record_bytes', 0):,} |")
        if args.against:
            lines[-1] += f" {r['before'].get('record_bytes') or 0:,} |"
    if args.against:
        lines += ["", f"Against revision `{args.against}` (its code on the same records, each size in its own process, "
                  "in the same run, measured first at each size):", ""]
        lines += [f"- {r['size']:,} names: before {r['before']['resolve_s']} s ({r['before'].get('cpu_s')} s CPU, "
                  f"{r['before']['pairs_scored']:,} pairs "
                  f"scored, {r['before']['peak_rss_mb']:,} MB), now {r['resolve_s']} s ({r.get('cpu_s')} s CPU): "
                  f"{r['before']['resolve_s'] / r['resolve_s']:.2f}x faster; decisions (pair, state, score, explanation) "
                  f"that differ: {r['before']['decisions_differ']}" for r in rows]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    _to_benchmarks(Path(args.out))
    print(f"wrote {args.out} and its section of docs/benchmarks.md")


def _measure_in_child(n: int, code: Path | None = None) -> dict:
    """``measure(n)`` in a fresh process (its own peak RSS); with ``code``, that package's."""
    env = dict(os.environ, RESOLVE_BENCH_CODE=str(code)) if code is not None else None
    res = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True,
                         env=env)
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def _to_benchmarks(out: Path) -> None:
    from docsection import put_section

    body = out.read_text(encoding="utf-8").split("\n", 1)[1]  # without its own title
    put_section("Entity resolution: 100k and 1M names", f"Written by `bench/resolve_bench.py` (also in `{out}`).\n{body}")


if __name__ == "__main__":
    main()
