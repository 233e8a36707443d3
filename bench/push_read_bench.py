"""A push's reading: every table of an embedded graph read as ``graphkit push`` reads it, each way in
a process of its own; prints a table for the "Push: reading the embedded graph" section of
docs/benchmarks.md (written there by hand).

    python bench/push_read_bench.py --lines 50000,200000,1000000 --work /tmp/push-read

For each size, in one run: a synthetic PSC snapshot (``graphkit/synth/registries.py psc``) loaded
with ``graphkit load -m uk-psc`` (not timed), then, each in a fresh process, every node and
relationship table read with the columns a push reads:

- *id order*: ``Store.read_pages``, the protocol's default (pages after the last id read, in id
  order), which the push used until 2026-12-07;
- *one scan*: ``EmbeddedStore.read_pages`` (``COPY (MATCH ...) TO`` a Parquet file, read back a
  page at a time), what it uses now.

Each gives its records, wall and CPU seconds, and its process's peak RSS (``VmHWM``). Nothing here
asserts on timings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsection import machine  # noqa: E402

PSC_LINES = 10_000_000  # lines at --scale 1.0 of the PSC generator
PAGE = 10_000  # rows a push reads at a time (store/copy.py BATCH)


def read(db: str, way: str) -> dict[str, Any]:
    """Read every table of the graph at ``db`` as a push does, ``way`` "id-order" or "one-scan"."""
    from graphkit.model import get_model
    from graphkit.store.base import Store
    from graphkit.store.embedded import EmbeddedStore

    store = EmbeddedStore(db, read_only=True)
    model = get_model()
    tables = [(f"(n:{label})", "n", ", ".join(f"n.{c} AS {c}" for c in model.node_columns(label)))
              for label in model.nodes]
    for rt in model.relationships.values():
        ret = ", ".join(f"r.{c} AS {c}" for c in model.rel_columns(rt.type) if c != "id")
        tables += [(f"(a:{a})-[r:{rt.type}]->(b:{b})", "r", f"a.id AS _from, b.id AS _to, r.id AS _id, {ret}")
                   for a, b in rt.between]
    pages = (lambda *a: Store.read_pages(store, *a)) if way == "id-order" else store.read_pages
    t, cpu, records = time.perf_counter(), time.process_time(), 0
    for pattern, var, ret in tables:
        for page in pages(pattern, var, ret, PAGE):
            records += len(page)
    out = {"records": records, "seconds": time.perf_counter() - t, "cpu_s": time.process_time() - cpu}
    store.close()
    with open("/proc/self/status") as status:
        out["peak_mb"] = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lines", default="50000,200000", help="sizes, in PSC lines, comma-separated")
    p.add_argument("--work", type=Path, default=Path("/tmp/graphkit-push-read"))
    p.add_argument("--child", nargs=2, metavar=("DB", "WAY"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(read(*args.child)))
        return
    python = [sys.executable]
    rows = []
    for lines in (int(n) for n in args.lines.split(",")):
        folder = args.work / f"psc-{lines}"
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([*python, "-m", "graphkit.synth.registries", "psc", str(folder / "data"),
                        "--scale", str(lines / PSC_LINES)], check=True, capture_output=True)
        subprocess.run([*python, "-m", "graphkit.cli", "load", str(folder / "data"), "-m", "uk-psc",
                        "--db", str(folder / "graph"), "--rejects-dir", str(folder / "rejects")],
                       check=True, capture_output=True)
        got = {}
        for way in ("id-order", "one-scan"):
            done = subprocess.run([*python, __file__, "--child", str(folder / "graph"), way],
                                  check=True, capture_output=True, text=True)
            got[way] = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append((lines, got))
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{machine()}; command: python bench/push_read_bench.py --lines {args.lines}\n")
    print("| PSC lines (records read) | id order: s (CPU), peak MB | one scan: s (CPU), peak MB |")
    print("|---|---:|---:|")
    for lines, got in rows:
        cells = [f"{g['seconds']:.1f} ({g['cpu_s']:.1f}), {g['peak_mb']:,.0f}" for g in got.values()]
        print(f"| {lines:,} ({got['one-scan']['records']:,}) | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
