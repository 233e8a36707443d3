"""A COPY against the size of its table: the same batch of new addresses COPY-ed into graphkit's
``Address`` table as it grows; writes nothing to docs/ unless asked (``--doc``: the "Loader: a
COPY against the size of its table" section of docs/benchmarks.md).

    python bench/copy_growth_bench.py                                   # 1M, 4M and 8M stored
    python bench/copy_growth_bench.py --sizes 500000,2000000 --batch 50000

Why: loaded in ten parts, the full UK PSC snapshot's later parts peak higher, part by part, in
the processes that COPY ("Loader: the UK PSC snapshot in parts"), for rows that are nearly all
new. This isolates the store's share: nothing of graphkit runs but the COPY.

In one run, into one graph with graphkit's schema and LadybugDB's pool as graphkit sets it:

1. the table is filled to each of ``--sizes`` rows with COPYs of at most 1M addresses of one
   source each (graphkit's staging layout, ``long_lists_bench.write_addresses``; not timed);
2. at each size, ``--batch`` new addresses COPY-ed in a process of its own, as a load's large
   COPYs are (``_copy_apart``): its time and peak RSS (``VmHWM``). Each probe's rows stay in the
   table (and count towards the next size).

Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsection import machine, put_section  # noqa: E402
from bench.long_lists_bench import child, copy, write_addresses  # noqa: E402

HEADING = "Loader: a COPY against the size of its table"
FILL = 1_000_000  # rows a filling COPY holds at most


def bench(sizes: list[int], batch: int, work: Path) -> list[dict[str, Any]]:
    db = work / "graph"
    child("graph", str(db))
    held, first, out = 0, 0, []
    for size in sizes:
        while held < size:
            rows = min(FILL, size - held)
            path = work / "fill.parquet"
            write_addresses(path, rows, 0, 0, first=first)
            filled = copy(db, [(path, rows)])
            if filled["error"]:
                raise SystemExit(f"filling to {size:,} failed: {filled['error']}")
            held, first = held + rows, first + rows
        probe = work / "probe.parquet"
        write_addresses(probe, batch, 0, 0, first=first)
        result = copy(db, [(probe, batch)])
        out.append({"size": size, "held": held, **result})
        held, first = held + batch, first + batch
        print(out[-1], flush=True)
    return out


def render(results: list[dict[str, Any]], batch: int, command: str, when: str) -> str:
    base = results[0]
    lines = [f"Measured {when} on {machine()}. Command:", "", f"    {command}", "",
             f"{batch:,} new addresses (one source each) COPY-ed, each time in a process of its own, into graphkit's "
             "`Address` table holding *stored* rows (addresses of one source each); the process's time and peak RSS. "
             "*Over the first*: the peak's growth against the smallest table, per million rows stored more.", "",
             "| stored | COPY s | peak RSS MB | over the first, MB per million rows stored |",
             "|---:|---:|---:|---:|"]
    for r in results:
        if r["error"]:
            lines.append(f"| {r['held']:,} | failed: {r['error'][:100]} | | |")
            continue
        more = (r["peak_mb"] - base["peak_mb"]) / ((r["held"] - base["held"]) / 1e6) if r is not base else None
        lines.append(f"| {r['held']:,} | {r['seconds']:.1f} | {r['peak_mb']:,.0f} | "
                     f"{'' if more is None else f'{more:,.0f}'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,4000000,8000000", help="stored rows at each probe, ascending")
    parser.add_argument("--batch", type=int, default=100_000, help="new rows each probe COPYs")
    parser.add_argument("--doc", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args()
    sizes = sorted(int(x) for x in args.sizes.split(","))
    started = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="copy-growth-") as work:
        results = bench(sizes, args.batch, Path(work))
    command = "python bench/copy_growth_bench.py" + "".join(
        f" --{k} {v}" for k, v in (("sizes", args.sizes), ("batch", args.batch)) if v != parser.get_default(k))
    text = render(results, args.batch, command, started.strftime("%Y-%m-%d %H:%M UTC"))
    print(text)
    if args.doc:
        put_section(HEADING, text)


if __name__ == "__main__":
    main()
