"""Blocking alone: the time ``blocking.candidates`` takes on synthetic names, against an earlier
revision in the same run, and whether both give the same candidate pairs in the same order.

    python bench/blocking_bench.py [--sizes 100000,1000000] [--against REV] [--no-doc]

Synthetic people from ``graphkit.resolve.namesakes.make_records`` (as ``bench/resolve_bench.py``).
Each size and revision runs in a child process of its own with Python's hash seed fixed
(``PYTHONHASHSEED=0``): the seed orders the keys of a record, so without it the pairs come in
another order in each run (never other pairs). The child times ``blocking.candidates`` alone
(generating the records is not timed) and gives the pairs as a digest of their numbers in order,
the crowded records as a digest of their sorted ids, and its peak RSS (forked children not
counted). Writes the section "Entity resolution: blocking alone" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = {"PYTHONHASHSEED": "0"}  # the seed orders a record's keys, so the order of the pairs


def child(names: int) -> dict[str, object]:
    """Block ``names`` synthetic people with the graphkit first on ``sys.path``."""
    from graphkit.resolve import blocking
    from graphkit.resolve.namesakes import make_records

    records, _ = make_records(names)
    crowded: set[str] = set()
    stats: dict[str, int] = {}
    start, cpu = time.perf_counter(), time.process_time()
    pairs = blocking.candidates(records, stats, crowded)
    seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    return {"records": len(records), "seconds": round(seconds, 1), "cpu_s": round(cpu_s, 1),
            "pairs": len(pairs), "pairs_digest": hashlib.sha1(pairs.numbers.tobytes()).hexdigest()[:16],
            "crowded": len(crowded), "crowded_digest": hashlib.sha1("\n".join(sorted(crowded)).encode()).hexdigest()[:16],
            "windowed_blocks": stats.get("windowed_blocks", 0),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        print(json.dumps(child(int(sys.argv[2]))))  # the graphkit of PYTHONPATH
        return
    sys.path.insert(0, str(ROOT))  # the bench package
    from bench.docsection import machine, put_section
    from bench.revisions import checkout, measured_in_child

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--against", help="also block with the code of this git revision, in the same run")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        before_code = checkout(args.against, Path(tmp) / "before") if args.against else None
        for n in sizes:
            now = measured_in_child(__file__, [str(n)], ROOT, f"blocking {n:,} names", SEED)
            before = measured_in_child(__file__, [str(n)], before_code, f"blocking {n:,} names", SEED) \
                if before_code else None
            print(n, now, before, flush=True)
            rows.append((n, now, before))
    command = f"python bench/blocking_bench.py --sizes {args.sizes}" + (f" --against {args.against}" if args.against else "")
    lines = [f"Measured {when} on {machine()}: `{command}`.", "",
             "Synthetic people (`namesakes.make_records`), `blocking.candidates` timed alone in a child process "
             "of its own with Python's hash seed fixed (it orders a record's keys, so the pairs' order); "
             "*same pairs in the same order*: the digests of the pairs' numbers in order, and of the crowded "
             "records' ids, are equal.", "",
             "| names | records | candidate pairs | crowded records | blocking s (CPU s) | peak RSS MB |"
             + (f" at `{args.against}`: s (CPU s) | peak RSS MB | same pairs in the same order |" if args.against else ""),
             "|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---|" if args.against else "")]
    for n, now, before in rows:
        line = (f"| {n:,} | {now['records']:,} | {now['pairs']:,} | {now['crowded']:,} | {now['seconds']} "
                f"({now['cpu_s']}) | {now['peak_rss_mb']:,} |")
        if before:
            same = all(now[k] == before[k] for k in ("pairs", "pairs_digest", "crowded_digest", "windowed_blocks"))
            line += f" {before['seconds']} ({before['cpu_s']}) | {before['peak_rss_mb']:,} | {'yes' if same else 'NO'} |"
        lines.append(line)
    lines += ["", "CPU s is the timing process's own; the children it forks (keys, ranks, the pieces of pairing the child takes) are "
              "not counted, nor their memory."]
    body = "\n".join(lines)
    print(body)
    if not args.no_doc:
        put_section("Entity resolution: blocking alone", body)
        print("wrote its section of docs/benchmarks.md")


if __name__ == "__main__":
    main()
