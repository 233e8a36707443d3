"""The look-ups a load's planning makes of a large embedded graph, each in a process of its own:
the store's opening and closing, which staged relationships it holds (two ways), which staged
nodes it holds. Prints a table for docs/benchmarks.md (written there by hand).

    python bench/psc_parts_bench.py --scale 1.36 --parts 10 --keep /tmp/psc-graph   # the graph
    python bench/planning_bench.py --db /tmp/psc-graph --candidates 50000

A later part of a snapshot loaded in parts (``bench/psc_parts_bench.py``) plans its writes over
the graph of the earlier parts (``StagedLoad._plan``): for each staged table it asks the store
which of its records are stored. For relationships, only those between two nodes stored before
the part are asked about (``StagedLoad._stored_of``); from ``KEYED_RELS`` of them on,
``_EmbeddedStagedLoad.stored_rels`` matches them against stored relationships read from the
graph. Measured here, with ``--candidates`` stored relationships of each table standing for the
staged ones (they are all found; drawn once, in a process of their own, into a Parquet file):

- *whole table*: every stored relationship of the table read with its ends' ids, and matched in
  Arrow (graphkit until 2026-12-07);
- *by their ids*: ``stored_rels`` as it is now: the stored relationships with a staged id, with
  their ends' storage offsets, and the offsets of the staged ends, in three ``LOAD FROM``s;
- *open and close*: ``EmbeddedStore`` opened for writing (schema check, recovery of killed loads)
  and closed, as the planning does between tables (``release_lookups``);
- *nodes*: one ``LOAD FROM`` of ``ASK_IDS`` stored ids of a label (``stored_nodes``).

Each gives wall and CPU seconds and the process's peak RSS (``VmHWM``). The graph is only read.
Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402 - bench/run.py: a process's peak RSS


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(kind: str, db: str, *args: str) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from graphkit.store.embedded import EmbeddedStore, _EmbeddedStagedLoad
    from graphkit.store.staged import ASK_IDS

    if kind == "open":
        wall, cpu = time.perf_counter(), _cpu()
        store = EmbeddedStore(db)
        store.conn  # noqa: B018 - the opening is what is measured
        store.close()
        return {"seconds": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "peak_mb": run._rss_mb()}
    with EmbeddedStore(db) as store:
        if kind == "nodes":
            label = args[0]
            ids = store.conn.execute(f"MATCH (n:{label}) RETURN n.id AS id LIMIT {ASK_IDS}").get_as_arrow(0)
            sink = _EmbeddedStagedLoad(store, Path(db))
            before, wall, cpu = run._rss_mb(), time.perf_counter(), _cpu()
            found = sink.stored_nodes(label, ids.column("id").combine_chunks())
            return {"seconds": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "peak_mb": run._rss_mb(),
                    "before_mb": before, "asked": ids.num_rows, "found": len(found)}
        type_, sl, el, how, drawn, *more = args
        if how == "draw":  # the candidates, for the other children to read
            rows = store.conn.execute(f"MATCH (a:{sl})-[r:{type_}]->(b:{el}) RETURN a.id AS `from`, "
                                      f"b.id AS `to`, r.id AS id SKIP 1000 LIMIT {int(more[0])}").get_as_arrow(0)
            pq.write_table(pa.table({c: rows.column(c).combine_chunks().cast(pa.string())
                                     for c in ("from", "to", "id")}), drawn)
            return {"drawn": rows.num_rows}
        staged = pq.read_table(drawn)
        sink = _EmbeddedStagedLoad(store, Path(db))
        before, wall, cpu = run._rss_mb(), time.perf_counter(), _cpu()
        if how == "whole":  # the code of graphkit until 2026-12-07
            import pyarrow.compute as pc

            from graphkit.store.embedded import _rel_keys

            result = store._result(f"MATCH (a:{sl})-[r:{type_}]->(b:{el}) RETURN a.id AS f, b.id AS t, r.id AS id",
                                   None, "whole")
            stored = _rel_keys(*result.get_as_arrow(0).columns)
            hit = pc.is_in(_rel_keys(staged.column("from"), staged.column("to"), staged.column("id")),
                           value_set=stored)
            found = set(staged.column("id").filter(hit).to_pylist())
        else:
            found = sink.stored_rels(type_, sl, el, staged)
        return {"seconds": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "peak_mb": run._rss_mb(),
                "before_mb": before, "asked": staged.num_rows, "found": len(found)}


def measure(kind: str, db: Path, *args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "_child", kind, str(db), *args], capture_output=True,
                          text=True, check=False, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"{kind} {' '.join(args)} failed: {proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], *sys.argv[4:])))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, required=True, help="a large embedded graph (only read)")
    p.add_argument("--candidates", type=int, default=50_000)
    p.add_argument("--tables", default="OWNS:Person:Company,OFFICER_OF:Person:Company,REGISTERED_AT:Person:Address",
                   help="relationship tables as TYPE:START:END, comma-separated")
    p.add_argument("--labels", default="Company,Person,Address")
    args = p.parse_args()
    print(f"graph {args.db}, {args.candidates:,} candidates a table")
    print("| look-up | seconds (CPU) | peak RSS MB | asked | found |")
    print("|---|---:|---:|---:|---:|")
    for _ in range(2):
        o = measure("open", args.db)
        print(f"| open and close | {o['seconds']:.1f} ({o['cpu_s']:.1f}) | {o['peak_mb']:,.0f} | | |")
    for label in args.labels.split(","):
        r = measure("nodes", args.db, label)
        print(f"| {label}: stored nodes | {r['seconds']:.1f} ({r['cpu_s']:.1f}) | {r['peak_mb']:,.0f} | "
              f"{r['asked']:,} | {r['found']:,} |")
    for table in args.tables.split(","):
        type_, sl, el = table.split(":")
        drawn = Path(tempfile.mkdtemp()) / "candidates.parquet"
        measure("rels", args.db, type_, sl, el, "draw", str(drawn), str(args.candidates))
        for how in ("whole", "ids"):
            r = measure("rels", args.db, type_, sl, el, how, str(drawn))
            name = "whole table" if how == "whole" else "by their ids"
            print(f"| {type_} ({sl} to {el}): {name} | {r['seconds']:.1f} ({r['cpu_s']:.1f}) | "
                  f"{r['peak_mb']:,.0f} | {r['asked']:,} | {r['found']:,} |", flush=True)
        shutil.rmtree(drawn.parent)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
